/* SPDX-License-Identifier: MIT */
/*
 * A corrupted world, at the library level (sim/WORLDS.md, "A corrupted
 * world"): a private world's memfd cannot be shrunk; a machine call under
 * a recovery point (struct xsim_world_guard) fails with -EIO when it
 * meets damage, and every later one too; the machine lock is not left
 * held (another process takes it at once); without a recovery point the
 * process survives.  The preload end, with real ioctls on a named world,
 * is sim/tests/world-corrupt.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xensim/machine.h>
#include <xensim/world.h>
#include <xensim/world_guard.h>

#include "../machine/layout.h"

static struct xsim_world *make(void)
{
	struct xsim_world_config cfg = { .nr_pages = 1024, .max_handles = 64,
					  .effect_log_entries = 256 };
	struct xsim_world *w = NULL;

	assert_int_equal(xsim_world_create(&cfg, &w), 0);
	return w;
}

/* getdomaininfo on domid, under a recovery point. */
static int guarded_getinfo(struct xsim_world *w, uint32_t domid)
{
	struct xsim_caller c = { .w = w, .domid = 0,
				 .handle = XSIM_EFF_NO_HANDLE };
	struct xsim_domain_info info;
	struct xsim_world_guard g;
	int rc;

	if (xsim_world_guard_enter(w, &g))
		return -EIO;
	if (sigsetjmp(g.jb, 0))
		return -EIO;
	xsim_lock(w);
	rc = xsim_domain_getinfo(&c, domid, &info);
	xsim_unlock(w);
	xsim_world_guard_leave(&g);
	return rc;
}

static void a_private_world_cannot_shrink(void **state)
{
	struct xsim_world *w = make();
	int fd = xsim_world_fd(w);
	int seals = fcntl(fd, F_GET_SEALS);

	(void)state;
	assert_true(seals >= 0);
	assert_true(seals & F_SEAL_SHRINK);
	assert_int_equal(ftruncate(fd, 4096), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(guarded_getinfo(w, 1), 0);
	xsim_world_detach(w);
}

/* In a child: the lock can be taken, i.e. nobody left it held. */
static void lock_is_free(struct xsim_world *w)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(20);	/* a hang guard only */
		pthread_mutex_lock(&w->sh->lock);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void a_damaged_domain_fails_the_call_with_eio(void **state)
{
	struct xsim_world *w = make();
	struct xsim_domain *d = (struct xsim_domain *)
		(w->base + w->sh->domains_off);

	(void)state;
	assert_int_equal(guarded_getinfo(w, 1), 0);
	d[1].gnttab_nr_frames = 1000;
	assert_int_equal(guarded_getinfo(w, 1), -EIO);
	assert_true(xsim_world_dead(w));
	/* Dead for good, healthy domains included: nothing is trusted. */
	assert_int_equal(guarded_getinfo(w, 2), -EIO);
	lock_is_free(w);
	xsim_world_detach(w);
}

static void a_damaged_header_fails_the_call_with_eio(void **state)
{
	struct xsim_world *w = make();

	(void)state;
	w->sh->nr_domains = 0x7FFFFFFF;
	assert_int_equal(guarded_getinfo(w, 1), -EIO);
	lock_is_free(w);
	xsim_world_detach(w);
}

static void without_a_recovery_point_the_process_survives(void **state)
{
	struct xsim_world *w = make();
	struct xsim_caller c = { .w = w, .handle = XSIM_EFF_NO_HANDLE };
	struct xsim_domain_info info;

	(void)state;
	w->sh->free_head = 0xFFFFFFF0u;
	xsim_lock(w);
	(void)xsim_domain_getinfo(&c, 1, &info);
	xsim_unlock(w);
	assert_true(xsim_world_dead(w));
	xsim_world_detach(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_private_world_cannot_shrink),
		cmocka_unit_test(a_damaged_domain_fails_the_call_with_eio),
		cmocka_unit_test(a_damaged_header_fails_the_call_with_eio),
		cmocka_unit_test(without_a_recovery_point_the_process_survives),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
