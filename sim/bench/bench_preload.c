/* SPDX-License-Identifier: MIT */
/*
 * Part 1: one privcmd ioctl through the preload next to a native ioctl on
 * /dev/null that the kernel rejects (TCGETS -> ENOTTY), all in this
 * process.  Only the device ABI is used here (<xensim/uapi.h>): these fds
 * are served by the preload's copy of the simulator, not this binary's.
 *
 * Where the argument lives decides what the preload pays to copy it
 * without ever faulting (sim/preload/DESIGN.md, "The uaccess copies"):
 * the calling thread's stack and a /dev/xen/hypercall buffer are copied
 * directly, anything else (the heap) by process_vm_readv/writev.  So the
 * same HYPERCALL is timed with its privcmd_hypercall_t, and with the
 * buffer a hypercall writes, in each place.
 *
 * The goal: a device ioctl costs at most half a native system call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#include <xensim/uapi.h>

#include "bench.h"

#define HC_xen_version		17	/* xen/include/public/xen.h */
#define XENVER_version		0	/* xen/include/public/version.h */
#define XENVER_extraversion	1	/* writes 16 bytes */

#define GOAL_RATIO		0.5

struct preload_ctx {
	int null_fd, privcmd_fd, restricted_fd;
	struct termios tio;
	struct privcmd_dm_op dm_op0;
	struct privcmd_hypercall *heap_hc, *buf_hc;
	char *heap_out, *buf_out;	/* 16 bytes: the extraversion */
	int pipe_fd[2];
	pid_t pid;
	char copy_src[64], *copy_heap;
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

/* The argument in this frame: what libxencall does (privcmd_hypercall_t). */
static long op_hc_stack(void *arg)
{
	struct preload_ctx *c = arg;
	struct privcmd_hypercall hc = { .op = HC_xen_version,
					.arg = { XENVER_version } };

	return result_of(ioctl(c->privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &hc));
}

static long op_hc_heap(void *arg)
{
	struct preload_ctx *c = arg;

	return result_of(ioctl(c->privcmd_fd, IOCTL_PRIVCMD_HYPERCALL,
			       c->heap_hc));
}

static long op_hc_buf(void *arg)
{
	struct preload_ctx *c = arg;

	return result_of(ioctl(c->privcmd_fd, IOCTL_PRIVCMD_HYPERCALL,
			       c->buf_hc));
}

/* The hypercall's own argument off the stack: a result written there. */
static long extraversion_into(struct preload_ctx *c, char *out)
{
	struct privcmd_hypercall hc = {
		.op = HC_xen_version,
		.arg = { XENVER_extraversion, (uint64_t)(uintptr_t)out },
	};

	return result_of(ioctl(c->privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &hc));
}

static long op_out_heap(void *arg)
{
	struct preload_ctx *c = arg;

	return extraversion_into(c, c->heap_out);
}

static long op_out_buf(void *arg)
{
	struct preload_ctx *c = arg;

	return extraversion_into(c, c->buf_out);
}

static long op_dm_op0(void *arg)
{
	struct preload_ctx *c = arg;

	return result_of(ioctl(c->restricted_fd, IOCTL_PRIVCMD_DM_OP,
			       &c->dm_op0));
}

/*
 * The ways to copy 40 bytes of arbitrary memory that cannot fault, as
 * primitives: what a heap argument costs at least.
 */
static long op_copy_pvm(void *arg)
{
	struct preload_ctx *c = arg;
	struct iovec l = { c->copy_src, 40 }, r = { c->copy_heap, 40 };

	return (long)process_vm_readv(c->pid, &l, 1, &r, 1, 0);
}

static long op_copy_pipe(void *arg)
{
	struct preload_ctx *c = arg;

	if (write(c->pipe_fd[1], c->copy_heap, 40) != 40)
		return -errno;
	return (long)read(c->pipe_fd[0], c->copy_src, 40);
}

/*
 * One row: op timed in batches alternating with the native syscall, so
 * the ratio compares the two under the same load.
 */
static double row(const char *what, bench_op op, struct preload_ctx *c)
{
	struct bench_result r, native;
	char res[32];
	double ratio;

	bench_measure_pair(op_null_syscall, c, op, c, &native, &r);
	ratio = r.median_ns / native.median_ns;
	printf("  %-48s %8.1f %8.1f %8.1f  %6.2fx  %s\n", what, r.median_ns,
	       r.min_ns, r.max_ns, ratio,
	       bench_result_str(r.result, res, sizeof(res)));
	return ratio;
}

static const char *verdict(double ratio)
{
	return ratio <= GOAL_RATIO ? "met" : "NOT met";
}

/* A /dev/xen/hypercall buffer, as libxencall allocates one. */
static char *hypercall_buffer(void)
{
	int fd = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
	void *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static void device_rows(struct preload_ctx *c)
{
	double stack, heap, buf, out_heap, out_buf, dm;
	domid_t target = 1;
	char *hbuf = hypercall_buffer();

	if (ioctl(c->restricted_fd, IOCTL_PRIVCMD_RESTRICT, &target) < 0)
		printf("  (RESTRICT to 1 refused: errno %d; DM_OP runs "
		       "unrestricted)\n", errno);
	c->heap_hc = calloc(1, sizeof(*c->heap_hc));
	c->heap_out = malloc(16);
	if (!hbuf || !c->heap_hc || !c->heap_out) {
		printf("  /dev/xen/hypercall buffer or heap: %s\n\n",
		       strerror(errno));
		return;
	}
	c->buf_hc = (struct privcmd_hypercall *)(void *)hbuf;
	c->buf_out = hbuf + 2048;
	c->heap_hc->op = c->buf_hc->op = HC_xen_version;

	stack = row("HYPERCALL xen_version, argument on the stack",
		    op_hc_stack, c);
	heap = row("HYPERCALL xen_version, argument on the heap",
		   op_hc_heap, c);
	buf = row("HYPERCALL xen_version, argument in a hcall buffer",
		  op_hc_buf, c);
	out_heap = row("HYPERCALL extraversion, result to the heap",
		       op_out_heap, c);
	out_buf = row("HYPERCALL extraversion, result to a hcall buffer",
		      op_out_buf, c);
	dm = row("privcmd DM_OP num=0, restricted to 1 (preload)", op_dm_op0,
		 c);
	printf("  goal, a device ioctl at most %.1fx a native syscall: "
	       "stack %s, hypercall buffer %s/%s, DM_OP %s; heap %s/%s "
	       "(a kernel copy each)\n", GOAL_RATIO, verdict(stack),
	       verdict(buf), verdict(out_buf), verdict(dm), verdict(heap),
	       verdict(out_heap));
	munmap(hbuf, 4096);
	free(c->heap_hc);
	free(c->heap_out);
}

static void copy_rows(struct preload_ctx *c)
{
	c->copy_heap = malloc(64);
	if (!c->copy_heap || pipe2(c->pipe_fd, O_CLOEXEC)) {
		free(c->copy_heap);
		return;
	}
	memset(c->copy_heap, 1, 64);
	c->pid = getpid();
	printf("  no-fault copy of 40 heap bytes, the primitives (no device):\n");
	row("  process_vm_readv on our own pid (in use)", op_copy_pvm, c);
	row("  write + read through a pipe (not used)", op_copy_pipe, c);
	printf("\n");
	close(c->pipe_fd[0]);
	close(c->pipe_fd[1]);
	free(c->copy_heap);
}

void bench_preload(void)
{
	struct preload_ctx c = {
		.dm_op0 = { .dom = 1, .num = 0 },
	};

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
	row("TCGETS on /dev/null by syscall(2): native", op_null_syscall, &c);
	row("TCGETS on /dev/null by ioctl(): + preload pass", op_null_libc,
	    &c);
	if (c.privcmd_fd < 0 || c.restricted_fd < 0)
		printf("  /dev/xen/privcmd: %s -- run under LD_PRELOAD of "
		       "libxensim-preload.so (make bench)\n",
		       c.privcmd_fd < 0 ? "cannot open" : "second open failed");
	else
		device_rows(&c);
	copy_rows(&c);
	close(c.null_fd);
	if (c.privcmd_fd >= 0)
		close(c.privcmd_fd);
	if (c.restricted_fd >= 0)
		close(c.restricted_fd);
}
