/* SPDX-License-Identifier: MIT */
/*
 * The runner's own catalogue, for build/bin/xrc-conformance-selftest:
 * bodies whose verdicts are known in advance (pass, fail, skip, error,
 * crash, hang, a second observation, none, a stray exit), and bodies that
 * exercise the fixture and the restrict helpers on the sim.  run.sh runs
 * it and checks every verdict, reason, exit code and report.
 *
 * Cells are named as in the row files (conformance/suite/rows/cells.h), and
 * checked the same way at build time.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xensim/uapi.h>

#include <xrc/body.h>

#include "../rows/cells.h"

#define SELF_ROWS(X)							\
	X("self.verdict.pass", pass,					\
	  "close(-1) fails with EBADF",					\
	  CELL(PROPOSED, ERR(EBADF)), CELL(LINUX, ERR(EBADF)),		\
	  CELL(FREEBSD, ERR(EBADF)), CELL(NETBSD, ERR(EBADF)))		\
	X("self.verdict.fail", fail_proposed,				\
	  "close(-1) fails with EPERM (only the proposed column says so)", \
	  CELL(PROPOSED, ERR(EPERM)), CELL(LINUX, ERR(EBADF)),		\
	  CELL(LINUX_XSA482, DENIED), CELL(FREEBSD, UNSUP), CELL(NETBSD, SUCCESS)) \
	X("self.verdict.unspecified", unspecified,			\
	  "anything goes where the source is silent",			\
	  CELL(PROPOSED, UNSPEC), CELL(LINUX, UNSPEC),			\
	  CELL(FREEBSD, UNSPEC), CELL(NETBSD, UNSPEC))			\
	X("self.verdict.result-where-absent", result_where_absent,	\
	  "a result where the column says the feature is absent",	\
	  CELL(PROPOSED, ABSENT), CELL(LINUX, OK),			\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.verdict.skip", skip_absent,				\
	  "a feature probed absent, as the column says",		\
	  CELL(PROPOSED, ABSENT), CELL(LINUX, ABSENT),			\
	  CELL(FREEBSD, ABSENT), CELL(NETBSD, ABSENT))			\
	X("self.verdict.skip-unexpected", skip_unexpected,		\
	  "a feature probed absent where the column expects a result",	\
	  CELL(PROPOSED, ERR(EPERM)), CELL(LINUX, ABSENT),		\
	  CELL(FREEBSD, ABSENT), CELL(NETBSD, ABSENT))			\
	X("self.verdict.error", error_setup,				\
	  "a setup step reports an error",				\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.verdict.setup-failed", setup_failed,			\
	  "XRC_SETUP of a failing call is an ERROR naming it",		\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.crash.segv", crash_segv,				\
	  "the body dereferences NULL",					\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.crash.abort", crash_abort,				\
	  "the body aborts",						\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.crash.after-observe", crash_after_observe,		\
	  "the body crashes after observing",				\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.hang.sleep", hang_sleep,				\
	  "the body never returns",					\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.hang.grandchild", hang_grandchild,			\
	  "a grandchild outlives the body holding its pipe",		\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.body.observe-twice", observe_twice,			\
	  "the body makes two judged calls",				\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.body.never-observe", never_observe,			\
	  "the body returns without a judged call",			\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.body.exit", body_exit,					\
	  "the body calls exit(3)",					\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.body.close-low-fds", close_low_fds,			\
	  "the body closes descriptors 3..63 and still reports",	\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.body.stdout-noise", stdout_noise,			\
	  "the body prints to stdout; the TAP on stdout stays intact",	\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.fixture.domains", fixture_domains,			\
	  "the probe found a, b, a PV guest and an absent domid, all distinct", \
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.fixture.unbound-port", fixture_unbound_port,		\
	  "a fixture port of a can be bound through evtchn",		\
	  CELL(PROPOSED, SUCCESS), CELL(LINUX, SUCCESS),		\
	  CELL(FREEBSD, SUCCESS), CELL(NETBSD, SUCCESS))		\
	X("self.fixture.grant", fixture_grant,				\
	  "a fixture grant of a's gfn 5 maps through gntdev to that page", \
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, ABSENT))			\
	X("self.restrict.privcmd", restrict_privcmd,			\
	  "xrc_restrict on privcmd, then a judged no-op",		\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, ABSENT))			\
	X("self.restrict.gntdev", restrict_gntdev,			\
	  "xrc_restrict on gntdev, then a judged no-op",		\
	  CELL(PROPOSED, OK), CELL(LINUX, ABSENT),			\
	  CELL(FREEBSD, ABSENT), CELL(NETBSD, ABSENT))			\
	X("self.transport.enotty-for-enosys", enotty_for_enosys,	\
	  "ENOTTY where ENOSYS is expected (PASS only under --transport cuse)", \
	  CELL(PROPOSED, ERR(ENOSYS)), CELL(LINUX, ERR(ENOSYS)),	\
	  CELL(FREEBSD, ERR(ENOSYS)), CELL(NETBSD, ERR(ENOSYS)))	\
	X("self.transport.enotty-for-eperm", enotty_for_eperm,		\
	  "ENOTTY where EPERM is expected (FAIL under any transport)",	\
	  CELL(PROPOSED, ERR(EPERM)), CELL(LINUX, ERR(EPERM)),		\
	  CELL(FREEBSD, ERR(EPERM)), CELL(NETBSD, ERR(EPERM)))		\
	X("self.mmap.privcmd-region", privcmd_region,			\
	  "a privcmd region maps (SKIP where the backend cannot mmap)",	\
	  CELL(PROPOSED, OK), CELL(LINUX, OK),				\
	  CELL(FREEBSD, OK), CELL(NETBSD, OK))				\
	X("self.mmap.world-grant", world_grant,				\
	  "without a privcmd mmap, the fixture grants a's gfn 0 by world ref 8", \
	  CELL(PROPOSED, RET(8)), CELL(LINUX, RET(8)),			\
	  CELL(FREEBSD, RET(8)), CELL(NETBSD, RET(8)))			\
	X("self.mmap.world-grant-none", world_grant_none,		\
	  "without a privcmd mmap, no world grant of gfn 4: SKIP",	\
	  CELL(PROPOSED, ABSENT), CELL(LINUX, ABSENT),			\
	  CELL(FREEBSD, ABSENT), CELL(NETBSD, ABSENT))

#define SELF_DECL(id, body, ...) void self_##body(struct xrc_ctx *t);
SELF_ROWS(SELF_DECL)
#undef SELF_DECL

void self_pass(struct xrc_ctx *t)
{
	XRC_OBSERVE(t, close(-1));
}

void self_fail_proposed(struct xrc_ctx *t)
{
	XRC_OBSERVE(t, close(-1));
}

void self_unspecified(struct xrc_ctx *t)
{
	XRC_OBSERVE(t, 42);
}

void self_result_where_absent(struct xrc_ctx *t)
{
	XRC_OBSERVE(t, 0);
}

void self_skip_absent(struct xrc_ctx *t)
{
	xrc_skip(t, "no such feature here");
}

void self_skip_unexpected(struct xrc_ctx *t)
{
	xrc_skip(t, "no such feature here");
}

void self_error_setup(struct xrc_ctx *t)
{
	xrc_error(t, "setup broke on purpose");
}

void self_setup_failed(struct xrc_ctx *t)
{
	XRC_SETUP(t, close(-1));
	XRC_OBSERVE(t, 0);
}

void self_crash_segv(struct xrc_ctx *t)
{
	/* volatile: the compiler may neither prove NULL nor drop the store. */
	volatile int *volatile p = NULL;

	*p = 1;
	XRC_OBSERVE(t, 0);
}

