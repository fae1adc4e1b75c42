/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_hvm_op: HVMOP_set_param and HVMOP_get_param over
 * struct xsim_domain.hvm_param[] (Xen 4.17 xen/arch/x86/hvm/hvm.c,
 * hvmop_set_param/hvm_allow_set_param/hvm_set_param and the get side).
 * The permission rules and the value checks are Xen's; the side effects
 * of a parameter on a real guest (callback routing, timers, ...) are not
 * modelled, only the stored value.
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "hypercall.h"

_Static_assert(HVM_NR_PARAMS <= XSIM_HVM_NR_PARAMS, "hvm_param[] too small");

/* xen/arch/x86/include/asm/hvm/support.h */
#define VM86_TSS_UPDATED	(1ull << 63)
/* sizeof(struct tss32) and the cap hvm_set_param() applies to the size. */
#define TSS32_SIZE		104ull
#define TSS_MAX_SIZE		(TSS32_SIZE + 0x100 / 8 + 0x10000 / 8 + 1)
/* d->arch.hvm.ioreq_gfn.mask is an unsigned long. */
#define IOREQ_GFN_MASK_BITS	64u

enum param_access { GUEST_OK, DEPRECATED, TOOLS_ONLY };

static enum param_access set_access(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_VM86_TSS:
	case HVM_PARAM_VM86_TSS_SIZED:
	case HVM_PARAM_ACPI_IOPORTS_LOCATION:
	case HVM_PARAM_VM_GENERATION_ID_ADDR:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_EVTCHN:
	case HVM_PARAM_X87_FIP_WIDTH:
		return GUEST_OK;
	case HVM_PARAM_PAE_ENABLED:
	case HVM_PARAM_DM_DOMAIN:
	case HVM_PARAM_MEMORY_EVENT_CR0:
	case HVM_PARAM_MEMORY_EVENT_CR3:
	case HVM_PARAM_MEMORY_EVENT_CR4:
	case HVM_PARAM_MEMORY_EVENT_INT3:
	case HVM_PARAM_NESTEDHVM:
	case HVM_PARAM_MEMORY_EVENT_SINGLE_STEP:
	case HVM_PARAM_BUFIOREQ_EVTCHN:
	case HVM_PARAM_MEMORY_EVENT_MSR:
		return DEPRECATED;
	default:
		return TOOLS_ONLY;
	}
}

static enum param_access get_access(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_ALTP2M:
		return GUEST_OK;
	default:
		/* The get list is the set list plus the three above. */
		return set_access(index);
	}
}

/* hvm_allow_{set,get}_param(): XSM_TARGET, then who may touch the index. */
static int allow(const struct xsim_caller *c, const struct xsim_domain *d,
		 enum param_access a)
{
	if (!xsim_hc_target(c, d))
		return -EPERM;
	if (a == DEPRECATED)
		return -EINVAL;
	if (a == TOOLS_ONLY && d->domid == c->domid)
		return -EPERM;
	return 0;
}

static bool set_once(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_VIRIDIAN:
	case HVM_PARAM_IOREQ_PFN:
	case HVM_PARAM_BUFIOREQ_PFN:
	case HVM_PARAM_IOREQ_SERVER_PFN:
	case HVM_PARAM_NR_IOREQ_SERVER_PAGES:
	case HVM_PARAM_ALTP2M:
	case HVM_PARAM_MCA_CAP:
		return true;
	default:
		return false;
	}
}

