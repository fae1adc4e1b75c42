/* SPDX-License-Identifier: MIT */
/*
 * The catalogue: one table, assembled from the row files in rows/ (one per
 * area so that each stays readable).  Order here is report order.
 */
#include <xrc/catalogue.h>

/* Declare every body. */
#define XRC_ROW(id, body, ...)	void body(struct xrc_ctx *t);
#include "rows/privcmd.rows"
#include "rows/evtchn.rows"
#include "rows/gntdev.rows"
#include "rows/gntalloc.rows"
#include "rows/sharing.rows"
#include "rows/lib.rows"
#include "rows/probe.rows"
#undef XRC_ROW

#define XRC_ROW(id_, body_, statement_, source_, ...)			\
	{ .id = id_, .body = body_, .statement = statement_,		\
	  .source = source_, .expect = { __VA_ARGS__ } },

const struct xrc_assertion xrc_catalogue[] = {
#include "rows/privcmd.rows"
#include "rows/evtchn.rows"
#include "rows/gntdev.rows"
#include "rows/gntalloc.rows"
#include "rows/sharing.rows"
#include "rows/lib.rows"
#include "rows/probe.rows"
	{ 0 }
};
#undef XRC_ROW

const unsigned xrc_catalogue_len =
	sizeof(xrc_catalogue) / sizeof(xrc_catalogue[0]) - 1;