void self_crash_abort(struct xrc_ctx *t)
{
	abort();
	XRC_OBSERVE(t, 0);
}

/*
 * A real fault, not raise(SIGSEGV): the sim's preload re-arms the default
 * action and returns from a signal that is not a fault in a guarded copy,
 * so a raised one would be lost once, where a faulting store runs again.
 */
void self_crash_after_observe(struct xrc_ctx *t)
{
	volatile int *volatile p = NULL;

	XRC_OBSERVE(t, 0);
	*p = 1;
}

void self_hang_sleep(struct xrc_ctx *t)
{
	for (;;)
		pause();
	XRC_OBSERVE(t, 0);
}

void self_hang_grandchild(struct xrc_ctx *t)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	XRC_OBSERVE(t, pid > 0 ? 0 : -1);
}

void self_observe_twice(struct xrc_ctx *t)
{
	XRC_OBSERVE(t, 0);
	XRC_OBSERVE(t, 1);
}

void self_never_observe(struct xrc_ctx *t)
{
	(void)t;
}

void self_body_exit(struct xrc_ctx *t)
{
	(void)t;
	exit(3);
}

void self_close_low_fds(struct xrc_ctx *t)
{
	int fd;

	for (fd = 3; fd < 64; fd++)
		close(fd);
	XRC_OBSERVE(t, 0);
}

