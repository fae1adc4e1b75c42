/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/privcmd.  Sources of the expected answers:
 *  - linux: Linux 6.1 drivers/xen/privcmd.c (privcmd_ioctl and the
 *    privcmd_ioctl_* it calls), implementations.md 1.2 and 5, and what a
 *    Debian 12 dom0 answered (linux-6.1-observed.md).  A PV dom0 is
 *    assumed (Debian's default), so MMAP v1 is not ENOSYS.
 *  - xsa482 domU: the same driver with the XSA-482 fix, opened in domU 1
 *    with no xenstore "target": every handle is born restricted to
 *    DOMID_IDLE (linux-6.1-observed.md, "A PV domU").  Domain 1 is an
 *    HVM guest, so its kernel is auto-translated: MMAP v1 is ENOSYS
 *    before anything else ("We only support privcmd_ioctl_mmap_batch for
 *    auto translated").
 *  - proposed: the 2016 contract, ENOSYS off the whitelist and EPERM for
 *    another domain; the whitelist and the choices where the proposal is
 *    silent are those of sim/dev/profiles.c (proposed).
 *  - freebsd: sys/dev/xen/privcmd/privcmd.c carried onto the Linux ABI
 *    (implementations.md §2.1): no MMAP/MMAPBATCH v1, IRQFD, IOEVENTFD, PCIDEV_GET_GSI;
 *    unknown ioctls ENOSYS.
 *  - netbsd: sys/arch/xen/xen/privcmd.c (implementations.md §2.2): no RESTRICT, no
 *    DM_OP, nothing checked; unknown ioctls EINVAL.
 * Xen's answers (ESRCH, EINVAL for a PV dm_op target, per-frame errors)
 * are Xen 4.17's: xen/arch/x86/hvm/dm.c dm_op, xen/common/memory.c.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi.h"
#include "xenabi.h"

/* Unknown ioctl: Linux ENOTTY, FreeBSD ENOSYS, NetBSD EINVAL (implementations.md §5 #16). */
#define UNKNOWN	EXPECT(.proposed = -ENOTTY, .linux = -ENOTTY, \
		       .xsa482_domu = -ENOTTY, .freebsd = -ENOSYS, \
		       .netbsd = -EINVAL)
/* Newer than 6.1 (IRQFD 6.6, IOEVENTFD 6.7, PCIDEV_GET_GSI ~6.12): absent. */
#define NOT_IN_61(p)	EXPECT(.proposed = (p), .linux = -ENOTTY, \
			       .xsa482_domu = -ENOTTY, .freebsd = -ENOSYS, \
			       .netbsd = -EINVAL)

/* ---- one helper per ioctl; each returns >= 0 or -errno ---- */

static long hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1,
		      uint64_t a2)
{
	struct privcmd_hypercall h = { .op = op, .arg = { a0, a1, a2 } };

	return xioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
}

static long xen_version(int fd)
{
	return hypercall(fd, HC_xen_version, XENVER_version, 0, 0);
}

/* memory_op(XENMEM_maximum_gpfn, &dom): a guest's highest gfn, 255 here. */
static long max_gpfn(int fd, domid_t dom)
{
	domid_t d = dom;

	return hypercall(fd, HC_memory_op, XENMEM_maximum_gpfn, (uintptr_t)&d,
			 0);
}

static void isa_irq_op(struct abi_dm_op *dm)
{
	memset(dm, 0, sizeof(*dm));
	dm->op = XEN_DMOP_set_isa_irq_level;
	dm->u.set_isa_irq_level.isa_irq = 5;
	dm->u.set_isa_irq_level.level = 1;
}

/* The raw dm_op hypercall: domid in arg 0 (docs/designs/dmop.pandoc). */
static long raw_dm_op(int fd, domid_t dom)
{
	struct abi_dm_op dm;
	struct abi_dm_op_buf buf = { (uintptr_t)&dm, sizeof(dm) };

	isa_irq_op(&dm);
	return hypercall(fd, HC_dm_op, dom, 1, (uintptr_t)&buf);
}

static long dm_op(int fd, domid_t dom, unsigned num, size_t size)
{
	struct abi_dm_op dm[2];
	struct privcmd_dm_op_buf bufs[17];
	struct privcmd_dm_op op = { .dom = dom, .num = (uint16_t)num,
				    .ubufs = bufs };
	unsigned i;

	isa_irq_op(&dm[0]);
	for (i = 0; i < 17; i++) {
		bufs[i].uptr = dm;
		bufs[i].size = i ? sizeof(dm[0]) : size;
	}
	return xioctl(fd, IOCTL_PRIVCMD_DM_OP, &op);
}

