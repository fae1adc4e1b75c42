/* SPDX-License-Identifier: MIT */
/*
 * xenforeignmemory_restrict and what a handle so restricted can map
 * (rows/lib.rows).  The library issues privcmd RESTRICT, MMAPBATCH_V2 and
 * MMAP_RESOURCE (tools/libs/foreignmemory/linux.c).
 */
#include "bodies.h"

#include "lib-util.h"

/* A foreignmemory handle restricted to a. */
static xenforeignmemory_handle *restricted_fmem(struct xrc_ctx *t)
{
	xenforeignmemory_handle *fmem;

	lib_begin(t);
	fmem = lib_open_fmem(t);
	lib_restrict_fmem(t, fmem, xrc_domains(t)->a);
	return fmem;
}

void lib_foreignmemory_restrict(struct xrc_ctx *t)
{
	xenforeignmemory_handle *fmem;

	lib_begin(t);
	fmem = lib_open_fmem(t);
	XRC_OBSERVE(t, xenforeignmemory_restrict(fmem, xrc_domains(t)->a));
}

void lib_foreignmemory_map_target(struct xrc_ctx *t)
{
	xenforeignmemory_handle *fmem = restricted_fmem(t);

	XRC_OBSERVE(t, lib_map_gfn0(t, fmem, xrc_domains(t)->a));
}

void lib_foreignmemory_map_other(struct xrc_ctx *t)
{
	xenforeignmemory_handle *fmem = restricted_fmem(t);

	XRC_OBSERVE(t, lib_map_gfn0(t, fmem, xrc_domains(t)->b));
}

/* The other domain's grant table maps while unrestricted (fresh handle). */
void lib_foreignmemory_map_resource_other(struct xrc_ctx *t)
{
	uint16_t b = xrc_domains(t)->b;
	xenforeignmemory_handle *fmem;

	lib_begin(t);
	XRC_SETUP(t, lib_map_grant_frame(t, lib_open_fmem(t), b));
	fmem = restricted_fmem(t);
	XRC_OBSERVE(t, lib_map_grant_frame(t, fmem, b));
}
