/* SPDX-License-Identifier: MIT */
/*
 * libxenforeignmemory 4.17, unmodified: mapping a domain's frames (the
 * mapping aliases the domain's memory), map_resource of its grant table,
 * bad frames and domains, and xenforeignmemory_restrict (Linux privcmd
 * IOCTL_PRIVCMD_RESTRICT: not retroactive, EPERM for another domain).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mman.h>

#include <xenforeignmemory.h>
#include <xen/memory.h>

#include "common.h"

#define PAGE		4096u
#define PAGES		256u

static uint32_t dom_a, dom_b;	/* PV guests of PAGES pages */

static int setup(void **state)
{
	(void)state;
	dom_a = client_domain(false, PAGES);
	dom_b = client_domain(false, 16);
	return 0;
}

static xenforeignmemory_handle *fmem_open(void)
{
	return assert_ptr_ok(xenforeignmemory_open(client_logger(), 0));
}

static uint64_t *map_one(xenforeignmemory_handle *fm, uint32_t dom,
			 uint32_t page, int prot)
{
	xen_pfn_t pfn = client_frame(dom, page);
	int err = -1;
	void *p = assert_ptr_ok(xenforeignmemory_map(fm, dom, prot, 1, &pfn,
						     &err));

	assert_int_equal(err, 0);
	return p;
}

/* Two handles, two mappings of one frame: one page of the domain. */
static void mappings_alias(void **state)
{
	xenforeignmemory_handle *f1 = fmem_open(), *f2 = fmem_open();
	uint64_t *a = map_one(f1, dom_a, 3, PROT_READ | PROT_WRITE);
	uint64_t *b = map_one(f2, dom_a, 3, PROT_READ);
	uint64_t *c = map_one(f1, dom_a, 4, PROT_READ | PROT_WRITE);

	(void)state;
	if (client_on_sim())	/* the sim's fill: domid << 48 | gfn << 12 | off */
		assert_int_equal(b[1], (uint64_t)dom_a << 48 | 3u << 12 | 8);
	a[7] = 0x1122334455667788ull;
	assert_int_equal(b[7], 0x1122334455667788ull);
	assert_int_not_equal(c[7], 0x1122334455667788ull);
	assert_ok(xenforeignmemory_unmap(f1, a, 1));
	/* The domain kept the write: a fresh mapping sees it. */
	a = map_one(f2, dom_a, 3, PROT_READ);
	assert_int_equal(a[7], 0x1122334455667788ull);
	assert_ok(xenforeignmemory_unmap(f2, a, 1));
	assert_ok(xenforeignmemory_unmap(f2, b, 1));
	assert_ok(xenforeignmemory_unmap(f1, c, 1));
	assert_ok(xenforeignmemory_close(f1));
	assert_ok(xenforeignmemory_close(f2));
}

/* 256 frames in one call, each its own page. */
static void map_many(void **state)
{
	xenforeignmemory_handle *fm = fmem_open();
	xen_pfn_t pfns[PAGES];
	int err[PAGES];
	uint8_t *w, *r;
	unsigned i;

	(void)state;
	for (i = 0; i < PAGES; i++)
		pfns[i] = client_frame(dom_a, i);
	w = assert_ptr_ok(xenforeignmemory_map(fm, dom_a, PROT_READ | PROT_WRITE,
					       PAGES, pfns, err));
	for (i = 0; i < PAGES; i++) {
		assert_int_equal(err[i], 0);
		w[i * PAGE + 100] = (uint8_t)(i ^ 0x5a);
	}
	r = assert_ptr_ok(xenforeignmemory_map(fm, dom_a, PROT_READ, PAGES,
					       pfns, err));
	for (i = 0; i < PAGES; i++)
		assert_int_equal(r[i * PAGE + 100], (uint8_t)(i ^ 0x5a));
	assert_ok(xenforeignmemory_unmap(fm, w, PAGES));
	assert_ok(xenforeignmemory_unmap(fm, r, PAGES));
	assert_ok(xenforeignmemory_close(fm));
}

/* A bad frame fails alone; a missing domain fails every frame. */
static void bad_frames_and_domains(void **state)
{
	xenforeignmemory_handle *fm = fmem_open();
	xen_pfn_t pfns[3];
	int err[3] = { 1, 1, 1 };
	uint64_t *p;

	(void)state;
	pfns[0] = client_frame(dom_b, 0);
	pfns[1] = 0x7ffff;	/* never populated */
	pfns[2] = client_frame(dom_b, 1);
	p = assert_ptr_ok(xenforeignmemory_map(fm, dom_b, PROT_READ, 3, pfns,
					       err));
	assert_int_equal(err[0], 0);
	assert_true(err[1] < 0);
	assert_int_equal(err[2], 0);
	assert_ok(xenforeignmemory_unmap(fm, p, 3));
	/* No such domain: the kernel's per-frame answer is Xen's ESRCH. */
	pfns[0] = 0;
	p = assert_ptr_ok(xenforeignmemory_map(fm, 0x7000, PROT_READ, 1, pfns,
					       err));
	assert_int_equal(err[0], -ESRCH);
	assert_ok(xenforeignmemory_unmap(fm, p, 1));
	/* Nothing to map. */
	assert_null_errno(xenforeignmemory_map(fm, dom_b, PROT_READ, 0, pfns,
					       err), EINVAL);
	assert_ok(xenforeignmemory_close(fm));
}

