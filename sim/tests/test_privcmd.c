/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/privcmd through the device API, profile by profile: restrict
 * (first, same, other, 0, DOMID_SELF, DOMID_INVALID, NULL), every ioctl
 * before and after restrict aimed at the restricted domain, another one
 * and an absent one, EFAULT against EPERM ordering as Linux orders them,
 * foreign mappings that really alias the domain's memory (the test's
 * uaccess maps the world file), and the effect log after restrict.
 *
 * uapi-only: Xen structures passed through HYPERCALL and DM_OP are laid
 * out by hand from Xen's public headers (hvm/dm_op.h, hvm/ioreq.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <xensim/device.h>
#include <xensim/effect.h>
#include <xensim/machine.h>
#include <xensim/uapi.h>

#include "support/world_helpers.h"

#define U(p)		((uint64_t)(uintptr_t)(p))
#define PAGE		4096u
#define DOMID_SELF_	0x7FF0u
#define DOMID_INVALID_	0x7FF4u
#define DOMID_IDLE_	0x7FFFu

/* Xen public/xen.h hypercall numbers, public/hvm/dm_op.h. */
#define HC_memory_op	12
#define HC_xen_version	17
#define HC_dm_op	41
#define XENMEM_current_reservation	3
#define DMOP_create_ioreq_server	1
#define DMOP_set_ioreq_server_state	5
#define DMOP_set_isa_irq_level		9
#define DMOP_nr_vcpus			20
#define RESOURCE_ioreq_server		0
#define RESOURCE_grant_table		1

struct t_dm_op {
	uint32_t op, pad;
	union {
		struct { uint8_t isa_irq, level; } isa;
		struct { uint32_t vcpus; } nr_vcpus;
		struct { uint8_t handle_bufioreq, pad[3]; uint16_t id; } create;
		struct { uint16_t id; uint8_t enabled, pad; } state;
		uint64_t raw[3];
	} u;
};

/* Xen's xen_dm_op_buf_t on x86-64: a guest handle and an unsigned long. */
struct t_xen_buf {
	void *h;
	uint64_t size;
};

/* public/hvm/ioreq.h: vp_eport sits after addr, data, count and size. */
#define IOREQ_VP_EPORT_OFF	24

static uint64_t pattern(uint16_t domid, uint64_t gfn, unsigned off)
{
	return (uint64_t)domid << 48 | gfn << 12 | off;
}

/* ---- the test's transport: fenced copies and real mappings ---- */

/* Copies touching the fence page give EFAULT (support/world_helpers.h). */
static uint8_t *fence;

struct tvma {
	uint64_t addr, len;
	uint32_t slot, gen;
};

static struct {
	struct xsim_world *w;
	struct tvma vma[16];
	unsigned nvma, maps;
} tport;

static int t_vma_check(void *ctx, uint64_t addr, uint64_t len, uint32_t slot,
		       uint32_t gen)
{
	unsigned i;

	(void)ctx;
	for (i = 0; i < tport.nvma; i++)
		if (tport.vma[i].addr == addr && tport.vma[i].len == len &&
		    tport.vma[i].slot == slot && tport.vma[i].gen == gen)
			return 0;
	return -EINVAL;
}

/* Back the page at addr with the world file's page: a real alias. */
static int t_map_page(void *ctx, uint64_t addr, uint32_t page, int prot)
{
	void *p;

	(void)ctx;
	p = mmap((void *)(uintptr_t)addr, PAGE, prot, MAP_SHARED | MAP_FIXED,
		 xsim_world_fd(tport.w),
		 (off_t)xsim_page_file_offset(tport.w, page));
	if (p == MAP_FAILED)
		return -errno;
	tport.maps++;
	return 0;
}

static const struct xsim_uaccess ua_map = {
	.copy_in = wh_fenced_copy_in,
	.copy_out = wh_fenced_copy_out,
	.vma_check = t_vma_check,
	.map_page = t_map_page,
};

/* A transport without mmap support (CUSE). */
static const struct xsim_uaccess ua_nomap = {
	.copy_in = wh_fenced_copy_in,
	.copy_out = wh_fenced_copy_out,
};

static int group_setup(void **state)
{
	(void)state;
	fence = wh_fence();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return 0;
}

/* ---- helpers ---- */

struct env {
	struct xsim_world *w;
	struct xsim_file f;
	uint32_t id;		/* effect-log identity of the handle */
};

static struct env env_open(const char *profile, uint16_t caller)
{
	struct env e;

	e.w = wh_world(profile, false);
	assert_int_equal(xsim_dev_open(e.w, XSIM_DEV_PRIVCMD, caller, &e.f), 0);
	e.id = xsim_file_effect_id(e.f);
	tport.w = e.w;
	tport.nvma = 0;
	tport.maps = 0;
	return e;
}

static void env_close(struct env *e)
{
	unsigned i;

	for (i = 0; i < tport.nvma; i++)
		munmap((void *)(uintptr_t)tport.vma[i].addr, tport.vma[i].len);
	tport.nvma = 0;
	xsim_dev_release(e->w, e->f);
	xsim_world_detach(e->w);
}

static long ioc(struct env *e, unsigned long cmd, const void *arg)
{
	return xsim_dev_ioctl(e->w, e->f, cmd, U(arg), &ua_map);
}

/* mmap() of the privcmd device: an empty region the ioctls fill. */
static uint8_t *region(struct env *e, unsigned npages)
{
	uint64_t len = (uint64_t)npages * PAGE;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	assert_int_equal(xsim_dev_mmap(e->w, e->f, U(p), len, 0,
				       PROT_READ | PROT_WRITE, &ua_map), 0);
	assert_true(tport.nvma < 16);
	tport.vma[tport.nvma++] = (struct tvma){ U(p), len, e->f.slot, e->f.gen };
	return p;
}

