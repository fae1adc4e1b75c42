/* SPDX-License-Identifier: MIT */
/*
 * Grant tables, version 1 (Xen 4.17 xen/common/grant_table.c).
 *
 * A domain's table is gnttab_nr_frames world pages of grant_entry_v1,
 * written by the granting guest and read (plus GTF_reading/GTF_writing)
 * by Xen, exactly as the shared frames of a real guest.  Xen's active
 * entries (pins and the frame a pin holds) live in one metadata page per
 * frame, invisible to the guest.
 *
 * Two simulator-only details, documented where they are implemented:
 *  - gntalloc's pages (xsim_gnttab_grant_page) are not in dom0's p2m; the
 *    active entry remembers the page.  The shared entry's frame is the
 *    page's machine frame, as Linux's gntalloc writes for a PV dom0
 *    (drivers/xen/gntalloc.c add_grefs: xen_page_to_gfn is the mfn).
 *  - A page still mapped when its granter dies is orphaned to DOMID_XEN by
 *    the memory teardown; its metadata remembers (granter, ref) so that
 *    the mapper's later unmap finds and finally frees it (Xen keeps the
 *    dying domain's pages until the last reference goes).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/grant_table.h>

#include <xensim/machine.h>

#include "layout.h"

#define ENTRIES_PER_FRAME	XSIM_GNTTAB_ENTRIES_PER_FRAME
/* Xen's GNTTAB_NR_RESERVED_ENTRIES: refs 0..7 belong to the toolstack. */
#define FIRST_FREE_REF		8u
/* INITIAL_NR_GRANT_FRAMES: a table never shrinks below one frame. */
#define INITIAL_FRAMES		1u
/*
 * Xen keeps 8-bit pin counters per kind and refuses an increment that
 * would reach their top bit (GNTPIN_incr2oflow_mask).
 */
#define PIN_LIMIT		0x80u

/* Simulator-only effect sub-ops (GNTTABOP_* numbers are used for the rest). */
#define SUBOP_GRANT		0x100u	/* a guest wrote its table */
#define SUBOP_GRANT_PAGE	0x101u	/* dom0 shared one of its pages */
#define SUBOP_END_ACCESS	0x102u	/* an entry was revoked */

/* Orphan marker in a page's next_free: bit 31 | domid of the dead granter. */
#define ORPHAN_TAG		0x80000000u

/* Xen's struct active_grant_entry, reduced to what v1 needs. */
struct act_entry {
	uint8_t pin_ro;		/* host read-only mappings (GNTPIN_hstr) */
	uint8_t pin_rw;		/* host writable mappings (GNTPIN_hstw) */
	uint8_t flags;		/* ACT_* */
	uint8_t pad;
	uint32_t page;		/* page the pins hold (ACT_PAGE: always) */
};

_Static_assert(sizeof(struct act_entry) * ENTRIES_PER_FRAME <= XSIM_PAGE_SIZE,
	       "active entries of one frame must fit a page");
_Static_assert(sizeof(grant_entry_v1_t) * ENTRIES_PER_FRAME == XSIM_PAGE_SIZE,
	       "a grant frame holds 512 v1 entries");

enum {
	ACT_ALLOCATED = 1u << 0,	/* handed out by alloc_ref */
	ACT_PAGE = 1u << 1,		/* from grant_page: fixed page */
	ACT_FREE_ON_IDLE = 1u << 2,	/* end_access_page awaits last unmap */
};

static uint32_t nr_entries(const struct xsim_domain *d)
{
	return d->gnttab_nr_frames * ENTRIES_PER_FRAME;
}

static grant_entry_v1_t *shared_entry(const struct xsim_world *w,
				      const struct xsim_domain *d, uint32_t ref)
{
	grant_entry_v1_t *frame =
		xsim_page_va(w, d->gnttab_frame[ref / ENTRIES_PER_FRAME]);

	return &frame[ref % ENTRIES_PER_FRAME];
}

static struct act_entry *active_entry(const struct xsim_world *w,
				      const struct xsim_domain *d, uint32_t ref)
{
	struct act_entry *a =
		xsim_page_va(w, d->gnttab_active[ref / ENTRIES_PER_FRAME]);

	return &a[ref % ENTRIES_PER_FRAME];
}

static unsigned pins(const struct act_entry *a)
{
	return a->pin_ro + a->pin_rw;
}

/*
 * XSM dummy policy XSM_TARGET (setup_table, query_size): the domain
 * itself, the control domain, or a device model targeting it.
 */
