/* SPDX-License-Identifier: MIT */
/*
 * Restrict racing ioctls on one open file from 16 threads (built with
 * -fsanitize=thread).  Two properties:
 *  - no escape: once the handle's restriction is logged, no later effect
 *    through that handle touches another domain;
 *  - one winner: threads restricting one handle to different domains
 *    concurrently leave it restricted to exactly one of them, the one
 *    whose call succeeded.
 *
 * Deliberately uapi-free: the DM_OP and hypercall arguments are laid out
 * by hand (Linux include/uapi/xen/privcmd.h, Xen public/hvm/dm_op.h), so
 * this file needs neither header set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>

#include <xensim/device.h>
#include <xensim/effect.h>

#include "support/world_helpers.h"

#define NR_THREADS	16
#define ROUNDS		400

/* Linux: _IOC(_IOC_NONE, 'P', 5, sizeof(struct privcmd_dm_op)) etc. */
struct t_dm_op_buf { void *uptr; size_t size; };
struct t_dm_op { uint16_t dom; uint16_t num; uint32_t pad; const struct t_dm_op_buf *ubufs; };
#define T_IOCTL_DM_OP		_IOC(_IOC_NONE, 'P', 5, sizeof(struct t_dm_op))
#define T_IOCTL_RESTRICT	_IOC(_IOC_NONE, 'P', 6, sizeof(uint16_t))
#define T_IOCTL_EVTCHN_RESTRICT	_IOC(_IOC_NONE, 'E', 6, sizeof(uint16_t))
struct t_bind_interdomain { unsigned int remote_domain, remote_port; };
#define T_IOCTL_EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct t_bind_interdomain))

/* Xen: struct xen_dm_op { uint32_t op, pad; union { set_isa_irq_level } }. */
struct t_xen_dm_op { uint32_t op, pad; uint8_t isa_irq, level; uint8_t rest[62]; };
#define T_XEN_DMOP_set_isa_irq_level	9

struct race {
	struct xsim_world *w;
	struct xsim_file f;
	pthread_barrier_t go;
	_Atomic int restricted;		/* the restricter's call returned */
	int restrict_rc[NR_THREADS];
};

static long dm_op_irq(struct race *r, uint16_t dom)
{
	struct t_xen_dm_op op = { .op = T_XEN_DMOP_set_isa_irq_level,
				  .isa_irq = 3, .level = 1 };
	struct t_dm_op_buf buf = { &op, sizeof(op) };
	struct t_dm_op arg = { .dom = dom, .num = 1, .ubufs = &buf };

	return xsim_dev_ioctl(r->w, r->f, T_IOCTL_DM_OP, (uintptr_t)&arg,
			      &xsim_uaccess_self);
}

/*
 * Race for ROUNDS calls, and keep going until some calls have certainly
 * come after the restriction, so that both sides of it are exercised
 * however the threads are scheduled.
 */
static void *worker(void *p)
{
	struct race *r = p;
	int i, after = 0;

	pthread_barrier_wait(&r->go);
	for (i = 0; i < ROUNDS || after < ROUNDS / 8; i++) {
		dm_op_irq(r, (uint16_t)(1 + (i & 1)));
		after += atomic_load(&r->restricted);
	}
	return NULL;
}

static void *restricter(void *p)
{
	struct race *r = p;
	uint16_t dom = 1;

	pthread_barrier_wait(&r->go);
	for (int i = 0; i < ROUNDS / 4; i++)
		dm_op_irq(r, 2);
	r->restrict_rc[0] = (int)xsim_dev_ioctl(r->w, r->f, T_IOCTL_RESTRICT,
						(uintptr_t)&dom,
						&xsim_uaccess_self);
	atomic_store(&r->restricted, 1);
	return NULL;
}

/* After the restrict record, the handle touched nothing but domain 1. */
static void check_no_escape(struct xsim_world *w, uint64_t from, uint32_t id,
			    uint16_t target)
{
	struct xsim_effect e[512];
	bool restricted = false;
	unsigned before_other = 0, after_target = 0;
	long n, i;

	while ((n = xsim_effect_read(w, from, e, 512)) > 0) {
		for (i = 0; i < n; i++) {
			if (e[i].handle != id || e[i].kind == XSIM_EFF_OPEN ||
			    e[i].kind == XSIM_EFF_CLOSE)
				continue;
			if (e[i].kind == XSIM_EFF_RESTRICT) {
				restricted = true;
				assert_int_equal(e[i].domid, target);
				continue;
			}
			if (!restricted && e[i].domid != target)
				before_other++;
			if (restricted) {
				if (e[i].domid != target)
					fail_msg("escape: seq %llu touched domain %u after restrict",
						 (unsigned long long)e[i].seq,
						 e[i].domid);
				after_target++;
			}
		}
		from += (uint64_t)n;
	}
	assert_true(n == 0);
	assert_true(restricted);
	/* The race really happened: work on both sides of the restrict. */
	assert_true(before_other > 0);
	assert_true(after_target > 0);
}

