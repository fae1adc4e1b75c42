/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_memory_op (Xen 4.17 xen/common/memory.c, do_memory_op, and
 * xen/arch/x86/mm/p2m.c for add_to_physmap) over the sim's p2m.
 *
 * The reservation ops answer as Xen does: the number of extents done, so
 * every failure (bad struct, missing domain, permission, allocation) shows
 * as a short count, never as a negative errno.  Frame numbers the sim
 * hands back for a PV domain are machine frames (xensim/machine.h,
 * XSIM_MFN_BASE), as Xen's populate_physmap() writes mfn back for a
 * domain without paging_mode_translate; an extent of order > 0 reports
 * the mfn of its first page, and the sim's pages of one extent need not
 * be machine-contiguous (no PV guest runs on the sim to rely on it).
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/memory.h>

#include "hypercall.h"

/* xen/common/Kconfig: CONFIG_{CTLDOM,DOMU}_MAX_ORDER. */
#define CTLDOM_MAX_ORDER	12u
#define DOMU_MAX_ORDER		9u

/* max_order(current->domain): the control domain may ask for more. */
static unsigned max_order(const struct xsim_caller *c)
{
	return xsim_hc_privileged(c) ? CTLDOM_MAX_ORDER : DOMU_MAX_ORDER;
}

int xsim_hc_move_gfn(const struct xsim_caller *c, struct xsim_domain *d,
		     uint64_t src, uint64_t dst)
{
	struct xsim_world *w = c->w;
	uint8_t content[XSIM_PAGE_SIZE];
	uint32_t page = xsim_p2m_get(w, d, src);
	int rc;

	if (page == XSIM_NO_PAGE)
		return -EINVAL;
	if (src == dst)
		return 0;
	/*
	 * The sim moves the contents rather than the frame: a new page at
	 * dst, the old one freed.  What the guest sees at dst is the same.
	 */
	memcpy(content, xsim_page_va(w, page), sizeof(content));
	if (xsim_p2m_get(w, d, dst) != XSIM_NO_PAGE) {
		rc = xsim_mem_decrease(c, d->domid, dst, 1);
		if (rc)
			return rc;
	}
	rc = xsim_mem_decrease(c, d->domid, src, 1);
	if (!rc)
		rc = xsim_mem_populate(c, d->domid, dst, 1);
	if (rc)
		return rc;
	memcpy(xsim_page_va(w, xsim_p2m_get(w, d, dst)), content,
	       sizeof(content));
	return 0;
}

/* First gfn of a free, aligned run above everything populated. */
static uint64_t fresh_gfn(const struct xsim_domain *d, unsigned order)
{
	uint64_t base = d->tot_pages ? d->max_gfn + 1 : 0;
	uint64_t align = 1ull << order;

	return (base + align - 1) & ~(align - 1);
}

static bool one_extent(const struct xsim_caller *c,
		       const struct xsim_uaccess *ua, int op,
		       struct xsim_domain *d,
		       const struct xen_memory_reservation *r, uint64_t list,
		       uint64_t i)
{
	uint64_t nr = 1ull << r->extent_order;
	uint64_t at = list + i * sizeof(xen_pfn_t);
	bool report = !(d->flags & XSIM_DOM_HVM);	/* PV: tell the mfn */
	xen_pfn_t gfn, mfn;

	switch (op) {
	case XENMEM_increase_reservation:
		gfn = fresh_gfn(d, r->extent_order);
		if (xsim_mem_populate(c, d->domid, gfn, nr))
			return false;
		mfn = xsim_page_mfn(xsim_p2m_get(c->w, d, gfn));
		return !(report && list &&
			 xsim_copy_out(ua, at, &mfn, sizeof(mfn)));
	case XENMEM_decrease_reservation:
		if (xsim_copy_in(ua, &gfn, at, sizeof(gfn)))
			return false;
		return !xsim_mem_decrease(c, d->domid, gfn, nr);
	default:	/* XENMEM_populate_physmap */
		if (xsim_copy_in(ua, &gfn, at, sizeof(gfn)))
			return false;
		/* PoD is not modelled: it populates; but never on oneself. */
		if ((r->mem_flags & XENMEMF_populate_on_demand) &&
		    d->domid == c->domid)
			return false;
		if (xsim_mem_populate(c, d->domid, gfn, nr))
			return false;
		mfn = xsim_page_mfn(xsim_p2m_get(c->w, d, gfn));
		return !(report && xsim_copy_out(ua, at, &mfn, sizeof(mfn)));
	}
}

static long reservation(const struct xsim_caller *c,
			const struct xsim_uaccess *ua, int op,
			uint64_t start, uint64_t arg)
{
	struct xen_memory_reservation r;
	struct xsim_domain *d;
	unsigned bits;
	uint64_t list, i;

	if (xsim_copy_in(ua, &r, arg, sizeof(r)))
		return (long)start;
	/* Too large to encode a continuation. */
	if (r.nr_extents > (UINT_MAX >> XSIM_MEMOP_EXTENT_SHIFT))
		return (long)start;
	if (start >= r.nr_extents)
		return (long)start;
	d = xsim_hc_any_domain(c, r.domid);
	if (!d)
		return (long)start;
	/* construct_memop_from_reservation(): an address width below a page. */
	bits = XENMEMF_get_address_bits(r.mem_flags);
	if (bits && bits <= XSIM_PAGE_SHIFT)
		return (long)start;
	if (!xsim_hc_target(c, d))
		return (long)start;
	list = XSIM_HANDLE_ADDR(r.extent_start);
	/* guest_handle_subrange_okay(); increase accepts a NULL list. */
	if ((list || op != XENMEM_increase_reservation) &&
	    !xsim_hc_array_okay(list, r.nr_extents, sizeof(xen_pfn_t)))
		return (long)start;
	if (r.extent_order > max_order(c))
		return (long)start;
	for (i = start; i < r.nr_extents; i++)
		if (!one_extent(c, ua, op, d, &r, list, i))
			break;
	return (long)i;
}

