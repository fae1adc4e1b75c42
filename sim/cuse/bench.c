/* SPDX-License-Identifier: MIT */
/*
 * xensim-cuse-bench DEVDIR: what our ioctls cost through the CUSE daemon,
 * measured against the floor of the same transport in the same guest and
 * run: a CUSE ioctl the daemon answers at once, with no retry (one FUSE
 * round trip; the bench-only XSIM_CUSE_IOCTL_FLOOR of probe.h).  For each
 * ioctl it prints the round trips the daemon counted
 * (XSIM_CUSE_IOCTL_TRIPS) and the time per round trip over the floor's,
 * twice: as the daemon serves clients (reading the caller's memory
 * where it may), and served from the kernel's fetches alone
 * (XSIM_CUSE_IOCTL_PEEK 0: one retry per level of nesting, the
 * unrestricted-ioctl protocol of Linux fs/fuse/ioctl.c).
 *
 * Figures only, no asserts: the median of a few hundred calls each.  An
 * answer that is not the one expected is marked on its row.  uapi only:
 * it sees the devices as any client does.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <xensim/uapi.h>

#include "probe.h"

#define RUNS	101
#define WARMUP	10
#define HC_xen_version		17	/* Xen public/xen.h */
#define XENVER_version		0	/* Xen public/version.h */
#define XENVER_extraversion	1
#define XENVER_get_features	6
#define DMOP_nr_vcpus		20	/* Xen public/hvm/dm_op.h */
#define TARGET_DOM		1	/* the default world's HVM guest "a" */

/* Xen's xen_dm_op for nr_vcpus, and xen_feature_info. */
struct b_dm_op {
	uint32_t op, pad;
	uint32_t vcpus, pad2;
	uint64_t raw[2];
};

struct b_feature_info {
	uint32_t submap_idx;
	uint32_t submap;
};

/*
 * One row: fn is the timed ioctl (its return value, -1 with errno as
 * ioctl(2)); pre and post run around it untimed (a bind to unbind, a
 * grant to free).  levels: how deep the argument nests (0 none, 1 a flat
 * struct, 2 a struct with pointers to flat buffers...): the protocol
 * forces levels + 1 round trips (one fetch per level, then the reply).
 */
struct row {
	const char *dev;	/* node under DEVDIR */
	const char *what;
	unsigned levels;
	int expect;		/* 0: success (any value >= 0), else errno */
	int (*pre)(int fd);
	long (*fn)(int fd);
	void (*post)(int fd);
};

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

/* ---- the ioctls ---- */

static long native_tcgets(int fd)
{
	struct termios tio;

	return ioctl(fd, TCGETS, &tio);
}

static long probe_floor(int fd)
{
	return ioctl(fd, XSIM_CUSE_IOCTL_FLOOR, 0);
}

