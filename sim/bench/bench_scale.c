/* SPDX-License-Identifier: MIT */
/*
 * Part 2: does a device call cost the same in a world of 1 domain and in
 * one of 32k domains, 100k event channels and 10k open handles?  The
 * world is this binary's own (libxensim.a), grown step by step, and the
 * calls go to xsim_dev_ioctl: the preload's path minus its fd lookup.
 *
 * Measured on the same four handles at every step:
 *   xen_version    HYPERCALL that touches no domain (the dispatch floor)
 *   memory_op      HYPERCALL XENMEM_maximum_gpfn of the newest domain
 *                  (a domain lookup)
 *   dm_op num=0    DM_OP on a handle restricted to domain 1 (the audit)
 *   evtchn notify  NOTIFY of a port bound through an evtchn handle (the
 *                  handle's ports and the event-channel lookup)
 */
#include <errno.h>
#include <stdio.h>

#include <xensim/device.h>
#include <xensim/machine.h>
#include <xensim/uapi.h>
#include <xensim/world.h>

#include "bench.h"

#define HC_memory_op		12	/* xen/include/public/xen.h */
#define HC_xen_version		17
#define XENMEM_maximum_gpfn	14	/* xen/include/public/memory.h */

/* Sized for the largest step: pages for 32k domains' RAM, p2m and port
 * buckets, 10k evtchn rings, with room to spare; sparse until touched. */
#define WORLD_PAGES		(1u << 18)
#define WORLD_HANDLES		16384u

enum { OP_VERSION, OP_MEMORY, OP_DM_OP, OP_NOTIFY, NR_OPS };

static const char *const op_names[NR_OPS] = {
	"xen_version", "memory_op", "dm_op num=0", "evtchn notify",
};

struct scale_ctx {
	struct xsim_world *w;
	struct xsim_file privcmd, restricted, evtchn;
	struct privcmd_hypercall version, max_gpfn;
	domid_t newest;			/* memory_op's target */
	struct privcmd_dm_op dm_op0;
	struct ioctl_evtchn_notify notify;
	unsigned domains, ports, handles;
};

static const struct step {
	const char *label;
	unsigned domains, ports, handles;
} steps[] = {
	{ "1 domain", 1, 0, 0 },
	{ "1k domains", 1000, 0, 0 },
	{ "32k domains", 32000, 0, 0 },
	{ "32k domains, 100k ports", 32000, 100000, 0 },
	{ "32k dom, 100k ports, 10k handles", 32000, 100000, 10000 },
};

#define NR_STEPS	(sizeof(steps) / sizeof(steps[0]))

static long dev_ioctl(struct scale_ctx *c, struct xsim_file f,
		      unsigned long cmd, const void *arg)
{
	return xsim_dev_ioctl(c->w, f, cmd, (uint64_t)(uintptr_t)arg,
			      &xsim_uaccess_self);
}

static long op_version(void *arg)
{
	struct scale_ctx *c = arg;

	return dev_ioctl(c, c->privcmd, IOCTL_PRIVCMD_HYPERCALL, &c->version);
}

static long op_memory(void *arg)
{
	struct scale_ctx *c = arg;

	return dev_ioctl(c, c->privcmd, IOCTL_PRIVCMD_HYPERCALL,
			 &c->max_gpfn);
}

static long op_dm_op(void *arg)
{
	struct scale_ctx *c = arg;

	return dev_ioctl(c, c->restricted, IOCTL_PRIVCMD_DM_OP, &c->dm_op0);
}

static long op_notify(void *arg)
{
	struct scale_ctx *c = arg;

	return dev_ioctl(c, c->evtchn, IOCTL_EVTCHN_NOTIFY, &c->notify);
}

static const bench_op ops[NR_OPS] = {
	op_version, op_memory, op_dm_op, op_notify,
};

/* Guests with one populated page each (a pattern page, as the default
 * world's), created in domid order. */
static int add_domains(struct scale_ctx *c, unsigned want)
{
	struct xsim_caller dom0 = { .w = c->w, .domid = 0,
				    .handle = XSIM_EFF_NO_HANDLE };
	int rc = 0;

	xsim_lock(c->w);
	while (c->domains < want && !rc) {
		struct xsim_domain_config cfg = {
			.domid = XSIM_DOMID_INVALID,
			.hvm = true,
			.max_vcpus = 1,
			.max_pages = 16,
		};
		uint16_t id;

		rc = xsim_domain_create(&dom0, &cfg, &id);
		if (!rc)
			rc = xsim_mem_populate(&dom0, id, 0, 1);
		if (!rc) {
			c->domains++;
			c->newest = id;
		}
	}
	xsim_unlock(c->w);
	return rc;
}

/* Unbound ports offered to dom0, spread round-robin over the guests. */
static int add_ports(struct scale_ctx *c, unsigned want)
{
	int rc = 0;

	xsim_lock(c->w);
	while (c->ports < want && !rc) {
		struct xsim_caller guest = {
			.w = c->w,
			.domid = (uint16_t)(1 + c->ports % c->domains),
			.handle = XSIM_EFF_NO_HANDLE,
		};
		uint32_t port;

		rc = xsim_evtchn_alloc_unbound(&guest, XSIM_DOMID_SELF, 0,
					       &port);
		if (!rc)
			c->ports++;
	}
	xsim_unlock(c->w);
	return rc;
}

/* Open handles that stay open: half privcmd, half evtchn. */
static int add_handles(struct scale_ctx *c, unsigned want)
{
	int rc = 0;

	while (c->handles < want && !rc) {
		struct xsim_file f;
		enum xsim_dev_kind dev = c->handles & 1 ? XSIM_DEV_EVTCHN :
							   XSIM_DEV_PRIVCMD;

		rc = xsim_dev_open(c->w, dev, 0, &f);
		if (!rc)
			c->handles++;
	}
	return rc;
}

