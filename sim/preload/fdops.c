/* SPDX-License-Identifier: MIT */
/*
 * Descriptor bookkeeping: close*, dup*, fcntl's F_DUPFD* and F_GETFL, and
 * recvmsg/recvmmsg (descriptors arriving over SCM_RIGHTS).  The kernel
 * does the real work on the real socket; these keep the fd table honest
 * and release a handle when the last descriptor of it, in any process,
 * has gone (Linux: the final fput calls the driver's .release).
 */
#undef _FORTIFY_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/close_range.h>

#include "preload.h"

static bool same_handle(xp_fdent a, xp_fdent b)
{
	struct xsim_file fa = xp_fd_file(a), fb = xp_fd_file(b);

	return xp_fd_is_sim(a) && xp_fd_is_sim(b) && fa.slot == fb.slot &&
	       fa.gen == fb.gen;
}

XP_EXPORT int close(int fd)
{
	const struct xp_libc *c = xp_real();
	xp_fdent e;
	int rc, saved;

	/* Ours, unknown to the app: as if it were not open. */
	if (xp_is_private_fd(fd)) {
		errno = EBADF;
		return -1;
	}
	e = xp_fd_classify(fd);
	rc = c->close(fd);
	saved = errno;
	xp_fd_replace(fd, e, XP_FD_UNKNOWN);
	/* Linux releases the descriptor even when close reports an error. */
	if (xp_fd_is_sim(e) && (rc == 0 || saved != EBADF))
		xp_release_if_dead(xp_fd_file(e));
	errno = saved;
	return rc;
}

/* Forget [first, last] after the kernel closed it; release dead handles. */
static void forget_range(unsigned int first, unsigned int last)
{
	xp_fd_forget_range(first, last, xp_release_if_dead);
}

/* close_range over [first, last] minus our private descriptors. */
static int close_range_around_private(unsigned int first, unsigned int last,
				      int flags)
{
	const struct xp_libc *c = xp_real();
	int priv[XP_MAX_PRIVATE_FDS], rc = 0, e = 0, i;
	int n = xp_private_fds(priv, XP_MAX_PRIVATE_FDS);
	unsigned int lo = first;

	for (i = 0; i < n && lo <= last; i++) {
		unsigned int p = (unsigned int)priv[i];

		if (p < lo || p > last)
			continue;
		if (p > lo && c->close_range(lo, p - 1, flags) < 0 && !rc) {
			rc = -1;
			e = errno;
		}
		lo = p + 1;
	}
	if (lo <= last && lo >= first && c->close_range(lo, last, flags) < 0 &&
	    !rc) {
		rc = -1;
		e = errno;
	}
	if (rc)
		errno = e;
	return rc;
}

XP_EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	int rc;

	if (first > last)
		/* EINVAL, from the kernel */
		return xp_real()->close_range(first, last, flags);
	rc = close_range_around_private(first, last, flags);
	if (!rc && !(flags & CLOSE_RANGE_CLOEXEC)) {
		int saved = errno;

		forget_range(first, last);
		errno = saved;
	}
	return rc;
}

XP_EXPORT void closefrom(int lowfd)
{
	const struct xp_libc *c = xp_real();
	unsigned int first = lowfd < 0 ? 0 : (unsigned int)lowfd;

	if (close_range(first, ~0u, 0) == 0)
		return;
	/* No close_range in this kernel: libc's fallback, unprotected. */
	if (c->closefrom)
		c->closefrom(lowfd);
	forget_range(first, ~0u);
}

XP_EXPORT int dup(int fd)
{
	xp_fdent e = xp_fd_get(fd);
	int nfd = xp_real()->dup(fd);

	if (nfd >= 0)
		xp_fd_set(nfd, e);
	return nfd;
}

/* dup2/dup3: fd2's old description may have lost its last descriptor. */
static int dup_onto(int fd, int fd2, int flags, bool three)
{
	const struct xp_libc *c = xp_real();
	bool evicted = fd != fd2 && xp_is_private_fd(fd2);
	xp_fdent e, old;
	int rc, saved;

	/* The app names a number it thinks free: ours moves out of the way. */
	if (evicted)
		xp_private_fd_evict(fd2);
	old = fd != fd2 ? xp_fd_classify(fd2) : XP_FD_UNKNOWN;
	e = xp_fd_get(fd);
	rc = three ? c->dup3(fd, fd2, flags) : c->dup2(fd, fd2);
	saved = errno;
	if (rc < 0 && evicted && !xp_is_private_fd(fd2))
		c->close(fd2);	/* the old number of a moved private fd */
	errno = saved;
	if (rc < 0 || fd == fd2)
		return rc;
	xp_fd_set(fd2, e);
	if (xp_fd_is_sim(old) && !same_handle(old, e))
		xp_release_if_dead(xp_fd_file(old));
	errno = saved;
	return rc;
}

XP_EXPORT int dup2(int fd, int fd2)
{
	return dup_onto(fd, fd2, 0, false);
}

XP_EXPORT int dup3(int fd, int fd2, int flags)
{
	return dup_onto(fd, fd2, flags, true);
}

static int do_fcntl(int (*fn)(int, int, ...), int fd, int cmd, void *arg)
{
	xp_fdent e;
	int rc;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		e = xp_fd_get(fd);
		rc = fn(fd, cmd, arg);
		if (rc >= 0)
			xp_fd_set(rc, e);
		return rc;
	case F_GETFL:
		/* A socket says O_RDWR; the device has its open's mode. */
		e = xp_fd_classify(fd);
		rc = fn(fd, cmd, arg);
		if (rc >= 0 && xp_fd_is_sim(e))
			rc = (rc & ~O_ACCMODE) | (int)xp_fd_accmode(e);
		return rc;
	default:
		return fn(fd, cmd, arg);
	}
}

XP_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(xp_real()->fcntl, fd, cmd, arg);
}

XP_EXPORT int fcntl64(int fd, int cmd, ...);
XP_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(xp_real()->fcntl64, fd, cmd, arg);
}

/* Descriptors that just arrived take numbers the table may know stale. */
static void forget_received(struct msghdr *msg)
{
	struct cmsghdr *cm;

	if (!msg->msg_control)
		return;
	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		const unsigned char *data = CMSG_DATA(cm);
		size_t i, n;

		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len < CMSG_LEN(0))
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int nfd;

			memcpy(&nfd, data + i * sizeof(int), sizeof(int));
			xp_fd_set(nfd, XP_FD_UNKNOWN);
		}
	}
}

XP_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	ssize_t rc;

	/* A device fd is no socket (Linux: ENOTSOCK). */
	if (xp_fd_is_sim(xp_fd_get(fd))) {
		errno = ENOTSOCK;
		return -1;
	}
	rc = xp_real()->recvmsg(fd, msg, flags);
	if (rc >= 0)
		forget_received(msg);
	return rc;
}

XP_EXPORT int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen,
		       int flags, struct timespec *timeout)
{
	int rc, i;

	if (xp_fd_is_sim(xp_fd_get(fd))) {
		errno = ENOTSOCK;
		return -1;
	}
	rc = xp_real()->recvmmsg(fd, vec, vlen, flags, timeout);
	for (i = 0; i < rc; i++)
		forget_received(&vec[i].msg_hdr);
	return rc;
}