static long restrict_to(struct env *e, uint16_t dom)
{
	return ioc(e, IOCTL_PRIVCMD_RESTRICT, &dom);
}

static void expect_state(struct env *e, bool restricted, uint16_t dom)
{
	struct xsim_restrict_state st;

	assert_int_equal(xsim_file_restrict_state(e->w, e->f, &st), 0);
	assert_int_equal(st.restricted, restricted);
	if (restricted)
		assert_int_equal(st.domid, dom);
}

static long xen_version(struct env *e)
{
	struct privcmd_hypercall hc = { .op = HC_xen_version };

	return ioc(e, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

static long current_reservation(struct env *e, uint16_t dom)
{
	struct privcmd_hypercall hc = { .op = HC_memory_op,
		.arg = { XENMEM_current_reservation, U(&dom) } };

	return ioc(e, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

/* A raw dm_op hypercall (nr_vcpus) on dom. */
static long raw_dm_op(struct env *e, uint16_t dom)
{
	struct t_dm_op op = { .op = DMOP_nr_vcpus };
	struct t_xen_buf b = { &op, sizeof(op) };
	struct privcmd_hypercall hc = { .op = HC_dm_op,
					.arg = { dom, 1, U(&b) } };

	return ioc(e, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

static long dm_op_bufs(struct env *e, uint16_t dom,
		       const struct privcmd_dm_op_buf *b, uint16_t num)
{
	struct privcmd_dm_op k = { .dom = dom, .num = num, .ubufs = b };

	return ioc(e, IOCTL_PRIVCMD_DM_OP, &k);
}

static long dm_op(struct env *e, uint16_t dom, struct t_dm_op *op)
{
	struct privcmd_dm_op_buf b = { op, sizeof(*op) };

	return dm_op_bufs(e, dom, &b, 1);
}

static long isa_irq(struct env *e, uint16_t dom)
{
	struct t_dm_op op = { .op = DMOP_set_isa_irq_level,
			      .u.isa = { 5, 1 } };

	return dm_op(e, dom, &op);
}

/* MMAPBATCH_V2 of n gfns of dom into a fresh region; errors in err[]. */
static long batch2(struct env *e, uint16_t dom, const xen_pfn_t *gfns,
		   unsigned n, int *err, uint8_t **where)
{
	uint8_t *p = region(e, n);
	struct privcmd_mmapbatch_v2 m = { .num = n, .dom = dom, .addr = U(p),
					  .arr = gfns, .err = err };

	if (where)
		*where = p;
	return ioc(e, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
}

/*
 * The frame dom0 names page gfn of dom by: a PV domain's machine frame,
 * an HVM domain's gfn (gfn itself where the domain does not exist).
 */
static uint64_t frame_of(struct env *e, uint16_t dom, uint64_t gfn)
{
	uint64_t frame = gfn;

	xsim_lock(e->w);
	if (xsim_mem_frame_of_gfn(e->w, dom, gfn, &frame))
		frame = gfn;
	xsim_unlock(e->w);
	return frame;
}

static long batch2_one(struct env *e, uint16_t dom)
{
	xen_pfn_t gfn = frame_of(e, dom, 0);
	int err = 1;

	return batch2(e, dom, &gfn, 1, &err, NULL);
}

static long batch1_one(struct env *e, uint16_t dom)
{
	uint8_t *p = region(e, 1);
	xen_pfn_t gfn = frame_of(e, dom, 0);
	struct privcmd_mmapbatch m = { .num = 1, .dom = dom, .addr = U(p),
				       .arr = &gfn };

	return ioc(e, IOCTL_PRIVCMD_MMAPBATCH, &m);
}

static long mmap1_one(struct env *e, uint16_t dom)
{
	uint8_t *p = region(e, 1);
	struct privcmd_mmap_entry ent = { .va = U(p), .mfn = frame_of(e, dom, 0),
					  .npages = 1 };
	struct privcmd_mmap m = { .num = 1, .dom = dom, .entry = &ent };

	return ioc(e, IOCTL_PRIVCMD_MMAP, &m);
}

static long resource_size(struct env *e, uint16_t dom, uint32_t type,
			  uint64_t *num)
{
	struct privcmd_mmap_resource r = { .dom = dom, .type = type };
	long rc = ioc(e, IOCTL_PRIVCMD_MMAP_RESOURCE, &r);

	if (num)
		*num = r.num;
	return rc;
}

static long irqfd(struct env *e, uint16_t dom, uint32_t fd, uint32_t flags)
{
	struct t_dm_op op = { .op = DMOP_set_isa_irq_level };
	struct privcmd_irqfd k = { .dm_op = U(&op), .size = sizeof(op),
				   .fd = fd, .flags = flags, .dom = dom };

	return ioc(e, IOCTL_PRIVCMD_IRQFD, &k);
}

static long ioeventfd(struct env *e, uint16_t dom, uint32_t fd,
		      uint32_t flags)
{
	static uint32_t ports[1] = { 7 };
	struct privcmd_ioeventfd k = { .ioreq = 0x10000, .ports = U(ports),
		.addr = 0x1000, .addr_len = 4, .event_fd = fd, .vcpus = 1,
		.flags = flags, .dom = dom };

	return ioc(e, IOCTL_PRIVCMD_IOEVENTFD, &k);
}

static long gsi(struct env *e)
{
	struct privcmd_pcidev_get_gsi k = { .sbdf = 0x100 };

	return ioc(e, IOCTL_PRIVCMD_PCIDEV_GET_GSI, &k);
}

static uint64_t mem_word(struct env *e, uint16_t dom, uint64_t gfn,
			 unsigned off)
{
	struct xsim_caller c = wh_caller(e->w, 0);
	uint64_t v = 0;

	xsim_lock(e->w);
	assert_int_equal(xsim_mem_access(&c, dom, gfn, off, &v, 8, false), 0);
	xsim_unlock(e->w);
	return v;
}

/* Map the machine frame of HVM domain 1's gfn 0 as a frame of PV domain 3. */
static int pv_map_of_hvm_page(struct env *e)
{
	struct xsim_caller c = wh_caller(e->w, 0);
	uint32_t page;
	int rc;

	xsim_lock(e->w);
	rc = xsim_mem_map_gfn(&c, 1, 0, false, &page);
	if (!rc)
		rc = xsim_mem_map_gfn(&c, 3, xsim_page_mfn(page), false, &page);
	xsim_unlock(e->w);
	return rc;
}

/* ---- unrestricted behaviour ---- */

static void mmapbatch_v2_maps_and_aliases(void **state)
{
	struct env e = env_open("linux", 0);
	xen_pfn_t gfns[4] = { 0, 1, 999, 2 };
	int err[4] = { 7, 7, 7, 7 };
	uint8_t *p;
	uint64_t v;

	(void)state;
	assert_int_equal(batch2(&e, 1, gfns, 4, err, &p), 0);
	assert_int_equal(err[0], 0);
	assert_int_equal(err[1], 0);
	assert_int_equal(err[2], -EINVAL);	/* a hole in domain 1 */
	assert_int_equal(err[3], 0);
	assert_int_equal(tport.maps, 3);
	memcpy(&v, p + 8, 8);
	assert_int_equal(v, pattern(1, 0, 8));
	memcpy(&v, p + 3 * PAGE + 4088, 8);
	assert_int_equal(v, pattern(1, 2, 4088));
	/* Writing through the mapping writes the domain's memory. */
	v = 0x1122334455667788ull;
	memcpy(p + PAGE + 16, &v, 8);
	assert_int_equal(mem_word(&e, 1, 1, 16), v);
	/*
	 * A PV domain is mapped by machine frame: its gfns name no page of
	 * it (Xen's get_page_from_l1e: -EBUSY), nor does a frame past the
	 * machine's last (-EPERM, MMIO space).
	 */
	gfns[0] = frame_of(&e, 3, 5);
	gfns[1] = frame_of(&e, 3, 1);
	gfns[2] = 1;
	gfns[3] = 1ull << 40;
	assert_true(gfns[0] >= XSIM_MFN_BASE && gfns[1] >= XSIM_MFN_BASE);
	assert_int_equal(batch2(&e, 3, gfns, 4, err, &p), 0);
	assert_int_equal(err[0], 0);
	assert_int_equal(err[1], 0);
	assert_int_equal(err[2], -EBUSY);
	assert_int_equal(err[3], -EPERM);
	memcpy(&v, p + PAGE, 8);
	assert_int_equal(v, pattern(3, 1, 0));
	memcpy(&v, p + 8, 8);
	assert_int_equal(v, pattern(3, 5, 8));
	/* A machine frame of another domain is not domain 3's either. */
	assert_int_equal(pv_map_of_hvm_page(&e), -EBUSY);
	/* A domain that does not exist: Xen's -ESRCH per frame, not a crash. */
	memset(err, 0, sizeof(err));
	assert_int_equal(batch2(&e, 9, gfns, 4, err, NULL), 0);
	assert_int_equal(err[0], -ESRCH);
	assert_int_equal(err[3], -ESRCH);
	env_close(&e);
}

static void mmapbatch_checks(void **state)
{
	struct env e = env_open("linux", 0);
	xen_pfn_t gfns[2] = { 0, 1 };
	int err[2];
	uint8_t *p = region(&e, 2);
	struct privcmd_mmapbatch_v2 m = { .num = 2, .dom = 1, .addr = U(p),
					  .arr = gfns, .err = err };
	struct privcmd_mmapbatch m1 = { .num = 2, .dom = 1, .addr = U(p),
					.arr = gfns };

	(void)state;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH_V2, NULL), -EFAULT);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH_V2, fence), -EFAULT);
	/* The address must start a privcmd mapping of exactly num pages. */
	m.addr = U(p) + PAGE;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH_V2, &m), -EINVAL);
	m.addr = U(p);
	m.num = 1;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH_V2, &m), -EINVAL);
	m.num = 0;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH_V2, &m), -EINVAL);
	m.num = 2;
	/* No mmap support in the transport: no VMA to find. */
	assert_int_equal(xsim_dev_ioctl(e.w, e.f, IOCTL_PRIVCMD_MMAPBATCH_V2,
					U(&m), &ua_nomap), -EINVAL);
	/* err[] is cleared before mapping: it must be writable. */
	m.err = (int *)fence;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH_V2, &m), -EFAULT);
	m.err = err;
	m.arr = (xen_pfn_t *)fence;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH_V2, &m), -EFAULT);
	/* err[] far out of the user range: access_ok fails before anything. */
	m.arr = gfns;
	m.err = (int *)(uintptr_t)(1ull << 47);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH_V2, &m), -EFAULT);
	m.err = err;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH_V2, &m), 0);
	/* v1: per-frame errors are or'ed into arr[]. */
	gfns[1] = 777;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH, &m1), 0);
	assert_int_equal(gfns[0], 0);
	assert_int_equal(gfns[1], 777 | PRIVCMD_MMAPBATCH_MFN_ERROR);
	/* v1 with a negative count: a huge unsigned one, that faults. */
	m1.arr = (xen_pfn_t *)(fence - 2 * sizeof(xen_pfn_t));
	m1.num = -1;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH, &m1), -EFAULT);
	env_close(&e);
}

