/* SPDX-License-Identifier: MIT */
/*
 * xendevicemodel_restrict and the dm_ops a handle so restricted can make
 * (rows/lib.rows).  The library issues privcmd RESTRICT and DM_OP, or
 * falls back to raw hypercalls through xencall where privcmd has no DM_OP
 * (tools/libs/devicemodel/linux.c), and then cannot restrict.
 */
#include "bodies.h"

#include "lib-util.h"

/* A devicemodel handle restricted to dom. */
static xendevicemodel_handle *restricted_dmod(struct xrc_ctx *t, uint16_t dom)
{
	xendevicemodel_handle *dmod;

	lib_begin(t);
	dmod = lib_open_dmod(t);
	lib_restrict_dmod(t, dmod, dom);
	return dmod;
}

void lib_devicemodel_restrict(struct xrc_ctx *t)
{
	xendevicemodel_handle *dmod;

	lib_begin(t);
	dmod = lib_open_dmod(t);
	XRC_OBSERVE(t, xendevicemodel_restrict(dmod, xrc_domains(t)->a));
}

void lib_devicemodel_dm_op_target(struct xrc_ctx *t)
{
	uint16_t a = xrc_domains(t)->a;
	xendevicemodel_handle *dmod = restricted_dmod(t, a);

	XRC_OBSERVE(t, lib_nr_vcpus(dmod, a));
}

void lib_devicemodel_dm_op_other(struct xrc_ctx *t)
{
	xendevicemodel_handle *dmod = restricted_dmod(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, lib_nr_vcpus(dmod, xrc_domains(t)->b));
}

/* Past the kernel's domid check, Xen's dm_op wants an HVM guest. */
void lib_devicemodel_dm_op_pv_target(struct xrc_ctx *t)
{
	uint16_t pv = xrc_domains(t)->pv;
	xendevicemodel_handle *dmod;

	if (pv == XRC_NO_DOMAIN)
		xrc_skip(t, "no PV guest in this world");
	dmod = restricted_dmod(t, pv);
	XRC_OBSERVE(t, lib_nr_vcpus(dmod, pv));
}
