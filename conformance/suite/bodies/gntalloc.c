/* SPDX-License-Identifier: MIT */
/*
 * gntalloc bodies: the proposal's restrict ioctl, every ioctl on an
 * unrestricted handle, sharing with the target / another guest / an
 * absent domain on a restricted one, and the xengntshr gap at the device
 * level.  Rows: conformance/suite/rows/gntalloc.rows.
 */
#include "bodies.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xensim/uapi.h>
#include <xensim/xen-const.h>

#include "sharing_io.h"

static int open_restricted(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);

	xrc_restrict(t, fd, XRC_GNTALLOC, xrc_domains(t)->a);
	return fd;
}

static long alloc_for(int fd, uint32_t dom)
{
	uint64_t index;
	uint32_t ref;

	return gna_alloc(fd, dom, &index, &ref);
}

/* mmap the page at index writable and write a byte through it. */
static long mmap_and_write(int fd, uint64_t index)
{
	static const uint8_t mark = 0xA5;
	uint8_t back = 0;
	void *p = mmap(NULL, XRC_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, (off_t)index);

	if (p == MAP_FAILED)
		return -1;
	if (mem_write(p, &mark, 1) < 0 || mem_read(p, &back, 1) < 0)
		return -1;
	return mem_same(&back, &mark, 1);
}

static long set_unmap_notify(int fd, uint64_t index)
{
	struct ioctl_gntalloc_unmap_notify op = {
		.index = index, .action = UNMAP_NOTIFY_CLEAR_BYTE,
	};

	return ioctl(fd, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &op);
}

/* ---- the restrict ioctl ---- */

void gntalloc_restrict_first(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_GNTALLOC, xrc_domains(t)->a));
}

void gntalloc_restrict_other_domid_keeps_first(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);

	(void)xrc_restrict_raw(fd, XRC_GNTALLOC, d->b);
	XRC_OBSERVE(t, alloc_for(fd, d->b));
}

/* ---- unrestricted ---- */

void gntalloc_unrestricted_alloc_target(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);

	XRC_OBSERVE(t, alloc_for(fd, xrc_domains(t)->a));
}

void gntalloc_unrestricted_alloc_absent(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);

	XRC_OBSERVE(t, alloc_for(fd, xrc_domains(t)->absent));
}

void gntalloc_unrestricted_mmap(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);
	uint64_t index = 0;
	uint32_t ref;

	xrc_require_mmap(t, XRC_GNTALLOC);
	XRC_SETUP(t, gna_alloc(fd, xrc_domains(t)->a, &index, &ref));
	XRC_OBSERVE(t, mmap_and_write(fd, index));
}

void gntalloc_unrestricted_dealloc(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);
	uint64_t index = 0;
	uint32_t ref;

	XRC_SETUP(t, gna_alloc(fd, xrc_domains(t)->a, &index, &ref));
	XRC_OBSERVE(t, gna_dealloc(fd, index, 1));
}

void gntalloc_unrestricted_dealloc_unknown(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);

	XRC_OBSERVE(t, gna_dealloc(fd, 0, 1));
}

void gntalloc_unrestricted_set_unmap_notify(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);
	uint64_t index = 0;
	uint32_t ref;

	XRC_SETUP(t, gna_alloc(fd, xrc_domains(t)->a, &index, &ref));
	XRC_OBSERVE(t, set_unmap_notify(fd, index));
}

void gntalloc_unrestricted_set_unmap_notify_unknown(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);

	XRC_OBSERVE(t, set_unmap_notify(fd, 0));
}

void gntalloc_unrestricted_alloc_null(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, NULL));
}

void gntalloc_unrestricted_unknown_ioctl(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTALLOC, 0);

	XRC_OBSERVE(t, ioctl(fd, _IOC(_IOC_NONE, 'G', 0x33, 0), NULL));
}

/* ---- restricted ---- */

void gntalloc_restricted_alloc_target(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, alloc_for(fd, xrc_domains(t)->a));
}

void gntalloc_restricted_alloc_other(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, alloc_for(fd, xrc_domains(t)->b));
}

void gntalloc_restricted_alloc_absent(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, alloc_for(fd, xrc_domains(t)->absent));
}

void gntalloc_restricted_alloc_self(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, alloc_for(fd, XSIM_DOMID_SELF));
}

/*
 * A deferred effect, judged when it happens (issue 14 defect #2): the
 * notification names a dom0 port that another, unrestricted evtchn handle
 * bound to the other guest; DEALLOC_GREF releases the gref and would
 * send it.
 */
void gntalloc_restricted_unmap_notify_other_domain(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	struct ioctl_gntalloc_unmap_notify n = {
		.action = UNMAP_NOTIFY_SEND_EVENT,
	};
	uint64_t index = 0;
	uint32_t ref;
	int efd, fd;

	xrc_require_restrict(t, XRC_GNTALLOC);
	efd = xrc_open(t, XRC_EVTCHN, 0);
	n.event_channel_port = evt_bound_to(t, efd, d->b);
	fd = open_restricted(t);
	XRC_SETUP(t, gna_alloc(fd, d->a, &index, &ref));
	n.index = index;
	XRC_SETUP(t, ioctl(fd, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n));
	XRC_OBSERVE(t, gna_dealloc(fd, index, 1));
}

/* ---- the gap ---- */

void gntalloc_gap_share_other_after_restrict_all(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int pfd = xrc_open(t, XRC_PRIVCMD, 0);
	int efd = xrc_open(t, XRC_EVTCHN, 0);
	int gfd = xrc_open(t, XRC_GNTALLOC, 0);

	/* Whatever each driver can restrict, restricted; refusals ignored. */
	(void)xrc_restrict_raw(pfd, XRC_PRIVCMD, d->a);
	(void)xrc_restrict_raw(efd, XRC_EVTCHN, d->a);
	(void)xrc_restrict_raw(gfd, XRC_GNTALLOC, d->a);
	XRC_OBSERVE(t, alloc_for(gfd, d->b));
}
