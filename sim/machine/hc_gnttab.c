/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_grant_table_op (Xen 4.17 xen/common/grant_table.c,
 * do_grant_table_op) over the grant-table machine.  Batched ops report a
 * GNTST_* status per element and fail the whole call only with -EFAULT;
 * single-element ops answer -EINVAL for a count other than 1.
 *
 * The sim's grant tables are version 1 only, as if every domain had been
 * created with max_grant_version=1 (so set_version(2) answers -ENOSYS).
 * A map's grant handle is (dom << 16 | ref): the machine keys mappings by
 * (domain, ref), and both fit 16 bits (32k domains, 64 frames of 512).
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/grant_table.h>

#include "hypercall.h"

/* xen/common/grant_table.c: continuation argument bits of cmd. */
#define GNTTABOP_CONTINUATION_ARG_SHIFT	12
#define GNTTABOP_CMD_MASK	((1u << GNTTABOP_CONTINUATION_ARG_SHIFT) - 1)

/* HVM callers map through their p2m (Xen: paging_mode_external). */
static bool caller_is_hvm(const struct xsim_caller *c)
{
	const struct xsim_domain *self = xsim_hc_self(c);

	return self && (self->flags & XSIM_DOM_HVM);
}

static void map_one(const struct xsim_caller *c, gnttab_map_grant_ref_t *op)
{
	uint32_t page;
	int st;

	op->handle = ~0u;
	if (!(op->flags & (GNTMAP_device_map | GNTMAP_host_map))) {
		op->status = GNTST_bad_gntref;
		return;
	}
	if (caller_is_hvm(c) &&
	    (op->flags & (GNTMAP_device_map | GNTMAP_application_map |
			  GNTMAP_contains_pte))) {
		op->status = GNTST_general_error;
		return;
	}
	/* rcu_lock_domain_by_id(): DOMID_SELF is not resolved here. */
	if (!xsim_dom_get(c->w, op->dom)) {
		op->status = GNTST_bad_domain;
		return;
	}
	st = xsim_gnttab_map(c, op->dom, op->ref,
			     op->flags & GNTMAP_readonly, &page);
	op->status = (int16_t)st;
	if (st != GNTST_okay)
		return;
	op->handle = (uint32_t)op->dom << 16 | (op->ref & 0xFFFFu);
	op->dev_bus_addr = (op->flags & GNTMAP_device_map) ?
			   (uint64_t)page << XSIM_PAGE_SHIFT : 0;
}

static long map_grant_ref(const struct xsim_caller *c,
			  const struct xsim_uaccess *ua, uint64_t uop,
			  uint32_t count)
{
	gnttab_map_grant_ref_t op;
	uint32_t i;

	if (!xsim_hc_array_okay(uop, count, sizeof(op)))
		return -EFAULT;
	for (i = 0; i < count; i++) {
		uint64_t at = uop + (uint64_t)i * sizeof(op);

		if (xsim_copy_in(ua, &op, at, sizeof(op)))
			return -EFAULT;
		map_one(c, &op);
		if (xsim_copy_out(ua, at, &op, sizeof(op)))
			return -EFAULT;
	}
	return 0;
}

static long unmap_grant_ref(const struct xsim_caller *c,
			    const struct xsim_uaccess *ua, uint64_t uop,
			    uint32_t count)
{
	gnttab_unmap_grant_ref_t op;
	uint32_t i;

	if (!xsim_hc_array_okay(uop, count, sizeof(op)))
		return -EFAULT;
	for (i = 0; i < count; i++) {
		uint64_t at = uop + (uint64_t)i * sizeof(op);
		uint32_t dom;

		if (xsim_copy_in(ua, &op, at, sizeof(op)))
			return -EFAULT;
		dom = op.handle >> 16;
		if (dom >= XSIM_DOMID_FIRST_RESERVED)
			op.status = GNTST_bad_handle;
		else
			op.status = (int16_t)xsim_gnttab_unmap(c, dom,
							       op.handle & 0xFFFFu);
		if (xsim_copy_out(ua, at, &op, sizeof(op)))
			return -EFAULT;
	}
	return 0;
}