static void restrict_races_dm_ops(const char *profile)
{
	struct xsim_world_config cfg = { .profile = profile, .nr_pages = 8192,
					 .max_handles = 64,
					 .effect_log_entries = 1u << 17 };
	pthread_t t[NR_THREADS];
	struct race r = { 0 };
	uint64_t from;
	int i;

	assert_int_equal(xsim_world_create(&cfg, &r.w), 0);
	assert_int_equal(xsim_dev_open(r.w, XSIM_DEV_PRIVCMD, 0, &r.f), 0);
	from = xsim_effect_next(r.w);
	pthread_barrier_init(&r.go, NULL, NR_THREADS);
	assert_int_equal(pthread_create(&t[0], NULL, restricter, &r), 0);
	for (i = 1; i < NR_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, &r), 0);
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&r.go);
	assert_int_equal(r.restrict_rc[0], 0);
	check_no_escape(r.w, from, xsim_file_effect_id(r.f), 1);
	/* And the handle refuses the other domain now. */
	assert_int_equal(dm_op_irq(&r, 2), -EPERM);
	xsim_dev_release(r.w, r.f);
	xsim_world_detach(r.w);
}

static void race_proposed(void **state)
{
	(void)state;
	restrict_races_dm_ops("proposed");
}

static void race_linux(void **state)
{
	(void)state;
	restrict_races_dm_ops("linux");
}

struct contest {
	struct race *r;
	int idx;
	unsigned long cmd;
};

static void *contender(void *p)
{
	struct contest *c = p;
	/* Threads 0..7 ask for domain 1, 8..15 for domain 2. */
	uint16_t dom = (uint16_t)(1 + c->idx / 8);

	pthread_barrier_wait(&c->r->go);
	c->r->restrict_rc[c->idx] =
		(int)xsim_dev_ioctl(c->r->w, c->r->f, c->cmd, (uintptr_t)&dom,
				    &xsim_uaccess_self);
	return NULL;
}

static void one_winner(const char *profile, enum xsim_dev_kind dev,
		       unsigned long cmd)
{
	struct xsim_world_config cfg = { .profile = profile, .nr_pages = 4096,
					 .max_handles = 64 };
	struct contest c[NR_THREADS];
	pthread_t t[NR_THREADS];
	struct xsim_restrict_state st;
	struct race r = { 0 };
	unsigned ok_dom[3] = { 0 };
	int i;

	assert_int_equal(xsim_world_create(&cfg, &r.w), 0);
	assert_int_equal(xsim_dev_open(r.w, dev, 0, &r.f), 0);
	pthread_barrier_init(&r.go, NULL, NR_THREADS);
	for (i = 0; i < NR_THREADS; i++) {
		c[i] = (struct contest){ &r, i, cmd };
		assert_int_equal(pthread_create(&t[i], NULL, contender, &c[i]), 0);
	}
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&r.go);
	for (i = 0; i < NR_THREADS; i++)
		if (r.restrict_rc[i] == 0)
			ok_dom[1 + i / 8]++;
	/* Successes all name one domain, and that is the handle's domain. */
	assert_true((ok_dom[1] > 0) != (ok_dom[2] > 0));
	assert_int_equal(xsim_file_restrict_state(r.w, r.f, &st), 0);
	assert_true(st.restricted);
	assert_int_equal(st.domid, ok_dom[1] ? 1 : 2);
	xsim_dev_release(r.w, r.f);
	xsim_world_detach(r.w);
}

static void one_winner_privcmd_proposed(void **state)
{
	(void)state;
	one_winner("proposed", XSIM_DEV_PRIVCMD, T_IOCTL_RESTRICT);
}

static void one_winner_privcmd_linux(void **state)
{
	(void)state;
	one_winner("linux", XSIM_DEV_PRIVCMD, T_IOCTL_RESTRICT);
}

static void one_winner_evtchn_linux(void **state)
{
	(void)state;
	one_winner("linux", XSIM_DEV_EVTCHN, T_IOCTL_EVTCHN_RESTRICT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(race_proposed),
		cmocka_unit_test(race_linux),
		cmocka_unit_test(one_winner_privcmd_proposed),
		cmocka_unit_test(one_winner_privcmd_linux),
		cmocka_unit_test(one_winner_evtchn_linux),
	};

	return cmocka_run_group_tests_name("restrict-race", tests, NULL, NULL);
}