static int grow(struct scale_ctx *c, const struct step *s)
{
	int rc;

	rc = add_domains(c, s->domains);
	if (rc) {
		printf("  (domains: stopped at %u: errno %d)\n", c->domains,
		       -rc);
		return rc;
	}
	rc = add_ports(c, s->ports);
	if (rc) {
		printf("  (ports: stopped at %u: errno %d)\n", c->ports, -rc);
		return rc;
	}
	rc = add_handles(c, s->handles);
	if (rc)
		printf("  (handles: stopped at %u: errno %d)\n", c->handles,
		       -rc);
	return rc;
}

/* The measured handles, opened in the smallest world. */
static int open_handles(struct scale_ctx *c)
{
	struct ioctl_evtchn_bind_unbound_port bind = { .remote_domain = 1 };
	domid_t target = 1;
	long rc;

	if (xsim_dev_open(c->w, XSIM_DEV_PRIVCMD, 0, &c->privcmd) ||
	    xsim_dev_open(c->w, XSIM_DEV_PRIVCMD, 0, &c->restricted) ||
	    xsim_dev_open(c->w, XSIM_DEV_EVTCHN, 0, &c->evtchn)) {
		printf("  cannot open device handles\n");
		return -1;
	}
	rc = dev_ioctl(c, c->restricted, IOCTL_PRIVCMD_RESTRICT, &target);
	if (rc)
		printf("  (RESTRICT to 1: errno %ld; dm_op runs unrestricted)\n",
		       -rc);
	rc = dev_ioctl(c, c->evtchn, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &bind);
	if (rc < 0)
		printf("  (BIND_UNBOUND_PORT: errno %ld; notify measures its "
		       "error path)\n", -rc);
	c->notify.port = rc > 0 ? (unsigned)rc : 1;
	return 0;
}

/* A world of one guest with the measured handles open. */
static int world_init(struct scale_ctx *c)
{
	struct xsim_world_config cfg = {
		.nr_pages = WORLD_PAGES,
		.max_handles = WORLD_HANDLES,
		.empty = true,
	};
	int rc;

	*c = (struct scale_ctx){
		.version = { .op = HC_xen_version },	/* XENVER_version */
		.dm_op0 = { .dom = 1, .num = 0 },
	};
	rc = xsim_world_create(&cfg, &c->w);
	if (rc) {
		printf("  xsim_world_create: errno %d\n", -rc);
		return rc;
	}
	c->max_gpfn = (struct privcmd_hypercall){
		.op = HC_memory_op,
		.arg = { XENMEM_maximum_gpfn, (uint64_t)(uintptr_t)&c->newest },
	};
	if (add_domains(c, 1) || open_handles(c)) {
		xsim_world_detach(c->w);
		return -1;
	}
	return 0;
}

/*
 * The verdict: the smallest and the largest world measured in
 * alternating batches, so machine load cannot pass for growth.
 */
static void compare(struct scale_ctx *small, struct scale_ctx *big)
{
	struct bench_result rs[NR_OPS], rb[NR_OPS];
	char cell[32];
	unsigned o;

	for (o = 0; o < NR_OPS; o++)
		bench_measure_pair(ops[o], small, ops[o], big, &rs[o], &rb[o]);
	printf("  %-42s", "alternating: 1 guest / largest");
	for (o = 0; o < NR_OPS; o++) {
		snprintf(cell, sizeof(cell), "%.0f/%.0f", rs[o].median_ns,
			 rb[o].median_ns);
		printf(" %14s", cell);
	}
	printf("\n  %-42s", "alternating: largest / 1 guest");
	for (o = 0; o < NR_OPS; o++)
		printf(" %13.2fx", rb[o].median_ns / rs[o].median_ns);
	printf("\n");
}

void bench_scale(void)
{
	struct scale_ctx small, big;
	long result[NR_OPS] = { 0 };
	unsigned s, o;
	char buf[32];
	int rc = 0;

	printf("Part 2: xsim_dev_ioctl as the world grows (ns/op, median of "
	       "%u batches x %u calls)\n", BENCH_BATCHES, BENCH_CALLS);
	if (world_init(&small))
		return;
	if (world_init(&big)) {
		xsim_world_detach(small.w);
		return;
	}
	printf("  profile %s (this binary's own worlds)\n",
	       xsim_world_profile(big.w)->name);
	printf("  %-34s %7s", "world", "grow s");
	for (o = 0; o < NR_OPS; o++)
		printf(" %14s", op_names[o]);
	printf("\n");
	for (s = 0; s < NR_STEPS && !rc; s++) {
		double t0 = bench_now(), grow_s;

		rc = grow(&big, &steps[s]);
		grow_s = bench_now() - t0;
		printf("  %-34s %7.2f", steps[s].label, grow_s);
		for (o = 0; o < NR_OPS; o++) {
			struct bench_result r;

			bench_measure(ops[o], &big, &r);
			result[o] = r.result;
			printf(" %14.1f", r.median_ns);
		}
		printf("\n");
	}
	printf("  %-42s", "answers (last row)");
	for (o = 0; o < NR_OPS; o++)
		printf(" %14s", bench_result_str(result[o], buf, sizeof(buf)));
	printf("\n");
	compare(&small, &big);
	printf("  largest: %u guests, %u extra ports, %u extra handles; flat "
	       "means a ratio near 1x\n\n", big.domains, big.ports,
	       big.handles);
	xsim_world_detach(big.w);
	xsim_world_detach(small.w);
}
