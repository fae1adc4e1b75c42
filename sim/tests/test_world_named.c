/* SPDX-License-Identifier: MIT */
/*
 * Named worlds (sim/WORLDS.md): names and their validation, publication
 * under /dev/shm (0600, once), joining by name from another process,
 * refusing a world of another build, the creator record that staleness
 * is judged by, removal, a client killed while holding the machine lock
 * (EOWNERDEAD is repaired, counted, and the machine goes on), and the
 * observer views (handles, domains) that log nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xensim/device.h>
#include <xensim/machine.h>
#include <xensim/uapi.h>
#include <xensim/world.h>

#include "../machine/layout.h"
#include "support/world_helpers.h"

/* A name no other test run uses; removed again by drop(). */
static const char *fresh_name(void)
{
	static char name[48];
	static unsigned n;

	snprintf(name, sizeof(name), "test-named-%d-%u", (int)getpid(), n++);
	return name;
}

static void drop(const char *name)
{
	xsim_world_unlink_named(name);
}

static struct xsim_world *make_named(const char *name)
{
	struct xsim_world_config cfg = { .nr_pages = 4096, .max_handles = 64,
					 .effect_log_entries = 1024 };
	struct xsim_world *w = NULL;

	assert_int_equal(xsim_world_create_named(name, &cfg, &w), 0);
	assert_int_equal(xsim_world_publish(w), 0);
	return w;
}

static void names_are_validated(void **state)
{
	char long_name[XSIM_WORLD_NAME_MAX + 2], path[128], why[256];
	struct xsim_world *w = NULL;
	const char *bad[] = { "", ".", "..", "a/b", "../etc", "sp ace",
			      "tab\t", "caf\xc3\xa9", "a*", "x:y" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(xsim_world_name_check(bad[i]), -EINVAL);
		assert_int_equal(xsim_world_path(bad[i], path, sizeof(path)),
				 -EINVAL);
		assert_int_equal(xsim_world_attach_named(bad[i], &w, why,
							 sizeof(why)),
				 -EINVAL);
		assert_non_null(strstr(why, "not a world name"));
		assert_int_equal(xsim_world_create_named(bad[i], NULL, &w),
				 -EINVAL);
	}
	assert_int_equal(xsim_world_name_check(NULL), -EINVAL);
	memset(long_name, 'a', sizeof(long_name));
	long_name[XSIM_WORLD_NAME_MAX] = '\0';
	assert_int_equal(xsim_world_name_check(long_name), 0);
	long_name[XSIM_WORLD_NAME_MAX] = 'a';
	long_name[XSIM_WORLD_NAME_MAX + 1] = '\0';
	assert_int_equal(xsim_world_name_check(long_name), -EINVAL);
	assert_int_equal(xsim_world_name_check("A-z_0.9"), 0);
	assert_int_equal(xsim_world_name_check("..."), 0);
	assert_int_equal(xsim_world_path("demo", path, sizeof(path)), 0);
	assert_string_equal(path, "/dev/shm/xensim-demo");
	assert_int_equal(xsim_world_path("demo", path, 10), -ENAMETOOLONG);
}

static void a_missing_world_is_enoent(void **state)
{
	const char *name = fresh_name();
	struct xsim_world *w = NULL;
	char why[256];

	(void)state;
	assert_int_equal(xsim_world_attach_named(name, &w, why, sizeof(why)),
			 -ENOENT);
	assert_null(w);
	assert_non_null(strstr(why, name));
	assert_int_equal(xsim_world_unlink_named(name), -ENOENT);
}