static long dm_op_num0(int fd, domid_t dom)
{
	struct privcmd_dm_op op = { .dom = dom, .num = 0, .ubufs = NULL };

	return xioctl(fd, IOCTL_PRIVCMD_DM_OP, &op);
}

static long restrict_to(int fd, domid_t dom)
{
	domid_t d = dom;

	return xioctl(fd, IOCTL_PRIVCMD_RESTRICT, &d);
}

static long resource_size(int fd, domid_t dom, uint64_t *num)
{
	struct privcmd_mmap_resource r = {
		.dom = dom,
		.type = XENMEM_resource_grant_table,
		.id = XENMEM_resource_grant_table_id_shared,
	};
	long rc = xioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r);

	*num = r.num;
	return rc;
}

static long irqfd(int fd, domid_t dom, uint32_t flags)
{
	struct privcmd_irqfd a = { .fd = (uint32_t)-1, .flags = flags,
				   .dom = dom };

	return xioctl(fd, IOCTL_PRIVCMD_IRQFD, &a);
}

static long ioeventfd(int fd, domid_t dom, uint32_t flags)
{
	struct privcmd_ioeventfd a = { .event_fd = (uint32_t)-1,
				       .flags = flags, .dom = dom };

	return xioctl(fd, IOCTL_PRIVCMD_IOEVENTFD, &a);
}

static long pcidev_get_gsi(int fd)
{
	struct privcmd_pcidev_get_gsi a = { .sbdf = 0x0300 };

	return xioctl(fd, IOCTL_PRIVCMD_PCIDEV_GET_GSI, &a);
}

/* MMAP v1 with no entries: Linux copies, checks the domid, maps nothing. */
static long mmap_v1_empty(int fd, domid_t dom)
{
	struct privcmd_mmap m = { .num = 0, .dom = dom, .entry = NULL };

	return xioctl(fd, IOCTL_PRIVCMD_MMAP, &m);
}

/*
 * A foreign mapping: a fresh privcmd region of exactly n pages (Linux
 * wants the whole VMA mapped by the first batch), then MMAPBATCH_V2.
 */
struct batch {
	void *region;
	size_t len;
	int err[4];
	long rc;
};

static void *privcmd_region(int fd, unsigned pages)
{
	int e;
	void *p = xmmap(fd, (size_t)pages * PAGE, PROT_READ | PROT_WRITE, 0,
			&e);

	if (!p)
		check_true("abi.privcmd.mmap.region", false,
			   "mmap of %u pages: %s", pages,
			   errno_name(-e) ? errno_name(-e) : "error");
	return p;
}

static void batch_v2(int fd, domid_t dom, const xen_pfn_t *gfns, unsigned n,
		     struct batch *b)
{
	struct privcmd_mmapbatch_v2 m;
	unsigned i;

	b->len = (size_t)n * PAGE;
	b->region = n ? privcmd_region(fd, n) : NULL;
	for (i = 0; i < 4; i++)
		b->err[i] = 0x5a5a;	/* Linux zeroes err[] first */
	m = (struct privcmd_mmapbatch_v2){ .num = n, .dom = dom,
		.addr = (uintptr_t)b->region, .arr = gfns, .err = b->err };
	b->rc = xioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
}

static void batch_v1(int fd, domid_t dom, xen_pfn_t *gfns, unsigned n,
		     struct batch *b)
{
	struct privcmd_mmapbatch m;

	b->len = (size_t)n * PAGE;
	b->region = privcmd_region(fd, n);
	m = (struct privcmd_mmapbatch){ .num = (int)n, .dom = dom,
		.addr = (uintptr_t)b->region, .arr = gfns };
	b->rc = xioctl(fd, IOCTL_PRIVCMD_MMAPBATCH, &m);
}

static void batch_done(struct batch *b)
{
	xmunmap(b->region, b->len);
	b->region = NULL;
}

/* err[] after a batch: checked only where the batch is expected to work. */
static void check_errs(const char *name, struct expect e,
		       const struct batch *b, int want0, int want1,
		       unsigned n)
{
	bool ok;

	if (!applies(e) || !wants_success(e))
		return;
	ok = b->rc == 0 && b->err[0] == want0 && (n < 2 || b->err[1] == want1);
	if (n < 2)
		check_true(name, ok, "err[] = { %d } (want { %d })", b->err[0],
			   want0);
	else
		check_true(name, ok, "err[] = { %d, %d } (want { %d, %d })",
			   b->err[0], b->err[1], want0, want1);
}

/* ---- groups of checks ---- */

