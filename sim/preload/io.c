/* SPDX-License-Identifier: MIT */
/*
 * ioctl, read, write (and readv/writev, _FORTIFY_SOURCE's __read_chk) on
 * device descriptors go to the device models; on any other descriptor to
 * libc.  The hot path, an ioctl on a device fd, is a table load and the
 * model's call: no system call of ours.
 */
#undef _FORTIFY_SOURCE

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <xensim/uaccess.h>

#include "preload.h"
#include "world_guard.h"

/* Bounds the drain of wake-ups (the socket queue holds a few anyway). */
#define MAX_DRAIN	64

static long result(long rc)
{
	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

/*
 * ioctls the VFS answers itself before any driver sees them (Linux
 * fs/ioctl.c: do_vfs_ioctl); the socket under a device fd answers them
 * the same way (close-on-exec, O_NONBLOCK, O_ASYNC).
 */
static bool vfs_ioctl(unsigned int cmd)
{
	return cmd == FIOCLEX || cmd == FIONCLEX || cmd == FIONBIO ||
	       cmd == FIOASYNC;
}

XP_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	/* The kernel's ioctl number is 32 bits (SYSCALL_DEFINE3(ioctl...)). */
	unsigned int cmd = (unsigned int)req;
	struct xsim_world *w;
	xp_fdent e;
	va_list ap;
	void *arg;
	long rc;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	e = xp_fd_classify(fd);
	if (!xp_fd_is_sim(e) || vfs_ioctl(cmd))
		return xp_real()->ioctl(fd, req, arg);
	w = xp_world_peek();
	if (!xp_enter()) {
		errno = EINTR;
		return -1;
	}
	rc = xp_guarded_ioctl(w, xp_fd_file(e), cmd, (uint64_t)(uintptr_t)arg,
			    &xp_uaccess);
	xp_leave();
	return (int)result(rc);
}

/* Consume queued wake-ups; returns how many. */
static unsigned drain(int fd)
{
	unsigned n = 0;
	char b;

	while (n < MAX_DRAIN && recv(fd, &b, 1, MSG_DONTWAIT) == 1)
		n++;
	return n;
}

/*
 * Drain first, then read: a wake-up that lands after the read found
 * nothing stays queued, so none is lost (at worst one is spurious).
 */
ssize_t xp_sim_read(int fd, xp_fdent e, void *buf, size_t len)
{
	struct xsim_world *w = xp_world_peek();
	struct xsim_file f = xp_fd_file(e);
	unsigned drained = 0, mask = 0;
	bool slept = false;
	ssize_t rc;
	char b;

	if (!xp_fd_readable(e))
		return -EBADF;
	for (;;) {
		drained += drain(fd);
		if (!xp_enter())
			return -EINTR;
		rc = xp_guarded_read(w, f, (uint64_t)(uintptr_t)buf, len,
				   &xp_uaccess);
		xp_leave();
		if (rc != -EAGAIN)
			break;
		/*
		 * Nothing yet.  Sleep on the socket until a wake-up arrives;
		 * an O_NONBLOCK the app set (open flag, fcntl or FIONBIO) is on
		 * the socket itself, so this answers EAGAIN for it, and a
		 * signal interrupts it as it would interrupt the driver.
		 */
		slept = true;
		if (recv(fd, &b, 1, 0) < 0) {
			rc = -errno;
			break;
		}
		drained++;
	}
	/* Still readable (more queued): keep poll() truthful. */
	if ((drained || rc > 0) && xp_enter()) {
		mask = xsim_dev_poll(w, f);
		xp_leave();
		if (mask & POLLIN)
			xp_handle_wake_from(fd, f);
	}
	/*
	 * Another thread may have closed fd while we slept: our recv() then
	 * held the last reference to the socket, as a blocked read holds
	 * the struct file (Linux fs/read_write.c ksys_read: fdget_pos), and
	 * the kernel let go of it when recv() returned.  Its close() found
	 * the handle alive; release it now, at that last reference (Linux
	 * fs/file_table.c fput -> evtchn_release).  A no-op (one connect()
	 * probe) while any descriptor still holds the handle.
	 */
	if (slept)
		xp_release_if_dead(f);
	return rc;
}

