/* SPDX-License-Identifier: MIT */
/*
 * Event channels through the transport: release on the last close,
 * readiness for poll/epoll, blocking and non-blocking read, and bad
 * pointers answered with EFAULT.  Channels are dom0 loop-backs: one
 * handle binds an unbound port, another binds interdomain to it, and a
 * notify on one end makes the other end's handle readable.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* pa is unbound (bindable) again iff no live handle holds its peer. */
static bool peer_gone(unsigned pa)
{
	int c = open("/dev/xen/evtchn", O_RDWR);
	int q = evtchn_bind_interdomain(c, 0, pa);

	close(c);
	return q > 0;
}

static void last_close_releases(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR);
	int b = dev_open("/dev/xen/evtchn", O_RDWR), b2;
	unsigned pa, pb;

	if (!evtchn_pair(a, b, &pa, &pb))
		return;
	expect(!peer_gone(pa), "pa bindable while b holds its peer");
	b2 = expect_ok(dup(b));
	expect_ok(close(b));
	expect(!peer_gone(pa), "closing one of two fds released the handle");
	expect_ok(close(b2));
	expect(peer_gone(pa), "closing the last fd did not release the handle");
}

static unsigned exit_pa;

static void bind_and_exit(void *arg)
{
	int b = dev_open("/dev/xen/evtchn", O_RDWR);

	(void)arg;
	expect(evtchn_bind_interdomain(b, 0, exit_pa) > 0, "bind: %s",
	       strerror(errno));
	/* Leaves with b open: exit() closes it, as the kernel would. */
}

static void exit_releases(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR);
	int p = evtchn_bind_unbound(a, 0);

	expect(p > 0, "BIND_UNBOUND_PORT: %s", strerror(errno));
	exit_pa = (unsigned)p;
	expect(run_in_child(bind_and_exit, NULL) == 0, "child failed");
	expect(peer_gone(exit_pa), "a handle held only by an exited process "
	       "was not released");
}

static void close_range_and_dup2_release(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR);
	int b = dev_open("/dev/xen/evtchn", O_RDWR);
	int n, c;
	unsigned pa, pb;

	if (!evtchn_pair(a, b, &pa, &pb))
		return;
	/* close_range over the only fd. */
	expect_ok(close_range((unsigned)b, (unsigned)b, 0));
	expect_errno(fcntl(b, F_GETFD), EBADF);
	expect(peer_gone(pa), "close_range did not release the handle");

	/* dup2 over the only fd. */
	b = dev_open("/dev/xen/evtchn", O_RDWR);
	pb = (unsigned)evtchn_bind_interdomain(b, 0, pa);
	expect((int)pb > 0, "rebind: %s", strerror(errno));
	n = open("/dev/null", O_RDONLY);
	expect_ok(dup2(n, b));
	expect(peer_gone(pa), "dup2 over the last fd did not release it");
	close(b);
	close(n);

	/* close_range with CLOSE_RANGE_CLOEXEC closes nothing. */
	c = dev_open("/dev/xen/evtchn", O_RDWR);
	pb = (unsigned)evtchn_bind_interdomain(c, 0, pa);
	expect((int)pb > 0, "rebind: %s", strerror(errno));
	expect_ok(close_range((unsigned)c, (unsigned)c, CLOSE_RANGE_CLOEXEC));
	expect(fcntl(c, F_GETFD) == FD_CLOEXEC, "not marked close-on-exec");
	expect(!peer_gone(pa), "CLOSE_RANGE_CLOEXEC released the handle");
	/* closefrom() past everything we hold but c. */
	closefrom(c);
	expect(peer_gone(pa), "closefrom did not release the handle");
}

