/* SPDX-License-Identifier: MIT */
/*
 * gntdev ioctls with structured arguments (include/uapi/xen/gntdev.h): a
 * grant list after the MAP_GRANT_REF header, grant-copy segments each
 * with a local buffer or a foreign (domid, ref) on either side.
 */
#include <xensim/uapi.h>

#include "fuzz.h"

/* Xen public grant_table.h GNTCOPY_* (not in the Linux uapi). */
#define GNTCOPY_source_gref	(1u << 0)
#define GNTCOPY_dest_gref	(1u << 1)

/* A grant ref: mostly one the world grants (8..11), else raw. */
static uint32_t gref(struct fz_build *b)
{
	uint8_t v = fz_u8(b->in);

	return v < 0xF0 ? 8u + v % 5u : fz_u32(b->in);
}

/* An offset handed out by MAP_GRANT_REF / ALLOC_GREF, or a guess. */
uint64_t fz_index_pick(struct fz_build *b)
{
	uint8_t sel = fz_u8(b->in);

	if (b->nindices && sel < 0xC0)
		return b->indices[sel % b->nindices];
	if (sel == 0xFF)
		return fz_u64(b->in);
	return (uint64_t)(sel % 4) << 12;
}

static void map_grant_ref(struct fz_build *b, struct fz_call *c)
{
	uint32_t count = fz_count(b->in, 4), n = count > 4 ? 4 : count, i;
	size_t size = offsetof(struct ioctl_gntdev_map_grant_ref, refs) +
		      (size_t)n * sizeof(struct ioctl_gntdev_grant_ref);
	uint64_t at = fz_alloc(b->a, size);
	struct ioctl_gntdev_map_grant_ref *k = fz_host(b->a, at, size);

	c->cmd = IOCTL_GNTDEV_MAP_GRANT_REF;
	c->name = "MAP_GRANT_REF";
	if (!k)
		return;
	k->count = count;
	for (i = 0; i < n; i++) {
		/* Mostly one granting domain for the whole list. */
		k->refs[i].domid = i && fz_u8(b->in) < 0xC0 ?
				   k->refs[0].domid : fz_domid(b->in);
		k->refs[i].ref = gref(b);
	}
	if (n)
		c->target = k->refs[0].domid;
	c->arg = fz_ptr(b->in, at);
}

/* One side of a copy segment: local buffer or foreign grant. */
static void copy_side(struct fz_build *b, struct gntdev_grant_copy_segment *s,
		      bool dest, bool foreign, uint16_t len)
{
	if (foreign) {
		uint32_t dom = fz_domid(b->in);

		if (dest) {
			s->dest.foreign.ref = gref(b);
			s->dest.foreign.offset = fz_u8(b->in) < 0xE0 ? 0 :
						 fz_u16(b->in);
			s->dest.foreign.domid = (domid_t)dom;
		} else {
			s->source.foreign.ref = gref(b);
			s->source.foreign.offset = fz_u8(b->in) < 0xE0 ? 0 :
						   fz_u16(b->in);
			s->source.foreign.domid = (domid_t)dom;
		}
	} else {
		void *p = (void *)(uintptr_t)fz_ptr(b->in, fz_alloc(b->a, len));

		if (dest)
			s->dest.virt = p;
		else
			s->source.virt = p;
	}
}