static void unrestricted_hypercalls(int fd)
{
	/* XENVER_version: Xen 4.17 answers 4 << 16 | 17. */
	check("abi.privcmd.hypercall.xen_version",
	      EXPECT(.proposed = XEN_VERSION_4_17, .linux = XEN_VERSION_4_17,
		     .xsa482_domu = -EPERM, .freebsd = XEN_VERSION_4_17,
		     .netbsd = XEN_VERSION_4_17), xen_version(fd));
	check("abi.privcmd.hypercall.memory_op",
	      EXPECT(.proposed = 255, .linux = 255, .xsa482_domu = -EPERM,
		     .freebsd = 255, .netbsd = 255), max_gpfn(fd, TARGET));
	/* Xen: -ENOSYS for a hypercall number it has no handler for. */
	check("abi.privcmd.hypercall.unassigned-op",
	      EXPECT(.proposed = -ENOSYS, .linux = -ENOSYS,
		     .xsa482_domu = -EPERM, .freebsd = -ENOSYS,
		     .netbsd = -ENOSYS),
	      hypercall(fd, HC_unassigned, 0, 0, 0));
	check("abi.privcmd.hypercall.dm_op",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EPERM,
		     .freebsd = 0, .netbsd = 0),
	      raw_dm_op(fd, TARGET));
	/* The copy comes after the restriction check (XSA-482: EPERM). */
	check("abi.privcmd.hypercall.null-arg",
	      EXPECT(.proposed = -EFAULT, .linux = -EFAULT,
		     .xsa482_domu = -EPERM, .freebsd = -EFAULT,
		     .netbsd = -EFAULT),
	      xioctl(fd, IOCTL_PRIVCMD_HYPERCALL, NULL));
	check("abi.privcmd.hypercall.unmapped-arg",
	      EXPECT(.proposed = -EFAULT, .linux = -EFAULT,
		     .xsa482_domu = -EPERM, .freebsd = -EFAULT,
		     .netbsd = -EFAULT),
	      xioctl(fd, IOCTL_PRIVCMD_HYPERCALL, inaccessible_page()));
}

static void unrestricted_dm_op(int fd)
{
	/* num == 0 returns 0 before any hypercall (Linux, FreeBSD). */
	check("abi.privcmd.dm_op.num0",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EPERM,
		     .freebsd = 0, .netbsd = -EINVAL),
	      dm_op_num0(fd, TARGET));
	check("abi.privcmd.dm_op.idle-num0",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = 0, .freebsd = 0,
		     .netbsd = -EINVAL),
	      dm_op_num0(fd, DOMID_IDLE));
	check("abi.privcmd.dm_op.hvm-target",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EPERM,
		     .freebsd = 0, .netbsd = -EINVAL),
	      dm_op(fd, TARGET, 1, sizeof(struct abi_dm_op)));
	/* Xen dm_op: !is_hvm_domain(d) -> -EINVAL; no domain -> -ESRCH. */
	check("abi.privcmd.dm_op.pv-domain",
	      EXPECT(.proposed = -EINVAL, .linux = -EINVAL,
		     .xsa482_domu = -EPERM, .freebsd = -EINVAL,
		     .netbsd = -EINVAL),
	      dm_op(fd, PV_DOM, 1, sizeof(struct abi_dm_op)));
	check("abi.privcmd.dm_op.absent-domain",
	      EXPECT(.proposed = -ESRCH, .linux = -ESRCH, .xsa482_domu = -EPERM,
		     .freebsd = -ESRCH, .netbsd = -EINVAL),
	      dm_op(fd, ABSENT, 1, sizeof(struct abi_dm_op)));
	/* dm_op_max_nr_bufs 16, dm_op_buf_max_size 4096 (module params). */
	check("abi.privcmd.dm_op.too-many-bufs",
	      EXPECT(.proposed = -E2BIG, .linux = -E2BIG, .xsa482_domu = -EPERM,
		     .freebsd = -E2BIG, .netbsd = -EINVAL),
	      dm_op(fd, TARGET, 17, sizeof(struct abi_dm_op)));
	check("abi.privcmd.dm_op.buf-too-big",
	      EXPECT(.proposed = -E2BIG, .linux = -E2BIG, .xsa482_domu = -EPERM,
		     .freebsd = -E2BIG, .netbsd = -EINVAL),
	      dm_op(fd, TARGET, 1, PAGE + 1));
	check("abi.privcmd.dm_op.null-arg",
	      EXPECT(.proposed = -EFAULT, .linux = -EFAULT,
		     .xsa482_domu = -EFAULT, .freebsd = -EFAULT,
		     .netbsd = -EINVAL),
	      xioctl(fd, IOCTL_PRIVCMD_DM_OP, NULL));
	{
		struct privcmd_dm_op op = { .dom = TARGET, .num = 1 };

		check("abi.privcmd.dm_op.null-bufs",
		      EXPECT(.proposed = -EFAULT, .linux = -EFAULT,
			     .xsa482_domu = -EPERM, .freebsd = -EFAULT,
			     .netbsd = -EINVAL),
		      xioctl(fd, IOCTL_PRIVCMD_DM_OP, &op));
	}
}

