/* SPDX-License-Identifier: MIT */
/*
 * The escape rule over effect records (see <xensim/escape.h>): the one
 * function both judges call, and the set of keys a handle held before
 * its restriction.  Reads records only, never the world.
 */
#include <string.h>

#include <xensim/escape.h>
#include <xensim/profile.h>
#include <xensim/xen-const.h>

/* Xen public/grant_table.h GNTTABOP_unmap_grant_ref. */
#define GNTTABOP_UNMAP		1u
/* sim/machine/gnttab.c SUBOP_END_ACCESS: an entry of ours was revoked. */
#define GNTTAB_END_ACCESS	0x102u

/* A held key with this detail stands for any port or ref. */
#define ANY_DETAIL		UINT64_MAX

void xsim_escape_held_init(struct xsim_escape_held *s,
			   struct xsim_escape_slot *slots, uint32_t nslots)
{
	s->slot = slots;
	s->nslots = nslots;
	s->n = 0;
	s->stamp = 1;
	memset(slots, 0, (size_t)nslots * sizeof(*slots));
}

void xsim_escape_held_clear(struct xsim_escape_held *s)
{
	s->n = 0;
	if (++s->stamp == 0) {	/* wrapped: no slot may look current */
		memset(s->slot, 0, (size_t)s->nslots * sizeof(*s->slot));
		s->stamp = 1;
	}
}

static uint32_t hash(uint16_t domid, uint8_t op, uint64_t detail,
		     uint32_t nslots)
{
	uint64_t x = detail * 0x9E3779B97F4A7C15ull ^
		     ((uint64_t)domid << 8 | op) * 0xC2B2AE3D27D4EB4Full;

	return (uint32_t)(x >> 40) & (nslots - 1);
}

/* The slot holding the key, or the empty slot where it would go. */
static struct xsim_escape_slot *
slot_of(const struct xsim_escape_held *s, uint16_t domid, uint8_t op,
	uint64_t detail)
{
	uint32_t i = hash(domid, op, detail, s->nslots), n;

	for (n = 0; n < s->nslots; n++, i = (i + 1) & (s->nslots - 1)) {
		struct xsim_escape_slot *k = &s->slot[i];

		if (k->stamp != s->stamp ||
		    (k->domid == domid && k->op == op && k->detail == detail))
			return k;
	}
	return NULL;	/* cannot happen: never filled past 3/4 */
}

void xsim_escape_held_add(struct xsim_escape_held *s,
			  const struct xsim_escape_key *k)
{
	uint64_t detail = k->detail;
	struct xsim_escape_slot *sl;

	if (!s->nslots)
		return;
	if (s->n >= s->nslots / 4 * 3)
		detail = ANY_DETAIL;
	sl = slot_of(s, k->domid, k->op, detail);
	if (!sl || sl->stamp == s->stamp)
		return;
	*sl = (struct xsim_escape_slot){ .stamp = s->stamp, .domid = k->domid,
					 .op = k->op, .detail = detail };
	s->n++;
}

bool xsim_escape_held_has(const struct xsim_escape_held *s,
			  const struct xsim_escape_key *k)
{
	const struct xsim_escape_slot *sl;

	if (!s || !s->nslots)
		return false;
	sl = slot_of(s, k->domid, k->op, k->detail);
	if (sl && sl->stamp == s->stamp)
		return true;
	sl = slot_of(s, k->domid, k->op, ANY_DETAIL);
	return sl && sl->stamp == s->stamp;
}

static struct xsim_escape_key key_of(const struct xsim_effect *e)
{
	return (struct xsim_escape_key){ .domid = e->domid, .op = e->op,
					 .detail = e->detail };
}

void xsim_escape_note(struct xsim_escape_held *held,
		      const struct xsim_effect *e)
{
	struct xsim_escape_key k = key_of(e);

	if (!xsim_effect_touches_domain(e->kind) ||
	    e->handle == XSIM_EFF_NO_HANDLE)
		return;
	xsim_escape_held_add(held, &k);
}

/*
 * May a key held from before the restriction excuse this record?  Only
 * the use or release of the very thing held; never an effect that the
 * record itself creates now.
 */
