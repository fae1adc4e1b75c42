/* SPDX-License-Identifier: MIT */
/*
 * The CUSE retry engine with a peek (sim/cuse/retry.h: the daemon reads
 * the caller's memory with process_vm_readv), on the host: a fake kernel
 * plays fs/fuse/ioctl.c's fuse_do_ioctl over this process's memory, as
 * in test_cuse_retry.c, and counts the FUSE round trips (arrivals).
 *
 *   - the real models answer as through a direct uaccess, and the round
 *     trips are what the issue asks: a read-only ioctl one (answered on
 *     its first arrival), one that writes two (the retry carries the
 *     writes), however deep its argument nests (DM_OP with 2 buffers,
 *     MMAPBATCH_V2); without the peek, one more per level and per
 *     buffer, as before;
 *   - a bad nested pointer fails inside the model, the kernel's fetch
 *     never does; a peek that cannot tell on the first read falls back
 *     to the fetch rounds; a model reading back what it wrote outside
 *     the fetched ranges sees its write; effects happen once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <xensim/device.h>
#include <xensim/uapi.h>

#include "../cuse/retry.h"
#include "support/world_helpers.h"

#define U(p)		((uint64_t)(uintptr_t)(p))
#define HC_xen_version	17
#define XENVER_extraversion 1
#define DMOP_nr_vcpus	20

typedef long (*handler_fn)(void *ctx, unsigned long cmd, uint64_t arg,
			   const struct xsim_uaccess *ua);

enum peek_mode { PEEK_NONE, PEEK_ON, PEEK_CANNOT_TELL };

struct kstats {
	unsigned runs;		/* handler invocations */
	unsigned trips;		/* FUSE requests, as the engine counts them */
	unsigned peeks;
	bool fetch_fault;
};

static struct kstats *cur;

/* The kernel (and the peek) cannot read [0, 4096) or wh_fence()'s page. */
static int user_read(void *dst, uint64_t addr, uint64_t len)
{
	if (addr < 4096)
		return -EFAULT;
	return wh_fenced_copy_in(NULL, dst, addr, (size_t)len);
}

static int peek_ok(void *ctx, void *dst, uint64_t addr, uint64_t len)
{
	(void)ctx;
	cur->peeks++;
	return user_read(dst, addr, len);
}

static int peek_cannot_tell(void *ctx, void *dst, uint64_t addr,
			    uint64_t len)
{
	(void)ctx;
	(void)dst;
	(void)addr;
	(void)len;
	cur->peeks++;
	return 1;
}

/* fuse_do_ioctl's loop, with the daemon's side (ioctl.c) inlined. */
static long kernel_ioctl(handler_fn h, void *hctx, unsigned long cmd,
			 uint64_t arg, enum peek_mode pm, struct kstats *ks)
{
	static uint8_t in[XCR_MAX_BYTES];
	struct xcr_range asked[XCR_MAX_RANGES];
	struct xcr_call *c = xcr_call_new(cmd, arg);
	struct xsim_uaccess ua;
	struct xcr_outcome o;
	unsigned nr = 0, i;
	size_t in_len = 0, off;
	long r;

	memset(ks, 0, sizeof(*ks));
	cur = ks;
	assert_non_null(c);
	if (pm == PEEK_ON)
		xcr_call_set_peek(c, peek_ok, NULL);
	else if (pm == PEEK_CANNOT_TELL)
		xcr_call_set_peek(c, peek_cannot_tell, NULL);
	for (;;) {
		assert_true(xcr_trips(c) <= XCR_MAX_ROUNDS + 2);
		if (in_len)
			assert_true(xcr_call_matches(c, cmd, arg, in_len,
						     in_len));
		assert_int_equal(xcr_feed(c, in, in_len), 0);
		r = 0;
		if (!xcr_stashed(c)) {
			xcr_uaccess(c, &ua);
			r = h(hctx, cmd, arg, &ua);
			ks->runs++;
		}
		xcr_finish(c, r, &o);
		ks->trips = xcr_trips(c);
		if (o.kind == XCR_DONE)
			break;
		nr = o.nr_ranges;
		memcpy(asked, o.ranges, nr * sizeof(asked[0]));
		for (i = 0, in_len = 0; i < nr; i++) {
			if (user_read(in + in_len, asked[i].addr,
				      asked[i].len)) {
				ks->fetch_fault = true;
				xcr_call_free(c);
				return -EFAULT;
			}
			in_len += asked[i].len;
		}
	}
	for (i = 0, off = 0; i < nr && off < o.out_len; i++) {
		uint64_t n = asked[i].len < o.out_len - off ?
			     asked[i].len : o.out_len - off;

		assert_int_equal(wh_fenced_copy_out(NULL, asked[i].addr,
						    (const uint8_t *)o.out + off,
						    (size_t)n), 0);
		off += n;
	}
	r = o.result;
	xcr_call_free(c);
	return r;
}

