/* SPDX-License-Identifier: MIT */
/*
 * Part 1: one privcmd ioctl through the preload next to a native ioctl on
 * /dev/null that the kernel rejects (TCGETS -> ENOTTY), all in this
 * process.  Only the device ABI is used here (<xensim/uapi.h>): these fds
 * are served by the preload's copy of the simulator, not this binary's.
 *
 * The goal stated in the issue: the preload path no slower than a native
 * system call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <xensim/uapi.h>

#include "bench.h"

#define HC_xen_version	17	/* xen/include/public/xen.h */

struct preload_ctx {
	int null_fd, privcmd_fd, restricted_fd;
	struct termios tio;
	struct privcmd_hypercall version;
	struct privcmd_dm_op dm_op0;
};

static long result_of(int rc)
{
	return rc < 0 ? -errno : rc;
}

/* The kernel alone: no libc wrapper, so no preload on the way. */
static long op_null_syscall(void *arg)
{
	struct preload_ctx *c = arg;

	return result_of((int)syscall(SYS_ioctl, c->null_fd, TCGETS, &c->tio));
}

/* Through ioctl(): the preload sees a fd that is not its own and passes. */
static long op_null_libc(void *arg)
{
	struct preload_ctx *c = arg;

	return result_of(ioctl(c->null_fd, TCGETS, &c->tio));
}

static long op_hypercall(void *arg)
{
	struct preload_ctx *c = arg;

	return result_of(ioctl(c->privcmd_fd, IOCTL_PRIVCMD_HYPERCALL,
			       &c->version));
}

static long op_dm_op0(void *arg)
{
	struct preload_ctx *c = arg;

	return result_of(ioctl(c->restricted_fd, IOCTL_PRIVCMD_DM_OP,
			       &c->dm_op0));
}

/*
 * One row: op timed in batches alternating with the native syscall, so
 * the ratio compares the two under the same load.
 */
static void row(const char *what, bench_op op, struct preload_ctx *c,
		double *ratio)
{
	struct bench_result r, native;
	char res[32];

	bench_measure_pair(op_null_syscall, c, op, c, &native, &r);
	*ratio = r.median_ns / native.median_ns;
	printf("  %-48s %8.1f %8.1f %8.1f  %6.2fx  %s\n", what, r.median_ns,
	       r.min_ns, r.max_ns, *ratio,
	       bench_result_str(r.result, res, sizeof(res)));
}

void bench_preload(void)
{
	struct preload_ctx c = {
		.version = { .op = HC_xen_version },	/* XENVER_version */
		.dm_op0 = { .dom = 1, .num = 0 },
	};
	double ratio, hc_ratio, dm_ratio;
	domid_t target = 1;

	printf("Part 1: one ioctl, preload vs native (ns/op: median, best, "
	       "worst of %u batches x %u calls;\n  ratio: to the native "
	       "syscall timed in alternating batches)\n", BENCH_BATCHES,
	       BENCH_CALLS);
	c.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	c.privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	c.restricted_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (c.null_fd < 0) {
		perror("  /dev/null");
		return;
	}
	printf("  %-48s %8s %8s %8s  %7s  %s\n", "call", "median", "best",
	       "worst", "ratio", "answer");
	row("TCGETS on /dev/null by syscall(2): native", op_null_syscall, &c,
	    &ratio);
	row("TCGETS on /dev/null by ioctl(): + preload pass", op_null_libc,
	    &c, &ratio);
	if (c.privcmd_fd < 0 || c.restricted_fd < 0) {
		printf("  /dev/xen/privcmd: %s -- run under LD_PRELOAD of "
		       "libxensim-preload.so (make bench)\n\n",
		       c.privcmd_fd < 0 ? "cannot open" : "second open failed");
		goto out;
	}
	if (ioctl(c.restricted_fd, IOCTL_PRIVCMD_RESTRICT, &target) < 0)
		printf("  (RESTRICT to 1 refused: errno %d; DM_OP runs "
		       "unrestricted)\n", errno);
	row("privcmd HYPERCALL xen_version (preload)", op_hypercall, &c,
	    &hc_ratio);
	row("privcmd DM_OP num=0, restricted to 1 (preload)", op_dm_op0, &c,
	    &dm_ratio);
	printf("  goal, the preload path no slower than a native syscall: "
	       "HYPERCALL %s, DM_OP %s\n\n", hc_ratio <= 1.0 ? "met" :
	       "NOT met", dm_ratio <= 1.0 ? "met" : "NOT met");
out:
	close(c.null_fd);
	if (c.privcmd_fd >= 0)
		close(c.privcmd_fd);
	if (c.restricted_fd >= 0)
		close(c.restricted_fd);
}
