/* SPDX-License-Identifier: MIT */
/*
 * Single-owner worlds (xsim_world_set_single_owner, <xensim/world.h>): a
 * process that alone uses a private world it made skips the machine's
 * process-shared mutex.  Only such a world qualifies, the machine still
 * works behind the lighter lock, and a forked child that touches it
 * anyway finds it corrupted rather than racing its parent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xensim/machine.h>
#include <xensim/world.h>

#include "support/world_helpers.h"

static void private_world_runs_single_owner(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_caller c = wh_caller(w, 0);
	struct xsim_domain_info info;
	uint32_t port;
	int fl;

	(void)state;
	assert_int_equal(xsim_world_set_single_owner(w), 0);
	/* Its descriptor no longer survives exec(): nobody else gets it. */
	fl = fcntl(xsim_world_fd(w), F_GETFD);
	assert_true(fl >= 0 && (fl & FD_CLOEXEC));
	/* Locking nests as before: lock, act, unlock, many times over. */
	for (int i = 0; i < 3; i++) {
		xsim_lock(w);
		assert_int_equal(xsim_domain_getinfo(&c, 1, &info), 0);
		assert_int_equal(xsim_evtchn_alloc_unbound(&c, 0, 1, &port), 0);
		xsim_unlock(w);
	}
	assert_false(xsim_world_dead(w));
	xsim_world_detach(w);
}

static void named_world_cannot_be_single_owner(void **state)
{
	struct xsim_world_config cfg = { .nr_pages = 256, .max_handles = 8,
					 .effect_log_entries = 64,
					 .empty = true };
	struct xsim_world *w = NULL;
	char name[48];

	(void)state;
	snprintf(name, sizeof(name), "test-owner-%d", (int)getpid());
	assert_int_equal(xsim_world_create_named(name, &cfg, &w), 0);
	assert_int_equal(xsim_world_publish(w), 0);
	assert_int_equal(xsim_world_set_single_owner(w), -EINVAL);
	/* Still an ordinary world behind the shared lock. */
	xsim_lock(w);
	xsim_unlock(w);
	assert_false(xsim_world_dead(w));
	xsim_world_unlink_named(name);
	xsim_world_detach(w);
}

static void forked_child_finds_it_corrupted(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_caller c = wh_caller(w, 0);
	struct xsim_domain_info info;
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(xsim_world_set_single_owner(w), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		/* Its lock would not exclude the parent: EIO, not a race. */
		xsim_lock(w);
		xsim_unlock(w);
		_exit(xsim_world_dead(w) ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The parent's world is untouched. */
	assert_false(xsim_world_dead(w));
	xsim_lock(w);
	assert_int_equal(xsim_domain_getinfo(&c, 2, &info), 0);
	xsim_unlock(w);
	xsim_world_detach(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(private_world_runs_single_owner),
		cmocka_unit_test(named_world_cannot_be_single_owner),
		cmocka_unit_test(forked_child_finds_it_corrupted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
