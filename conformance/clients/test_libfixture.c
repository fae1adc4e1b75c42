/* SPDX-License-Identifier: MIT */
/*
 * libfixture itself (libfixture/include/xrc/libfixture.h): what it
 * builds, what it refuses, and its cleanup rule.  A fixture domain must
 * disappear when its test process exits, aborts or is killed; only a
 * SIGKILL of the whole group leaves it, and xrc_lf_sweep() then removes
 * it.  The dying processes are this program re-executed (--child MODE),
 * so that each has a fixture of its own on the same machine.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>

#include "common.h"

static xc_interface *xch;

static int setup(void **state)
{
	(void)state;
	client_fixture_start();
	xch = xc_interface_open(client_logger(), client_logger(), 0);
	return xch ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return xc_interface_close(xch);
}

/*
 * Does domid exist?  xc_domain_getinfo answers with the first domain at or
 * above domid, or -1/ESRCH when there is none (libxenctrl 4.17
 * tools/libs/ctrl/xc_domain.c, Xen 4.17 XEN_DOMCTL_getdomaininfo); any
 * other failure is no answer and fails the test (it is not "no domain").
 */
static bool exists(uint32_t domid)
{
	xc_dominfo_t info;
	int n;

	errno = 0;
	n = xc_domain_getinfo(xch, domid, 1, &info);
	if (n == 1)
		return info.domid == domid;
	if (n < 0 && errno == ESRCH)
		return false;
	fail_msg("xc_domain_getinfo(%u): %d, errno %s; expected 1 or -1, ESRCH",
		 domid, n, client_errname(errno));
	return true;
}

static void builds_what_it_says(void **state)
{
	struct xrc_lf_spec pv = { .pages = 8, .max_pages = 12 };
	struct xrc_lf_spec hvm = { .hvm = true, .vcpus = 2, .pages = 4 };
	uint32_t a, b;
	uint64_t frame;
	xc_dominfo_t info;

	(void)state;
	assert_ok(xrc_lf_create(&pv, &a));
	assert_ok(xrc_lf_create(&hvm, &b));
	assert_int_equal(xc_domain_getinfo(xch, a, 1, &info), 1);
	assert_true(info.paused);
	assert_false(info.hvm);
	assert_int_equal(info.nr_pages, 8);
	assert_int_equal(info.max_memkb, 12 * 4);
	assert_int_equal(info.max_vcpu_id, 0);	/* vcpus exist */
	assert_int_equal(xc_domain_getinfo(xch, b, 1, &info), 1);
	assert_true(info.hvm);
	assert_int_equal(info.max_vcpu_id, 1);
	assert_int_equal(info.nr_pages, 4);
	/* An HVM guest's frames are its gfns (a PV guest's are Xen's mfns). */
	assert_ok(xrc_lf_frame(b, 3, &frame));
	assert_int_equal(frame, 3);
	/* Defaults: one vcpu, 16 pages. */
	assert_ok(xrc_lf_destroy(b));
	assert_ok(xrc_lf_create(NULL, &b));
	assert_int_equal(xc_domain_getinfo(xch, b, 1, &info), 1);
	assert_int_equal(info.nr_pages, 16);
	assert_int_equal(info.max_vcpu_id, 0);
	assert_ok(xrc_lf_destroy(a));
	assert_ok(xrc_lf_destroy(b));
	assert_false(exists(a));
	assert_false(exists(b));
}

static void refuses(void **state)
{
	struct xrc_lf_spec bad = { .pages = 8, .max_pages = 4 };
	uint32_t d, ref, port;
	uint64_t frame;

	(void)state;
	assert_int_equal(xrc_lf_create(&bad, &d), -EINVAL);
	assert_non_null(strstr(xrc_lf_error(), "spec"));
	d = client_domain(false, 2);
	assert_int_equal(xrc_lf_frame(d, 2, &frame), -EINVAL);
	assert_int_equal(xrc_lf_grant(d, 5, 0, false, &ref), -EINVAL);
	/* Not the fixture's: dom0, or a domain that is gone. */
	assert_int_equal(xrc_lf_destroy(0), -ENOENT);
	assert_int_equal(xrc_lf_grant(0, 0, 0, false, &ref), -ENOENT);
	assert_ok(xrc_lf_destroy(d));
	assert_int_equal(xrc_lf_destroy(d), -ENOENT);
	assert_int_equal(xrc_lf_frame(d, 0, &frame), -ENOENT);
	/* Xen's refusal comes back with the step that failed. */
	assert_int_equal(xrc_lf_unbound_port(0x7000, 0, &port), -ESRCH);
	assert_non_null(strstr(xrc_lf_error(), "xc_evtchn_alloc_unbound"));
	assert_int_equal(xrc_lf_unshare(&d), -ENOENT);
}

