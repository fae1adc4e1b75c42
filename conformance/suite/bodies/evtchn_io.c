/* SPDX-License-Identifier: MIT */
/*
 * evtchn bodies for read(), write() and poll(): events arrive on the
 * handle after a NOTIFY on a loop-back pair, stay masked until written
 * back, and arrive on a restricted handle for ports of its target.
 * Rows: conformance/suite/rows/evtchn.rows.
 */
#include "bodies.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sharing_io.h"

void evtchn_io_poll_idle(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, evt_poll(fd, XRC_QUIET_MS));
}

void evtchn_io_read_empty_nonblock(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	uint32_t port;

	XRC_OBSERVE(t, read(fd, &port, sizeof(port)));
}

void evtchn_io_bind_sets_pending(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	uint32_t remote = xrc_setup_unbound_port(t, d->a);
	uint32_t port = (uint32_t)XRC_SETUP(t, evt_bind_interdomain(fd, d->a,
								     remote));

	XRC_OBSERVE(t, evt_wait_port(fd, port, XRC_EVENT_WAIT_MS));
}

void evtchn_io_loopback_event(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	uint32_t recv, send;

	evt_loopback(t, fd, &recv, &send);
	XRC_OBSERVE(t, evt_notify_wait(fd, send, recv, XRC_EVENT_WAIT_MS));
}

void evtchn_io_poll_after_notify(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	uint32_t recv, send;

	evt_loopback(t, fd, &recv, &send);
	XRC_SETUP(t, evt_notify(fd, send));
	XRC_OBSERVE(t, evt_poll(fd, XRC_EVENT_WAIT_MS));
}

/* A loop-back pair whose receiving end fired once and was not given back. */
static int fired_once(struct xrc_ctx *t, uint32_t *recv, uint32_t *send)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	evt_loopback(t, fd, recv, send);
	XRC_SETUP(t, evt_notify_wait(fd, *send, *recv, XRC_EVENT_WAIT_MS));
	return fd;
}

void evtchn_io_masked_until_write(struct xrc_ctx *t)
{
	uint32_t recv, send;
	int fd = fired_once(t, &recv, &send);

	XRC_SETUP(t, evt_notify(fd, send));
	XRC_OBSERVE(t, evt_poll(fd, XRC_QUIET_MS));
}

void evtchn_io_write_unmasks(struct xrc_ctx *t)
{
	uint32_t recv, send;
	int fd = fired_once(t, &recv, &send);

	XRC_SETUP(t, evt_notify(fd, send));
	if (write(fd, &recv, sizeof(recv)) != (ssize_t)sizeof(recv))
		xrc_error(t, "write() of the fired port: %s",
			  xrc_errno_name(errno));
	XRC_OBSERVE(t, evt_poll(fd, XRC_EVENT_WAIT_MS));
}

void evtchn_io_write_returns_count(struct xrc_ctx *t)
{
	uint32_t recv, send;
	int fd = fired_once(t, &recv, &send);

	XRC_OBSERVE(t, write(fd, &recv, sizeof(recv)));
}

void evtchn_io_read_short_count(struct xrc_ctx *t)
{
	/* Non-blocking, so that a driver without the check cannot hang us. */
	int fd = xrc_open(t, XRC_EVTCHN, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	uint32_t recv, send;
	char buf[3];

	evt_loopback(t, fd, &recv, &send);
	XRC_SETUP(t, evt_notify(fd, send));
	XRC_OBSERVE(t, read(fd, buf, sizeof(buf)));
}

void evtchn_io_restricted_target_event(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	uint32_t remote, port;

	xrc_restrict(t, fd, XRC_EVTCHN, d->a);
	remote = xrc_setup_unbound_port(t, d->a);
	port = (uint32_t)XRC_SETUP(t, evt_bind_interdomain(fd, d->a, remote));
	XRC_OBSERVE(t, evt_wait_port(fd, port, XRC_EVENT_WAIT_MS));
}
