/* SPDX-License-Identifier: MIT */
/*
 * The CUSE ioctl retry engine (sim/cuse/retry.h) on the host, which has
 * no /dev/cuse: a fake kernel plays fs/fuse/ioctl.c's fuse_do_ioctl over
 * this process's memory (first call with no data, fetch the ranges asked,
 * copy the answer to the out ranges), around
 *
 *   - the real device models: every ioctl gives what the same ioctl gives
 *     through a direct uaccess (HYPERCALL, RESTRICT, DM_OP with nested
 *     buffers written in place, MMAPBATCH_V2 without a mapping, evtchn
 *     binds, bad and NULL pointers), and the machine ends the same;
 *   - fake handlers: an answer written outside what was fetched is
 *     stashed and replayed without a second run (no double side effect);
 *     in-place updates go back; too many ranges give E2BIG, endless
 *     discovery EFAULT after XCR_MAX_ROUNDS; the probe turns a bad nested
 *     pointer into a model-level EFAULT instead of failing the ioctl.
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
#define DMOP_nr_vcpus	20

/* What a handler under test is. */
typedef long (*handler_fn)(void *ctx, unsigned long cmd, uint64_t arg,
			   const struct xsim_uaccess *ua);

struct kstats {
	unsigned runs;		/* handler invocations */
	unsigned requests;	/* FUSE requests (rounds incl. the replay) */
	bool fetch_fault;	/* the kernel's own fetch failed */
};

/* The kernel cannot read [0, 4096) or wh_fence()'s page. */
static int kernel_read(void *dst, uint64_t addr, uint64_t len)
{
	if (addr < 4096)
		return -EFAULT;
	return wh_fenced_copy_in(NULL, dst, addr, (size_t)len);
}

static int kernel_write(uint64_t addr, const void *src, uint64_t len)
{
	if (addr < 4096)
		return -EFAULT;
	return wh_fenced_copy_out(NULL, addr, src, (size_t)len);
}

static int probe_fenced(void *ctx, uint64_t addr, uint64_t len)
{
	static uint8_t scratch[XCR_MAX_BYTES];

	(void)ctx;
	if (len > sizeof(scratch))
		return 0;
	return kernel_read(scratch, addr, len) ? -EFAULT : 0;
}

/* fuse_do_ioctl's loop, with the daemon's side (ioctl.c) inlined. */
static long kernel_ioctl(handler_fn h, void *hctx, unsigned long cmd,
			 uint64_t arg, bool probe, struct kstats *ks)
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
	assert_non_null(c);
	if (probe)
		xcr_call_set_probe(c, probe_fenced, NULL);
	for (;;) {
		ks->requests++;
		assert_true(ks->requests <= XCR_MAX_ROUNDS + 2);
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
		if (o.kind == XCR_DONE)
			break;
		/* Retry: check the iovecs as the kernel does, fetch. */
		assert_true(o.nr_ranges > 0 && o.nr_ranges <= XCR_MAX_RANGES);
		nr = o.nr_ranges;
		memcpy(asked, o.ranges, nr * sizeof(asked[0]));
		for (i = 0, in_len = 0; i < nr; i++) {
			assert_true(in_len + asked[i].len <= XCR_MAX_BYTES);
			if (i)
				assert_true(asked[i - 1].addr +
					    asked[i - 1].len < asked[i].addr);
			if (kernel_read(in + in_len, asked[i].addr,
					asked[i].len)) {
				ks->fetch_fault = true;
				xcr_call_free(c);
				return -EFAULT;
			}
			in_len += asked[i].len;
		}
	}
	/* The answer's bytes go to the out ranges (the ones asked last). */
	assert_true(o.out_len <= in_len);
	for (i = 0, off = 0; i < nr && off < o.out_len; i++) {
		uint64_t n = asked[i].len < o.out_len - off ?
			     asked[i].len : o.out_len - off;

		if (kernel_write(asked[i].addr, (const uint8_t *)o.out + off,
				 n)) {
			xcr_call_free(c);
			return -EFAULT;
		}
		off += n;
	}
	r = o.result;
	xcr_call_free(c);
	return r;
}

/* ---- the real models, through the engine and directly ---- */

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

static long via_cuse(struct dev_ctx *d, unsigned long cmd, void *arg,
		     struct kstats *ks)
{
	return kernel_ioctl(dev_handler, d, cmd, U(arg), true, ks);
}

/* Two worlds, one handle each: the engine's and the direct one. */
struct pair {
	struct dev_ctx e, d;
};