static void unrestricted_resource(int fd)
{
	struct expect e = EXPECT(.proposed = 0, .linux = 0,
				 .xsa482_domu = -EPERM, .freebsd = 0,
				 .netbsd = 0);
	uint64_t num = 0;
	long rc;

	/* addr == num == 0: the size, here the grant table's max frames. */
	rc = check("abi.privcmd.mmap_resource.size-query", e,
		   resource_size(fd, TARGET, &num));
	if (wants_success(e))
		check_true("abi.privcmd.mmap_resource.size-query.num",
			   rc == 0 && num == GNTTAB_MAX_FRAMES,
			   "num = %llu (want %u)", (unsigned long long)num,
			   GNTTAB_MAX_FRAMES);
	/* XSA-482: aimed at DOMID_IDLE it reaches Xen, which answers ESRCH. */
	check("abi.privcmd.mmap_resource.idle-domain", ALL(-ESRCH),
	      resource_size(fd, DOMID_IDLE, &num));
	{
		struct privcmd_mmap_resource r = {
			.dom = TARGET, .type = XENMEM_resource_grant_table,
			.num = 1,
		};

		/* "Both fields must be set or unset". */
		check("abi.privcmd.mmap_resource.half-set",
		      EXPECT(.proposed = -EINVAL, .linux = -EINVAL,
			     .xsa482_domu = -EPERM, .freebsd = -EINVAL,
			     .netbsd = -EINVAL),
		      xioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r));
	}
	check("abi.privcmd.mmap_resource.null-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, NULL));
}

static void unrestricted_mappings(int fd)
{
	struct expect ok = EXPECT(.proposed = 0, .linux = 0,
				  .xsa482_domu = -EPERM, .freebsd = 0,
				  .netbsd = 0);
	struct expect v1 = EXPECT(.proposed = 0, .linux = 0,
				  .xsa482_domu = -EPERM, .freebsd = -ENOSYS,
				  .netbsd = 0);
	/* MMAP v1: ENOSYS first in an auto-translated (HVM) domU kernel. */
	struct expect mmap_v1 = EXPECT(.proposed = 0, .linux = 0,
				       .xsa482_domu = -ENOSYS,
				       .freebsd = -ENOSYS, .netbsd = 0);
	xen_pfn_t gfns[2] = { 0, 5 };
	struct batch b;

	batch_v2(fd, TARGET, gfns, 2, &b);
	check("abi.privcmd.mmapbatch_v2.target", ok, b.rc);
	check_errs("abi.privcmd.mmapbatch_v2.target.err", ok, &b, 0, 0, 2);
	check_pattern("abi.privcmd.mmapbatch_v2.target.pattern-gfn0", ok,
		      b.rc == 0, b.region, TARGET, 0, 0x10);
	check_pattern("abi.privcmd.mmapbatch_v2.target.pattern-gfn5", ok,
		      b.rc == 0, b.region ? (uint8_t *)b.region + PAGE : NULL,
		      TARGET, 5, 0xff8);
	batch_done(&b);

	/* A gfn the guest does not have: per-frame -EINVAL, ioctl 0. */
	gfns[1] = GUEST_PAGES + 44;
	batch_v2(fd, TARGET, gfns, 2, &b);
	check("abi.privcmd.mmapbatch_v2.missing-gfn", ok, b.rc);
	check_errs("abi.privcmd.mmapbatch_v2.missing-gfn.err", ok, &b, 0,
		   -EINVAL, 2);
	check_pattern("abi.privcmd.mmapbatch_v2.missing-gfn.pattern", ok,
		      b.rc == 0, b.region, TARGET, 0, 0x18);
	batch_done(&b);

	/* No such domain: Xen refuses every frame with -ESRCH. */
	gfns[0] = 0;
	batch_v2(fd, ABSENT, gfns, 1, &b);
	check("abi.privcmd.mmapbatch_v2.absent-domain", ok, b.rc);
	check_errs("abi.privcmd.mmapbatch_v2.absent-domain.err", ok, &b,
		   -ESRCH, 0, 1);
	batch_done(&b);

	/* m.num <= 0 is EINVAL, after the domid check. */
	batch_v2(fd, TARGET, gfns, 0, &b);
	check("abi.privcmd.mmapbatch_v2.num0",
	      EXPECT(.proposed = -EINVAL, .linux = -EINVAL,
		     .xsa482_domu = -EPERM, .freebsd = -EINVAL,
		     .netbsd = -EINVAL), b.rc);
	batch_done(&b);
	check("abi.privcmd.mmapbatch_v2.null-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, NULL));
	{
		/* The address must be a privcmd VMA of exactly num pages. */
		void *anon = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		void *two = privcmd_region(fd, 2);
		int err[1];
		struct privcmd_mmapbatch_v2 m = { .num = 1, .dom = TARGET,
			.addr = (uintptr_t)anon, .arr = gfns, .err = err };

		check("abi.privcmd.mmapbatch_v2.not-privcmd-vma",
		      EXPECT(.proposed = -EINVAL, .linux = -EINVAL,
			     .xsa482_domu = -EPERM, .freebsd = -EINVAL,
			     .netbsd = -EINVAL),
		      xioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m));
		m.addr = (uintptr_t)two;
		check("abi.privcmd.mmapbatch_v2.vma-size-mismatch",
		      EXPECT(.proposed = -EINVAL, .linux = -EINVAL,
			     .xsa482_domu = -EPERM, .freebsd = -EINVAL,
			     .netbsd = -EINVAL),
		      xioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m));
		xmunmap(two, 2 * PAGE);
		if (anon != MAP_FAILED)
			munmap(anon, PAGE);
	}

	/* v1: errors are or'ed into arr[] (PRIVCMD_MMAPBATCH_MFN_ERROR). */
	gfns[0] = 7;
	batch_v1(fd, TARGET, gfns, 1, &b);
	check("abi.privcmd.mmapbatch.target", v1, b.rc);
	check_pattern("abi.privcmd.mmapbatch.target.pattern", v1, b.rc == 0,
		      b.region, TARGET, 7, 0x100);
	batch_done(&b);
	gfns[0] = GUEST_PAGES + 44;
	batch_v1(fd, TARGET, gfns, 1, &b);
	check("abi.privcmd.mmapbatch.missing-gfn", v1, b.rc);
	if (wants_success(v1))
		check_true("abi.privcmd.mmapbatch.missing-gfn.arr",
			   b.rc == 0 && gfns[0] == ((GUEST_PAGES + 44) |
					PRIVCMD_MMAPBATCH_MFN_ERROR),
			   "arr[0] = %#lx", (unsigned long)gfns[0]);
	batch_done(&b);
	/* MMAP v1 on a PV dom0: no entries, nothing to map, 0. */
	check("abi.privcmd.mmap.empty", mmap_v1, mmap_v1_empty(fd, TARGET));
}

