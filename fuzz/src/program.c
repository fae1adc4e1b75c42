/* SPDX-License-Identifier: MIT */
/*
 * The interpreter: an input is a short program of operations on one
 * device of the model, called in-process (no transport):
 *
 *   byte 0        the profile, by its stable code ('p' proposed, 'l'
 *                 linux, ...: <xensim/profile-list.h>), unless
 *                 XRC_FUZZ_PROFILE fixes it; a byte that is no profile's
 *                 code rejects the input (nothing runs)
 *   then ops      open (as dom0 or a domU), dup, fork (the child shares
 *                 every open file description), exit of the child,
 *                 close, restrict, ioctl with structured arguments,
 *                 ioctl with any number and raw bytes, mmap, munmap,
 *                 read, write, an event from a guest
 *
 * Descriptors share handles as dup() and fork() share a struct file;
 * mappings hold their handle too, so a handle is released when the last
 * descriptor and mapping are gone, as in Linux.
 *
 * After every operation the oracles run:
 *  - escape: the effect log shows a restricted handle causing an effect
 *    on a domain other than its target, judged when the effect happens
 *    (a restriction is logged as an XSIM_EFF_RESTRICT record).  Which
 *    record is an escape is decided by xsim_escape_judge
 *    (<xensim/escape.h>), the rule xensim-dm-report applies too: the use
 *    or release of what the handle held before its restriction (ports,
 *    mappings, grants) is not; a deferred effect (a gntdev mmap of a
 *    grant recorded before, a grant device's unmap notification) is;
 *  - irreversibility: a restricted handle stops being restricted or moves
 *    to another domain (which no profile allows), or is restricted
 *    without the record the escape oracle depends on;
 *  - profile: an ioctl's result disagrees with the reference audit
 *    (refaudit.c: the profile table through the device's steps) where
 *    the reference refuses: it must fail with that errno, or with one the
 *    device may raise on its own before that step.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <xensim/effect.h>
#include <xensim/escape.h>
#include <xensim/machine.h>
#include <xensim/uapi.h>

#include "fuzz.h"

/*
 * What a handle acquired before its restriction, as the effect log names
 * it: (domain, hypercall family, port or ref); a gntalloc file may hold a
 * thousand grefs.  A power of two (<xensim/escape.h>).
 */
#define CARRY_SLOTS	512u

struct handle {
	struct xsim_file f;
	uint32_t eff_id;
	enum xsim_dev_kind dev;
	uint16_t caller;
	uint8_t live;
	int refs;			/* descriptors and mappings */
	/* Its restriction as the log shows it, and what it held before. */
	struct xsim_escape_handle esc;
	struct xsim_escape_slot carry[CARRY_SLOTS];
	uint32_t ports[FZ_MAX_KNOWN];
	unsigned nports;
	uint64_t indices[FZ_MAX_KNOWN];
	unsigned nindices;
};

struct fd {
	int h;				/* -1: closed */
	uint8_t child;			/* held by the forked child */
};

struct vma {
	int h;				/* -1: free */
	uint32_t pages, live;
};

struct prog {
	enum xsim_dev_kind dev;
	unsigned prof;
	const struct xsim_profile *p;
	struct xsim_world *w;
	struct fz_arena *a;
	struct xsim_uaccess ua;
	struct fz_in in;
	uint64_t seq;			/* effects read up to */
	struct handle h[FZ_MAX_HANDLES];
	struct fd fd[FZ_MAX_FDS];
	struct vma vma[FZ_MAX_VMAS];
	/* For the reset: what changed without an effect naming it. */
	struct xsim_snapshot_extra dirty[24];
	unsigned ndirty;
	bool all_dirty;
};

static struct fz_arena arena;
static struct prog prog;

/* ---- fault injection (owner: faults; docs/faults.md "The fuzzers") ---- */

/* The failure point the input's trailer chose (input.c), if any. */
static struct fz_fail_pick fail_pick;

/* How many times the chosen point has fired so far (0 when none). */
static uint32_t fail_fired_now(void)
{
	return fail_pick.armed ? xsim_fail_fired(fail_pick.site) : 0;
}

/*
 * A call that failed while the chosen point fired in it failed because of
 * the fault: its errno is the fault's, or what its caller turns it into
 * (gntdev's mmap answers GNTST_no_space with -EINVAL as Linux 6.1
 * drivers/xen/gntdev.c map_grant_pages does), not the profile's verdict,
 * so the profile oracle does not judge it.  Escape and irreversibility
 * still judge every call.
 */
