/* SPDX-License-Identifier: MIT */
/*
 * The profile tables and the pure audit functions, checked against the
 * readings they claim to mirror (implementations.md section 5, and the
 * proposal for "proposed").  Table-driven: one row per clause.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <xensim/profile.h>
#include <xensim/profile-list.h>
#include <xensim/xen-const.h>

static const struct xsim_profile *prof(const char *name)
{
	const struct xsim_profile *p = xsim_profile_find(name);

	assert_non_null(p);
	return p;
}

static const struct xsim_restrict_state unrestricted = { false, XSIM_DOMID_INVALID };
static const struct xsim_restrict_state to1 = { true, 1 };

/* An operation aimed at a target, on a handle restricted to domain 1. */
struct op_case {
	const char *profile;
	enum xsim_op op;
	uint32_t target;
	int before;	/* result of the before-copy audit */
	int after;	/* result of the after-copy audit */
};

static const struct op_case op_cases[] = {
	/* proposed: EPERM elsewhere, ENOSYS off the whitelist. */
	{ "proposed", XSIM_OP_PRIVCMD_MMAPBATCH_V2, 1, 0, 0 },
	{ "proposed", XSIM_OP_PRIVCMD_MMAPBATCH_V2, 2, 0, -EPERM },
	{ "proposed", XSIM_OP_PRIVCMD_MMAPBATCH, 1, 0, -ENOSYS },
	{ "proposed", XSIM_OP_PRIVCMD_MMAP, 1, 0, -ENOSYS },
	{ "proposed", XSIM_OP_PRIVCMD_DM_OP, 2, 0, -EPERM },
	{ "proposed", XSIM_OP_PRIVCMD_MMAP_RESOURCE, 2, 0, -EPERM },
	{ "proposed", XSIM_OP_PRIVCMD_IRQFD, 2, 0, -EPERM },
	{ "proposed", XSIM_OP_PRIVCMD_PCIDEV_GET_GSI, XSIM_NO_TARGET, 0, -ENOSYS },
	{ "proposed", XSIM_OP_EVTCHN_BIND_INTERDOMAIN, 1, 0, 0 },
	{ "proposed", XSIM_OP_EVTCHN_BIND_INTERDOMAIN, 2, 0, -EPERM },
	{ "proposed", XSIM_OP_EVTCHN_BIND_UNBOUND_PORT, 1, 0, 0 },
	{ "proposed", XSIM_OP_EVTCHN_BIND_UNBOUND_PORT, 3, 0, -EPERM },
	{ "proposed", XSIM_OP_EVTCHN_BIND_VIRQ, XSIM_NO_TARGET, 0, -ENOSYS },
	{ "proposed", XSIM_OP_EVTCHN_NOTIFY, XSIM_NO_TARGET, 0, 0 },
	{ "proposed", XSIM_OP_GNTDEV_MAP_GRANT_REF, 2, 0, -EPERM },
	{ "proposed", XSIM_OP_GNTDEV_GRANT_COPY, 1, 0, 0 },
	{ "proposed", XSIM_OP_GNTALLOC_ALLOC_GREF, 2, 0, -EPERM },
	{ "proposed", XSIM_OP_GNTDEV_DMABUF_EXP_FROM_REFS, 1, -ENOTTY, -ENOTTY },
	/* linux (implementations.md §1.2-1.4; section 5 rows 4-7). */
	{ "linux", XSIM_OP_PRIVCMD_HYPERCALL, XSIM_NO_TARGET, -EPERM, -EPERM },
	{ "linux", XSIM_OP_PRIVCMD_MMAP, 2, 0, -EPERM },
	{ "linux", XSIM_OP_PRIVCMD_MMAPBATCH, 1, 0, 0 },
	{ "linux", XSIM_OP_PRIVCMD_DM_OP, 2, 0, -EPERM },
	{ "linux", XSIM_OP_PRIVCMD_IRQFD, 1, -ENOTTY, -ENOTTY },
	{ "linux", XSIM_OP_PRIVCMD_IOEVENTFD, 1, -ENOTTY, -ENOTTY },
	{ "linux", XSIM_OP_PRIVCMD_PCIDEV_GET_GSI, XSIM_NO_TARGET, -ENOTTY, -ENOTTY },
	{ "linux", XSIM_OP_EVTCHN_BIND_VIRQ, XSIM_NO_TARGET, -EACCES, -EACCES },
	{ "linux", XSIM_OP_EVTCHN_BIND_UNBOUND_PORT, 1, -EACCES, -EACCES },
	{ "linux", XSIM_OP_EVTCHN_BIND_INTERDOMAIN, 2, 0, -EACCES },
	{ "linux", XSIM_OP_EVTCHN_BIND_INTERDOMAIN, 1, 0, 0 },
	{ "linux", XSIM_OP_EVTCHN_UNBIND, XSIM_NO_TARGET, 0, 0 },
	{ "linux", XSIM_OP_EVTCHN_RESET, XSIM_NO_TARGET, 0, 0 },
	{ "linux", XSIM_OP_EVTCHN_BIND_STATIC, XSIM_NO_TARGET, -ENOSYS, -ENOSYS },
	{ "linux", XSIM_OP_GNTDEV_MAP_GRANT_REF, 2, 0, 0 },
	{ "linux", XSIM_OP_GNTDEV_SET_MAX_GRANTS, XSIM_NO_TARGET, -ENOTTY, -ENOTTY },
	{ "linux", XSIM_OP_GNTDEV_RESTRICT, 1, -ENOTTY, -ENOTTY },
	{ "linux", XSIM_OP_GNTALLOC_ALLOC_GREF, 2, 0, 0 },
	/* freebsd (implementations.md §2.1). */
	{ "freebsd", XSIM_OP_PRIVCMD_HYPERCALL, XSIM_NO_TARGET, -EPERM, -EPERM },
	{ "freebsd", XSIM_OP_PRIVCMD_MMAP, 1, -ENOSYS, -ENOSYS },
	{ "freebsd", XSIM_OP_PRIVCMD_MMAPBATCH_V2, 2, 0, -EPERM },
	{ "freebsd", XSIM_OP_EVTCHN_BIND_INTERDOMAIN, 2, 0, 0 },
	{ "freebsd", XSIM_OP_EVTCHN_RESTRICT_DOMID, 1, -ENOTTY, -ENOTTY },
	/* netbsd (implementations.md §2.2): nothing is restricted, DM_OP does not exist. */
	{ "netbsd", XSIM_OP_PRIVCMD_MMAPBATCH_V2, 2, 0, 0 },
	{ "netbsd", XSIM_OP_PRIVCMD_DM_OP, 1, -EINVAL, -EINVAL },
	{ "netbsd", XSIM_OP_PRIVCMD_RESTRICT, 1, -EINVAL, -EINVAL },
};

