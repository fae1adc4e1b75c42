/* SPDX-License-Identifier: MIT */
/*
 * The whitelist probe, evtchn (rows/probe.rows): one representative call
 * per ioctl (and write(), the unmask) on a handle restricted to the
 * target.  Ports the call works on are bound to the target before the
 * handle is restricted, so that the setup does not depend on the
 * restriction being probed.
 */
#include "bodies.h"

#include <unistd.h>

#include "probe-util.h"

void probe_evtchn_bind_interdomain(struct xrc_ctx *t)
{
	uint16_t a = probe_target(t);
	struct ioctl_evtchn_bind_interdomain b = {
		.remote_domain = a,
		.remote_port = xrc_setup_unbound_port(t, a),
	};
	int fd = probe_restricted(t, XRC_EVTCHN);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b));
}

void probe_evtchn_bind_unbound_port(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_EVTCHN);
	struct ioctl_evtchn_bind_unbound_port b = {
		.remote_domain = probe_target(t),
	};

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b));
}

void probe_evtchn_bind_virq(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_EVTCHN);
	struct ioctl_evtchn_bind_virq b = { .virq = PROBE_VIRQ_ENOMEM };

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &b));
}

/*
 * A static port is one of this domain's own, already allocated and not
 * yet bound: an unbound dom0 port (offered to dom0) is the nearest thing
 * outside a dom0less boot.
 */
void probe_evtchn_bind_static(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_EVTCHN);
	struct ioctl_evtchn_bind b = { .port = xrc_setup_unbound_port(t, 0) };

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_BIND_STATIC, &b));
}

void probe_evtchn_notify(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	struct ioctl_evtchn_notify n = {
		.port = probe_bind_port(t, fd, probe_target(t)),
	};

	probe_restrict(t, fd, XRC_EVTCHN);
	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n));
}

void probe_evtchn_unbind(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	struct ioctl_evtchn_unbind u = {
		.port = probe_bind_port(t, fd, probe_target(t)),
	};

	probe_restrict(t, fd, XRC_EVTCHN);
	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_UNBIND, &u));
}

void probe_evtchn_reset(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_EVTCHN);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_EVTCHN_RESET, 0));
}

/* write() takes whole ports to unmask (Linux evtchn_write). */
void probe_evtchn_write_unmask(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	uint32_t port = probe_bind_port(t, fd, probe_target(t));

	probe_restrict(t, fd, XRC_EVTCHN);
	XRC_OBSERVE(t, write(fd, &port, sizeof(port)));
}

void probe_evtchn_restrict_same_domid(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_EVTCHN);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_EVTCHN, probe_target(t)));
}
