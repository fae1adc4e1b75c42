/* SPDX-License-Identifier: MIT */
/*
 * The few Xen hypervisor ABI values the checks pass through privcmd's raw
 * HYPERCALL and DM_OP.  A program of the Linux device ABI cannot include
 * Xen's public headers (they clash with the uapi headers over xen_pfn_t),
 * so they are written out here; values and layouts are those of
 * xen/include/public/{xen.h,version.h,memory.h,event_channel.h,
 * grant_table.h,hvm/dm_op.h} in Xen 4.17, x86_64.
 */
#ifndef XSIM_ABI_XENABI_H
#define XSIM_ABI_XENABI_H

#include <stdint.h>

/* Hypercall numbers (xen.h). */
#define HC_memory_op		12
#define HC_xen_version		17
#define HC_dm_op		41
/* Xen answers -ENOSYS to a number it does not know; 63 is unassigned. */
#define HC_unassigned		63

/* xen_version (version.h): XENVER_version answers major << 16 | minor. */
#define XENVER_version		0
#define XEN_VERSION_4_17	0x40011

/* memory_op (memory.h). */
#define XENMEM_maximum_gpfn		14
#define XENMEM_resource_grant_table	1
#define XENMEM_resource_grant_table_id_shared	0

/* The grant-table resource's size: the domain's max_grant_frames (Xen's
 * default gnttab_max_frames, 64, for the default world's guests). */
#define GNTTAB_MAX_FRAMES	64

/* Event channels (xen.h): NR_VIRQS is 24. */
#define VIRQ_DOM_EXC		3
#define NR_VIRQS		24

/* Grant copy flags and statuses (grant_table.h). */
#define GNTCOPY_source_gref	(1u << 0)
#define GNTCOPY_dest_gref	(1u << 1)
#define GNTST_okay		0
#define GNTST_general_error	(-1)
#define GNTST_permission_denied	(-8)

/* dm_op (hvm/dm_op.h): struct xen_dm_op is 32 bytes, its union at 8. */
#define XEN_DMOP_set_isa_irq_level	9

struct abi_dm_op {
	uint32_t op;
	uint32_t pad;
	union {
		struct {
			uint8_t isa_irq;
			uint8_t level;
		} set_isa_irq_level;
		uint8_t raw[24];
	} u;
};
_Static_assert(sizeof(struct abi_dm_op) == 32, "struct xen_dm_op is 32 bytes");

/* xen_dm_op_buf_t: a guest handle and a size (x86_64). */
struct abi_dm_op_buf {
	uint64_t h;
	uint64_t size;
};

#endif /* XSIM_ABI_XENABI_H */
