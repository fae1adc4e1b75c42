/* SPDX-License-Identifier: MIT */
/*
 * World snapshots: return a world to a saved state for the cost of what
 * changed, for programs that run many short experiments on one world (the
 * fuzzers reset it after every input: creating a world costs hundreds of
 * times more).
 *
 * A snapshot copies what can change: the header (but its lock), the page
 * table, the handle slots, the effect log position and, per domain, its
 * slot and every page its state lives in, grouped by what changes them:
 * RAM, p2m nodes, grant frames and pins, event channel buckets, ioreq
 * pages and ports.  Pages no domain claims (open handles' records) are
 * "global" and always restored.  Free pages are not kept: xsim_page_alloc
 * zeroes a page when it hands it out.
 *
 * What to restore is read from the effect log: every machine operation on
 * a domain other than the caller's own records one, naming the domain and
 * the hypercall family, which says which groups of its pages may have
 * changed.  The caller names the domains that acted and the families they
 * used (their own event channels and grant entries change unlogged).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xensim/machine.h>

#include "layout.h"

/* Groups of a domain's pages, by what changes them. */
enum {
	FAM_RAM,
	FAM_P2M,
	FAM_GNTTAB,
	FAM_EVTCHN,
	FAM_IOREQ,
	NR_FAMS,
};
#define FAM_IOREQ_SLOT	NR_FAMS		/* the slot's ioreq server array */
#define FAM_ALL		((1u << (NR_FAMS + 1)) - 1)

struct page_set {
	uint32_t nr;
	uint32_t *pages;		/* world page indices */
	uint8_t *data;			/* their contents, 4 KiB each */
};

struct snap_domain {
	uint16_t domid;
	struct page_set fam[NR_FAMS];
	struct xsim_domain slot;
};

struct xsim_snapshot {
	struct xsim_shared header;
	uint64_t next_seq;
	struct xsim_page *page_meta;	/* [nr_pages] */
	uint8_t *handles;		/* [handles_used] slots */
	uint32_t nr_domains;
	struct snap_domain *dom;
	uint8_t *dom_index;		/* domid -> index + 1, 0: not in snapshot */
	struct page_set global;		/* pages no domain claims */
};

/* A page's claim: domid << 8 | family, or NONE. */
#define CLAIM_NONE	0xFFFFFFFFu
#define CLAIM(d, f)	((uint32_t)(d) << 8 | (f))

static void claim(const struct xsim_world *w, uint32_t *owner, uint32_t page,
		  uint16_t domid, unsigned fam)
{
	if (page != XSIM_NO_PAGE && page < w->sh->nr_pages &&
	    owner[page] == CLAIM_NONE)
		owner[page] = CLAIM(domid, fam);
}

/*
 * The nodes of d's p2m, all XSIM_P2M_LEVELS of them (memory.c: the root
 * is level 0, and the entries of a level XSIM_P2M_LEVELS - 1 node are the
 * RAM pages d owns).  The last level used to go unclaimed, so its pages
 * were "global" and copied back on every reset (issue 17).
 */
static void claim_p2m(const struct xsim_world *w, uint32_t *owner,
		      uint32_t page, unsigned level, uint16_t domid)
{
	const uint32_t *node;
	unsigned i;

	if (page == XSIM_NO_PAGE || page >= w->sh->nr_pages ||
	    level >= XSIM_P2M_LEVELS)
		return;
	claim(w, owner, page, domid, FAM_P2M);
	if (level + 1 >= XSIM_P2M_LEVELS)
		return;
	node = xsim_page_va(w, page);
	for (i = 0; i < XSIM_P2M_FANOUT; i++)
		if (node[i] != XSIM_NO_PAGE)
			claim_p2m(w, owner, node[i], level + 1, domid);
}

/* Attribute every allocated page to the domain and group it belongs to. */
static void attribute(const struct xsim_world *w, uint32_t *owner)
{
	uint32_t nr = w->sh->nr_pages, p, i, id, seen;

	for (p = 0; p < nr; p++) {
		const struct xsim_page *pg = xsim_page_meta(w, p);

		owner[p] = CLAIM_NONE;
		if (pg->owner >= XSIM_DOMID_FIRST_RESERVED)
			continue;
		if (pg->type == XSIM_PAGE_RAM)
			owner[p] = CLAIM(pg->owner, FAM_RAM);
		else if (pg->type == XSIM_PAGE_GNTTAB)
			owner[p] = CLAIM(pg->owner, FAM_GNTTAB);
		else if (pg->type == XSIM_PAGE_IOREQ)
			owner[p] = CLAIM(pg->owner, FAM_IOREQ);
	}
	/* Domains sit at their domid: stop at the last one, never touching
	 * the sparse rest of the table. */
	for (id = 0, seen = 0; id < XSIM_DOMID_FIRST_RESERVED &&
	     seen < w->sh->nr_domains; id++) {
		const struct xsim_domain *d = xsim_dom_slot(w, id);
		uint16_t dom = (uint16_t)id;

		if (!d->exists)
			continue;
		seen++;
		claim_p2m(w, owner, d->p2m_root, 0, dom);
		for (i = 0; i < XSIM_PORT_BUCKETS; i++)
			claim(w, owner, d->evtchn_bucket[i], dom, FAM_EVTCHN);
		for (i = 0; i < XSIM_GNTTAB_MAX_FRAMES; i++)
			claim(w, owner, d->gnttab_active[i], dom, FAM_GNTTAB);
		for (i = 0; i < XSIM_MAX_IOREQ_SERVERS; i++)
			if (d->ioreq[i].used)
				claim(w, owner, d->ioreq[i].port_page, dom,
				      FAM_IOREQ);
	}
}

