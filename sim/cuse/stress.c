/* SPDX-License-Identifier: MIT */
/*
 * xensim-cuse-stress [--daemon PID] DEVDIR: does the CUSE daemon survive
 * its clients?  Run in the cuse guest after the suite; prints TAP.
 *
 *   1. 1,000 handles open at once across the four nodes, each answering
 *      a cheap ioctl as the first handle of its node did;
 *   2. children SIGKILLed while blocked in an evtchn read or in a loop of
 *      ioctls, then the daemon still answers;
 *   3. garbage: random ioctl numbers, NULL / unmapped / kernel pointers,
 *      absurd counts: every call answers (a timeout is a failure);
 *   4. with --daemon PID, last: SIGTERM to the daemon while a client is
 *      blocked in read and another holds open fds; the read ends with an
 *      error, a later ioctl on the held fd fails with an errno, the daemon
 *      exits.
 *
 * uapi only (raw ioctls and syscalls): it sees the nodes as any client.
 * Each risky step runs in a child with a deadline, so a hang is reported,
 * never inherited.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xensim/uapi.h>

#define N_HANDLES	1000
#define CALL_SECS	10	/* one call under TCG: milliseconds */
#define HC_xen_version	17	/* Xen public/xen.h */

static const char *const nodes[] = { "privcmd", "evtchn", "gntdev",
				     "gntalloc" };
#define N_NODES	(sizeof(nodes) / sizeof(nodes[0]))

static const char *devdir;
static unsigned test_no;
static unsigned failed;

static void report(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %u - ", ok ? "" : "not ", ++test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failed++;
}

static int open_node(unsigned i, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", devdir, nodes[i % N_NODES]);
	return open(path, flags | O_CLOEXEC);
}

/*
 * A cheap call each node answers without side effects: xen_version, and
 * for the others an operation on nothing (Linux: ENOTCONN for an unbound
 * port, EINVAL/ENOENT for an unknown index).  0 or the errno.
 */
static int cheap_call(unsigned node, int fd)
{
	int r = -1;

	switch (node % N_NODES) {
	case 0: {
		struct privcmd_hypercall hc = { .op = HC_xen_version };

		r = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
		break;
	}
	case 1: {
		struct ioctl_evtchn_notify n = { .port = 4095 };

		r = ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
		break;
	}
	case 2: {
		struct ioctl_gntdev_unmap_grant_ref u = { .index = 4096,
							  .count = 1 };

		r = ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
		break;
	}
	case 3: {
		struct ioctl_gntalloc_dealloc_gref d = { .index = 4096,
							 .count = 1 };

		r = ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d);
		break;
	}
	}
	return r < 0 ? errno : 0;
}

/* In a child: a hung call ends it (status 3) instead of the whole run. */
static void on_alarm(int sig)
{
	static const char msg[] = "# a call did not answer within the deadline\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

/*
 * Run fn in a child with a deadline of secs seconds; its exit status, or
 * 3 (timeout: the child is killed), or 4 (killed by a signal).
 */
static int in_child(int (*fn)(void), unsigned secs)
{
	pid_t pid;
	int status;
	unsigned waited = 0;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 4;
	if (pid == 0) {
		signal(SIGALRM, on_alarm);
		_exit(fn());
	}
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (waited >= secs * 10) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 3;
		}
		usleep(100000);
		waited++;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 4;
}

/* 1. 1,000 handles open at once, each answering like its node's first. */
static int many_handles(void)
{
	static int fds[N_HANDLES];
	int first[N_NODES];
	unsigned i, bad = 0, opened = 0;

	for (i = 0; i < N_NODES; i++)
		first[i] = -1;
	for (i = 0; i < N_HANDLES; i++) {
		unsigned n = i % N_NODES;
		int e;

		alarm(CALL_SECS);
		fds[i] = open_node(n, O_RDWR);
		if (fds[i] < 0) {
			printf("# open %s #%u: %s\n", nodes[n], i,
			       strerror(errno));
			bad++;
			continue;
		}
		opened++;
		e = cheap_call(n, fds[i]);
		alarm(0);
		if (first[n] < 0)
			first[n] = e;
		else if (e != first[n] && bad++ < 5)
			printf("# %s handle #%u answered %s, the first %s\n",
			       nodes[n], i, strerror(e), strerror(first[n]));
	}
	for (i = 0; i < N_HANDLES; i++)
		if (fds[i] >= 0 && close(fds[i]) < 0)
			bad++;
	printf("# %u handles opened and answered, %u problems\n", opened,
	       bad);
	return bad ? 1 : 0;
}

