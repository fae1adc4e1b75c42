/* SPDX-License-Identifier: MIT */
/*
 * For the grant-device tests: a transport over the test's own address
 * space whose map_page really maps the world file, so that a test sees
 * through its mapping the very bytes of the domain page (aliasing), and
 * regions with a readable head and an inaccessible tail for EFAULT tests.
 */
#ifndef XENSIM_TEST_GNT_MAPPER_H
#define XENSIM_TEST_GNT_MAPPER_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <xensim/device.h>
#include <xensim/machine.h>
#include <xensim/uaccess.h>

struct gnt_mapper {
	struct xsim_world *w;
	unsigned maps;		/* map_page calls that succeeded */
	struct xsim_uaccess ua;
};

static inline int gnt_map_page(void *ctx, uint64_t addr, uint32_t page,
			       int prot)
{
	struct gnt_mapper *m = ctx;
	void *p = mmap((void *)(uintptr_t)addr, XSIM_PAGE_SIZE, prot,
		       MAP_SHARED | MAP_FIXED, xsim_world_fd(m->w),
		       (off_t)xsim_page_file_offset(m->w, page));

	if (p == MAP_FAILED)
		return -errno;
	m->maps++;
	return 0;
}

static inline void gnt_mapper_init(struct gnt_mapper *m, struct xsim_world *w)
{
	m->w = w;
	m->maps = 0;
	m->ua = xsim_uaccess_self;
	m->ua.map_page = gnt_map_page;
	m->ua.ctx = m;
}

/* Address space for n pages, inaccessible until the device fills it. */
static inline void *gnt_reserve(unsigned n)
{
	void *p = mmap(NULL, (size_t)n * XSIM_PAGE_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * A readable, writable page followed by an inaccessible one: the last
 * `head` bytes of the first page are returned, so an object of `head`
 * bytes fits and anything past it faults.
 */
static inline void *gnt_edge(size_t head, void **base)
{
	uint8_t *p = mmap(NULL, 2 * XSIM_PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		abort();	/* no memory: nothing sensible left to test */
	mprotect(p + XSIM_PAGE_SIZE, XSIM_PAGE_SIZE, PROT_NONE);
	*base = p;
	return p + XSIM_PAGE_SIZE - head;
}

static inline void gnt_edge_free(void *base)
{
	munmap(base, 2 * XSIM_PAGE_SIZE);
}

/*
 * cmocka installs its own SIGSEGV/SIGBUS handlers around every test,
 * which hides the fault guard of xsim_uaccess_self: a copy from an
 * unmapped page would end the test instead of returning -EFAULT.  main()
 * captures the guard's handlers once (after a first guarded copy has
 * installed them); a test that faults on purpose puts them back while it
 * runs.
 */
static struct sigaction gnt_guard_segv, gnt_guard_bus;

static inline void gnt_guard_capture(void)
{
	uint8_t a = 1, b = 0;

	(void)xsim_guarded_copy(&b, &a, 1);
	sigaction(SIGSEGV, NULL, &gnt_guard_segv);
	sigaction(SIGBUS, NULL, &gnt_guard_bus);
}

struct gnt_guard_saved {
	struct sigaction segv, bus;
};

static inline void gnt_guard_on(struct gnt_guard_saved *s)
{
	sigaction(SIGSEGV, &gnt_guard_segv, &s->segv);
	sigaction(SIGBUS, &gnt_guard_bus, &s->bus);
}

static inline void gnt_guard_off(const struct gnt_guard_saved *s)
{
	sigaction(SIGSEGV, &s->segv, NULL);
	sigaction(SIGBUS, &s->bus, NULL);
}

#endif