void self_stdout_noise(struct xrc_ctx *t)
{
	printf("not ok 999 - noise from a body\n");
	fflush(stdout);
	XRC_OBSERVE(t, 0);
}

void self_fixture_domains(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	bool distinct = d->a != d->b && d->a != d->pv && d->b != d->pv &&
			d->absent != d->a && d->absent != d->b &&
			d->absent != d->pv;
	bool found = d->a != XRC_NO_DOMAIN && d->b != XRC_NO_DOMAIN &&
		     d->pv != XRC_NO_DOMAIN && d->absent != XRC_NO_DOMAIN;

	XRC_OBSERVE(t, found && distinct ? 0 : -1);
}

void self_fixture_unbound_port(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	uint32_t port = xrc_setup_unbound_port(t, d->a);
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	struct ioctl_evtchn_bind_interdomain bind = {
		.remote_domain = d->a,
		.remote_port = port,
	};

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind));
}

/*
 * Judged: the first word of the mapped grant is the sim's pattern for
 * (a, gfn 5) (this catalogue only ever runs on the sim).
 */
void self_fixture_grant(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	uint32_t ref = xrc_setup_grant(t, d->a, 5, false);
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	struct ioctl_gntdev_map_grant_ref map = {
		.count = 1,
		.refs = { { .domid = d->a, .ref = ref } },
	};
	volatile uint64_t *page;

	XRC_SETUP(t, ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map));
	page = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, (off_t)map.index);
	if (page == MAP_FAILED)
		xrc_error(t, "mmap of the grant: %s", xrc_errno_name(errno));
	XRC_OBSERVE(t, page[0] == xrc_sim_pattern(d->a, 5, 0) ? 0 : -1);
}

void self_restrict_privcmd(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_PRIVCMD, 0);

	xrc_restrict(t, fd, XRC_PRIVCMD, xrc_domains(t)->a);
	XRC_OBSERVE(t, 0);
}

void self_restrict_gntdev(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	xrc_restrict(t, fd, XRC_GNTDEV, xrc_domains(t)->a);
	XRC_OBSERVE(t, 0);
}

/* An ioctl /dev/null does not know: -1/ENOTTY on any Linux. */
static long enotty(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	long rc = ioctl(fd, _IOC(_IOC_NONE, 'P', 0xFF, 0), NULL);
	int err = errno;

	close(fd);
	errno = err;
	return rc;
}

void self_enotty_for_enosys(struct xrc_ctx *t)
{
	XRC_OBSERVE(t, enotty());
}

void self_enotty_for_eperm(struct xrc_ctx *t)
{
	XRC_OBSERVE(t, enotty());
}

void self_privcmd_region(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_PRIVCMD, 0);

	XRC_OBSERVE(t, xrc_privcmd_region(t, fd, 1) ? 0 : -1);
}

/* Only meaningful where privcmd cannot mmap (run.sh: a /dev/null devdir). */
static void require_no_mmap(struct xrc_ctx *t)
{
	if (xrc_can_mmap(t, XRC_PRIVCMD))
		xrc_skip(t, "privcmd can mmap here: the fixture writes fresh grants");
}

void self_world_grant(struct xrc_ctx *t)
{
	require_no_mmap(t);
	XRC_OBSERVE(t, xrc_setup_grant(t, 1, 0, false));
}

void self_world_grant_none(struct xrc_ctx *t)
{
	require_no_mmap(t);
	XRC_OBSERVE(t, xrc_setup_grant(t, 1, 4, false));
}

/* The same build-time check of the cells as the real catalogue's. */
#define CELL(sym, value)	sym
#define SELF_CHECK(id, body, statement, ...)				\
	XRC_CHECK_ROW(body, __VA_ARGS__)
SELF_ROWS(SELF_CHECK)
#undef CELL

/* Bodies are self_<name>, not named after their IDs: no body_name. */
#define CELL(sym, value)	[XRC_P_##sym] = value
#define SELF_ROW(id_, body_, statement_, ...)				\
	{ .id = id_, .body = self_##body_, .statement = statement_,		\
	  .source = "conformance/suite/selftest/catalogue.c",			\
	  .expect = { __VA_ARGS__ } },

const struct xrc_assertion xrc_catalogue[] = {
	SELF_ROWS(SELF_ROW)
	{ 0 }
};
#undef CELL

const unsigned xrc_catalogue_len =
	sizeof(xrc_catalogue) / sizeof(xrc_catalogue[0]) - 1;
