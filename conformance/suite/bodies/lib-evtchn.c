/* SPDX-License-Identifier: MIT */
/*
 * xenevtchn_restrict and the binds a handle so restricted can make
 * (rows/lib.rows).  On Linux the library issues IOCTL_EVTCHN_RESTRICT_DOMID
 * and BIND_INTERDOMAIN (tools/libs/evtchn/linux.c).
 */
#include "bodies.h"

#include "lib-util.h"

/* An evtchn handle restricted to a. */
static xenevtchn_handle *restricted_evtchn(struct xrc_ctx *t)
{
	xenevtchn_handle *xce;

	lib_begin(t);
	xce = lib_open_evtchn(t);
	lib_restrict_evtchn(t, xce, xrc_domains(t)->a);
	return xce;
}

void lib_evtchn_restrict(struct xrc_ctx *t)
{
	xenevtchn_handle *xce;

	lib_begin(t);
	xce = lib_open_evtchn(t);
	XRC_OBSERVE(t, xenevtchn_restrict(xce, xrc_domains(t)->a));
}

void lib_evtchn_restrict_same_domid(struct xrc_ctx *t)
{
	xenevtchn_handle *xce = restricted_evtchn(t);

	XRC_OBSERVE(t, xenevtchn_restrict(xce, xrc_domains(t)->a));
}

/* Bind a restricted handle to a fresh unbound port of dom. */
static void bind_restricted(struct xrc_ctx *t, uint16_t dom)
{
	xenevtchn_handle *xce;
	uint32_t port;

	lib_begin(t);
	port = xrc_setup_unbound_port(t, dom);
	xce = restricted_evtchn(t);
	XRC_OBSERVE(t, xenevtchn_bind_interdomain(xce, dom, port));
}

void lib_evtchn_bind_target(struct xrc_ctx *t)
{
	bind_restricted(t, xrc_domains(t)->a);
}

void lib_evtchn_bind_other(struct xrc_ctx *t)
{
	bind_restricted(t, xrc_domains(t)->b);
}
