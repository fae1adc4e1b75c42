/* SPDX-License-Identifier: MIT */
/*
 * What each library's handle can still do after xentoolcore_restrict_all
 * (rows/lib.rows): restricted in the kernel (foreignmemory, devicemodel,
 * evtchn), neutered by dup2 of /dev/null (xencall, gnttab), or not
 * covered at all (gntshr, and any handle opened afterwards).
 */
#include "bodies.h"

#include <stdint.h>

#include <xen/version.h>

#include "lib-util.h"

/* QEMU's handles, restricted to a. */
static void restricted_handles(struct xrc_ctx *t, struct lib_handles *h)
{
	lib_begin(t);
	lib_open_all(t, h);
	lib_restrict_all(t, xrc_domains(t)->a);
}

void lib_restrict_all_foreignmemory_target(struct xrc_ctx *t)
{
	struct lib_handles h;

	restricted_handles(t, &h);
	XRC_OBSERVE(t, lib_map_gfn0(t, h.fmem, xrc_domains(t)->a));
}

void lib_restrict_all_foreignmemory_other(struct xrc_ctx *t)
{
	struct lib_handles h;

	restricted_handles(t, &h);
	XRC_OBSERVE(t, lib_map_gfn0(t, h.fmem, xrc_domains(t)->b));
}

void lib_restrict_all_devicemodel_other(struct xrc_ctx *t)
{
	struct lib_handles h;

	restricted_handles(t, &h);
	XRC_OBSERVE(t, lib_nr_vcpus(h.dmod, xrc_domains(t)->b));
}

void lib_restrict_all_evtchn_other(struct xrc_ctx *t)
{
	uint16_t b = xrc_domains(t)->b;
	struct lib_handles h;
	uint32_t port;

	lib_begin(t);
	port = xrc_setup_unbound_port(t, b);
	restricted_handles(t, &h);
	XRC_OBSERVE(t, xenevtchn_bind_interdomain(h.xce, b, port));
}

void lib_restrict_all_evtchn_fresh_handle(struct xrc_ctx *t)
{
	uint16_t b = xrc_domains(t)->b;
	struct lib_handles h;
	xenevtchn_handle *fresh;
	uint32_t port;

	lib_begin(t);
	port = xrc_setup_unbound_port(t, b);
	restricted_handles(t, &h);
	fresh = lib_open_evtchn(t);
	XRC_OBSERVE(t, xenevtchn_bind_interdomain(fresh, b, port));
}

void lib_restrict_all_gntshr_other(struct xrc_ctx *t)
{
	struct lib_handles h;

	restricted_handles(t, &h);
	if (!h.xgs)
		h.xgs = lib_open_gntshr(t);
	XRC_OBSERVE(t, lib_share_page(t, h.xgs, xrc_domains(t)->b));
}

void lib_restrict_all_gnttab_target(struct xrc_ctx *t)
{
	uint16_t a = xrc_domains(t)->a;
	struct lib_handles h;
	uint32_t ref;

	lib_begin(t);
	ref = xrc_setup_grant(t, a, 0, true);
	lib_open_all(t, &h);
	if (!h.xgt)
		h.xgt = lib_open_gnttab(t);
	/* The grant maps before restricting: what changes is the restriction. */
	XRC_SETUP(t, lib_map_grant(t, h.xgt, a, ref));
	lib_restrict_all(t, a);
	XRC_OBSERVE(t, lib_map_grant(t, h.xgt, a, ref));
}

/* xen_version needs no hypercall buffer: the ioctl itself is judged. */
void lib_restrict_all_xencall_xen_version(struct xrc_ctx *t)
{
	struct lib_handles h;

	lib_begin(t);
	lib_open_all(t, &h);
	XRC_SETUP(t, xencall2(h.call, __HYPERVISOR_xen_version,
			      XENVER_version, 0));
	lib_restrict_all(t, xrc_domains(t)->a);
	XRC_OBSERVE(t, xencall2(h.call, __HYPERVISOR_xen_version,
				XENVER_version, 0));
}