static void op_rules_match_their_sources(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(op_cases) / sizeof(op_cases[0]); i++) {
		const struct op_case *c = &op_cases[i];
		const struct xsim_profile *p = prof(c->profile);
		int b = xsim_audit_rule(p, c->op, &to1, c->target,
					XSIM_BEFORE_COPY);
		int a = xsim_audit_rule(p, c->op, &to1, c->target,
					XSIM_AFTER_COPY);

		if (b != c->before || a != c->after)
			fail_msg("%s %s/%s target %u: before %d after %d, want %d %d",
				 c->profile, xsim_dev_name(xsim_op_dev(c->op)),
				 xsim_op_name(c->op), c->target, b, a,
				 c->before, c->after);
	}
}

static void unrestricted_handles_pass_every_present_op(void **state)
{
	const struct xsim_profile *const *pp;
	int op;

	(void)state;
	for (pp = xsim_profiles(); *pp; pp++) {
		for (op = 0; op < XSIM_NR_OPS; op++) {
			const struct xsim_profile *p = *pp;
			enum xsim_dev_kind dev = xsim_op_dev((enum xsim_op)op);
			int rc = xsim_audit_rule(p, (enum xsim_op)op,
						 &unrestricted, 2,
						 XSIM_AFTER_COPY);

			if (p->dev[dev].op[op].kind == XSIM_RULE_ABSENT)
				assert_int_equal(rc, -p->dev[dev].unknown_err);
			else
				assert_int_equal(rc, 0);
		}
	}
}