static bool fail_explains(uint32_t fired_before, long rc)
{
	return rc < 0 && fail_fired_now() != fired_before;
}

/* Arm the trailer's point for this program, recorded in the trace. */
static void fail_arm(void)
{
	struct fz_step *s;

	if (!fail_pick.armed)
		return;
	xsim_fail_arm(fail_pick.site, fail_pick.nth);
	s = fz_step("fail-nth", -1, -1);
	s->name = xsim_fail_site_name(fail_pick.site);
	s->arg = fail_pick.nth;
	s->result = -xsim_fail_site_errno(fail_pick.site);
}

/*
 * Disarm after the program.  A fault may leave a domain changed half-way
 * with no effect record naming it (what a real failure leaves too): the
 * reset then restores every domain.
 */
static void fail_disarm(struct prog *g)
{
	if (!fail_pick.armed)
		return;
	if (xsim_fail_fired(fail_pick.site))
		g->all_dirty = true;
	xsim_fail_disarm();
	fail_pick.armed = false;
}
/* ---- end of fault injection ---- */

/* Domain domid's `op` family (enum xsim_effect_op, 0: all) may change. */
static void dirty(struct prog *g, uint16_t domid, uint8_t op)
{
	unsigned i;

	for (i = 0; i < g->ndirty; i++)
		if (g->dirty[i].domid == domid && g->dirty[i].op == op)
			return;
	if (g->ndirty < sizeof(g->dirty) / sizeof(g->dirty[0]))
		g->dirty[g->ndirty++] = (struct xsim_snapshot_extra){ domid, op };
	else
		g->all_dirty = true;
}

/*
 * What a handle of this device changes in its caller's own domain, which
 * the effect log does not record: privcmd only through raw hypercalls
 * (see do_ioctl), evtchn its ports, grant devices the notification ports
 * and, for gntalloc, its grant table.
 */
static void dirty_caller(struct prog *g, enum xsim_dev_kind dev,
			 uint16_t caller)
{
	if (dev == XSIM_DEV_PRIVCMD)
		return;
	dirty(g, caller, XSIM_OP_EVTCHN);
	if (dev == XSIM_DEV_GNTALLOC)
		dirty(g, caller, XSIM_OP_GNTTAB);
}

/* ---- the escape oracle ---- */

static struct handle *by_effect_id(struct prog *g, uint32_t id)
{
	unsigned i;

	for (i = 0; i < FZ_MAX_HANDLES; i++)
		if (g->h[i].eff_id == id && (g->h[i].live || g->h[i].refs < 0))
			return &g->h[i];
	return NULL;
}

static void check_effect(struct prog *g, const struct xsim_effect *e)
{
	struct handle *h;

	/* Opens and closes touch no domain (born-restricted ones included). */
	if (e->handle == XSIM_EFF_NO_HANDLE ||
	    e->kind == XSIM_EFF_OPEN || e->kind == XSIM_EFF_CLOSE)
		return;
	h = by_effect_id(g, e->handle);
	if (!h)
		fz_fail("escape", "effect through handle id %#x, which this "
			"program does not hold: %s %s on dom %u",
			e->handle, xsim_effect_kind_name(e->kind),
			xsim_effect_op_name(e->op), e->domid);
	/* The per-handle view of the one rule (<xensim/escape.h>). */
	if (xsim_escape_handle_effect(&h->esc, e) != XSIM_ESCAPE_YES)
		return;
	fz_fail("escape", "%s handle h%ld restricted to dom %u touched dom "
		"%u: %s %s subop %u detail %#llx (effect seq %llu)",
		xsim_dev_name(h->dev), (long)(h - g->h), h->esc.target,
		e->domid, xsim_effect_kind_name(e->kind),
		xsim_effect_op_name(e->op), e->subop,
		(unsigned long long)e->detail, (unsigned long long)e->seq);
}

static void scan_effects(struct prog *g)
{
	struct xsim_effect buf[64];
	long n, i;

	for (;;) {
		n = xsim_effect_read(g->w, g->seq, buf, 64);
		if (n < 0)
			fz_fail("escape", "the effect log overran (%s): the "
				"input produced more effects than the fuzz "
				"world's log holds", fz_errname(n));
		if (n == 0)
			return;
		for (i = 0; i < n; i++)
			check_effect(g, &buf[i]);
		g->seq += (uint64_t)n;
	}
}

