/* SPDX-License-Identifier: MIT */
/*
 * Mappings: privcmd foreign mappings, gntdev grant mappings and gntalloc
 * pages are real shared mappings of the domains' memory; an unpopulated
 * privcmd page faults with SIGBUS; device mappings are not inherited by
 * fork (VM_DONTCOPY); munmap is seen.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

static uint64_t *map_dev(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);

	expect(p != MAP_FAILED, "mmap(fd %d, len %zu, off %lld): %s", fd, len,
	       (long long)off, strerror(errno));
	return p == MAP_FAILED ? NULL : p;
}

static bool shows_pattern(const uint64_t *p, uint16_t dom, uint64_t gfn)
{
	unsigned i;

	for (i = 0; i < PAGE / 8; i += 37)
		if (p[i] != pattern(dom, gfn, i * 8)) {
			check_note("word %u: %#llx, want %#llx", i,
				   (unsigned long long)p[i],
				   (unsigned long long)pattern(dom, gfn, i * 8));
			return false;
		}
	return true;
}

/* A privcmd mapping of guest 1's gfn, or NULL. */
static uint64_t *foreign_map(int fd, uint64_t gfn)
{
	uint64_t *p = map_dev(fd, PAGE, 0);
	int err = 0;

	if (!p)
		return NULL;
	if (privcmd_map_gfn(fd, 1, p, gfn, &err) < 0 || err) {
		check_fail(__FILE__, __LINE__, "MMAPBATCH_V2(dom 1, gfn %llu): "
			   "%s, err[0] %d", (unsigned long long)gfn,
			   strerror(errno), err);
		munmap(p, PAGE);
		return NULL;
	}
	return p;
}

static void privcmd_foreign_mapping_aliases(void)
{
	int fd = dev_open("/dev/xen/privcmd", O_RDWR);
	uint64_t *p, *q;

	p = foreign_map(fd, 0);
	if (!p)
		return;
	expect(shows_pattern(p, 1, 0), "the mapping is not guest 1's gfn 0");
	p[5] = 0xfeedfacecafebeefull;
	q = foreign_map(fd, 0);
	if (!q)
		return;
	expect(q != p, "same address twice");
	expect(q[5] == 0xfeedfacecafebeefull, "a write through one mapping "
	       "is not seen through another: %#llx", (unsigned long long)q[5]);
	q[6] = 42;
	expect(p[6] == 42, "and back");
	expect_ok(munmap(p, PAGE));
	expect(q[5] == 0xfeedfacecafebeefull, "unmapping one lost the other");
	/* A second handle sees the same machine. */
	{
		int fd2 = dev_open("/dev/xen/privcmd", O_RDWR);
		uint64_t *r = foreign_map(fd2, 0);

		expect(r && r[6] == 42, "another handle's mapping differs");
	}
	/* The mapping outlives the fd (the VMA holds the file). */
	close(fd);
	expect(q[5] == 0xfeedfacecafebeefull, "closing the fd broke the map");
}

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	siglongjmp(fault_jmp, sig);
}

/*
 * Read *p in this process (a child would not have the mapping: it is not
 * inherited): 0 if it worked, else the signal it raised.
 */
static int touch(const void *p)
{
	struct sigaction sa = { .sa_handler = on_fault }, obus, osegv;
	int sig;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &obus);
	sigaction(SIGSEGV, &sa, &osegv);
	sig = sigsetjmp(fault_jmp, 1);
	if (!sig)
		(void)*(const volatile uint64_t *)p;
	sigaction(SIGBUS, &obus, NULL);
	sigaction(SIGSEGV, &osegv, NULL);
	return sig;
}