/* Copy the allocated pages whose claim is `who` into ps. */
static int keep_pages(const struct xsim_world *w, const uint32_t *owner,
		      uint32_t who, struct page_set *ps)
{
	uint32_t nr = w->sh->nr_pages, p, n = 0;

	for (p = 1; p < nr; p++)
		if (owner[p] == who &&
		    xsim_page_meta(w, p)->type != XSIM_PAGE_FREE)
			n++;
	ps->nr = n;
	if (!n)
		return 0;
	ps->pages = calloc(n, sizeof(*ps->pages));
	ps->data = malloc((size_t)n * XSIM_PAGE_SIZE);
	if (!ps->pages || !ps->data)
		return -ENOMEM;
	n = 0;
	for (p = 1; p < nr; p++) {
		if (owner[p] != who ||
		    xsim_page_meta(w, p)->type == XSIM_PAGE_FREE)
			continue;
		ps->pages[n] = p;
		memcpy(ps->data + (size_t)n * XSIM_PAGE_SIZE,
		       xsim_page_va(w, p), XSIM_PAGE_SIZE);
		n++;
	}
	return 0;
}

static void put_pages(struct xsim_world *w, const struct page_set *ps)
{
	uint32_t i;

	for (i = 0; i < ps->nr; i++)
		memcpy(xsim_page_va(w, ps->pages[i]),
		       ps->data + (size_t)i * XSIM_PAGE_SIZE, XSIM_PAGE_SIZE);
}

static void free_pages(struct page_set *ps)
{
	free(ps->pages);
	free(ps->data);
}

void xsim_snapshot_free(struct xsim_snapshot *s)
{
	uint32_t i, f;

	if (!s)
		return;
	for (i = 0; i < s->nr_domains; i++)
		for (f = 0; f < NR_FAMS; f++)
			free_pages(&s->dom[i].fam[f]);
	free_pages(&s->global);
	free(s->dom);
	free(s->dom_index);
	free(s->page_meta);
	free(s->handles);
	free(s);
}

static int take_locked(struct xsim_world *w, struct xsim_snapshot *s,
		       uint32_t *owner)
{
	const struct xsim_shared *sh = w->sh;
	uint32_t id, n = 0, f;
	int rc;

	s->header = *sh;
	s->next_seq = xsim_effect_next(w);
	s->page_meta = malloc((size_t)sh->nr_pages * sizeof(struct xsim_page));
	s->handles = malloc((size_t)sh->handles_used * XSIM_HANDLE_BYTES + 1);
	s->dom = calloc(sh->nr_domains ? sh->nr_domains : 1, sizeof(*s->dom));
	s->dom_index = calloc(XSIM_DOMID_FIRST_RESERVED, 1);
	if (!s->page_meta || !s->handles || !s->dom || !s->dom_index)
		return -ENOMEM;
	memcpy(s->page_meta, xsim_page_meta(w, 0),
	       (size_t)sh->nr_pages * sizeof(struct xsim_page));
	if (sh->handles_used)
		memcpy(s->handles, xsim_handle_bytes(w, 0),
		       (size_t)sh->handles_used * XSIM_HANDLE_BYTES);
	attribute(w, owner);
	for (id = 0; id < XSIM_DOMID_FIRST_RESERVED && n < sh->nr_domains;
	     id++) {
		const struct xsim_domain *d = xsim_dom_slot(w, id);

		if (!d->exists)
			continue;
		/* The index is a byte: more domains than a fuzz world. */
		if (n >= 255)
			return -E2BIG;
		s->dom[n].domid = (uint16_t)id;
		s->dom[n].slot = *d;
		for (f = 0; f < NR_FAMS; f++) {
			rc = keep_pages(w, owner, CLAIM(id, f),
					&s->dom[n].fam[f]);
			if (rc)
				return rc;
		}
		s->dom_index[id] = (uint8_t)(n + 1);
		n++;
	}
	s->nr_domains = n;
	return keep_pages(w, owner, CLAIM_NONE, &s->global);
}

