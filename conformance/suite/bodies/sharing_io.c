/* SPDX-License-Identifier: MIT */
/*
 * Device calls shared by the evtchn, gntdev, gntalloc and sharing bodies
 * (see sharing_io.h).  Wrappers keep the syscall convention: the ioctl's
 * return value, -1 and errno on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xensim/uapi.h>
#include <xensim/xen-const.h>

#include "sharing_io.h"

/* ---- evtchn ---- */

long evt_bind_interdomain(int fd, uint32_t dom, uint32_t port)
{
	struct ioctl_evtchn_bind_interdomain b = {
		.remote_domain = dom, .remote_port = port,
	};

	return ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

long evt_bind_unbound(int fd, uint32_t dom)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = dom };

	return ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
}

long evt_bind_virq(int fd, uint32_t virq)
{
	struct ioctl_evtchn_bind_virq b = { .virq = virq };

	return ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &b);
}

long evt_bind_static(int fd, uint32_t port)
{
	struct ioctl_evtchn_bind b = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_BIND_STATIC, &b);
}

long evt_unbind(int fd, uint32_t port)
{
	struct ioctl_evtchn_unbind u = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_UNBIND, &u);
}

long evt_notify(int fd, uint32_t port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
}

long evt_reset(int fd)
{
	return ioctl(fd, IOCTL_EVTCHN_RESET, NULL);
}

long evt_unknown_ioctl(int fd)
{
	/* 'E' 0x33: past every evtchn ioctl of Linux, FreeBSD and NetBSD. */
	return ioctl(fd, _IOC(_IOC_NONE, 'E', 0x33, 0), NULL);
}

long evt_poll(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int rc;

	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc > 0 && !(p.revents & POLLIN))
		return 0;
	return rc;
}

/* Give a fired port back (libxenevtchn's xenevtchn_unmask). */
static void evt_unmask(int fd, uint32_t port)
{
	ssize_t n = write(fd, &port, sizeof(port));

	(void)n;
}

long evt_wait_port(int fd, uint32_t port, int timeout_ms)
{
	uint32_t ports[64];

	for (;;) {
		long rc = evt_poll(fd, timeout_ms);
		ssize_t n;
		size_t i;
		bool found = false;

		if (rc < 0)
			return -1;
		if (rc == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = read(fd, ports, sizeof(ports));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < (size_t)n / sizeof(ports[0]); i++) {
			if (ports[i] == port)
				found = true;
			else
				evt_unmask(fd, ports[i]);
		}
		if (found)
			return 0;
	}
}

void evt_drain(struct xrc_ctx *t, int fd)
{
	uint32_t ports[64];

	while (evt_poll(fd, 0) == 1) {
		ssize_t n = read(fd, ports, sizeof(ports));
		size_t i;

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			xrc_error(t, "draining the evtchn fd: read: %s",
				  xrc_errno_name(errno));
		for (i = 0; i < (size_t)n / sizeof(ports[0]); i++)
			evt_unmask(fd, ports[i]);
	}
}

void evt_loopback(struct xrc_ctx *t, int fd, uint32_t *recv, uint32_t *send)
{
	*recv = (uint32_t)XRC_SETUP(t, evt_bind_unbound(fd, XSIM_DOMID_SELF));
	*send = (uint32_t)XRC_SETUP(t, evt_bind_interdomain(fd,
				    XSIM_DOMID_SELF, *recv));
	/* Xen leaves the bound end pending (public/event_channel.h). */
	if (evt_wait_port(fd, *send, XRC_QUIET_MS) == 0)
		evt_unmask(fd, *send);
	evt_drain(t, fd);
}

long evt_notify_wait(int fd, uint32_t send, uint32_t recv, int timeout_ms)
{
	if (evt_notify(fd, send) < 0)
		return -1;
	return evt_wait_port(fd, recv, timeout_ms);
}

uint32_t evt_free_virq(struct xrc_ctx *t)
{
	/*
	 * Global VIRQs (xen.h) a test dom0 rarely binds: TBUF, ARGO, ENOMEM,
	 * MEM_EVENT, CON_RING, DOM_EXC (xenstored's, last).
	 */
	static const uint32_t candidates[] = { 4, 11, 12, 10, 8, 3 };
	int fd = xrc_open(t, XRC_EVTCHN, 0);
	size_t i;

	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		long port = evt_bind_virq(fd, candidates[i]);

		if (port >= 0) {
			evt_unbind(fd, (uint32_t)port);
			close(fd);
			return candidates[i];
		}
		if (errno != EEXIST && errno != EBUSY)
			xrc_error(t, "BIND_VIRQ %u on a fresh handle: %s",
				  candidates[i], xrc_errno_name(errno));
	}
	xrc_error(t, "every candidate VIRQ is bound already");
}

uint32_t evt_bound_to(struct xrc_ctx *t, int fd, uint16_t dom)
{
	uint32_t remote = xrc_setup_unbound_port(t, dom);

	return (uint32_t)XRC_SETUP(t, evt_bind_interdomain(fd, dom, remote));
}

/* ---- gntdev ---- */