static void privcmd_unpopulated_sigbus(void)
{
	int fd = dev_open("/dev/xen/privcmd", O_RDWR);
	uint64_t *p = map_dev(fd, 2 * PAGE, 0);
	int rc, err[2] = { -1, -1 };
	xen_pfn_t gfns[2] = { 3, 1u << 29 };	/* 1<<29: never populated */
	struct privcmd_mmapbatch_v2 m = {
		.num = 2, .dom = 1, .addr = (uintptr_t)p, .arr = gfns,
		.err = err,
	};

	if (!p)
		return;
	rc = touch(p);
	expect(rc == SIGBUS, "touching an empty privcmd mapping: %d, want "
	       "SIGBUS", rc);
	/* Partly successful batch: the good frame maps, the bad one not. */
	errno = 0;
	rc = ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
	/* privcmd_ioctl_mmap_batch: V2 reports per frame, fails only ENOENT. */
	expect((rc == 0 || errno == ENOENT) && err[0] == 0 && err[1] != 0,
	       "batch with a bad gfn: rc %d errno %s err %d/%d", rc,
	       strerror(errno), err[0], err[1]);
	expect(err[0] || shows_pattern(p, 1, 3), "good frame not mapped");
	rc = touch((char *)p + PAGE);
	expect(rc == SIGBUS, "the failed frame: %d, want SIGBUS", rc);
}

static int mmap_v1(int fd, void *addr, uint64_t gfn)
{
	struct privcmd_mmap_entry e = { .va = (uintptr_t)addr, .mfn = gfn,
					.npages = 1 };
	struct privcmd_mmap m = { .num = 1, .dom = 1, .entry = &e };

	return ioctl(fd, IOCTL_PRIVCMD_MMAP, &m);
}

/*
 * privcmd remembers which mappings an ioctl populated (Linux 6.1
 * drivers/xen/privcmd.c: vma->vm_private_data): v1 MMAP refuses one;
 * MMAPBATCH takes a whole fresh one, or only holes of a populated one.
 */
static void privcmd_populated_mapping_remembered(void)
{
	int fd = dev_open("/dev/xen/privcmd", O_RDWR);
	uint64_t *p = map_dev(fd, 2 * PAGE, 0), *q;
	int rc, err[2] = { -1, -1 }, err1 = -1;
	xen_pfn_t gfns[2] = { 3, 1u << 29 };	/* 1<<29: never populated */
	struct privcmd_mmapbatch_v2 m = {
		.num = 2, .dom = 1, .addr = (uintptr_t)p, .arr = gfns,
		.err = err,
	};

	if (!p)
		return;
	errno = 0;
	rc = ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
	expect((rc == 0 || errno == ENOENT) && !err[0] && err[1],
	       "batch: rc %d (%s) err %d/%d", rc, strerror(errno), err[0],
	       err[1]);
	expect_errno(mmap_v1(fd, p, 0), EINVAL);
	/* The whole range again: page 0 is mapped. */
	expect_errno(ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m), EINVAL);
	/* The hole the first batch left takes a frame, once. */
	expect_ok(privcmd_map_gfn(fd, 1, (char *)p + PAGE, 4, &err1));
	expect(!err1 && shows_pattern(p + PAGE / 8, 1, 4),
	       "the hole was not filled: err %d", err1);
	expect_errno(privcmd_map_gfn(fd, 1, (char *)p + PAGE, 4, &err1),
		     EINVAL);
	/* v1 MMAP populates too, and a prefix of the mapping is enough. */
	q = map_dev(fd, 2 * PAGE, 0);
	if (!q)
		return;
	expect_ok(mmap_v1(fd, q, 5));
	expect(shows_pattern(q, 1, 5), "v1 MMAP did not map gfn 5");
	expect_errno(mmap_v1(fd, q, 5), EINVAL);
	expect_errno(privcmd_map_gfn(fd, 1, q, 5, &err1), EINVAL);
	expect_ok(privcmd_map_gfn(fd, 1, (char *)q + PAGE, 6, &err1));
	/* Unmapped and mapped again: a new mapping, nothing remembered. */
	expect_ok(munmap(q, 2 * PAGE));
	q = map_dev(fd, PAGE, 0);
	expect(q && mmap_v1(fd, q, 7) == 0, "a fresh mapping: %s",
	       strerror(errno));
	/* What is left of a populated mapping stays populated. */
	expect_ok(munmap(p, PAGE));
	expect_errno(mmap_v1(fd, (char *)p + PAGE, 0), EINVAL);
}

