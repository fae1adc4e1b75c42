/* SPDX-License-Identifier: MIT */
/*
 * privcmd ioctls newer than the proposal (IRQFD, IOEVENTFD,
 * PCIDEV_GET_GSI) and unknown ioctl numbers, before and after restrict.
 * IRQFD/IOEVENTFD bodies only ever deassign, so that nothing is bound in
 * the backend.  Rows: privcmd.irqfd.*, privcmd.ioeventfd.*,
 * privcmd.pcidev-get-gsi.*, privcmd.unknown.*
 * (conformance/suite/rows/privcmd.rows).
 */
#include "bodies.h"

#include "privcmd_util.h"

/* A flag no kernel defines (only DEASSIGN, bit 0, exists). */
#define BAD_FLAG	0x80u

/* Unassigned 'P' number with no size; another driver's magic with one. */
#define PRIVCMD_IOCTL_RANDOM	_IOC(_IOC_NONE, 'P', 0x5A, 0)
#define OTHER_MAGIC_IOCTL	_IOC(_IOC_READ | _IOC_WRITE, 'Z', 0x33, 16)

/* ---- IRQFD ---- */

void privcmd_irqfd_bad_flags_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open(t);
	int efd = pc_eventfd(t);

	XRC_OBSERVE(t, pc_irqfd(fd, xrc_domains(t)->a, BAD_FLAG, efd));
}

void privcmd_irqfd_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd, efd;

	pc_need_irqfd(t);
	fd = pc_open_restricted(t, d->a);
	efd = pc_eventfd(t);

	XRC_OBSERVE(t, pc_irqfd(fd, d->a, PRIVCMD_IRQFD_FLAG_DEASSIGN, efd));
}

void privcmd_irqfd_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd, efd;

	pc_need_irqfd(t);
	fd = pc_open_restricted(t, d->a);
	efd = pc_eventfd(t);

	XRC_OBSERVE(t, pc_irqfd(fd, d->b, PRIVCMD_IRQFD_FLAG_DEASSIGN, efd));
}

void privcmd_irqfd_absent_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd, efd;

	pc_need_irqfd(t);
	fd = pc_open_restricted(t, d->a);
	efd = pc_eventfd(t);

	XRC_OBSERVE(t, pc_irqfd(fd, d->absent, PRIVCMD_IRQFD_FLAG_DEASSIGN,
				efd));
}

void privcmd_irqfd_bad_flags_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd, efd;

	pc_need_irqfd(t);
	fd = pc_open_restricted(t, d->a);
	efd = pc_eventfd(t);

	XRC_OBSERVE(t, pc_irqfd(fd, d->b, BAD_FLAG, efd));
}

/* ---- IOEVENTFD ---- */

void privcmd_ioeventfd_bad_flags_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open(t);
	int efd = pc_eventfd(t);

	XRC_OBSERVE(t, pc_ioeventfd(fd, xrc_domains(t)->a, BAD_FLAG, efd));
}

void privcmd_ioeventfd_target_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd, efd;

	pc_need_ioeventfd(t);
	fd = pc_open_restricted(t, d->a);
	efd = pc_eventfd(t);

	XRC_OBSERVE(t, pc_ioeventfd(fd, d->a, PRIVCMD_IOEVENTFD_FLAG_DEASSIGN,
				    efd));
}

void privcmd_ioeventfd_other_after_restrict(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd, efd;

	pc_need_ioeventfd(t);
	fd = pc_open_restricted(t, d->a);
	efd = pc_eventfd(t);

	XRC_OBSERVE(t, pc_ioeventfd(fd, d->b, PRIVCMD_IOEVENTFD_FLAG_DEASSIGN,
				    efd));
}

/* ---- PCIDEV_GET_GSI ---- */

void privcmd_pcidev_get_gsi_unrestricted(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, pc_pcidev_get_gsi(fd));
}

void privcmd_pcidev_get_gsi_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, pc_pcidev_get_gsi(fd));
}

/* ---- unknown ioctls ---- */

void privcmd_unknown_unimplemented(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_UNIMPLEMENTED, NULL));
}

void privcmd_unknown_unimplemented_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_UNIMPLEMENTED, NULL));
}

void privcmd_unknown_random(struct xrc_ctx *t)
{
	int fd = pc_open(t);

	XRC_OBSERVE(t, ioctl(fd, PRIVCMD_IOCTL_RANDOM, NULL));
}

void privcmd_unknown_random_after_restrict(struct xrc_ctx *t)
{
	int fd = pc_open_restricted(t, xrc_domains(t)->a);

	XRC_OBSERVE(t, ioctl(fd, PRIVCMD_IOCTL_RANDOM, NULL));
}

void privcmd_unknown_other_magic(struct xrc_ctx *t)
{
	uint8_t buf[16] = { 0 };
	int fd = pc_open(t);

	XRC_OBSERVE(t, ioctl(fd, OTHER_MAGIC_IOCTL, buf));
}