static void published_once_private_to_its_owner(void **state)
{
	const char *name = fresh_name();
	struct xsim_world *w = make_named(name), *w2 = NULL;
	struct xsim_world_info info;
	char path[128];
	struct stat st;

	(void)state;
	assert_int_equal(xsim_world_path(name, path, sizeof(path)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* The name is taken: a second world cannot have it. */
	assert_int_equal(xsim_world_create_named(name, NULL, &w2), 0);
	assert_int_equal(xsim_world_publish(w2), -EEXIST);
	xsim_world_detach(w2);
	xsim_world_info(w, &info);
	assert_string_equal(info.name, name);
	assert_string_equal(info.profile, "proposed");
	assert_int_equal(info.creator_pid, getpid());
	assert_true(info.created_at > 0);
	assert_int_equal(info.lock_recoveries, 0);
	assert_true(xsim_world_creator_alive(w));
	drop(name);
	xsim_world_detach(w);
}

/*
 * Another process joins by name alone (nothing inherited but the name)
 * and creates a domain; this one sees it.  Then the reverse.
 */
static void processes_joined_by_name_share_the_machine(void **state)
{
	const char *name = fresh_name();
	struct xsim_world *w = make_named(name);
	struct xsim_caller c = wh_caller(w, 0);
	struct xsim_domain_config cfg = { .domid = 7, .max_vcpus = 1,
					  .max_pages = 8 };
	struct xsim_domain_info info;
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct xsim_world *cw;
		struct xsim_caller cc;
		uint16_t id = 0;
		int ok;

		if (xsim_world_attach_named(name, &cw, NULL, 0))
			_exit(3);
		cc = wh_caller(cw, 0);
		xsim_lock(cw);
		ok = !xsim_domain_create(&cc, &cfg, &id) && id == 7 &&
		     !xsim_mem_populate(&cc, 7, 0, 4);
		xsim_unlock(cw);
		_exit(ok ? 0 : 4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	xsim_lock(w);
	assert_int_equal(xsim_domain_getinfo(&c, 7, &info), 0);
	assert_int_equal(info.tot_pages, 4);
	assert_int_equal(xsim_domain_destroy(&c, 7), 0);
	xsim_unlock(w);
	drop(name);
	xsim_world_detach(w);
}

/* Rewrite one header field in the file, as another build would have it. */
static void poke(const char *name, size_t off, const void *v, size_t len)
{
	char path[128];
	int fd;

	assert_int_equal(xsim_world_path(name, path, sizeof(path)), 0);
	fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, v, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static void a_world_of_another_build_is_refused(void **state)
{
	const char *name = fresh_name();
	struct xsim_world *w = make_named(name), *w2 = NULL;
	const uint32_t old_version = 1;
	const uint64_t other_sig = xsim_layout_sig() ^ 1, zero = 0;
	char why[320];

	(void)state;
	poke(name, offsetof(struct xsim_shared, version), &old_version, 4);
	assert_int_equal(xsim_world_attach_named(name, &w2, why, sizeof(why)),
			 -EPROTO);
	assert_non_null(strstr(why, "another build"));
	assert_non_null(strstr(why, "version 1"));
	assert_int_equal(xsim_world_check_fd(xsim_world_fd(w), NULL, 0),
			 -EPROTO);
	/* Same version, other layout. */
	poke(name, offsetof(struct xsim_shared, version),
	     &(uint32_t){ XSIM_VERSION }, 4);
	poke(name, offsetof(struct xsim_shared, layout_sig), &other_sig, 8);
	assert_int_equal(xsim_world_attach_named(name, &w2, why, sizeof(why)),
			 -EPROTO);
	assert_non_null(strstr(why, "layout"));
	/* No magic at all: not a world. */
	poke(name, offsetof(struct xsim_shared, magic), &zero, 8);
	assert_int_equal(xsim_world_attach_named(name, &w2, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "not a xensim world"));
	assert_null(w2);
	drop(name);
	xsim_world_detach(w);
}

static void a_world_whose_creator_exited_has_no_live_creator(void **state)
{
	const char *name = fresh_name();
	struct xsim_world *w = NULL;
	struct xsim_world_info info;
	int status, ready[2];
	char byte;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct xsim_world *cw;
		struct xsim_world_config cfg = { .nr_pages = 64,
						 .max_handles = 8,
						 .effect_log_entries = 64,
						 .empty = true };

		close(ready[0]);
		if (xsim_world_create_named(name, &cfg, &cw) ||
		    xsim_world_publish(cw))
			_exit(3);
		_exit(write(ready[1], "y", 1) == 1 ? 0 : 4);
	}
	close(ready[1]);
	/*
	 * Attach while the creator runs: once it is gone the world is stale,
	 * and a concurrent `xrc sim gc` may remove the name (not the mapping).
	 */
	assert_int_equal(read(ready[0], &byte, 1), 1);
	close(ready[0]);
	assert_int_equal(xsim_world_attach_named(name, &w, NULL, 0), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	xsim_world_info(w, &info);
	assert_int_equal(info.creator_pid, pid);
	assert_false(xsim_world_creator_alive(w));
	/* Adopted by a tool (the keeper): alive again. */
	xsim_world_set_creator(w);
	assert_true(xsim_world_creator_alive(w));
	drop(name);
	xsim_world_detach(w);
}

static void stop_unlinks_but_mapped_processes_keep_it(void **state)
{
	const char *name = fresh_name();
	struct xsim_world *w = make_named(name), *w2 = NULL;
	struct xsim_world_stats st;

	(void)state;
	assert_int_equal(xsim_world_unlink_named(name), 0);
	assert_int_equal(xsim_world_attach_named(name, &w2, NULL, 0), -ENOENT);
	xsim_world_stats(w, &st);
	assert_int_equal(st.nr_domains, 4);
	xsim_world_detach(w);
}

/* A child attaches by name, takes the machine lock and is SIGKILLed. */
static void die_holding_the_lock(const char *name)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct xsim_world *cw;

		if (xsim_world_attach_named(name, &cw, NULL, 0))
			_exit(3);
		xsim_lock(cw);
		kill(getpid(), SIGKILL);
		_exit(4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

static void a_client_killed_holding_the_lock_does_not_wedge(void **state)
{
	const char *name = fresh_name();
	struct xsim_world *w = make_named(name);
	struct xsim_caller c = wh_caller(w, 0);
	struct xsim_world_info info;
	uint32_t port = 0;

	(void)state;
	die_holding_the_lock(name);
	/* The next locker repairs the mutex (EOWNERDEAD) and goes on. */
	xsim_lock(w);
	assert_int_equal(xsim_evtchn_alloc_unbound(&c, 1, 0, &port), 0);
	assert_true(port > 0);
	xsim_unlock(w);
	xsim_world_info(w, &info);
	assert_int_equal(info.lock_recoveries, 1);
	/* Repaired for good: it locks again as usual, and again after a death. */
	xsim_lock(w);
	xsim_unlock(w);
	die_holding_the_lock(name);
	xsim_world_info(w, &info);
	assert_int_equal(info.lock_recoveries, 2);
	drop(name);
	xsim_world_detach(w);
}

static void observers_log_nothing(void **state)
{
	const char *name = fresh_name();
	struct xsim_world *w = make_named(name);
	struct xsim_domain_info d[8];
	struct xsim_handle_info h[4];
	struct xsim_world_stats before, after;
	struct xsim_file f;
	uint32_t cursor = 0;
	uint16_t dom = 2;
	int n;

	(void)state;
	assert_int_equal(xsim_dev_open(w, XSIM_DEV_PRIVCMD, 0, &f), 0);
	assert_int_equal(xsim_dev_ioctl(w, f, IOCTL_PRIVCMD_RESTRICT,
					(uint64_t)(uintptr_t)&dom,
					&xsim_uaccess_self), 0);
	xsim_world_stats(w, &before);
	n = xsim_world_domains(w, &cursor, d, 8);
	assert_int_equal(n, 4);
	assert_int_equal(d[0].domid, 0);
	assert_true(d[1].hvm && d[2].hvm && !d[3].hvm);
	assert_int_equal(d[3].domid, 3);
	assert_int_equal(d[3].tot_pages, 256);
	assert_int_equal(xsim_world_domains(w, &cursor, d, 8), 0);
	cursor = 0;
	assert_int_equal(xsim_dev_handles(w, &cursor, h, 4), 1);
	assert_int_equal(h[0].f.slot, f.slot);
	assert_int_equal(h[0].dev, XSIM_DEV_PRIVCMD);
	assert_int_equal(h[0].opener_pid, getpid());
	assert_true(h[0].rs.restricted);
	assert_int_equal(h[0].rs.domid, 2);
	assert_int_equal(xsim_dev_handles(w, &cursor, h, 4), 0);
	xsim_world_stats(w, &after);
	assert_int_equal(after.effects, before.effects);
	xsim_dev_release(w, f);
	cursor = 0;
	assert_int_equal(xsim_dev_handles(w, &cursor, h, 4), 0);
	drop(name);
	xsim_world_detach(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_are_validated),
		cmocka_unit_test(a_missing_world_is_enoent),
		cmocka_unit_test(published_once_private_to_its_owner),
		cmocka_unit_test(processes_joined_by_name_share_the_machine),
		cmocka_unit_test(a_world_of_another_build_is_refused),
		cmocka_unit_test(a_world_whose_creator_exited_has_no_live_creator),
		cmocka_unit_test(stop_unlinks_but_mapped_processes_keep_it),
		cmocka_unit_test(a_client_killed_holding_the_lock_does_not_wedge),
		cmocka_unit_test(observers_log_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