static void ports_grants_shares(void **state)
{
	uint32_t d = client_domain(false, 4), port, ref, ref2, sref;
	xc_evtchn_status_t st = { 0 };
	xengnttab_handle *xgt = assert_ptr_ok(xengnttab_open(client_logger(), 0));
	uint8_t *g, *s;

	(void)state;
	assert_ok(xrc_lf_unbound_port(d, 0, &port));
	st.dom = (domid_t)d;
	st.port = port;
	assert_ok(xc_evtchn_status(xch, &st));
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 0);
	/* Refs from 8 up, one per grant. */
	assert_ok(xrc_lf_grant(d, 1, 0, false, &ref));
	assert_ok(xrc_lf_grant(d, 2, 0, true, &ref2));
	assert_true(ref >= 8);
	assert_int_equal(ref2, ref + 1);
	g = assert_ptr_ok(xengnttab_map_grant_ref(xgt, d, ref2, PROT_READ));
	assert_ok(xengnttab_unmap(xgt, g, 1));
	/* A page of ours, shared with dom0 and mapped back. */
	s = assert_ptr_ok(xrc_lf_share(0, true, &sref));
	s[9] = 0x99;
	g = assert_ptr_ok(xengnttab_map_grant_ref(xgt, 0, sref, PROT_READ));
	assert_int_equal(g[9], 0x99);
	assert_ok(xengnttab_unmap(xgt, g, 1));
	assert_ok(xrc_lf_unshare(s));
	assert_int_equal(xrc_lf_unshare(s), -ENOENT);
	assert_ok(xengnttab_close(xgt));
	assert_ok(xrc_lf_destroy(d));
}

/*
 * A PV guest's frames are Xen's machine frames, not its page numbers (a
 * real dom0 gave 0x5f080 for page 0): mapped by frame, a page shows what
 * its grant shows, and two pages are two frames.
 */
static void pv_frames_are_machine_frames(void **state)
{
	uint32_t d = client_domain(false, 4), ref;
	xenforeignmemory_handle *fm =
		assert_ptr_ok(xenforeignmemory_open(client_logger(), 0));
	xengnttab_handle *xgt = assert_ptr_ok(xengnttab_open(client_logger(), 0));
	uint64_t f2, f3;
	xen_pfn_t frames[2];
	int err[2] = { 1, 1 };
	uint8_t *m, *g;

	(void)state;
	assert_ok(xrc_lf_frame(d, 2, &f2));
	assert_ok(xrc_lf_frame(d, 3, &f3));
	assert_true(f2 != 2 && f3 != 3 && f2 != f3);
	frames[0] = (xen_pfn_t)f2;
	frames[1] = (xen_pfn_t)f3;
	m = assert_ptr_ok(xenforeignmemory_map(fm, d, PROT_READ | PROT_WRITE,
					       2, frames, err));
	assert_int_equal(err[0], 0);
	assert_int_equal(err[1], 0);
	m[100] = 0x5a;
	m[4096 + 100] = 0xa5;
	/* Page 2's grant (its entry names f2) shows what frame f2 holds. */
	assert_ok(xrc_lf_grant(d, 2, 0, true, &ref));
	g = assert_ptr_ok(xengnttab_map_grant_ref(xgt, d, ref, PROT_READ));
	assert_int_equal(g[100], 0x5a);
	assert_ok(xengnttab_unmap(xgt, g, 1));
	assert_ok(xrc_lf_grant(d, 3, 0, true, &ref));
	g = assert_ptr_ok(xengnttab_map_grant_ref(xgt, d, ref, PROT_READ));
	assert_int_equal(g[100], 0xa5);
	assert_ok(xengnttab_unmap(xgt, g, 1));
	assert_ok(xenforeignmemory_unmap(fm, m, 2));
	assert_ok(xengnttab_close(xgt));
	assert_ok(xenforeignmemory_close(fm));
	assert_ok(xrc_lf_destroy(d));
}

