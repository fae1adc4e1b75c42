/* SPDX-License-Identifier: MIT */
/*
 * privcmd RESTRICT itself: which domids it takes on a fresh handle, what
 * a second RESTRICT does, and that nothing undoes a restriction.  Rows:
 * privcmd.restrict.*, privcmd.irreversible.* (conformance/suite/rows/
 * privcmd.rows, where each row's sources are).
 */
#include "bodies.h"

#include "privcmd_util.h"

/* A fresh handle, the restrict ioctl itself judged: SKIP where absent. */
static void observe_fresh_restrict(struct xrc_ctx *t, uint32_t dom)
{
	int fd = pc_open_for_restrict(t);

	XRC_OBSERVE(t, pc_restrict(fd, dom));
}

void privcmd_restrict_first(struct xrc_ctx *t)
{
	observe_fresh_restrict(t, xrc_domains(t)->a);
}

void privcmd_restrict_same_domid(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_restrict(fd, d->a));
}

void privcmd_restrict_other_domid(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	XRC_OBSERVE(t, pc_restrict(fd, d->b));
}

void privcmd_restrict_other_domid_other_still_refused(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	/* Its answer is another row's; only what it leaves behind counts. */
	(void)pc_restrict(fd, d->b);
	XRC_OBSERVE(t, pc_dm_op_num0(fd, d->b));
}

void privcmd_restrict_other_domid_target_still_served(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd;

	pc_need_hvm_target(t);
	fd = pc_open_restricted(t, d->a);
	(void)pc_restrict(fd, d->b);
	XRC_OBSERVE(t, pc_dm_op_nr_vcpus(fd, d->a));
}

void privcmd_restrict_domid_zero(struct xrc_ctx *t)
{
	observe_fresh_restrict(t, 0);
}

void privcmd_restrict_domid_zero_then_target_refused(struct xrc_ctx *t)
{
	int fd = pc_open_for_restrict(t);
	long rc = pc_restrict(fd, 0);

	/* Only a backend that took domain 0 as a target can be judged. */
	if (rc != 0)
		xrc_skip(t, "RESTRICT(0) answered %ld (%s): nothing to judge",
			 rc, xrc_errno_name(errno));
	XRC_OBSERVE(t, pc_dm_op_num0(fd, xrc_domains(t)->a));
}

void privcmd_restrict_domid_self(struct xrc_ctx *t)
{
	observe_fresh_restrict(t, XSIM_DOMID_SELF);
}

void privcmd_restrict_domid_invalid(struct xrc_ctx *t)
{
	observe_fresh_restrict(t, XSIM_DOMID_INVALID);
}

void privcmd_restrict_domid_invalid_stays_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open_for_restrict(t);

	/* Accepted (Linux) or refused (a validating kernel): both leave... */
	(void)pc_restrict(fd, XSIM_DOMID_INVALID);
	/* ... a handle that either is restricted or is not: this tells. */
	XRC_OBSERVE(t, pc_dm_op_num0(fd, xrc_domains(t)->b));
}

void privcmd_restrict_domid_invalid_then_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_for_restrict(t);

	(void)pc_restrict(fd, XSIM_DOMID_INVALID);
	XRC_OBSERVE(t, pc_restrict(fd, xrc_domains(t)->b));
}

void privcmd_restrict_domid_idle(struct xrc_ctx *t)
{
	observe_fresh_restrict(t, XSIM_DOMID_IDLE);
}

void privcmd_restrict_domid_max(struct xrc_ctx *t)
{
	observe_fresh_restrict(t, 0xFFFFu);
}

void privcmd_restrict_absent_domid(struct xrc_ctx *t)
{
	observe_fresh_restrict(t, xrc_domains(t)->absent);
}

void privcmd_restrict_null_arg(struct xrc_ctx *t)
{
	int fd = pc_open_for_restrict(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_RESTRICT, NULL));
}

void privcmd_restrict_unmapped_arg(struct xrc_ctx *t)
{
	int fd = pc_open_for_restrict(t);
	void *bad = pc_unmapped_page(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_RESTRICT, bad));
}

void privcmd_restrict_null_arg_restricted(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_RESTRICT, NULL));
}

/* ---- irreversibility ---- */

void privcmd_irreversible_invalid_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, pc_restrict(fd, XSIM_DOMID_INVALID));
}

void privcmd_irreversible_invalid_after_restrict_other_still_refused(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);

	(void)pc_restrict(fd, XSIM_DOMID_INVALID);
	XRC_OBSERVE(t, pc_dm_op_num0(fd, d->b));
}

/*
 * A handle restricted to a, then every other restrict a caller might try
 * to escape with.  Their answers are other rows'; what is left is judged.
 */
static int restricted_after_attempts(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	const uint32_t attempts[] = {
		d->a, d->b, XSIM_DOMID_INVALID, 0, XSIM_DOMID_SELF,
	};
	int fd = pc_open_restricted(t, d->a);
	unsigned i;

	for (i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++)
		(void)pc_restrict(fd, attempts[i]);
	return fd;
}

void privcmd_irreversible_sequence_domctl_refused(struct xrc_ctx *t)
{
	int fd = restricted_after_attempts(t);

	XRC_OBSERVE(t, pc_domctl_getdomaininfo(fd, xrc_domains(t)->a));
}

void privcmd_irreversible_sequence_mmapbatch_v2_other_refused(struct xrc_ctx *t)
{
	int fd = restricted_after_attempts(t);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_batch_v2(fd, xrc_domains(t)->b, region, 0, NULL));
}

void privcmd_irreversible_sequence_target_still_served(struct xrc_ctx *t)
{
	int fd = restricted_after_attempts(t);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_batch_v2(fd, xrc_domains(t)->a, region, 0, NULL));
}