/* ---- the real models ---- */

struct dev_ctx {
	struct xsim_world *w;
	struct xsim_file f;
};

static long dev_handler(void *ctx, unsigned long cmd, uint64_t arg,
			const struct xsim_uaccess *ua)
{
	struct dev_ctx *d = ctx;

	return xsim_dev_ioctl(d->w, d->f, cmd, arg, ua);
}

static long direct(struct dev_ctx *d, unsigned long cmd, void *arg)
{
	return xsim_dev_ioctl(d->w, d->f, cmd, U(arg), &wh_fenced);
}

struct pair {
	struct dev_ctx e, d;
};

static void pair_open(struct pair *p, enum xsim_dev_kind dev)
{
	p->e.w = wh_world("proposed", false);
	p->d.w = wh_world("proposed", false);
	assert_int_equal(xsim_dev_open(p->e.w, dev, 0, &p->e.f), 0);
	assert_int_equal(xsim_dev_open(p->d.w, dev, 0, &p->d.f), 0);
}

static void pair_close(struct pair *p)
{
	xsim_dev_release(p->e.w, p->e.f);
	xsim_dev_release(p->d.w, p->d.f);
	xsim_world_detach(p->e.w);
	xsim_world_detach(p->d.w);
}

static void test_flat_read_only(void **state)
{
	struct privcmd_hypercall hc = { .op = HC_xen_version };
	struct ioctl_evtchn_notify n = { .port = 4095 };
	struct kstats ks;
	struct pair p;

	(void)state;
	pair_open(&p, XSIM_DEV_PRIVCMD);
	assert_int_equal(kernel_ioctl(dev_handler, &p.e, IOCTL_PRIVCMD_HYPERCALL,
				      U(&hc), PEEK_ON, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_HYPERCALL, &hc));
	/* Read at once, nothing written: answered on the first arrival. */
	assert_int_equal(ks.trips, 1);
	assert_int_equal(ks.runs, 1);
	/* Without the peek: fetch the struct, then answer. */
	assert_int_equal(kernel_ioctl(dev_handler, &p.e, IOCTL_PRIVCMD_HYPERCALL,
				      U(&hc), PEEK_NONE, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_HYPERCALL, &hc));
	assert_int_equal(ks.trips, 2);
	pair_close(&p);

	pair_open(&p, XSIM_DEV_EVTCHN);
	assert_int_equal(kernel_ioctl(dev_handler, &p.e, IOCTL_EVTCHN_NOTIFY,
				      U(&n), PEEK_ON, &ks),
			 direct(&p.d, IOCTL_EVTCHN_NOTIFY, &n));
	assert_int_equal(ks.trips, 1);
	pair_close(&p);
}

static void test_nested_out(void **state)
{
	char xe[16] = "", xd[16] = "";
	struct privcmd_hypercall he = { .op = HC_xen_version,
					.arg = { XENVER_extraversion, U(xe) } };
	struct privcmd_hypercall hd = { .op = HC_xen_version,
					.arg = { XENVER_extraversion, U(xd) } };
	struct kstats ks;
	struct pair p;

	(void)state;
	pair_open(&p, XSIM_DEV_PRIVCMD);
	assert_int_equal(kernel_ioctl(dev_handler, &p.e, IOCTL_PRIVCMD_HYPERCALL,
				      U(&he), PEEK_ON, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_HYPERCALL, &hd));
	assert_memory_equal(xe, xd, sizeof(xe));
	/* One run, and the retry that carries the 16 bytes back. */
	assert_int_equal(ks.trips, 2);
	assert_int_equal(ks.runs, 1);
	pair_close(&p);
}

