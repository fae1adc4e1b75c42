/* SPDX-License-Identifier: MIT */
/*
 * evtchn bodies: RESTRICT_DOMID itself, and every ioctl on an
 * unrestricted handle (the base the restricted answers are read against).
 * Rows: conformance/suite/rows/evtchn.rows.
 */
#include "bodies.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <xensim/uapi.h>
#include <xensim/xen-const.h>

#include "sharing_io.h"

/* A fresh handle restricted to the target (SKIP where evtchn has none). */
static int open_restricted(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	xrc_restrict(t, fd, XRC_EVTCHN, xrc_domains(t)->a);
	return fd;
}

/* A fresh handle of a device whose restrict exists (else SKIP). */
static int open_restrictable(struct xrc_ctx *t)
{
	xrc_require_restrict(t, XRC_EVTCHN);
	return xrc_open(t, XRC_EVTCHN, 0);
}

/* A port bound through another handle: real, but not ours. */
static uint32_t port_of_another_handle(struct xrc_ctx *t)
{
	int other = xrc_open(t, XRC_EVTCHN, 0);

	return (uint32_t)XRC_SETUP(t, evt_bind_unbound(other,
						      xrc_domains(t)->b));
}

/* ---- RESTRICT_DOMID ---- */

void evtchn_restrict_first(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_EVTCHN, xrc_domains(t)->a));
}

void evtchn_restrict_same_domid(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_EVTCHN, xrc_domains(t)->a));
}

void evtchn_restrict_other_domid(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_EVTCHN, xrc_domains(t)->b));
}

void evtchn_restrict_other_domid_keeps_first(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t port = xrc_setup_unbound_port(t, d->b);

	/* Refused (what it answers is evtchn.restrict.other-domid's row). */
	(void)xrc_restrict_raw(fd, XRC_EVTCHN, d->b);
	XRC_OBSERVE(t, evt_bind_interdomain(fd, d->b, port));
}

void evtchn_restrict_domid_zero(struct xrc_ctx *t)
{
	int fd = open_restrictable(t);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_EVTCHN, 0));
}

void evtchn_restrict_domid_self(struct xrc_ctx *t)
{
	int fd = open_restrictable(t);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_EVTCHN, XSIM_DOMID_SELF));
}

void evtchn_restrict_domid_invalid(struct xrc_ctx *t)
{
	int fd = open_restrictable(t);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_EVTCHN, XSIM_DOMID_INVALID));
}

void evtchn_restrict_domid_idle(struct xrc_ctx *t)
{
	int fd = open_restrictable(t);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_EVTCHN, XSIM_DOMID_IDLE));
}

void evtchn_restrict_domid_max(struct xrc_ctx *t)
{
	int fd = open_restrictable(t);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_EVTCHN, 0xFFFFu));
}

void evtchn_restrict_absent_domid(struct xrc_ctx *t)
{
	int fd = open_restrictable(t);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_EVTCHN,
					xrc_domains(t)->absent));
}

void evtchn_restrict_null_arg(struct xrc_ctx *t)
{
	int fd = open_restrictable(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, NULL));
}

void evtchn_restrict_null_arg_restricted(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, NULL));
}

void evtchn_restrict_domid_invalid_stays_unrestricted(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restrictable(t);
	uint32_t port = xrc_setup_unbound_port(t, d->b);

	(void)xrc_restrict_raw(fd, XRC_EVTCHN, XSIM_DOMID_INVALID);
	XRC_OBSERVE(t, evt_bind_interdomain(fd, d->b, port));
}

void evtchn_restrict_domid_zero_then_restrict(struct xrc_ctx *t)
{
	int fd = open_restrictable(t);

	(void)xrc_restrict_raw(fd, XRC_EVTCHN, 0);
	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_EVTCHN, xrc_domains(t)->a));
}

/* ---- unrestricted ---- */

void evtchn_unrestricted_bind_interdomain_target(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	uint32_t port = xrc_setup_unbound_port(t, d->a);

	XRC_OBSERVE(t, evt_bind_interdomain(fd, d->a, port));
}

void evtchn_unrestricted_bind_interdomain_other(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	uint32_t port = xrc_setup_unbound_port(t, d->b);

	XRC_OBSERVE(t, evt_bind_interdomain(fd, d->b, port));
}

void evtchn_unrestricted_bind_interdomain_absent(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	/* No domain, so no port either: any number will do. */
	XRC_OBSERVE(t, evt_bind_interdomain(fd, xrc_domains(t)->absent, 1));
}

void evtchn_unrestricted_bind_interdomain_self(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	uint32_t recv = (uint32_t)XRC_SETUP(t, evt_bind_unbound(fd,
						XSIM_DOMID_SELF));

	XRC_OBSERVE(t, evt_bind_interdomain(fd, XSIM_DOMID_SELF, recv));
}

void evtchn_unrestricted_bind_unbound_target(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, evt_bind_unbound(fd, xrc_domains(t)->a));
}

void evtchn_unrestricted_bind_unbound_other(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, evt_bind_unbound(fd, xrc_domains(t)->b));
}

void evtchn_unrestricted_bind_unbound_absent(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, evt_bind_unbound(fd, xrc_domains(t)->absent));
}

void evtchn_unrestricted_bind_virq(struct xrc_ctx *t)
{
	uint32_t virq = evt_free_virq(t);
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, evt_bind_virq(fd, virq));
}

void evtchn_unrestricted_bind_static(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	/* NULL: a driver with the ioctl answers EFAULT and binds nothing. */
	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_STATIC, NULL));
}

void evtchn_unrestricted_unbind_bound(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	uint32_t port = (uint32_t)XRC_SETUP(t, evt_bind_unbound(fd,
						xrc_domains(t)->b));

	XRC_OBSERVE(t, evt_unbind(fd, port));
}

void evtchn_unrestricted_unbind_not_bound(struct xrc_ctx *t)
{
	uint32_t port = port_of_another_handle(t);
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, evt_unbind(fd, port));
}

void evtchn_unrestricted_unbind_huge_port(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, evt_unbind(fd, 0x7FFFFFFFu));
}

void evtchn_unrestricted_notify_bound(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	uint32_t port = (uint32_t)XRC_SETUP(t, evt_bind_unbound(fd,
						xrc_domains(t)->b));

	/* Xen drops a send on an unbound port silently: 0. */
	XRC_OBSERVE(t, evt_notify(fd, port));
}

void evtchn_unrestricted_notify_not_bound(struct xrc_ctx *t)
{
	uint32_t port = port_of_another_handle(t);
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, evt_notify(fd, port));
}

void evtchn_unrestricted_reset(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, evt_reset(fd));
}

void evtchn_unrestricted_unknown_ioctl(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, evt_unknown_ioctl(fd));
}

void evtchn_unrestricted_bind_interdomain_null(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, NULL));
}

void evtchn_unrestricted_bind_unbound_null(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, NULL));
}

void evtchn_unrestricted_bind_virq_null(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, NULL));
}