static void newer_ioctls(int fd, const char *when, struct expect bad_flags)
{
	char name[64];

	/* Unknown flags are EINVAL before the restriction check (6.6+). */
	snprintf(name, sizeof(name), "abi.privcmd.%sirqfd.bad-flags", when);
	check(name, bad_flags, irqfd(fd, TARGET, 0x80));
	snprintf(name, sizeof(name), "abi.privcmd.%sioeventfd.bad-flags", when);
	check(name, bad_flags, ioeventfd(fd, TARGET, 0x80));
}

static void unrestricted_misc(int fd)
{
	int on = 1, off = 0;

	newer_ioctls(fd, "", NOT_IN_61(-EINVAL));
	/* The sim has no PCI devices: pciback's lookup finds none. */
	check("abi.privcmd.pcidev_get_gsi", NOT_IN_61(-ENODEV),
	      pcidev_get_gsi(fd));
	check("abi.privcmd.unknown-ioctl", UNKNOWN,
	      xioctl(fd, IOCTL_PRIVCMD_UNIMPLEMENTED, NULL));
	check("abi.privcmd.unknown-ioctl.other-magic", UNKNOWN,
	      xioctl(fd, _IOC(_IOC_NONE, 'Z', 0x33, 0), NULL));
	/* The VFS answers FIONBIO itself, before the driver (fs/ioctl.c). */
	check("abi.privcmd.vfs.fionbio", ALL(0), xioctl(fd, FIONBIO, &on));
	check_true("abi.privcmd.vfs.fionbio.flag",
		   (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, "O_NONBLOCK %s",
		   (fcntl(fd, F_GETFL) & O_NONBLOCK) ? "set" : "not set");
	xioctl(fd, FIONBIO, &off);
}

/*
 * RESTRICT on fresh handles.  Linux stores any domid (DOMID_INVALID is
 * its own "unrestricted"); proposed refuses reserved domids; XSA-482
 * handles are already restricted to DOMID_IDLE, so only that succeeds.
 */
static void restrict_values(const char *path)
{
	int fd;

	fd = xopen(path);
	check("abi.privcmd.restrict.domid0",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EINVAL,
		     .freebsd = 0, .netbsd = -EINVAL),
	      restrict_to(fd, 0));
	check("abi.privcmd.restrict.domid0.dm_op-other",
	      EXPECT(.proposed = -EPERM, .linux = -EPERM, .xsa482_domu = -EPERM,
		     .freebsd = -EPERM, .netbsd = -EINVAL),
	      dm_op_num0(fd, TARGET));
	xclose(fd);

	fd = xopen(path);
	check("abi.privcmd.restrict.domid-self",
	      EXPECT(.proposed = -EINVAL, .linux = 0, .xsa482_domu = -EINVAL,
		     .freebsd = 0, .netbsd = -EINVAL),
	      restrict_to(fd, DOMID_SELF));
	check("abi.privcmd.restrict.domid-self.hypercall",
	      EXPECT(.proposed = 255, .linux = -EPERM, .xsa482_domu = -EPERM,
		     .freebsd = -EPERM, .netbsd = 255), max_gpfn(fd, TARGET));
	xclose(fd);

	fd = xopen(path);
	check("abi.privcmd.restrict.domid-invalid",
	      EXPECT(.proposed = -EINVAL, .linux = 0, .xsa482_domu = -EINVAL,
		     .freebsd = 0, .netbsd = -EINVAL),
	      restrict_to(fd, DOMID_INVALID));
	/* Linux: DOMID_INVALID leaves the handle unrestricted... */
	check("abi.privcmd.restrict.domid-invalid.hypercall",
	      EXPECT(.proposed = 255, .linux = 255, .xsa482_domu = -EPERM,
		     .freebsd = 255, .netbsd = 255), max_gpfn(fd, TARGET));
	/* ... so restricting it to a real domain afterwards succeeds. */
	check("abi.privcmd.restrict.domid-invalid.then-other",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EINVAL,
		     .freebsd = 0, .netbsd = -EINVAL), restrict_to(fd, OTHER));
	xclose(fd);

	fd = xopen(path);
	check("abi.privcmd.restrict.domid-idle",
	      EXPECT(.proposed = -EINVAL, .linux = 0, .xsa482_domu = 0,
		     .freebsd = 0, .netbsd = -EINVAL),
	      restrict_to(fd, DOMID_IDLE));
	xclose(fd);

	/* No existence check in any kernel; XSA-482: "RESTRICT 5 -> EINVAL". */
	fd = xopen(path);
	check("abi.privcmd.restrict.absent-domid",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EINVAL,
		     .freebsd = 0, .netbsd = -EINVAL), restrict_to(fd, 5));
	xclose(fd);

	fd = xopen(path);
	check("abi.privcmd.restrict.null-arg",
	      EXPECT(.proposed = -EFAULT, .linux = -EFAULT,
		     .xsa482_domu = -EFAULT, .freebsd = -EFAULT,
		     .netbsd = -EINVAL),
	      xioctl(fd, IOCTL_PRIVCMD_RESTRICT, NULL));
	check("abi.privcmd.restrict.unmapped-arg",
	      EXPECT(.proposed = -EFAULT, .linux = -EFAULT,
		     .xsa482_domu = -EFAULT, .freebsd = -EFAULT,
		     .netbsd = -EINVAL),
	      xioctl(fd, IOCTL_PRIVCMD_RESTRICT, inaccessible_page()));
	xclose(fd);
}