/* Restrict sequences: from a state, a request, the result and new state. */
struct restrict_case {
	const char *profile;
	enum xsim_dev_kind dev;
	struct xsim_restrict_state from;
	uint32_t domid;
	int before, after;
	bool restricted;
	uint16_t now;
};

#define FREE	{ false, XSIM_DOMID_INVALID }
#define TO(d)	{ true, (d) }

static const struct restrict_case restrict_cases[] = {
	/* proposed: same again 0, other EPERM, reserved EINVAL. */
	{ "proposed", XSIM_DEV_PRIVCMD, FREE, 1, 0, 0, true, 1 },
	{ "proposed", XSIM_DEV_PRIVCMD, TO(1), 1, 0, 0, true, 1 },
	{ "proposed", XSIM_DEV_PRIVCMD, TO(1), 2, 0, -EPERM, true, 1 },
	{ "proposed", XSIM_DEV_PRIVCMD, FREE, 0, 0, 0, true, 0 },
	{ "proposed", XSIM_DEV_PRIVCMD, FREE, XSIM_DOMID_SELF, 0, -EINVAL, false, XSIM_DOMID_INVALID },
	{ "proposed", XSIM_DEV_PRIVCMD, FREE, XSIM_DOMID_INVALID, 0, -EINVAL, false, XSIM_DOMID_INVALID },
	{ "proposed", XSIM_DEV_EVTCHN, TO(1), 2, 0, -EPERM, true, 1 },
	{ "proposed", XSIM_DEV_GNTDEV, FREE, 3, 0, 0, true, 3 },
	{ "proposed", XSIM_DEV_GNTALLOC, TO(3), 1, 0, -EPERM, true, 3 },
	/* linux privcmd (implementations.md §1.2 a-c). */
	{ "linux", XSIM_DEV_PRIVCMD, TO(1), 1, 0, 0, true, 1 },
	{ "linux", XSIM_DEV_PRIVCMD, TO(1), 2, 0, -EINVAL, true, 1 },
	{ "linux", XSIM_DEV_PRIVCMD, FREE, XSIM_DOMID_INVALID, 0, 0, false, XSIM_DOMID_INVALID },
	{ "linux", XSIM_DEV_PRIVCMD, FREE, 0, 0, 0, true, 0 },
	{ "linux", XSIM_DEV_PRIVCMD, FREE, XSIM_DOMID_SELF, 0, 0, true, XSIM_DOMID_SELF },
	/* linux evtchn (implementations.md §1.3): any second restrict EACCES before the copy. */
	{ "linux", XSIM_DEV_EVTCHN, TO(1), 1, -EACCES, -EACCES, true, 1 },
	{ "linux", XSIM_DEV_EVTCHN, TO(1), 2, -EACCES, -EACCES, true, 1 },
	{ "linux", XSIM_DEV_EVTCHN, FREE, 0, 0, -EINVAL, false, XSIM_DOMID_INVALID },
	{ "linux", XSIM_DEV_EVTCHN, FREE, XSIM_DOMID_SELF, 0, -EINVAL, false, XSIM_DOMID_INVALID },
	{ "linux", XSIM_DEV_EVTCHN, FREE, 0x7FFF, 0, -EINVAL, false, XSIM_DOMID_INVALID },
	{ "linux", XSIM_DEV_EVTCHN, FREE, 5, 0, 0, true, 5 },
	{ "linux", XSIM_DEV_GNTDEV, FREE, 1, -ENOTTY, -ENOTTY, false, XSIM_DOMID_INVALID },
	{ "linux", XSIM_DEV_GNTALLOC, FREE, 1, -ENOTTY, -ENOTTY, false, XSIM_DOMID_INVALID },
	/* XSA-482 born-restricted handle (linux-6.1-observed.md). */
	{ "linux-xsa482", XSIM_DEV_PRIVCMD, TO(XSIM_DOMID_IDLE), XSIM_DOMID_IDLE, 0, 0, true, XSIM_DOMID_IDLE },
	{ "linux-xsa482", XSIM_DEV_PRIVCMD, TO(XSIM_DOMID_IDLE), 5, 0, -EINVAL, true, XSIM_DOMID_IDLE },
	/* freebsd: same 0, other EINVAL; no evtchn restrict (ENOTTY). */
	{ "freebsd", XSIM_DEV_PRIVCMD, TO(1), 1, 0, 0, true, 1 },
	{ "freebsd", XSIM_DEV_PRIVCMD, TO(1), 2, 0, -EINVAL, true, 1 },
	{ "freebsd", XSIM_DEV_EVTCHN, FREE, 1, -ENOTTY, -ENOTTY, false, XSIM_DOMID_INVALID },
	/* netbsd: nothing. */
	{ "netbsd", XSIM_DEV_PRIVCMD, FREE, 1, -EINVAL, -EINVAL, false, XSIM_DOMID_INVALID },
};