/* ---- the irreversibility oracle ---- */

static void check_states(struct prog *g)
{
	unsigned i;

	for (i = 0; i < FZ_MAX_HANDLES; i++) {
		struct handle *h = &g->h[i];
		struct xsim_restrict_state st;

		if (!h->live)
			continue;
		if (xsim_file_restrict_state(g->w, h->f, &st))
			fz_fail("irreversibility", "handle h%u vanished while "
				"the program still holds it", i);
		if (st.restricted && !h->esc.restricted)
			fz_fail("irreversibility", "handle h%u is restricted "
				"to dom %u but no restrict record was logged: "
				"its effects cannot be attributed", i,
				st.domid);
		if (h->esc.restricted && !st.restricted)
			fz_fail("irreversibility", "handle h%u was restricted "
				"to dom %u and is unrestricted now", i,
				h->esc.target);
		if (h->esc.restricted && st.domid != h->esc.target &&
		    g->p->dev[h->dev].restrict_rule.again_other)
			fz_fail("irreversibility", "handle h%u moved from dom "
				"%u to dom %u", i, h->esc.target, st.domid);
	}
}

static void oracles(struct prog *g)
{
	scan_effects(g);
	check_states(g);
}

/* ---- handles and descriptors ---- */

static int free_fd(struct prog *g)
{
	unsigned i;

	for (i = 0; i < FZ_MAX_FDS; i++)
		if (g->fd[i].h < 0)
			return (int)i;
	return -1;
}

/* The descriptor a byte names: that one if open, else the first open. */
static int pick_fd(struct prog *g, uint8_t b)
{
	bool open[FZ_MAX_FDS];
	unsigned i;

	for (i = 0; i < FZ_MAX_FDS; i++)
		open[i] = g->fd[i].h >= 0;
	return fz_dec_pick(b, open);
}

static int do_open(struct prog *g, uint16_t caller)
{
	struct fz_step *s;
	struct xsim_file f;
	int fd = free_fd(g), hi, rc;
	unsigned i;

	if (fd < 0)
		return -1;
	for (i = 0, hi = -1; i < FZ_MAX_HANDLES && hi < 0; i++)
		if (!g->h[i].live && g->h[i].refs == 0)
			hi = (int)i;
	if (hi < 0)
		return -1;
	s = fz_step("open", fd, hi);
	s->target = caller;
	rc = xsim_dev_open(g->w, g->dev, caller, &f);
	s->result = rc;
	if (rc)
		return -1;
	dirty_caller(g, g->dev, caller);
	/* Field by field: the carry set is large and needs no clearing. */
	g->h[hi].f = f;
	g->h[hi].eff_id = xsim_file_effect_id(f);
	g->h[hi].dev = g->dev;
	g->h[hi].caller = caller;
	g->h[hi].live = 1;
	g->h[hi].refs = 1;
	xsim_escape_handle_open(&g->h[hi].esc, (int)g->dev, caller,
				g->h[hi].carry, CARRY_SLOTS);
	g->h[hi].nports = 0;
	g->h[hi].nindices = 0;
	g->fd[fd].h = hi;
	g->fd[fd].child = 0;
	oracles(g);
	return fd;
}

/* Drop one reference; the last one releases the handle. */
static void put_handle(struct prog *g, int hi)
{
	struct handle *h = &g->h[hi];

	if (--h->refs > 0)
		return;
	fz_step("release", -1, hi);
	/* Effects of the release still name it: keep it findable. */
	h->refs = -1;
	xsim_dev_release(g->w, h->f);
	h->live = 0;
	oracles(g);
	h->refs = 0;
	h->eff_id = 0xFFFFFFFFu;
}

static void do_close(struct prog *g, int fd)
{
	int hi = g->fd[fd].h;

	fz_step("close", fd, hi);
	g->fd[fd].h = -1;
	put_handle(g, hi);
}

static void do_dup(struct prog *g, int fd, uint8_t child)
{
	int nfd = free_fd(g);

	if (nfd < 0)
		return;
	fz_step(child ? "fork" : "dup", nfd, g->fd[fd].h);
	g->fd[nfd] = g->fd[fd];
	g->fd[nfd].child = child;
	g->h[g->fd[fd].h].refs++;
}