/* A MAP_GRANT_REF argument with room for two grants. */
struct map_two {
	struct ioctl_gntdev_map_grant_ref op;
	struct ioctl_gntdev_grant_ref second;
};

long gnt_map2(int fd, uint32_t dom0, uint32_t ref0, uint32_t dom1,
	      uint32_t ref1, uint64_t *index)
{
	struct map_two m;
	long rc;

	memset(&m, 0, sizeof(m));
	m.op.count = 2;
	m.op.refs[0].domid = dom0;
	m.op.refs[0].ref = ref0;
	m.second.domid = dom1;
	m.second.ref = ref1;
	rc = ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m);
	if (rc == 0)
		*index = m.op.index;
	return rc;
}

long gnt_map(int fd, uint32_t dom, uint32_t ref, uint64_t *index)
{
	struct ioctl_gntdev_map_grant_ref op;
	long rc;

	memset(&op, 0, sizeof(op));
	op.count = 1;
	op.refs[0].domid = dom;
	op.refs[0].ref = ref;
	rc = ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &op);
	if (rc == 0)
		*index = op.index;
	return rc;
}

long gnt_unmap(int fd, uint64_t index, uint32_t count)
{
	struct ioctl_gntdev_unmap_grant_ref u = {
		.index = index, .count = count,
	};

	return ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
}

long gnt_map_mmap(int fd, uint32_t dom, uint32_t ref, bool writable,
		  void **page)
{
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	uint64_t index = 0;
	void *p;

	if (gnt_map(fd, dom, ref, &index) < 0)
		return -1;
	p = mmap(NULL, XRC_PAGE_SIZE, prot, MAP_SHARED, fd, (off_t)index);
	if (p == MAP_FAILED)
		return -1;
	*page = p;
	return 0;
}

static long grant_copy_one(int fd, struct gntdev_grant_copy_segment *seg,
			   int16_t *status)
{
	struct ioctl_gntdev_grant_copy c = { .segments = seg, .count = 1 };
	long rc;

	/* A status the kernel must overwrite. */
	seg->status = 0x5555;
	rc = ioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &c);
	*status = seg->status;
	return rc;
}

long gnt_copy_from(int fd, uint32_t dom, uint32_t ref, uint16_t offset,
		   void *buf, uint16_t len, int16_t *status)
{
	struct gntdev_grant_copy_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.source.foreign.ref = ref;
	seg.source.foreign.offset = offset;
	seg.source.foreign.domid = (domid_t)dom;
	seg.dest.virt = buf;
	seg.len = len;
	seg.flags = XRC_GNTCOPY_SOURCE_GREF;
	return grant_copy_one(fd, &seg, status);
}

long gnt_copy_to(int fd, uint32_t dom, uint32_t ref, uint16_t offset,
		 const void *buf, uint16_t len, int16_t *status)
{
	struct gntdev_grant_copy_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.source.virt = (void *)(uintptr_t)buf;
	seg.dest.foreign.ref = ref;
	seg.dest.foreign.offset = offset;
	seg.dest.foreign.domid = (domid_t)dom;
	seg.len = len;
	seg.flags = XRC_GNTCOPY_DEST_GREF;
	return grant_copy_one(fd, &seg, status);
}

/* ---- gntalloc ---- */

long gna_alloc(int fd, uint32_t dom, uint64_t *index, uint32_t *ref)
{
	struct ioctl_gntalloc_alloc_gref op;
	long rc;

	memset(&op, 0, sizeof(op));
	op.domid = (uint16_t)dom;
	op.flags = GNTALLOC_FLAG_WRITABLE;
	op.count = 1;
	rc = ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &op);
	if (rc == 0) {
		*index = op.index;
		*ref = op.gref_ids[0];
	}
	return rc;
}

long gna_dealloc(int fd, uint64_t index, uint32_t count)
{
	struct ioctl_gntalloc_dealloc_gref op = {
		.index = index, .count = count,
	};

	return ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &op);
}

/* ---- privcmd ---- */

long pcmd_dm_op_empty(int fd, uint32_t dom)
{
	struct privcmd_dm_op op = { .dom = (domid_t)dom, .num = 0 };

	return ioctl(fd, IOCTL_PRIVCMD_DM_OP, &op);
}

long pcmd_map_gfn(int fd, uint32_t dom, uint64_t gfn, void *region)
{
	xen_pfn_t arr = (xen_pfn_t)gfn;
	int err = 0;
	struct privcmd_mmapbatch_v2 m = {
		.num = 1, .dom = (domid_t)dom,
		.addr = (uint64_t)(uintptr_t)region, .arr = &arr, .err = &err,
	};
	long rc = ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);

	/* A frame that failed alone is reported in err[], not by the call. */
	if (rc == 0 && err) {
		errno = -err;
		return -1;
	}
	return rc;
}

void pcmd_read_page(struct xrc_ctx *t, uint16_t dom, uint64_t gfn, void *buf)
{
	int fd = xrc_open(t, XRC_PRIVCMD, 0);
	void *region = xrc_privcmd_region(t, fd, 1);

	XRC_SETUP(t, pcmd_map_gfn(fd, dom, gfn, region));
	XRC_SETUP(t, mem_read(region, buf, XRC_PAGE_SIZE));
}

