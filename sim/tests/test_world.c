/* SPDX-License-Identifier: MIT */
/*
 * The world: creation, the default machine, domains, memory, the effect
 * log, sharing across fork() and attach, and the world-file reader.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xensim/machine.h>
#include <xensim/profile.h>
#include <xensim/world.h>

#include "support/world_helpers.h"

static uint64_t pattern(uint16_t domid, uint64_t gfn, unsigned off)
{
	return (uint64_t)domid << 48 | gfn << 12 | off;
}

static void default_world_has_dom0_and_three_guests(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_caller c = wh_caller(w, 0);
	struct xsim_domain_info info;
	uint64_t word;

	(void)state;
	xsim_lock(w);
	assert_int_equal(xsim_domain_getinfo(&c, 0, &info), 0);
	assert_true(info.privileged);
	assert_int_equal(xsim_domain_getinfo(&c, 1, &info), 0);
	assert_true(info.hvm);
	assert_int_equal(info.tot_pages, 256);
	assert_int_equal(info.max_vcpus, 1);
	assert_int_equal(xsim_domain_getinfo(&c, 2, &info), 0);
	assert_true(info.hvm);
	assert_int_equal(xsim_domain_getinfo(&c, 3, &info), 0);
	assert_false(info.hvm);
	assert_int_equal(xsim_domain_getinfo(&c, 4, &info), -ESRCH);
	assert_int_equal(xsim_domain_getinfo(&c, XSIM_DOMID_INVALID, &info),
			 -ESRCH);
	/* Memory carries the per-domain pattern. */
	assert_int_equal(xsim_mem_access(&c, 2, 5, 16, &word, 8, false), 0);
	assert_int_equal(word, pattern(2, 5, 16));
	assert_int_equal(xsim_mem_access(&c, 2, 256, 0, &word, 8, false),
			 -EINVAL);
	xsim_unlock(w);
	assert_string_equal(xsim_world_profile(w)->name, "proposed");
	xsim_world_detach(w);
}

static void unknown_profile_is_refused(void **state)
{
	struct xsim_world_config cfg = { .profile = "solaris" };
	struct xsim_world *w = NULL;

	(void)state;
	assert_int_equal(xsim_world_create(&cfg, &w), -ENOENT);
	assert_null(w);
}

static void every_profile_creates_a_world(void **state)
{
	const struct xsim_profile *const *p;

	(void)state;
	for (p = xsim_profiles(); *p; p++) {
		struct xsim_world *w = wh_world((*p)->name, true);

		assert_string_equal(xsim_world_profile(w)->name, (*p)->name);
		xsim_world_detach(w);
	}
}

static void domain_create_and_destroy(void **state)
{
	struct xsim_world *w = wh_world("linux", true);
	struct xsim_caller dom0 = wh_caller(w, 0);
	struct xsim_domain_config cfg = { .domid = XSIM_DOMID_INVALID,
					  .hvm = true, .max_pages = 64 };
	struct xsim_world_stats before, after;
	uint16_t a, b;

	(void)state;
	xsim_world_stats(w, &before);
	xsim_lock(w);
	assert_int_equal(xsim_domain_create(&dom0, &cfg, &a), 0);
	assert_int_equal(a, 1);
	assert_int_equal(xsim_domain_create(&dom0, &cfg, &b), 0);
	assert_int_equal(b, 2);
	cfg.domid = 2;
	assert_int_equal(xsim_domain_create(&dom0, &cfg, &b), -EEXIST);
	cfg.domid = XSIM_DOMID_SELF;
	assert_int_equal(xsim_domain_create(&dom0, &cfg, &b), -EINVAL);
	assert_int_equal(xsim_domain_set_max_vcpus(&dom0, a, 2), 0);
	assert_int_equal(xsim_domain_set_max_vcpus(&dom0, a, 0), -EINVAL);
	assert_int_equal(xsim_mem_populate(&dom0, a, 0, 64), 0);
	assert_int_equal(xsim_mem_populate(&dom0, a, 64, 1), -ENOMEM);
	/* An unprivileged domain may not create or destroy. */
	{
		struct xsim_caller guest = wh_caller(w, a);

		cfg.domid = XSIM_DOMID_INVALID;
		assert_int_equal(xsim_domain_create(&guest, &cfg, &b), -EPERM);
		assert_int_equal(xsim_domain_destroy(&guest, 2), -EPERM);
	}
	assert_int_equal(xsim_domain_destroy(&dom0, a), 0);
	assert_int_equal(xsim_domain_destroy(&dom0, a), -ESRCH);
	assert_int_equal(xsim_domain_destroy(&dom0, 0), -EINVAL);
	assert_int_equal(xsim_domain_destroy(&dom0, 2), 0);
	xsim_unlock(w);
	/* Every page went back to the pool. */
	xsim_world_stats(w, &after);
	assert_int_equal(after.free_pages, before.free_pages);
	assert_int_equal(after.nr_domains, 1);
	xsim_world_detach(w);
}

