/* SPDX-License-Identifier: MIT */
/*
 * The whitelist probe, privcmd (rows/probe.rows): one representative call
 * per ioctl on a handle restricted to the target, aimed at the target.
 * Arguments are well formed, so that a refusal can only be the
 * restriction's and anything else means "allowed past it".
 */
#include "bodies.h"

#include <sys/eventfd.h>

#include "probe-util.h"

void probe_privcmd_hypercall_xen_version(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);

	XRC_OBSERVE(t, probe_hypercall(fd, PROBE_HC_XEN_VERSION,
				       PROBE_XENVER_VERSION, 0, 0));
}

void probe_privcmd_hypercall_memory_op(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);
	domid_t dom = probe_target(t);

	XRC_OBSERVE(t, probe_hypercall(fd, PROBE_HC_MEMORY_OP,
				       PROBE_XENMEM_MAXIMUM_GPFN,
				       (uintptr_t)&dom, 0));
}

/* dm_op(domid, nr_bufs, bufs): the domid is the first argument. */
void probe_privcmd_hypercall_dm_op(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);
	struct probe_dm_op op;
	struct probe_dm_op_buf buf = { (uintptr_t)&op, sizeof(op) };

	probe_nr_vcpus_op(&op);
	XRC_OBSERVE(t, probe_hypercall(fd, PROBE_HC_DM_OP, probe_target(t), 1,
				       (uintptr_t)&buf));
}

void probe_privcmd_hypercall_domctl(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);
	struct probe_domctl dc = {
		.cmd = PROBE_DOMCTL_GETDOMAININFO,
		.interface_version = PROBE_DOMCTL_VERSION,
		.domain = probe_target(t),
	};

	XRC_OBSERVE(t, probe_hypercall(fd, PROBE_HC_DOMCTL, (uintptr_t)&dc,
				       0, 0));
}

/* No entries: the domid is checked, nothing is mapped (a PV dom0's 0). */
void probe_privcmd_mmap(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);
	struct privcmd_mmap m = { .num = 0, .dom = probe_target(t) };

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_MMAP, &m));
}

/* Batches map into a privcmd region of exactly their size (Linux). */
void probe_privcmd_mmapbatch(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);
	xen_pfn_t gfn = 0;
	struct privcmd_mmapbatch m = {
		.num = 1,
		.dom = probe_target(t),
		.addr = (uintptr_t)xrc_privcmd_region(t, fd, 1),
		.arr = &gfn,
	};

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH, &m));
}

void probe_privcmd_mmapbatch_v2(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);
	xen_pfn_t gfn = 0;
	int err = 0;
	struct privcmd_mmapbatch_v2 m = {
		.num = 1,
		.dom = probe_target(t),
		.addr = (uintptr_t)xrc_privcmd_region(t, fd, 1),
		.arr = &gfn,
		.err = &err,
	};

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m));
}

void probe_privcmd_dm_op(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);
	struct probe_dm_op op;
	struct privcmd_dm_op_buf buf = { .uptr = &op, .size = sizeof(op) };
	struct privcmd_dm_op d = { .dom = probe_target(t), .num = 1,
				   .ubufs = &buf };

	probe_nr_vcpus_op(&op);
	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_DM_OP, &d));
}

/* addr == num == 0: the size of the target's grant table, nothing mapped. */
void probe_privcmd_mmap_resource(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);
	struct privcmd_mmap_resource r = {
		.dom = probe_target(t),
		.type = PROBE_XENMEM_RSRC_GRANT_TABLE,
	};

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r));
}

/* Assign an eventfd that would raise the dm_op when signalled. */
void probe_privcmd_irqfd(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);
	struct probe_dm_op op;
	struct privcmd_irqfd a = {
		.dm_op = (uintptr_t)&op,
		.size = sizeof(op),
		.dom = probe_target(t),
	};

	probe_nr_vcpus_op(&op);
	a.fd = (uint32_t)XRC_SETUP(t, eventfd(0, EFD_CLOEXEC));
	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_IRQFD, &a));
}

/*
 * One 4-byte port for one vcpu.  The ioreq page named is a privcmd region
 * with nothing mapped: a kernel that looks it up may refuse it, but only
 * after the restriction has let the call through.
 */
void probe_privcmd_ioeventfd(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);
	uint32_t port = 0;
	struct privcmd_ioeventfd a = {
		.ioreq = (uintptr_t)xrc_privcmd_region(t, fd, 1),
		.ports = (uintptr_t)&port,
		.addr = 0xcf8,
		.addr_len = 4,
		.vcpus = 1,
		.dom = probe_target(t),
	};

	a.event_fd = (uint32_t)XRC_SETUP(t, eventfd(0, EFD_CLOEXEC));
	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_IOEVENTFD, &a));
}

/* Device 00:01.0 (the sbdf layout of Linux's xen_pcidev_get_gsi). */
void probe_privcmd_pcidev_get_gsi(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);
	struct privcmd_pcidev_get_gsi g = { .sbdf = 1u << 3 };

	XRC_OBSERVE(t, ioctl(fd, IOCTL_PRIVCMD_PCIDEV_GET_GSI, &g));
}

void probe_privcmd_restrict_same_domid(struct xrc_ctx *t)
{
	int fd = probe_restricted(t, XRC_PRIVCMD);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_PRIVCMD, probe_target(t)));
}
