/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the privcmd bodies: one function per ioctl shape
 * (see privcmd_util.h).  Each returns what ioctl(2) returned, with errno
 * as the ioctl left it, so that the judged outcome is the backend's own.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "privcmd_util.h"

#define UPTR(p)		((uint64_t)(uintptr_t)(p))

/* ---- handles ---- */

int pc_open(struct xrc_ctx *t)
{
	return xrc_open(t, XRC_PRIVCMD, 0);
}

int pc_open_restricted(struct xrc_ctx *t, uint16_t dom)
{
	int fd = pc_open(t);

	xrc_restrict(t, fd, XRC_PRIVCMD, dom);
	return fd;
}

int pc_open_for_restrict(struct xrc_ctx *t)
{
	xrc_require_restrict(t, XRC_PRIVCMD);
	return pc_open(t);
}

long pc_restrict(int fd, uint32_t dom)
{
	return xrc_restrict_raw(fd, XRC_PRIVCMD, dom);
}

void pc_need_hvm_target(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);

	/* The fixture picks an HVM target when it has one. */
	if (d->a == d->pv)
		xrc_skip(t, "no HVM guest: Xen refuses dm_op on PV domain %u",
			 d->a);
}

void *pc_unmapped_page(struct xrc_ctx *t)
{
	void *p = mmap(NULL, PC_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		xrc_error(t, "mmap PROT_NONE: %s", xrc_errno_name(errno));
	return p;
}

void *pc_anon_page(struct xrc_ctx *t)
{
	void *p = mmap(NULL, PC_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		xrc_error(t, "mmap anonymous: %s", xrc_errno_name(errno));
	return p;
}

/* ---- IOCTL_PRIVCMD_HYPERCALL ---- */

long pc_hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct privcmd_hypercall hc = { .op = op, .arg = { a0, a1, a2 } };

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

long pc_max_gpfn(int fd, uint16_t dom)
{
	domid_t d = dom;

	return pc_hypercall(fd, PC_HC_MEMORY_OP, PC_XENMEM_MAXIMUM_GPFN,
			    UPTR(&d), 0);
}

long pc_xen_version(int fd)
{
	return pc_hypercall(fd, PC_HC_XEN_VERSION, PC_XENVER_VERSION, 0, 0);
}

long pc_domctl_getdomaininfo(int fd, uint16_t dom)
{
	/* struct xen_domctl: cmd, interface_version, domain, pad, union. */
	union {
		struct {
			uint32_t cmd;
			uint32_t interface_version;
			uint16_t domain;
		} h;
		uint8_t raw[PC_DOMCTL_SIZE * 2];
	} dc;

	memset(&dc, 0, sizeof(dc));
	dc.h.cmd = PC_DOMCTL_GETDOMAININFO;
	dc.h.interface_version = PC_DOMCTL_VERSION;
	dc.h.domain = dom;
	return pc_hypercall(fd, PC_HC_DOMCTL, UPTR(&dc), 0, 0);
}

/* struct xen_dm_op for XEN_DMOP_nr_vcpus: op, pad, then the union. */
static void nr_vcpus_op(uint8_t buf[PC_DMOP_SIZE])
{
	uint32_t op = PC_DMOP_NR_VCPUS;

	memset(buf, 0, PC_DMOP_SIZE);
	memcpy(buf, &op, sizeof(op));
}

long pc_raw_dm_op_nr_vcpus(int fd, uint16_t dom)
{
	uint8_t op[PC_DMOP_SIZE];
	/* xen_dm_op_buf_t: a guest handle and a size. */
	struct {
		uint64_t h;
		uint64_t size;
	} buf = { UPTR(op), sizeof(op) };

	nr_vcpus_op(op);
	return pc_hypercall(fd, PC_HC_DM_OP, dom, 1, UPTR(&buf));
}

/* ---- IOCTL_PRIVCMD_DM_OP ---- */

long pc_dm_op_bufs(int fd, uint16_t dom, unsigned num)
{
	static uint8_t op[PC_DM_OP_MAX_BUFS + 1][PC_DMOP_SIZE];
	struct privcmd_dm_op_buf bufs[PC_DM_OP_MAX_BUFS + 1];
	struct privcmd_dm_op k = { .dom = dom, .num = (uint16_t)num,
				   .ubufs = bufs };
	unsigned i;

	if (num > PC_DM_OP_MAX_BUFS + 1) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < num; i++) {
		nr_vcpus_op(op[i]);
		bufs[i].uptr = op[i];
		bufs[i].size = sizeof(op[i]);
	}
	return ioctl(fd, IOCTL_PRIVCMD_DM_OP, &k);
}

long pc_dm_op_nr_vcpus(int fd, uint16_t dom)
{
	return pc_dm_op_bufs(fd, dom, 1);
}

long pc_dm_op_num0(int fd, uint16_t dom)
{
	struct privcmd_dm_op k = { .dom = dom, .num = 0, .ubufs = NULL };

	return ioctl(fd, IOCTL_PRIVCMD_DM_OP, &k);
}

/* ---- mappings ---- */

long pc_batch_v2(int fd, uint16_t dom, void *addr, uint64_t gfn, int *err0)
{
	xen_pfn_t arr[1] = { (xen_pfn_t)gfn };
	int err[1] = { 0x5a5a };	/* the kernel clears err[] first */
	struct privcmd_mmapbatch_v2 m = {
		.num = 1, .dom = dom, .addr = UPTR(addr), .arr = arr,
		.err = err,
	};
	long rc = ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
	int saved = errno;

	if (err0)
		*err0 = err[0];
	errno = saved;
	return rc;
}

long pc_batch_v2_frame(int fd, uint16_t dom, void *addr, uint64_t gfn)
{
	int err0 = 0;
	long rc = pc_batch_v2(fd, dom, addr, gfn, &err0);

	if (rc < 0)
		return rc;
	if (err0 < 0) {
		errno = -err0;
		return -1;
	}
	/* Any other value in err[0] is not an errno: report it raw. */
	return err0 ? err0 : rc;
}

long pc_batch_v1(int fd, uint16_t dom, void *addr, uint64_t gfn)
{
	xen_pfn_t arr[1] = { (xen_pfn_t)gfn };
	struct privcmd_mmapbatch m = {
		.num = 1, .dom = dom, .addr = UPTR(addr), .arr = arr,
	};

	return ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH, &m);
}

