/* SPDX-License-Identifier: MIT */
/*
 * Shared steps of the whitelist probe bodies: restricting, raw
 * hypercalls, and the setup that must succeed before restricting.
 */
#include <string.h>

#include "probe-util.h"

uint16_t probe_target(struct xrc_ctx *t)
{
	return xrc_domains(t)->a;
}

void probe_restrict(struct xrc_ctx *t, int fd, enum xrc_dev dev)
{
	xrc_restrict(t, fd, dev, probe_target(t));
}

int probe_restricted(struct xrc_ctx *t, enum xrc_dev dev)
{
	int fd = xrc_open(t, dev, 0);

	probe_restrict(t, fd, dev);
	return fd;
}

long probe_hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1,
		     uint64_t a2)
{
	struct privcmd_hypercall h = { .op = op, .arg = { a0, a1, a2 } };

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
}

void probe_nr_vcpus_op(struct probe_dm_op *op)
{
	memset(op, 0, sizeof(*op));
	op->op = PROBE_DMOP_NR_VCPUS;
}

uint32_t probe_bind_port(struct xrc_ctx *t, int fd, uint16_t dom)
{
	struct ioctl_evtchn_bind_interdomain b = {
		.remote_domain = dom,
		.remote_port = xrc_setup_unbound_port(t, dom),
	};

	return (uint32_t)XRC_SETUP(t, ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN,
					    &b));
}

uint64_t probe_gntdev_map(struct xrc_ctx *t, int fd, uint16_t dom,
			  uint32_t ref)
{
	struct ioctl_gntdev_map_grant_ref m = {
		.count = 1,
		.refs = { { .domid = dom, .ref = ref } },
	};

	XRC_SETUP(t, ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m));
	return m.index;
}