static void restrict_rules_match_their_sources(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(restrict_cases) / sizeof(restrict_cases[0]); i++) {
		const struct restrict_case *c = &restrict_cases[i];
		const struct xsim_profile *p = prof(c->profile);
		struct xsim_restrict_state st = c->from;
		int b = xsim_audit_restrict(p, c->dev, &st, c->domid,
					    XSIM_BEFORE_COPY);
		int a = b ? b : xsim_audit_restrict(p, c->dev, &st, c->domid,
						    XSIM_AFTER_COPY);

		if (b != c->before || a != c->after ||
		    st.restricted != c->restricted ||
		    (st.restricted && st.domid != c->now))
			fail_msg("case %zu %s %s restrict(%#x): %d/%d -> %d:%#x",
				 i, c->profile, xsim_dev_name(c->dev), c->domid,
				 b, a, st.restricted, st.domid);
	}
}

/* No sequence of restrict calls loosens a restricted state. */
static void restriction_never_loosens(void **state)
{
	static const uint32_t domids[] = { 0, 1, 2, 0x7FEF, XSIM_DOMID_SELF,
					   XSIM_DOMID_INVALID, XSIM_DOMID_IDLE,
					   0xFFFF, 0x10001 };
	const struct xsim_profile *const *pp;
	size_t i, j;
	int dev;

	(void)state;
	for (pp = xsim_profiles(); *pp; pp++)
		for (dev = 0; dev < XSIM_NR_DEVS; dev++)
			for (i = 0; i < 9; i++) {
				struct xsim_restrict_state st = to1;

				for (j = 0; j < 9; j++) {
					xsim_audit_restrict(*pp, dev, &st,
							    domids[(i + j) % 9],
							    XSIM_AFTER_COPY);
					assert_true(st.restricted);
					assert_int_equal(st.domid, 1);
				}
			}
}

