/* SPDX-License-Identifier: MIT */
/*
 * xentoolcore_restrict_all itself: over clean handles, again, to another
 * domid, and over a handle already restricted (rows/lib.rows).
 *
 * xentoolcore keeps one list of every library handle, newest first
 * (tools/libs/toolcore/handlereg.c), and stops at the first callback that
 * fails, with no rollback.  Which handle answers a repeated call, and
 * which are left unrestricted, therefore depends on the order the handles
 * were opened in: each body fixes that order.
 */
#include "bodies.h"

#include "lib-util.h"

void lib_restrict_all_clean(struct xrc_ctx *t)
{
	struct lib_handles h;

	lib_begin(t);
	lib_open_all(t, &h);
	XRC_OBSERVE(t, xentoolcore_restrict_all(xrc_domains(t)->a));
}

/* Linux privcmd says 0 to the same domid again; evtchn EACCES. */
void lib_restrict_all_same_domid(struct xrc_ctx *t)
{
	uint16_t a = xrc_domains(t)->a;
	struct lib_handles h;

	lib_begin(t);
	lib_open_all(t, &h);
	lib_restrict_all(t, a);
	XRC_OBSERVE(t, xentoolcore_restrict_all(a));
}

/* evtchn first, foreignmemory last: privcmd's RESTRICT answers first. */
static void open_privcmd_last(struct xrc_ctx *t, struct lib_handles *h)
{
	h->xce = lib_open_evtchn(t);
	h->call = lib_open_call(t);
	h->dmod = lib_open_dmod(t);
	h->fmem = lib_open_fmem(t);
}

void lib_restrict_all_other_domid_privcmd_first(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	struct lib_handles h = { 0 };

	lib_begin(t);
	open_privcmd_last(t, &h);
	lib_restrict_all(t, d->a);
	XRC_OBSERVE(t, xentoolcore_restrict_all(d->b));
}

void lib_restrict_all_other_domid_evtchn_first(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);

	lib_begin(t);
	lib_open_call(t);
	lib_open_fmem(t);
	lib_open_dmod(t);
	lib_open_evtchn(t);
	lib_restrict_all(t, d->a);
	XRC_OBSERVE(t, xentoolcore_restrict_all(d->b));
}

/*
 * The refused call must not have moved the restriction: foreignmemory is
 * the newest handle, so its RESTRICT to b is actually attempted.
 */
void lib_restrict_all_other_domid_keeps_first(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	struct lib_handles h = { 0 };

	lib_begin(t);
	open_privcmd_last(t, &h);
	lib_restrict_all(t, d->a);
	/* Its answer is judged by the rows above; here only its effect. */
	(void)xentoolcore_restrict_all(d->b);
	XRC_OBSERVE(t, lib_map_gfn0(t, h.fmem, d->b));
}

/*
 * A foreignmemory handle opened before an evtchn handle that is already
 * restricted, and one opened after it: restrict_all reaches the newer
 * one, then the evtchn handle, and stops there if that one refuses.
 */
struct partial {
	xenforeignmemory_handle *fmem_before;
	xenevtchn_handle *xce;
	xenforeignmemory_handle *fmem_after;
};

static void partial_setup(struct xrc_ctx *t, struct partial *p, uint16_t a)
{
	p->fmem_before = lib_open_fmem(t);
	p->xce = lib_open_evtchn(t);
	lib_restrict_evtchn(t, p->xce, a);
	p->fmem_after = lib_open_fmem(t);
}

void lib_restrict_all_partial(struct xrc_ctx *t)
{
	uint16_t a = xrc_domains(t)->a;
	struct partial p;

	lib_begin(t);
	partial_setup(t, &p, a);
	XRC_OBSERVE(t, xentoolcore_restrict_all(a));
}

void lib_restrict_all_partial_leaves_unrestricted(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	struct partial p;

	lib_begin(t);
	partial_setup(t, &p, d->a);
	(void)xentoolcore_restrict_all(d->a);
	XRC_OBSERVE(t, lib_map_gfn0(t, p.fmem_before, d->b));
}