static bool may_control(const struct xsim_caller *c, const struct xsim_domain *d)
{
	const struct xsim_domain *self = xsim_dom_get(c->w, c->domid);

	if (!self)
		return false;
	return self->domid == d->domid || (self->flags & XSIM_DOM_PRIVILEGED) ||
	       self->target == d->domid;
}

/* Xen's gnttab_grow_table: add frames and their active pages up to nr. */
static int grow_table(struct xsim_world *w, struct xsim_domain *d, uint32_t nr)
{
	if (nr < INITIAL_FRAMES)
		nr = INITIAL_FRAMES;
	if (nr > d->gnttab_max_frames)
		return -EINVAL;
	while (d->gnttab_nr_frames < nr) {
		uint32_t i = d->gnttab_nr_frames;
		uint32_t frame, active;

		frame = xsim_page_alloc(w, d->domid, XSIM_PAGE_GNTTAB);
		if (frame == XSIM_NO_PAGE)
			return -ENOMEM;
		active = xsim_page_alloc(w, XSIM_DOMID_XEN, XSIM_PAGE_META);
		if (active == XSIM_NO_PAGE) {
			xsim_page_free(w, frame);
			return -ENOMEM;
		}
		d->gnttab_frame[i] = frame;
		d->gnttab_active[i] = active;
		/* Publish the frame last: nr_entries() must never overrun. */
		d->gnttab_nr_frames = i + 1;
	}
	return 0;
}

int xsim_gnttab_setup(const struct xsim_caller *c, uint32_t dom, uint32_t nr)
{
	struct xsim_domain *d;
	uint16_t id;
	int rc;

	rc = xsim_domain_resolve(c, dom, &id);
	if (rc)
		return rc;
	d = xsim_dom_get(c->w, id);
	if (!may_control(c, d))
		return -EPERM;
	if (nr > d->gnttab_max_frames)
		return -EINVAL;
	if (nr > d->gnttab_nr_frames) {
		rc = grow_table(c->w, d, nr);
		if (rc)
			return rc;
	}
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_WRITE,
			XSIM_OP_GNTTAB, GNTTABOP_setup_table, nr);
	return 0;
}

int xsim_gnttab_query_size(const struct xsim_caller *c, uint32_t dom,
			   uint32_t *nr_frames, uint32_t *max_frames)
{
	const struct xsim_domain *d;
	uint16_t id;
	int rc;

	rc = xsim_domain_resolve(c, dom, &id);
	if (rc)
		return rc;
	d = xsim_dom_get(c->w, id);
	if (!may_control(c, d))
		return -EPERM;
	*nr_frames = d->gnttab_nr_frames;
	*max_frames = d->gnttab_max_frames;
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_READ,
			XSIM_OP_GNTTAB, GNTTABOP_query_size, 0);
	return 0;
}

int xsim_gnttab_frame(const struct xsim_caller *c, uint32_t dom, uint32_t i,
		      uint32_t *page)
{
	const struct xsim_domain *d;
	uint16_t id;
	int rc;

	rc = xsim_domain_resolve(c, dom, &id);
	if (rc)
		return rc;
	d = xsim_dom_get(c->w, id);
	if (!may_control(c, d))
		return -EPERM;
	if (i >= d->gnttab_nr_frames)
		return -EINVAL;
	*page = d->gnttab_frame[i];
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_MAP,
			XSIM_OP_GNTTAB, GNTTABOP_setup_table, i);
	return 0;
}

/* A table large enough to hold ref, grown as a guest's driver would. */
static int table_for_ref(struct xsim_world *w, struct xsim_domain *d,
			 uint32_t ref)
{
	uint32_t need = ref / ENTRIES_PER_FRAME + 1;

	if (need > d->gnttab_max_frames)
		return -EINVAL;
	return need > d->gnttab_nr_frames ? grow_table(w, d, need) : 0;
}