static long hc_version(int fd)
{
	struct privcmd_hypercall hc = { .op = HC_xen_version,
					.arg = { XENVER_version } };

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

/* Xen writes 16 bytes to the nested buffer. */
static long hc_extraversion(int fd)
{
	char extra[16];
	struct privcmd_hypercall hc = {
		.op = HC_xen_version,
		.arg = { XENVER_extraversion, (uintptr_t)extra },
	};

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

/* Xen reads submap_idx and writes submap in the nested struct. */
static long hc_get_features(int fd)
{
	struct b_feature_info fi = { 0, 0 };
	struct privcmd_hypercall hc = {
		.op = HC_xen_version,
		.arg = { XENVER_get_features, (uintptr_t)&fi },
	};

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

/* dm_op nr_vcpus with n buffers (Xen reads the op from the first). */
static long dm_op_bufs(int fd, unsigned n)
{
	struct b_dm_op op[2];
	struct privcmd_dm_op_buf bufs[2];
	struct privcmd_dm_op d = { .dom = TARGET_DOM, .num = (uint16_t)n,
				   .ubufs = bufs };
	unsigned i;

	for (i = 0; i < n; i++) {
		op[i] = (struct b_dm_op){ .op = DMOP_nr_vcpus };
		bufs[i] = (struct privcmd_dm_op_buf){ &op[i], sizeof(op[i]) };
	}
	return ioctl(fd, IOCTL_PRIVCMD_DM_OP, &d);
}

static long dm_op_1(int fd)
{
	return dm_op_bufs(fd, 1);
}

/* Xen 4.17 takes at most 2 (struct dmop_args, xen/arch/x86/hvm/dm.c). */
static long dm_op_2(int fd)
{
	return dm_op_bufs(fd, 2);
}

/* No mapping under CUSE: EINVAL once arr is read and err cleared. */
static long mmapbatch_v2(int fd)
{
	xen_pfn_t arr[4] = { 0, 1, 2, 3 };
	int err[4];
	struct privcmd_mmapbatch_v2 m = { 4, TARGET_DOM, 0x10000000, arr,
					  err };

	return ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
}

/* Again to the same domain: allowed (drivers/xen/privcmd.c). */
static long priv_restrict(int fd)
{
	domid_t dom = TARGET_DOM;

	return ioctl(fd, IOCTL_PRIVCMD_RESTRICT, &dom);
}

/* A port not bound here: ENOTCONN (drivers/xen/evtchn.c). */
static long evtchn_notify_bad(int fd)
{
	struct ioctl_evtchn_notify n = { .port = 4095 };

	return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static int bound_port = -1;

static long evtchn_bind_unbound(int fd)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = 0 };
	long r = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);

	bound_port = (int)r;
	return r;
}

static int evtchn_bind_pre(int fd)
{
	return evtchn_bind_unbound(fd) < 0 ? -1 : 0;
}

static long evtchn_unbind(int fd)
{
	struct ioctl_evtchn_unbind u = { .port = (unsigned)bound_port };

	return ioctl(fd, IOCTL_EVTCHN_UNBIND, &u);
}

static void evtchn_unbind_post(int fd)
{
	if (bound_port >= 0)
		evtchn_unbind(fd);
	bound_port = -1;
}

static long evtchn_reset(int fd)
{
	return ioctl(fd, IOCTL_EVTCHN_RESET, 0);
}

/* No mapping at that address: EINVAL (drivers/xen/gntdev.c). */
static long gntdev_offset(int fd)
{
	struct ioctl_gntdev_get_offset_for_vaddr o = { .vaddr = 0x10000000 };

	return ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &o);
}

/*
 * Four of the trailing elements: the first fits the struct's own [1],
 * the rest follow it, so their size is known only from count (a second
 * level, as Linux copies them: drivers/xen/gntdev.c, gntalloc.c).
 */
#define NR_TRAIL	4

static struct {
	struct ioctl_gntdev_map_grant_ref h;
	struct ioctl_gntdev_grant_ref more[NR_TRAIL - 1];
} gmap;

/* Refs are not checked until mmap: header, refs[], index back. */
static long gntdev_map(int fd)
{
	unsigned i;

	gmap.h = (struct ioctl_gntdev_map_grant_ref){ .count = NR_TRAIL };
	gmap.h.refs[0] = (struct ioctl_gntdev_grant_ref){ TARGET_DOM, 8 };
	for (i = 0; i < NR_TRAIL - 1; i++)
		gmap.more[i] = (struct ioctl_gntdev_grant_ref){ TARGET_DOM,
								9 + i };
	return ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &gmap);
}

static void gntdev_unmap_post(int fd)
{
	struct ioctl_gntdev_unmap_grant_ref u = { .index = gmap.h.index,
						  .count = NR_TRAIL };

	ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
}

static struct {
	struct ioctl_gntalloc_alloc_gref h;
	uint32_t more[NR_TRAIL - 1];
} galloc;

/* Header in, index and the grant references written back. */
static long gntalloc_alloc(int fd)
{
	galloc.h = (struct ioctl_gntalloc_alloc_gref){
		.domid = TARGET_DOM, .flags = GNTALLOC_FLAG_WRITABLE,
		.count = NR_TRAIL };
	return ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &galloc);
}

static void gntalloc_dealloc_post(int fd)
{
	struct ioctl_gntalloc_dealloc_gref d = { .index = galloc.h.index,
						 .count = NR_TRAIL };

	ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d);
}

