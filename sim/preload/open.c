/* SPDX-License-Identifier: MIT */
/*
 * open() and friends: the device paths (xsim_dev_paths) get a handle of
 * the simulated device; every other path goes to libc untouched, and the
 * descriptor it returns is remembered as "not ours" so that later calls
 * on it skip identification.
 *
 * Matched are absolute paths spelled exactly as the devices' (what the
 * Xen libraries open).  O_PATH opens, relative names and other spellings
 * go to libc.
 */
#undef _FORTIFY_SOURCE	/* we define open() itself, not its fortify wrapper */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include <xensim/uaccess.h>

#include "preload.h"
#include "world_guard.h"

#define PATH_PEEK	32	/* longer than any device path */

/* open(2) reads a mode argument only for these flags. */
static bool needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/*
 * Which device path is this, or -1.  Read with a fault guard: a bad
 * pointer is libc's to answer (EFAULT), never our crash.
 */
static int device_of(const char *path, int flags)
{
	uintptr_t a = (uintptr_t)path;
	size_t first = 4096 - (a & 4095);
	char buf[PATH_PEEK];

	if (flags & O_PATH)
		return -1;
	if (first > PATH_PEEK)
		first = PATH_PEEK;
	if (xsim_copy_from_self(buf, path, first))
		return -1;
	if (buf[0] != '/')
		return -1;
	if (!memchr(buf, '\0', first)) {
		if (first == PATH_PEEK ||
		    xsim_copy_from_self(buf + first, path + first,
					PATH_PEEK - first) ||
		    !memchr(buf, '\0', PATH_PEEK))
			return -1;
	}
	return xsim_dev_by_path(buf);
}

/* A fresh open file description of device dev: the new fd or -errno. */
static int sim_open(int dev, int flags)
{
	const struct xp_libc *c = xp_real();
	struct xsim_world *w;
	struct xsim_file f;
	bool collected = false;
	int fd, rc = -ENFILE, err, tries;

	/* What the VFS answers before any driver sees the open. */
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	if (!xp_enter())
		return -EINTR;
	w = xp_world(&err);
	if (!w) {
		xp_leave();
		return -err;
	}
	for (tries = 0; tries < 4; tries++) {
		rc = xp_guarded_open(w, (enum xsim_dev_kind)dev, xp_caller_domid(),
				   &f);
		if (rc == -ENFILE && !collected) {
			/* Handles whose last descriptor died unseen. */
			collected = true;
			xsim_dev_gc(w, xp_alive_cb, NULL);
			tries--;
			continue;
		}
		if (rc)
			break;
		if (f.slot >= XP_SLOT_LIMIT) {
			xsim_dev_release(w, f);
			rc = -ENFILE;
			break;
		}
		fd = xp_handle_socket(f, flags);
		if (fd < 0) {
			xsim_dev_release(w, f);
			rc = fd;
			if (rc == -EBUSY)
				continue;
			break;
		}
		/*
		 * Between xsim_dev_open and bind the handle had no live name:
		 * a collection in another process may have released it.
		 */
		if (!xsim_file_valid(w, f, NULL)) {
			c->close(fd);
			rc = -ENFILE;
			continue;
		}
		xp_fd_set(fd, xp_fd_make(f, (unsigned)dev,
					 (unsigned)(flags & O_ACCMODE)));
		/* A device that is always readable (no .poll) polls so. */
		if (xsim_dev_poll(w, f) & POLLIN)
			xp_handle_wake_from(fd, f);
		xp_leave();
		return fd;
	}
	xp_leave();
	/* The profile's platform has no such device node. */
	return rc == -ENODEV ? -ENOENT : rc;
}

static int result(int rc)
{
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return rc;
}

/* A descriptor libc opened: not one of ours. */
static int libc_opened(int fd)
{
	if (fd >= 0)
		xp_fd_set(fd, XP_FD_OTHER);
	return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return needs_mode(flags) ? va_arg(ap, mode_t) : 0;
}

XP_EXPORT int open(const char *path, int flags, ...)
{
	int dev = device_of(path, flags);
	mode_t mode;
	va_list ap;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	if (dev >= 0)
		return result(sim_open(dev, flags));
	return libc_opened(xp_real()->open(path, flags, mode));
}

XP_EXPORT int open64(const char *path, int flags, ...)
{
	int dev = device_of(path, flags);
	mode_t mode;
	va_list ap;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	if (dev >= 0)
		return result(sim_open(dev, flags));
	return libc_opened(xp_real()->open64(path, flags, mode));
}

XP_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	int dev = device_of(path, flags);
	mode_t mode;
	va_list ap;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	if (dev >= 0)
		return result(sim_open(dev, flags));
	return libc_opened(xp_real()->openat(dirfd, path, flags, mode));
}

XP_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	int dev = device_of(path, flags);
	mode_t mode;
	va_list ap;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	if (dev >= 0)
		return result(sim_open(dev, flags));
	return libc_opened(xp_real()->openat64(dirfd, path, flags, mode));
}

/* _FORTIFY_SOURCE entry points: open without a mode argument. */
XP_EXPORT int __open_2(const char *path, int flags);
XP_EXPORT int __open_2(const char *path, int flags)
{
	const struct xp_libc *c = xp_real();
	int dev = device_of(path, flags);

	if (dev >= 0)
		return result(sim_open(dev, flags));
	return libc_opened(c->open_2 ? c->open_2(path, flags) :
				       c->open(path, flags));
}

XP_EXPORT int __open64_2(const char *path, int flags);
XP_EXPORT int __open64_2(const char *path, int flags)
{
	const struct xp_libc *c = xp_real();
	int dev = device_of(path, flags);

	if (dev >= 0)
		return result(sim_open(dev, flags));
	return libc_opened(c->open64_2 ? c->open64_2(path, flags) :
					 c->open64(path, flags));
}

XP_EXPORT int __openat_2(int dirfd, const char *path, int flags);
XP_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	const struct xp_libc *c = xp_real();
	int dev = device_of(path, flags);

	if (dev >= 0)
		return result(sim_open(dev, flags));
	return libc_opened(c->openat_2 ? c->openat_2(dirfd, path, flags) :
					 c->openat(dirfd, path, flags));
}

XP_EXPORT int __openat64_2(int dirfd, const char *path, int flags);
XP_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	const struct xp_libc *c = xp_real();
	int dev = device_of(path, flags);

	if (dev >= 0)
		return result(sim_open(dev, flags));
	return libc_opened(c->openat64_2 ?
			   c->openat64_2(dirfd, path, flags) :
			   c->openat64(dirfd, path, flags));
}