int xsim_gnttab_grant(struct xsim_world *w, uint32_t granter, uint32_t ref,
		      uint32_t grantee, uint64_t gfn, bool readonly)
{
	struct xsim_domain *d = xsim_dom_get(w, granter);
	struct act_entry *a;
	grant_entry_v1_t *e;
	uint64_t frame = gfn;
	int rc;

	if (!d)
		return -ESRCH;
	/*
	 * A PV guest's entry names the machine frame (Linux's
	 * gnttab_grant_foreign_access(..., xen_page_to_gfn(page), ...) is
	 * pfn_to_mfn there): only a page it has can be named.
	 */
	if (!(d->flags & XSIM_DOM_HVM) &&
	    xsim_mem_frame_of_gfn(w, d->domid, gfn, &frame))
		return -EINVAL;
	if (frame > UINT32_MAX || grantee > 0xFFFFu)
		return -EINVAL;	/* v1: 32-bit frame, 16-bit domid */
	rc = table_for_ref(w, d, ref);
	if (rc)
		return rc;
	/*
	 * Xen keeps using the active entry of a pinned grant whatever the
	 * guest writes; the simulator refuses instead so that the shared
	 * entry always names the domain holding the pins.  A page shared
	 * through grant_page belongs to its device until end_access_page.
	 */
	a = active_entry(w, d, ref);
	if (pins(a) || (a->flags & ACT_PAGE))
		return -EBUSY;
	e = shared_entry(w, d, ref);
	e->domid = (domid_t)grantee;
	e->frame = (uint32_t)frame;
	e->flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
	xsim_effect_add(w, XSIM_EFF_NO_HANDLE, d->domid, XSIM_EFF_WRITE,
			XSIM_OP_GNTTAB, SUBOP_GRANT, ref);
	return 0;
}

int xsim_gnttab_grant_page(const struct xsim_caller *c, uint32_t ref,
			   uint32_t grantee, uint32_t page, bool readonly)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *d = xsim_dom_get(w, c->domid);
	struct act_entry *a;
	grant_entry_v1_t *e;
	int rc;

	if (!d)
		return -ESRCH;
	if (grantee > 0xFFFFu || !xsim_page_owned_by(w, page, d->domid))
		return -EINVAL;
	rc = table_for_ref(w, d, ref);
	if (rc)
		return rc;
	a = active_entry(w, d, ref);
	if (pins(a) || (a->flags & ACT_FREE_ON_IDLE))
		return -EBUSY;
	a->flags |= ACT_PAGE;
	a->page = page;
	xsim_page_meta(w, page)->gfn = XSIM_GNTALLOC_GFN_BASE + page;
	e = shared_entry(w, d, ref);
	e->domid = (domid_t)grantee;
	e->frame = (uint32_t)xsim_page_mfn(page);
	e->flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
	/*
	 * Logged against the grantee: sharing a page is aimed at it, and that
	 * is the domain a restricted gntalloc handle is audited for.
	 */
	xsim_effect_add(w, c->handle, (uint16_t)grantee, XSIM_EFF_WRITE,
			XSIM_OP_GNTTAB, SUBOP_GRANT_PAGE, ref);
	return 0;
}

static bool ref_is_free(const grant_entry_v1_t *e, const struct act_entry *a)
{
	return (e->flags & GTF_type_mask) == GTF_invalid && !pins(a) &&
	       !a->flags;
}

/*
 * Linux get_free_entries (drivers/xen/grant-table.c): the lowest free
 * ref, growing the table by one frame when none is (gnttab_expand).
 * The scan goes frame by frame so that each entry costs two loads, not
 * two page lookups; the answer is the same lowest free ref.  No hint is
 * kept: the guest may free an entry by writing its own shared frame,
 * which the simulator does not see.
 */
int xsim_gnttab_alloc_ref(const struct xsim_caller *c, uint32_t *ref)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *d = xsim_dom_get(w, c->domid);
	uint32_t f, i = FIRST_FREE_REF;
	int rc;

	if (!d)
		return -ESRCH;
	/* Failure point (fail.h): Linux get_free_entries' -ENOSPC. */
	if (xsim_fail(XSIM_FAIL_GRANT))
		return -ENOSPC;
	for (f = 0;; f++, i = 0) {
		const grant_entry_v1_t *e;
		struct act_entry *a;

		if (f >= d->gnttab_nr_frames) {
			/* Linux gnttab_expand: one more frame, or none. */
			if (d->gnttab_nr_frames >= d->gnttab_max_frames)
				return -ENOSPC;
			rc = grow_table(w, d, d->gnttab_nr_frames + 1);
			if (rc)
				return rc;
		}
		e = xsim_page_va(w, d->gnttab_frame[f]);
		a = xsim_page_va(w, d->gnttab_active[f]);
		for (; i < ENTRIES_PER_FRAME; i++) {
			if (ref_is_free(&e[i], &a[i])) {
				a[i].flags = ACT_ALLOCATED;
				*ref = f * ENTRIES_PER_FRAME + i;
				return 0;
			}
		}
	}
}

