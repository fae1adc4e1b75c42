/* SPDX-License-Identifier: MIT */
/*
 * One table of made-up effect logs for the project's two escape judges:
 * sim/tests/test_escape.c runs each through the per-handle view (what the
 * fuzz escape oracle calls, xsim_escape_handle_effect) and
 * conformance/dm/judge/test_judge.c through xensim-dm-report's per-process
 * judgement (dmj_effect).  Both must count the same escapes and refusals,
 * so that the judges cannot drift apart again.
 *
 * Each case is one handle of dev opened from dom0, restricted to TARGET
 * by a RESTRICT record in its log (the process's first restrict too).
 * Records name the domain touched, as the machine logs them.
 */
#ifndef XENSIM_TEST_ESCAPE_CASES_H
#define XENSIM_TEST_ESCAPE_CASES_H

#include <stdint.h>

#include <xensim/effect.h>
#include <xensim/profile.h>

#define EC_TARGET	5u
#define EC_OTHER	4u

/* Subops as the machine logs them (Xen public headers, sim/machine/gnttab.c). */
#define EC_GNTTABOP_MAP		0u
#define EC_GNTTABOP_UNMAP	1u
#define EC_GRANT_PAGE		0x101u
#define EC_END_ACCESS		0x102u
#define EC_EVTCHNOP_SEND	4u

struct escape_case_rec {
	uint8_t kind, op;
	uint32_t subop;
	uint16_t domid;
	uint64_t detail;
};

struct escape_case {
	const char *name;
	int dev;
	unsigned escapes;	/* FAILs / escape findings */
	unsigned refused;	/* REFUSED records */
	unsigned n;
	struct escape_case_rec rec[6];
};

#define EC_RESTRICT	{ XSIM_EFF_RESTRICT, XSIM_OP_RESTRICT, 0, EC_TARGET, 0 }