/* The daemon still answers xen_version on a fresh handle. */
static int still_answers(void)
{
	int fd, e;

	alarm(CALL_SECS);
	fd = open_node(0, O_RDWR);
	if (fd < 0)
		return 1;
	e = cheap_call(0, fd);
	close(fd);
	alarm(0);
	return e ? 1 : 0;
}

static int blocked_read(void)
{
	char buf[4];
	int fd = open_node(1, O_RDWR);

	if (fd < 0)
		return 1;
	return read(fd, buf, sizeof(buf)) < 0 ? 0 : 1;
}

static int ioctl_loop(void)
{
	int fd[N_NODES];
	unsigned i;

	for (i = 0; i < N_NODES; i++)
		fd[i] = open_node(i, O_RDWR);
	for (i = 0;; i++)
		if (fd[i % N_NODES] >= 0)
			cheap_call(i, fd[i % N_NODES]);
	return 0;
}

/* 2. SIGKILL children blocked in read or in the middle of ioctls. */
static void killed_clients(void)
{
	unsigned round, lost = 0;

	for (round = 0; round < 20; round++) {
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			lost++;
			continue;
		}
		if (pid == 0)
			_exit(round % 2 ? ioctl_loop() : blocked_read());
		/* 50..240 ms: somewhere inside a call (one takes ~1 ms). */
		usleep(50000 + 10000 * (round % 20));
		kill(pid, SIGKILL);
		if (waitpid(pid, NULL, 0) != pid)
			lost++;
	}
	report(lost == 0 && in_child(still_answers, CALL_SECS + 5) == 0,
	       "20 clients SIGKILLed in read or mid-ioctl, the daemon answers");
}

static unsigned long rnd(void)
{
	return (unsigned long)random() << 31 ^ (unsigned long)random();
}

/* 3. Garbage on each node: every call must come back. */
static unsigned garbage_node;

static int garbage(void)
{
	static const unsigned long known[] = {
		IOCTL_PRIVCMD_HYPERCALL, IOCTL_PRIVCMD_MMAP,
		IOCTL_PRIVCMD_MMAPBATCH, IOCTL_PRIVCMD_MMAPBATCH_V2,
		IOCTL_PRIVCMD_DM_OP, IOCTL_PRIVCMD_RESTRICT,
		IOCTL_PRIVCMD_MMAP_RESOURCE, IOCTL_EVTCHN_BIND_VIRQ,
		IOCTL_EVTCHN_BIND_INTERDOMAIN, IOCTL_EVTCHN_BIND_UNBOUND_PORT,
		IOCTL_EVTCHN_UNBIND, IOCTL_EVTCHN_NOTIFY, IOCTL_EVTCHN_RESTRICT_DOMID,
		IOCTL_GNTDEV_MAP_GRANT_REF, IOCTL_GNTDEV_UNMAP_GRANT_REF,
		IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, IOCTL_GNTDEV_SET_MAX_GRANTS,
		IOCTL_GNTDEV_SET_UNMAP_NOTIFY, IOCTL_GNTDEV_GRANT_COPY,
		IOCTL_GNTALLOC_ALLOC_GREF, IOCTL_GNTALLOC_DEALLOC_GREF,
		IOCTL_GNTALLOC_SET_UNMAP_NOTIFY,
	};
	unsigned long ptrs[5];
	unsigned char *page;
	unsigned i, calls = 0;
	int fd = open_node(garbage_node, O_RDWR | O_NONBLOCK);

	if (fd < 0)
		return 1;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 1;
	/* Absurd counts and sizes, then nested pointers into nowhere. */
	for (i = 0; i < 4096; i++)
		page[i] = (unsigned char)rnd();
	ptrs[0] = 0;
	ptrs[1] = 1;
	ptrs[2] = 0xffff800000000000ul;	/* kernel half */
	ptrs[3] = (unsigned long)page;	/* random bytes: huge counts */
	ptrs[4] = (unsigned long)mmap(NULL, 4096, PROT_NONE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < 400; i++) {
		unsigned long cmd, arg = ptrs[i % 5];

		if (i % 2)
			cmd = known[(i / 2) % (sizeof(known) / sizeof(known[0]))];
		else
			cmd = (unsigned)rnd();
		if (i % 5 == 3)
			for (unsigned j = 0; j < 4096; j++)
				page[j] = (unsigned char)rnd();
		alarm(CALL_SECS);
		ioctl(fd, cmd, arg);
		alarm(0);
		calls++;
	}
	printf("# %s: %u garbage calls answered\n", nodes[garbage_node],
	       calls);
	return 0;
}