/* Forget an entry entirely: the ref is free again. */
static void clear_entry(struct xsim_world *w, struct xsim_domain *d,
			uint32_t ref)
{
	struct act_entry *a = active_entry(w, d, ref);

	memset(shared_entry(w, d, ref), 0, sizeof(grant_entry_v1_t));
	memset(a, 0, sizeof(*a));
}

int xsim_gnttab_end_access(const struct xsim_caller *c, uint32_t ref)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *d = xsim_dom_get(w, c->domid);
	grant_entry_v1_t *e;
	uint16_t grantee;

	if (!d)
		return -ESRCH;
	if (ref >= nr_entries(d))
		return -EINVAL;
	e = shared_entry(w, d, ref);
	/* Linux gnttab_end_foreign_access_ref: busy while Xen marks it in use. */
	if (e->flags & (GTF_reading | GTF_writing) ||
	    pins(active_entry(w, d, ref)))
		return -EBUSY;
	grantee = e->domid;
	clear_entry(w, d, ref);
	xsim_effect_add(w, c->handle, grantee, XSIM_EFF_WRITE, XSIM_OP_GNTTAB,
			SUBOP_END_ACCESS, ref);
	return 0;
}

/* The page behind a shared page entry, and its removal from the ref. */
static void free_shared_page(struct xsim_world *w, struct xsim_domain *d,
			     uint32_t ref)
{
	uint32_t page = active_entry(w, d, ref)->page;

	clear_entry(w, d, ref);
	/* Still mapped elsewhere: orphaned, freed by the last unmap. */
	if (xsim_page_meta(w, page)->maps)
		xsim_page_meta(w, page)->owner = XSIM_DOMID_XEN;
	else
		xsim_page_free(w, page);
}

int xsim_gnttab_end_access_page(const struct xsim_caller *c, uint32_t ref)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *d = xsim_dom_get(w, c->domid);
	struct act_entry *a;
	uint16_t grantee;

	if (!d)
		return -ESRCH;
	if (ref >= nr_entries(d))
		return -EINVAL;
	a = active_entry(w, d, ref);
	if (!(a->flags & ACT_PAGE) || (a->flags & ACT_FREE_ON_IDLE))
		return -EINVAL;
	grantee = shared_entry(w, d, ref)->domid;
	xsim_effect_add(w, c->handle, grantee, XSIM_EFF_WRITE, XSIM_OP_GNTTAB,
			SUBOP_END_ACCESS, ref);
	if (pins(a)) {
		/* Linux 6.1 gnttab_end_foreign_access: deferred until unmapped. */
		a->flags |= ACT_FREE_ON_IDLE;
		return 1;
	}
	free_shared_page(w, d, ref);
	return 0;
}

/*
 * Xen's reduce_status_for_pin: drop GTF_reading once nothing is pinned,
 * GTF_writing once nothing is pinned writable.
 */
static void reduce_status(grant_entry_v1_t *e, const struct act_entry *a)
{
	if (!pins(a))
		e->flags &= ~GTF_reading;
	if (!a->pin_rw)
		e->flags &= ~GTF_writing;
}

/* A page whose last mapping went: finish what was waiting for it. */
static void page_unmapped(struct xsim_world *w, uint32_t page)
{
	struct xsim_page *pg = xsim_page_meta(w, page);

	if (pg->maps)
		pg->maps--;
	if (!pg->maps && pg->owner == XSIM_DOMID_XEN && pg->type != XSIM_PAGE_META)
		xsim_page_free(w, page);
}

/* Pins of an entry reached zero: a deferred end of access completes now. */
static void entry_idle(struct xsim_world *w, struct xsim_domain *d,
		       uint32_t ref)
{
	if (active_entry(w, d, ref)->flags & ACT_FREE_ON_IDLE)
		free_shared_page(w, d, ref);
}

/*
 * Xen's _set_status_v1 plus get_paged_frame for a first pin: the entry
 * must grant access to the caller, writably if asked.  GNTST_* result.
 */