/* A handle restricted to TARGET (XSA-482: still to DOMID_IDLE). */
static void restricted(int fd)
{
	struct expect tgt = EXPECT(.proposed = 0, .linux = 0,
				   .xsa482_domu = -EPERM, .freebsd = 0,
				   .netbsd = 0);
	struct expect oth = EXPECT(.proposed = -EPERM, .linux = -EPERM,
				   .xsa482_domu = -EPERM, .freebsd = -EPERM,
				   .netbsd = 0);
	struct expect v1t = EXPECT(.proposed = -ENOSYS, .linux = 0,
				   .xsa482_domu = -EPERM, .freebsd = -ENOSYS,
				   .netbsd = 0);
	struct expect v1o = EXPECT(.proposed = -ENOSYS, .linux = -EPERM,
				   .xsa482_domu = -EPERM, .freebsd = -ENOSYS,
				   .netbsd = 0);
	xen_pfn_t gfn[1] = { 9 };
	struct batch b;
	uint64_t num = 0;
	long rc;

	/* proposed whitelists xen_version; Linux refuses every raw call. */
	check("abi.privcmd.restricted.hypercall.xen_version",
	      EXPECT(.proposed = XEN_VERSION_4_17, .linux = -EPERM,
		     .xsa482_domu = -EPERM, .freebsd = -EPERM,
		     .netbsd = XEN_VERSION_4_17), xen_version(fd));
	check("abi.privcmd.restricted.hypercall.memory_op",
	      EXPECT(.proposed = -ENOSYS, .linux = -EPERM,
		     .xsa482_domu = -EPERM, .freebsd = -EPERM, .netbsd = 255),
	      max_gpfn(fd, TARGET));
	check("abi.privcmd.restricted.hypercall.unassigned-op",
	      EXPECT(.proposed = -ENOSYS, .linux = -EPERM,
		     .xsa482_domu = -EPERM, .freebsd = -EPERM,
		     .netbsd = -ENOSYS),
	      hypercall(fd, HC_unassigned, 0, 0, 0));
	/* dm_op is whitelisted by proposed with its domid (arg 0) audited. */
	check("abi.privcmd.restricted.hypercall.dm_op-target",
	      EXPECT(.proposed = 0, .linux = -EPERM, .xsa482_domu = -EPERM,
		     .freebsd = -EPERM, .netbsd = 0), raw_dm_op(fd, TARGET));
	check("abi.privcmd.restricted.hypercall.dm_op-other",
	      EXPECT(.proposed = -EPERM, .linux = -EPERM, .xsa482_domu = -EPERM,
		     .freebsd = -EPERM, .netbsd = 0), raw_dm_op(fd, OTHER));
	/* Linux refuses before the copy: EPERM, not EFAULT. */
	check("abi.privcmd.restricted.hypercall.null-arg",
	      EXPECT(.proposed = -EFAULT, .linux = -EPERM,
		     .xsa482_domu = -EPERM, .freebsd = -EPERM,
		     .netbsd = -EFAULT),
	      xioctl(fd, IOCTL_PRIVCMD_HYPERCALL, NULL));

	check("abi.privcmd.restricted.dm_op.target-num0",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EPERM,
		     .freebsd = 0, .netbsd = -EINVAL), dm_op_num0(fd, TARGET));
	check("abi.privcmd.restricted.dm_op.other-num0",
	      EXPECT(.proposed = -EPERM, .linux = -EPERM, .xsa482_domu = -EPERM,
		     .freebsd = -EPERM, .netbsd = -EINVAL),
	      dm_op_num0(fd, OTHER));
	check("abi.privcmd.restricted.dm_op.target",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EPERM,
		     .freebsd = 0, .netbsd = -EINVAL),
	      dm_op(fd, TARGET, 1, sizeof(struct abi_dm_op)));
	check("abi.privcmd.restricted.dm_op.other",
	      EXPECT(.proposed = -EPERM, .linux = -EPERM, .xsa482_domu = -EPERM,
		     .freebsd = -EPERM, .netbsd = -EINVAL),
	      dm_op(fd, OTHER, 1, sizeof(struct abi_dm_op)));
	/* The copy comes first: a bad pointer is EFAULT, restricted or not. */
	check("abi.privcmd.restricted.dm_op.null-arg",
	      EXPECT(.proposed = -EFAULT, .linux = -EFAULT,
		     .xsa482_domu = -EFAULT, .freebsd = -EFAULT,
		     .netbsd = -EINVAL),
	      xioctl(fd, IOCTL_PRIVCMD_DM_OP, NULL));

	batch_v2(fd, TARGET, gfn, 1, &b);
	check("abi.privcmd.restricted.mmapbatch_v2.target", tgt, b.rc);
	check_pattern("abi.privcmd.restricted.mmapbatch_v2.target.pattern", tgt,
		      b.rc == 0, b.region, TARGET, 9, 0x40);
	batch_done(&b);
	batch_v2(fd, OTHER, gfn, 1, &b);
	check("abi.privcmd.restricted.mmapbatch_v2.other", oth, b.rc);
	check_pattern("abi.privcmd.restricted.mmapbatch_v2.other.pattern", oth,
		      b.rc == 0, b.region, OTHER, 9, 0x40);
	batch_done(&b);
	batch_v2(fd, ABSENT, gfn, 1, &b);
	check("abi.privcmd.restricted.mmapbatch_v2.absent", oth, b.rc);
	batch_done(&b);

	/* proposed: only the newest mapping ioctl is whitelisted. */
	gfn[0] = 9;
	batch_v1(fd, TARGET, gfn, 1, &b);
	check("abi.privcmd.restricted.mmapbatch.target", v1t, b.rc);
	batch_done(&b);
	gfn[0] = 9;
	batch_v1(fd, OTHER, gfn, 1, &b);
	check("abi.privcmd.restricted.mmapbatch.other", v1o, b.rc);
	batch_done(&b);
	check("abi.privcmd.restricted.mmap.target",
	      EXPECT(.proposed = -ENOSYS, .linux = 0, .xsa482_domu = -ENOSYS,
		     .freebsd = -ENOSYS, .netbsd = 0),
	      mmap_v1_empty(fd, TARGET));
	check("abi.privcmd.restricted.mmap.other",
	      EXPECT(.proposed = -ENOSYS, .linux = -EPERM,
		     .xsa482_domu = -ENOSYS, .freebsd = -ENOSYS, .netbsd = 0),
	      mmap_v1_empty(fd, OTHER));

	rc = check("abi.privcmd.restricted.mmap_resource.target", tgt,
		   resource_size(fd, TARGET, &num));
	if (wants_success(tgt))
		check_true("abi.privcmd.restricted.mmap_resource.target.num",
			   rc == 0 && num == GNTTAB_MAX_FRAMES,
			   "num = %llu (want %u)", (unsigned long long)num,
			   GNTTAB_MAX_FRAMES);
	check("abi.privcmd.restricted.mmap_resource.other", oth,
	      resource_size(fd, OTHER, &num));

	newer_ioctls(fd, "restricted.", NOT_IN_61(-EINVAL));
	/* Flags valid, domain wrong: EPERM where the ioctl exists. */
	check("abi.privcmd.restricted.irqfd.other", NOT_IN_61(-EPERM),
	      irqfd(fd, OTHER, 0));
	check("abi.privcmd.restricted.ioeventfd.other", NOT_IN_61(-EPERM),
	      ioeventfd(fd, OTHER, 0));
	/* proposed: not on the whitelist (no target domain to audit). */
	check("abi.privcmd.restricted.pcidev_get_gsi", NOT_IN_61(-ENOSYS),
	      pcidev_get_gsi(fd));
	check("abi.privcmd.restricted.unknown-ioctl", UNKNOWN,
	      xioctl(fd, IOCTL_PRIVCMD_UNIMPLEMENTED, NULL));
}

