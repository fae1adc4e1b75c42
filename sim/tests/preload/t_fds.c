/* SPDX-License-Identifier: MIT */
/*
 * Descriptors: opens, numbering, flags, dup/fork/exec/SCM_RIGHTS sharing
 * one open file description, fresh opens, and ordinary fds left alone.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static const char *const dev_paths[] = {
	"/dev/xen/privcmd", "/proc/xen/privcmd", "/dev/xen/evtchn",
	"/dev/xen/gntdev", "/dev/xen/gntalloc",
};

static void open_close_each_device(void)
{
	/* Not the nonnull-declared name: a NULL path is the point here. */
	int (*open_any)(const char *, int, ...) = open;
	unsigned i;

	for (i = 0; i < sizeof(dev_paths) / sizeof(dev_paths[0]); i++) {
		int fd = dev_open(dev_paths[i], O_RDWR);

		if (fd < 0)
			continue;
		expect_ok(close(fd));
		expect_errno(close(fd), EBADF);
	}
	/* Other spellings and O_PATH are the file system's business. */
	expect_errno(open("/dev/xen/nosuch", O_RDWR), ENOENT);
	expect_errno(open("/dev/xen/evtchn", O_RDWR | O_CREAT | O_EXCL, 0600),
		     EEXIST);
	expect_errno(open("/dev/xen/evtchn", O_RDONLY | O_DIRECTORY), ENOTDIR);
	expect_errno(open_any(opaque(0), O_RDONLY), EFAULT);
	expect_errno(open_any(opaque(16), O_RDONLY), EFAULT);
}

/* A device fd takes the lowest free number, as any open does. */
static void fd_numbering(void)
{
	int probe = open("/dev/null", O_RDONLY), a, b, c;

	expect_ok(probe);
	close(probe);
	a = dev_open("/dev/xen/privcmd", O_RDWR);
	expect(a == probe, "first device fd %d, lowest free was %d", a, probe);
	b = dev_open("/dev/xen/evtchn", O_RDWR);
	expect(b == a + 1, "second device fd %d after %d", b, a);
	close(a);
	c = dev_open("/dev/xen/gntdev", O_RDWR);
	expect(c == a, "reopened fd %d, freed %d", c, a);
	close(b);
	close(c);
	c = open("/dev/null", O_RDONLY);
	expect(c == probe, "after closing all: /dev/null got %d, want %d", c,
	       probe);
}

