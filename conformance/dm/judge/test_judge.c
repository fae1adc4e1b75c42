/* SPDX-License-Identifier: MIT */
/*
 * xensim-dm-report's judgement (judge.c) against made-up effect logs:
 * what a device model like QEMU leaves in the log, with and without the
 * things the report must catch.  No world: the records are built here.
 * Needs CMOCKA_MESSAGE_OUTPUT=TAP for TAP output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xensim/device.h>
#include <xensim/effect.h>

#include "judge.h"
/* The table the fuzz oracle's view is tested on too (sim/tests/test_escape.c). */
#include "../../../sim/tests/escape_cases.h"

#define QEMU	4242u
#define OWN	5u
#define OTHER	4u
#define ID(slot, gen)	((uint32_t)(slot) | (uint32_t)(gen) << 24)

struct run {
	struct dm_judge j;
	char *text;
	size_t len;
	FILE *out;
	uint64_t seq;
};

static void start(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->out = open_memstream(&r->text, &r->len);
	assert_non_null(r->out);
	dmj_init(&r->j, r->out, QEMU, OWN);
}

static void add(struct run *r, uint32_t pid, uint32_t handle, uint16_t domid,
		uint8_t kind, uint8_t op, uint32_t subop)
{
	struct xsim_effect e = {
		.seq = ++r->seq, .handle = handle, .pid = pid, .domid = domid,
		.kind = kind, .op = op, .subop = subop,
	};

	dmj_effect(&r->j, &e);
}

/* A handle's open or close from dom0, as sim/dev/device.c logs it. */
static uint64_t life(struct run *r, uint32_t pid, uint32_t handle,
		     uint8_t kind, int dev)
{
	struct xsim_effect e = {
		.seq = ++r->seq, .handle = handle, .pid = pid, .domid = 0,
		.kind = kind, .op = XSIM_OP_HANDLE, .subop = (uint32_t)dev,
		.detail = XSIM_EFF_UNRESTRICTED,
	};

	dmj_effect(&r->j, &e);
	return e.seq;
}

/*
 * What QEMU 7.2 did on the sim up to its restrict
 * (conformance/dm/README.md).
 */
static void qemu_start_up(struct run *r)
{
	add(r, QEMU, ID(24, 1), OWN, XSIM_EFF_WRITE, XSIM_OP_DM_OP, 1);
	add(r, QEMU, ID(21, 1), OWN, XSIM_EFF_MAP, XSIM_OP_RESOURCE, 0);
	add(r, QEMU, ID(25, 1), OWN, XSIM_EFF_WRITE, XSIM_OP_EVTCHN, 0);
	add(r, QEMU, XSIM_EFF_NO_HANDLE, OWN, XSIM_EFF_WRITE,
	    XSIM_OP_EVTCHN, 0);
	/* Another process (the toolstack) touching other guests: not QEMU. */
	add(r, 1, ID(3, 1), OTHER, XSIM_EFF_WRITE, XSIM_OP_DOMAIN, 0);
	add(r, QEMU, ID(25, 1), OWN, XSIM_EFF_RESTRICT, XSIM_OP_RESTRICT,
	    XSIM_DEV_EVTCHN);
	add(r, QEMU, ID(24, 1), OWN, XSIM_EFF_RESTRICT, XSIM_OP_RESTRICT,
	    XSIM_DEV_PRIVCMD);
	add(r, QEMU, ID(21, 1), OWN, XSIM_EFF_RESTRICT, XSIM_OP_RESTRICT,
	    XSIM_DEV_PRIVCMD);
}

/* Serving ioreqs: port notifications and guest RAM through the mapcache. */
static void qemu_serves(struct run *r)
{
	add(r, QEMU, ID(25, 1), OWN, XSIM_EFF_EVENT, XSIM_OP_EVTCHN, 4);
	add(r, QEMU, ID(21, 1), OWN, XSIM_EFF_MAP, XSIM_OP_FOREIGN_MAP, 1);
	add(r, QEMU, ID(24, 1), OWN, XSIM_EFF_EVENT, XSIM_OP_DM_OP, 9);
	add(r, 1, ID(3, 1), OTHER, XSIM_EFF_READ, XSIM_OP_DOMAIN, 0);
}

static unsigned finish(struct run *r, bool expect_restrict)
{
	unsigned fails;

	dmj_fresh_from_log(&r->j);
	fails = dmj_report(&r->j, expect_restrict);
	fclose(r->out);
	return fails;
}

static void done(struct run *r)
{
	free(r->text);
}