static void gntdev_mapping_aliases(void)
{
	int g1 = dev_open("/dev/xen/gntdev", O_RDWR);
	int g2 = dev_open("/dev/xen/gntdev", O_RDWR);
	long long i1 = gntdev_map_ref(g1, 1, 8), i2 = gntdev_map_ref(g2, 1, 8);
	uint64_t *a, *b;

	expect(i1 >= 0 && i2 >= 0, "MAP_GRANT_REF(dom 1, ref 8): %s",
	       strerror(errno));
	if (i1 < 0 || i2 < 0)
		return;
	a = map_dev(g1, PAGE, (off_t)i1);
	b = map_dev(g2, PAGE, (off_t)i2);
	if (!a || !b)
		return;
	/* Ref 8 grants guest 1's gfn 0. */
	expect(shows_pattern(a, 1, 0), "the grant is not gfn 0 of guest 1");
	a[9] = 0x5151;
	expect(b[9] == 0x5151, "two grant mappings do not alias");
	/* And the same page a privcmd foreign mapping shows. */
	{
		int p = dev_open("/dev/xen/privcmd", O_RDWR);
		uint64_t *f = foreign_map(p, 0);

		expect(f && f[9] == 0x5151, "gntdev and privcmd disagree");
		if (f)
			f[10] = 0x6262;
		expect(!f || a[10] == 0x6262, "privcmd write not in the grant");
	}
	expect_ok(munmap(a, PAGE));
	expect_ok(munmap(b, PAGE));
	/* Bad offsets and lengths: as mm/mmap.c and gntdev answer. */
	expect(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, g1, (off_t)i1 + 1) ==
	       MAP_FAILED && errno == EINVAL, "unaligned offset");
	expect(mmap(NULL, 0, PROT_READ, MAP_SHARED, g1, (off_t)i1) ==
	       MAP_FAILED && errno == EINVAL, "zero length");
	expect(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, g1, 1ll << 40) ==
	       MAP_FAILED, "an offset nothing was mapped at");
}

static int poke(void *p)
{
	struct sigaction sa = { .sa_handler = on_fault }, osegv;
	int sig;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &osegv);
	sig = sigsetjmp(fault_jmp, 1);
	if (!sig)
		*(volatile uint64_t *)p = 1;
	sigaction(SIGSEGV, &osegv, NULL);
	return sig;
}

/* Ref 11 of each guest is a read-only grant of gfn 3. */
static void readonly_grant_stays_readonly(void)
{
	int g = dev_open("/dev/xen/gntdev", O_RDWR);
	long long i = gntdev_map_ref(g, 1, 11);
	uint64_t *p;

	expect(i >= 0, "MAP_GRANT_REF(dom 1, ref 11): %s", strerror(errno));
	if (i < 0)
		return;
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, g, (off_t)i);
	expect(p != MAP_FAILED, "read-only mmap of a read-only grant: %s",
	       strerror(errno));
	if (p == MAP_FAILED)
		return;
	expect(shows_pattern(p, 1, 3), "ref 11 is not gfn 3");
	expect(poke(p) == SIGSEGV, "wrote through a read-only grant");
	expect(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == -1,
	       "mprotect made a read-only grant writable");
	expect(poke(p) == SIGSEGV, "wrote after mprotect");
	expect(shows_pattern(p, 1, 3), "the grant's page changed");
}

static void gntalloc_pages_shared(void)
{
	int fd = dev_open("/dev/xen/gntalloc", O_RDWR);
	struct ioctl_gntalloc_alloc_gref a = {
		.domid = 1, .flags = GNTALLOC_FLAG_WRITABLE, .count = 1,
	};
	uint64_t *p, *q;

	if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &a) < 0) {
		check_fail(__FILE__, __LINE__, "ALLOC_GREF: %s",
			   strerror(errno));
		return;
	}
	p = map_dev(fd, PAGE, (off_t)a.index);
	q = map_dev(fd, PAGE, (off_t)a.index);
	if (!p || !q)
		return;
	p[1] = 77;
	expect(q[1] == 77, "two mappings of one gntalloc page differ");
	expect_ok(munmap(p, PAGE));
	expect_ok(munmap(q, PAGE));
}

