/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the whitelist probe bodies (probe-*.c): a handle restricted
 * to the target, and the few Xen ABI values the representative calls
 * pass through privcmd.  These bodies speak the Linux device ABI
 * (<xensim/uapi.h>), so Xen's public headers, which clash with it over
 * xen_pfn_t, cannot be included: the values are written out from Xen
 * 4.17's xen/include/public/{xen.h,version.h,memory.h,domctl.h,
 * grant_table.h,hvm/dm_op.h}, x86_64.
 */
#ifndef XRC_BODIES_PROBE_UTIL_H
#define XRC_BODIES_PROBE_UTIL_H

#include <stdint.h>

#include <xensim/uapi.h>
#include <xrc/body.h>

/* Hypercall numbers (xen.h). */
#define PROBE_HC_MEMORY_OP	12
#define PROBE_HC_XEN_VERSION	17
#define PROBE_HC_DOMCTL		36
#define PROBE_HC_DM_OP		41

#define PROBE_XENVER_VERSION		0	/* version.h */
#define PROBE_XENMEM_MAXIMUM_GPFN	14	/* memory.h: arg is a domid_t * */
#define PROBE_XENMEM_RSRC_GRANT_TABLE	1	/* memory.h: resource type */

/* domctl.h: XEN_DOMCTL_getdomaininfo of Xen 4.17's interface. */
#define PROBE_DOMCTL_GETDOMAININFO	5
#define PROBE_DOMCTL_VERSION		0x15

struct probe_domctl {
	uint32_t cmd;
	uint32_t interface_version;
	uint16_t domain;
	uint16_t pad[3];
	uint8_t u[128];
};
_Static_assert(sizeof(struct probe_domctl) == 144,
	       "struct xen_domctl is 144 bytes");

/* hvm/dm_op.h: XEN_DMOP_nr_vcpus reads a count and changes nothing. */
#define PROBE_DMOP_NR_VCPUS	20

struct probe_dm_op {
	uint32_t op;
	uint32_t pad;
	uint8_t u[24];
};
_Static_assert(sizeof(struct probe_dm_op) == 32,
	       "struct xen_dm_op is 32 bytes");

/* xen_dm_op_buf_t, as the raw hypercall takes it: a handle and a size. */
struct probe_dm_op_buf {
	uint64_t h;
	uint64_t size;
};

/* grant_table.h: the source of a copy segment is a grant ref. */
#define PROBE_GNTCOPY_SOURCE_GREF	(1u << 0)

/* xen.h: VIRQ_ENOMEM, a global VIRQ nothing in a test world binds. */
#define PROBE_VIRQ_ENOMEM	12

#define PROBE_PAGE		4096u

/* A fresh handle of dev restricted to the target (SKIP: no restrict). */
int probe_restricted(struct xrc_ctx *t, enum xrc_dev dev);
/* Restrict fd, a handle of dev, to the target (SKIP: no restrict). */
void probe_restrict(struct xrc_ctx *t, int fd, enum xrc_dev dev);
/* The target's domid. */
uint16_t probe_target(struct xrc_ctx *t);

/* IOCTL_PRIVCMD_HYPERCALL: the ioctl's result, -1 and errno on failure. */
long probe_hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1,
		     uint64_t a2);
/* A dm_op that reads the target's vcpu count, for DM_OP and IRQFD. */
void probe_nr_vcpus_op(struct probe_dm_op *op);

/* evtchn: a port of this handle bound to dom's fresh unbound port. */
uint32_t probe_bind_port(struct xrc_ctx *t, int fd, uint16_t dom);

/* gntdev: MAP_GRANT_REF of (dom, ref); the mmap offset (index). */
uint64_t probe_gntdev_map(struct xrc_ctx *t, int fd, uint16_t dom,
			  uint32_t ref);

#endif /* XRC_BODIES_PROBE_UTIL_H */
