/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the privcmd bodies (conformance/suite/bodies/privcmd_*.c):
 * one small function per ioctl shape, each returning the ioctl's own
 * result (-1 and errno on failure) so that a body can hand it straight to
 * XRC_OBSERVE.  Only the Linux device ABI (<xensim/uapi.h>) is used.
 *
 * A program of the device ABI cannot include Xen's public headers (they
 * clash with the uapi headers over xen_pfn_t), so the few hypervisor ABI
 * values the bodies pass through HYPERCALL and DM_OP are written out
 * here, from Xen 4.17's xen/include/public/{xen.h,version.h,memory.h,
 * domctl.h,hvm/dm_op.h}, x86_64.
 */
#ifndef XRC_BODIES_PRIVCMD_UTIL_H
#define XRC_BODIES_PRIVCMD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xensim/uapi.h>
#include <xensim/xen-const.h>
#include <xrc/body.h>

/* Hypercall numbers (xen.h). */
#define PC_HC_MEMORY_OP		12
#define PC_HC_XEN_VERSION	17
#define PC_HC_DOMCTL		36
#define PC_HC_DM_OP		41
/* No hypercall has this number: Xen answers -ENOSYS. */
#define PC_HC_UNASSIGNED	63

#define PC_XENVER_VERSION	0	/* version.h */
#define PC_XENMEM_MAXIMUM_GPFN	14	/* memory.h: arg is a domid_t * */
#define PC_XENMEM_RSRC_GRANT_TABLE	1	/* memory.h: resource type */

/* domctl.h: getdomaininfo, interface version of Xen 4.17. */
#define PC_DOMCTL_GETDOMAININFO	5
#define PC_DOMCTL_VERSION	0x15
#define PC_DOMCTL_SIZE		144	/* sizeof(struct xen_domctl) */

/* hvm/dm_op.h: XEN_DMOP_nr_vcpus reads a count and changes nothing. */
#define PC_DMOP_NR_VCPUS	20
#define PC_DMOP_SIZE		32	/* sizeof(struct xen_dm_op) */

/* Linux's privcmd dm_op_max_nr_bufs default (FreeBSD: MAX_DMOP_BUFFERS). */
#define PC_DM_OP_MAX_BUFS	16

/* A gfn no small guest has populated (1 TiB up). */
#define PC_UNPOPULATED_GFN	0x10000000ull

#define PC_PAGE			XSIM_PAGE_SIZE

/* ---- handles ---- */

/* A fresh privcmd handle (SKIP if the device is absent). */
int pc_open(struct xrc_ctx *t);
/* A fresh handle restricted to dom (SKIP where privcmd has no restrict). */
int pc_open_restricted(struct xrc_ctx *t, uint16_t dom);
/* SKIP unless privcmd has a restrict ioctl, then a fresh handle. */
int pc_open_for_restrict(struct xrc_ctx *t);
/* IOCTL_PRIVCMD_RESTRICT to dom. */
long pc_restrict(int fd, uint32_t dom);

/* SKIP unless the target domain is HVM (dm_op needs one). */
void pc_need_hvm_target(struct xrc_ctx *t);

/* A page this process cannot read: an "unmapped pointer". */
void *pc_unmapped_page(struct xrc_ctx *t);
/* An ordinary anonymous page (not a privcmd mapping). */
void *pc_anon_page(struct xrc_ctx *t);

/* ---- IOCTL_PRIVCMD_HYPERCALL ---- */

long pc_hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1,
		  uint64_t a2);
/* memory_op(XENMEM_maximum_gpfn, &dom): a guest's highest gfn. */
long pc_max_gpfn(int fd, uint16_t dom);
/* xen_version(XENVER_version, NULL). */
long pc_xen_version(int fd);
/* domctl(getdomaininfo) for dom: never on any whitelist (the proposal). */
long pc_domctl_getdomaininfo(int fd, uint16_t dom);
/* The raw dm_op hypercall: nr_vcpus of dom, domid in argument 0. */
long pc_raw_dm_op_nr_vcpus(int fd, uint16_t dom);