static void mmap_v1(void **state)
{
	struct env e = env_open("linux", 0);
	uint8_t *p = region(&e, 3);
	struct privcmd_mmap_entry ent[2] = {
		{ .va = U(p), .mfn = 10, .npages = 2 },
		{ .va = U(p) + 2 * PAGE, .mfn = 40, .npages = 1 },
	};
	struct privcmd_mmap m = { .num = 2, .dom = 2, .entry = ent };
	uint64_t v;

	(void)state;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP, &m), 0);
	memcpy(&v, p + PAGE + 8, 8);
	assert_int_equal(v, pattern(2, 11, 8));
	memcpy(&v, p + 2 * PAGE, 8);
	assert_int_equal(v, pattern(2, 40, 0));
	/* Chunks must be contiguous. */
	ent[1].va += PAGE;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP, &m), -EINVAL);
	/* Nothing to map is success; a bad entry array faults. */
	m.num = 0;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP, &m), 0);
	m.num = 1;
	m.entry = (struct privcmd_mmap_entry *)fence;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP, &m), -EFAULT);
	/* A missing frame fails the call. */
	ent[0].mfn = 5000;
	ent[0].npages = 3;
	m.entry = ent;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP, &m), -EINVAL);
	env_close(&e);
}

static void dm_op_device_checks(void **state)
{
	struct env e = env_open("linux", 0);
	struct t_dm_op op = { .op = DMOP_nr_vcpus };
	struct privcmd_dm_op_buf b[17];
	unsigned i;

	(void)state;
	for (i = 0; i < 17; i++)
		b[i] = (struct privcmd_dm_op_buf){ &op, sizeof(op) };
	/* num 0 returns before Xen (which would say -ENODATA). */
	assert_int_equal(dm_op_bufs(&e, 1, NULL, 0), 0);
	assert_int_equal(dm_op_bufs(&e, 1, b, 17), -E2BIG);
	assert_int_equal(dm_op_bufs(&e, 1, NULL, 1), -EFAULT);
	b[0].size = 4097;
	assert_int_equal(dm_op_bufs(&e, 1, b, 1), -E2BIG);
	b[0].size = sizeof(op);
	b[0].uptr = fence;
	assert_int_equal(dm_op_bufs(&e, 1, b, 1), -EFAULT);
	b[0].uptr = &op;
	/* Linux allows 16 buffers; Xen takes at most 2. */
	assert_int_equal(dm_op_bufs(&e, 1, b, 3), -E2BIG);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_DM_OP, NULL), -EFAULT);
	/* The result comes back in the caller's buffer. */
	assert_int_equal(dm_op_bufs(&e, 1, b, 1), 0);
	assert_int_equal(op.u.nr_vcpus.vcpus, 1);
	/* Xen's answers pass through: PV, missing. */
	assert_int_equal(isa_irq(&e, 1), 0);
	assert_int_equal(isa_irq(&e, 3), -EINVAL);
	assert_int_equal(isa_irq(&e, 9), -ESRCH);
	env_close(&e);
}

