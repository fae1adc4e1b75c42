/* SPDX-License-Identifier: MIT */
/*
 * The catalogue: one table, assembled from every row file in rows/ (one
 * per area so that each stays readable).  The build lists them in
 * rows.inc (conformance.mk: every rows/<area>.rows, by name), so adding a
 * row file is adding the file.  Order here is report order.
 *
 * The row files are read three times: to declare the bodies, to check the
 * cells of every row (rows/cells.h), and to build the table.
 */
#include "rows/cells.h"

/* Declare every body. */
#define XRC_ROW(id, body, ...)	void body(struct xrc_ctx *t);
#include "rows.inc"
#undef XRC_ROW

/* Check every row's cells at build time (nothing is emitted). */
#define CELL(sym, value)	sym
#define XRC_ROW(id, body, statement, source, ...)			\
	XRC_CHECK_ROW(body, __VA_ARGS__)
#include "rows.inc"
#undef XRC_ROW
#undef CELL

#define CELL(sym, value)	[XRC_P_##sym] = value
#define XRC_ROW(id_, body_, statement_, source_, ...)			\
	{ .id = id_, .body = body_, .body_name = #body_,		\
	  .statement = statement_, .source = source_,			\
	  .expect = { __VA_ARGS__ } },

const struct xrc_assertion xrc_catalogue[] = {
#include "rows.inc"
	{ 0 }
};
#undef XRC_ROW
#undef CELL

const unsigned xrc_catalogue_len =
	sizeof(xrc_catalogue) / sizeof(xrc_catalogue[0]) - 1;
