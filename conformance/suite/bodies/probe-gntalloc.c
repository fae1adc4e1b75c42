/* SPDX-License-Identifier: MIT */
/*
 * The whitelist probe, gntalloc (rows/probe.rows): one representative
 * call per ioctl on a handle restricted to the target.  Only the proposal
 * has a gntalloc restrict (xengntshr_restrict; <xensim/uapi.h>'s
 * IOCTL_GNTALLOC_RESTRICT_DOMID): elsewhere every body skips.  Pages the
 * calls work on are shared before the handle is restricted.
 */
#include "bodies.h"

#include "probe-util.h"

/* One writable page shared with the target: its mmap offset (index). */
static uint64_t shared_page(struct xrc_ctx *t, int fd)
{
	struct ioctl_gntalloc_alloc_gref a = {
		.domid = probe_target(t),
		.flags = GNTALLOC_FLAG_WRITABLE,
		.count = 1,
	};

	XRC_SETUP(t, ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &a));
	return a.index;
}

void probe_gntalloc_alloc_gref(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_GNTALLOC);
	struct ioctl_gntalloc_alloc_gref a = {
		.domid = probe_target(t),
		.flags = GNTALLOC_FLAG_WRITABLE,
		.count = 1,
	};

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &a));
}

void probe_gntalloc_dealloc_gref(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);
	struct ioctl_gntalloc_dealloc_gref d = { .count = 1 };

	xrc_require_restrict(t, XRC_GNTALLOC);
	d.index = shared_page(t, fd);
	probe_restrict(t, fd, XRC_GNTALLOC);
	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d));
}

/* Clear the shared page's first byte when the last mapping goes. */
void probe_gntalloc_set_unmap_notify(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);
	struct ioctl_gntalloc_unmap_notify n = {
		.action = UNMAP_NOTIFY_CLEAR_BYTE,
	};

	xrc_require_restrict(t, XRC_GNTALLOC);
	n.index = shared_page(t, fd);
	probe_restrict(t, fd, XRC_GNTALLOC);
	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n));
}

void probe_gntalloc_restrict_same_domid(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_GNTALLOC);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_GNTALLOC, probe_target(t)));
}