long pc_mmap_v1(int fd, uint16_t dom, void *addr, uint64_t gfn)
{
	struct privcmd_mmap_entry e = { .va = UPTR(addr), .mfn = gfn,
					.npages = 1 };
	struct privcmd_mmap m = { .num = 1, .dom = dom, .entry = &e };

	return ioctl(fd, IOCTL_PRIVCMD_MMAP, &m);
}

void *pc_map_gfn(struct xrc_ctx *t, int fd, uint16_t dom, uint64_t gfn)
{
	void *region = xrc_privcmd_region(t, fd, 1);
	int err0 = 0;

	if (pc_batch_v2(fd, dom, region, gfn, &err0) < 0)
		xrc_error(t, "setup failed: MMAPBATCH_V2 of dom %u gfn %llu: %s",
			  dom, (unsigned long long)gfn, xrc_errno_name(errno));
	if (err0)
		xrc_error(t, "setup failed: MMAPBATCH_V2 of dom %u gfn %llu: "
			  "err[0] = %d", dom, (unsigned long long)gfn, err0);
	return region;
}

/* ---- IOCTL_PRIVCMD_MMAP_RESOURCE ---- */

long pc_resource_size(int fd, uint16_t dom, uint64_t *num)
{
	struct privcmd_mmap_resource r = {
		.dom = dom, .type = PC_XENMEM_RSRC_GRANT_TABLE,
	};
	long rc = ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r);

	if (num)
		*num = r.num;
	return rc;
}

long pc_resource_map(int fd, uint16_t dom, void *addr, uint64_t nframes)
{
	struct privcmd_mmap_resource r = {
		.dom = dom, .type = PC_XENMEM_RSRC_GRANT_TABLE,
		.num = nframes, .addr = UPTR(addr),
	};

	return ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r);
}

long pc_resource_half_set(int fd, uint16_t dom)
{
	struct privcmd_mmap_resource r = {
		.dom = dom, .type = PC_XENMEM_RSRC_GRANT_TABLE, .num = 1,
	};

	return ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r);
}

/* ---- IOCTL_PRIVCMD_IRQFD / IOEVENTFD / PCIDEV_GET_GSI ---- */

int pc_eventfd(struct xrc_ctx *t)
{
	int efd = eventfd(0, EFD_CLOEXEC);

	if (efd < 0)
		xrc_error(t, "eventfd: %s", xrc_errno_name(errno));
	return efd;
}

