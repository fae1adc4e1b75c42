/* SPDX-License-Identifier: MIT */
/*
 * libxengnttab 4.17 (gnttab and gntshr), unmodified: mapping grants a
 * guest made (the mapping aliases the guest's page), read-only grants,
 * several refs at once, grant copy, sharing this process's pages, and
 * the errors for refs and domains that do not exist.  Neither device has
 * a restrict in Linux; see test_toolcore.c for what restrict_all does to
 * these handles.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mman.h>

#include <xenforeignmemory.h>
#include <xengnttab.h>

#include "common.h"

static uint32_t dom;		/* a PV guest that grants to dom0 */

static int setup(void **state)
{
	(void)state;
	dom = client_domain(false, 16);
	return 0;
}

static xengnttab_handle *gt_open(void)
{
	return assert_ptr_ok(xengnttab_open(client_logger(), 0));
}

static xengntshr_handle *gs_open(void)
{
	return assert_ptr_ok(xengntshr_open(client_logger(), 0));
}

/* The guest's page page, mapped directly (xenforeignmemory). */
static uint64_t *direct(xenforeignmemory_handle *fm, uint32_t page)
{
	xen_pfn_t pfn = client_frame(dom, page);
	int err = -1;
	uint64_t *p = assert_ptr_ok(xenforeignmemory_map(fm, dom,
					PROT_READ | PROT_WRITE, 1, &pfn, &err));

	assert_int_equal(err, 0);
	return p;
}

static void map_guest_grant(void **state)
{
	xengnttab_handle *xgt = gt_open();
	xenforeignmemory_handle *fm = assert_ptr_ok(
		xenforeignmemory_open(client_logger(), 0));
	uint32_t ref = client_grant(dom, 2, 0, false);
	uint64_t *g, *d;

	(void)state;
	g = assert_ptr_ok(xengnttab_map_grant_ref(xgt, dom, ref,
						  PROT_READ | PROT_WRITE));
	d = direct(fm, 2);
	if (client_on_sim())
		assert_int_equal(g[4], (uint64_t)dom << 48 | 2u << 12 | 32);
	assert_int_equal(g[4], d[4]);
	g[5] = 0x600dcafe;
	assert_int_equal(d[5], 0x600dcafe);
	d[6] = 0xbadf00d;
	assert_int_equal(g[6], 0xbadf00d);
	assert_ok(xengnttab_unmap(xgt, g, 1));
	assert_ok(xenforeignmemory_unmap(fm, d, 1));
	assert_ok(xenforeignmemory_close(fm));
	assert_ok(xengnttab_close(xgt));
}

static void readonly_grant(void **state)
{
	xengnttab_handle *xgt = gt_open();
	uint32_t ref = client_grant(dom, 3, 0, true);
	uint64_t *g;

	(void)state;
	/*
	 * GNTMAP_readonly is required: Xen refuses a writable map
	 * (GNTST_general_error, xen/common/grant_table.c map_grant_ref) and
	 * Linux 6.1 gntdev_map_grant_pages (drivers/xen/gntdev.c) turns any
	 * failed status into -EINVAL for the mmap, which libxengnttab passes
	 * on.  The errno tells the refusal from a failed allocation.
	 */
	assert_null_errno(xengnttab_map_grant_ref(xgt, dom, ref,
						  PROT_READ | PROT_WRITE),
			  EINVAL);
	g = assert_ptr_ok(xengnttab_map_grant_ref(xgt, dom, ref, PROT_READ));
	if (client_on_sim())
		assert_int_equal(g[0], (uint64_t)dom << 48 | 3u << 12);
	assert_ok(xengnttab_unmap(xgt, g, 1));
	assert_ok(xengnttab_close(xgt));
}

static void map_several(void **state)
{
	xengnttab_handle *xgt = gt_open();
	uint32_t refs[3], doms[3] = { dom, dom, dom };
	uint8_t *p;
	unsigned i;

	(void)state;
	for (i = 0; i < 3; i++)
		refs[i] = client_grant(dom, 5 + i, 0, false);
	p = assert_ptr_ok(xengnttab_map_domain_grant_refs(xgt, 3, dom, refs,
						PROT_READ | PROT_WRITE));
	for (i = 0; i < 3; i++)
		p[i * 4096 + 1] = (uint8_t)(0x40 + i);
	assert_ok(xengnttab_unmap(xgt, p, 3));
	/* The per-ref domain list says the same. */
	p = assert_ptr_ok(xengnttab_map_grant_refs(xgt, 3, doms, refs,
						   PROT_READ));
	for (i = 0; i < 3; i++)
		assert_int_equal(p[i * 4096 + 1], 0x40 + i);
	assert_ok(xengnttab_unmap(xgt, p, 3));
	assert_ok(xengnttab_close(xgt));
}