static const struct row rows[] = {
	{ "privcmd", "privcmd HYPERCALL xen_version", 1, 0, NULL, hc_version,
	  NULL },
	{ "privcmd", "privcmd HYPERCALL xen_version extraversion", 2, 0,
	  NULL, hc_extraversion, NULL },
	{ "privcmd", "privcmd HYPERCALL xen_version get_features", 2, 0,
	  NULL, hc_get_features, NULL },
	{ "privcmd", "privcmd DM_OP nr_vcpus, 1 buffer", 3, 0, NULL, dm_op_1,
	  NULL },
	{ "privcmd", "privcmd DM_OP nr_vcpus, 2 buffers", 3, 0, NULL, dm_op_2,
	  NULL },
	{ "privcmd", "privcmd MMAPBATCH_V2, 4 frames, no mapping", 2, EINVAL,
	  NULL, mmapbatch_v2, NULL },
	{ "privcmd", "privcmd RESTRICT (same domain again)", 1, 0, NULL,
	  priv_restrict, NULL },
	{ "evtchn", "evtchn NOTIFY bad port", 1, ENOTCONN, NULL,
	  evtchn_notify_bad, NULL },
	{ "evtchn", "evtchn BIND_UNBOUND_PORT", 1, 0, NULL,
	  evtchn_bind_unbound, evtchn_unbind_post },
	{ "evtchn", "evtchn UNBIND", 1, 0, evtchn_bind_pre, evtchn_unbind,
	  NULL },
	{ "evtchn", "evtchn RESET (no argument)", 0, 0, NULL, evtchn_reset,
	  NULL },
	{ "gntdev", "gntdev GET_OFFSET_FOR_VADDR, no mapping", 1, EINVAL,
	  NULL, gntdev_offset, NULL },
	{ "gntdev", "gntdev MAP_GRANT_REF, 4 refs", 2, 0, NULL, gntdev_map,
	  gntdev_unmap_post },
	{ "gntalloc", "gntalloc ALLOC_GREF, 4 pages", 2, 0, NULL,
	  gntalloc_alloc, gntalloc_dealloc_post },
};

/* ---- measuring ---- */

struct figure {
	double us;		/* median time of one call */
	double floor_us;	/* median of the floor calls in between */
	unsigned trips_min, trips_max;
	int err;		/* 0, or the unexpected errno (-1: success) */
};

static double median(double *t)
{
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

/*
 * Median of RUNS calls of fn (pre and post untimed).  With cuse, each
 * call is preceded by a floor call on the same file (so the floor is
 * measured in the same conditions, as the guest's vCPUs and the host's
 * load come and go), and followed by asking the daemon how many round
 * trips it took (before post, which is an ioctl of its own).
 */
static void measure(int fd, int (*pre)(int), long (*fn)(int),
		    void (*post)(int), int expect, bool cuse,
		    struct figure *fig)
{
	static double t[RUNS], tf[RUNS];
	int i;

	*fig = (struct figure){ .trips_min = ~0u };
	for (i = -WARMUP; i < RUNS; i++) {
		double t0;
		long r;
		int got;

		if (pre && pre(fd)) {
			fig->err = errno ? errno : -1;
			continue;
		}
		if (cuse) {
			t0 = now_us();
			if (probe_floor(fd) && !fig->err)
				fig->err = errno ? errno : -1;
			if (i >= 0)
				tf[i] = now_us() - t0;
		}
		t0 = now_us();
		r = fn(fd);
		got = r < 0 ? errno : 0;
		if (i >= 0)
			t[i] = now_us() - t0;
		if (got != expect)
			fig->err = got ? got : -1;
		if (cuse && i >= 0) {
			long n = ioctl(fd, XSIM_CUSE_IOCTL_TRIPS, 0);
			unsigned u = n < 0 ? 0 : (unsigned)n;

			fig->trips_min = u < fig->trips_min ? u : fig->trips_min;
			fig->trips_max = u > fig->trips_max ? u : fig->trips_max;
		}
		if (post)
			post(fd);
	}
	fig->us = median(t);
	if (cuse)
		fig->floor_us = median(tf);
}

static int open_in(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, O_RDWR | O_CLOEXEC);
}

/*
 * trips, us/call, floor, us/trip, xflr (us/trip over the floor), xgoal
 * (us/call over goal trips times the floor: the call against the
 * protocol's forced minimum).
 */
static void print_half(const struct figure *f, unsigned goal)
{
	unsigned n = f->trips_max;

	if (!n || !(f->floor_us > 0)) {
		printf(" %5s %8s %7s %8s %5s %5s", "?", "-", "-", "-", "-",
		       "-");
		return;
	}
	if (f->trips_min != f->trips_max)
		printf(" %2u-%-2u", f->trips_min, f->trips_max);
	else
		printf(" %5u", n);
	printf(" %8.1f %7.1f %8.1f %5.2f %5.2f", f->us, f->floor_us,
	       f->us / n, f->us / n / f->floor_us,
	       f->us / goal / f->floor_us);
}