long pc_irqfd(int fd, uint16_t dom, uint32_t flags, int efd)
{
	struct privcmd_irqfd a = { .fd = (uint32_t)efd, .flags = flags,
				   .dom = dom };

	return ioctl(fd, IOCTL_PRIVCMD_IRQFD, &a);
}

long pc_ioeventfd(int fd, uint16_t dom, uint32_t flags, int efd)
{
	struct privcmd_ioeventfd a = { .event_fd = (uint32_t)efd,
				       .flags = flags, .dom = dom,
				       .addr_len = 4, .vcpus = 1 };

	return ioctl(fd, IOCTL_PRIVCMD_IOEVENTFD, &a);
}

long pc_pcidev_get_gsi(int fd)
{
	struct privcmd_pcidev_get_gsi a = { .sbdf = 0x0300 };

	return ioctl(fd, IOCTL_PRIVCMD_PCIDEV_GET_GSI, &a);
}

/* errno of an ioctl the driver cannot have (Xen's own probe). */
static int unknown_ioctl_errno(int fd)
{
	errno = 0;
	if (ioctl(fd, IOCTL_PRIVCMD_UNIMPLEMENTED, NULL) >= 0)
		return 0;
	return errno;
}

static void need_present(struct xrc_ctx *t, const char *name, long rc,
			 int err, int unknown_err)
{
	if (rc >= 0)
		return;
	if (err == ENOTTY || err == ENOSYS || err == EOPNOTSUPP ||
	    err == unknown_err)
		xrc_skip(t, "privcmd has no %s (it answers %s)", name,
			 xrc_errno_name(err));
}

void pc_need_irqfd(struct xrc_ctx *t)
{
	int fd = pc_open(t), efd = pc_eventfd(t);
	long rc = pc_irqfd(fd, xrc_domains(t)->a, PRIVCMD_IRQFD_FLAG_DEASSIGN,
			   efd);
	int err = errno;

	need_present(t, "IRQFD", rc, err, unknown_ioctl_errno(fd));
	close(efd);
	close(fd);
}

void pc_need_ioeventfd(struct xrc_ctx *t)
{
	int fd = pc_open(t), efd = pc_eventfd(t);
	long rc = pc_ioeventfd(fd, xrc_domains(t)->a,
			       PRIVCMD_IOEVENTFD_FLAG_DEASSIGN, efd);
	int err = errno;

	need_present(t, "IOEVENTFD", rc, err, unknown_ioctl_errno(fd));
	close(efd);
	close(fd);
}

/* ---- memory through a pipe ---- */

static void make_pipe(struct xrc_ctx *t, int p[2])
{
	if (pipe2(p, O_CLOEXEC))
		xrc_error(t, "pipe2: %s", xrc_errno_name(errno));
}

static void close_pipe(int p[2])
{
	close(p[0]);
	close(p[1]);
}

long pc_peek(struct xrc_ctx *t, const void *addr, void *buf, size_t len)
{
	int p[2], saved;
	ssize_t n;

	if (len > PC_PAGE) {
		errno = EINVAL;
		return -1;
	}
	make_pipe(t, p);
	/* The kernel's copy from addr fails with EFAULT: no signal. */
	n = write(p[1], addr, len);
	if (n == (ssize_t)len && read(p[0], buf, len) != n)
		n = -1;
	saved = errno;
	close_pipe(p);
	errno = saved;
	return n;
}

long pc_poke(struct xrc_ctx *t, void *addr, const void *buf, size_t len)
{
	int p[2], saved;
	ssize_t n;

	if (len > PC_PAGE) {
		errno = EINVAL;
		return -1;
	}
	make_pipe(t, p);
	if (write(p[1], buf, len) != (ssize_t)len)
		xrc_error(t, "write to a pipe: %s", xrc_errno_name(errno));
	/* The kernel's copy to addr fails with EFAULT: no signal. */
	n = read(p[0], addr, len);
	saved = errno;
	close_pipe(p);
	errno = saved;
	return n;
}

long pc_same_bytes(struct xrc_ctx *t, const void *x, const void *y,
		   size_t len)
{
	uint8_t bx[PC_PAGE], by[PC_PAGE];

	if (len > sizeof(bx)) {
		errno = EINVAL;
		return -1;
	}
	if (pc_peek(t, x, bx, len) != (long)len ||
	    pc_peek(t, y, by, len) != (long)len)
		return -1;
	return memcmp(bx, by, len) == 0;
}
