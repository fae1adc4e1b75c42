/* SPDX-License-Identifier: MIT */
/*
 * Fixture: a fresh unbound event channel in a guest, offered to dom0:
 * EVTCHNOP_alloc_unbound (Xen xen/common/event_channel.c,
 * evtchn_alloc_unbound) as a raw hypercall on the fixture's own,
 * unrestricted privcmd handle.
 */
/* The current hypercall numbers (older interface versions map
 * __HYPERVISOR_event_channel_op to the compat number, 16). */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <stdint.h>	/* before Xen's headers, which assume it */

#include <xen/xen.h>
#include <xen/event_channel.h>

#include "setup.h"

uint32_t xrc_setup_unbound_port(struct xrc_ctx *t, uint16_t dom)
{
	struct evtchn_alloc_unbound op = { .dom = dom, .remote_dom = 0 };
	uint64_t arg[5] = { EVTCHNOP_alloc_unbound, (uintptr_t)&op };
	int fd;

	if (dom == XRC_NO_DOMAIN)
		xrc_end_error(t, "fixture: an unbound port in no domain");
	fd = xrc_setup_privcmd(t);
	if (xrc_io_hypercall(fd, __HYPERVISOR_event_channel_op, arg) < 0)
		xrc_end_error(t, "fixture: EVTCHNOP_alloc_unbound(dom %u, remote 0): %s",
			      dom, xrc_errno_name(errno));
	return op.port;
}
