/* SPDX-License-Identifier: MIT */
/*
 * The fixture's privcmd calls, on the uapi side of the header wall (see
 * setup/setup.h): the Linux structures and ioctl numbers live here,
 * the Xen hypercall arguments in conformance/suite/setup/.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <xensim/uapi.h>

#include "../setup/setup.h"

long xrc_io_hypercall(int fd, uint64_t op, const uint64_t arg[5])
{
	struct privcmd_hypercall h = {
		.op = op,
		.arg = { arg[0], arg[1], arg[2], arg[3], arg[4] },
	};

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
}

long xrc_io_mmap_resource(int fd, uint16_t dom, uint32_t type, uint32_t id,
			  uint32_t idx, uint64_t num, void *addr)
{
	struct privcmd_mmap_resource r = {
		.dom = dom,
		.type = type,
		.id = id,
		.idx = idx,
		.num = num,
		.addr = (uint64_t)(uintptr_t)addr,
	};

	return ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r);
}

/*
 * One frame of a foreign guest into a privcmd region (the domain probe's
 * check that the targets' memory can be mapped).  Linux 6.1
 * drivers/xen/privcmd.c, privcmd_ioctl_mmap_batch: a frame Xen refuses
 * leaves the ioctl's answer 0 and its error in err[0] (-ENOENT from the
 * ioctl itself only for a paged-out frame).
 */
long xrc_io_mmapbatch_v2(int fd, uint16_t dom, uint64_t gfn, void *addr,
			 int *err0)
{
	xen_pfn_t arr[1] = { (xen_pfn_t)gfn };
	int err[1] = { 0 };
	struct privcmd_mmapbatch_v2 m = {
		.num = 1, .dom = dom, .addr = (uint64_t)(uintptr_t)addr,
		.arr = arr, .err = err,
	};
	long rc = ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);

	*err0 = err[0];
	return rc;
}

bool xrc_io_absent(int err)
{
	return err == ENOENT || err == ENODEV || err == ENXIO;
}

int xrc_io_open_privcmd(const char *devdir)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/privcmd", devdir) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, O_RDWR | O_CLOEXEC);
}