/* fork(): the child holds every descriptor the parent holds. */
static void do_fork(struct prog *g)
{
	unsigned i;

	for (i = 0; i < FZ_MAX_FDS; i++)
		if (g->fd[i].h >= 0 && !g->fd[i].child)
			do_dup(g, (int)i, 1);
}

static void do_exit_child(struct prog *g)
{
	unsigned i;

	for (i = 0; i < FZ_MAX_FDS; i++)
		if (g->fd[i].h >= 0 && g->fd[i].child)
			do_close(g, (int)i);
}

/* ---- ioctl ---- */

/*
 * What the effect log may miss of a privcmd call: a hypercall may change
 * the caller's own state, and one that fails half-way (a populate out of
 * memory) may leave a change no record names, so a raw hypercall that
 * can change anything restores every domain; dm_op (its domain named)
 * keeps the reset selective.  The same for the raw forms, read from the
 * arguments as the device will see them.
 *
 * Nothing to restore (44% of the raw hypercalls the privcmd target makes
 * restored every domain before; docs/figures.md): xen_version
 * and sysctl only read the world (sim/machine/hc_version.c,
 * hc_sysctl.c: physinfo, sched_id, getdomaininfolist), and a number
 * outside the machine's hypercall table is -ENOSYS before anything
 * (sim/machine/hypercall.c, Xen's empty table slot).  A failure point
 * fired in the program restores every domain anyway (fail_disarm).
 */
static void dirty_hypercall(struct prog *g, const struct handle *h,
			    const struct fz_call *c)
{
	struct privcmd_hypercall hc;
	domid_t dom;

	if (c->cmd == IOCTL_PRIVCMD_DM_OP &&
	    !fz_copy_in(g->a, &dom, c->arg, sizeof(dom))) {
		dirty(g, dom, 0);
		return;
	}
	if (c->cmd != IOCTL_PRIVCMD_HYPERCALL ||
	    fz_copy_in(g->a, &hc, c->arg, sizeof(hc)))
		return;
	switch (hc.op) {
	case 17:	/* __HYPERVISOR_xen_version */
	case 35:	/* __HYPERVISOR_sysctl */
		return;
	case 41:	/* __HYPERVISOR_dm_op */
		dirty(g, h->caller, 0);
		dirty(g, (uint16_t)hc.arg[0], 0);
		return;
	case 12:	/* __HYPERVISOR_memory_op */
	case 13:	/* __HYPERVISOR_multicall */
	case 20:	/* __HYPERVISOR_grant_table_op */
	case 32:	/* __HYPERVISOR_event_channel_op */
	case 34:	/* __HYPERVISOR_hvm_op */
	case 36:	/* __HYPERVISOR_domctl */
		dirty(g, h->caller, 0);
		g->all_dirty = true;
		return;
	default:	/* not in the table: -ENOSYS */
		return;
	}
}

/*
 * A port bound while unrestricted stays usable: what using it touches
 * (the peer, and the peer's port, as the effect log names them) is
 * carried.  BIND_STATIC takes a port that already exists, so its bind
 * logs nothing to carry: ask the machine who is at the other end.
 */
static void evtchn_carry(struct prog *g, struct handle *h, uint32_t port)
{
	struct xsim_caller self = { .w = g->w, .domid = h->caller,
				    .handle = XSIM_EFF_NO_HANDLE };
	struct xsim_evtchn_status st;
	struct xsim_escape_key k;
	int rc;

	xsim_lock(g->w);
	rc = xsim_evtchn_status(&self, XSIM_DOMID_SELF, port, &st);
	xsim_unlock(g->w);
	if (rc)
		return;
	if (st.status == 2)		/* EVTCHNSTAT_interdomain */
		k = (struct xsim_escape_key){ (uint16_t)st.remote_dom,
					      XSIM_OP_EVTCHN, st.remote_port };
	else if (st.status == 1)	/* EVTCHNSTAT_unbound */
		k = (struct xsim_escape_key){ (uint16_t)st.remote_dom,
					      XSIM_OP_EVTCHN, port };
	else
		return;
	xsim_escape_held_add(&h->esc.held, &k);
}