/* hvm_set_param()'s per-index checks; may rewrite index and value. */
static int check_value(const struct xsim_caller *c, uint32_t *index,
		       uint64_t *value)
{
	uint64_t v = *value;

	switch (*index) {
	case HVM_PARAM_TIMER_MODE:
		return v > HVMPTM_one_missed_tick_pending ? -EINVAL : 0;
	case HVM_PARAM_VIRIDIAN:
		return (v & ~(uint64_t)HVMPV_feature_mask) ||
		       !(v & HVMPV_base_freq) ? -EINVAL : 0;
	case HVM_PARAM_ACPI_S_STATE:
		return v == 0 || v == 3 ? 0 : -EINVAL;
	case HVM_PARAM_ALTP2M:
		if (!xsim_hc_privileged(c))
			return -EPERM;
		return v > XEN_ALTP2M_limited ? -EINVAL : 0;
	case HVM_PARAM_TRIPLE_FAULT_REASON:
		return v > SHUTDOWN_MAX ? -EINVAL : 0;
	case HVM_PARAM_NR_IOREQ_SERVER_PAGES:
		return v == 0 || v > IOREQ_GFN_MASK_BITS ? -EINVAL : 0;
	case HVM_PARAM_X87_FIP_WIDTH:
		return v == 0 || v == 4 || v == 8 ? 0 : -EINVAL;
	case HVM_PARAM_MCA_CAP:
		return v & ~(uint64_t)XEN_HVM_MCA_CAP_MASK ? -EINVAL : 0;
	case HVM_PARAM_VM86_TSS:
		/* Old hvmloader binaries hardcode the size to 128 bytes. */
		if (v != (uint32_t)v)
			return -EINVAL;
		if (v)
			*value = v | 128ull << 32 | VM86_TSS_UPDATED;
		*index = HVM_PARAM_VM86_TSS_SIZED;
		return 0;
	case HVM_PARAM_VM86_TSS_SIZED:
		if ((v >> 32) < TSS32_SIZE)
			return -EINVAL;
		if ((v >> 32) > TSS_MAX_SIZE)
			v = (uint32_t)v | TSS_MAX_SIZE << 32;
		*value = v | VM86_TSS_UPDATED;
		return 0;
	default:
		return 0;
	}
}

static long set_param(const struct xsim_caller *c,
		      const struct xsim_uaccess *ua, uint64_t arg)
{
	xen_hvm_param_t a;
	struct xsim_domain *d;
	uint32_t index;
	uint64_t value;
	int rc;

	if (xsim_copy_in(ua, &a, arg, sizeof(a)))
		return -EFAULT;
	if (a.index >= HVM_NR_PARAMS)
		return -EINVAL;
	d = xsim_hc_any_domain(c, a.domid);
	if (!d)
		return -ESRCH;
	if (!(d->flags & XSIM_DOM_HVM))
		return -EINVAL;
	rc = allow(c, d, set_access(a.index));
	if (rc)
		return rc;
	if (set_once(a.index) && d->hvm_param[a.index] != 0 &&
	    a.value != d->hvm_param[a.index])
		return -EEXIST;
	index = a.index;
	value = a.value;
	rc = check_value(c, &index, &value);
	if (rc)
		return rc;
	d->hvm_param[index] = value;
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_WRITE,
			XSIM_OP_HVM_OP, HVMOP_set_param, a.index);
	return 0;
}

static long get_param(const struct xsim_caller *c,
		      const struct xsim_uaccess *ua, uint64_t arg)
{
	xen_hvm_param_t a;
	struct xsim_domain *d;
	int rc;

	if (xsim_copy_in(ua, &a, arg, sizeof(a)))
		return -EFAULT;
	if (a.index >= HVM_NR_PARAMS)
		return -EINVAL;
	d = xsim_hc_any_domain(c, a.domid);
	if (!d)
		return -ESRCH;
	if (!(d->flags & XSIM_DOM_HVM))
		return -EINVAL;
	rc = allow(c, d, get_access(a.index));
	if (rc)
		return rc;
	switch (a.index) {
	case HVM_PARAM_VM86_TSS:
		a.value = (uint32_t)d->hvm_param[HVM_PARAM_VM86_TSS_SIZED];
		break;
	case HVM_PARAM_VM86_TSS_SIZED:
		a.value = d->hvm_param[a.index] & ~VM86_TSS_UPDATED;
		break;
	default:
		a.value = d->hvm_param[a.index];
		break;
	}
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_READ,
			XSIM_OP_HVM_OP, HVMOP_get_param, a.index);
	return xsim_copy_out(ua, arg, &a, sizeof(a)) ? -EFAULT : 0;
}

long xsim_hc_hvm_op(const struct xsim_caller *c,
		    const struct xsim_uaccess *ua, uint64_t op, uint64_t arg)
{
	switch (op) {
	case HVMOP_set_param:
		return set_param(c, ua, arg);
	case HVMOP_get_param:
		return get_param(c, ua, arg);
	default:
		/* Other HVMOPs are not modelled: Xen's default is -ENOSYS. */
		return -ENOSYS;
	}
}