int xsim_snapshot_take(struct xsim_world *w, struct xsim_snapshot **out)
{
	struct xsim_snapshot *s = calloc(1, sizeof(*s));
	uint32_t *owner;
	int rc;

	owner = calloc(w->sh->nr_pages, sizeof(*owner));
	if (!s || !owner) {
		free(s);
		free(owner);
		return -ENOMEM;
	}
	xsim_lock(w);
	rc = take_locked(w, s, owner);
	xsim_unlock(w);
	free(owner);
	if (rc) {
		xsim_snapshot_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* The header without its lock (another process may be waiting on it). */
#define LOCK_START	offsetof(struct xsim_shared, lock)
#define LOCK_END	(LOCK_START + sizeof(pthread_mutex_t))
/* The slot's ioreq server array: most of a slot, rarely changed. */
#define IOREQ_START	offsetof(struct xsim_domain, ioreq)
#define IOREQ_END	(IOREQ_START + sizeof(((struct xsim_domain *)0)->ioreq))

/* Restore the groups `fams` of snapshot domain i. */
static void put_domain(struct xsim_world *w, const struct xsim_snapshot *s,
		       uint32_t i, unsigned fams)
{
	const struct snap_domain *sd = &s->dom[i];
	uint8_t *slot = (uint8_t *)xsim_dom_slot(w, sd->domid);
	const uint8_t *saved = (const uint8_t *)&sd->slot;
	unsigned f;

	memcpy(slot, saved, IOREQ_START);
	memcpy(slot + IOREQ_END, saved + IOREQ_END,
	       sizeof(struct xsim_domain) - IOREQ_END);
	if (fams & (1u << FAM_IOREQ_SLOT))
		memcpy(slot + IOREQ_START, saved + IOREQ_START,
		       IOREQ_END - IOREQ_START);
	for (f = 0; f < NR_FAMS; f++)
		if (fams & (1u << f))
			put_pages(w, &sd->fam[f]);
}

/* A domain made after the snapshot: it never existed. */
static void forget_domain(struct xsim_world *w, uint32_t domid)
{
	memset(xsim_dom_slot(w, domid), 0, sizeof(struct xsim_domain));
}

/* What an operation of this hypercall family and kind may have changed. */
static unsigned fams_of(uint8_t op, uint8_t kind)
{
	switch (op) {
	case XSIM_OP_MEMORY:
		return 1u << FAM_RAM | 1u << FAM_P2M;
	case XSIM_OP_FOREIGN_MAP:
	case XSIM_OP_VERSION:
		return 0;	/* page mapping counts: the page table */
	case XSIM_OP_EVTCHN:
		return 1u << FAM_EVTCHN;
	case XSIM_OP_GNTTAB:
		/*
		 * Pins and entries; RAM only when written (a copy into the
		 * grant, or the clear-byte of an unmap notification, which
		 * comes with the unmap's record).
		 */
		return kind == XSIM_EFF_WRITE ? 1u << FAM_GNTTAB | 1u << FAM_RAM :
						1u << FAM_GNTTAB;
	case XSIM_OP_RESOURCE:
		return 1u << FAM_GNTTAB | 1u << FAM_IOREQ |
		       1u << FAM_IOREQ_SLOT;
	default:
		return FAM_ALL;	/* 0, domain, dm_op, hvm_op, anything new */
	}
}

/*
 * The groups each domain needs, from the effect log since the snapshot
 * (domains made since are forgotten at once).  -ENOSPC if the ring
 * overran.
 */
static int logged(struct xsim_world *w, const struct xsim_snapshot *s,
		  uint64_t upto, unsigned *fams)
{
	struct xsim_effect buf[64];
	uint64_t from = s->next_seq;
	long n, i;

	while (from < upto) {
		n = xsim_effect_read(w, from, buf, 64);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			uint16_t d = buf[i].domid;

			/* Restricts, opens and closes change no domain. */
			if (!xsim_effect_touches_domain(buf[i].kind) ||
			    d >= XSIM_DOMID_FIRST_RESERVED)
				continue;
			if (s->dom_index[d])
				fams[s->dom_index[d] - 1] |= fams_of(buf[i].op,
								   buf[i].kind);
			else
				forget_domain(w, d);
		}
		from += (uint64_t)n;
	}
	return 0;
}

void xsim_snapshot_restore(struct xsim_world *w, const struct xsim_snapshot *s,
			   const struct xsim_snapshot_extra *extra,
			   unsigned nr_extra)
{
	struct xsim_shared *sh = w->sh;
	uint32_t used = sh->handles_used, i;
	uint64_t upto = xsim_effect_next(w);
	unsigned fams[256] = { 0 };
	bool scan = false;

	xsim_lock(w);
	if (logged(w, s, upto, fams)) {
		extra = NULL;
		scan = true;
	}
	for (i = 0; extra && i < nr_extra; i++)
		if (extra[i].domid < XSIM_DOMID_FIRST_RESERVED &&
		    s->dom_index[extra[i].domid])
			fams[s->dom_index[extra[i].domid] - 1] |=
				fams_of(extra[i].op, XSIM_EFF_WRITE);
	for (i = 0; i < s->nr_domains; i++)
		if (fams[i] || !extra)
			put_domain(w, s, i, extra ? fams[i] : FAM_ALL);
	/* Touches the whole sparse table: only when the log overran. */
	for (i = 0; scan && i < XSIM_DOMID_FIRST_RESERVED; i++)
		if (!s->dom_index[i] && xsim_dom_slot(w, i)->exists)
			forget_domain(w, i);

	memcpy(sh, &s->header, LOCK_START);
	memcpy((uint8_t *)sh + LOCK_END, (const uint8_t *)&s->header + LOCK_END,
	       sizeof(*sh) - LOCK_END);
	memcpy(xsim_page_meta(w, 0), s->page_meta,
	       (size_t)sh->nr_pages * sizeof(struct xsim_page));
	if (s->header.handles_used)
		memcpy(xsim_handle_bytes(w, 0), s->handles,
		       (size_t)s->header.handles_used * XSIM_HANDLE_BYTES);
	/* Slots first used after the snapshot were all zero before. */
	if (used > s->header.handles_used)
		memset(xsim_handle_bytes(w, s->header.handles_used), 0,
		       (size_t)(used - s->header.handles_used) *
		       XSIM_HANDLE_BYTES);
	atomic_store_explicit(&xsim_effect_ring(w)->next_seq, s->next_seq,
			      memory_order_release);
	put_pages(w, &s->global);
	xsim_unlock(w);
}

/* Count a difference; name the first one in buf ("what index"). */
static int differs(const void *a, const void *b, size_t n, const char *what,
		   uint32_t index, char *buf, size_t len, int found)
{
	size_t at = 0;

	if (!memcmp(a, b, n))
		return found;
	if (!found && buf && len) {
		while (*what && at + 1 < len)
			buf[at++] = *what++;
		if (index != UINT32_MAX) {
			char digits[12];
			int nd = 0;

			do {
				digits[nd++] = (char)('0' + index % 10);
				index /= 10;
			} while (index && nd < 11);
			if (at + 1 < len)
				buf[at++] = ' ';
			while (nd && at + 1 < len)
				buf[at++] = digits[--nd];
		}
		buf[at] = 0;
	}
	return found + 1;
}

static int diff_pages(const struct xsim_world *w, const struct page_set *ps,
		      char *buf, size_t len, int found)
{
	uint32_t i;

	for (i = 0; i < ps->nr; i++)
		found = differs(xsim_page_va(w, ps->pages[i]),
				ps->data + (size_t)i * XSIM_PAGE_SIZE,
				XSIM_PAGE_SIZE, "page", ps->pages[i], buf, len,
				found);
	return found;
}

int xsim_snapshot_diff(struct xsim_world *w, const struct xsim_snapshot *s,
		       char *buf, size_t len)
{
	const struct xsim_shared *sh = w->sh;
	uint64_t seq = xsim_effect_next(w);
	uint32_t i, f;
	int found = 0;

	if (buf && len)
		buf[0] = 0;
	xsim_lock(w);
	found = differs(sh, &s->header, LOCK_START, "header", UINT32_MAX, buf,
			len, found);
	found = differs((const uint8_t *)sh + LOCK_END,
			(const uint8_t *)&s->header + LOCK_END,
			sizeof(*sh) - LOCK_END, "header", UINT32_MAX, buf, len,
			found);
	found = differs(&seq, &s->next_seq, sizeof(seq), "effect-log position",
			UINT32_MAX, buf, len, found);
	found = differs(xsim_page_meta(w, 0), s->page_meta,
			(size_t)s->header.nr_pages * sizeof(struct xsim_page),
			"page table", UINT32_MAX, buf, len, found);
	if (s->header.handles_used)
		found = differs(xsim_handle_bytes(w, 0), s->handles,
				(size_t)s->header.handles_used *
				XSIM_HANDLE_BYTES, "handle table", UINT32_MAX,
				buf, len, found);
	for (i = 0; i < s->nr_domains; i++) {
		found = differs(xsim_dom_slot(w, s->dom[i].domid),
				&s->dom[i].slot, sizeof(struct xsim_domain),
				"domain", s->dom[i].domid, buf, len, found);
		for (f = 0; f < NR_FAMS; f++)
			found = diff_pages(w, &s->dom[i].fam[f], buf, len,
					   found);
	}
	found = diff_pages(w, &s->global, buf, len, found);
	xsim_unlock(w);
	return found;
}
