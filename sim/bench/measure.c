/* SPDX-License-Identifier: MIT */
/*
 * Timing: the median of several batches, so that a batch disturbed by
 * the scheduler or a page fault does not move the figure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void summarise(double *ns, struct bench_result *r)
{
	qsort(ns, BENCH_BATCHES, sizeof(ns[0]), cmp_double);
	r->min_ns = ns[0];
	r->max_ns = ns[BENCH_BATCHES - 1];
	r->median_ns = ns[BENCH_BATCHES / 2];
}

static double batch(bench_op op, void *arg, long *result)
{
	double t0 = bench_now();
	long rc = 0;
	unsigned i;

	for (i = 0; i < BENCH_CALLS; i++)
		rc = op(arg);
	*result = rc;
	return (bench_now() - t0) * 1e9 / BENCH_CALLS;
}

void bench_measure(bench_op op, void *arg, struct bench_result *r)
{
	double ns[BENCH_BATCHES];
	unsigned i;

	batch(op, arg, &r->result);	/* warm caches and lazy setup */
	for (i = 0; i < BENCH_BATCHES; i++)
		ns[i] = batch(op, arg, &r->result);
	summarise(ns, r);
}

void bench_measure_pair(bench_op a, void *arg_a, bench_op b, void *arg_b,
			struct bench_result *ra, struct bench_result *rb)
{
	double ns_a[BENCH_BATCHES], ns_b[BENCH_BATCHES];
	unsigned i;

	batch(a, arg_a, &ra->result);
	batch(b, arg_b, &rb->result);
	for (i = 0; i < BENCH_BATCHES; i++) {
		ns_a[i] = batch(a, arg_a, &ra->result);
		ns_b[i] = batch(b, arg_b, &rb->result);
	}
	summarise(ns_a, ra);
	summarise(ns_b, rb);
}

const char *bench_result_str(long result, char *buf, unsigned len)
{
	if (result >= 0 && result <= 9)
		snprintf(buf, len, "%ld", result);
	else if (result >= 0)
		snprintf(buf, len, "%#lx", result);
	else if (result == -ENOTTY)
		snprintf(buf, len, "ENOTTY");
	else if (result == -ENOSYS)
		snprintf(buf, len, "ENOSYS");
	else if (result == -EPERM)
		snprintf(buf, len, "EPERM");
	else if (result == -EINVAL)
		snprintf(buf, len, "EINVAL");
	else if (result == -EFAULT)
		snprintf(buf, len, "EFAULT");
	else if (result == -ENOTCONN)
		snprintf(buf, len, "ENOTCONN");
	else if (result == -ESRCH)
		snprintf(buf, len, "ESRCH");
	else
		snprintf(buf, len, "errno %ld", -result);
	return buf;
}