static void open_flags(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	int b = dev_open("/dev/xen/evtchn", O_RDWR);
	int c = dev_open("/dev/xen/evtchn", O_RDONLY | O_NONBLOCK);
	int d = dev_open("/dev/xen/evtchn", O_WRONLY);
	int fl;

	expect(fcntl(a, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC: F_GETFD %d",
	       fcntl(a, F_GETFD));
	expect(fcntl(b, F_GETFD) == 0, "no O_CLOEXEC: F_GETFD %d",
	       fcntl(b, F_GETFD));
	fl = fcntl(c, F_GETFL);
	expect(fl >= 0 && (fl & O_NONBLOCK) && (fl & O_ACCMODE) == O_RDONLY,
	       "O_RDONLY|O_NONBLOCK: F_GETFL %#x", fl);
	fl = fcntl(d, F_GETFL);
	expect(fl >= 0 && (fl & O_ACCMODE) == O_WRONLY && !(fl & O_NONBLOCK),
	       "O_WRONLY: F_GETFL %#x", fl);
	fl = fcntl(b, F_GETFL);
	expect(fl >= 0 && (fl & O_ACCMODE) == O_RDWR, "O_RDWR: F_GETFL %#x",
	       fl);

	/* F_SETFD/F_SETFL and the VFS ioctls land on the descriptor. */
	expect_ok(fcntl(b, F_SETFD, FD_CLOEXEC));
	expect(fcntl(b, F_GETFD) == FD_CLOEXEC, "F_SETFD did not stick");
	expect_ok(ioctl(a, FIONCLEX));
	expect(fcntl(a, F_GETFD) == 0, "FIONCLEX did not clear close-on-exec");

	/* The VFS checks the access mode before any driver runs. */
	{
		uint32_t port = 1;

		expect_errno(read(d, &port, sizeof(port)), EBADF);
		expect_errno(write(c, &port, sizeof(port)), EBADF);
	}
	close(a);
	close(b);
	close(c);
	close(d);
}

/*
 * One open file description behind every copy: restrict through one
 * descriptor, and another refuses a second target as the first does.
 */
static void expect_shared_restriction(int (*restrict_fn)(int, domid_t),
				      int orig, int copy, const char *what)
{
	int want, got;

	errno = 0;
	(void)restrict_fn(orig, 2);
	want = errno;
	expect(want != 0, "%s: restricting to 1 then 2 succeeded", what);
	errno = 0;
	expect(restrict_fn(copy, 2) == -1, "%s: the copy is not restricted",
	       what);
	got = errno;
	expect(got == want, "%s: copy says %s, original %s", what,
	       strerror(got), strerror(want));
}

static void dup_shares_restriction_privcmd(void)
{
	int a = dev_open("/dev/xen/privcmd", O_RDWR), b, c, d, e;

	expect_ok(privcmd_restrict(a, 1));
	b = expect_ok(dup(a));
	c = expect_ok(fcntl(a, F_DUPFD, 20));
	expect(c >= 20, "F_DUPFD gave %d", c);
	d = expect_ok(fcntl(a, F_DUPFD_CLOEXEC, 40));
	expect(fcntl(d, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC lost the flag");
	e = expect_ok(dup2(a, 60));
	expect(e == 60, "dup2 gave %d", e);
	expect_shared_restriction(privcmd_restrict, a, b, "dup");
	expect_shared_restriction(privcmd_restrict, a, c, "F_DUPFD");
	expect_shared_restriction(privcmd_restrict, a, d, "F_DUPFD_CLOEXEC");
	expect_shared_restriction(privcmd_restrict, a, e, "dup2");
	expect_ok(dup3(a, 61, O_CLOEXEC));
	expect_shared_restriction(privcmd_restrict, a, 61, "dup3");
	/* It survives closing the original. */
	close(a);
	expect_ok(privcmd_restrict(b, 1));
	expect_shared_restriction(privcmd_restrict, b, e, "after close");
	/* And a new open is a fresh description. */
	a = dev_open("/dev/xen/privcmd", O_RDWR);
	expect_ok(privcmd_restrict(a, 2));
}

static void dup_shares_restriction_evtchn(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR), b, e, n;

	expect_ok(evtchn_restrict(a, 1));
	b = expect_ok(dup(a));
	e = expect_ok(dup2(a, 50));
	expect_shared_restriction(evtchn_restrict, a, b, "dup");
	expect_shared_restriction(evtchn_restrict, a, e, "dup2");
	close(a);
	expect_shared_restriction(evtchn_restrict, b, e, "after close");
	/* Fresh: the same restrict succeeds on a new open. */
	n = dev_open("/dev/xen/evtchn", O_RDWR);
	expect_ok(evtchn_restrict(n, 1));
}

/* ---- fork ---- */

struct fork_ctx {
	int privcmd, evtchn_b;
	unsigned pb;
};

static void fork_child(void *arg)
{
	struct fork_ctx *fc = arg;

	/* The same description: restricted to 1 as the parent left it. */
	expect_shared_restriction(privcmd_restrict, fc->privcmd, fc->privcmd,
				  "inherited");
	expect_ok(privcmd_restrict(fc->privcmd, 1));
	/* The same machine: our notify reaches the parent's port. */
	expect_ok(evtchn_notify(fc->evtchn_b, fc->pb));
}

static void fork_shares_description_and_machine(void)
{
	struct fork_ctx fc;
	int a = dev_open("/dev/xen/evtchn", O_RDWR);
	unsigned pa, port = 0;

	fc.privcmd = dev_open("/dev/xen/privcmd", O_RDWR);
	fc.evtchn_b = dev_open("/dev/xen/evtchn", O_RDWR);
	if (!evtchn_pair(a, fc.evtchn_b, &pa, &fc.pb))
		return;
	expect_ok(privcmd_restrict(fc.privcmd, 1));
	expect(!readable_within(a, 0), "readable before any notify");
	expect(run_in_child(fork_child, &fc) == 0, "the child failed");
	expect(readable_within(a, 5000), "child's notify did not wake us");
	expect(read(a, &port, sizeof(port)) == sizeof(port) && port == pa,
	       "read port %u, want %u", port, pa);
	/* The child's exit closed its copies; ours still work. */
	expect_ok(evtchn_notify(fc.evtchn_b, fc.pb));
}

/* ---- exec ---- */

int exec_child_main(int argc, char **argv);
int exec_child_main(int argc, char **argv)
{
	int privcmd, evb, cloexec;
	unsigned pb;

	if (argc < 6)
		return 2;
	privcmd = atoi(argv[2]);
	evb = atoi(argv[3]);
	pb = (unsigned)atoi(argv[4]);
	cloexec = atoi(argv[5]);
	check_failures = 0;
	expect(getenv("XENSIM_WORLD_FD") != NULL, "XENSIM_WORLD_FD not set");
	expect_errno(fcntl(cloexec, F_GETFD), EBADF);
	/* An inherited descriptor is recognised (first use: identified). */
	expect_shared_restriction(privcmd_restrict, privcmd, privcmd,
				  "exec'd");
	expect_ok(privcmd_restrict(privcmd, 1));
	expect_ok(evtchn_notify(evb, pb));
	fflush(stdout);
	return check_failures ? 1 : 0;
}

static void exec_shares_description_and_machine(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR);
	int b = dev_open("/dev/xen/evtchn", O_RDWR);
	int p = dev_open("/dev/xen/privcmd", O_RDWR);
	int x = dev_open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	unsigned pa, pb, port = 0;
	char sp[16], sb[16], spb[16], sx[16];
	int status;
	pid_t pid;

	if (!evtchn_pair(a, b, &pa, &pb))
		return;
	expect_ok(privcmd_restrict(p, 1));
	snprintf(sp, sizeof(sp), "%d", p);
	snprintf(sb, sizeof(sb), "%d", b);
	snprintf(spb, sizeof(spb), "%u", pb);
	snprintf(sx, sizeof(sx), "%d", x);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/*
		 * What a careful spawner does (Python's close_fds): close all
		 * but what it passes.  The world's fd is not the app's to
		 * close, so the exec'd child still finds the machine.
		 */
		int top = p > b ? p : b;

		close_range((unsigned)(top > x ? top : x) + 1, ~0u, 0);
		execl(self_path, self_path, "--exec-child", sp, sb, spb, sx,
		      (char *)NULL);
		_exit(127);
	}
	expect(pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "exec'd child failed (status %#x)", status);
	expect(readable_within(a, 5000), "exec'd child's notify did not arrive");
	expect(read(a, &port, sizeof(port)) == sizeof(port) && port == pa,
	       "read port %u, want %u", port, pa);
}

