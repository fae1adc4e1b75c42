/* SPDX-License-Identifier: MIT */
/*
 * evtchn bodies on a restricted handle: every ioctl aimed at the target,
 * another guest and an absent domain; what lifts the restriction (nothing
 * should); and bindings made before it (they stay usable).
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

/* A port bound through another (unrestricted) handle: real, not ours. */
static uint32_t port_of_another_handle(struct xrc_ctx *t)
{
	int other = xrc_open(t, XRC_EVTCHN, 0);

	return (uint32_t)XRC_SETUP(t, evt_bind_unbound(other,
						      xrc_domains(t)->b));
}

/* ---- restricted ---- */

void evtchn_restricted_bind_interdomain_target(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t port = xrc_setup_unbound_port(t, d->a);

	XRC_OBSERVE(t, evt_bind_interdomain(fd, d->a, port));
}

void evtchn_restricted_bind_interdomain_other(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t port = xrc_setup_unbound_port(t, d->b);

	XRC_OBSERVE(t, evt_bind_interdomain(fd, d->b, port));
}

void evtchn_restricted_bind_interdomain_absent(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, evt_bind_interdomain(fd, xrc_domains(t)->absent, 1));
}

void evtchn_restricted_bind_interdomain_high_bits(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t port = xrc_setup_unbound_port(t, d->a);

	/* Truncated to 16 bits this would be the target and its real port. */
	XRC_OBSERVE(t, evt_bind_interdomain(fd, 0x10000u | d->a, port));
}

void evtchn_restricted_bind_interdomain_self(struct xrc_ctx *t)
{
	int plain = xrc_open(t, XRC_EVTCHN, 0);
	uint32_t recv = (uint32_t)XRC_SETUP(t, evt_bind_unbound(plain,
						XSIM_DOMID_SELF));
	int fd = open_restricted(t);

	XRC_OBSERVE(t, evt_bind_interdomain(fd, XSIM_DOMID_SELF, recv));
}

void evtchn_restricted_bind_interdomain_null(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, NULL));
}

void evtchn_restricted_bind_unbound_target(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, evt_bind_unbound(fd, xrc_domains(t)->a));
}

void evtchn_restricted_bind_unbound_other(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, evt_bind_unbound(fd, xrc_domains(t)->b));
}

void evtchn_restricted_bind_unbound_absent(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, evt_bind_unbound(fd, xrc_domains(t)->absent));
}

void evtchn_restricted_bind_unbound_null(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, NULL));
}

void evtchn_restricted_bind_virq(struct xrc_ctx *t)
{
	uint32_t virq = evt_free_virq(t);
	int fd = open_restricted(t);

	XRC_OBSERVE(t, evt_bind_virq(fd, virq));
}

void evtchn_restricted_bind_virq_null(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, NULL));
}

void evtchn_restricted_bind_static(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	/* A well-formed request: only the restriction may refuse it. */
	XRC_OBSERVE(t, evt_bind_static(fd, 1));
}

void evtchn_restricted_unbind_not_bound(struct xrc_ctx *t)
{
	uint32_t port = port_of_another_handle(t);
	int fd = open_restricted(t);

	XRC_OBSERVE(t, evt_unbind(fd, port));
}

void evtchn_restricted_notify_not_bound(struct xrc_ctx *t)
{
	uint32_t port = port_of_another_handle(t);
	int fd = open_restricted(t);

	XRC_OBSERVE(t, evt_notify(fd, port));
}

void evtchn_restricted_notify_target(struct xrc_ctx *t)
{
	int fd = open_restricted(t);
	uint32_t port = evt_bound_to(t, fd, xrc_domains(t)->a);

	XRC_OBSERVE(t, evt_notify(fd, port));
}

void evtchn_restricted_unbind_target(struct xrc_ctx *t)
{
	int fd = open_restricted(t);
	uint32_t port = evt_bound_to(t, fd, xrc_domains(t)->a);

	XRC_OBSERVE(t, evt_unbind(fd, port));
}

void evtchn_restricted_reset(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, evt_reset(fd));
}

void evtchn_restricted_unknown_ioctl(struct xrc_ctx *t)
{
	int fd = open_restricted(t);

	XRC_OBSERVE(t, evt_unknown_ioctl(fd));
}

/* ---- irreversibility ---- */

void evtchn_irreversible_reset(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t port = xrc_setup_unbound_port(t, d->b);

	XRC_SETUP(t, evt_reset(fd));
	XRC_OBSERVE(t, evt_bind_interdomain(fd, d->b, port));
}

void evtchn_irreversible_reset_then_restrict_other(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t port = xrc_setup_unbound_port(t, d->b);

	XRC_SETUP(t, evt_reset(fd));
	(void)xrc_restrict_raw(fd, XRC_EVTCHN, d->b);
	XRC_OBSERVE(t, evt_bind_interdomain(fd, d->b, port));
}

void evtchn_irreversible_unbind_all(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t mine = evt_bound_to(t, fd, d->a);
	uint32_t port = xrc_setup_unbound_port(t, d->b);

	XRC_SETUP(t, evt_unbind(fd, mine));
	XRC_OBSERVE(t, evt_bind_interdomain(fd, d->b, port));
}

void evtchn_irreversible_close_dup(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t port = xrc_setup_unbound_port(t, d->b);
	int copy = (int)XRC_SETUP(t, dup(fd));

	XRC_SETUP(t, close(copy));
	XRC_OBSERVE(t, evt_bind_interdomain(fd, d->b, port));
}

/* ---- bound before the restrict ---- */

/* A plain handle, after checking that evtchn can be restricted at all. */
static int open_restrictable(struct xrc_ctx *t)
{
	xrc_require_restrict(t, XRC_EVTCHN);
	return xrc_open(t, XRC_EVTCHN, 0);
}

void evtchn_prebound_notify_other(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restrictable(t);
	uint32_t port = evt_bound_to(t, fd, d->b);

	xrc_restrict(t, fd, XRC_EVTCHN, d->a);
	XRC_OBSERVE(t, evt_notify(fd, port));
}

void evtchn_prebound_unbind_other(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restrictable(t);
	uint32_t port = evt_bound_to(t, fd, d->b);

	xrc_restrict(t, fd, XRC_EVTCHN, d->a);
	XRC_OBSERVE(t, evt_unbind(fd, port));
}

void evtchn_prebound_notify_unbound_port(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restrictable(t);
	uint32_t port = (uint32_t)XRC_SETUP(t, evt_bind_unbound(fd, d->b));

	xrc_restrict(t, fd, XRC_EVTCHN, d->a);
	XRC_OBSERVE(t, evt_notify(fd, port));
}

void evtchn_prebound_loopback_event(struct xrc_ctx *t)
{
	int fd = open_restrictable(t);
	uint32_t recv, send;

	evt_loopback(t, fd, &recv, &send);
	xrc_restrict(t, fd, XRC_EVTCHN, xrc_domains(t)->a);
	XRC_OBSERVE(t, evt_notify_wait(fd, send, recv, XRC_EVENT_WAIT_MS));
}

void evtchn_prebound_new_bind_other_refused(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restrictable(t);
	uint32_t port;

	(void)evt_bound_to(t, fd, d->b);
	xrc_restrict(t, fd, XRC_EVTCHN, d->a);
	port = xrc_setup_unbound_port(t, d->b);
	XRC_OBSERVE(t, evt_bind_interdomain(fd, d->b, port));
}