static int pin_entry(const struct xsim_caller *c, struct xsim_domain *rd,
		     uint32_t ref, bool readonly, uint32_t *page)
{
	struct xsim_world *w = c->w;
	grant_entry_v1_t *e = shared_entry(w, rd, ref);
	struct act_entry *a = active_entry(w, rd, ref);
	uint8_t *count = readonly ? &a->pin_ro : &a->pin_rw;

	/*
	 * Pinned entries are stable (xsim_gnttab_grant refuses to change
	 * them), so e->domid is Xen's act->domid.
	 */
	if (pins(a) && (e->domid != c->domid || *count >= PIN_LIMIT))
		return XSIM_GNTST_general_error;
	if (!pins(a) || (!readonly && !a->pin_rw)) {
		if (!pins(a) &&
		    ((e->flags & (GTF_type_mask | GTF_sub_page)) !=
		     GTF_permit_access || e->domid != c->domid))
			return XSIM_GNTST_general_error;
		if (!readonly && (e->flags & GTF_readonly))
			return XSIM_GNTST_general_error;
		if (!pins(a) && !(a->flags & ACT_PAGE)) {
			/* get_paged_frame(): a PV granter's is an mfn. */
			uint32_t p = xsim_frame_page(w, rd, e->frame);

			if (p == XSIM_NO_PAGE)
				return XSIM_GNTST_bad_page;
			a->page = p;
		}
		e->flags |= GTF_reading | (readonly ? 0 : GTF_writing);
	}
	(*count)++;
	*page = a->page;
	return XSIM_GNTST_okay;
}

static void unpin_entry(struct xsim_world *w, struct xsim_domain *rd,
			uint32_t ref, bool readonly)
{
	struct act_entry *a = active_entry(w, rd, ref);
	uint8_t *count = readonly ? &a->pin_ro : &a->pin_rw;

	if (*count)
		(*count)--;
	reduce_status(shared_entry(w, rd, ref), a);
	if (!pins(a))
		entry_idle(w, rd, ref);
}

int xsim_gnttab_map(const struct xsim_caller *c, uint32_t dom, uint32_t ref,
		    bool readonly, uint32_t *page)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *rd;
	int rc;

	/* rcu_lock_domain_by_id: no DOMID_SELF here. */
	rd = xsim_dom_get(w, dom);
	if (!rd || (rd->flags & XSIM_DOM_DYING))
		return XSIM_GNTST_bad_domain;
	if (ref >= nr_entries(rd))
		return XSIM_GNTST_bad_gntref;
	/*
	 * Failure point (fail.h): Xen 4.17 map_grant_ref finds no maptrack
	 * handle (xen/common/grant_table.c): GNTST_no_space.
	 */
	if (xsim_fail(XSIM_FAIL_MAPTRACK))
		return GNTST_no_space;
	rc = pin_entry(c, rd, ref, readonly, page);
	if (rc != XSIM_GNTST_okay)
		return rc;
	xsim_page_meta(w, *page)->maps++;
	xsim_effect_add(w, c->handle, rd->domid, XSIM_EFF_MAP, XSIM_OP_GNTTAB,
			GNTTABOP_map_grant_ref, ref);
	return XSIM_GNTST_okay;
}

/* The mapping of a page whose granter died (see the file comment). */
static int unmap_orphan(struct xsim_world *w, uint32_t dom, uint32_t ref)
{
	uint32_t p;

	for (p = 1; p < w->sh->nr_pages; p++) {
		struct xsim_page *pg = xsim_page_meta(w, p);

		if (pg->type != XSIM_PAGE_FREE && pg->owner == XSIM_DOMID_XEN &&
		    pg->maps && pg->next_free == (ORPHAN_TAG | dom) &&
		    pg->gfn == ref) {
			page_unmapped(w, p);
			return XSIM_GNTST_okay;
		}
	}
	return -1;
}

int xsim_gnttab_unmap(const struct xsim_caller *c, uint32_t dom, uint32_t ref)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *rd = xsim_dom_get(w, dom);
	struct act_entry *a;
	uint32_t page;
	bool readonly;

	if (!rd || ref >= nr_entries(rd) ||
	    !pins(active_entry(w, rd, ref)) ||
	    shared_entry(w, rd, ref)->domid != c->domid) {
		if (unmap_orphan(w, dom, ref) == XSIM_GNTST_okay)
			return XSIM_GNTST_okay;
		if (!rd)
			return XSIM_GNTST_bad_domain;
		/* Xen names mappings by handle; no mapping here is a bad one. */
		return ref >= nr_entries(rd) ? XSIM_GNTST_bad_gntref :
					       XSIM_GNTST_bad_handle;
	}
	a = active_entry(w, rd, ref);
	page = a->page;
	/*
	 * The (dom, ref) interface does not say which mapping goes; dropping
	 * a read-only pin first can only keep GTF_writing set longer, never
	 * clear it under a writable mapping.
	 */
	readonly = a->pin_ro != 0;
	unpin_entry(w, rd, ref, readonly);
	xsim_effect_add(w, c->handle, rd->domid, XSIM_EFF_WRITE, XSIM_OP_GNTTAB,
			GNTTABOP_unmap_grant_ref, ref);
	page_unmapped(w, page);
	return XSIM_GNTST_okay;
}

