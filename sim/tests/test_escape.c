/* SPDX-License-Identifier: MIT */
/*
 * The escape rule (<xensim/escape.h>) on the shared table of made-up
 * effect logs (escape_cases.h), through the per-handle view the fuzz
 * escape oracle uses; conformance/dm/judge/test_judge.c runs the same
 * table through xensim-dm-report.  Then the two deferred effects of issue
 * 14 on the devices themselves: refused with EPERM under proposed when
 * they happen (nothing reaches the other domain, the grant is still
 * released, the log holds a REFUSED record and no escape), untouched
 * under linux, where the grant devices have no restrict.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <xensim/device.h>
#include <xensim/escape.h>
#include <xensim/uapi.h>

#include "../machine/layout.h"
#include "escape_cases.h"
#include "gnt_mapper.h"
#include "support/world_helpers.h"

#define ID	(7u | 1u << 24)

/* ---- the rule on the shared table ---- */

static void cases_per_handle(void **state)
{
	static struct xsim_escape_slot slots[32];
	struct xsim_escape_handle h = { 0 };
	unsigned i, k;

	(void)state;
	for (i = 0; i < NR_ESCAPE_CASES; i++) {
		const struct escape_case *c = &escape_cases[i];
		unsigned esc = 0, ref = 0;

		xsim_escape_handle_open(&h, c->dev, 0, slots, 32);
		for (k = 0; k < c->n; k++) {
			const struct escape_case_rec *r = &c->rec[k];
			struct xsim_effect e = {
				.seq = k + 1, .handle = ID, .pid = 1,
				.domid = r->domid, .kind = r->kind, .op = r->op,
				.subop = r->subop, .detail = r->detail,
			};
			enum xsim_escape_verdict v =
				xsim_escape_handle_effect(&h, &e);

			esc += v == XSIM_ESCAPE_YES;
			ref += v == XSIM_ESCAPE_REFUSED;
		}
		if (esc != c->escapes || ref != c->refused)
			fail_msg("case \"%s\": %u escapes, %u refused; want "
				 "%u, %u", c->name, esc, ref, c->escapes,
				 c->refused);
	}
}

/* Unrestricted, nothing is an escape; a record without a handle neither. */
static void rule_edges(void **state)
{
	struct xsim_escape_scope s = { .restricted = false, .dev = -1 };
	struct xsim_effect e = { .handle = ID, .domid = EC_OTHER,
				 .kind = XSIM_EFF_MAP, .op = XSIM_OP_GNTTAB };

	(void)state;
	assert_int_equal(xsim_escape_judge(&s, &e), XSIM_ESCAPE_BEFORE);
	s.restricted = true;
	s.target = EC_TARGET;
	assert_int_equal(xsim_escape_judge(&s, &e), XSIM_ESCAPE_YES);
	e.handle = XSIM_EFF_NO_HANDLE;
	assert_int_equal(xsim_escape_judge(&s, &e), XSIM_ESCAPE_NONE);
	/* Restricted to DOMID_SELF: its own domain is its target. */
	e.handle = ID;
	s.target = XSIM_DOMID_SELF;
	s.caller = EC_OTHER;
	assert_int_equal(xsim_escape_judge(&s, &e), XSIM_ESCAPE_TARGET);
	assert_string_equal(xsim_escape_verdict_name(XSIM_ESCAPE_YES),
			    "escape");
}

/* A full set keeps (domain, family): less precise, never a false escape. */
static void held_set_overflows_to_family(void **state)
{
	struct xsim_escape_slot slots[8];
	struct xsim_escape_held s;
	struct xsim_escape_key k = { EC_OTHER, XSIM_OP_GNTTAB, 0 };
	unsigned i;

	(void)state;
	xsim_escape_held_init(&s, slots, 8);
	for (i = 0; i < 7; i++) {
		k.detail = i;
		xsim_escape_held_add(&s, &k);
	}
	k.detail = 1000;
	assert_true(xsim_escape_held_has(&s, &k));
	k.domid = EC_TARGET;
	assert_false(xsim_escape_held_has(&s, &k));
	xsim_escape_held_clear(&s);
	k.domid = EC_OTHER;
	k.detail = 1;
	assert_false(xsim_escape_held_has(&s, &k));
}

/* ---- the devices: deferred effects held to the restriction ---- */

struct env {
	struct xsim_world *w;
	struct gnt_mapper m;
	struct xsim_file f;
	uint32_t gport, lport;	/* guest 2's port, dom0's end */
};

/* A world, a dom0 port bound to guest 2 by an unrestricted caller. */
static void env_open(struct env *e, const char *profile, enum xsim_dev_kind d)
{
	struct xsim_caller g2, dom0;

	e->w = wh_world(profile, false);
	gnt_mapper_init(&e->m, e->w);
	g2 = wh_caller(e->w, 2);
	dom0 = wh_caller(e->w, 0);
	xsim_lock(e->w);
	assert_int_equal(xsim_evtchn_alloc_unbound(&g2, XSIM_DOMID_SELF, 0,
						   &e->gport), 0);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 2, e->gport,
						      &e->lport), 0);
	xsim_unlock(e->w);
	assert_int_equal(xsim_dev_open(e->w, d, 0, &e->f), 0);
}