static long setup_table(const struct xsim_caller *c,
			const struct xsim_uaccess *ua, uint64_t uop,
			uint32_t count)
{
	gnttab_setup_table_t op;
	const struct xsim_domain *d;
	uint64_t list;
	uint32_t i;

	if (count != 1)
		return -EINVAL;
	if (xsim_copy_in(ua, &op, uop, sizeof(op)))
		return -EFAULT;
	list = XSIM_HANDLE_ADDR(op.frame_list);
	if (!xsim_hc_array_okay(list, op.nr_frames, sizeof(xen_pfn_t)))
		return -EFAULT;
	d = xsim_hc_any_domain(c, op.dom);
	if (!d) {
		op.status = GNTST_bad_domain;
	} else if (!xsim_hc_target(c, d)) {
		op.status = GNTST_permission_denied;
	} else if (op.nr_frames > d->gnttab_max_frames ||
		   (op.nr_frames > d->gnttab_nr_frames &&
		    xsim_gnttab_setup(c, d->domid, op.nr_frames))) {
		op.status = GNTST_general_error;
	} else {
		op.status = GNTST_okay;
		for (i = 0; i < op.nr_frames; i++) {
			uint32_t page = XSIM_NO_PAGE;
			xen_pfn_t mfn;

			/*
			 * gnttab_shared_gfn(): machine frames (the sim keeps
			 * grant frames out of every p2m, so an HVM target's
			 * are machine frames too).
			 */
			xsim_gnttab_frame(c, d->domid, i, &page);
			mfn = page == XSIM_NO_PAGE ? 0 : xsim_page_mfn(page);
			if (xsim_copy_out(ua, list + (uint64_t)i * sizeof(mfn),
					  &mfn, sizeof(mfn)))
				op.status = GNTST_bad_virt_addr;
		}
	}
	if (xsim_copy_out(ua, uop + offsetof(gnttab_setup_table_t, status),
			  &op.status, sizeof(op.status)))
		return -EFAULT;
	return 0;
}

