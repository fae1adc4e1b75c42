/* SPDX-License-Identifier: MIT */
/*
 * privcmd MMAP_RESOURCE before and after restrict, on a guest's grant
 * table (a resource every guest has): the size query (addr = num = 0),
 * a real one-frame mapping, and the order of the domain check and the
 * addr/num check.  Rows: privcmd.mmap-resource.*
 * (conformance/suite/rows/privcmd.rows).
 */
#include "bodies.h"

#include "privcmd_util.h"

void privcmd_mmap_resource_size_target_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, pc_resource_size(fd, xrc_domains(t)->a, NULL));
}

void privcmd_mmap_resource_size_absent_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, pc_resource_size(fd, xrc_domains(t)->absent, NULL));
}

void privcmd_mmap_resource_half_set(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, pc_resource_half_set(fd, xrc_domains(t)->a));
}

void privcmd_mmap_resource_null_arg(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, NULL));
}

void privcmd_mmap_resource_size_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_resource_size(fd, d->a, NULL));
}

void privcmd_mmap_resource_map_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_resource_map(fd, d->a, region, 1));
}

void privcmd_mmap_resource_size_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_resource_size(fd, d->b, NULL));
}

void privcmd_mmap_resource_size_absent_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_resource_size(fd, d->absent, NULL));
}

void privcmd_mmap_resource_half_set_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_resource_half_set(fd, d->b));
}

void privcmd_mmap_resource_null_arg_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, NULL));
}
