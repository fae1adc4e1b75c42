/* SPDX-License-Identifier: MIT */
/*
 * xensim-cuse-bench DEVDIR: what one ioctl through the CUSE daemon costs
 * next to a native ioctl in the same (guest) kernel.  Figures only, no
 * asserts: the median of a few hundred calls each.  uapi only: it sees
 * the devices as any client does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <xensim/uapi.h>

#define RUNS	301
#define HC_xen_version	17	/* Xen public/xen.h */
#define XENVER_version	0

typedef int (*bench_fn)(int fd);

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Median time of one call in microseconds; a call that does not answer
 * expect (0 or an errno) is reported in *err (-1: it succeeded).
 */
static double median_us(bench_fn fn, int fd, int expect, int *err)
{
	static double t[RUNS];
	int i;

	for (i = 0; i < 10; i++)
		fn(fd);			/* warm up */
	for (i = 0; i < RUNS; i++) {
		double t0 = now_us();

		int got = fn(fd) < 0 ? errno : 0;

		t[i] = now_us() - t0;
		if (got != expect)
			*err = got ? got : -1;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

static int native_tcgets(int fd)
{
	struct termios tio;

	return ioctl(fd, TCGETS, &tio);
}

static int privcmd_xen_version(int fd)
{
	struct privcmd_hypercall hc = { .op = HC_xen_version,
					.arg = { XENVER_version } };

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

/* evtchn NOTIFY of a port not bound here: ENOTCONN (drivers/xen/evtchn.c). */
static int evtchn_notify_bad(int fd)
{
	struct ioctl_evtchn_notify n = { .port = 4095 };

	return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static int open_in(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, O_RDWR | O_CLOEXEC);
}

static void row(const char *what, bench_fn fn, int fd, int expect,
		double native)
{
	int err = 0;
	double us = median_us(fn, fd, expect, &err);

	printf("cuse ioctl %s: %.1f us (native ioctl %.1f us, ratio %.0fx)",
	       what, us, native, native > 0 ? us / native : 0.0);
	if (err)
		printf(" [unexpected answer: %s]",
		       err > 0 ? strerror(err) : "success");
	printf("\n");
}

int main(int argc, char **argv)
{
	int null_fd, priv, evt, err = 0;
	double native;

	if (argc != 2) {
		fprintf(stderr, "usage: xensim-cuse-bench DEVDIR\n");
		return 2;
	}
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0) {
		perror("xensim-cuse-bench: /dev/null");
		return 1;
	}
	native = median_us(native_tcgets, null_fd, ENOTTY, &err);
	priv = open_in(argv[1], "privcmd");
	if (priv >= 0)
		row("privcmd HYPERCALL xen_version", privcmd_xen_version, priv,
		    0, native);
	else
		printf("cuse ioctl privcmd: not measured (%s/privcmd: %s)\n",
		       argv[1], strerror(errno));
	evt = open_in(argv[1], "evtchn");
	if (evt >= 0)
		row("evtchn NOTIFY bad port", evtchn_notify_bad, evt,
		    ENOTCONN, native);
	else
		printf("cuse ioctl evtchn: not measured (%s/evtchn: %s)\n",
		       argv[1], strerror(errno));
	return 0;
}
