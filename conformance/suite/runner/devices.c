/* SPDX-License-Identifier: MIT */
/*
 * The body API's device calls: opening a device under the device
 * directory, the four restrict ioctls, and privcmd mapping regions.
 * Device ABI only (<xensim/uapi.h>).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xensim/uapi.h>
#include <xensim/xen-const.h>

#include "runner.h"

static const char *const dev_names[XRC_NR_DEVS] = {
	[XRC_PRIVCMD] = "privcmd",
	[XRC_EVTCHN] = "evtchn",
	[XRC_GNTDEV] = "gntdev",
	[XRC_GNTALLOC] = "gntalloc",
};

/* Each device's ioctl magic, for the "unknown ioctl" probe. */
static const unsigned char dev_magic[XRC_NR_DEVS] = {
	[XRC_PRIVCMD] = 'P',
	[XRC_EVTCHN] = 'E',
	[XRC_GNTDEV] = 'G',
	[XRC_GNTALLOC] = 'G',
};

static const char *dev_name(struct xrc_ctx *t, enum xrc_dev dev)
{
	if ((unsigned)dev >= XRC_NR_DEVS)
		xrc_error(t, "no such device %d", (int)dev);
	return dev_names[dev];
}

int xrc_open(struct xrc_ctx *t, enum xrc_dev dev, int flags)
{
	const char *name = dev_name(t, dev);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", t->devdir, name);
	fd = open(path, flags ? flags : O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (xrc_io_absent(errno))
		xrc_skip(t, "device absent: %s (%s)", path,
			 xrc_errno_name(errno));
	xrc_error(t, "cannot open %s: %s", path, xrc_errno_name(errno));
}

long xrc_restrict_raw(int fd, enum xrc_dev dev, uint32_t domid)
{
	domid_t d = (domid_t)domid;
	struct ioctl_evtchn_restrict_domid er = { .domid = d };
	struct ioctl_gntdev_restrict_domid gr = { .domid = d };

	switch (dev) {
	case XRC_PRIVCMD:
		return ioctl(fd, IOCTL_PRIVCMD_RESTRICT, &d);
	case XRC_EVTCHN:
		return ioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, &er);
	case XRC_GNTDEV:
		return ioctl(fd, IOCTL_GNTDEV_RESTRICT_DOMID, &gr);
	case XRC_GNTALLOC:
		return ioctl(fd, IOCTL_GNTALLOC_RESTRICT_DOMID, &gr);
	default:
		errno = EINVAL;
		return -1;
	}
}

static bool unsupported_errno(int err)
{
	return err == ENOSYS || err == EOPNOTSUPP || err == ENOTTY;
}

/*
 * What the driver answers to an ioctl it cannot have: nr 0xFF of its
 * magic (Xen's IOCTL_PRIVCMD_UNIMPLEMENTED is that number, reserved for
 * exactly this probe).  NetBSD-style drivers answer EINVAL to unknown
 * ioctls, so a restrict answering EINVAL means "no such ioctl" only when
 * the unknown one does too.
 */
static int unknown_ioctl_errno(int fd, enum xrc_dev dev)
{
	errno = 0;
	if (ioctl(fd, _IOC(_IOC_NONE, dev_magic[dev], 0xFF, 0), NULL) >= 0)
		return 0;
	return errno;
}

void xrc_restrict(struct xrc_ctx *t, int fd, enum xrc_dev dev, uint32_t domid)
{
	const char *name = dev_name(t, dev);
	int err;

	if (xrc_restrict_raw(fd, dev, domid) >= 0)
		return;
	err = errno;
	if (unsupported_errno(err))
		xrc_skip(t, "%s has no restrict (it answers %s)", name,
			 xrc_errno_name(err));
	if (err == EINVAL && unknown_ioctl_errno(fd, dev) == EINVAL)
		xrc_skip(t, "%s has no restrict (EINVAL, as for any unknown ioctl)",
			 name);
	xrc_error(t, "restricting %s to domain %u failed: %s", name,
		  (unsigned)domid, xrc_errno_name(err));
}

void xrc_require_restrict(struct xrc_ctx *t, enum xrc_dev dev)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = xrc_open(t, dev, 0);

	xrc_restrict(t, fd, dev, d->a);
	close(fd);
}

bool xrc_can_mmap(struct xrc_ctx *t, enum xrc_dev dev)
{
	if ((unsigned)dev >= XRC_NR_DEVS)
		xrc_error(t, "no such device %d", (int)dev);
	return !t->fx || !(t->fx->no_mmap & (1u << dev));
}

/* The SKIP of a row that needs a mapping of dev on a backend without. */
__attribute__((noreturn))
static void skip_no_mmap(struct xrc_ctx *t, enum xrc_dev dev)
{
	xrc_skip(t, "backend cannot mmap %s (ENODEV%s)", dev_name(t, dev),
		 t->transport == XRC_TR_CUSE ? ": CUSE" : "");
}

void xrc_require_mmap(struct xrc_ctx *t, enum xrc_dev dev)
{
	if (!xrc_can_mmap(t, dev))
		skip_no_mmap(t, dev);
}

void *xrc_privcmd_region(struct xrc_ctx *t, int fd, unsigned pages)
{
	size_t len = (size_t)pages << XSIM_PAGE_SHIFT;
	void *p;

	if (!pages)
		xrc_error(t, "a privcmd region of 0 pages");
	xrc_require_mmap(t, XRC_PRIVCMD);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	/* The run's probe may not have seen it (no privcmd then). */
	if (p == MAP_FAILED && errno == ENODEV)
		skip_no_mmap(t, XRC_PRIVCMD);
	if (p == MAP_FAILED)
		xrc_error(t, "mmap of a %u-page privcmd region: %s", pages,
			  xrc_errno_name(errno));
	return p;
}
