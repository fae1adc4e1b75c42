/* SPDX-License-Identifier: MIT */
/*
 * The whitelist probe, gntdev (rows/probe.rows): one representative call
 * per ioctl on a handle restricted to the target.  Only the proposal has
 * a gntdev restrict (xengnttab_restrict; <xensim/uapi.h>'s
 * IOCTL_GNTDEV_RESTRICT_DOMID): elsewhere every body skips.  Grants the
 * calls work on are mapped before the handle is restricted.
 */
#include "bodies.h"

#include <sys/mman.h>

#include "probe-util.h"

/* A grant of the target's gfn 0 to dom0. */
static uint32_t target_grant(struct xrc_ctx *t)
{
	return xrc_setup_grant(t, probe_target(t), 0, false);
}

/* Map a target grant, then mmap it: the address (ERROR if it fails). */
static void *mapped_grant(struct xrc_ctx *t, int fd, uint64_t *index)
{
	void *p;

	xrc_require_mmap(t, XRC_GNTDEV);
	*index = probe_gntdev_map(t, fd, probe_target(t), target_grant(t));
	p = mmap(NULL, PROBE_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)*index);
	if (p == MAP_FAILED)
		xrc_error(t, "setup failed: mmap of the mapped grant: %s",
			  xrc_errno_name(errno));
	return p;
}

void probe_gntdev_map_grant_ref(struct xrc_ctx *t)
{
	struct ioctl_gntdev_map_grant_ref m = {
		.count = 1,
		.refs = { { .domid = probe_target(t), .ref = target_grant(t) } },
	};
	int fd = probe_restricted(t, XRC_GNTDEV);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m));
}

void probe_gntdev_unmap_grant_ref(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	struct ioctl_gntdev_unmap_grant_ref u = { .count = 1 };

	xrc_require_restrict(t, XRC_GNTDEV);
	u.index = probe_gntdev_map(t, fd, probe_target(t), target_grant(t));
	probe_restrict(t, fd, XRC_GNTDEV);
	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u));
}

void probe_gntdev_get_offset_for_vaddr(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	struct ioctl_gntdev_get_offset_for_vaddr g = { 0 };
	uint64_t index;

	xrc_require_restrict(t, XRC_GNTDEV);
	g.vaddr = (uintptr_t)mapped_grant(t, fd, &index);
	probe_restrict(t, fd, XRC_GNTDEV);
	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &g));
}

void probe_gntdev_set_max_grants(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_GNTDEV);
	struct ioctl_gntdev_set_max_grants s = { .count = 8 };

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_SET_MAX_GRANTS, &s));
}

/* Clear the first byte of the mapping when it is unmapped. */
void probe_gntdev_set_unmap_notify(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	struct ioctl_gntdev_unmap_notify n = {
		.action = UNMAP_NOTIFY_CLEAR_BYTE,
	};
	uint64_t index;

	xrc_require_restrict(t, XRC_GNTDEV);
	mapped_grant(t, fd, &index);
	n.index = index;
	probe_restrict(t, fd, XRC_GNTDEV);
	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n));
}

/* 16 bytes out of the target's grant into local memory. */
void probe_gntdev_grant_copy(struct xrc_ctx *t)
{
	uint8_t buf[16];
	struct gntdev_grant_copy_segment seg = {
		.source.foreign = { .ref = target_grant(t),
				    .domid = probe_target(t) },
		.dest.virt = buf,
		.len = sizeof(buf),
		.flags = PROBE_GNTCOPY_SOURCE_GREF,
	};
	struct ioctl_gntdev_grant_copy c = { .count = 1, .segments = &seg };
	int fd = probe_restricted(t, XRC_GNTDEV);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &c));
}

void probe_gntdev_dmabuf_exp_from_refs(struct xrc_ctx *t)
{
	struct ioctl_gntdev_dmabuf_exp_from_refs e = {
		.count = 1,
		.domid = probe_target(t),
		.refs = { target_grant(t) },
	};
	int fd = probe_restricted(t, XRC_GNTDEV);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS, &e));
}

/* No dma-buf was exported: the call names none that exists. */
void probe_gntdev_dmabuf_exp_wait_released(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_GNTDEV);
	struct ioctl_gntdev_dmabuf_exp_wait_released w = {
		.fd = (uint32_t)-1,
	};

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED, &w));
}

void probe_gntdev_dmabuf_imp_to_refs(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_GNTDEV);
	struct ioctl_gntdev_dmabuf_imp_to_refs i = {
		.fd = (uint32_t)-1,
		.count = 1,
		.domid = probe_target(t),
	};

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_DMABUF_IMP_TO_REFS, &i));
}

void probe_gntdev_dmabuf_imp_release(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_GNTDEV);
	struct ioctl_gntdev_dmabuf_imp_release r = { .fd = (uint32_t)-1 };

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_DMABUF_IMP_RELEASE, &r));
}

void probe_gntdev_restrict_same_domid(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_GNTDEV);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_GNTDEV, probe_target(t)));
}
