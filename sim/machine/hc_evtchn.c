/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_event_channel_op (Xen 4.17 xen/common/event_channel.c,
 * do_event_channel_op): copy the argument in, call the event-channel
 * machine, copy the result out.  The machine does the domain lookups,
 * the XSM checks and the effect records.
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/event_channel.h>

#include "hypercall.h"

/* Xen-internal (xen/include/public/event_channel.h, __XEN__ only). */
#define SIM_EVTCHNOP_reset_cont	14

/* copy_from_guest of the whole struct, -EFAULT as Xen. */
#define GET(ua, arg, x) \
	(xsim_copy_in((ua), &(x), (arg), sizeof(x)) ? -EFAULT : 0)
/* Xen copies results back on success only ("cleaning up would be a mess"). */
#define PUT(ua, arg, x) \
	(xsim_copy_out((ua), (arg), &(x), sizeof(x)) ? -EFAULT : 0)

static long alloc_unbound(const struct xsim_caller *c,
			  const struct xsim_uaccess *ua, uint64_t arg)
{
	evtchn_alloc_unbound_t op;
	uint32_t port;
	long rc;

	if (GET(ua, arg, op))
		return -EFAULT;
	rc = xsim_evtchn_alloc_unbound(c, op.dom, op.remote_dom, &port);
	if (rc)
		return rc;
	op.port = port;
	return PUT(ua, arg, op);
}

static long bind_interdomain(const struct xsim_caller *c,
			     const struct xsim_uaccess *ua, uint64_t arg)
{
	evtchn_bind_interdomain_t op;
	uint32_t port;
	long rc;

	if (GET(ua, arg, op))
		return -EFAULT;
	rc = xsim_evtchn_bind_interdomain(c, op.remote_dom, op.remote_port,
					  &port);
	if (rc)
		return rc;
	op.local_port = port;
	return PUT(ua, arg, op);
}

static long bind_virq(const struct xsim_caller *c,
		      const struct xsim_uaccess *ua, uint64_t arg)
{
	evtchn_bind_virq_t op;
	uint32_t port;
	long rc;

	if (GET(ua, arg, op))
		return -EFAULT;
	rc = xsim_evtchn_bind_virq(c, op.virq, op.vcpu, &port);
	if (rc)
		return rc;
	op.port = port;
	return PUT(ua, arg, op);
}

static long bind_ipi(const struct xsim_caller *c,
		     const struct xsim_uaccess *ua, uint64_t arg)
{
	evtchn_bind_ipi_t op;
	uint32_t port;
	long rc;

	if (GET(ua, arg, op))
		return -EFAULT;
	rc = xsim_evtchn_bind_ipi(c, op.vcpu, &port);
	if (rc)
		return rc;
	op.port = port;
	return PUT(ua, arg, op);
}

static long status(const struct xsim_caller *c,
		   const struct xsim_uaccess *ua, uint64_t arg)
{
	evtchn_status_t op;
	struct xsim_evtchn_status st;
	long rc;

	if (GET(ua, arg, op))
		return -EFAULT;
	rc = xsim_evtchn_status(c, op.dom, op.port, &st);
	if (rc)
		return rc;
	op.status = st.status;
	op.vcpu = st.vcpu;
	memset(&op.u, 0, sizeof(op.u));
	switch (st.status) {
	case EVTCHNSTAT_unbound:
		op.u.unbound.dom = (domid_t)st.remote_dom;
		break;
	case EVTCHNSTAT_interdomain:
		op.u.interdomain.dom = (domid_t)st.remote_dom;
		op.u.interdomain.port = st.remote_port;
		break;
	case EVTCHNSTAT_virq:
		op.u.virq = st.virq;
		break;
	default:
		break;
	}
	return PUT(ua, arg, op);
}

long xsim_hc_event_channel_op(const struct xsim_caller *c,
			      const struct xsim_uaccess *ua, uint64_t cmd,
			      uint64_t arg)
{
	union {
		evtchn_close_t close;
		evtchn_send_t send;
		evtchn_unmask_t unmask;
		evtchn_reset_t reset;
	} u;

	/* Xen takes cmd as an int. */
	switch ((int)cmd) {
	case EVTCHNOP_alloc_unbound:
		return alloc_unbound(c, ua, arg);
	case EVTCHNOP_bind_interdomain:
		return bind_interdomain(c, ua, arg);
	case EVTCHNOP_bind_virq:
		return bind_virq(c, ua, arg);
	case EVTCHNOP_bind_ipi:
		return bind_ipi(c, ua, arg);
	case EVTCHNOP_close:
		/* Always a port of the calling domain. */
		if (GET(ua, arg, u.close))
			return -EFAULT;
		return xsim_evtchn_close(c, XSIM_DOMID_SELF, u.close.port);
	case EVTCHNOP_send:
		if (GET(ua, arg, u.send))
			return -EFAULT;
		return xsim_evtchn_send(c, u.send.port);
	case EVTCHNOP_status:
		return status(c, ua, arg);
	case EVTCHNOP_unmask:
		if (GET(ua, arg, u.unmask))
			return -EFAULT;
		return xsim_evtchn_unmask(c, u.unmask.port);
	case EVTCHNOP_reset:
	case SIM_EVTCHNOP_reset_cont:
		if (GET(ua, arg, u.reset))
			return -EFAULT;
		return xsim_evtchn_reset(c, u.reset.dom);
	default:
		/*
		 * bind_pirq (the sim has no physical IRQs), bind_vcpu and the
		 * FIFO ABI (init_control, expand_array, set_priority: the sim
		 * is 2-level only, and a guest falls back on -ENOSYS) are not
		 * modelled; unknown commands are -ENOSYS in Xen too.
		 */
		return -ENOSYS;
	}
}