static void after_success(struct prog *g, struct handle *h,
			  const struct fz_call *c, long rc, bool restricted)
{
	uint64_t index;
	uint32_t port;

	switch (c->cmd) {
	case IOCTL_EVTCHN_BIND_VIRQ:
	case IOCTL_EVTCHN_BIND_INTERDOMAIN:
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
	case IOCTL_EVTCHN_BIND_STATIC:
		if (h->dev != XSIM_DEV_EVTCHN)
			break;
		/* BIND_STATIC answers 0: the port is the one it was given. */
		port = (uint32_t)rc;
		if (c->cmd == IOCTL_EVTCHN_BIND_STATIC &&
		    fz_copy_in(g->a, &port, c->arg, sizeof(port)))
			break;
		fz_dec_know_port(h->ports, &h->nports, port);
		if (!restricted)
			evtchn_carry(g, h, port);
		break;
	case IOCTL_GNTDEV_MAP_GRANT_REF:
	case IOCTL_GNTALLOC_ALLOC_GREF:
		if (fz_copy_in(g->a, &index, c->arg + 8, sizeof(index)))
			break;
		fz_dec_know_index(h->indices, &h->nindices, index);
		break;
	default:
		break;
	}
}

/* The privcmd mappings a handle has, for the builders. */
static void handle_vmas(struct prog *g, int hi, struct fz_build *b)
{
	unsigned i;

	for (i = 0; i < FZ_MAX_VMAS; i++)
		if (g->vma[i].h == hi && b->nvmas < FZ_MAX_VMAS) {
			b->vma_addr[b->nvmas] = g->a->vma[i].addr;
			b->vma_pages[b->nvmas] = g->vma[i].pages;
			b->nvmas++;
		}
}

static void do_ioctl(struct prog *g, int fd, int kind)
{
	int hi = g->fd[fd].h;
	struct handle *h = &g->h[hi];
	struct fz_build b;
	struct fz_call c = {
		.arg = FZ_ARENA_BASE + FZ_ARENA_SIZE, .name = "?",
		.target = XSIM_NO_TARGET,
	};
	struct xsim_restrict_state before, after;
	struct xrc_port_state rs;
	struct xrc_port_call pc;
	struct fz_ref ref;
	struct fz_step *s;
	unsigned i;
	uint32_t fired;
	long rc;
	int v;

	/*
	 * Field by field: the arrays behind the counts are read only up to
	 * them, and zero-initializing the whole 152-byte struct per call
	 * went through __asan_memset under ASan (as in diff.c).
	 */
	b.a = g->a;
	b.in = &g->in;
	b.ports = h->ports;
	b.nports = h->nports;
	b.indices = h->indices;
	b.nindices = h->nindices;
	b.nvmas = 0;
	b.nnamed = 0;
	g->a->cursor = 0;
	handle_vmas(g, hi, &b);
	if (kind == 0)
		fz_build_restrict(g->dev, &b, &c);
	else if (kind == 1)
		fz_build_ioctl(g->dev, &b, &c);
	else
		fz_build_raw(g->dev, &b, &c);
	for (i = 0; i < b.nnamed; i++)
		dirty(g, b.named[i], 0);
	if (g->dev == XSIM_DEV_PRIVCMD)
		dirty_hypercall(g, h, &c);

	s = fz_step("ioctl", fd, hi);
	s->name = c.name;
	s->cmd = c.cmd;
	s->arg = c.arg;
	s->target = c.target;

	/* The reference decides on the arguments as they are now. */
	xsim_file_restrict_state(g->w, h->f, &before);
	rs.restricted = before.restricted;
	rs.domid = before.domid;
	pc = (struct xrc_port_call){
		.dev = (enum xrc_port_dev)g->dev, .caller_domid = h->caller,
		.cmd = c.cmd, .arg = c.arg, .copy_in = fz_copy_in, .ctx = g->a,
	};
	v = fz_ref_audit(g->p, &pc, &rs, &ref);
	s->expected = v;

	fired = fail_fired_now(); /* fault injection (above) */
	rc = xsim_dev_ioctl(g->w, h->f, c.cmd, c.arg, &g->ua);
	s->result = rc;

	/* What it touched first: an escape is worse than a wrong errno. */
	scan_effects(g);
	if (v && rc != v && !fz_pre_allows(ref.pre, rc) &&
	    !fail_explains(fired, rc))
		fz_fail("profile", "%s %s on a handle %s: the reference "
			"(profile %s, rule for %s aimed at dom %#x) answers "
			"%s, the device answered %s%s", xsim_dev_name(g->dev),
			c.name,
			before.restricted ? "restricted" : "not restricted",
			g->p->name, ref.op < XSIM_NR_OPS ? xsim_op_name(ref.op) :
			"an unknown ioctl", ref.target, fz_errname(v),
			rc >= 0 ? "success " : fz_errname(rc),
			rc >= 0 ? "(it went through)" : "");
	if (ref.is_restrict && !v && !rc) {
		xsim_file_restrict_state(g->w, h->f, &after);
		if (after.restricted != rs.restricted ||
		    (rs.restricted && after.domid != rs.domid))
			fz_fail("profile", "restrict to dom %#x: the reference "
				"leaves the handle %s %u, the device %s %u",
				ref.target,
				rs.restricted ? "restricted to" : "unrestricted",
				rs.domid, after.restricted ? "restricted to" :
				"unrestricted", after.domid);
	}
	if (rc >= 0)
		after_success(g, h, &c, rc, before.restricted);
	check_states(g);
}