static void mmap_resource(void **state)
{
	struct env e = env_open("linux", 0);
	struct t_dm_op op = { .op = DMOP_create_ioreq_server,
			      .u.create = { .handle_bufioreq = 1 } };
	struct privcmd_mmap_resource r;
	uint64_t num = 0;
	uint32_t port = 0;
	uint8_t *p;

	(void)state;
	assert_int_equal(resource_size(&e, 1, RESOURCE_grant_table, &num), 0);
	assert_int_equal(num, 64);
	assert_int_equal(resource_size(&e, 1, RESOURCE_ioreq_server, &num), 0);
	assert_int_equal(num, 2);
	assert_int_equal(resource_size(&e, 3, RESOURCE_ioreq_server, &num),
			 -EINVAL);
	assert_int_equal(resource_size(&e, 9, RESOURCE_grant_table, &num),
			 -ESRCH);
	/* Map guest 1's grant frame 0: ref 8 grants gfn 0 to dom0. */
	p = region(&e, 1);
	r = (struct privcmd_mmap_resource){ .dom = 1,
		.type = RESOURCE_grant_table, .idx = 0, .num = 1,
		.addr = U(p) };
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP_RESOURCE, &r), 0);
	{
		uint16_t flags, domid;
		uint32_t frame;

		memcpy(&flags, p + 8 * 8, 2);
		memcpy(&domid, p + 8 * 8 + 2, 2);
		memcpy(&frame, p + 8 * 8 + 4, 4);
		assert_true(flags & 1);		/* GTF_permit_access */
		assert_int_equal(domid, 0);
		assert_int_equal(frame, 0);
	}
	/* Exactly one of addr and num set. */
	r.num = 0;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP_RESOURCE, &r), -EINVAL);
	r.num = 2;		/* longer than the mapping */
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP_RESOURCE, &r), -EINVAL);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP_RESOURCE, fence), -EFAULT);
	/* An ioreq server's pages: buffered then shared, as Xen orders them. */
	assert_int_equal(dm_op(&e, 1, &op), 0);
	p = region(&e, 2);
	r = (struct privcmd_mmap_resource){ .dom = 1,
		.type = RESOURCE_ioreq_server, .id = op.u.create.id, .idx = 0,
		.num = 2, .addr = U(p) };
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP_RESOURCE, &r), 0);
	memcpy(&port, p + PAGE + IOREQ_VP_EPORT_OFF, 4);
	assert_int_equal(port, 0);
	op = (struct t_dm_op){ .op = DMOP_set_ioreq_server_state,
			       .u.state = { .id = r.id, .enabled = 1 } };
	assert_int_equal(dm_op(&e, 1, &op), 0);
	/* The mapping shows what the server wrote into its page. */
	memcpy(&port, p + PAGE + IOREQ_VP_EPORT_OFF, 4);
	assert_true(port != 0);
	r.id = 5;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP_RESOURCE, &r), -ENOENT);
	env_close(&e);
}