static void poll_and_epoll_readiness(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR);
	int b = dev_open("/dev/xen/evtchn", O_RDWR);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct pollfd pfd = { .fd = a, .events = POLLIN | POLLOUT };
	unsigned pa, pb, port = 0;

	if (!evtchn_pair(a, b, &pa, &pb))
		return;
	ev.data.fd = a;
	expect_ok(epoll_ctl(ep, EPOLL_CTL_ADD, a, &ev));
	/* Linux evtchn_poll: always POLLOUT, POLLIN when a port is queued. */
	expect(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT,
	       "idle: revents %#x", pfd.revents);
	expect(epoll_wait(ep, &out, 1, 0) == 0, "epoll: ready while idle");

	expect_ok(evtchn_notify(b, pb));
	expect(readable_within(a, 2000), "poll: not readable after notify");
	expect(epoll_wait(ep, &out, 1, 2000) == 1 && (out.events & EPOLLIN),
	       "epoll: not readable after notify");
	expect(read(a, &port, sizeof(port)) == sizeof(port) && port == pa,
	       "read port %u, want %u", port, pa);
	expect(!readable_within(a, 0), "still readable after the read");
	expect(epoll_wait(ep, &out, 1, 0) == 0, "epoll: ready after the read");

	/* Masked until written back (the unmask); then it fires again. */
	expect_ok(evtchn_notify(b, pb));
	expect(!readable_within(a, 50), "a masked port fired");
	expect(write(a, &pa, sizeof(pa)) == sizeof(pa), "unmask: %s",
	       strerror(errno));
	expect(readable_within(a, 2000), "unmasked pending port did not fire");
	expect(read(a, &port, sizeof(port)) == sizeof(port) && port == pa,
	       "read port %u, want %u", port, pa);

	/* Two queued ports, read one by one: poll stays truthful between. */
	expect(write(a, &pa, sizeof(pa)) == sizeof(pa), "unmask");
	{
		int c = dev_open("/dev/xen/evtchn", O_RDWR);
		unsigned pc, pd;

		if (!evtchn_pair(a, c, &pc, &pd))
			return;
		expect_ok(evtchn_notify(b, pb));
		expect_ok(evtchn_notify(c, pd));
		expect(readable_within(a, 2000), "two ports: not readable");
		expect(read(a, &port, sizeof(port)) == sizeof(port),
		       "first read");
		expect(readable_within(a, 0), "second port not signalled");
		expect(read(a, &port, sizeof(port)) == sizeof(port),
		       "second read");
		expect(!readable_within(a, 0), "readable with nothing queued");
	}
}

static void nonblocking_read(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK);
	int b = dev_open("/dev/xen/evtchn", O_RDWR);
	int on = 1;
	uint32_t port;
	unsigned pa, pb;

	expect_errno(read(a, &port, sizeof(port)), EAGAIN);
	expect_ok(fcntl(b, F_SETFL, O_NONBLOCK));
	expect_errno(read(b, &port, sizeof(port)), EAGAIN);
	expect_ok(fcntl(b, F_SETFL, 0));
	expect_ok(ioctl(b, FIONBIO, &on));
	expect_errno(read(b, &port, sizeof(port)), EAGAIN);
	/* Linux evtchn_read: a count under one port reads nothing. */
	expect(read(a, &port, 2) == 0, "short count");
	if (!evtchn_pair(a, b, &pa, &pb))
		return;
	expect_ok(evtchn_notify(b, pb));
	expect(readable_within(a, 2000), "not readable");
	expect(read(a, &port, sizeof(port)) == sizeof(port) && port == pa,
	       "nonblocking read with data");
}

struct waker {
	int fd;
	unsigned port;
	pthread_t target;
	bool use_signal;
};