static void raw_hypercalls(void **state)
{
	const struct xsim_profile *proposed = prof("proposed");
	const struct xsim_profile *linux61 = prof("linux");
	uint64_t dm_op_to1[5] = { 1, 1, 0, 0, 0 };
	uint64_t dm_op_to2[5] = { 2, 1, 0, 0, 0 };
	uint64_t none[5] = { 0 };

	(void)state;
	/* proposed: xen_version (17) open, dm_op (41) audited, rest ENOSYS. */
	assert_int_equal(xsim_audit_hypercall(proposed, &to1, 17, none), 0);
	assert_int_equal(xsim_audit_hypercall(proposed, &to1, 41, dm_op_to1), 0);
	assert_int_equal(xsim_audit_hypercall(proposed, &to1, 41, dm_op_to2), -EPERM);
	assert_int_equal(xsim_audit_hypercall(proposed, &to1, 12, none), -ENOSYS);
	assert_int_equal(xsim_audit_hypercall(proposed, &to1, 36, none), -ENOSYS);
	assert_int_equal(xsim_audit_hypercall(proposed, &to1, 1u << 20, none), -ENOSYS);
	assert_int_equal(xsim_audit_hypercall(proposed, &unrestricted, 36, none), 0);
	/* linux: every raw hypercall EPERM once restricted, dm_op included. */
	assert_int_equal(xsim_audit_hypercall(linux61, &to1, 17, none), -EPERM);
	assert_int_equal(xsim_audit_hypercall(linux61, &to1, 41, dm_op_to1), -EPERM);
	assert_int_equal(xsim_audit_hypercall(linux61, &unrestricted, 41, dm_op_to2), 0);
}

static void names_and_lookup(void **state)
{
	const struct xsim_profile *const *pp;
	int op;

	(void)state;
	for (pp = xsim_profiles(); *pp; pp++) {
		assert_ptr_equal(xsim_profile_find((*pp)->name), *pp);
		assert_non_null((*pp)->mirrors);
		assert_non_null((*pp)->summary);
	}
	assert_null(xsim_profile_find("Linux"));
	for (op = 0; op < XSIM_NR_OPS; op++) {
		assert_true(xsim_op_dev((enum xsim_op)op) < XSIM_NR_DEVS);
		assert_string_not_equal(xsim_op_name((enum xsim_op)op), "?");
	}
	assert_string_equal(xsim_op_name(XSIM_NR_OPS), "?");
	assert_int_equal(xsim_audit_rule(prof("linux"), XSIM_NR_OPS, &to1, 1,
					 XSIM_AFTER_COPY), -EINVAL);
}

/* The list header, as data: what every resolved profile must say. */
static const struct listed {
	const char *sym, *name, *base_sym;
	char code;
	const char *summary, *mirrors;
} listed[] = {
#define X_LISTED(sym, name, base, code, summary, mirrors)		\
	{ #sym, name, #base, code, summary, mirrors },
	XSIM_PROFILE_LIST(X_LISTED)
#undef X_LISTED
};

#define NR_LISTED	(sizeof(listed) / sizeof(listed[0]))

static const char *listed_name(const char *sym)
{
	size_t i;

	for (i = 0; i < NR_LISTED; i++)
		if (!strcmp(listed[i].sym, sym))
			return listed[i].name;
	fail_msg("base %s is not in the list", sym);
	return NULL;
}

/* xsim_profiles() is the list: same order, names, codes, bases, texts. */
static void profiles_are_the_list(void **state)
{
	const struct xsim_profile *const *pp = xsim_profiles();
	size_t i;

	(void)state;
	for (i = 0; i < NR_LISTED; i++) {
		const struct listed *l = &listed[i];
		const struct xsim_profile *p = pp[i];

		assert_non_null(p);
		assert_string_equal(p->name, l->name);
		assert_int_equal(p->code, l->code);
		assert_string_equal(p->summary, l->summary);
		assert_string_equal(p->mirrors, l->mirrors);
		if (!strcmp(l->base_sym, "ROOT"))
			assert_null(p->base);
		else
			assert_string_equal(p->base, listed_name(l->base_sym));
		assert_ptr_equal(xsim_profile_find(l->name), p);
		assert_ptr_equal(xsim_profile_by_code(l->code), p);
	}
	assert_null(pp[NR_LISTED]);
}

/* Codes name fuzz inputs' profiles: one byte, printable, never shared. */
static void codes_are_unique_and_printable(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < NR_LISTED; i++) {
		assert_true(isprint((unsigned char)listed[i].code));
		for (j = 0; j < i; j++) {
			assert_int_not_equal(listed[i].code, listed[j].code);
			assert_string_not_equal(listed[i].name, listed[j].name);
		}
	}
}