/* The restriction belongs to the open file description (implementations.md §1.5). */
static void sharing(const char *path, int restricted_fd)
{
	struct expect blocked = EXPECT(.proposed = -ENOSYS, .linux = -EPERM,
				       .xsa482_domu = -EPERM, .freebsd = -EPERM,
				       .netbsd = 255);
	int d, o, d2;

	d = dup(restricted_fd);
	check("abi.privcmd.dup.restrict-other",
	      EXPECT(.proposed = -EPERM, .linux = -EINVAL,
		     .xsa482_domu = -EINVAL, .freebsd = -EINVAL,
		     .netbsd = -EINVAL),
	      restrict_to(d, OTHER));
	check("abi.privcmd.dup.hypercall", blocked, max_gpfn(d, TARGET));
	xclose(d);

	o = xopen(path);
	d2 = dup(o);
	check("abi.privcmd.dup.restrict",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EINVAL,
		     .freebsd = 0, .netbsd = -EINVAL),
	      restrict_to(d2, TARGET));
	check("abi.privcmd.dup.restricts-original", blocked,
	      max_gpfn(o, TARGET));
	xclose(o);
	check("abi.privcmd.dup.survives-close", blocked, max_gpfn(d2, TARGET));
	xclose(d2);

	/* A new open() is a fresh, unrestricted handle in dom0. */
	o = xopen(path);
	check("abi.privcmd.reopen.unrestricted",
	      EXPECT(.proposed = 255, .linux = 255, .xsa482_domu = -EPERM,
		     .freebsd = 255, .netbsd = 255), max_gpfn(o, TARGET));
	xclose(o);
}