/* ---- mmap, munmap, read, write, guest events ---- */

static void do_mmap(struct prog *g, int fd)
{
	int hi = g->fd[fd].h;
	struct handle *h = &g->h[hi];
	struct fz_dec_mmap m;
	uint32_t pages;
	uint64_t pgoff;
	int prot;
	struct fz_step *s;
	unsigned i;
	int rc;

	fz_dec_mmap(&g->in, h->indices, h->nindices, &m);
	pages = m.pages;
	pgoff = m.pgoff;
	prot = m.prot;
	for (i = 0; i < FZ_MAX_VMAS && g->vma[i].h >= 0; i++)
		;
	if (i == FZ_MAX_VMAS)
		return;
	/* The transport reserves the range first, as mmap(2) does. */
	g->a->vma[i] = (struct fz_vma){
		.addr = FZ_VMA_BASE + i * FZ_VMA_STRIDE,
		.len = (uint64_t)pages << 12, .f = h->f, .used = 1,
	};
	s = fz_step("mmap", fd, hi);
	s->arg = g->a->vma[i].addr;
	rc = xsim_dev_mmap(g->w, h->f, g->a->vma[i].addr, g->a->vma[i].len,
			   pgoff, prot, &g->ua);
	s->result = rc;
	if (rc) {
		g->a->vma[i].used = 0;
	} else {
		g->vma[i] = (struct vma){ .h = hi, .pages = pages,
					  .live = pages };
		h->refs++;
	}
	oracles(g);
}

static void do_munmap(struct prog *g, unsigned i, bool whole)
{
	struct vma *v = &g->vma[i];
	struct fz_vma *av = &g->a->vma[i];
	uint32_t n = whole ? v->live : 1;
	/* Pages go from the end, so the mapping's start stays put. */
	uint64_t addr = av->addr + ((uint64_t)(v->live - n) << 12);
	struct fz_step *s = fz_step("munmap", -1, v->h);
	int hi;

	s->arg = addr;
	xsim_dev_munmap(g->w, g->h[v->h].f, addr, (uint64_t)n << 12);
	v->live -= n;
	oracles(g);
	if (v->live)
		return;
	av->used = 0;
	hi = v->h;
	v->h = -1;
	put_handle(g, hi);
}

static void do_rw(struct prog *g, int fd)
{
	struct handle *h = &g->h[g->fd[fd].h];
	struct fz_dec_rw rw;
	struct fz_step *s;

	fz_dec_rw(&g->in, g->a, h->ports, h->nports, &rw);
	s = fz_step(rw.read ? "read" : "write", fd, g->fd[fd].h);
	s->result = rw.read ?
		    xsim_dev_read(g->w, h->f, rw.at, rw.len, &g->ua) :
		    xsim_dev_write(g->w, h->f, rw.at, rw.len, &g->ua);
	oracles(g);
}

/* A guest signals one of its ports (dom0 may have it bound). */
static void do_guest_send(struct prog *g)
{
	uint32_t dom, port;
	struct fz_step *s;

	fz_dec_guest(&g->in, &dom, &port);
	s = fz_step("guest-send", -1, -1);

	s->target = dom;
	xsim_lock(g->w);
	s->result = xsim_evtchn_guest_send(g->w, dom, port);
	xsim_unlock(g->w);
	dirty(g, (uint16_t)dom, XSIM_OP_EVTCHN);
	oracles(g);
}