static void clean_run_passes(void **state)
{
	struct run r;

	(void)state;
	start(&r);
	qemu_start_up(&r);
	qemu_serves(&r);
	assert_int_equal(finish(&r, true), 0);
	assert_int_equal(r.j.findings, 0);
	assert_int_equal(r.j.on_behalf, 1);
	assert_non_null(strstr(r.text, "summary: 0 FAIL, 0 FINDING"));
	assert_non_null(strstr(r.text, "only its own domain was touched"));
	done(&r);
}

static void other_domain_after_restrict_fails(void **state)
{
	struct run r;

	(void)state;
	start(&r);
	qemu_start_up(&r);
	add(&r, QEMU, ID(21, 1), OTHER, XSIM_EFF_MAP, XSIM_OP_FOREIGN_MAP, 1);
	assert_int_equal(finish(&r, true), 1);
	assert_non_null(strstr(r.text, "FAIL: after restricting, handle 21/1 "
				"(privcmd) touched domain 4"));
	done(&r);
}

static void other_domain_before_restrict_is_fine(void **state)
{
	struct run r;

	(void)state;
	start(&r);
	add(&r, QEMU, ID(24, 1), OTHER, XSIM_EFF_READ, XSIM_OP_DOMAIN, 0);
	qemu_start_up(&r);
	assert_int_equal(finish(&r, true), 0);
	assert_non_null(strstr(r.text, "before: domain 4, 1 effects"));
	done(&r);
}

/* QEMU on real Xen: a new evtchn fd after restricting, left unrestricted. */
static void fresh_handle_is_a_finding_not_a_fail(void **state)
{
	struct run r;

	(void)state;
	start(&r);
	qemu_start_up(&r);
	qemu_serves(&r);
	add(&r, QEMU, ID(30, 2), OWN, XSIM_EFF_WRITE, XSIM_OP_EVTCHN, 0);
	add(&r, QEMU, ID(30, 2), OWN, XSIM_EFF_EVENT, XSIM_OP_EVTCHN, 4);
	/*
	 * Seen again in the handle table (as the tool does, after the
	 * log): one finding, not two.
	 */
	dmj_fresh_from_log(&r.j);
	dmj_live_handle(&r.j, XSIM_DEV_EVTCHN, 30, 2, false);
	assert_int_equal(finish(&r, true), 0);
	assert_int_equal(r.j.findings, 1);
	assert_non_null(strstr(r.text, "FINDING: evtchn handle 30/2 of pid "
				"4242 was opened and used after the restrict"));
	assert_non_null(strstr(r.text, "fresh handle unrestricted: the "
				"contract's 'a new open() bypasses it'"));
	assert_non_null(strstr(r.text, "summary: 0 FAIL, 1 FINDING"));
	done(&r);
}

/* Opened after the restrict, not used yet: the handle table shows it. */
static void idle_fresh_handle_from_the_table(void **state)
{
	struct run r;

	(void)state;
	start(&r);
	qemu_start_up(&r);
	dmj_fresh_from_log(&r.j);
	dmj_live_handle(&r.j, XSIM_DEV_PRIVCMD, 24, 1, true);
	dmj_live_handle(&r.j, XSIM_DEV_GNTDEV, 31, 1, false);
	dmj_live_handle(&r.j, XSIM_NR_DEVS, 32, 1, false); /* not a device */
	assert_int_equal(finish(&r, true), 0);
	assert_int_equal(r.j.findings, 1);
	assert_non_null(strstr(r.text, "FINDING: gntdev handle 31/1 of pid "
				"4242 is open after the restrict"));
	done(&r);
}

/* A fresh handle that QEMU restricts itself is not a finding. */
static void fresh_handle_restricted_later(void **state)
{
	struct run r;

	(void)state;
	start(&r);
	qemu_start_up(&r);
	add(&r, QEMU, ID(30, 2), OWN, XSIM_EFF_RESTRICT, XSIM_OP_RESTRICT,
	    XSIM_DEV_EVTCHN);
	add(&r, QEMU, ID(30, 2), OWN, XSIM_EFF_EVENT, XSIM_OP_EVTCHN, 4);
	dmj_live_handle(&r.j, XSIM_DEV_EVTCHN, 30, 2, true);
	assert_int_equal(finish(&r, true), 0);
	assert_int_equal(r.j.findings, 0);
	done(&r);
}

/*
 * QEMU 7.2 with a vkbd present from the start (conformance/dm/README.md,
 * --pv-backend=before): four evtchn handles opened after the restrict,
 * each closed at once, touching nothing.  Only OPEN/CLOSE show them.
 */