static void touch_inherited(void *arg)
{
	int sig = touch(arg);

	expect(sig == SIGSEGV, "child touching a parent's grant mapping: "
	       "signal %d, want SIGSEGV", sig);
}

static void mappings_not_inherited(void)
{
	int g = dev_open("/dev/xen/gntdev", O_RDWR);
	long long i = gntdev_map_ref(g, 1, 9);
	uint64_t *a;
	int rc;

	if (i < 0) {
		check_fail(__FILE__, __LINE__, "MAP_GRANT_REF: %s",
			   strerror(errno));
		return;
	}
	a = map_dev(g, PAGE, (off_t)i);
	if (!a)
		return;
	expect(shows_pattern(a, 1, 1), "ref 9 is not gfn 1");
	rc = run_in_child(touch_inherited, a);
	expect(rc == 0, "the child failed: %d", rc);
	/* The parent's mapping is intact. */
	expect(shows_pattern(a, 1, 1), "fork disturbed the parent's mapping");
}

static void mmap_access_and_fixed(void)
{
	int ro = dev_open("/dev/xen/privcmd", O_RDONLY);
	int wo = dev_open("/dev/xen/privcmd", O_WRONLY);
	int fd = dev_open("/dev/xen/privcmd", O_RDWR);
	void *p, *q;

	/* mm/mmap.c: a shared writable map needs FMODE_WRITE, any FMODE_READ. */
	expect(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) ==
	       MAP_FAILED && errno == EACCES, "RW shared map of O_RDONLY fd");
	expect(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, wo, 0) == MAP_FAILED &&
	       errno == EACCES, "map of an O_WRONLY fd");
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
	expect(p != MAP_FAILED, "read-only map of O_RDONLY fd: %s",
	       strerror(errno));

	/* MAP_FIXED over a device mapping replaces it. */
	q = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect(q != MAP_FAILED, "map 2 pages: %s", strerror(errno));
	if (q == MAP_FAILED)
		return;
	p = mmap(q, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	expect(p == q, "MAP_FIXED anonymous over a device map");
	((volatile char *)p)[0] = 1;	/* anonymous now: no SIGBUS */
	{
		int err = 0;

		/* What was replaced is no privcmd mapping any more... */
		expect(privcmd_map_gfn(fd, 1, q, 0, &err) == -1 &&
		       errno == EINVAL, "MMAPBATCH on the replaced page: %s",
		       strerror(errno));
		/* ...and the page left over is a whole one (Linux splits). */
		expect(privcmd_map_gfn(fd, 1, (char *)q + PAGE, 2, &err) == 0 &&
		       err == 0, "MMAPBATCH on the rest: %s, err %d",
		       strerror(errno), err);
		expect(err || shows_pattern((uint64_t *)((char *)q + PAGE), 1, 2),
		       "the rest does not show gfn 2");
	}
	expect_ok(munmap(q, 2 * PAGE));
}

const struct check mmap_checks[] = {
	{ "privcmd foreign mappings alias each other and the domain",
	  privcmd_foreign_mapping_aliases },
	{ "an unpopulated privcmd page is SIGBUS", privcmd_unpopulated_sigbus },
	{ "privcmd remembers populated mappings (v1 MMAP, MMAPBATCH holes)",
	  privcmd_populated_mapping_remembered },
	{ "gntdev grant mappings alias (and match privcmd)",
	  gntdev_mapping_aliases },
	{ "a read-only grant stays read-only (even after mprotect)",
	  readonly_grant_stays_readonly },
	{ "gntalloc pages are shared between mappings",
	  gntalloc_pages_shared },
	{ "device mappings are not inherited by fork",
	  mappings_not_inherited },
	{ "mmap access-mode checks and MAP_FIXED replacement",
	  mmap_access_and_fixed },
	{ NULL, NULL },
};