/* ---- proposed ---- */

static void proposed_restrict_rules(void **state)
{
	struct env e = env_open("proposed", 0);

	(void)state;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_RESTRICT, NULL), -EFAULT);
	assert_int_equal(restrict_to(&e, DOMID_SELF_), -EINVAL);
	assert_int_equal(restrict_to(&e, DOMID_INVALID_), -EINVAL);
	assert_int_equal(restrict_to(&e, DOMID_IDLE_), -EINVAL);
	expect_state(&e, false, 0);
	assert_int_equal(restrict_to(&e, 1), 0);
	expect_state(&e, true, 1);
	assert_int_equal(restrict_to(&e, 1), 0);
	assert_int_equal(restrict_to(&e, 2), -EPERM);
	assert_int_equal(restrict_to(&e, 0), -EPERM);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_RESTRICT, NULL), -EFAULT);
	expect_state(&e, true, 1);
	env_close(&e);
	/* Domain 0 is a valid target. */
	e = env_open("proposed", 0);
	assert_int_equal(restrict_to(&e, 0), 0);
	expect_state(&e, true, 0);
	env_close(&e);
}

static void proposed_restricted_ops(void **state)
{
	struct env e = env_open("proposed", 0);
	uint64_t from;

	(void)state;
	/* Before restrict everything works. */
	assert_int_equal(current_reservation(&e, 2), 256);
	assert_int_equal(batch2_one(&e, 2), 0);
	assert_int_equal(gsi(&e), -ENODEV);
	assert_int_equal(restrict_to(&e, 1), 0);
	from = xsim_effect_next(e.w);
	/* Raw hypercalls: xen_version is open, dm_op checked, others ENOSYS. */
	assert_int_equal(xen_version(&e), 0x40011);
	assert_int_equal(current_reservation(&e, 1), -ENOSYS);
	assert_int_equal(raw_dm_op(&e, 1), 0);
	assert_int_equal(raw_dm_op(&e, 2), -EPERM);
	assert_int_equal(raw_dm_op(&e, 9), -EPERM);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_HYPERCALL, NULL), -EFAULT);
	/* v1 mapping ioctls are off the whitelist (after the copy). */
	assert_int_equal(mmap1_one(&e, 1), -ENOSYS);
	assert_int_equal(batch1_one(&e, 1), -ENOSYS);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP, NULL), -EFAULT);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH, NULL), -EFAULT);
	/* Structured ops: the target passes, everything else EPERM. */
	assert_int_equal(batch2_one(&e, 1), 0);
	assert_int_equal(batch2_one(&e, 2), -EPERM);
	assert_int_equal(batch2_one(&e, 9), -EPERM);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH_V2, NULL), -EFAULT);
	assert_int_equal(isa_irq(&e, 1), 0);
	assert_int_equal(isa_irq(&e, 2), -EPERM);
	assert_int_equal(isa_irq(&e, 9), -EPERM);
	assert_int_equal(dm_op_bufs(&e, 2, NULL, 0), -EPERM);
	assert_int_equal(dm_op_bufs(&e, 1, NULL, 0), 0);
	assert_int_equal(resource_size(&e, 1, RESOURCE_grant_table, NULL), 0);
	assert_int_equal(resource_size(&e, 2, RESOURCE_grant_table, NULL),
			 -EPERM);
	assert_int_equal(resource_size(&e, 9, RESOURCE_grant_table, NULL),
			 -EPERM);
	assert_int_equal(irqfd(&e, 1, 5, 0), 0);
	assert_int_equal(irqfd(&e, 2, 5, 0), -EPERM);
	assert_int_equal(irqfd(&e, 9, 5, 0), -EPERM);
	/* Unknown flags are refused before the restriction is looked at. */
	assert_int_equal(irqfd(&e, 2, 5, 2), -EINVAL);
	assert_int_equal(ioeventfd(&e, 1, 6, 0), 0);
	assert_int_equal(ioeventfd(&e, 2, 6, 0), -EPERM);
	assert_int_equal(ioeventfd(&e, 2, 6, 4), -EINVAL);
	assert_int_equal(gsi(&e), -ENOSYS);
	assert_int_equal(ioc(&e, _IOC(_IOC_NONE, 'P', 0x33, 0), NULL), -ENOTTY);
	/* The oracle: after restrict, only domain 1 was touched. */
	assert_int_equal(wh_effects_elsewhere(e.w, from, e.id, 1), 0);
	assert_true(wh_effects_on(e.w, from, 1) >= 3);
	env_close(&e);
}

