/* SPDX-License-Identifier: MIT */
/*
 * xensim-bench: what one simulated device call costs, next to a real
 * system call, and whether that cost stays flat as the world grows.  It
 * prints figures and asserts nothing.
 *
 * Two copies of the simulator live in this process when it runs under
 * `make bench`: the preload's (libxensim-preload.so, whole libxensim with
 * hidden visibility) serves the /dev/xen fds of bench_preload.c; this
 * binary's own (libxensim.a, linked statically) builds the large worlds of
 * bench_scale.c.  Hidden symbols do not interpose, so the two never see
 * each other's state: two machines in one process.
 */
#ifndef XENSIM_BENCH_H
#define XENSIM_BENCH_H

#include <stdint.h>

/* One measured operation: returns its result (>= 0 or -errno). */
typedef long (*bench_op)(void *arg);

struct bench_result {
	double median_ns;	/* per call, median over the batches */
	double min_ns, max_ns;	/* per call, best and worst batch */
	long result;		/* what the operation answered (last call) */
};

/* Calls per batch and batches per figure. */
#define BENCH_CALLS	20000u
#define BENCH_BATCHES	11u

/* Run op BENCH_BATCHES times BENCH_CALLS times (after a warm-up). */
void bench_measure(bench_op op, void *arg, struct bench_result *r);
/*
 * Measure a and b in alternating batches, so that both see the same
 * machine load (a shared 2-core machine swings by 2x from one second to
 * the next): the fair way to compare two worlds.
 */
void bench_measure_pair(bench_op a, void *arg_a, bench_op b, void *arg_b,
			struct bench_result *ra, struct bench_result *rb);
/* Seconds on the monotonic clock. */
double bench_now(void);
/* "EPERM", "0x40011", "0": a result for a table cell. */
const char *bench_result_str(long result, char *buf, unsigned len);

/* Part 1: the preload's ioctl path against a native one (uapi only). */
void bench_preload(void);
/* Part 2: xsim_dev_ioctl as the world grows (libxensim directly). */
void bench_scale(void);

#endif /* XENSIM_BENCH_H */