void privcmd_checks(void)
{
	static const char path[] = "/dev/xen/privcmd";
	int fd, r;

	fd = open_section("privcmd", path, true);
	if (fd < 0)
		return;
	unrestricted_hypercalls(fd);
	unrestricted_dm_op(fd);
	unrestricted_resource(fd);
	unrestricted_mappings(fd);
	unrestricted_misc(fd);
	xclose(fd);

	restrict_values(path);

	r = xopen(path);
	check("abi.privcmd.restrict.first",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EINVAL,
		     .freebsd = 0, .netbsd = -EINVAL),
	      restrict_to(r, TARGET));
	/* Linux and FreeBSD: same domid again is 0; another is EINVAL. */
	check("abi.privcmd.restrict.same-domid",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EINVAL,
		     .freebsd = 0, .netbsd = -EINVAL), restrict_to(r, TARGET));
	check("abi.privcmd.restrict.other-domid",
	      EXPECT(.proposed = -EPERM, .linux = -EINVAL,
		     .xsa482_domu = -EINVAL, .freebsd = -EINVAL,
		     .netbsd = -EINVAL),
	      restrict_to(r, OTHER));
	check("abi.privcmd.restrict.null-arg-restricted",
	      EXPECT(.proposed = -EFAULT, .linux = -EFAULT,
		     .xsa482_domu = -EFAULT, .freebsd = -EFAULT,
		     .netbsd = -EINVAL),
	      xioctl(r, IOCTL_PRIVCMD_RESTRICT, NULL));
	restricted(r);
	sharing(path, r);
	xclose(r);
}
