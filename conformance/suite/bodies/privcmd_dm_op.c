/* SPDX-License-Identifier: MIT */
/*
 * privcmd DM_OP before and after restrict, aimed at the target, another
 * guest and a domid with no domain, and the order of its checks (copy,
 * domain, then the buffer count).  The judged dm_op is XEN_DMOP_nr_vcpus,
 * which changes nothing in the guest.  Rows: privcmd.dm-op.*
 * (conformance/suite/rows/privcmd.rows).
 */
#include "bodies.h"

#include "privcmd_util.h"

void privcmd_dm_op_target_unrestricted(struct xrc_ctx *t)
{
	int fd;

	pc_need_hvm_target(t);
	fd = pc_open(t);
	XRC_OBSERVE(t, pc_dm_op_nr_vcpus(fd, xrc_domains(t)->a));
}

void privcmd_dm_op_absent_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, pc_dm_op_nr_vcpus(fd, xrc_domains(t)->absent));
}

void privcmd_dm_op_pv_unrestricted(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd;

	if (d->pv == XRC_NO_DOMAIN)
		xrc_skip(t, "no PV guest");
	fd = pc_open(t);
	XRC_OBSERVE(t, pc_dm_op_nr_vcpus(fd, d->pv));
}

void privcmd_dm_op_num0_other_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, pc_dm_op_num0(fd, xrc_domains(t)->b));
}

void privcmd_dm_op_null_arg(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_DM_OP, NULL));
}

void privcmd_dm_op_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd;

	pc_need_hvm_target(t);
	fd = pc_open_restricted(t, d->a);
	XRC_OBSERVE(t, pc_dm_op_nr_vcpus(fd, d->a));
}

void privcmd_dm_op_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_dm_op_nr_vcpus(fd, d->b));
}

void privcmd_dm_op_absent_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_dm_op_nr_vcpus(fd, d->absent));
}

void privcmd_dm_op_num0_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_dm_op_num0(fd, d->a));
}

void privcmd_dm_op_num0_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_dm_op_num0(fd, d->b));
}

void privcmd_dm_op_null_arg_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_DM_OP, NULL));
}

void privcmd_dm_op_three_bufs_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_dm_op_bufs(fd, d->b, 3));
}

void privcmd_dm_op_too_many_bufs_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_dm_op_bufs(fd, d->b, PC_DM_OP_MAX_BUFS + 1));
}

void privcmd_dm_op_too_many_bufs_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_dm_op_bufs(fd, d->a, PC_DM_OP_MAX_BUFS + 1));
}
