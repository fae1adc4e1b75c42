/* SPDX-License-Identifier: MIT */
/*
 * Every test body's prototype, from the row files (the same X-macro trick
 * as conformance/suite/catalogue.c), so that body files compile with
 * -Wmissing-prototypes and a body whose name or signature drifts from its
 * row fails to build.  Include it first in every body file
 * (conformance/suite/bodies/, one file per area).
 */
#ifndef XRC_BODIES_H
#define XRC_BODIES_H

#include <xrc/body.h>

/* rows.inc: every rows file (rows/AREA.rows), listed by suite.mk. */
#define XRC_ROW(id, body, ...)	void body(struct xrc_ctx *t);
#include "rows.inc"
#undef XRC_ROW

#endif /* XRC_BODIES_H */
