/* SPDX-License-Identifier: MIT */
/*
 * xrc-clients-bench: what Debian's libraries cost through the sim (run
 * under LD_PRELOAD=libxensim-preload.so by `make bench`).  Each row is the
 * median of 11 batches, in microseconds per call:
 *
 *   xenforeignmemory_map + unmap, 1 frame     (mmap, MMAPBATCH_V2, munmap)
 *   xenforeignmemory_map + unmap, 256 frames
 *   xc_domain_create + xc_domain_destroy      (two domctls, each bounced
 *                                              through a hypercall buffer)
 *
 * The domain mapped is one this program creates (PV, 256 pages).  No
 * assertion: a failing call prints its errno and the program exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>

#define BATCHES		11
#define FRAMES		256u

static xc_interface *xch;
static xenforeignmemory_handle *fmem;
static uint32_t target;
static xen_pfn_t pfns[FRAMES];
static int errs[FRAMES];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "xrc-clients-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct xen_domctl_createdomain pv_config(void)
{
	struct xen_domctl_createdomain c = {
		.max_vcpus = 1,
		.max_evtchn_port = 1023,
		.max_grant_frames = -1,
		.max_maptrack_frames = -1,
		.grant_opts = XEN_DOMCTL_GRANT_version(1),
	};
	return c;
}

static void map_unmap(unsigned n)
{
	void *p = xenforeignmemory_map(fmem, target, PROT_READ | PROT_WRITE, n,
				       pfns, errs);

	if (!p || errs[0] || errs[n - 1])
		die("xenforeignmemory_map");
	if (xenforeignmemory_unmap(fmem, p, n))
		die("xenforeignmemory_unmap");
}

static void map1(void)
{
	map_unmap(1);
}

static void map256(void)
{
	map_unmap(FRAMES);
}

static void create_destroy(void)
{
	struct xen_domctl_createdomain cfg = pv_config();
	uint32_t domid = 0;

	if (xc_domain_create(xch, &domid, &cfg))
		die("xc_domain_create");
	if (xc_domain_destroy(xch, domid))
		die("xc_domain_destroy");
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median microseconds per call over BATCHES batches of calls calls. */
static double measure(void (*op)(void), unsigned calls)
{
	double us[BATCHES];
	unsigned b, i;

	op();	/* warm up */
	for (b = 0; b < BATCHES; b++) {
		double t0 = now();

		for (i = 0; i < calls; i++)
			op();
		us[b] = (now() - t0) * 1e6 / calls;
	}
	qsort(us, BATCHES, sizeof(us[0]), cmp);
	return us[BATCHES / 2];
}

static void setup(void)
{
	struct xen_domctl_createdomain cfg = pv_config();
	unsigned i;

	xch = xc_interface_open(NULL, NULL, 0);
	fmem = xenforeignmemory_open(NULL, 0);
	if (!xch || !fmem)
		die("opening libxenctrl / libxenforeignmemory");
	if (xc_domain_create(xch, &target, &cfg) ||
	    xc_domain_max_vcpus(xch, target, 1) ||
	    xc_domain_setmaxmem(xch, target, FRAMES * 4))
		die("creating the target");
	for (i = 0; i < FRAMES; i++)
		pfns[i] = i;
	if (xc_domain_populate_physmap_exact(xch, target, FRAMES, 0, 0, pfns))
		die("populating the target");
}

int main(void)
{
	double one, many, dom;

	setup();
	one = measure(map1, 2000);
	many = measure(map256, 100);
	dom = measure(create_destroy, 500);
	printf("Debian libxen* 4.17 through the sim (median of %d batches):\n",
	       BATCHES);
	printf("  %-44s %9.2f us  (%.3f us/frame)\n",
	       "xenforeignmemory_map + unmap, 1 frame", one, one);
	printf("  %-44s %9.2f us  (%.3f us/frame)\n",
	       "xenforeignmemory_map + unmap, 256 frames", many, many / FRAMES);
	printf("  %-44s %9.2f us\n", "xc_domain_create + xc_domain_destroy",
	       dom);
	xc_domain_destroy(xch, target);
	xenforeignmemory_close(fmem);
	xc_interface_close(xch);
	return 0;
}
