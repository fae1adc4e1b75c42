/* SPDX-License-Identifier: MIT */
/*
 * xensim-bench-named WORLD-LABEL: one privcmd ioctl through the preload,
 * next to a native ioctl, in whatever world the preload set up: `make
 * bench` runs it once in a private world and once in a named one
 * (XENSIM_WORLD_NAME).  Both are one shared file under one robust mutex,
 * so the two figures should agree: naming a world changes how processes
 * find the machine, not what an ioctl costs.  Prints, asserts nothing.
 * Device ABI only (<xensim/uapi.h>), like sim/bench/bench_preload.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <xensim/uapi.h>

#include "../bench/bench.h"

#define HC_xen_version	17	/* xen/include/public/xen.h */

struct ctx {
	int null_fd, privcmd_fd;
	struct termios tio;
	struct privcmd_hypercall version;
};

static long result_of(int rc)
{
	return rc < 0 ? -errno : rc;
}

static long op_native(void *arg)
{
	struct ctx *c = arg;

	return result_of((int)syscall(SYS_ioctl, c->null_fd, TCGETS, &c->tio));
}

static long op_hypercall(void *arg)
{
	struct ctx *c = arg;

	return result_of(ioctl(c->privcmd_fd, IOCTL_PRIVCMD_HYPERCALL,
			       &c->version));
}

int main(int argc, char **argv)
{
	struct ctx c = { .version = { .op = HC_xen_version } };
	struct bench_result r, native;
	char what[96], res[32];

	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(what, sizeof(what), "privcmd HYPERCALL xen_version, %s world",
		 argc > 1 ? argv[1] : "this");
	c.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	c.privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (c.null_fd < 0 || c.privcmd_fd < 0) {
		printf("  %s: cannot open /dev/xen/privcmd (errno %d) -- run under the preload\n",
		       what, errno);
		return 1;
	}
	bench_measure_pair(op_native, &c, op_hypercall, &c, &native, &r);
	printf("  %-48s %8.1f %8.1f %8.1f  %6.2fx  %s\n", what, r.median_ns,
	       r.min_ns, r.max_ns, r.median_ns / native.median_ns,
	       bench_result_str(r.result, res, sizeof(res)));
	close(c.privcmd_fd);
	close(c.null_fd);
	return 0;
}