static const struct escape_case escape_cases[] = {
	{ "evtchn: an event to the target after the restrict", XSIM_DEV_EVTCHN,
	  0, 0, 2, {
		EC_RESTRICT,
		{ XSIM_EFF_EVENT, XSIM_OP_EVTCHN, EC_EVTCHNOP_SEND, EC_TARGET, 3 },
	} },
	{ "privcmd: another domain before the restrict is fine", XSIM_DEV_PRIVCMD,
	  0, 0, 2, {
		{ XSIM_EFF_READ, XSIM_OP_DOMAIN, 0, EC_OTHER, 0 },
		EC_RESTRICT,
	} },
	{ "privcmd: a foreign map of another domain after the restrict",
	  XSIM_DEV_PRIVCMD, 1, 0, 2, {
		EC_RESTRICT,
		{ XSIM_EFF_MAP, XSIM_OP_FOREIGN_MAP, 1, EC_OTHER, 7 },
	} },
	{ "privcmd: mapping the same page again is no use of a holding",
	  XSIM_DEV_PRIVCMD, 1, 0, 3, {
		{ XSIM_EFF_MAP, XSIM_OP_FOREIGN_MAP, 1, EC_OTHER, 7 },
		EC_RESTRICT,
		{ XSIM_EFF_MAP, XSIM_OP_FOREIGN_MAP, 1, EC_OTHER, 7 },
	} },
	{ "evtchn: a port bound before the restrict is notified (carried)",
	  XSIM_DEV_EVTCHN, 0, 0, 3, {
		{ XSIM_EFF_WRITE, XSIM_OP_EVTCHN, 3, EC_OTHER, 2 },
		EC_RESTRICT,
		{ XSIM_EFF_EVENT, XSIM_OP_EVTCHN, EC_EVTCHNOP_SEND, EC_OTHER, 2 },
	} },
	{ "evtchn: an event on a port it never held before",
	  XSIM_DEV_EVTCHN, 1, 0, 3, {
		{ XSIM_EFF_WRITE, XSIM_OP_EVTCHN, 3, EC_OTHER, 2 },
		EC_RESTRICT,
		{ XSIM_EFF_EVENT, XSIM_OP_EVTCHN, EC_EVTCHNOP_SEND, EC_OTHER, 9 },
	} },
	{ "gntdev: mmap after the restrict of a grant recorded before (deferred)",
	  XSIM_DEV_GNTDEV, 1, 0, 2, {
		EC_RESTRICT,
		{ XSIM_EFF_MAP, XSIM_OP_GNTTAB, EC_GNTTABOP_MAP, EC_OTHER, 8 },
	} },
	{ "gntdev: the same mmap refused by the device", XSIM_DEV_GNTDEV,
	  0, 1, 2, {
		EC_RESTRICT,
		{ XSIM_EFF_REFUSED, XSIM_OP_GNTTAB, EC_GNTTABOP_MAP, EC_OTHER, 8 },
	} },
	{ "gntdev: unmapping after the restrict what was mapped before (carried)",
	  XSIM_DEV_GNTDEV, 0, 0, 3, {
		{ XSIM_EFF_MAP, XSIM_OP_GNTTAB, EC_GNTTABOP_MAP, EC_OTHER, 8 },
		EC_RESTRICT,
		{ XSIM_EFF_WRITE, XSIM_OP_GNTTAB, EC_GNTTABOP_UNMAP, EC_OTHER, 8 },
	} },
	{ "gntdev: a map is never carried, even of a ref mapped before",
	  XSIM_DEV_GNTDEV, 1, 0, 3, {
		{ XSIM_EFF_MAP, XSIM_OP_GNTTAB, EC_GNTTABOP_MAP, EC_OTHER, 8 },
		EC_RESTRICT,
		{ XSIM_EFF_MAP, XSIM_OP_GNTTAB, EC_GNTTABOP_MAP, EC_OTHER, 8 },
	} },
	{ "gntdev: an unmap notification into another domain (deferred)",
	  XSIM_DEV_GNTDEV, 1, 0, 3, {
		{ XSIM_EFF_MAP, XSIM_OP_GNTTAB, EC_GNTTABOP_MAP, EC_TARGET, 8 },
		EC_RESTRICT,
		{ XSIM_EFF_EVENT, XSIM_OP_EVTCHN, EC_EVTCHNOP_SEND, EC_OTHER, 2 },
	} },
	{ "gntalloc: an unmap notification into another domain (deferred)",
	  XSIM_DEV_GNTALLOC, 1, 0, 4, {
		{ XSIM_EFF_WRITE, XSIM_OP_GNTTAB, EC_GRANT_PAGE, EC_OTHER, 12 },
		EC_RESTRICT,
		{ XSIM_EFF_EVENT, XSIM_OP_EVTCHN, EC_EVTCHNOP_SEND, EC_OTHER, 2 },
		{ XSIM_EFF_WRITE, XSIM_OP_GNTTAB, EC_END_ACCESS, EC_OTHER, 12 },
	} },
	{ "gntalloc: a notification sent before does not carry the next one",
	  XSIM_DEV_GNTALLOC, 1, 0, 3, {
		{ XSIM_EFF_EVENT, XSIM_OP_EVTCHN, EC_EVTCHNOP_SEND, EC_OTHER, 2 },
		EC_RESTRICT,
		{ XSIM_EFF_EVENT, XSIM_OP_EVTCHN, EC_EVTCHNOP_SEND, EC_OTHER, 2 },
	} },
	{ "gntalloc: the notification refused, the grant still ended (carried)",
	  XSIM_DEV_GNTALLOC, 0, 1, 4, {
		{ XSIM_EFF_WRITE, XSIM_OP_GNTTAB, EC_GRANT_PAGE, EC_OTHER, 12 },
		EC_RESTRICT,
		{ XSIM_EFF_REFUSED, XSIM_OP_EVTCHN, EC_EVTCHNOP_SEND, EC_OTHER, 2 },
		{ XSIM_EFF_WRITE, XSIM_OP_GNTTAB, EC_END_ACCESS, EC_OTHER, 12 },
	} },
	{ "gntalloc: ending a grant it never made", XSIM_DEV_GNTALLOC,
	  1, 0, 2, {
		EC_RESTRICT,
		{ XSIM_EFF_WRITE, XSIM_OP_GNTTAB, EC_END_ACCESS, EC_OTHER, 12 },
	} },
};

#define NR_ESCAPE_CASES	(sizeof(escape_cases) / sizeof(escape_cases[0]))

#endif /* XENSIM_TEST_ESCAPE_CASES_H */