static void memory_populate_translate_decrease(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_caller dom0 = wh_caller(w, 0);
	struct xsim_caller guest3 = wh_caller(w, 3);
	uint32_t page, page2;
	uint64_t big = 0xFEFF0;

	(void)state;
	xsim_lock(w);
	assert_int_equal(xsim_mem_map_gfn(&dom0, 1, 0, true, &page), 0);
	assert_int_equal(xsim_mem_map_gfn(&dom0, 1, 1, true, &page2), 0);
	assert_int_not_equal(page, page2);
	assert_true(xsim_page_owned_by(w, page, 1));
	assert_false(xsim_page_owned_by(w, page, 2));
	assert_int_equal(xsim_mem_map_gfn(&dom0, 9, 0, true, &page), -ESRCH);
	assert_int_equal(xsim_mem_map_gfn(&dom0, 1, 999, true, &page), -EINVAL);
	/* A guest may not map another guest's memory (XSM dummy). */
	assert_int_equal(xsim_mem_map_gfn(&guest3, 1, 0, true, &page), -EPERM);
	/* Sparse gfns far up (HVM special pages) cost three radix pages. */
	assert_int_equal(xsim_mem_populate(&dom0, 1, big, 1), 0);
	assert_int_equal(xsim_mem_map_gfn(&dom0, 1, big, false, &page), 0);
	assert_int_equal(xsim_mem_populate(&dom0, 1, 1ull << 30, 1),
			 -EINVAL);
	assert_int_equal(xsim_mem_decrease(&dom0, 1, big, 1), 0);
	assert_int_equal(xsim_mem_map_gfn(&dom0, 1, big, false, &page),
			 -EINVAL);
	assert_int_equal(xsim_mem_decrease(&dom0, 1, big, 1), -EINVAL);
	xsim_unlock(w);
	xsim_world_detach(w);
}

static void effect_log_names_domain_and_handle(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_caller c = wh_caller(w, 0);
	struct xsim_effect e[8];
	uint64_t from;
	uint32_t page;

	(void)state;
	c.handle = 42;
	from = xsim_effect_next(w);
	xsim_lock(w);
	assert_int_equal(xsim_mem_map_gfn(&c, 2, 7, true, &page), 0);
	xsim_unlock(w);
	assert_int_equal(xsim_effect_read(w, from, e, 8), 1);
	assert_int_equal(e[0].seq, from);
	assert_int_equal(e[0].domid, 2);
	assert_int_equal(e[0].handle, 42);
	assert_int_equal(e[0].kind, XSIM_EFF_MAP);
	assert_int_equal(e[0].op, XSIM_OP_FOREIGN_MAP);
	assert_int_equal(e[0].detail, 7);
	assert_string_equal(xsim_effect_kind_name(e[0].kind), "map");
	assert_int_equal(wh_effects_elsewhere(w, from, 42, 2), 0);
	assert_int_equal(wh_effects_on(w, from, 2), 1);
	xsim_world_detach(w);
}

static void effect_log_reports_overrun(void **state)
{
	struct xsim_world_config cfg = { .effect_log_entries = 16,
					 .nr_pages = 64, .max_handles = 4,
					 .empty = true };
	struct xsim_world *w;
	struct xsim_effect e[4];
	unsigned i;

	(void)state;
	assert_int_equal(xsim_world_create(&cfg, &w), 0);
	for (i = 0; i < 40; i++)
		xsim_effect_add(w, 1, 1, XSIM_EFF_READ, XSIM_OP_MEMORY, 0, i);
	assert_int_equal(xsim_effect_read(w, 0, e, 4), -ENOSPC);
	assert_int_equal(xsim_effect_read(w, 36, e, 4), 4);
	assert_int_equal(e[3].detail, 39);
	xsim_world_detach(w);
	cfg.effect_log_entries = 15;	/* not a power of two */
	assert_int_equal(xsim_world_create(&cfg, &w), -EINVAL);
}