static ssize_t sim_write(xp_fdent e, const void *buf, size_t len)
{
	ssize_t rc;

	if (!xp_fd_writable(e))
		return -EBADF;
	if (!xp_enter())
		return -EINTR;
	rc = xp_guarded_write(xp_world_peek(), xp_fd_file(e),
			    (uint64_t)(uintptr_t)buf, len, &xp_uaccess);
	xp_leave();
	return rc;
}

static ssize_t do_read(int fd, void *buf, size_t len)
{
	xp_fdent e = xp_fd_classify(fd);

	if (!xp_fd_is_sim(e))
		return xp_real()->read(fd, buf, len);
	return result(xp_sim_read(fd, e, buf, len));
}

XP_EXPORT ssize_t read(int fd, void *buf, size_t len)
{
	return do_read(fd, buf, len);
}

XP_EXPORT ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen);
XP_EXPORT ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	extern void __chk_fail(void) __attribute__((noreturn));

	if (len > buflen)
		__chk_fail();
	return do_read(fd, buf, len);
}

XP_EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
	xp_fdent e = xp_fd_classify(fd);

	if (!xp_fd_is_sim(e))
		return xp_real()->write(fd, buf, len);
	return result(sim_write(e, buf, len));
}

/*
 * Element i of the caller's vector, guarded: EFAULT for a bad address.
 * The address is computed as an integer: iov may be NULL, and NULL plus
 * even zero is undefined behaviour in C (UBSan's pointer-overflow).
 */
static int fetch_iov(struct iovec *v, const struct iovec *iov, int i)
{
	uintptr_t at = (uintptr_t)iov + (uintptr_t)i * sizeof(*iov);

	return xsim_copy_from_self(v, (const void *)at, sizeof(*v));
}

/*
 * readv/writev on a driver with only .read/.write: one call per segment,
 * stopping at the first short one (Linux fs/read_write.c:
 * do_loop_readv_writev).  The vector is checked whole first, as
 * import_iovec does.
 */
static ssize_t sim_rw_vec(int fd, xp_fdent e, const struct iovec *iov,
			  int iovcnt, bool writing)
{
	struct iovec v;
	size_t sum = 0;
	ssize_t total = 0, rc;
	int i;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	if (writing ? !xp_fd_writable(e) : !xp_fd_readable(e))
		return -EBADF;
	for (i = 0; i < iovcnt; i++) {
		if (fetch_iov(&v, iov, i))
			return -EFAULT;
		if (v.iov_len > (size_t)SSIZE_MAX - sum)
			return -EINVAL;
		sum += v.iov_len;
	}
	for (i = 0; i < iovcnt; i++) {
		if (fetch_iov(&v, iov, i))
			return total ? total : -EFAULT;
		if (!v.iov_len)
			continue;
		rc = writing ? sim_write(e, v.iov_base, v.iov_len) :
			       xp_sim_read(fd, e, v.iov_base, v.iov_len);
		if (rc < 0)
			return total ? total : rc;
		total += rc;
		if ((size_t)rc != v.iov_len)
			break;
	}
	return total;
}

XP_EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	xp_fdent e = xp_fd_classify(fd);

	if (!xp_fd_is_sim(e))
		return xp_real()->readv(fd, iov, iovcnt);
	return result(sim_rw_vec(fd, e, iov, iovcnt, false));
}

XP_EXPORT ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	xp_fdent e = xp_fd_classify(fd);

	if (!xp_fd_is_sim(e))
		return xp_real()->writev(fd, iov, iovcnt);
	return result(sim_rw_vec(fd, e, iov, iovcnt, true));
}
