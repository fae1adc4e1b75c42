/* SPDX-License-Identifier: MIT */
/*
 * XENMEM_acquire_resource (Xen 4.17 xen/common/memory.c, acquire_resource
 * and resource_max_frames): the frames of an ioreq server or of a grant
 * table, handed out as machine frames (xensim/machine.h, XSIM_MFN_BASE).
 *
 * Differences from Xen, on purpose: an unknown resource type answers
 * -EOPNOTSUPP to a size query too (Xen 4.17 returns the errno cast to an
 * unsigned frame count there); the frame list is always filled with frame
 * numbers, as for a PV caller (an HVM caller's gfn list is not consumed).
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/memory.h>

#include "hypercall.h"

/* grant_to_status_frames(): v2 status frames behind g shared frames. */
static uint32_t status_frames(uint32_t g)
{
	return (g * 256u + 2047u) / 2048u;
}

/* resource_max_frames(): 0 for "no such resource" (then -EINVAL). */
static int max_frames(const struct xsim_domain *d, uint32_t type, uint32_t id,
		      uint32_t *max)
{
	switch (type) {
	case XENMEM_resource_ioreq_server:
		*max = xsim_ioreq_max_frames(d);
		return 0;
	case XENMEM_resource_grant_table:
		if (id == XENMEM_resource_grant_table_id_shared)
			*max = d->gnttab_max_frames;
		else if (id == XENMEM_resource_grant_table_id_status)
			*max = status_frames(d->gnttab_max_frames);
		else
			*max = 0;
		return 0;
	case XENMEM_resource_vmtrace_buf:
		*max = 0;	/* no domain of the sim has a trace buffer */
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* gnttab_acquire_resource(): grows the table to cover the last frame. */
static int grant_frames(const struct xsim_caller *c, struct xsim_domain *d,
			uint32_t id, uint32_t idx, uint32_t nr,
			uint32_t *pages)
{
	uint32_t last = idx + nr - 1, i;

	/* Status frames exist for v2 tables only; the sim's are v1. */
	if (id != XENMEM_resource_grant_table_id_shared)
		return -EINVAL;
	if (last >= d->gnttab_nr_frames) {
		if (last + 1 <= d->gnttab_max_frames)
			xsim_gnttab_setup(c, d->domid, last + 1);
		if (last >= d->gnttab_nr_frames)
			return -EINVAL;
	}
	for (i = 0; i < nr; i++)
		if (xsim_gnttab_frame(c, d->domid, idx + i, &pages[i]))
			return -EINVAL;
	return 0;
}

int xsim_acquire_resource(const struct xsim_caller *c, uint32_t domid,
			  uint32_t type, uint32_t id, uint32_t idx,
			  uint32_t nr, uint32_t *pages, uint64_t *total)
{
	struct xsim_domain *d;
	uint32_t max, i;
	int rc;

	rc = xsim_hc_remote_domain(c, domid, &d);
	if (rc)
		return rc;
	/* xsm_domain_resource_map(XSM_DM_PRIV). */
	if (!xsim_hc_dm_priv(c, d))
		return -EPERM;
	rc = max_frames(d, type, id, &max);
	if (rc)
		return rc;
	if (!max)
		return -EINVAL;
	if (!nr) {
		if (total)
			*total = max;
		xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_READ,
				XSIM_OP_RESOURCE, type, id);
		return 0;
	}
	/* Xen: frame + nr_frames must fit 32 bits, nr a continuation. */
	if ((uint64_t)idx + nr > UINT32_MAX ||
	    nr > (UINT_MAX >> XSIM_MEMOP_EXTENT_SHIFT))
		return -EINVAL;
	if (type == XENMEM_resource_ioreq_server) {
		/* A server id is an ioservid_t. */
		if (id != (uint16_t)id)
			return -EINVAL;
		for (i = 0; i < nr; i++) {
			rc = xsim_ioreq_get_frame(c, d, id, idx + i, &pages[i]);
			if (rc)
				return rc;
		}
	} else {
		rc = grant_frames(c, d, id, idx, nr, pages);
		if (rc)
			return rc;
	}
	for (i = 0; i < nr; i++)
		xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_MAP,
				XSIM_OP_RESOURCE, type,
				(uint64_t)id << 32 | (idx + i));
	return 0;
}

/* Xen works in batches of this many frames (a stack array there). */
#define BATCH	32u

long xsim_hc_acquire_resource(const struct xsim_caller *c,
			      const struct xsim_uaccess *ua, uint64_t arg,
			      uint64_t start)
{
	xen_mem_acquire_resource_t x;
	uint64_t list, total = 0;
	int rc;

	if (xsim_copy_in(ua, &x, arg, sizeof(x)))
		return -EFAULT;
	if (x.pad)
		return -EINVAL;
	/* frame is 64-bit but the resource size is 32-bit. */
	if ((x.frame >> 32) || ((x.frame + x.nr_frames) >> 32))
		return -EINVAL;
	/* Domain, permission and "does it exist" first, as Xen. */
	rc = xsim_acquire_resource(c, x.domid, x.type, x.id, 0, 0, NULL,
				   &total);
	if (rc)
		return rc;
	list = XSIM_HANDLE_ADDR(x.frame_list);
	if (!list) {
		uint32_t nr = (uint32_t)total;

		if (x.nr_frames || start)
			return -EINVAL;
		if (xsim_copy_out(ua, arg + offsetof(xen_mem_acquire_resource_t,
						     nr_frames),
				  &nr, sizeof(nr)))
			return -EFAULT;
		return 0;
	}
	if (start >= x.nr_frames ||
	    x.nr_frames > (UINT_MAX >> XSIM_MEMOP_EXTENT_SHIFT))
		return -EINVAL;
	x.nr_frames -= (uint32_t)start;
	x.frame += start;
	list += start * sizeof(xen_pfn_t);
	while (x.nr_frames) {
		uint32_t pages[BATCH], todo, i;
		xen_pfn_t mfns[BATCH];

		todo = x.nr_frames < BATCH ? x.nr_frames : BATCH;
		rc = xsim_acquire_resource(c, x.domid, x.type, x.id,
					   (uint32_t)x.frame, todo, pages,
					   NULL);
		if (rc)
			return rc;
		for (i = 0; i < todo; i++)
			mfns[i] = xsim_page_mfn(pages[i]);
		if (xsim_copy_out(ua, list, mfns, todo * sizeof(mfns[0])))
			return -EFAULT;
		x.nr_frames -= todo;
		x.frame += todo;
		list += todo * sizeof(xen_pfn_t);
	}
	return 0;
}
