/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_multicall (Xen 4.17 xen/common/multicall.c, do_multicall,
 * and the x86 PV arch_do_multicall_call): run each entry's hypercall in
 * turn and write its return value into the entry's result field.
 * libxenctrl issues every memory_op this way on 64-bit Linux, to read a
 * result wider than the privcmd ioctl's int.
 *
 * The entries go through the same dispatcher as a raw hypercall; the
 * privcmd audit already judged the outer multicall.  A multicall inside a
 * multicall is Xen's "reentry": its result is -EINVAL.
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "hypercall.h"

long xsim_hc_multicall(const struct xsim_caller *c,
		       const struct xsim_uaccess *ua, uint64_t list,
		       uint64_t nr_calls)
{
	uint32_t nr = (uint32_t)nr_calls, i;

	if (!xsim_hc_array_okay(list, nr, sizeof(multicall_entry_t)))
		return -EFAULT;
	for (i = 0; i < nr; i++) {
		uint64_t at = list + (uint64_t)i * sizeof(multicall_entry_t);
		multicall_entry_t call;
		xen_ulong_t result;
		uint64_t args[5];
		unsigned a;

		if (xsim_copy_in(ua, &call, at, sizeof(call)))
			return -EFAULT;
		for (a = 0; a < 5; a++)
			args[a] = call.args[a];
		if (call.op == __HYPERVISOR_multicall)
			result = (xen_ulong_t)(long)-EINVAL;
		else
			result = (xen_ulong_t)xsim_hypercall(c, ua, call.op,
							     args);
		if (xsim_copy_out(ua, at + offsetof(multicall_entry_t, result),
				  &result, sizeof(result)))
			return -EFAULT;
	}
	return 0;
}