static void fresh_open_closed_at_once(void **state)
{
	char want[200];
	struct run r;
	uint64_t o, c;
	unsigned i;

	(void)state;
	start(&r);
	life(&r, QEMU, ID(26, 3), XSIM_EFF_OPEN, XSIM_DEV_EVTCHN);
	qemu_start_up(&r);
	add(&r, QEMU, ID(26, 3), OWN, XSIM_EFF_RESTRICT, XSIM_OP_RESTRICT,
	    XSIM_DEV_EVTCHN);
	qemu_serves(&r);
	life(&r, QEMU, ID(26, 3), XSIM_EFF_CLOSE, XSIM_DEV_EVTCHN);
	for (i = 0; i < 4; i++) {
		o = life(&r, QEMU, ID(26, 5 + 2 * i), XSIM_EFF_OPEN,
			 XSIM_DEV_EVTCHN);
		c = life(&r, QEMU, ID(26, 5 + 2 * i), XSIM_EFF_CLOSE,
			 XSIM_DEV_EVTCHN);
	}
	assert_int_equal(finish(&r, true), 0);
	assert_int_equal(r.j.findings, 4);
	snprintf(want, sizeof(want), "FINDING: evtchn handle 26/11 of pid "
		 "4242 was opened at #%llu after the restrict, never "
		 "restricted, closed at #%llu, touched nothing: fresh handle "
		 "unrestricted: the contract's 'a new open() bypasses it'",
		 (unsigned long long)o, (unsigned long long)c);
	assert_non_null(strstr(r.text, want));
	snprintf(want, sizeof(want), "handle 26/11 evtchn: never restricted; "
		 "opened at #%llu, closed at #%llu", (unsigned long long)o,
		 (unsigned long long)c);
	assert_non_null(strstr(r.text, want));
	/* The one opened before and restricted is not a finding. */
	assert_null(strstr(r.text, "handle 26/3 of pid"));
	assert_non_null(strstr(r.text, "summary: 0 FAIL, 4 FINDING"));
	done(&r);
}

/* Opened after, used on its own domain, still held: one finding. */
static void fresh_open_used_and_held(void **state)
{
	struct run r;

	(void)state;
	start(&r);
	qemu_start_up(&r);
	life(&r, QEMU, ID(40, 1), XSIM_EFF_OPEN, XSIM_DEV_GNTDEV);
	add(&r, QEMU, ID(40, 1), OWN, XSIM_EFF_MAP, XSIM_OP_GNTTAB, 0);
	dmj_fresh_from_log(&r.j);
	dmj_live_handle(&r.j, XSIM_DEV_GNTDEV, 40, 1, false);
	assert_int_equal(finish(&r, true), 0);
	assert_int_equal(r.j.findings, 1);
	assert_non_null(strstr(r.text, "FINDING: gntdev handle 40/1 of pid "
				"4242 was opened at #"));
	assert_non_null(strstr(r.text, "never restricted, still open, "
				"touched domain 5 (1 effects): fresh"));
	done(&r);
}

/*
 * Not findings: a handle born restricted (XSA-482, OPEN then RESTRICT),
 * one restricted right after its open, another process's open, and
 * /dev/xen/hypercall, which has no restrict to bypass.
 */
static void opens_that_are_not_findings(void **state)
{
	struct run r;

	(void)state;
	start(&r);
	qemu_start_up(&r);
	life(&r, QEMU, ID(41, 1), XSIM_EFF_OPEN, XSIM_DEV_PRIVCMD);
	add(&r, QEMU, ID(41, 1), OWN, XSIM_EFF_RESTRICT, XSIM_OP_RESTRICT,
	    XSIM_DEV_PRIVCMD);
	life(&r, QEMU, ID(42, 1), XSIM_EFF_OPEN, XSIM_DEV_EVTCHN);
	add(&r, QEMU, ID(42, 1), OWN, XSIM_EFF_RESTRICT, XSIM_OP_RESTRICT,
	    XSIM_DEV_EVTCHN);
	add(&r, QEMU, ID(42, 1), OWN, XSIM_EFF_EVENT, XSIM_OP_EVTCHN, 4);
	life(&r, 1, ID(43, 1), XSIM_EFF_OPEN, XSIM_DEV_PRIVCMD);
	add(&r, 1, ID(43, 1), OTHER, XSIM_EFF_WRITE, XSIM_OP_DOMAIN, 0);
	life(&r, QEMU, ID(44, 1), XSIM_EFF_OPEN, XSIM_DEV_HYPERCALL);
	assert_int_equal(finish(&r, true), 0);
	assert_int_equal(r.j.findings, 0);
	assert_non_null(strstr(r.text, "handle 44/1 hypercall: never "
				"restricted; opened at #"));
	/* Opens touch nothing: the clean run's verdict is unchanged. */
	assert_non_null(strstr(r.text, "summary: 0 FAIL, 0 FINDING"));
	done(&r);
}