static void *waker_thread(void *arg)
{
	struct waker *wk = arg;
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	if (wk->use_signal)
		pthread_kill(wk->target, SIGUSR1);
	else
		evtchn_notify(wk->fd, wk->port);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void blocking_read_wakes(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR);
	int b = dev_open("/dev/xen/evtchn", O_RDWR);
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct waker wk;
	pthread_t t;
	unsigned pa, pb, port = 0;
	double t0;

	if (!evtchn_pair(a, b, &pa, &pb))
		return;
	wk = (struct waker){ .fd = b, .port = pb, .target = pthread_self() };
	t0 = now();
	pthread_create(&t, NULL, waker_thread, &wk);
	expect(read(a, &port, sizeof(port)) == sizeof(port) && port == pa,
	       "blocking read: port %u (%s)", port, strerror(errno));
	expect(now() - t0 > 0.05, "the read did not block");
	pthread_join(t, NULL);

	/* A signal without SA_RESTART interrupts the wait: EINTR. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	expect_ok(write(a, &pa, sizeof(pa)));
	wk.use_signal = true;
	pthread_create(&t, NULL, waker_thread, &wk);
	expect_errno(read(a, &port, sizeof(port)), EINTR);
	pthread_join(t, NULL);
}

struct close_reader {
	int fd;
	unsigned port;
	ssize_t rc;
	int err;
};

static void *close_reader_thread(void *arg)
{
	struct close_reader *r = arg;

	r->rc = read(r->fd, &r->port, sizeof(r->port));
	r->err = errno;
	return NULL;
}

/*
 * close() while another thread is blocked in read(): the read holds the
 * open file (Linux fs/read_write.c ksys_read: fdget_pos), so it still
 * returns the event; the file is released when that read lets go of it,
 * the last reference (fs/file_table.c fput -> evtchn_release), and with
 * it the handle and its ports.
 */
static void close_during_blocked_read_releases(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR);
	int b = dev_open("/dev/xen/evtchn", O_RDWR);
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	struct close_reader r = { .fd = a };
	unsigned pa, pb;
	pthread_t t;

	if (!evtchn_pair(a, b, &pa, &pb))
		return;
	pthread_create(&t, NULL, close_reader_thread, &r);
	nanosleep(&ts, NULL);		/* the reader is asleep in read() */
	expect_ok(close(a));
	expect_ok(evtchn_notify(b, pb));
	pthread_join(t, NULL);
	expect(r.rc == sizeof(r.port) && r.port == pa,
	       "blocked read after close: rc %zd port %u (%s)", r.rc, r.port,
	       strerror(r.err));
	expect(peer_gone(pb), "the handle closed during a blocked read was not "
	       "released when the read returned");
}

/*
 * Hundreds of handles with a wake-up nobody read yet must not stop the
 * next wake-up (an AF_UNIX sender's buffer fills with unread datagrams).
 */
static void many_unread_wakeups(void)
{
	enum { N = 320 };
	static int fds[N];
	static unsigned pas[N];
	int b = dev_open("/dev/xen/evtchn", O_RDWR), i, x, y;
	unsigned px, py, port = 0;

	for (i = 0; i < N; i++) {
		int pb;

		fds[i] = dev_open("/dev/xen/evtchn", O_RDWR);
		pas[i] = (unsigned)evtchn_bind_unbound(fds[i], 0);
		pb = evtchn_bind_interdomain(b, 0, pas[i]);
		if (fds[i] < 0 || (int)pas[i] <= 0 || pb <= 0) {
			check_fail(__FILE__, __LINE__, "handle %d: %s", i,
				   strerror(errno));
			return;
		}
		expect_ok(evtchn_notify(b, (unsigned)pb));
	}
	expect(readable_within(fds[0], 0) && readable_within(fds[N - 1], 0),
	       "the unread handles are not readable");
	x = dev_open("/dev/xen/evtchn", O_RDWR);
	y = dev_open("/dev/xen/evtchn", O_RDWR);
	if (!evtchn_pair(x, y, &px, &py))
		return;
	expect_ok(evtchn_notify(y, py));
	expect(readable_within(x, 2000), "wake-up lost behind %d unread", N);
	expect(read(x, &port, sizeof(port)) == sizeof(port) && port == px,
	       "read %u, want %u", port, px);
	/* And the old ones still read. */
	expect(read(fds[7], &port, sizeof(port)) == sizeof(port) &&
	       port == pas[7], "read %u, want %u", port, pas[7]);
}

static void readv_writev(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR);
	int b = dev_open("/dev/xen/evtchn", O_RDWR);
	unsigned pa, pb, port = 0, unmask[2];
	struct iovec iov[2];

	if (!evtchn_pair(a, b, &pa, &pb))
		return;
	expect_ok(evtchn_notify(b, pb));
	expect(readable_within(a, 2000), "not readable");
	iov[0] = (struct iovec){ .iov_base = &port, .iov_len = sizeof(port) };
	iov[1] = (struct iovec){ .iov_base = NULL, .iov_len = 0 };
	expect(readv(a, iov, 2) == sizeof(port) && port == pa, "readv");
	unmask[0] = unmask[1] = pa;
	iov[0] = (struct iovec){ .iov_base = unmask, .iov_len = sizeof(unmask) };
	expect(writev(a, iov, 1) == sizeof(unmask), "writev: %s",
	       strerror(errno));
	expect_errno(readv(a, opaque(8), 1), EFAULT);
	/* A NULL vector: EFAULT, never arithmetic on NULL (UBSan). */
	expect_errno(readv(a, opaque(0), 1), EFAULT);
	expect_errno(writev(a, opaque(0), 1), EFAULT);
	expect_errno(readv(a, iov, (int)(intptr_t)opaque((uintptr_t)-1)), EINVAL);
}