static long query_size(const struct xsim_caller *c,
		       const struct xsim_uaccess *ua, uint64_t uop,
		       uint32_t count)
{
	gnttab_query_size_t op;
	const struct xsim_domain *d;

	if (count != 1)
		return -EINVAL;
	if (xsim_copy_in(ua, &op, uop, sizeof(op)))
		return -EFAULT;
	d = xsim_hc_any_domain(c, op.dom);
	if (!d) {
		op.status = GNTST_bad_domain;
	} else if (!xsim_hc_target(c, d)) {
		op.status = GNTST_permission_denied;
	} else {
		uint32_t nr = 0, max = 0;

		op.status = xsim_gnttab_query_size(c, d->domid, &nr, &max) ?
			    GNTST_general_error : GNTST_okay;
		op.nr_frames = nr;
		op.max_nr_frames = max;
	}
	return xsim_copy_out(ua, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long set_version(const struct xsim_uaccess *ua, uint64_t uop)
{
	gnttab_set_version_t op;
	long rc;

	if (xsim_copy_in(ua, &op, uop, sizeof(op)))
		return -EFAULT;
	if (op.version == 1)
		rc = 0;
	else if (op.version == 2)
		rc = -ENOSYS;	/* max_version 1: "as before set_version" */
	else
		rc = -EINVAL;
	op.version = 1;
	return xsim_copy_out(ua, uop, &op, sizeof(op)) ? -EFAULT : rc;
}

static long get_version(const struct xsim_caller *c,
			const struct xsim_uaccess *ua, uint64_t uop)
{
	gnttab_get_version_t op;
	const struct xsim_domain *d;

	if (xsim_copy_in(ua, &op, uop, sizeof(op)))
		return -EFAULT;
	d = xsim_hc_any_domain(c, op.dom);
	if (!d)
		return -ESRCH;
	if (!xsim_hc_target(c, d))
		return -EPERM;
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_READ,
			XSIM_OP_GNTTAB, GNTTABOP_get_version, 0);
	op.version = 1;
	if (xsim_copy_out(ua, uop + offsetof(gnttab_get_version_t, version),
			  &op.version, sizeof(op.version)))
		return -EFAULT;
	return 0;
}

/* gnttab_copy_lock_domain(): frames may only be named for DOMID_SELF. */
static int16_t copy_side_check(const struct xsim_caller *c,
			       const struct gnttab_copy_ptr *p, bool is_gref)
{
	if (!is_gref && p->domid != XSIM_DOMID_SELF)
		return GNTST_permission_denied;
	if (!xsim_hc_any_domain(c, p->domid))
		return GNTST_bad_domain;
	return GNTST_okay;
}

/* Move len bytes between buf and one side of a copy: a grant or our frame. */
static int16_t copy_side(const struct xsim_caller *c,
			 const struct gnttab_copy_ptr *p, bool is_gref,
			 void *buf, uint16_t len, bool write)
{
	uint32_t dom = p->domid == XSIM_DOMID_SELF ? c->domid : p->domid;

	if (is_gref)
		return (int16_t)xsim_gnttab_copy(c, dom, p->u.ref, p->offset,
						 buf, len, write);
	/*
	 * get_paged_frame() of our own frame (an mfn if we are PV); a hole
	 * or a frame not ours is GNTST_bad_page.
	 */
	if (xsim_mem_frame_access(c, XSIM_DOMID_SELF, p->u.gmfn, p->offset,
				  buf, len, write))
		return GNTST_bad_page;
	return GNTST_okay;
}

static int16_t copy_one(const struct xsim_caller *c, const gnttab_copy_t *op)
{
	bool src_gref = op->flags & GNTCOPY_source_gref;
	bool dst_gref = op->flags & GNTCOPY_dest_gref;
	uint8_t buf[XSIM_PAGE_SIZE];
	int16_t st;

	st = copy_side_check(c, &op->source, src_gref);
	if (st == GNTST_okay)
		st = copy_side_check(c, &op->dest, dst_gref);
	if (st != GNTST_okay)
		return st;
	if (op->source.offset + op->len > XSIM_PAGE_SIZE ||
	    op->dest.offset + op->len > XSIM_PAGE_SIZE)
		return GNTST_bad_copy_arg;
	st = copy_side(c, &op->source, src_gref, buf, op->len, false);
	if (st == GNTST_okay)
		st = copy_side(c, &op->dest, dst_gref, buf, op->len, true);
	return st;
}

static long copy(const struct xsim_caller *c, const struct xsim_uaccess *ua,
		 uint64_t uop, uint32_t count)
{
	gnttab_copy_t op;
	uint32_t i;

	if (!xsim_hc_array_okay(uop, count, sizeof(op)))
		return -EFAULT;
	for (i = 0; i < count; i++) {
		uint64_t at = uop + (uint64_t)i * sizeof(op);

		if (xsim_copy_in(ua, &op, at, sizeof(op)))
			return -EFAULT;
		op.status = copy_one(c, &op);
		if (xsim_copy_out(ua, at + offsetof(gnttab_copy_t, status),
				  &op.status, sizeof(op.status)))
			return -EFAULT;
	}
	return 0;
}

long xsim_hc_grant_table_op(const struct xsim_caller *c,
			    const struct xsim_uaccess *ua, uint64_t cmd,
			    uint64_t uop, uint64_t count)
{
	/* Xen's prototype: (unsigned int cmd, handle, unsigned int count). */
	uint32_t op = (uint32_t)cmd & GNTTABOP_CMD_MASK;
	uint32_t nr = (uint32_t)count;

	if ((int32_t)nr < 0)
		return -EINVAL;
	/* Continuation bits are only meaningful for cache_flush. */
	if (op != GNTTABOP_cache_flush && ((uint32_t)cmd & ~GNTTABOP_CMD_MASK))
		return -EINVAL;
	switch (op) {
	case GNTTABOP_map_grant_ref:
		return map_grant_ref(c, ua, uop, nr);
	case GNTTABOP_unmap_grant_ref:
		return unmap_grant_ref(c, ua, uop, nr);
	case GNTTABOP_setup_table:
		return setup_table(c, ua, uop, nr);
	case GNTTABOP_copy:
		return copy(c, ua, uop, nr);
	case GNTTABOP_query_size:
		return query_size(c, ua, uop, nr);
	case GNTTABOP_set_version:
		return set_version(ua, uop);
	case GNTTABOP_get_version:
		return get_version(c, ua, uop);
	default:
		/*
		 * transfer, dump_table, unmap_and_replace, get_status_frames
		 * (v2), swap_grant_ref and cache_flush are not modelled;
		 * -ENOSYS is Xen's answer to a command it lacks.
		 */
		return -ENOSYS;
	}
}