struct t_dm_op {
	uint32_t op, pad;
	uint32_t vcpus, pad2;
	uint64_t raw[2];
};

/*
 * DM_OP nr_vcpus with n buffers (Xen 4.17 takes at most 2: struct
 * dmop_args in xen/arch/x86/hvm/dm.c): trips with and without the peek.
 */
static void dm_op_trips(unsigned n, enum peek_mode pm, unsigned trips)
{
	struct t_dm_op oe[4], od[4];
	struct privcmd_dm_op_buf be[4], bd[4];
	struct privcmd_dm_op pe = { .dom = 1, .num = (uint16_t)n, .ubufs = be };
	struct privcmd_dm_op pd = { .dom = 1, .num = (uint16_t)n, .ubufs = bd };
	struct kstats ks;
	struct pair p;
	unsigned i;

	for (i = 0; i < n; i++) {
		oe[i] = od[i] = (struct t_dm_op){ .op = DMOP_nr_vcpus };
		be[i] = (struct privcmd_dm_op_buf){ &oe[i], sizeof(oe[i]) };
		bd[i] = (struct privcmd_dm_op_buf){ &od[i], sizeof(od[i]) };
	}
	pair_open(&p, XSIM_DEV_PRIVCMD);
	assert_int_equal(kernel_ioctl(dev_handler, &p.e, IOCTL_PRIVCMD_DM_OP,
				      U(&pe), pm, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_DM_OP, &pd));
	assert_memory_equal(oe, od, n * sizeof(oe[0]));
	assert_int_equal(oe[0].vcpus, 1);
	assert_int_equal(ks.trips, trips);
	pair_close(&p);
}

static void test_dm_op_levels(void **state)
{
	(void)state;
	/* Three levels deep, written back: one run, one retry. */
	dm_op_trips(1, PEEK_ON, 2);
	dm_op_trips(2, PEEK_ON, 2);
	/* The fetch rounds: struct, array, then each buffer in turn. */
	dm_op_trips(1, PEEK_NONE, 4);
	dm_op_trips(2, PEEK_NONE, 5);
	/* A peek that cannot tell at once: the fetch rounds, for good. */
	dm_op_trips(2, PEEK_CANNOT_TELL, 5);
}

static void test_mmapbatch_v2(void **state)
{
	xen_pfn_t arr[4] = { 0, 1, 2, 3 };
	int err_e[4] = { 7, 7, 7, 7 }, err_d[4] = { 7, 7, 7, 7 };
	struct privcmd_mmapbatch_v2 me = { 4, 1, 0x10000000, arr, err_e };
	struct privcmd_mmapbatch_v2 md = { 4, 1, 0x10000000, arr, err_d };
	struct kstats ks;
	struct pair p;

	(void)state;
	pair_open(&p, XSIM_DEV_PRIVCMD);
	assert_int_equal(kernel_ioctl(dev_handler, &p.e,
				      IOCTL_PRIVCMD_MMAPBATCH_V2, U(&me),
				      PEEK_ON, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_MMAPBATCH_V2, &md));
	assert_memory_equal(err_e, err_d, sizeof(err_e));
	assert_int_equal(ks.trips, 2);
	/* Without: struct, arr, then err found last (the stash's retry). */
	assert_int_equal(kernel_ioctl(dev_handler, &p.e,
				      IOCTL_PRIVCMD_MMAPBATCH_V2, U(&me),
				      PEEK_NONE, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_MMAPBATCH_V2, &md));
	assert_int_equal(ks.trips, 4);
	pair_close(&p);
}

static void test_bad_nested_pointer(void **state)
{
	struct privcmd_dm_op_buf buf = { wh_fence(), 16 };
	struct privcmd_dm_op op = { .dom = 1, .num = 1, .ubufs = &buf };
	struct kstats ks;
	struct pair p;

	(void)state;
	pair_open(&p, XSIM_DEV_PRIVCMD);
	assert_int_equal(kernel_ioctl(dev_handler, &p.e, IOCTL_PRIVCMD_DM_OP,
				      U(&op), PEEK_ON, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_DM_OP, &op));
	assert_false(ks.fetch_fault);
	assert_int_equal(ks.trips, 1);
	/* NULL: EFAULT from the model, with no retry. */
	assert_int_equal(kernel_ioctl(dev_handler, &p.e, IOCTL_PRIVCMD_DM_OP,
				      0, PEEK_ON, &ks), -EFAULT);
	assert_int_equal(ks.trips, 1);
	pair_close(&p);
}