static void eventfd_ioctls(void **state)
{
	struct env e = env_open("proposed", 0);
	struct privcmd_irqfd k;

	(void)state;
	assert_int_equal(irqfd(&e, 1, 5, 0), 0);
	assert_int_equal(irqfd(&e, 1, 5, 0), -EBUSY);
	assert_int_equal(irqfd(&e, 2, 6, 0), 0);
	assert_int_equal(irqfd(&e, 1, 5, PRIVCMD_IRQFD_FLAG_DEASSIGN), 0);
	assert_int_equal(irqfd(&e, 1, 5, 0), 0);
	/* Linux: deassigning an unknown eventfd is not an error. */
	assert_int_equal(irqfd(&e, 1, 42, PRIVCMD_IRQFD_FLAG_DEASSIGN), 0);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_IRQFD, NULL), -EFAULT);
	k = (struct privcmd_irqfd){ .dm_op = U(fence), .size = 8, .fd = 9,
				    .dom = 1 };
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_IRQFD, &k), -EFAULT);
	k.size = 5u << 20;
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_IRQFD, &k), -ENOMEM);

	assert_int_equal(ioeventfd(&e, 1, 6, 0), 0);
	assert_int_equal(ioeventfd(&e, 1, 6, 0), -EBUSY);
	assert_int_equal(ioeventfd(&e, 1, 7, 0), 0);
	/* One ioreq page belongs to one domain. */
	assert_int_equal(ioeventfd(&e, 2, 8, 0), -EINVAL);
	assert_int_equal(ioeventfd(&e, 1, 6, PRIVCMD_IOEVENTFD_FLAG_DEASSIGN), 0);
	assert_int_equal(ioeventfd(&e, 1, 6, PRIVCMD_IOEVENTFD_FLAG_DEASSIGN),
			 -ENODEV);
	{
		struct privcmd_ioeventfd io = { .ioreq = 0x20000, .addr = 0x1000,
			.addr_len = 3, .event_fd = 9, .vcpus = 1, .dom = 1 };

		assert_int_equal(ioc(&e, IOCTL_PRIVCMD_IOEVENTFD, &io), -EINVAL);
		io.addr_len = 8;
		io.vcpus = 0;
		assert_int_equal(ioc(&e, IOCTL_PRIVCMD_IOEVENTFD, &io), -EINVAL);
		io.vcpus = 4097;
		assert_int_equal(ioc(&e, IOCTL_PRIVCMD_IOEVENTFD, &io), -EINVAL);
		io.vcpus = 1;
		io.addr = ~0ull - 2;
		assert_int_equal(ioc(&e, IOCTL_PRIVCMD_IOEVENTFD, &io), -EINVAL);
		io.addr = 0x1000;
		io.ports = U(fence);
		assert_int_equal(ioc(&e, IOCTL_PRIVCMD_IOEVENTFD, &io), -EFAULT);
	}
	env_close(&e);
}

/* ---- linux (6.1) ---- */

static void linux_restrict_rules(void **state)
{
	struct env e = env_open("linux", 0);

	(void)state;
	/* DOMID_INVALID is Linux's "unrestricted": accepted, no effect. */
	assert_int_equal(restrict_to(&e, DOMID_INVALID_), 0);
	expect_state(&e, false, 0);
	assert_int_equal(restrict_to(&e, 1), 0);
	assert_int_equal(restrict_to(&e, 1), 0);
	assert_int_equal(restrict_to(&e, 2), -EINVAL);
	assert_int_equal(restrict_to(&e, DOMID_INVALID_), -EINVAL);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_RESTRICT, NULL), -EFAULT);
	expect_state(&e, true, 1);
	env_close(&e);
	/* No validation: 0 and DOMID_SELF are stored as they come. */
	e = env_open("linux", 0);
	assert_int_equal(restrict_to(&e, DOMID_SELF_), 0);
	expect_state(&e, true, DOMID_SELF_);
	/* dm_op aimed at DOMID_SELF passes the kernel; Xen says ESRCH. */
	assert_int_equal(isa_irq(&e, DOMID_SELF_), -ESRCH);
	env_close(&e);
	e = env_open("linux", 0);
	assert_int_equal(restrict_to(&e, 0), 0);
	expect_state(&e, true, 0);
	/* Aimed at oneself: Xen refuses with EPERM (remote domain only). */
	assert_int_equal(isa_irq(&e, 0), -EPERM);
	env_close(&e);
}

static void linux_restricted_ops(void **state)
{
	struct env e = env_open("linux", 0);
	uint64_t from;

	(void)state;
	assert_int_equal(xen_version(&e), 0x40011);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_HYPERCALL, NULL), -EFAULT);
	assert_int_equal(mmap1_one(&e, 2), 0);
	/* 6.1 has none of these. */
	assert_int_equal(irqfd(&e, 1, 5, 0), -ENOTTY);
	assert_int_equal(ioeventfd(&e, 1, 5, 0), -ENOTTY);
	assert_int_equal(gsi(&e), -ENOTTY);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_UNIMPLEMENTED, NULL), -ENOTTY);
	assert_int_equal(restrict_to(&e, 1), 0);
	from = xsim_effect_next(e.w);
	/* Raw hypercalls: EPERM, decided before the argument is read. */
	assert_int_equal(xen_version(&e), -EPERM);
	assert_int_equal(raw_dm_op(&e, 1), -EPERM);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_HYPERCALL, NULL), -EPERM);
	/* Structured ops: copy first (EFAULT), then EPERM on a mismatch. */
	assert_int_equal(mmap1_one(&e, 1), 0);
	assert_int_equal(mmap1_one(&e, 2), -EPERM);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP, NULL), -EFAULT);
	assert_int_equal(batch1_one(&e, 1), 0);
	assert_int_equal(batch1_one(&e, 9), -EPERM);
	assert_int_equal(batch2_one(&e, 1), 0);
	assert_int_equal(batch2_one(&e, 2), -EPERM);
	assert_int_equal(batch2_one(&e, 9), -EPERM);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAPBATCH_V2, NULL), -EFAULT);
	assert_int_equal(isa_irq(&e, 1), 0);
	assert_int_equal(isa_irq(&e, 2), -EPERM);
	assert_int_equal(isa_irq(&e, 9), -EPERM);
	assert_int_equal(dm_op_bufs(&e, 2, NULL, 0), -EPERM);
	assert_int_equal(dm_op_bufs(&e, 1, NULL, 0), 0);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_DM_OP, NULL), -EFAULT);
	assert_int_equal(mmap1_one(&e, 9), -EPERM);
	assert_int_equal(resource_size(&e, 9, RESOURCE_grant_table, NULL),
			 -EPERM);
	assert_int_equal(resource_size(&e, 1, RESOURCE_grant_table, NULL), 0);
	assert_int_equal(resource_size(&e, 3, RESOURCE_grant_table, NULL),
			 -EPERM);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP_RESOURCE, NULL), -EFAULT);
	assert_int_equal(irqfd(&e, 1, 5, 0), -ENOTTY);
	assert_int_equal(gsi(&e), -ENOTTY);
	assert_int_equal(wh_effects_elsewhere(e.w, from, e.id, 1), 0);
	assert_true(wh_effects_on(e.w, from, 1) >= 4);
	env_close(&e);
}