static long ioc(struct env *e, unsigned long cmd, const void *arg)
{
	return xsim_dev_ioctl(e->w, e->f, cmd, (uint64_t)(uintptr_t)arg,
			      &e->m.ua);
}

static void restrict_to(struct env *e, unsigned long cmd, uint16_t dom)
{
	struct ioctl_gntdev_restrict_domid r = { .domid = dom };

	assert_int_equal(ioc(e, cmd, &r), 0);
}

static int guest2_pending(struct env *e)
{
	int p;

	xsim_lock(e->w);
	p = xsim_evtchn_guest_pending(e->w, 2, e->gport, true);
	xsim_unlock(e->w);
	return p;
}

/* Records from `from`: escapes by the per-handle rule, and refusals. */
static void judge_log(struct env *e, int dev, uint64_t from, unsigned *esc,
		      unsigned *refused)
{
	static struct xsim_escape_slot slots[64];
	struct xsim_escape_handle h = { 0 };
	struct xsim_effect buf[64];
	uint32_t id = xsim_file_effect_id(e->f);
	long n, i;

	*esc = *refused = 0;
	xsim_escape_handle_open(&h, dev, 0, slots, 64);
	for (;;) {
		n = xsim_effect_read(e->w, from, buf, 64);
		assert_true(n >= 0);
		if (!n)
			return;
		for (i = 0; i < n; i++) {
			enum xsim_escape_verdict v;

			if (buf[i].handle != id)
				continue;
			v = xsim_escape_handle_effect(&h, &buf[i]);
			*esc += v == XSIM_ESCAPE_YES;
			*refused += v == XSIM_ESCAPE_REFUSED;
		}
		from += (uint64_t)n;
	}
}

static long gntdev_map(struct env *e, uint16_t dom, uint32_t ref,
		       uint64_t *index)
{
	struct ioctl_gntdev_map_grant_ref op = { .count = 1 };
	long rc;

	op.refs[0].domid = dom;
	op.refs[0].ref = ref;
	rc = ioc(e, IOCTL_GNTDEV_MAP_GRANT_REF, &op);
	*index = op.index;
	return rc;
}

/* (a): MAP_GRANT_REF of guest 2's grant, restrict to 1, mmap. */
static void gntdev_mmap_recorded_before(const char *profile, int want)
{
	uint8_t *base = gnt_reserve(1);
	unsigned esc, refused;
	uint64_t index, from;
	struct env e;

	env_open(&e, profile, XSIM_DEV_GNTDEV);
	from = xsim_effect_next(e.w);
	assert_int_equal(gntdev_map(&e, 2, 8, &index), 0);
	if (want)
		restrict_to(&e, IOCTL_GNTDEV_RESTRICT_DOMID, 1);
	assert_int_equal(xsim_dev_mmap(e.w, e.f, (uint64_t)(uintptr_t)base,
				       XSIM_PAGE_SIZE, index >> 12,
				       PROT_READ | PROT_WRITE, &e.m.ua),
			 want);
	judge_log(&e, XSIM_DEV_GNTDEV, from, &esc, &refused);
	assert_int_equal(esc, 0);
	assert_int_equal(refused, want ? 1 : 0);
	assert_int_equal(e.m.maps, want ? 0 : 1);
	if (!want)
		xsim_dev_munmap(e.w, e.f, (uint64_t)(uintptr_t)base,
				XSIM_PAGE_SIZE);
	/* The record is still there, and goes. */
	{
		struct ioctl_gntdev_unmap_grant_ref u = { .index = index,
							  .count = 1 };

		assert_int_equal(ioc(&e, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u), 0);
	}
	xsim_dev_release(e.w, e.f);
	xsim_world_detach(e.w);
}

static void gntdev_mmap_other_recorded_before_proposed(void **state)
{
	(void)state;
	gntdev_mmap_recorded_before("proposed", -EPERM);
}

static void gntdev_mmap_other_recorded_before_linux(void **state)
{
	(void)state;
	/* No restrict: the mapping is made, as Linux 6.1 makes it. */
	gntdev_mmap_recorded_before("linux", 0);
}

/* (b), gntdev: restricted to 1, a notification on the port to guest 2. */
static void gntdev_notify_other_domain(void **state)
{
	struct ioctl_gntdev_unmap_notify n = { 0 };
	struct ioctl_gntdev_unmap_grant_ref u = { .count = 1 };
	unsigned esc, refused;
	uint64_t index, from;
	struct env e;

	(void)state;
	env_open(&e, "proposed", XSIM_DEV_GNTDEV);
	from = xsim_effect_next(e.w);
	restrict_to(&e, IOCTL_GNTDEV_RESTRICT_DOMID, 1);
	assert_int_equal(gntdev_map(&e, 1, 8, &index), 0);
	n.index = index;
	n.action = UNMAP_NOTIFY_SEND_EVENT;
	n.event_channel_port = e.lport;
	/* Not an audit: the port's peer is world state, judged later. */
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), 0);
	u.index = index;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u), -EPERM);
	assert_int_equal(guest2_pending(&e), 0);
	/* The record went all the same. */
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u), -ENOENT);
	/* At close(2), which cannot fail: dropped, and logged. */
	assert_int_equal(gntdev_map(&e, 1, 9, &index), 0);
	n.index = index;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), 0);
	judge_log(&e, XSIM_DEV_GNTDEV, from, &esc, &refused);
	xsim_dev_release(e.w, e.f);
	assert_int_equal(guest2_pending(&e), 0);
	assert_int_equal(esc, 0);
	assert_int_equal(refused, 1);
	assert_int_equal(wh_effects_on(e.w, from, 2), 2);	/* 2 REFUSED */
	xsim_world_detach(e.w);
}

