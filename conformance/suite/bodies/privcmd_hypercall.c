/* SPDX-License-Identifier: MIT */
/*
 * privcmd raw HYPERCALL before and after restrict: what a restricted
 * handle still lets through (proposal: its whitelist; Linux: nothing) and
 * whether the refusal comes before the argument is copied.  Rows:
 * privcmd.hypercall.* (conformance/suite/rows/privcmd.rows).
 */
#include "bodies.h"

#include "privcmd_util.h"

void privcmd_hypercall_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, pc_max_gpfn(fd, xrc_domains(t)->a));
}

void privcmd_hypercall_null_arg(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, NULL));
}

void privcmd_hypercall_domctl_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_domctl_getdomaininfo(fd, d->a));
}

void privcmd_hypercall_unknown_op_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, pc_hypercall(fd, PC_HC_UNASSIGNED, 0, 0, 0));
}

void privcmd_hypercall_memory_op_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_max_gpfn(fd, d->a));
}

void privcmd_hypercall_xen_version_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, pc_xen_version(fd));
}

void privcmd_hypercall_dm_op_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd;

	pc_need_hvm_target(t);
	fd = pc_open_restricted(t, d->a);
	XRC_OBSERVE(t, pc_raw_dm_op_nr_vcpus(fd, d->a));
}

void privcmd_hypercall_dm_op_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_raw_dm_op_nr_vcpus(fd, d->b));
}

void privcmd_hypercall_null_arg_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, NULL));
}

void privcmd_hypercall_unmapped_arg_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);
	void *bad = pc_unmapped_page(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, bad));
}
