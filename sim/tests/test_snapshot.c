/* SPDX-License-Identifier: MIT */
/*
 * World snapshots (sim/machine/snapshot.c): a restore puts back exactly
 * the state at the snapshot, selectively from the effect log, whole with
 * extra == NULL; domains created since are forgotten.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include <xensim/device.h>
#include <xensim/machine.h>
#include <xensim/world.h>

#include "support/world_helpers.h"

struct fx {
	struct xsim_world *w;
	struct xsim_snapshot *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->w = wh_world("proposed", false);
	assert_int_equal(xsim_snapshot_take(f->w, &f->s), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	xsim_snapshot_free(f->s);
	xsim_world_detach(f->w);
	free(f);
	return 0;
}

static void assert_same(struct fx *f)
{
	char what[64];
	int n = xsim_snapshot_diff(f->w, f->s, what, sizeof(what));

	if (n)
		fail_msg("%d regions differ, first: %s", n, what);
}

static void test_untouched_is_same(void **state)
{
	struct fx *f = *state;

	assert_same(f);
	xsim_snapshot_restore(f->w, f->s, NULL, 0);
	assert_same(f);
}

/* Changes through the machine, each logged against the domain it hits. */
static void change_guests(struct xsim_world *w)
{
	struct xsim_caller dom0 = wh_caller(w, 0);
	uint32_t port, page;
	uint8_t byte = 0x5a;

	xsim_lock(w);
	assert_int_equal(xsim_mem_populate(&dom0, 1, 300, 2), 0);
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, 0, 2, &port), 0);
	assert_int_equal(xsim_gnttab_map(&dom0, 3, 8, false, &page), 0);
	assert_int_equal(xsim_gnttab_copy(&dom0, 2, 9, 16, &byte, 1, true), 0);
	xsim_unlock(w);
}

static void test_selective_restore(void **state)
{
	struct fx *f = *state;
	/* dom0's own ports changed unlogged: named, as a caller would. */
	const struct xsim_snapshot_extra dom0 = { 0, XSIM_OP_EVTCHN };

	change_guests(f->w);
	assert_int_not_equal(xsim_snapshot_diff(f->w, f->s, NULL, 0), 0);
	xsim_snapshot_restore(f->w, f->s, &dom0, 1);
	assert_same(f);
}

static void test_unnamed_caller_is_missed(void **state)
{
	struct fx *f = *state;
	const struct xsim_snapshot_extra nobody = { 0x7FF4, 0 };

	/* dom0's unbound port is its own business: nothing logs it. */
	change_guests(f->w);
	xsim_snapshot_restore(f->w, f->s, &nobody, 0);
	assert_int_not_equal(xsim_snapshot_diff(f->w, f->s, NULL, 0), 0);
	xsim_snapshot_restore(f->w, f->s, NULL, 0);
	assert_same(f);
}

static void test_created_domain_forgotten(void **state)
{
	struct fx *f = *state;
	struct xsim_caller dom0 = wh_caller(f->w, 0);
	struct xsim_domain_config cfg = { .domid = 7, .max_vcpus = 1,
					  .max_pages = 16 };
	uint16_t id;

	xsim_lock(f->w);
	assert_int_equal(xsim_domain_create(&dom0, &cfg, &id), 0);
	assert_int_equal(xsim_mem_populate(&dom0, 7, 0, 4), 0);
	xsim_unlock(f->w);
	assert_true(xsim_domain_exists(f->w, 7));
	xsim_snapshot_restore(f->w, f->s, NULL, 0);
	assert_false(xsim_domain_exists(f->w, 7));
	assert_same(f);
}

static void test_handles_restored(void **state)
{
	struct fx *f = *state;
	struct xsim_file h;
	struct xsim_world_stats st;

	assert_int_equal(xsim_dev_open(f->w, XSIM_DEV_EVTCHN, 0, &h), 0);
	xsim_world_stats(f->w, &st);
	assert_int_equal(st.handles_open, 1);
	xsim_snapshot_restore(f->w, f->s, NULL, 0);
	xsim_world_stats(f->w, &st);
	assert_int_equal(st.handles_open, 0);
	assert_false(xsim_file_valid(f->w, h, NULL));
	assert_same(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_untouched_is_same, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_selective_restore, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unnamed_caller_is_missed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_created_domain_forgotten,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_handles_restored, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