/* A close by another process (the world's clean-up) still counts. */
static void close_by_another_process(void **state)
{
	struct run r;
	uint64_t o, c;
	char want[120];

	(void)state;
	start(&r);
	qemu_start_up(&r);
	o = life(&r, QEMU, ID(45, 1), XSIM_EFF_OPEN, XSIM_DEV_EVTCHN);
	c = life(&r, 1, ID(45, 1), XSIM_EFF_CLOSE, XSIM_DEV_EVTCHN);
	/* The slot's next life, another process's: not QEMU's handle. */
	life(&r, 1, ID(45, 2), XSIM_EFF_OPEN, XSIM_DEV_EVTCHN);
	assert_int_equal(finish(&r, true), 0);
	assert_int_equal(r.j.findings, 1);
	snprintf(want, sizeof(want), "was opened at #%llu after the restrict, "
		 "never restricted, closed at #%llu, touched nothing",
		 (unsigned long long)o, (unsigned long long)c);
	assert_non_null(strstr(r.text, want));
	assert_null(strstr(r.text, "handle 45/2"));
	done(&r);
}

static void no_restrict(void **state)
{
	struct run r;

	(void)state;
	start(&r);
	add(&r, QEMU, ID(24, 1), OWN, XSIM_EFF_WRITE, XSIM_OP_DM_OP, 1);
	dmj_live_handle(&r.j, XSIM_DEV_EVTCHN, 25, 1, false);
	assert_int_equal(finish(&r, true), 1);
	assert_non_null(strstr(r.text, "FAIL: pid 4242 never restricted"));
	assert_int_equal(r.j.findings, 0);
	done(&r);
	/* --unrestricted: nothing to judge, and that passes. */
	start(&r);
	add(&r, QEMU, ID(24, 1), OTHER, XSIM_EFF_WRITE, XSIM_OP_DM_OP, 1);
	assert_int_equal(finish(&r, false), 0);
	assert_non_null(strstr(r.text, "no restrict, nothing to judge"));
	done(&r);
}

/* More handles than the report holds: a FAIL, never a silent pass. */
static void too_many_handles_fail(void **state)
{
	struct run r;
	uint32_t i;

	(void)state;
	start(&r);
	qemu_start_up(&r);
	for (i = 0; i < DMJ_MAX_HANDLES + 3; i++)
		add(&r, QEMU, ID(100 + i, 1), OWN, XSIM_EFF_READ,
		    XSIM_OP_DOMAIN, 0);
	assert_true(finish(&r, true) >= 1);
	assert_non_null(strstr(r.text, "handles beyond the report's"));
	done(&r);
}

/*
 * The shared escape cases: xensim-dm-report must count the escapes and
 * refusals the per-handle view does, case by case.
 */
static void shared_escape_cases(void **state)
{
	unsigned i, k;

	(void)state;
	for (i = 0; i < NR_ESCAPE_CASES; i++) {
		const struct escape_case *c = &escape_cases[i];
		struct run r;

		start(&r);
		dmj_init(&r.j, r.out, QEMU, EC_TARGET);
		life(&r, QEMU, ID(50, 1), XSIM_EFF_OPEN, c->dev);
		for (k = 0; k < c->n; k++) {
			const struct escape_case_rec *x = &c->rec[k];
			struct xsim_effect e = {
				.seq = ++r.seq, .handle = ID(50, 1),
				.pid = QEMU, .domid = x->domid, .kind = x->kind,
				.op = x->op, .subop = x->subop,
				.detail = x->detail,
			};

			dmj_effect(&r.j, &e);
		}
		(void)finish(&r, true);
		if (r.j.fails != c->escapes || r.j.refused != c->refused)
			fail_msg("case \"%s\": %u FAIL, %u refused; want %u, "
				 "%u\n%s", c->name, r.j.fails, r.j.refused,
				 c->escapes, c->refused, r.text);
		if (c->refused)
			assert_non_null(strstr(r.text, "refused: after "
					       "restricting, handle 50/1"));
		done(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_run_passes),
		cmocka_unit_test(other_domain_after_restrict_fails),
		cmocka_unit_test(other_domain_before_restrict_is_fine),
		cmocka_unit_test(fresh_handle_is_a_finding_not_a_fail),
		cmocka_unit_test(idle_fresh_handle_from_the_table),
		cmocka_unit_test(fresh_handle_restricted_later),
		cmocka_unit_test(fresh_open_closed_at_once),
		cmocka_unit_test(fresh_open_used_and_held),
		cmocka_unit_test(opens_that_are_not_findings),
		cmocka_unit_test(close_by_another_process),
		cmocka_unit_test(no_restrict),
		cmocka_unit_test(too_many_handles_fail),
		cmocka_unit_test(shared_escape_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