static void lookup_by_code(void **state)
{
	int c;

	(void)state;
	assert_ptr_equal(xsim_profile_by_code('p'), prof("proposed"));
	for (c = -1; c <= 256; c++) {
		const struct xsim_profile *p = xsim_profile_by_code(c);

		if (p)
			assert_int_equal(p->code, c);
	}
	assert_null(xsim_profile_by_code(0));
	assert_null(xsim_profile_by_code('?'));
	assert_null(xsim_profile_by_code('p' + 256));
	assert_null(xsim_profile_by_code(-1));
}

/* Field by field (not memcmp: padding is not part of a table). */
static void assert_same_policy(const char *what, const struct xsim_profile *a,
			       const struct xsim_profile *b)
{
	unsigned d, o, h;

	for (d = 0; d < XSIM_NR_DEVS; d++) {
		const struct xsim_dev_policy *x = &a->dev[d], *y = &b->dev[d];
		const struct xsim_restrict_rule *r = &x->restrict_rule;
		const struct xsim_restrict_rule *s = &y->restrict_rule;

		if (x->present != y->present ||
		    x->unknown_err != y->unknown_err)
			fail_msg("%s: %s presence or unknown errno", what,
				 xsim_dev_name(d));
		if (r->again_same != s->again_same ||
		    r->again_other != s->again_other ||
		    r->again_when != s->again_when ||
		    r->reject_zero != s->reject_zero ||
		    r->reject_reserved != s->reject_reserved ||
		    r->bad_err != s->bad_err ||
		    r->invalid_is_noop != s->invalid_is_noop)
			fail_msg("%s: %s restrict rule", what,
				 xsim_dev_name(d));
		for (o = 0; o < XSIM_NR_OPS; o++)
			if (x->op[o].kind != y->op[o].kind ||
			    x->op[o].when != y->op[o].when ||
			    x->op[o].err != y->op[o].err)
				fail_msg("%s: %s op %s", what, xsim_dev_name(d),
					 xsim_op_name(o));
	}
	/* hypercall[0..63], then the default as number 64. */
	for (h = 0; h <= XSIM_NR_HYPERCALLS; h++) {
		const struct xsim_hypercall_rule *x = &a->hypercall_default;
		const struct xsim_hypercall_rule *y = &b->hypercall_default;

		if (h < XSIM_NR_HYPERCALLS) {
			x = &a->hypercall[h];
			y = &b->hypercall[h];
		}
		if (x->kind != y->kind || x->domid_arg != y->domid_arg ||
		    x->err != y->err)
			fail_msg("%s: hypercall rule %u", what, h);
	}
}

/* linux-xsa482 states one departure from linux: nothing else differs. */
static void xsa482_is_linux_plus_born_restricted(void **state)
{
	const struct xsim_profile *linux61 = prof("linux");
	const struct xsim_profile *xsa482 = prof("linux-xsa482");

	(void)state;
	assert_string_equal(xsa482->base, "linux");
	assert_false(linux61->born_restricted_in_domu);
	assert_true(xsa482->born_restricted_in_domu);
	assert_same_policy("linux-xsa482 vs linux", xsa482, linux61);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(op_rules_match_their_sources),
		cmocka_unit_test(unrestricted_handles_pass_every_present_op),
		cmocka_unit_test(restrict_rules_match_their_sources),
		cmocka_unit_test(restriction_never_loosens),
		cmocka_unit_test(raw_hypercalls),
		cmocka_unit_test(names_and_lookup),
		cmocka_unit_test(profiles_are_the_list),
		cmocka_unit_test(codes_are_unique_and_printable),
		cmocka_unit_test(lookup_by_code),
		cmocka_unit_test(xsa482_is_linux_plus_born_restricted),
	};

	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
