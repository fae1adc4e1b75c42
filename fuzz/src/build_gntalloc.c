/* SPDX-License-Identifier: MIT */
/* gntalloc ioctls with structured arguments (include/uapi/xen/gntalloc.h). */
#include <xensim/uapi.h>

#include "fuzz.h"

void fz_build_gntalloc(struct fz_build *b, struct fz_call *c)
{
	uint64_t at;

	c->target = XSIM_NO_TARGET;
	switch (fz_u8(b->in) % 4) {
	case 0: {
		struct ioctl_gntalloc_alloc_gref *k;
		uint32_t count = fz_count(b->in, 3), n = count > 3 ? 3 : count;
		size_t size = offsetof(struct ioctl_gntalloc_alloc_gref,
				       gref_ids) + (size_t)n * sizeof(uint32_t);

		at = fz_alloc(b->a, size < sizeof(*k) ? sizeof(*k) : size);
		k = fz_host(b->a, at, sizeof(*k));
		c->cmd = IOCTL_GNTALLOC_ALLOC_GREF;
		c->name = "ALLOC_GREF";
		if (k) {
			k->domid = (uint16_t)fz_domid(b->in);
			k->flags = fz_u8(b->in) % 3;
			k->count = count;
			c->target = k->domid;
		}
		c->arg = fz_ptr(b->in, at);
		break;
	}
	case 1: {
		struct ioctl_gntalloc_dealloc_gref *k;

		at = fz_alloc(b->a, sizeof(*k));
		k = fz_host(b->a, at, sizeof(*k));
		c->cmd = IOCTL_GNTALLOC_DEALLOC_GREF;
		c->name = "DEALLOC_GREF";
		if (k) {
			k->index = fz_index_pick(b);
			k->count = fz_count(b->in, 3);
		}
		c->arg = fz_ptr(b->in, at);
		break;
	}
	case 2:
		fz_build_unmap_notify(b, c, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY);
		break;
	default:
		fz_build_restrict(XSIM_DEV_GNTALLOC, b, c);
		break;
	}
}
