/* SPDX-License-Identifier: MIT */
/*
 * privcmd foreign mappings: MMAPBATCH_V2 (the preferred variant), the v1
 * MMAP and MMAPBATCH the proposal would drop from a restricted handle,
 * per-frame errors, the VMA a batch must fill, and mappings made before
 * restrict (not revoked by it).  Memory is read through a pipe, so that a
 * page that is not there is EFAULT rather than a signal.  Rows:
 * privcmd.mmapbatch-v2.*, privcmd.not-retroactive.*, privcmd.mmap.*,
 * privcmd.mmapbatch.* (conformance/suite/rows/privcmd.rows).
 */
#include "bodies.h"

#include <sys/mman.h>

#include "privcmd_util.h"

/* Where in a mapped page the bodies look: inside, not at its start. */
#define PROBE_OFF	0x100u
#define PROBE_LEN	8u

/* ---- MMAPBATCH_V2, unrestricted ---- */

void privcmd_mmapbatch_v2_target_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open(t);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_batch_v2(fd, xrc_domains(t)->a, region, 0, NULL));
}

void privcmd_mmapbatch_v2_absent_unrestricted_frame_err(struct xrc_ctx *t)
{
	int fd = pc_open(t);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_batch_v2_frame(fd, xrc_domains(t)->absent, region,
					 0));
}

void privcmd_mmapbatch_v2_unpopulated_gfn_frame_err(struct xrc_ctx *t)
{
	int fd = pc_open(t);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_batch_v2_frame(fd, xrc_domains(t)->a, region,
					 PC_UNPOPULATED_GFN));
}

void privcmd_mmapbatch_v2_not_privcmd_vma(struct xrc_ctx *t)
{
	int fd = pc_open(t);
	void *anon = pc_anon_page(t);

	XRC_OBSERVE(t, pc_batch_v2(fd, xrc_domains(t)->a, anon, 0, NULL));
}

void privcmd_mmapbatch_v2_vma_size_mismatch(struct xrc_ctx *t)
{
	int fd = pc_open(t);
	void *two = xrc_privcmd_region(t, fd, 2);

	XRC_OBSERVE(t, pc_batch_v2(fd, xrc_domains(t)->a, two, 0, NULL));
}

void privcmd_mmapbatch_v2_num0(struct xrc_ctx *t)
{
	int fd = pc_open(t);
	void *region = xrc_privcmd_region(t, fd, 1);
	xen_pfn_t arr[1] = { 0 };
	int err[1] = { 0 };
	struct privcmd_mmapbatch_v2 m = {
		.num = 0, .dom = xrc_domains(t)->a,
		.addr = (uint64_t)(uintptr_t)region, .arr = arr, .err = err,
	};

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m));
}

void privcmd_mmapbatch_v2_null_arg(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, NULL));
}

/* ---- MMAPBATCH_V2, restricted ---- */

void privcmd_mmapbatch_v2_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_batch_v2(fd, d->a, region, 0, NULL));
}

void privcmd_mmapbatch_v2_target_after_restrict_contents(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int plain = pc_open(t);
	void *ref = pc_map_gfn(t, plain, d->a, 0);
	int fd = pc_open_restricted(t, d->a);
	void *mine = pc_map_gfn(t, fd, d->a, 0);

	XRC_OBSERVE(t, pc_same_bytes(t, (char *)mine + PROBE_OFF,
				     (char *)ref + PROBE_OFF, PROBE_LEN));
}

void privcmd_mmapbatch_v2_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_batch_v2(fd, d->b, region, 0, NULL));
}

void privcmd_mmapbatch_v2_absent_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_batch_v2(fd, d->absent, region, 0, NULL));
}

void privcmd_mmapbatch_v2_null_arg_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, NULL));
}

void privcmd_mmapbatch_v2_other_bad_vma_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);
	void *anon = pc_anon_page(t);

	XRC_OBSERVE(t, pc_batch_v2(fd, d->b, anon, 0, NULL));
}

/* ---- not retroactive: a mapping of b made, then restrict to a ---- */

static void *old_mapping_then_restrict(struct xrc_ctx *t, int *fd)
{
	const struct xrc_domains *d = xrc_domains(t);
	void *old;

	*fd = pc_open_for_restrict(t);
	old = pc_map_gfn(t, *fd, d->b, 0);
	xrc_restrict(t, *fd, XRC_PRIVCMD, d->a);
	return old;
}

void privcmd_not_retroactive_old_mapping_readable(struct xrc_ctx *t)
{
	uint8_t buf[PROBE_LEN];
	int fd;
	void *old = old_mapping_then_restrict(t, &fd);

	XRC_OBSERVE(t, pc_peek(t, (char *)old + PROBE_OFF, buf, sizeof(buf)));
}

void privcmd_not_retroactive_old_mapping_contents(struct xrc_ctx *t)
{
	int fd, plain;
	void *old = old_mapping_then_restrict(t, &fd);
	void *ref;

	/* The second read path: a fresh, unrestricted handle's mapping. */
	plain = pc_open(t);
	ref = pc_map_gfn(t, plain, xrc_domains(t)->b, 0);
	XRC_OBSERVE(t, pc_same_bytes(t, (char *)old + PROBE_OFF,
				     (char *)ref + PROBE_OFF, PROBE_LEN));
}

void privcmd_not_retroactive_old_mapping_writable(struct xrc_ctx *t)
{
	uint8_t buf[PROBE_LEN];
	int fd, plain;
	void *old = old_mapping_then_restrict(t, &fd);
	void *ref;

	/* Write back what is there: the guest's page ends unchanged. */
	plain = pc_open(t);
	ref = pc_map_gfn(t, plain, xrc_domains(t)->b, 0);
	XRC_SETUP(t, pc_peek(t, (char *)ref + PROBE_OFF, buf, sizeof(buf)));
	XRC_OBSERVE(t, pc_poke(t, (char *)old + PROBE_OFF, buf, sizeof(buf)));
}

/* ---- MMAP (v1) ---- */

void privcmd_mmap_target_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open(t);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_mmap_v1(fd, xrc_domains(t)->a, region, 0));
}

void privcmd_mmap_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_mmap_v1(fd, d->a, region, 0));
}

void privcmd_mmap_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_mmap_v1(fd, d->b, region, 0));
}

void privcmd_mmap_null_arg_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_MMAP, NULL));
}

/*
 * Linux remembers that a mapping ioctl populated a VMA (vm_private_data):
 * v1 MMAP onto it fails EINVAL before any domain is looked at, so the
 * call is aimed at a domid with no domain (Xen would say ESRCH).  On an
 * unrestricted handle, so that no restriction check comes first.
 */
void privcmd_mmap_vma_populated_by_mmapbatch_v2(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open(t);
	void *region = pc_map_gfn(t, fd, d->a, 0);

	XRC_OBSERVE(t, pc_mmap_v1(fd, d->absent, region, 0));
}

/* ---- MMAPBATCH (v1) ---- */

void privcmd_mmapbatch_target_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open(t);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_batch_v1(fd, xrc_domains(t)->a, region, 0));
}

void privcmd_mmapbatch_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_batch_v1(fd, d->a, region, 0));
}

void privcmd_mmapbatch_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = pc_open_restricted(t, d->a);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_OBSERVE(t, pc_batch_v1(fd, d->b, region, 0));
}