/* The grant table as a resource: sized, mapped twice, aliased. */
static void map_resource(void **state)
{
	xenforeignmemory_handle *fm = fmem_open();
	xenforeignmemory_resource_handle *r1, *r2;
	size_t frames = 0;
	uint8_t *a = NULL, *b = NULL;

	(void)state;
	assert_ok(xenforeignmemory_resource_size(fm, dom_b,
				XENMEM_resource_grant_table,
				XENMEM_resource_grant_table_id_shared, &frames));
	assert_true(frames >= 1);
	r1 = assert_ptr_ok(xenforeignmemory_map_resource(fm, dom_b,
				XENMEM_resource_grant_table,
				XENMEM_resource_grant_table_id_shared, 0, 1,
				(void **)&a, PROT_READ | PROT_WRITE, 0));
	r2 = assert_ptr_ok(xenforeignmemory_map_resource(fm, dom_b,
				XENMEM_resource_grant_table,
				XENMEM_resource_grant_table_id_shared, 0, 1,
				(void **)&b, PROT_READ, 0));
	/* Entry 500 is far above anything handed out: scribble there. */
	a[500 * 8 + 4] = 0xa5;
	assert_int_equal(b[500 * 8 + 4], 0xa5);
	a[500 * 8 + 4] = 0;
	assert_ok(xenforeignmemory_unmap_resource(fm, r1));
	assert_ok(xenforeignmemory_unmap_resource(fm, r2));
	/* No such resource type: Xen's EOPNOTSUPP. */
	assert_null_errno(xenforeignmemory_map_resource(fm, dom_b, 99, 0, 0, 1,
				(void **)&a, PROT_READ, 0), EOPNOTSUPP);
	/* Frames past the table's maximum. */
	assert_null_errno(xenforeignmemory_map_resource(fm, dom_b,
				XENMEM_resource_grant_table,
				XENMEM_resource_grant_table_id_shared, frames, 1,
				(void **)&a, PROT_READ, 0), EINVAL);
	assert_ok(xenforeignmemory_close(fm));
}

static void restrict_handle(void **state)
{
	xenforeignmemory_handle *fm = fmem_open(), *fresh;
	xenforeignmemory_resource_handle *res;
	uint64_t *before = map_one(fm, dom_b, 2, PROT_READ | PROT_WRITE), *p;
	xen_pfn_t pfn = client_frame(dom_b, 2);
	void *addr = NULL;
	int err = 0;

	(void)state;
	client_require_known_profile();
	assert_ok(xenforeignmemory_restrict(fm, dom_a));
	/* The target still maps. */
	p = map_one(fm, dom_a, 5, PROT_READ);
	assert_ok(xenforeignmemory_unmap(fm, p, 1));
	/* Another domain: refused by the kernel, for maps and resources. */
	assert_null_errno(xenforeignmemory_map(fm, dom_b, PROT_READ, 1, &pfn,
					       &err), EPERM);
	assert_null_errno(xenforeignmemory_map_resource(fm, dom_b,
				XENMEM_resource_grant_table,
				XENMEM_resource_grant_table_id_shared, 0, 1,
				&addr, PROT_READ, 0), EPERM);
	res = assert_ptr_ok(xenforeignmemory_map_resource(fm, dom_a,
				XENMEM_resource_grant_table,
				XENMEM_resource_grant_table_id_shared, 0, 1,
				&addr, PROT_READ, 0));
	assert_ok(xenforeignmemory_unmap_resource(fm, res));
	/* Not retroactive: the earlier mapping of dom_b still works. */
	before[9] = 0xfeedull;
	/* Same domain again: 0; another: privcmd EINVAL (proposal: EPERM). */
	assert_ok(xenforeignmemory_restrict(fm, dom_a));
	assert_fails(xenforeignmemory_restrict(fm, dom_b),
		     client_expect(EINVAL, EPERM));
	/* A fresh handle is not restricted, and sees the write. */
	fresh = fmem_open();
	p = map_one(fresh, dom_b, 2, PROT_READ);
	assert_int_equal(p[9], 0xfeedull);
	assert_ok(xenforeignmemory_unmap(fresh, p, 1));
	assert_ok(xenforeignmemory_unmap(fm, before, 1));
	assert_ok(xenforeignmemory_close(fresh));
	assert_ok(xenforeignmemory_close(fm));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mappings_alias),
		cmocka_unit_test(map_many),
		cmocka_unit_test(bad_frames_and_domains),
		cmocka_unit_test(map_resource),
		cmocka_unit_test(restrict_handle),
	};

	return client_finish(cmocka_run_group_tests_name(
		"libxenforeignmemory", tests, setup, NULL));
}