/* ---- linux-xsa482: a domU's handles are born restricted ---- */

static void xsa482_born_restricted(void **state)
{
	struct env e = env_open("linux-xsa482", 1);

	(void)state;
	/* No xenstore target: DOMID_IDLE, which blocks everything. */
	expect_state(&e, true, DOMID_IDLE_);
	assert_int_equal(xen_version(&e), -EPERM);
	assert_int_equal(restrict_to(&e, DOMID_IDLE_), 0);
	assert_int_equal(restrict_to(&e, 5), -EINVAL);
	assert_int_equal(restrict_to(&e, DOMID_INVALID_), -EINVAL);
	assert_int_equal(restrict_to(&e, 0), -EINVAL);
	assert_int_equal(batch2_one(&e, 2), -EPERM);
	assert_int_equal(isa_irq(&e, 2), -EPERM);
	/* An HVM domU's kernel is auto-translated: no v1 MMAP at all. */
	assert_int_equal(mmap1_one(&e, 2), -ENOSYS);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP, NULL), -ENOSYS);
	/* Aimed at DOMID_IDLE the kernel lets it through: Xen has no such one. */
	assert_int_equal(isa_irq(&e, DOMID_IDLE_), -ESRCH);
	assert_int_equal(resource_size(&e, DOMID_IDLE_, RESOURCE_grant_table,
				       NULL), -ESRCH);
	xsim_dev_release(e.w, e.f);
	/* A PV domU's kernel has it, and refuses it for another domain. */
	assert_int_equal(xsim_dev_open(e.w, XSIM_DEV_PRIVCMD, 3, &e.f), 0);
	expect_state(&e, true, DOMID_IDLE_);
	assert_int_equal(mmap1_one(&e, 2), -EPERM);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_MMAP, NULL), -EFAULT);
	env_close(&e);
	/* With a xenstore target the handle is born restricted to it. */
	e = env_open("linux-xsa482", 0);
	xsim_lock(e.w);
	assert_int_equal(xsim_domain_set_xs_target(e.w, 2, 1), 0);
	xsim_unlock(e.w);
	/* dom0 stays unrestricted. */
	expect_state(&e, false, 0);
	assert_int_equal(xen_version(&e), 0x40011);
	xsim_dev_release(e.w, e.f);
	assert_int_equal(xsim_dev_open(e.w, XSIM_DEV_PRIVCMD, 2, &e.f), 0);
	expect_state(&e, true, 1);
	assert_int_equal(restrict_to(&e, 1), 0);
	assert_int_equal(restrict_to(&e, 2), -EINVAL);
	/* The kernel passes it; Xen refuses: domain 2 is not 1's device model. */
	assert_int_equal(isa_irq(&e, 1), -EPERM);
	{
		struct xsim_caller c0 = wh_caller(e.w, 0);

		xsim_lock(e.w);
		assert_int_equal(xsim_domain_set_target(&c0, 2, 1), 0);
		xsim_unlock(e.w);
	}
	assert_int_equal(isa_irq(&e, 1), 0);
	assert_int_equal(isa_irq(&e, 3), -EPERM);
	/* A domU's foreign map of its target, allowed by Xen's XSM_TARGET. */
	assert_int_equal(batch2_one(&e, 1), 0);
	env_close(&e);
}

/*
 * The device layer logs each handle's life: OPEN (from the caller's
 * domain), RESTRICT when born restricted, CLOSE after the release's own
 * effects.  None of them counts as a touch of a domain.
 */
static void open_close_records(void **state)
{
	struct xsim_effect r[4];
	struct env e = env_open("linux-xsa482", 0);
	uint64_t from = xsim_effect_next(e.w);
	struct xsim_file f;
	uint32_t id;

	(void)state;
	xsim_lock(e.w);
	assert_int_equal(xsim_domain_set_xs_target(e.w, 2, 1), 0);
	xsim_unlock(e.w);
	/* dom0's open: unrestricted; then a domU's, born restricted to 1. */
	xsim_dev_release(e.w, e.f);
	assert_int_equal(xsim_effect_read(e.w, from, r, 4), 1);
	assert_int_equal(r[0].kind, XSIM_EFF_CLOSE);
	assert_int_equal(r[0].op, XSIM_OP_HANDLE);
	assert_int_equal(r[0].handle, e.id);
	assert_int_equal(r[0].subop, XSIM_DEV_PRIVCMD);
	assert_int_equal(r[0].domid, 0);
	assert_true(r[0].detail == XSIM_EFF_UNRESTRICTED);
	assert_string_equal(xsim_effect_kind_name(r[0].kind), "close");
	assert_string_equal(xsim_effect_op_name(r[0].op), "handle");
	from = xsim_effect_next(e.w);
	assert_int_equal(xsim_dev_open(e.w, XSIM_DEV_PRIVCMD, 2, &f), 0);
	id = xsim_file_effect_id(f);
	assert_int_equal(xsim_effect_read(e.w, from, r, 4), 2);
	assert_int_equal(r[0].kind, XSIM_EFF_OPEN);
	assert_int_equal(r[0].handle, id);
	assert_int_equal(r[0].domid, 2);
	assert_true(r[0].detail == 1);
	assert_int_equal(r[1].kind, XSIM_EFF_RESTRICT);
	assert_int_equal(r[1].handle, id);
	assert_int_equal(r[1].domid, 1);
	/* Opens touch no domain: the oracle's counts are unchanged. */
	assert_int_equal(wh_effects_elsewhere(e.w, from, id, 1), 0);
	assert_int_equal(wh_effects_on(e.w, from, 2), 0);
	e.f = f;
	e.id = id;
	env_close(&e);
	/* A failed open logs nothing: no such device in this profile. */
	e = env_open("netbsd", 0);
	from = xsim_effect_next(e.w);
	assert_int_equal(xsim_dev_open(e.w, XSIM_DEV_GNTDEV, 0, &f), -ENODEV);
	assert_int_equal(xsim_effect_next(e.w), from);
	env_close(&e);
}