/*
 * The transport's own descriptors (the world, a wake-up socket, a memfd)
 * are not the app's: close() says EBADF, and a dup2() onto one of their
 * numbers moves ours away first.
 */
static void private_fds_out_of_the_way(void)
{
	int p = dev_open("/dev/xen/privcmd", O_RDWR);
	const char *env;
	int wfd, n, err = 0;
	uint64_t *m;

	expect_ok(privcmd_restrict(p, 1));
	env = getenv("XENSIM_WORLD_FD");
	expect(env != NULL, "XENSIM_WORLD_FD not exported");
	if (!env)
		return;
	wfd = atoi(env);
	expect(wfd > 2, "world fd %d", wfd);
	expect_errno(close(wfd), EBADF);
	n = open("/dev/null", O_RDONLY);
	expect(dup2(n, wfd) == wfd, "dup2 onto the world's number: %s",
	       strerror(errno));
	expect(getenv("XENSIM_WORLD_FD") && atoi(getenv("XENSIM_WORLD_FD")) !=
	       wfd, "XENSIM_WORLD_FD still names the taken number");
	/* Mappings come from the world's fd: they still work. */
	m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, p, 0);
	expect(m != MAP_FAILED, "mmap: %s", strerror(errno));
	if (m == MAP_FAILED)
		return;
	expect(privcmd_map_gfn(p, 1, m, 0, &err) == 0 && err == 0,
	       "MMAPBATCH after the move: %s", strerror(errno));
	expect(err || m[1] == pattern(1, 0, 8), "wrong page after the move");
	/* Our number is the app's now: closing it works. */
	expect_ok(close(wfd));
}

/* ---- SCM_RIGHTS ---- */

static int send_fd(int sock, int fd)
{
	char data = 'x';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return (int)sendmsg(sock, &m, 0);
}