static void child_refused(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		uint32_t d;

		_exit(xrc_lf_create(NULL, &d) == -ECHILD ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Run this program as a child that makes a domain then ends by mode. */
static uint32_t run_child(const char *mode, int *status)
{
	int fds[2];
	char buf[32] = "";
	ssize_t n;
	pid_t pid;

	assert_ok(pipe(fds));
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl("/proc/self/exe", "test_libfixture", "--child", mode,
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	assert_int_equal(waitpid(pid, status, 0), pid);
	assert_true(n > 0);
	return (uint32_t)strtoul(buf, NULL, 10);
}

/*
 * The dying child's fixture server, orphaned to us: this process is a
 * child subreaper (main), so the server is reparented here when the child
 * dies, and its exit says that its clean-up is over.  Waiting for it,
 * rather than polling, keeps the run deterministic: every call the
 * server makes comes before the next one of ours, so `xrc faults` point
 * numbers do not move with timing (docs/faults.md).
 */
static void reap_orphaned_server(void)
{
	int status;
	pid_t pid;

	do {
		pid = waitpid(-1, &status, 0);
	} while (pid < 0 && errno == EINTR);
	assert_true(pid > 0);
}

static void cleanup_on_exit(void **state)
{
	int status;
	uint32_t d = run_child("exit", &status);

	(void)state;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(d > 0);
	/* exit() waited for the server: already gone. */
	assert_false(exists(d));
}

static void cleanup_on_crash(void **state)
{
	int status;
	uint32_t d = run_child("abort", &status);

	(void)state;
	assert_true(WIFSIGNALED(status));
	/* The server saw the connection close and cleaned up on its own. */
	reap_orphaned_server();
	assert_false(exists(d));
}

static void sweep_after_sigkill(void **state)
{
	int status;
	uint32_t d = run_child("kill", &status);

	(void)state;
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	/* Killed with the child: nobody was left to clean up. */
	reap_orphaned_server();
	assert_true(exists(d));
	assert_int_equal(xrc_lf_sweep(), 1);
	assert_false(exists(d));
	assert_int_equal(xrc_lf_sweep(), 0);
}

/* The re-executed child: a fixture, a domain, then the end it was told. */
static int child(const char *mode)
{
	uint32_t d;

	/* "kill" ends the whole group: the child, and its server with it. */
	if (!strcmp(mode, "kill"))
		setpgid(0, 0);
	if (xrc_lf_init() || xrc_lf_create(NULL, &d)) {
		fprintf(stderr, "child: %s\n", xrc_lf_error());
		return 2;
	}
	printf("%u\n", d);
	fflush(stdout);
	if (!strcmp(mode, "abort"))
		abort();
	if (!strcmp(mode, "kill"))
		kill(0, SIGKILL);
	/* "exit": the clean-up's result is the exit status. */
	if (xrc_lf_fini()) {
		fprintf(stderr, "child: %s\n", xrc_lf_error());
		return 3;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builds_what_it_says),
		cmocka_unit_test(refuses),
		cmocka_unit_test(ports_grants_shares),
		cmocka_unit_test(pv_frames_are_machine_frames),
		cmocka_unit_test(child_refused),
		cmocka_unit_test(cleanup_on_exit),
		cmocka_unit_test(cleanup_on_crash),
		cmocka_unit_test(sweep_after_sigkill),
	};

	if (argc == 3 && !strcmp(argv[1], "--child"))
		return child(argv[2]);
	/* Dying children's servers come back to us (reap_orphaned_server). */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		perror("test_libfixture: PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	return client_finish(cmocka_run_group_tests_name(
		"libfixture", tests, setup, teardown));
}