/* ---- memory ---- */

/*
 * The kernel copies user memory with fault handling: a write() from an
 * unbacked page is EFAULT where a load would be SIGBUS.  A pipe turns
 * that into a probe, with no signal handler to install.
 */
static int probe_fds[2] = { -1, -1 };

static int probe_pipe(void)
{
	if (probe_fds[0] >= 0)
		return 0;
	return pipe2(probe_fds, O_CLOEXEC);
}

long mem_read(const void *addr, void *buf, size_t len)
{
	if (len > XRC_PAGE_SIZE || probe_pipe())
		return -1;
	if (write(probe_fds[1], addr, len) != (ssize_t)len)
		return -1;
	return read(probe_fds[0], buf, len) == (ssize_t)len ? 0 : -1;
}

long mem_write(void *addr, const void *buf, size_t len)
{
	char drain[XRC_PAGE_SIZE];
	int saved;

	if (len > XRC_PAGE_SIZE || probe_pipe())
		return -1;
	if (write(probe_fds[1], buf, len) != (ssize_t)len)
		return -1;
	if (read(probe_fds[0], addr, len) == (ssize_t)len)
		return 0;
	/* Leave the pipe empty for the next probe. */
	saved = errno;
	if (read(probe_fds[0], drain, len) < 0)
		return -1;
	errno = saved;
	return -1;
}

long mem_same(const void *a, const void *b, size_t len)
{
	if (memcmp(a, b, len)) {
		errno = EILSEQ;
		return -1;
	}
	return 0;
}

/* ---- descriptors ---- */

int fd_pass_scm(struct xrc_ctx *t, int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	char byte = 'x';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm;
	int sv[2], got;

	XRC_SETUP(t, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	memset(&ctl, 0, sizeof(ctl));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	XRC_SETUP(t, sendmsg(sv[0], &msg, 0));

	memset(&ctl, 0, sizeof(ctl));
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	XRC_SETUP(t, recvmsg(sv[1], &msg, MSG_CMSG_CLOEXEC));
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		xrc_error(t, "SCM_RIGHTS: no descriptor received");
	memcpy(&got, CMSG_DATA(cm), sizeof(int));
	close(sv[0]);
	close(sv[1]);
	return got;
}

struct child_obs run_in_child(struct xrc_ctx *t,
			      long (*fn)(int fd, const void *arg), int fd,
			      const void *arg)
{
	struct child_obs obs = { 0, 0 };
	int p[2], status;
	ssize_t n;
	pid_t pid;

	XRC_SETUP(t, pipe2(p, O_CLOEXEC));
	pid = (pid_t)XRC_SETUP(t, fork());
	if (pid == 0) {
		close(p[0]);
		errno = 0;
		obs.rc = fn(fd, arg);
		obs.err = obs.rc < 0 ? errno : 0;
		n = write(p[1], &obs, sizeof(obs));
		_exit(n == (ssize_t)sizeof(obs) ? 0 : 1);
	}
	close(p[1]);
	do
		n = read(p[0], &obs, sizeof(obs));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			xrc_error(t, "waitpid: %s", xrc_errno_name(errno));
	if (n != (ssize_t)sizeof(obs) || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		xrc_error(t, "the child died before reporting (status %#x)",
			  status);
	return obs;
}

/* ---- the sharing probe ---- */

/*
 * A gfn every guest has (the fixture's domains are populated from 0), and
 * one the default world grants writable (xrc_setup_grant without mmap).
 */
#define AIM_GFN		2

void aim_prepare(struct xrc_ctx *t, enum xrc_dev dev, uint16_t dom,
		 struct aim *a)
{
	a->dev = dev;
	a->dom = dom;
	a->port_or_ref = 0;
	if (dev == XRC_EVTCHN)
		a->port_or_ref = xrc_setup_unbound_port(t, dom);
	else if (dev == XRC_GNTDEV)
		a->port_or_ref = xrc_setup_grant(t, dom, AIM_GFN, false);
}

long aim_run(int fd, const void *arg)
{
	const struct aim *a = arg;
	uint64_t index = 0;
	uint32_t ref = 0;
	long rc;

	switch (a->dev) {
	case XRC_PRIVCMD:
		return pcmd_dm_op_empty(fd, a->dom);
	case XRC_EVTCHN:
		rc = evt_bind_interdomain(fd, a->dom, a->port_or_ref);
		if (rc < 0)
			return rc;
		evt_unbind(fd, (uint32_t)rc);
		return 0;
	case XRC_GNTDEV:
		rc = gnt_map(fd, a->dom, a->port_or_ref, &index);
		if (rc < 0)
			return rc;
		gnt_unmap(fd, index, 1);
		return 0;
	case XRC_GNTALLOC:
		rc = gna_alloc(fd, a->dom, &index, &ref);
		if (rc < 0)
			return rc;
		gna_dealloc(fd, index, 1);
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}