static int recv_fd(int sock)
{
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(sock, &m, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static void scm_rights_received_fd_is_recognised(void)
{
	int sv[2], p, r, pipefd[2], stale;

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	p = dev_open("/dev/xen/privcmd", O_RDWR);
	expect_ok(privcmd_restrict(p, 1));

	/*
	 * Make a number the table has seen as "not ours" and close it behind
	 * the transport's back, so the received fd lands on a stale entry.
	 */
	expect_ok(pipe(pipefd));
	stale = pipefd[0];
	{
		int n = 0;

		expect_ok(ioctl(stale, FIONREAD, &n));
	}
	syscall(SYS_close, stale);

	expect(send_fd(sv[0], p) == 1, "sendmsg: %s", strerror(errno));
	r = recv_fd(sv[1]);
	expect(r >= 0 && r != p, "received fd %d", r);
	if (r != stale)
		check_note("received fd %d did not reuse %d", r, stale);
	expect_shared_restriction(privcmd_restrict, p, r, "received");
	close(p);
	expect_shared_restriction(privcmd_restrict, r, r, "received alone");
	/* recvmsg on a device fd: it is no socket. */
	{
		struct msghdr m = { 0 };

		expect_errno(recvmsg(r, &m, 0), ENOTSOCK);
	}
}

/* ---- other descriptors are left alone ---- */

static void other_fds_untouched(void)
{
	int pipefd[2], n = -1, fd, sv[2];
	char buf[8] = { 0 };
	char path[] = "/tmp/xsim-preload-XXXXXX";
	uint64_t *m;

	expect_ok(pipe(pipefd));
	expect(write(pipefd[1], "abc", 3) == 3, "pipe write");
	expect_ok(ioctl(pipefd[0], FIONREAD, &n));
	expect(n == 3, "FIONREAD on a pipe: %d", n);
	expect(read(pipefd[0], buf, sizeof(buf)) == 3 && !memcmp(buf, "abc", 3),
	       "pipe read");
	close(pipefd[0]);
	close(pipefd[1]);

	fd = open("/dev/null", O_RDWR);
	expect_errno(ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, NULL), ENOTTY);
	expect(write(fd, "x", 1) == 1, "write /dev/null");
	close(fd);

	fd = mkstemp(path);
	expect_ok(fd);
	unlink(path);
	expect_ok(ftruncate(fd, PAGE));
	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect(m != MAP_FAILED, "mmap of a file: %s", strerror(errno));
	if (m != MAP_FAILED) {
		m[3] = 0x1234;
		expect(pread(fd, &n, sizeof(n), 24) == sizeof(n) && n == 0x1234,
		       "file mapping is not the file");
		expect_ok(munmap(m, PAGE));
	}
	close(fd);

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	expect(send(sv[0], "hi", 2, 0) == 2, "send");
	{
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

		expect(recvmsg(sv[1], &msg, 0) == 2, "recvmsg on a socket");
	}
	close(sv[0]);
	close(sv[1]);
	expect_errno(ioctl(-1, FIONREAD, &n), EBADF);
	expect_errno(ioctl(12345, FIONREAD, &n), EBADF);
}

/* Ops on a closed device fd answer EBADF from the kernel. */
static void closed_fd_is_ebadf(void)
{
	int fd = dev_open("/dev/xen/evtchn", O_RDWR);
	uint32_t port;

	close(fd);
	expect_errno(evtchn_notify(fd, 1), EBADF);
	expect_errno(read(fd, &port, sizeof(port)), EBADF);
	expect_errno(write(fd, &port, sizeof(port)), EBADF);
	expect(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
	       errno == EBADF, "mmap of a closed fd");
}

/* The VFS and driver answers that are not restrict semantics. */
static void unknown_ioctl_and_rw(void)
{
	int p = dev_open("/dev/xen/privcmd", O_RDWR);
	int g = dev_open("/dev/xen/gntdev", O_RDWR);
	char buf[8];

	/* Linux drivers/xen/privcmd.c: no .read/.write, unknown -ENOTTY. */
	expect_errno(ioctl(p, _IOC(_IOC_NONE, 'P', 0x7f, 0), NULL), ENOTTY);
	expect_errno(ioctl(g, _IOC(_IOC_NONE, 'G', 0x7f, 0), NULL), ENOTTY);
	expect_errno(read(p, buf, sizeof(buf)), EINVAL);
	expect_errno(write(p, buf, sizeof(buf)), EINVAL);
	expect_errno(read(g, buf, sizeof(buf)), EINVAL);
}

const struct check fd_checks[] = {
	{ "open and close each device", open_close_each_device },
	{ "device fds take the lowest free number", fd_numbering },
	{ "O_CLOEXEC, O_NONBLOCK and the access mode", open_flags },
	{ "dup/dup2/dup3/F_DUPFD share a privcmd restriction",
	  dup_shares_restriction_privcmd },
	{ "dup/dup2 share an evtchn restriction",
	  dup_shares_restriction_evtchn },
	{ "fork: the child shares the description and the machine",
	  fork_shares_description_and_machine },
	{ "exec: inherited fds and the machine survive, CLOEXEC ones do not",
	  exec_shares_description_and_machine },
	{ "the transport's own fds stay out of the app's way",
	  private_fds_out_of_the_way },
	{ "SCM_RIGHTS: a received fd is recognised",
	  scm_rights_received_fd_is_recognised },
	{ "non-Xen fds: ioctl/read/write/mmap/recvmsg untouched",
	  other_fds_untouched },
	{ "a closed device fd answers EBADF", closed_fd_is_ebadf },
	{ "unknown ioctl, read and write on privcmd/gntdev",
	  unknown_ioctl_and_rw },
	{ NULL, NULL },
};