/* ---- freebsd ---- */

static void freebsd_profile(void **state)
{
	struct env e = env_open("freebsd", 0);

	(void)state;
	assert_int_equal(xen_version(&e), 0x40011);
	/* No v1 mapping ioctls, no eventfds: FreeBSD's unknown-ioctl ENOSYS. */
	assert_int_equal(mmap1_one(&e, 1), -ENOSYS);
	assert_int_equal(batch1_one(&e, 1), -ENOSYS);
	assert_int_equal(irqfd(&e, 1, 5, 0), -ENOSYS);
	assert_int_equal(gsi(&e), -ENOSYS);
	assert_int_equal(ioc(&e, _IOC(_IOC_NONE, 'P', 0x33, 0), NULL), -ENOSYS);
	assert_int_equal(restrict_to(&e, DOMID_INVALID_), 0);
	expect_state(&e, false, 0);
	assert_int_equal(restrict_to(&e, 1), 0);
	assert_int_equal(restrict_to(&e, 1), 0);
	assert_int_equal(restrict_to(&e, 2), -EINVAL);
	assert_int_equal(restrict_to(&e, 0), -EINVAL);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_RESTRICT, NULL), -EFAULT);
	assert_int_equal(xen_version(&e), -EPERM);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_HYPERCALL, NULL), -EPERM);
	assert_int_equal(batch2_one(&e, 1), 0);
	assert_int_equal(batch2_one(&e, 2), -EPERM);
	assert_int_equal(isa_irq(&e, 1), 0);
	assert_int_equal(isa_irq(&e, 2), -EPERM);
	assert_int_equal(resource_size(&e, 2, RESOURCE_grant_table, NULL),
			 -EPERM);
	env_close(&e);
	/* No validation of the domid: 0 and DOMID_SELF are stored. */
	e = env_open("freebsd", 0);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_RESTRICT, NULL), -EFAULT);
	assert_int_equal(restrict_to(&e, DOMID_SELF_), 0);
	expect_state(&e, true, DOMID_SELF_);
	env_close(&e);
	e = env_open("freebsd", 0);
	assert_int_equal(restrict_to(&e, 0), 0);
	expect_state(&e, true, 0);
	env_close(&e);
}

/* ---- netbsd: no restriction at all ---- */

static void netbsd_profile(void **state)
{
	struct env e = env_open("netbsd", 0);
	uint64_t from = xsim_effect_next(e.w);

	(void)state;
	/* No RESTRICT and no DM_OP: NetBSD's unknown-ioctl EINVAL. */
	assert_int_equal(restrict_to(&e, 1), -EINVAL);
	assert_int_equal(ioc(&e, IOCTL_PRIVCMD_RESTRICT, NULL), -EINVAL);
	assert_int_equal(isa_irq(&e, 1), -EINVAL);
	assert_int_equal(irqfd(&e, 1, 5, 0), -EINVAL);
	assert_int_equal(ioc(&e, _IOC(_IOC_NONE, 'P', 0x33, 0), NULL), -EINVAL);
	expect_state(&e, false, 0);
	/* Everything else reaches Xen, for any domain. */
	assert_int_equal(xen_version(&e), 0x40011);
	assert_int_equal(raw_dm_op(&e, 2), 0);
	assert_int_equal(mmap1_one(&e, 2), 0);
	assert_int_equal(batch1_one(&e, 3), 0);
	assert_int_equal(batch2_one(&e, 1), 0);
	assert_int_equal(resource_size(&e, 2, RESOURCE_grant_table, NULL), 0);
	assert_true(wh_effects_on(e.w, from, 2) > 0);
	assert_true(wh_effects_on(e.w, from, 3) > 0);
	env_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mmapbatch_v2_maps_and_aliases),
		cmocka_unit_test(mmapbatch_checks),
		cmocka_unit_test(mmap_v1),
		cmocka_unit_test(dm_op_device_checks),
		cmocka_unit_test(mmap_resource),
		cmocka_unit_test(proposed_restrict_rules),
		cmocka_unit_test(proposed_restricted_ops),
		cmocka_unit_test(eventfd_ioctls),
		cmocka_unit_test(linux_restrict_rules),
		cmocka_unit_test(linux_restricted_ops),
		cmocka_unit_test(xsa482_born_restricted),
		cmocka_unit_test(open_close_records),
		cmocka_unit_test(freebsd_profile),
		cmocka_unit_test(netbsd_profile),
	};

	return cmocka_run_group_tests_name("privcmd", tests, group_setup,
					   group_teardown);
}
