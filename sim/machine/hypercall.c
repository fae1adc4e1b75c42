/* SPDX-License-Identifier: MIT */
/*
 * The raw hypercall dispatcher: what privcmd's IOCTL_PRIVCMD_HYPERCALL
 * reaches (Xen: the hypercall table, xen/arch/x86/pv/hypercall.c).  One
 * job: route by number to the family that decodes the arguments.
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

#include <xensim/fail.h>
#include <xensim/machine.h>

#include "hypercall.h"

/* The hypercalls the table below routes. */
static bool known(uint64_t op)
{
	switch (op) {
	case __HYPERVISOR_xen_version:
	case __HYPERVISOR_memory_op:
	case __HYPERVISOR_multicall:
	case __HYPERVISOR_event_channel_op:
	case __HYPERVISOR_grant_table_op:
	case __HYPERVISOR_hvm_op:
	case __HYPERVISOR_dm_op:
	case __HYPERVISOR_domctl:
	case __HYPERVISOR_sysctl:
		return true;
	default:
		return false;
	}
}

long xsim_hypercall(const struct xsim_caller *c, const struct xsim_uaccess *ua,
		    uint64_t op, const uint64_t arg[5])
{
	/*
	 * Failure point (fail.h): the sub-operation fails as when Xen cannot
	 * allocate for it (xmalloc, whose heap the sim does not model).
	 * xen_version allocates nothing and cannot fail; an unknown
	 * hypercall is not an operation.
	 */
	if (op != __HYPERVISOR_xen_version && known(op) &&
	    xsim_fail(XSIM_FAIL_HYPERCALL))
		return -ENOMEM;
	switch (op) {
	case __HYPERVISOR_xen_version:
		return xsim_hc_xen_version(c, ua, arg[0], arg[1]);
	case __HYPERVISOR_memory_op:
		return xsim_hc_memory_op(c, ua, arg[0], arg[1]);
	case __HYPERVISOR_multicall:
		return xsim_hc_multicall(c, ua, arg[0], arg[1]);
	case __HYPERVISOR_event_channel_op:
		return xsim_hc_event_channel_op(c, ua, arg[0], arg[1]);
	case __HYPERVISOR_grant_table_op:
		return xsim_hc_grant_table_op(c, ua, arg[0], arg[1], arg[2]);
	case __HYPERVISOR_hvm_op:
		return xsim_hc_hvm_op(c, ua, arg[0], arg[1]);
	case __HYPERVISOR_dm_op:
		return xsim_hc_dm_op(c, ua, arg[0], arg[1], arg[2]);
	case __HYPERVISOR_domctl:
		return xsim_hc_domctl(c, ua, arg[0]);
	case __HYPERVISOR_sysctl:
		return xsim_hc_sysctl(c, ua, arg[0]);
	default:
		/* Xen: an empty hypercall-table slot is -ENOSYS. */
		return -ENOSYS;
	}
}
