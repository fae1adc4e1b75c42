/* SPDX-License-Identifier: MIT */
/* Thin wrappers over the Linux device ABI, as a Xen library calls it. */
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "check.h"

int dev_open(const char *path, int flags)
{
	int fd = open(path, flags);

	expect(fd >= 0, "open(%s, %#x): %s", path, flags, strerror(errno));
	return fd;
}

int privcmd_restrict(int fd, domid_t domid)
{
	return ioctl(fd, IOCTL_PRIVCMD_RESTRICT, &domid);
}

int privcmd_map_gfn(int fd, domid_t dom, void *addr, xen_pfn_t gfn, int *err)
{
	struct privcmd_mmapbatch_v2 m = {
		.num = 1,
		.dom = dom,
		.addr = (uint64_t)(uintptr_t)addr,
		.arr = &gfn,
		.err = err,
	};

	*err = -1;
	return ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
}

int evtchn_restrict(int fd, domid_t domid)
{
	struct ioctl_evtchn_restrict_domid r = { .domid = domid };

	return ioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, &r);
}

int evtchn_bind_unbound(int fd, unsigned remote_dom)
{
	struct ioctl_evtchn_bind_unbound_port b = {
		.remote_domain = remote_dom,
	};

	return ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
}

int evtchn_bind_interdomain(int fd, unsigned remote_dom, unsigned port)
{
	struct ioctl_evtchn_bind_interdomain b = {
		.remote_domain = remote_dom,
		.remote_port = port,
	};

	return ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

int evtchn_unbind(int fd, unsigned port)
{
	struct ioctl_evtchn_unbind u = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_UNBIND, &u);
}

int evtchn_notify(int fd, unsigned port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
}

bool evtchn_pair(int a, int b, unsigned *pa, unsigned *pb)
{
	int p, q;

	p = evtchn_bind_unbound(a, 0);
	expect(p > 0, "BIND_UNBOUND_PORT(0) = %d: %s", p, strerror(errno));
	if (p <= 0)
		return false;
	q = evtchn_bind_interdomain(b, 0, (unsigned)p);
	expect(q > 0, "BIND_INTERDOMAIN(0, %d) = %d: %s", p, q,
	       strerror(errno));
	if (q <= 0)
		return false;
	*pa = (unsigned)p;
	*pb = (unsigned)q;
	return true;
}

bool readable_within(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLIN);
}

long long gntdev_map_ref(int fd, uint32_t domid, uint32_t ref)
{
	struct ioctl_gntdev_map_grant_ref m = {
		.count = 1,
		.refs[0] = { .domid = domid, .ref = ref },
	};

	if (ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m) < 0)
		return -1;
	return (long long)m.index;
}