/* ---- fake handlers ---- */

struct req {
	uint64_t list;		/* -> uint32_t[count] */
	uint32_t count;
	uint32_t pad;
	uint64_t result;	/* -> uint64_t: written, then read back */
};

/*
 * Sum a nested list (one effect), write the sum outside the argument,
 * read it back and return it: the read must see the write.
 */
static long sum_handler(void *ctx, unsigned long cmd, uint64_t arg,
			const struct xsim_uaccess *ua)
{
	unsigned *effects = ctx, i;
	uint64_t sum = 0, back = 0;
	uint32_t v[16];
	struct req r;

	(void)cmd;
	if (xsim_copy_in(ua, &r, arg, sizeof(r)))
		return -EFAULT;
	if (r.count > 16)
		return -EINVAL;
	if (xsim_copy_in(ua, v, r.list, r.count * sizeof(v[0])))
		return -EFAULT;
	for (i = 0; i < r.count; i++)
		sum += v[i];
	(*effects)++;
	if (xsim_copy_out(ua, r.result, &sum, sizeof(sum)) ||
	    xsim_copy_in(ua, &back, r.result, sizeof(back)))
		return -EFAULT;
	return (long)back;
}

static void test_read_back_and_once(void **state)
{
	uint32_t list[3] = { 1, 2, 39 };
	uint64_t out = 7;
	struct req r = { U(list), 3, 0, U(&out) };
	unsigned effects = 0;
	struct kstats ks;

	(void)state;
	assert_int_equal(kernel_ioctl(sum_handler, &effects, 1, U(&r), PEEK_ON,
				      &ks), 42);
	assert_int_equal(out, 42);
	assert_int_equal(effects, 1);
	assert_int_equal(ks.runs, 1);
	assert_int_equal(ks.trips, 2);
}

/* Read four bytes of the page at arg, far apart, and sum them. */
static long spread_handler(void *ctx, unsigned long cmd, uint64_t arg,
			   const struct xsim_uaccess *ua)
{
	static const unsigned offs[4] = { 0, 100, 1000, 4095 };
	long sum = 0;
	unsigned i;
	uint8_t b;

	(void)ctx;
	(void)cmd;
	for (i = 0; i < 4; i++) {
		if (xsim_copy_in(ua, &b, arg + offs[i], 1))
			return -EFAULT;
		sum += b;
	}
	return sum;
}

static void test_pages_kept(void **state)
{
	static uint8_t page[2 * 4096] __attribute__((aligned(4096)));
	struct kstats ks;

	(void)state;
	page[0] = 1;
	page[100] = 2;
	page[1000] = 3;
	page[4095] = 4;
	/* The first read exact, the second the whole page: it serves all. */
	assert_int_equal(kernel_ioctl(spread_handler, NULL, 1, U(page),
				      PEEK_ON, &ks), 10);
	assert_int_equal(ks.peeks, 2);
	assert_int_equal(ks.trips, 1);
	/* The last byte on the next page: one more read. */
	assert_int_equal(kernel_ioctl(spread_handler, NULL, 1, U(page + 50),
				      PEEK_ON, &ks),
			 page[50] + page[150] + page[1050] + page[4145]);
	assert_int_equal(ks.peeks, 3);
	/* Next to an unreadable page: still served, the fence is not. */
	assert_int_equal(kernel_ioctl(spread_handler, NULL, 1,
				      U(wh_fence() - 4096), PEEK_ON, &ks), 0);
	assert_int_equal(kernel_ioctl(spread_handler, NULL, 1,
				      U(wh_fence() - 2048), PEEK_ON, &ks),
			 -EFAULT);
	assert_false(ks.fetch_fault);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_read_only),
		cmocka_unit_test(test_nested_out),
		cmocka_unit_test(test_dm_op_levels),
		cmocka_unit_test(test_mmapbatch_v2),
		cmocka_unit_test(test_bad_nested_pointer),
		cmocka_unit_test(test_read_back_and_once),
		cmocka_unit_test(test_pages_kept),
	};

	return cmocka_run_group_tests_name("cuse retry engine, peek", tests,
					   NULL, NULL);
}