static bool carriable(int dev, const struct xsim_effect *e)
{
	switch (dev) {
	case XSIM_DEV_EVTCHN:
		/*
		 * Linux 6.1 include/uapi/xen/evtchn.h, RESTRICT_DOMID:
		 * ports bound before stay bound and can be notified; the
		 * proposal is silent (evtchn.prebound.* rows).
		 */
		return e->op == XSIM_OP_EVTCHN && e->kind != XSIM_EFF_MAP;
	case XSIM_DEV_GNTDEV:
	case XSIM_DEV_GNTALLOC:
		/*
		 * Unmapping a grant mapped before, ending a grant made
		 * before.  Not a MAP (gntdev mmap of a record made before:
		 * the mapping happens now) and not an EVENT (an unmap
		 * notification: raised now, on a port of the evtchn
		 * device's that the grant handle never held).
		 */
		return e->op == XSIM_OP_GNTTAB && e->kind == XSIM_EFF_WRITE &&
		       (e->subop == GNTTABOP_UNMAP ||
			e->subop == GNTTAB_END_ACCESS);
	default:
		/* privcmd keeps nothing that acts later on its own. */
		return false;
	}
}

enum xsim_escape_verdict xsim_escape_judge(const struct xsim_escape_scope *s,
					   const struct xsim_effect *e)
{
	struct xsim_escape_key k;

	if (e->handle == XSIM_EFF_NO_HANDLE)
		return XSIM_ESCAPE_NONE;	/* Xen acting on its own */
	if (e->kind == XSIM_EFF_REFUSED)
		return XSIM_ESCAPE_REFUSED;
	if (!xsim_effect_touches_domain(e->kind))
		return XSIM_ESCAPE_NONE;
	if (!s->restricted)
		return XSIM_ESCAPE_BEFORE;
	if (e->domid == s->target ||
	    (s->target == XSIM_DOMID_SELF && e->domid == s->caller))
		return XSIM_ESCAPE_TARGET;
	k = key_of(e);
	if (carriable(s->dev, e) && xsim_escape_held_has(s->held, &k))
		return XSIM_ESCAPE_CARRIED;
	return XSIM_ESCAPE_YES;
}

void xsim_escape_handle_open(struct xsim_escape_handle *h, int dev,
			     uint16_t caller, struct xsim_escape_slot *slots,
			     uint32_t nslots)
{
	h->restricted = false;
	h->target = 0;
	h->caller = caller;
	h->dev = dev;
	/* Slots reused by a later handle are invalidated by the stamp. */
	if (h->held.slot == slots && h->held.nslots == nslots)
		xsim_escape_held_clear(&h->held);
	else
		xsim_escape_held_init(&h->held, slots, nslots);
}

enum xsim_escape_verdict
xsim_escape_handle_effect(struct xsim_escape_handle *h,
			  const struct xsim_effect *e)
{
	struct xsim_escape_scope s = {
		.restricted = h->restricted, .target = h->target,
		.caller = h->caller, .dev = h->dev, .held = &h->held,
	};
	enum xsim_escape_verdict v;

	if (e->kind == XSIM_EFF_RESTRICT) {
		/*
		 * The latest record names the target; whether a second one
		 * may move it is the profile's (the fuzz irreversibility
		 * oracle compares it with the handle's state).
		 */
		h->restricted = true;
		h->target = e->domid;
		return XSIM_ESCAPE_NONE;
	}
	v = xsim_escape_judge(&s, e);
	if (v == XSIM_ESCAPE_BEFORE)
		xsim_escape_note(&h->held, e);
	return v;
}

const char *xsim_escape_verdict_name(enum xsim_escape_verdict v)
{
	static const char *const names[] = {
		[XSIM_ESCAPE_NONE] = "none", [XSIM_ESCAPE_REFUSED] = "refused",
		[XSIM_ESCAPE_BEFORE] = "before", [XSIM_ESCAPE_TARGET] = "target",
		[XSIM_ESCAPE_CARRIED] = "carried", [XSIM_ESCAPE_YES] = "escape",
	};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}