/* current/maximum reservation, maximum_gpfn: a domid_t in caller memory. */
static long domain_stat(const struct xsim_caller *c,
			const struct xsim_uaccess *ua, int op, uint64_t start,
			uint64_t arg)
{
	domid_t domid;
	const struct xsim_domain *d;
	uint64_t v;

	if (start)
		return -EINVAL;
	if (xsim_copy_in(ua, &domid, arg, sizeof(domid)))
		return -EFAULT;
	d = xsim_hc_any_domain(c, domid);
	if (!d)
		return -ESRCH;
	if (!xsim_hc_target(c, d))
		return -EPERM;
	if (op == XENMEM_current_reservation)
		v = d->tot_pages;
	else if (op == XENMEM_maximum_reservation)
		v = d->max_pages;
	else
		v = d->max_gfn;
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_READ,
			XSIM_OP_MEMORY, (uint32_t)op, 0);
	/* Xen keeps these in unsigned ints: dom0's "no limit" is UINT_MAX. */
	return v > UINT_MAX ? (long)UINT_MAX : (long)v;
}

/* xatp_permission_check(). */
static int physmap_permission(const struct xsim_caller *c,
			      const struct xsim_domain *d, unsigned space)
{
	if (!(d->flags & XSIM_DOM_HVM))
		return -EACCES;
	if (space == XENMAPSPACE_dev_mmio &&
	    (d->domid != 0 || d->domid != c->domid))
		return -EACCES;
	return xsim_hc_target(c, d) ? 0 : -EPERM;
}

static int physmap_one(const struct xsim_caller *c, struct xsim_domain *d,
		       unsigned space, uint64_t idx, uint64_t gpfn)
{
	switch (space) {
	case XENMAPSPACE_gmfn:
		return xsim_hc_move_gfn(c, d, idx, gpfn);
	case XENMAPSPACE_shared_info:
	case XENMAPSPACE_grant_table:
		/* The sim has no shared-info page and does not put grant
		 * frames in a p2m: not modelled. */
		return -EOPNOTSUPP;
	default:
		/* x86 has no frame for other spaces (dev_mmio included). */
		return -EINVAL;
	}
}

static long add_to_physmap(const struct xsim_caller *c,
			   const struct xsim_uaccess *ua, uint64_t start,
			   uint64_t arg)
{
	struct xen_add_to_physmap x;
	struct xsim_domain *d;
	uint64_t i;
	int rc;

	if (start != (uint16_t)start)
		return -EDOM;
	if (xsim_copy_in(ua, &x, arg, sizeof(x)))
		return -EFAULT;
	/* Foreign mapping is only possible via add_to_physmap_batch. */
	if (x.space == XENMAPSPACE_gmfn_foreign)
		return -ENOSYS;
	d = xsim_hc_any_domain(c, x.domid);
	if (!d)
		return -ESRCH;
	rc = physmap_permission(c, d, x.space);
	if (rc)
		return rc;
	if (x.gpfn == (xen_pfn_t)~0ul)
		return -EINVAL;
	if (x.space != XENMAPSPACE_gmfn_range)
		return physmap_one(c, d, x.space, x.idx, x.gpfn);
	if (x.size < start)
		return -EILSEQ;
	if (x.gpfn + x.size < x.gpfn || x.idx + x.size < x.idx)
		return -EOVERFLOW;
	for (i = start; i < x.size; i++) {
		rc = xsim_hc_move_gfn(c, d, x.idx + i, x.gpfn + i);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static long remove_from_physmap(const struct xsim_caller *c,
				const struct xsim_uaccess *ua, uint64_t start,
				uint64_t arg)
{
	struct xen_remove_from_physmap x;
	struct xsim_domain *d;

	if (start)
		return -EINVAL;
	if (xsim_copy_in(ua, &x, arg, sizeof(x)))
		return -EFAULT;
	d = xsim_hc_any_domain(c, x.domid);
	if (!d)
		return -ESRCH;
	if (!(d->flags & XSIM_DOM_HVM))
		return -EACCES;
	if (!xsim_hc_target(c, d))
		return -EPERM;
	if (xsim_p2m_get(c->w, d, x.gpfn) == XSIM_NO_PAGE)
		return -ENOENT;
	return xsim_mem_decrease(c, d->domid, x.gpfn, 1);
}

long xsim_hc_memory_op(const struct xsim_caller *c,
		       const struct xsim_uaccess *ua, uint64_t cmd,
		       uint64_t arg)
{
	int op = (int)(cmd & XSIM_MEMOP_CMD_MASK);
	uint64_t start = cmd >> XSIM_MEMOP_EXTENT_SHIFT;

	switch (op) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation(c, ua, op, start, arg);
	case XENMEM_maximum_ram_page:
		if (start)
			return -EINVAL;
		return (long)xsim_mfn_limit(c->w);	/* max_page */
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return domain_stat(c, ua, op, start, arg);
	case XENMEM_add_to_physmap:
		return add_to_physmap(c, ua, start, arg);
	case XENMEM_remove_from_physmap:
		return remove_from_physmap(c, ua, start, arg);
	case XENMEM_acquire_resource:
		return xsim_hc_acquire_resource(c, ua, arg, start);
	default:
		/*
		 * exchange, add_to_physmap_batch (foreign maps go through
		 * privcmd MMAPBATCH in the sim), claim_pages, the PoD, paging,
		 * sharing and access ops and the arch ops are not modelled;
		 * -ENOSYS is Xen's answer to an op it does not have.
		 */
		return -ENOSYS;
	}
}