static long gntalloc_alloc(struct env *e, uint16_t dom, uint64_t *index)
{
	struct ioctl_gntalloc_alloc_gref *op =
		calloc(1, sizeof(*op) + sizeof(uint32_t));
	long rc;

	assert_non_null(op);
	op->domid = dom;
	op->flags = GNTALLOC_FLAG_WRITABLE;
	op->count = 1;
	rc = ioc(e, IOCTL_GNTALLOC_ALLOC_GREF, op);
	*index = op->index;
	free(op);
	return rc;
}

/* (b), gntalloc: notify set before or after the restrict, judged at dealloc. */
static void gntalloc_notify(const char *profile, bool notify_first,
			    long want)
{
	struct ioctl_gntalloc_unmap_notify n = { 0 };
	struct ioctl_gntalloc_dealloc_gref d = { .count = 1 };
	uint32_t free_before;
	unsigned esc, refused;
	uint64_t index, from;
	struct env e;

	env_open(&e, profile, XSIM_DEV_GNTALLOC);
	/* A first share sets up dom0's grant table; then count pages. */
	assert_int_equal(gntalloc_alloc(&e, 1, &index), 0);
	d.index = index;
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_DEALLOC_GREF, &d), 0);
	free_before = e.w->sh->free_pages;
	from = xsim_effect_next(e.w);
	assert_int_equal(gntalloc_alloc(&e, 1, &index), 0);
	n.index = index;
	n.action = UNMAP_NOTIFY_SEND_EVENT;
	n.event_channel_port = e.lport;
	if (notify_first)
		assert_int_equal(ioc(&e, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n),
				 0);
	if (want)
		restrict_to(&e, IOCTL_GNTALLOC_RESTRICT_DOMID, 1);
	if (!notify_first)
		assert_int_equal(ioc(&e, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n),
				 0);
	d.index = index;
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_DEALLOC_GREF, &d), want);
	assert_int_equal(guest2_pending(&e), want ? 0 : 1);
	/* Released either way: not on the list, its page back in the pool. */
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_DEALLOC_GREF, &d), -EINVAL);
	assert_int_equal(e.w->sh->free_pages, free_before);
	judge_log(&e, XSIM_DEV_GNTALLOC, from, &esc, &refused);
	assert_int_equal(esc, 0);
	assert_int_equal(refused, want ? 1 : 0);
	xsim_dev_release(e.w, e.f);
	xsim_world_detach(e.w);
}

static void gntalloc_notify_other_domain_proposed(void **state)
{
	(void)state;
	gntalloc_notify("proposed", false, -EPERM);
	gntalloc_notify("proposed", true, -EPERM);
}

static void gntalloc_notify_other_domain_linux(void **state)
{
	(void)state;
	gntalloc_notify("linux", true, 0);
}

/* The notification's event to the target itself still goes. */
static void gntalloc_notify_target_goes(void **state)
{
	struct ioctl_gntalloc_unmap_notify n = { 0 };
	struct ioctl_gntalloc_dealloc_gref d = { .count = 1 };
	uint64_t index;
	struct env e;

	(void)state;
	env_open(&e, "proposed", XSIM_DEV_GNTALLOC);
	restrict_to(&e, IOCTL_GNTALLOC_RESTRICT_DOMID, 2);
	assert_int_equal(gntalloc_alloc(&e, 2, &index), 0);
	n.index = index;
	n.action = UNMAP_NOTIFY_SEND_EVENT;
	n.event_channel_port = e.lport;
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n), 0);
	d.index = index;
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_DEALLOC_GREF, &d), 0);
	assert_int_equal(guest2_pending(&e), 1);
	xsim_dev_release(e.w, e.f);
	xsim_world_detach(e.w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cases_per_handle),
		cmocka_unit_test(rule_edges),
		cmocka_unit_test(held_set_overflows_to_family),
		cmocka_unit_test(gntdev_mmap_other_recorded_before_proposed),
		cmocka_unit_test(gntdev_mmap_other_recorded_before_linux),
		cmocka_unit_test(gntdev_notify_other_domain),
		cmocka_unit_test(gntalloc_notify_other_domain_proposed),
		cmocka_unit_test(gntalloc_notify_other_domain_linux),
		cmocka_unit_test(gntalloc_notify_target_goes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