/* An unmapped page: any pointer into it must give EFAULT, not a crash. */
static char *unmapped_page(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p + PAGE, PAGE);
	return p;
}

static void bad_pointers_efault(void)
{
	int a = dev_open("/dev/xen/evtchn", O_RDWR);
	int b = dev_open("/dev/xen/evtchn", O_RDWR);
	char *page = unmapped_page();
	struct ioctl_evtchn_bind_interdomain *straddle;
	unsigned pa, pb;

	expect_errno(ioctl(a, IOCTL_EVTCHN_BIND_UNBOUND_PORT, NULL), EFAULT);
	expect_errno(ioctl(a, IOCTL_EVTCHN_BIND_UNBOUND_PORT, page + PAGE),
		     EFAULT);
	expect_errno(ioctl(a, IOCTL_EVTCHN_NOTIFY, opaque(1)), EFAULT);
	/* Half the struct readable, half not. */
	straddle = (void *)(page + PAGE - 4);
	straddle->remote_domain = 0;
	expect_errno(ioctl(a, IOCTL_EVTCHN_BIND_INTERDOMAIN, straddle), EFAULT);
	expect_errno(ioctl(a, IOCTL_EVTCHN_RESTRICT_DOMID, page + PAGE),
		     EFAULT);
	if (!evtchn_pair(a, b, &pa, &pb))
		return;
	expect_ok(evtchn_notify(b, pb));
	expect(readable_within(a, 2000), "not readable");
	expect_errno(read(a, opaque(0), 4), EFAULT);
	expect_errno(read(a, page + PAGE, 4), EFAULT);
	expect_errno(write(a, opaque(0), 4), EFAULT);
	expect_errno(write(a, page + PAGE - 2, 4), EFAULT);
	/* The event is still there for a good buffer. */
	{
		unsigned port = 0;

		expect(read(a, &port, sizeof(port)) == sizeof(port) &&
		       port == pa, "read after EFAULT: %u", port);
	}
	{
		int g = dev_open("/dev/xen/gntdev", O_RDWR);
		int p = dev_open("/dev/xen/privcmd", O_RDWR);

		expect_errno(ioctl(g, IOCTL_GNTDEV_MAP_GRANT_REF, NULL), EFAULT);
		expect_errno(ioctl(g, IOCTL_GNTDEV_MAP_GRANT_REF, page + PAGE),
			     EFAULT);
		expect_errno(ioctl(p, IOCTL_PRIVCMD_HYPERCALL, NULL), EFAULT);
		expect_errno(ioctl(p, IOCTL_PRIVCMD_MMAPBATCH_V2, page + PAGE),
			     EFAULT);
		expect_errno(ioctl(p, IOCTL_PRIVCMD_RESTRICT, page + PAGE),
			     EFAULT);
	}
}

const struct check evtchn_checks[] = {
	{ "closing the last fd (not the first) releases the handle",
	  last_close_releases },
	{ "a process's exit releases the handles only it held",
	  exit_releases },
	{ "close_range, dup2 and closefrom release; CLOEXEC does not",
	  close_range_and_dup2_release },
	{ "poll and epoll see evtchn readiness", poll_and_epoll_readiness },
	{ "non-blocking read: O_NONBLOCK, F_SETFL, FIONBIO",
	  nonblocking_read },
	{ "a blocking read wakes on notify from another thread; EINTR",
	  blocking_read_wakes },
	{ "close during a blocked read: the read returns, then the handle is released",
	  close_during_blocked_read_releases },
	{ "a wake-up is not lost behind hundreds of unread ones",
	  many_unread_wakeups },
	{ "readv and writev on evtchn", readv_writev },
	{ "NULL, unmapped and short buffers give EFAULT",
	  bad_pointers_efault },
	{ NULL, NULL },
};