static void grant_copy(struct fz_build *b, struct fz_call *c)
{
	uint32_t count = fz_count(b->in, 3), n = count > 3 ? 3 : count, i;
	uint64_t at = fz_alloc(b->a, sizeof(struct ioctl_gntdev_grant_copy));
	uint64_t segs = fz_alloc(b->a, (size_t)n *
				 sizeof(struct gntdev_grant_copy_segment));
	struct ioctl_gntdev_grant_copy *k = fz_host(b->a, at, sizeof(*k));
	struct gntdev_grant_copy_segment *s =
		fz_host(b->a, segs, (size_t)n * sizeof(*s));

	c->cmd = IOCTL_GNTDEV_GRANT_COPY;
	c->name = "GRANT_COPY";
	if (!k || !s)
		return;
	for (i = 0; i < n; i++) {
		uint8_t flags = fz_u8(b->in);
		uint16_t len = fz_u8(b->in) < 0xF0 ? 64 : fz_u16(b->in);

		/* Mostly exactly one foreign side, as QEMU's copies. */
		flags = flags < 0x60 ? GNTCOPY_source_gref :
			flags < 0xC0 ? GNTCOPY_dest_gref : flags % 4;
		s[i].flags = flags;
		s[i].len = len;
		copy_side(b, &s[i], false, flags & GNTCOPY_source_gref, len);
		copy_side(b, &s[i], true, flags & GNTCOPY_dest_gref, len);
		if (i == 0)
			c->target = (flags & GNTCOPY_source_gref) ?
				    s[0].source.foreign.domid :
				    (flags & GNTCOPY_dest_gref) ?
				    s[0].dest.foreign.domid : XSIM_NO_TARGET;
	}
	k->count = count;
	k->segments = (struct gntdev_grant_copy_segment *)(uintptr_t)
		      fz_ptr(b->in, segs);
	c->arg = fz_ptr(b->in, at);
}

void fz_build_gntdev(struct fz_build *b, struct fz_call *c)
{
	uint64_t at;

	c->target = XSIM_NO_TARGET;
	switch (fz_u8(b->in) % 9) {
	case 0:
		map_grant_ref(b, c);
		break;
	case 1: {
		struct ioctl_gntdev_unmap_grant_ref *k;

		at = fz_alloc(b->a, sizeof(*k));
		k = fz_host(b->a, at, sizeof(*k));
		c->cmd = IOCTL_GNTDEV_UNMAP_GRANT_REF;
		c->name = "UNMAP_GRANT_REF";
		if (k) {
			k->index = fz_index_pick(b);
			k->count = fz_count(b->in, 4);
		}
		c->arg = fz_ptr(b->in, at);
		break;
	}
	case 2: {
		struct ioctl_gntdev_get_offset_for_vaddr *k;
		uint32_t pages;

		at = fz_alloc(b->a, sizeof(*k));
		k = fz_host(b->a, at, sizeof(*k));
		c->cmd = IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR;
		c->name = "GET_OFFSET_FOR_VADDR";
		if (k)
			k->vaddr = fz_vma_pick(b, &pages) +
				   ((uint64_t)(fz_u8(b->in) % 2) << 12);
		c->arg = fz_ptr(b->in, at);
		break;
	}
	case 3: {
		struct ioctl_gntdev_set_max_grants *k;

		at = fz_alloc(b->a, sizeof(*k));
		k = fz_host(b->a, at, sizeof(*k));
		c->cmd = IOCTL_GNTDEV_SET_MAX_GRANTS;
		c->name = "SET_MAX_GRANTS";
		if (k)
			k->count = fz_count(b->in, 8);
		c->arg = fz_ptr(b->in, at);
		break;
	}
	case 4:
		fz_build_unmap_notify(b, c, IOCTL_GNTDEV_SET_UNMAP_NOTIFY);
		break;
	case 5:
		grant_copy(b, c);
		break;
	case 6:
		fz_build_restrict(XSIM_DEV_GNTDEV, b, c);
		break;
	case 7: {
		static const unsigned long dmabuf[] = {
			IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS,
			IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED,
			IOCTL_GNTDEV_DMABUF_IMP_TO_REFS,
			IOCTL_GNTDEV_DMABUF_IMP_RELEASE,
		};

		c->cmd = dmabuf[fz_u8(b->in) % 4];
		c->name = "DMABUF";
		c->arg = fz_ptr(b->in, fz_alloc(b->a, 64));
		break;
	}
	default:
		fz_build_raw(XSIM_DEV_GNTDEV, b, c);
		break;
	}
}