/* 4. SIGTERM the daemon under a blocked reader and a held fd. */
static int held_fd = -1;

static int ioctl_on_held(void)
{
	int e;

	alarm(CALL_SECS);
	e = cheap_call(0, held_fd);
	alarm(0);
	printf("# after SIGTERM, privcmd ioctl on a held fd: %s\n",
	       e ? strerror(e) : "success");
	return e ? 0 : 1;
}

static bool daemon_gone(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	bool gone = true;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		gone = p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
	}
	fclose(f);
	return gone;
}

static void sigterm_daemon(pid_t daemon)
{
	pid_t reader;
	int status, i, rc;
	bool ended = false;

	held_fd = open_node(0, O_RDWR);
	fflush(stdout);
	reader = fork();
	if (reader == 0) {
		char buf[4];
		int fd = open_node(1, O_RDWR);

		if (fd < 0)
			_exit(2);
		if (read(fd, buf, sizeof(buf)) >= 0)
			_exit(1);
		printf("# blocked read after SIGTERM: %s\n", strerror(errno));
		fflush(stdout);
		_exit(0);
	}
	usleep(300000);	/* let the read block */
	if (held_fd < 0 || reader < 0 || kill(daemon, SIGTERM) < 0) {
		int e = errno;

		/* Keep the plan: the three checks fail. */
		for (i = 0; i < 3; i++)
			report(false, "SIGTERM: no setup (%s)", strerror(e));
		return;
	}
	for (i = 0; i < 100 && !ended; i++) {
		if (waitpid(reader, &status, WNOHANG) == reader)
			ended = true;
		else
			usleep(100000);
	}
	if (!ended) {
		kill(reader, SIGKILL);
		waitpid(reader, &status, 0);
	}
	report(ended && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "SIGTERM: a client blocked in read gets an error within 10 s");
	rc = in_child(ioctl_on_held, CALL_SECS + 5);
	report(rc == 0, "SIGTERM: an ioctl on a held fd fails with an errno%s",
	       rc == 3 ? " (it hung)" : "");
	for (i = 0; i < 100 && !daemon_gone(daemon); i++)
		usleep(100000);
	report(daemon_gone(daemon), "SIGTERM: the daemon exits within 10 s");
	close(held_fd);
}

int main(int argc, char **argv)
{
	struct rlimit rl = { N_HANDLES + 64, N_HANDLES + 64 };
	pid_t daemon = 0;
	unsigned n;
	int rc;

	if (argc == 4 && !strcmp(argv[1], "--daemon")) {
		daemon = (pid_t)atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || daemon < 0) {
		fprintf(stderr, "usage: xensim-cuse-stress [--daemon PID] DEVDIR\n");
		return 2;
	}
	devdir = argv[1];
	srandom((unsigned)time(NULL));
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%u\n", 2 + (unsigned)N_NODES + (daemon ? 3 : 0));
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		printf("# setrlimit NOFILE %u: %s\n", N_HANDLES + 64,
		       strerror(errno));

	rc = in_child(many_handles, 120);
	report(rc == 0, "%u handles open at once across the four nodes%s",
	       N_HANDLES, rc == 3 ? " (hung)" : "");
	killed_clients();
	for (n = 0; n < N_NODES; n++) {
		garbage_node = n;
		rc = in_child(garbage, 120);
		report(rc == 0 && in_child(still_answers, CALL_SECS + 5) == 0,
		       "%s: garbage ioctls all answer, the daemon survives%s",
		       nodes[n], rc == 3 ? " (a call hung)" : "");
	}
	if (daemon)
		sigterm_daemon(daemon);
	return failed ? 1 : 0;
}