static void print_row(const struct row *r, int fd)
{
	unsigned goal = r->levels ? r->levels + 1 : 1;
	struct figure peek, fetch;

	measure(fd, r->pre, r->fn, r->post, r->expect, true, &peek);
	ioctl(fd, XSIM_CUSE_IOCTL_PEEK, 0);
	measure(fd, r->pre, r->fn, r->post, r->expect, true, &fetch);
	ioctl(fd, XSIM_CUSE_IOCTL_PEEK, 1);
	printf("%-44s %6u %4u |", r->what, r->levels, goal);
	print_half(&peek, goal);
	printf(" |");
	print_half(&fetch, goal);
	if (peek.err || fetch.err) {
		int e = peek.err ? peek.err : fetch.err;

		printf("  [unexpected answer: %s]",
		       e > 0 ? strerror(e) : "success");
	}
	printf("\n");
}

static int cpus_allowed(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) ? -1 : CPU_COUNT(&set);
}

static void loadavg(char *buf, size_t size)
{
	FILE *f = fopen("/proc/loadavg", "re");
	float a = 0, b = 0, c = 0;

	snprintf(buf, size, "unknown");
	if (f && fscanf(f, "%f %f %f", &a, &b, &c) == 3)
		snprintf(buf, size, "%.2f %.2f %.2f", a, b, c);
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	struct figure native, floor_fig;
	int null_fd, fds[4] = { -1, -1, -1, -1 };
	static const char *const devs[4] = { "privcmd", "evtchn", "gntdev",
					      "gntalloc" };
	char la[64];
	unsigned i, d;

	if (argc != 2) {
		fprintf(stderr, "usage: xensim-cuse-bench DEVDIR\n");
		return 2;
	}
	/* Rows as they come: the guest's console shows them live. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0) {
		perror("xensim-cuse-bench: /dev/null");
		return 1;
	}
	for (d = 0; d < 4; d++)
		fds[d] = open_in(argv[1], devs[d]);
	if (fds[0] < 0 && fds[1] < 0) {
		fprintf(stderr, "xensim-cuse-bench: no %s/privcmd or "
			"%s/evtchn: %s\n", argv[1], argv[1], strerror(errno));
		return 1;
	}
	measure(null_fd, NULL, native_tcgets, NULL, ENOTTY, false, &native);
	/* The floor against itself: its trips, and its cost to start with. */
	measure(fds[0] >= 0 ? fds[0] : fds[1], NULL, probe_floor, NULL, 0,
		true, &floor_fig);
	loadavg(la, sizeof(la));
	printf("CUSE round trips (xensim-cuse-bench %s, median of %d calls, "
	       "on %d of %d vCPUs; guest load average %s)\n", argv[1], RUNS,
	       cpus_allowed(), get_nprocs(), la);
	printf("floor: the daemon's bench probe, answered at once: %u "
	       "trip%s, %.1f us (native ioctl %.1f us)%s\n",
	       floor_fig.trips_max, floor_fig.trips_max == 1 ? "" : "s",
	       floor_fig.us, native.us,
	       floor_fig.err ? " [unexpected answer]" : "");
	printf("%-44s %6s %4s | %-43s | %-43s\n", "", "", "",
	       "served (peek where it may)", "kernel fetch only");
	printf("%-44s %6s %4s | %5s %8s %7s %8s %5s %5s | %5s %8s %7s %8s "
	       "%5s %5s\n", "ioctl", "levels", "goal", "trips", "us/call",
	       "floor", "us/trip", "xflr", "xgoal", "trips", "us/call",
	       "floor", "us/trip", "xflr", "xgoal");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		int fd = -1;

		for (d = 0; d < 4; d++)
			if (!strcmp(devs[d], r->dev))
				fd = fds[d];
		if (fd < 0) {
			printf("%-44s not measured (%s/%s: no node)\n",
			       r->what, argv[1], r->dev);
			continue;
		}
		print_row(r, fd);
	}
	printf("goal: trips <= levels + 1 (one fetch per level, then the "
	       "reply) at <= 1.20 floors each; xflr = us/trip over the floor "
	       "(a floor call before each call, its median); xgoal = "
	       "us/call over goal x floor\n");
	return 0;
}