static void grant_copy(void **state)
{
	xengnttab_handle *xgt = gt_open();
	uint32_t ref = client_grant(dom, 9, 0, false);
	uint8_t buf[64] = { 0 }, src[16];
	xengnttab_grant_copy_segment_t seg[2];
	uint8_t *g;

	(void)state;
	memset(src, 0x77, sizeof(src));
	memset(seg, 0, sizeof(seg));
	/* Into the grant at offset 128, then back out of it. */
	seg[0].source.virt = src;
	seg[0].dest.foreign.ref = ref;
	seg[0].dest.foreign.domid = (uint16_t)dom;
	seg[0].dest.foreign.offset = 128;
	seg[0].len = sizeof(src);
	seg[0].flags = GNTCOPY_dest_gref;
	seg[1].source.foreign.ref = ref;
	seg[1].source.foreign.domid = (uint16_t)dom;
	seg[1].source.foreign.offset = 120;
	seg[1].dest.virt = buf;
	seg[1].len = 32;
	seg[1].flags = GNTCOPY_source_gref;
	assert_ok(xengnttab_grant_copy(xgt, 2, seg));
	assert_int_equal(seg[0].status, GNTST_okay);
	assert_int_equal(seg[1].status, GNTST_okay);
	assert_int_equal(buf[8], 0x77);
	assert_int_equal(buf[8 + 15], 0x77);
	g = assert_ptr_ok(xengnttab_map_grant_ref(xgt, dom, ref, PROT_READ));
	assert_int_equal(g[128], 0x77);
	assert_ok(xengnttab_unmap(xgt, g, 1));
	/* A ref the guest never granted: the segment's status says so. */
	seg[1].source.foreign.ref = 400;
	assert_ok(xengnttab_grant_copy(xgt, 1, &seg[1]));
	assert_int_not_equal(seg[1].status, GNTST_okay);
	assert_ok(xengnttab_close(xgt));
}

/* Pages of this process shared with dom0 itself, then mapped back. */
static void share_pages(void **state)
{
	xengntshr_handle *xgs = gs_open();
	xengnttab_handle *xgt = gt_open();
	uint32_t refs[2];
	uint8_t *s, *g;

	(void)state;
	s = assert_ptr_ok(xengntshr_share_pages(xgs, 0, 2, refs, 1));
	assert_int_not_equal(refs[0], refs[1]);
	s[4096 + 10] = 0x3c;
	g = assert_ptr_ok(xengnttab_map_grant_ref(xgt, 0, refs[1],
						  PROT_READ | PROT_WRITE));
	assert_int_equal(g[10], 0x3c);
	g[11] = 0xc3;
	assert_int_equal(s[4096 + 11], 0xc3);
	assert_ok(xengnttab_unmap(xgt, g, 1));
	assert_ok(xengntshr_unshare(xgs, s, 2));
	/* Shared with a guest: a ref comes back, the page is ours. */
	s = assert_ptr_ok(xengntshr_share_pages(xgs, dom, 1, refs, 0));
	s[0] = 1;
	assert_ok(xengntshr_unshare(xgs, s, 1));
	assert_ok(xengnttab_close(xgt));
	assert_ok(xengntshr_close(xgs));
}

static void bad_refs_and_domains(void **state)
{
	xengnttab_handle *xgt = gt_open();

	(void)state;
	/*
	 * A ref past the guest's table, one never granted, a missing domain:
	 * GNTST_bad_gntref, GNTST_general_error, GNTST_bad_domain from Xen, all
	 * -EINVAL from gntdev's mmap (as in readonly_grant).
	 */
	assert_null_errno(xengnttab_map_grant_ref(xgt, dom, 100000, PROT_READ),
			  EINVAL);
	assert_null_errno(xengnttab_map_grant_ref(xgt, dom, 300, PROT_READ),
			  EINVAL);
	assert_null_errno(xengnttab_map_grant_ref(xgt, 0x7000, 8, PROT_READ),
			  EINVAL);
	/* Unmapping what is not a grant mapping. */
	assert_fails(xengnttab_unmap(xgt, &xgt, 1), EINVAL);
	assert_ok(xengnttab_close(xgt));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_guest_grant),
		cmocka_unit_test(readonly_grant),
		cmocka_unit_test(map_several),
		cmocka_unit_test(grant_copy),
		cmocka_unit_test(share_pages),
		cmocka_unit_test(bad_refs_and_domains),
	};

	return client_finish(cmocka_run_group_tests_name(
		"libxengnttab", tests, setup, NULL));
}