static void fork_shares_the_machine(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_caller dom0 = wh_caller(w, 0);
	struct xsim_domain_config cfg = { .domid = 9, .max_pages = 4 };
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		uint16_t id;
		int rc;

		xsim_lock(w);
		rc = xsim_domain_create(&dom0, &cfg, &id);
		xsim_unlock(w);
		_exit(rc == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(xsim_domain_exists(w, 9));
	xsim_world_detach(w);
}

static void attach_by_fd_sees_the_same_world(void **state)
{
	struct xsim_world *w = wh_world("linux", false), *w2 = NULL;
	struct xsim_caller c2;
	uint64_t word = 0x1122334455667788ull, back = 0;

	(void)state;
	assert_int_equal(xsim_world_attach_fd(xsim_world_fd(w), &w2), 0);
	assert_string_equal(xsim_world_profile(w2)->name, "linux");
	assert_int_equal(xsim_world_id(w2), xsim_world_id(w));
	c2 = wh_caller(w2, 0);
	xsim_lock(w2);
	assert_int_equal(xsim_mem_access(&c2, 1, 3, 8, &word, 8, true), 0);
	xsim_unlock(w2);
	{
		struct xsim_caller c = wh_caller(w, 0);

		xsim_lock(w);
		assert_int_equal(xsim_mem_access(&c, 1, 3, 8, &back, 8, false), 0);
		xsim_unlock(w);
	}
	assert_int_equal(back, word);
	/* Anything that is not a world is refused. */
	assert_int_equal(xsim_world_attach_fd(STDIN_FILENO, &w2) < 0, 1);
	xsim_world_detach(w2);
	xsim_world_detach(w);
}

/* ---- world files ---- */

/* A file holding len bytes of text (which may hold NUL bytes). */
static char *write_tmp_n(const char *text, size_t len)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/xsim-world-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static char *write_tmp(const char *text)
{
	return write_tmp_n(text, strlen(text));
}

static void world_file_builds_the_described_machine(void **state)
{
	struct xsim_world *w = wh_world(NULL, true);
	struct xsim_caller c = wh_caller(w, 0);
	struct xsim_domain_info info;
	char err[256] = "";
	char *path = write_tmp(
		"# two guests\n"
		"domain 7 hvm vcpus=2 pages=16\n"
		"domain 8 pv pages=4 max-pages=8 xs-target=7   # trailing\n"
		"\n"
		"unbound 7 0\n"
		"grant 7 8 0 3 ro\n"
		"grant 8 9 0 2\n");
	uint32_t page;
	uint64_t mfn;

	(void)state;
	assert_int_equal(xsim_world_load_file(w, path, err, sizeof(err)), 0);
	unlink(path);
	xsim_lock(w);
	assert_int_equal(xsim_domain_getinfo(&c, 7, &info), 0);
	assert_true(info.hvm);
	assert_int_equal(info.max_vcpus, 2);
	assert_int_equal(info.tot_pages, 16);
	assert_int_equal(xsim_domain_getinfo(&c, 8, &info), 0);
	assert_int_equal(info.max_pages, 8);
	assert_int_equal(xsim_domain_getinfo(&c, 1, &info), -ESRCH);
	/* PV domain 8's grant of gfn 2 names that page's machine frame. */
	assert_int_equal(xsim_gnttab_map(&c, 8, 9, true, &page), 0);
	assert_int_equal(xsim_mem_frame_of_gfn(w, 8, 2, &mfn), 0);
	assert_int_equal(mfn, xsim_page_mfn(page));
	assert_int_not_equal(mfn, 2);
	assert_int_equal(xsim_gnttab_unmap(&c, 8, 9), 0);
	xsim_unlock(w);
	assert_int_equal(xsim_domain_xs_target(w, 8), 7);
	xsim_world_detach(w);
}

static void expect_file_error_n(const char *text, size_t len,
				const char *where, const char *reason)
{
	struct xsim_world *w = wh_world(NULL, true);
	char err[256] = "";
	char *path = write_tmp_n(text, len);
	char want[128];

	assert_int_equal(xsim_world_load_file(w, path, err, sizeof(err)),
			 -EINVAL);
	snprintf(want, sizeof(want), "%s:%s", path, where);
	unlink(path);
	if (strncmp(err, want, strlen(want)) || !strstr(err, reason))
		fail_msg("got '%s', want '%s...%s'", err, want, reason);
	xsim_world_detach(w);
}

static void expect_file_error(const char *text, const char *where,
			      const char *reason)
{
	expect_file_error_n(text, strlen(text), where, reason);
}

static void world_file_errors_name_file_line_and_reason(void **state)
{
	(void)state;
	expect_file_error("domain 5\nfrobnicate 1\n", "2:", "unknown directive");
	expect_file_error("domain 0\n", "1:", "domain 0 always exists");
	expect_file_error("domain 5\ndomain 5\n", "2:", "defined twice");
	expect_file_error("domain 5 vcpus=lots\n", "1:", "not a number");
	expect_file_error("domain 5 vcpus=999\n", "1:", "out of range");
	expect_file_error("domain 32752\n", "1:", "out of range");
	expect_file_error("domain 5 colour=blue\n", "1:", "unknown attribute");
	expect_file_error("domain 5 pages=9 max-pages=4\n", "1:", "exceeds");
	expect_file_error("unbound 6 0\n", "1:", "not defined");
	expect_file_error("domain 5\ngrant 5 8 0 1 rw\n", "2:", "unknown flag");
	expect_file_error("domain 5\ngrant 5\n", "2:", "expected");
	expect_file_error("domain 5 pv pages=4\ngrant 5 8 0 4\n", "2:",
			  "not populated");
}

/*
 * What the xen-domu fixture's dom0 offers its domU (vm-images/domu/
 * dom0.sh), written as a world: dom0's unbound port and its grant of one
 * page to domain 6, both published in 6's xenstore directory.
 */
static void world_file_publishes_dom0_offers(void **state)
{
	struct xsim_world *w = wh_world(NULL, true);
	struct xsim_caller c0 = wh_caller(w, 0), c6 = wh_caller(w, 6);
	struct xsim_evtchn_status st;
	uint64_t word[4];
	char err[256] = "";
	char *path = write_tmp(
		"domain 5 pv pages=16\n"
		"domain 6 pv xs-target=5\n"
		"unbound 0 6 publish\n"
		"grant 0 8 6 0x100 publish\n");
	uint32_t port, local;

	(void)state;
	assert_int_equal(xsim_world_load_file(w, path, err, sizeof(err)), 0);
	unlink(path);
	port = xsim_domain_xs_offer(w, 6, XSIM_XS_OFFER_PORT);
	assert_int_not_equal(port, XSIM_XS_NO_OFFER);
	assert_int_equal(xsim_domain_xs_offer(w, 6, XSIM_XS_OFFER_GREF), 8);
	assert_int_equal(xsim_domain_xs_offer(w, 5, XSIM_XS_OFFER_PORT),
			 XSIM_XS_NO_OFFER);
	xsim_lock(w);
	assert_int_equal(xsim_evtchn_status(&c0, 0, port, &st), 0);
	assert_int_equal(st.remote_dom, 6);
	/* Domain 6 binds dom0's port and reads dom0's page: the pattern. */
	assert_int_equal(xsim_evtchn_bind_interdomain(&c6, 0, port, &local), 0);
	assert_int_equal(xsim_gnttab_copy(&c6, 0, 8, 0, word, sizeof(word),
					  false), 0);
	assert_int_equal(word[0], (uint64_t)0x100 << 12);
	assert_int_equal(word[3], ((uint64_t)0x100 << 12) | 24);
	xsim_unlock(w);
	xsim_world_detach(w);
}

static void world_file_publish_errors(void **state)
{
	(void)state;
	expect_file_error("domain 5\nunbound 5 0 publish\n", "2:",
			  "only dom0 publishes");
	expect_file_error("domain 5\nunbound 0 5 shout\n", "2:", "expected");
	expect_file_error("domain 5\nunbound 0 5 publish\nunbound 0 5 publish\n",
			  "3:", "already has a data/xrc-offer-port");
	expect_file_error("domain 5\ngrant 0 8 7 0 publish\n", "2:",
			  "not a defined domU");
	expect_file_error("domain 5\ngrant 0 8 0 0 publish\n", "2:",
			  "not a defined domU");
	expect_file_error("domain 5\ngrant 0 8 5 0 publish\ngrant 0 9 5 1 publish\n",
			  "3:", "already has a data/xrc-offer-gref");
	expect_file_error("domain 5\ngrant 0 8 5 0 ro ro\n", "2:", "given twice");
	expect_file_error("domain 5\ngrant 0 8 5 0 ro publish x\n", "2:",
			  "expected");
	expect_file_error("domain 5\ngrant 5 8 0 0 publish\n", "2:",
			  "only dom0 publishes");
}

/*
 * What Xen would refuse, the file refuses: createdomain needs a vcpu
 * (Xen 4.17 xen/common/domain.c sanitise_domain_config: "No vCPUS",
 * -EINVAL), and an event sent to a domain without one crashed Xen 4.17.7
 * (docs/reference/linux-6.1-observed.md).  A NUL byte is not text.
 */
static void world_file_refuses_what_xen_would(void **state)
{
	static const char nul[] = "domain 5\ndomain 6 hvm\0 pages=4\n";
	static const char long_nul[] = "domain 5\0 pv\n";

	(void)state;
	expect_file_error("domain 5\ndomain 6 vcpus=0\n", "2:",
			  "vcpus=0");
	expect_file_error_n(nul, sizeof(nul) - 1, "2:", "NUL byte");
	expect_file_error_n(long_nul, sizeof(long_nul) - 1, "1:", "NUL byte");
	/* The limit stays: 1022 characters and the newline. */
	{
		char line[1100];

		memset(line, ' ', sizeof(line));
		memcpy(line, "domain 5", 8);
		line[1022] = '\n';
		{
			struct xsim_world *w = wh_world(NULL, true);
			char err[256] = "";
			char *path = write_tmp_n(line, 1023);

			assert_int_equal(xsim_world_load_file(w, path, err,
							      sizeof(err)), 0);
			unlink(path);
			xsim_world_detach(w);
		}
		line[1023] = '\n';
		line[1022] = ' ';
		expect_file_error_n(line, 1024, "1:", "line too long");
	}
}

/*
 * A FIFO (or any file that is not a regular one) is refused before it is
 * read: opening a FIFO for reading waits for a writer, and a program
 * started with XENSIM_WORLD=<a FIFO> would hang in its first open().  The
 * load runs in a child so that a hang fails the test instead of stalling it.
 */
static void world_file_not_regular_is_refused(void **state)
{
	char dir[] = "/tmp/xsim-world-fifo-XXXXXX", path[64];
	int status = 0, i;
	pid_t pid;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct xsim_world *w = wh_world(NULL, true);
		char err[256] = "";
		char want[96];
		int rc = xsim_world_load_file(w, path, err, sizeof(err));

		snprintf(want, sizeof(want), "%s: ", path);
		_exit(rc == -EINVAL && !strncmp(err, want, strlen(want)) &&
		      strstr(err, "not a regular file") ? 0 : 1);
	}
	for (i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(50 * 1000);
	if (i == 100) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	unlink(path);
	rmdir(dir);
	if (i == 100)
		fail_msg("loading a FIFO as a world file blocked for 5 s");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* A directory is not a world file either. */
	{
		struct xsim_world *w = wh_world(NULL, true);
		char err[256] = "";

		assert_int_equal(xsim_world_load_file(w, "/tmp", err,
						      sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "/tmp: not a regular file"));
		xsim_world_detach(w);
	}
}

static void world_file_missing_is_an_error(void **state)
{
	struct xsim_world *w = wh_world(NULL, true);
	char err[256] = "";

	(void)state;
	assert_int_equal(xsim_world_load_file(w, "/nonexistent/world", err,
					      sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/world"));
	xsim_world_detach(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_world_has_dom0_and_three_guests),
		cmocka_unit_test(unknown_profile_is_refused),
		cmocka_unit_test(every_profile_creates_a_world),
		cmocka_unit_test(domain_create_and_destroy),
		cmocka_unit_test(memory_populate_translate_decrease),
		cmocka_unit_test(effect_log_names_domain_and_handle),
		cmocka_unit_test(effect_log_reports_overrun),
		cmocka_unit_test(fork_shares_the_machine),
		cmocka_unit_test(attach_by_fd_sees_the_same_world),
		cmocka_unit_test(world_file_builds_the_described_machine),
		cmocka_unit_test(world_file_errors_name_file_line_and_reason),
		cmocka_unit_test(world_file_publishes_dom0_offers),
		cmocka_unit_test(world_file_publish_errors),
		cmocka_unit_test(world_file_missing_is_an_error),
		cmocka_unit_test(world_file_refuses_what_xen_would),
		cmocka_unit_test(world_file_not_regular_is_refused),
	};

	return cmocka_run_group_tests_name("world", tests, NULL, NULL);
}