/* ---- the program ---- */

static int need_fd(struct prog *g)
{
	int fd = pick_fd(g, fz_u8(&g->in));

	return fd >= 0 ? fd : do_open(g, 0);
}

static void step(struct prog *g)
{
	/* The operation and its operands: decode.c, shared with xrc-replay-real. */
	enum fz_opk op = fz_dec_op(&g->in);
	int fd;

	switch (op) {
	case FZ_OP_OPEN:
		do_open(g, fz_dec_caller(&g->in));
		break;
	case FZ_OP_DUP:
		if ((fd = need_fd(g)) >= 0)
			do_dup(g, fd, 0);
		break;
	case FZ_OP_FORK:
		do_fork(g);
		break;
	case FZ_OP_EXIT_CHILD:
		do_exit_child(g);
		break;
	case FZ_OP_CLOSE:
		if ((fd = pick_fd(g, fz_u8(&g->in))) >= 0)
			do_close(g, fd);
		break;
	case FZ_OP_RESTRICT:
	case FZ_OP_IOCTL:
	case FZ_OP_RAW:
		if ((fd = need_fd(g)) >= 0)
			do_ioctl(g, fd, op == FZ_OP_RESTRICT ? 0 :
					op == FZ_OP_IOCTL ? 1 : 2);
		break;
	case FZ_OP_MMAP:
		if ((fd = need_fd(g)) >= 0)
			do_mmap(g, fd);
		break;
	case FZ_OP_MUNMAP: {
		unsigned i;
		bool whole;

		fz_dec_munmap(&g->in, &i, &whole);
		if (g->vma[i].h >= 0)
			do_munmap(g, i, whole);
		break;
	}
	case FZ_OP_RW:
		if ((fd = need_fd(g)) >= 0)
			do_rw(g, fd);
		break;
	default:
		do_guest_send(g);
		break;
	}
}

/* Exit: every mapping, then every descriptor, goes. */
static void teardown(struct prog *g)
{
	unsigned i;

	for (i = 0; i < FZ_MAX_VMAS; i++)
		if (g->vma[i].h >= 0)
			do_munmap(g, i, true);
	for (i = 0; i < FZ_MAX_FDS; i++)
		if (g->fd[i].h >= 0)
			do_close(g, (int)i);
}

int fz_run_device(enum xsim_dev_kind dev, const uint8_t *data, size_t size)
{
	struct prog *g = &prog;
	unsigned i, ops;
	int prof;

	g->dev = dev;
	g->in = (struct fz_in){ .p = data, .n = size };
	fz_fail_trailer(&g->in, &fail_pick); /* fault injection (above) */
	prof = fz_pick_profile(fz_u8(&g->in));
	if (prof < 0)
		return -1;
	g->prof = (unsigned)prof;
	g->p = fz_profile(g->prof);
	g->w = fz_world(g->prof);
	g->a = &arena;
	fz_arena_clear(g->a);
	fz_arena_uaccess(g->a, &g->ua);
	g->seq = xsim_effect_next(g->w);
	for (i = 0; i < FZ_MAX_HANDLES; i++) {
		g->h[i].live = 0;
		g->h[i].refs = 0;
		g->h[i].eff_id = 0xFFFFFFFFu;
	}
	for (i = 0; i < FZ_MAX_FDS; i++)
		g->fd[i].h = -1;
	for (i = 0; i < FZ_MAX_VMAS; i++)
		g->vma[i].h = -1;
	g->ndirty = 0;
	g->all_dirty = false;
	fz_trace.target = xsim_dev_name(dev);
	fz_trace.profile = g->p->name;
	fz_trace.nops = 0;
	fz_trace.nsteps = 0;
	fail_arm(); /* fault injection (above) */

	for (ops = 0; ops < FZ_MAX_OPS && !fz_done(&g->in); ops++)
		step(g);
	fz_trace.nops = ops;
	teardown(g);
	fail_disarm(g); /* fault injection (above) */
	fz_step("reset", -1, -1);
	fz_world_reset(g->prof, g->dirty, g->ndirty, g->all_dirty);
	return 0;
}