/* ---- IOCTL_PRIVCMD_DM_OP ---- */

/* One buffer holding XEN_DMOP_nr_vcpus for dom. */
long pc_dm_op_nr_vcpus(int fd, uint16_t dom);
/* num buffers (each a valid nr_vcpus op), 0..PC_DM_OP_MAX_BUFS + 1. */
long pc_dm_op_bufs(int fd, uint16_t dom, unsigned num);
/* num = 0, ubufs = NULL: libxendevicemodel's probe shape. */
long pc_dm_op_num0(int fd, uint16_t dom);

/* ---- IOCTL_PRIVCMD_MMAPBATCH_V2 / MMAPBATCH / MMAP ---- */

/* Map gfn of dom at addr (one page); err0 gets err[0] (may be NULL). */
long pc_batch_v2(int fd, uint16_t dom, void *addr, uint64_t gfn, int *err0);
/*
 * The same, judged by its frame: the ioctl's own failure, else err[0] as
 * -1 and errno, else 0.  For per-frame errors (ESRCH, EINVAL).
 */
long pc_batch_v2_frame(int fd, uint16_t dom, void *addr, uint64_t gfn);
/* MMAPBATCH (v1) of one gfn at addr. */
long pc_batch_v1(int fd, uint16_t dom, void *addr, uint64_t gfn);
/* MMAP (v1): one entry of one page, gfn of dom at addr. */
long pc_mmap_v1(int fd, uint16_t dom, void *addr, uint64_t gfn);
/* A fresh privcmd region of one page with gfn of dom mapped (ERROR if not). */
void *pc_map_gfn(struct xrc_ctx *t, int fd, uint16_t dom, uint64_t gfn);

/* ---- IOCTL_PRIVCMD_MMAP_RESOURCE ---- */

/* addr = num = 0: the size of dom's grant table resource, in *num. */
long pc_resource_size(int fd, uint16_t dom, uint64_t *num);
/* Map nframes of dom's grant table (from frame 0) at addr. */
long pc_resource_map(int fd, uint16_t dom, void *addr, uint64_t nframes);
/* addr = 0 but num = 1: "both fields must be set or unset". */
long pc_resource_half_set(int fd, uint16_t dom);

/* ---- IOCTL_PRIVCMD_IRQFD / IOEVENTFD / PCIDEV_GET_GSI ---- */

/* A fresh eventfd (ERROR if none). */
int pc_eventfd(struct xrc_ctx *t);
long pc_irqfd(int fd, uint16_t dom, uint32_t flags, int efd);
long pc_ioeventfd(int fd, uint16_t dom, uint32_t flags, int efd);
long pc_pcidev_get_gsi(int fd);
/*
 * SKIP unless privcmd has IRQFD (IOEVENTFD): a deassign on a fresh handle
 * must not answer as an unknown ioctl does (ENOTTY, ENOSYS, EOPNOTSUPP:
 * a kernel without CONFIG_XEN_PRIVCMD_EVENTFD, or the errno of
 * IOCTL_PRIVCMD_UNIMPLEMENTED).
 */
void pc_need_irqfd(struct xrc_ctx *t);
void pc_need_ioeventfd(struct xrc_ctx *t);

/* ---- memory through a pipe: a bad page is EFAULT, never a signal ---- */

/*
 * Read len (<= 4096) bytes at addr into buf through a pipe: len, or -1
 * and errno (EFAULT when the page is not readable).
 */
long pc_peek(struct xrc_ctx *t, const void *addr, void *buf, size_t len);
/* Write len bytes from buf to addr through a pipe: len or -1/errno. */
long pc_poke(struct xrc_ctx *t, void *addr, const void *buf, size_t len);
/*
 * Compare len bytes at x and y, each read through a pipe: 1 if equal,
 * 0 if not, -1 and errno if either cannot be read.
 */
long pc_same_bytes(struct xrc_ctx *t, const void *x, const void *y,
		   size_t len);

#endif /* XRC_BODIES_PRIVCMD_UTIL_H */