static void pair_open(struct pair *p, const char *profile,
		      enum xsim_dev_kind dev)
{
	p->e.w = wh_world(profile, false);
	p->d.w = wh_world(profile, false);
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

static void test_hypercall_xen_version(void **state)
{
	struct privcmd_hypercall hc = { .op = HC_xen_version };
	struct kstats ks;
	struct pair p;
	long a, b;

	(void)state;
	pair_open(&p, "proposed", XSIM_DEV_PRIVCMD);
	a = via_cuse(&p.e, IOCTL_PRIVCMD_HYPERCALL, &hc, &ks);
	b = direct(&p.d, IOCTL_PRIVCMD_HYPERCALL, &hc);
	assert_int_equal(a, b);
	assert_true(a > 0);		/* 4.17 as major << 16 | minor */
	/* First arrival without data, then the struct: two runs. */
	assert_int_equal(ks.runs, 2);
	pair_close(&p);
}

static void test_restrict_then_refused(void **state)
{
	struct privcmd_hypercall hc = { .op = 29 /* sched_op */ };
	domid_t dom = 1;
	struct xsim_restrict_state se, sd;
	struct kstats ks;
	struct pair p;

	(void)state;
	pair_open(&p, "linux", XSIM_DEV_PRIVCMD);
	assert_int_equal(via_cuse(&p.e, IOCTL_PRIVCMD_RESTRICT, &dom, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_RESTRICT, &dom));
	assert_int_equal(xsim_file_restrict_state(p.e.w, p.e.f, &se), 0);
	assert_int_equal(xsim_file_restrict_state(p.d.w, p.d.f, &sd), 0);
	assert_true(se.restricted && sd.restricted);
	assert_int_equal(se.domid, sd.domid);
	assert_int_equal(via_cuse(&p.e, IOCTL_PRIVCMD_HYPERCALL, &hc, &ks),
			 -EPERM);
	assert_int_equal(direct(&p.d, IOCTL_PRIVCMD_HYPERCALL, &hc), -EPERM);
	pair_close(&p);
}

static void test_bad_pointers(void **state)
{
	uint8_t *fence = wh_fence();
	struct privcmd_dm_op_buf buf = { fence, 16 };
	struct privcmd_dm_op op = { .dom = 1, .num = 1, .ubufs = &buf };
	struct kstats ks;
	struct pair p;

	(void)state;
	pair_open(&p, "proposed", XSIM_DEV_PRIVCMD);
	/* NULL and an unreadable argument: EFAULT either way. */
	assert_int_equal(via_cuse(&p.e, IOCTL_PRIVCMD_HYPERCALL, NULL, &ks),
			 -EFAULT);
	assert_int_equal(direct(&p.d, IOCTL_PRIVCMD_HYPERCALL, NULL), -EFAULT);
	assert_int_equal(via_cuse(&p.e, IOCTL_PRIVCMD_RESTRICT, fence, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_RESTRICT, fence));
	/* A nested bad buffer: the model's own answer, not the kernel's. */
	assert_int_equal(via_cuse(&p.e, IOCTL_PRIVCMD_DM_OP, &op, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_DM_OP, &op));
	assert_false(ks.fetch_fault);
	/* An unknown ioctl: the model's errno, with no data asked. */
	assert_int_equal(via_cuse(&p.e, 0xdead, NULL, &ks),
			 direct(&p.d, 0xdead, NULL));
	assert_int_equal(ks.runs, 1);
	pair_close(&p);
}

/* Xen's xen_dm_op for nr_vcpus (public/hvm/dm_op.h). */
struct t_dm_op {
	uint32_t op, pad;
	uint32_t vcpus, pad2;
	uint64_t raw[2];
};

static void test_dm_op_nested_out(void **state)
{
	struct t_dm_op oe = { .op = DMOP_nr_vcpus }, od = oe;
	struct privcmd_dm_op_buf be = { &oe, sizeof(oe) }, bd = { &od,
								    sizeof(od) };
	struct privcmd_dm_op pe = { .dom = 1, .num = 1, .ubufs = &be };
	struct privcmd_dm_op pd = { .dom = 1, .num = 1, .ubufs = &bd };
	struct kstats ks;
	struct pair p;

	(void)state;
	pair_open(&p, "proposed", XSIM_DEV_PRIVCMD);
	assert_int_equal(via_cuse(&p.e, IOCTL_PRIVCMD_DM_OP, &pe, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_DM_OP, &pd));
	/* Written back into the caller's buffer, three levels deep. */
	assert_memory_equal(&oe, &od, sizeof(oe));
	assert_int_equal(oe.vcpus, 1);
	assert_true(ks.runs >= 3);
	pair_close(&p);
}

static void test_mmapbatch_without_mapping(void **state)
{
	xen_pfn_t arr[4] = { 0, 1, 2, 3 };
	int err_e[4] = { 7, 7, 7, 7 }, err_d[4] = { 7, 7, 7, 7 };
	uint8_t region[4 * 4096] __attribute__((aligned(4096)));
	struct privcmd_mmapbatch_v2 me = { 4, 1, U(region), arr, err_e };
	struct privcmd_mmapbatch_v2 md = { 4, 1, U(region), arr, err_d };
	struct kstats ks;
	struct pair p;

	(void)state;
	pair_open(&p, "proposed", XSIM_DEV_PRIVCMD);
	/* No mmap under CUSE: no VMA to fill, as Linux says (EINVAL). */
	assert_int_equal(via_cuse(&p.e, IOCTL_PRIVCMD_MMAPBATCH_V2, &me, &ks),
			 direct(&p.d, IOCTL_PRIVCMD_MMAPBATCH_V2, &md));
	assert_memory_equal(err_e, err_d, sizeof(err_e));
	pair_close(&p);
}

static void test_evtchn_bind_notify(void **state)
{
	struct ioctl_evtchn_bind_unbound_port ub = { .remote_domain = 1 };
	struct ioctl_evtchn_notify n;
	struct kstats ks;
	struct pair p;
	long pe, pd;

	(void)state;
	pair_open(&p, "proposed", XSIM_DEV_EVTCHN);
	pe = via_cuse(&p.e, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &ub, &ks);
	pd = direct(&p.d, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &ub);
	assert_int_equal(pe, pd);
	assert_true(pe > 0);
	n.port = (unsigned)pe;
	assert_int_equal(via_cuse(&p.e, IOCTL_EVTCHN_NOTIFY, &n, &ks),
			 direct(&p.d, IOCTL_EVTCHN_NOTIFY, &n));
	n.port = 4095;
	assert_int_equal(via_cuse(&p.e, IOCTL_EVTCHN_NOTIFY, &n, &ks),
			 direct(&p.d, IOCTL_EVTCHN_NOTIFY, &n));
	pair_close(&p);
}

/* ---- fake handlers: the engine's own rules ---- */

struct req3 {
	uint64_t list;		/* -> uint32_t[count] */
	uint32_t count;
	uint32_t pad;
	uint64_t result;	/* -> uint64_t, written, never read */
};

struct fake {
	unsigned effects;	/* side effects done */
};

/* Sum a nested list, count one side effect, write the sum elsewhere. */
static long sum_handler(void *ctx, unsigned long cmd, uint64_t arg,
			const struct xsim_uaccess *ua)
{
	struct fake *fk = ctx;
	uint32_t v[16];
	struct req3 r;
	uint64_t sum = 0;
	unsigned i;

	(void)cmd;
	if (xsim_copy_in(ua, &r, arg, sizeof(r)))
		return -EFAULT;
	if (r.count > 16)
		return -EINVAL;
	if (xsim_copy_in(ua, v, r.list, r.count * sizeof(v[0])))
		return -EFAULT;
	for (i = 0; i < r.count; i++)
		sum += v[i];
	fk->effects++;
	if (xsim_copy_out(ua, r.result, &sum, sizeof(sum)))
		return -EFAULT;
	return (long)r.count;
}

static void test_stash_no_double_effect(void **state)
{
	uint32_t list[3] = { 1, 2, 39 };
	uint64_t out = 0;
	struct req3 r = { U(list), 3, 0, U(&out) };
	struct fake fk = { 0 };
	struct kstats ks;

	(void)state;
	assert_int_equal(kernel_ioctl(sum_handler, &fk, 1, U(&r), false, &ks),
			 3);
	assert_int_equal(out, 42);
	assert_int_equal(fk.effects, 1);
	/* struct, list, then the finished run; the replay runs nothing. */
	assert_int_equal(ks.runs, 3);
	assert_int_equal(ks.requests, 4);
}

/* Increment a counter in place: read and written at one address. */
static long inc_handler(void *ctx, unsigned long cmd, uint64_t arg,
			const struct xsim_uaccess *ua)
{
	uint32_t v;

	(void)ctx;
	(void)cmd;
	if (xsim_copy_in(ua, &v, arg, sizeof(v)))
		return -EFAULT;
	v++;
	return xsim_copy_out(ua, arg, &v, sizeof(v));
}

static void test_in_place_update(void **state)
{
	uint32_t v = 41;
	struct kstats ks;

	(void)state;
	assert_int_equal(kernel_ioctl(inc_handler, NULL, 2, U(&v), false, &ks),
			 0);
	assert_int_equal(v, 42);
	assert_int_equal(ks.runs, 2);
	assert_int_equal(ks.requests, 2);
}

/* Touch n separate bytes of a big buffer (every other one). */
static long scatter_handler(void *ctx, unsigned long cmd, uint64_t arg,
			    const struct xsim_uaccess *ua)
{
	unsigned n = *(unsigned *)ctx, i;
	uint8_t b;
	int rc = 0;

	(void)cmd;
	for (i = 0; i < n; i++)
		if (xsim_copy_in(ua, &b, arg + 2 * i, 1))
			rc = -EFAULT;
	return rc;
}

static void test_limits(void **state)
{
	static uint8_t big[4 * XCR_MAX_BYTES];
	unsigned n;
	struct kstats ks;

	(void)state;
	n = XCR_MAX_RANGES;
	assert_int_equal(kernel_ioctl(scatter_handler, &n, 3, U(big), false,
				      &ks), 0);
	n = XCR_MAX_RANGES + 1;
	assert_int_equal(kernel_ioctl(scatter_handler, &n, 3, U(big), false,
				      &ks), -E2BIG);
	assert_false(ks.fetch_fault);
}

/* Each run finds one more pointer to chase: a list longer than allowed. */
static long chase_handler(void *ctx, unsigned long cmd, uint64_t arg,
			  const struct xsim_uaccess *ua)
{
	uint64_t next = arg;

	(void)ctx;
	(void)cmd;
	for (;;)
		if (xsim_copy_in(ua, &next, next, sizeof(next)))
			return -EFAULT;
}

static void test_endless_discovery(void **state)
{
	static uint64_t chain[2 * XCR_MAX_ROUNDS];
	unsigned i;
	struct kstats ks;

	(void)state;
	/* Every other word, so that the ranges never merge into one. */
	for (i = 0; i + 2 < 2 * XCR_MAX_ROUNDS; i += 2)
		chain[i] = U(&chain[i + 2]);
	chain[2 * XCR_MAX_ROUNDS - 2] = U(&chain[0]);
	assert_int_equal(kernel_ioctl(chase_handler, NULL, 4, U(chain), false,
				      &ks), -EFAULT);
	assert_int_equal(ks.runs, XCR_MAX_ROUNDS);
}

/* A multicall-like handler that notes a bad entry and goes on. */
static long tolerant_handler(void *ctx, unsigned long cmd, uint64_t arg,
			     const struct xsim_uaccess *ua)
{
	uint64_t ptrs[2], v;
	long good = 0;

	(void)ctx;
	(void)cmd;
	if (xsim_copy_in(ua, ptrs, arg, sizeof(ptrs)))
		return -EFAULT;
	good += !xsim_copy_in(ua, &v, ptrs[0], sizeof(v));
	good += !xsim_copy_in(ua, &v, ptrs[1], sizeof(v));
	return good;
}

static void test_probe_keeps_model_semantics(void **state)
{
	uint64_t ok = 5, ptrs[2] = { U(&ok), U(wh_fence()) };
	struct kstats ks;

	(void)state;
	/* With the probe: the bad entry fails inside, the call succeeds. */
	assert_int_equal(kernel_ioctl(tolerant_handler, NULL, 5, U(ptrs), true,
				      &ks), 1);
	assert_false(ks.fetch_fault);
	/* Without: the kernel's fetch fails the whole ioctl (documented). */
	assert_int_equal(kernel_ioctl(tolerant_handler, NULL, 5, U(ptrs),
				      false, &ks), -EFAULT);
	assert_true(ks.fetch_fault);
}

static void test_stale_retry_refused(void **state)
{
	uint32_t v = 1;
	struct xcr_call *c = xcr_call_new(2, U(&v));
	struct xsim_uaccess ua;
	struct xcr_outcome o;

	(void)state;
	assert_non_null(c);
	assert_int_equal(xcr_feed(c, NULL, 0), 0);
	xcr_uaccess(c, &ua);
	xcr_finish(c, inc_handler(NULL, 2, U(&v), &ua), &o);
	assert_int_equal(o.kind, XCR_RETRY);
	/* Another ioctl, another argument, or the wrong size: not ours. */
	assert_false(xcr_call_matches(c, 3, U(&v), 4, 4));
	assert_false(xcr_call_matches(c, 2, U(&v) + 8, 4, 4));
	assert_false(xcr_call_matches(c, 2, U(&v), 8, 8));
	assert_true(xcr_call_matches(c, 2, U(&v), 4, 4));
	assert_int_equal(xcr_feed(c, &v, 3), -EPROTO);
	xcr_call_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hypercall_xen_version),
		cmocka_unit_test(test_restrict_then_refused),
		cmocka_unit_test(test_bad_pointers),
		cmocka_unit_test(test_dm_op_nested_out),
		cmocka_unit_test(test_mmapbatch_without_mapping),
		cmocka_unit_test(test_evtchn_bind_notify),
		cmocka_unit_test(test_stash_no_double_effect),
		cmocka_unit_test(test_in_place_update),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_endless_discovery),
		cmocka_unit_test(test_probe_keeps_model_semantics),
		cmocka_unit_test(test_stale_retry_refused),
	};

	return cmocka_run_group_tests_name("cuse retry engine", tests, NULL,
					   NULL);
}