int xsim_gnttab_copy(const struct xsim_caller *c, uint32_t dom, uint32_t ref,
		     uint32_t offset, void *buf, uint32_t len, bool to_grant)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *rd;
	uint32_t page;
	uint8_t *va;
	int rc;

	/* gnttab_copy_lock_domain: rcu_lock_domain_by_any_id. */
	rd = xsim_dom_get(w, dom == XSIM_DOMID_SELF ? c->domid : dom);
	if (!rd || (rd->flags & XSIM_DOM_DYING))
		return XSIM_GNTST_bad_domain;
	/* acquire_grant_for_copy: bad ref, then the entry's own checks. */
	if (ref >= nr_entries(rd))
		return XSIM_GNTST_bad_gntref;
	rc = pin_entry(c, rd, ref, !to_grant, &page);
	if (rc != XSIM_GNTST_okay)
		return rc;
	/* gnttab_copy_buf checks the bounds once both sides are acquired. */
	if (offset > XSIM_PAGE_SIZE || len > XSIM_PAGE_SIZE - offset) {
		unpin_entry(w, rd, ref, !to_grant);
		return XSIM_GNTST_bad_copy_arg;
	}
	va = (uint8_t *)xsim_page_va(w, page) + offset;
	if (to_grant)
		memcpy(va, buf, len);
	else
		memcpy(buf, va, len);
	unpin_entry(w, rd, ref, !to_grant);
	xsim_effect_add(w, c->handle, rd->domid,
			to_grant ? XSIM_EFF_WRITE : XSIM_EFF_READ,
			XSIM_OP_GNTTAB, GNTTABOP_copy, ref);
	return XSIM_GNTST_okay;
}

/*
 * The dying domain as a mapper (Xen: gnttab_release_mappings): drop every
 * pin it holds on any domain's grants, completing deferred revocations.
 */
static void release_mappings(struct xsim_world *w, const struct xsim_domain *d)
{
	int id;

	for (id = xsim_domain_next(w, 0); id >= 0;
	     id = xsim_domain_next(w, (uint32_t)id + 1)) {
		struct xsim_domain *rd = xsim_dom_slot(w, (uint32_t)id);
		uint32_t ref, n = nr_entries(rd);

		for (ref = 0; ref < n; ref++) {
			struct act_entry *a = active_entry(w, rd, ref);
			grant_entry_v1_t *e = shared_entry(w, rd, ref);
			uint32_t held = pins(a), page = a->page;

			if (!held || e->domid != d->domid)
				continue;
			a->pin_ro = 0;
			a->pin_rw = 0;
			reduce_status(e, a);
			while (held--)
				page_unmapped(w, page);
			entry_idle(w, rd, ref);
		}
	}
}

void xsim_gnttab_teardown(struct xsim_world *w, struct xsim_domain *d)
{
	uint32_t ref, i, n = nr_entries(d);

	release_mappings(w, d);
	/*
	 * As a granter: pages others still map outlive the table.  Pages
	 * shared with grant_page are in no p2m, so the memory teardown will
	 * not see them: free or orphan them here.
	 */
	for (ref = 0; ref < n; ref++) {
		struct act_entry *a = active_entry(w, d, ref);
		struct xsim_page *pg;

		if (!pins(a)) {
			if (a->flags & ACT_PAGE)
				xsim_page_free(w, a->page);
			continue;
		}
		pg = xsim_page_meta(w, a->page);
		pg->next_free = ORPHAN_TAG | d->domid;
		pg->gfn = ref;
		if (a->flags & ACT_PAGE)
			pg->owner = XSIM_DOMID_XEN;
	}
	for (i = 0; i < d->gnttab_nr_frames; i++) {
		struct xsim_page *pg = xsim_page_meta(w, d->gnttab_frame[i]);

		/* A frame someone maps (setup_table's list) is orphaned too. */
		if (pg->maps)
			pg->owner = XSIM_DOMID_XEN;
		else
			xsim_page_free(w, d->gnttab_frame[i]);
		xsim_page_free(w, d->gnttab_active[i]);
		d->gnttab_frame[i] = XSIM_NO_PAGE;
		d->gnttab_active[i] = XSIM_NO_PAGE;
	}
	d->gnttab_nr_frames = 0;
}
