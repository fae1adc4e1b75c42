/* SPDX-License-Identifier: MIT */
/*
 * Grant tables at the machine level (Xen 4.17 grant_table.c, v1): table
 * size, granting, map/unmap with every GNTST_* error Xen gives, pins and
 * the GTF_reading/GTF_writing flags, copy, end of access, gntalloc-style
 * page grants with deferred freeing, teardown of granter and grantee,
 * and the effect log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <xensim/effect.h>
#include <xensim/machine.h>
#include <xensim/world.h>

#include "../machine/layout.h"
#include "support/world_helpers.h"

/* xen/include/public/grant_table.h */
#define GTF_permit_access	1u
#define GTF_readonly		(1u << 2)
#define GTF_reading		(1u << 3)
#define GTF_writing		(1u << 4)
#define GNTTABOP_map_grant_ref	0
#define GNTTABOP_copy		5

#define HANDLE	0x02000007u	/* an effect-log handle id */

struct entry_v1 {
	uint16_t flags;
	uint16_t domid;
	uint32_t frame;
};

/* ---- helpers ---- */

static struct xsim_world *world(void)
{
	struct xsim_world *w = wh_world("proposed", false);

	xsim_lock(w);
	return w;
}

static void done(struct xsim_world *w)
{
	xsim_unlock(w);
	xsim_world_detach(w);
}

static struct xsim_caller caller(struct xsim_world *w, uint16_t domid)
{
	struct xsim_caller c = wh_caller(w, domid);

	c.handle = HANDLE;
	return c;
}

static struct entry_v1 *entry(struct xsim_world *w, uint16_t dom, uint32_t ref)
{
	struct xsim_domain *d = xsim_dom_get(w, dom);

	assert_non_null(d);
	assert_true(ref < d->gnttab_nr_frames * XSIM_GNTTAB_ENTRIES_PER_FRAME);
	return (struct entry_v1 *)xsim_page_va(w, d->gnttab_frame[ref / 512]) +
	       ref % 512;
}

static uint32_t gfn_page(struct xsim_world *w, uint16_t dom, uint64_t gfn)
{
	return xsim_p2m_get(w, xsim_dom_get(w, dom), gfn);
}

/* The memory pattern of memory.c: domid << 48 | gfn << 12 | offset. */
static uint64_t pattern(uint16_t dom, uint64_t gfn, uint32_t off)
{
	return (uint64_t)dom << 48 | gfn << 12 | off;
}

static uint16_t new_guest(struct xsim_world *w, uint16_t domid,
			  uint32_t max_frames)
{
	struct xsim_caller dom0 = wh_caller(w, 0);
	struct xsim_domain_config cfg = {
		.domid = domid, .max_vcpus = 1, .max_pages = 64,
		.max_grant_frames = max_frames,
	};
	uint16_t id;

	assert_int_equal(xsim_domain_create(&dom0, &cfg, &id), 0);
	assert_int_equal(xsim_mem_populate(&dom0, id, 0, 8), 0);
	assert_int_equal(xsim_gnttab_setup(&dom0, id, 1), 0);
	return id;
}

/* Does the log from `from` hold a record of (kind, op, subop) on dom? */
static bool logged(struct xsim_world *w, uint64_t from, uint16_t dom,
		   unsigned kind, unsigned subop, uint64_t detail)
{
	struct xsim_effect e[64];
	long n = xsim_effect_read(w, from, e, 64), i;

	assert_true(n >= 0);
	for (i = 0; i < n; i++)
		if (e[i].domid == dom && e[i].kind == kind &&
		    e[i].op == XSIM_OP_GNTTAB && e[i].subop == subop &&
		    e[i].detail == detail && e[i].handle == HANDLE)
			return true;
	return false;
}

/* ---- table size ---- */

static void test_setup_and_query(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = caller(w, 0), g1 = caller(w, 1);
	struct xsim_caller g2 = caller(w, 2);
	uint32_t nr, max, page;
	uint64_t seq = xsim_effect_next(w);

	(void)state;
	assert_int_equal(xsim_gnttab_query_size(&dom0, 1, &nr, &max), 0);
	assert_int_equal(nr, 1);
	assert_int_equal(max, XSIM_GNTTAB_MAX_FRAMES);
	assert_int_equal(xsim_gnttab_setup(&dom0, 1, 4), 0);
	assert_int_equal(xsim_gnttab_query_size(&g1, XSIM_DOMID_SELF, &nr,
						&max), 0);
	assert_int_equal(nr, 4);
	/* Never shrinks. */
	assert_int_equal(xsim_gnttab_setup(&g1, XSIM_DOMID_SELF, 2), 0);
	assert_int_equal(xsim_gnttab_query_size(&g1, 1, &nr, &max), 0);
	assert_int_equal(nr, 4);
	assert_int_equal(xsim_gnttab_setup(&dom0, 1, XSIM_GNTTAB_MAX_FRAMES + 1),
			 -EINVAL);
	assert_int_equal(xsim_gnttab_setup(&dom0, 99, 1), -ESRCH);
	assert_int_equal(xsim_gnttab_query_size(&dom0, 99, &nr, &max), -ESRCH);
	/* XSM_TARGET: another guest may not. */
	assert_int_equal(xsim_gnttab_setup(&g2, 1, 5), -EPERM);
	assert_int_equal(xsim_gnttab_query_size(&g2, 1, &nr, &max), -EPERM);
	assert_int_equal(xsim_gnttab_frame(&g2, 1, 0, &page), -EPERM);

	assert_int_equal(xsim_gnttab_frame(&dom0, 1, 3, &page), 0);
	assert_true(xsim_page_owned_by(w, page, 1));
	assert_int_equal(xsim_page_meta(w, page)->type, XSIM_PAGE_GNTTAB);
	assert_int_equal(xsim_gnttab_frame(&dom0, 1, 4, &page), -EINVAL);
	assert_true(logged(w, seq, 1, XSIM_EFF_WRITE, 2, 4));
	done(w);
}

static void test_grant_writes_the_shared_entry(void **state)
{
	struct xsim_world *w = world();
	struct entry_v1 *e;

	(void)state;
	/* The default world: ref 8..11 of guest 1 grant gfns 0..3 to dom0. */
	e = entry(w, 1, 8);
	assert_int_equal(e->flags, GTF_permit_access);
	assert_int_equal(e->domid, 0);
	assert_int_equal(e->frame, 0);
	assert_int_equal(entry(w, 1, 11)->flags, GTF_permit_access | GTF_readonly);

	/* A ref past the table grows it, up to the maximum. */
	assert_int_equal(xsim_gnttab_grant(w, 1, 1500, 2, 7, false), 0);
	assert_int_equal(xsim_dom_get(w, 1)->gnttab_nr_frames, 3);
	assert_int_equal(entry(w, 1, 1500)->domid, 2);
	assert_int_equal(xsim_gnttab_grant(w, 1, XSIM_GNTTAB_MAX_FRAMES * 512,
					   0, 1, false), -EINVAL);
	assert_int_equal(xsim_gnttab_grant(w, 1, 20, 0, 1ull << 32, false),
			 -EINVAL);
	assert_int_equal(xsim_gnttab_grant(w, 42, 8, 0, 0, false), -ESRCH);
	done(w);
}

/* ---- map / unmap ---- */

static void test_map_aliases_the_granted_page(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = caller(w, 0);
	uint64_t seq = xsim_effect_next(w);
	uint32_t page;
	uint64_t *mem;

	(void)state;
	assert_int_equal(xsim_gnttab_map(&dom0, 1, 9, false, &page),
			 XSIM_GNTST_okay);
	assert_int_equal(page, gfn_page(w, 1, 1));
	mem = xsim_page_va(w, page);
	assert_true(mem[5] == pattern(1, 1, 40));
	assert_int_equal(xsim_page_meta(w, page)->maps, 1);
	assert_int_equal(entry(w, 1, 9)->flags,
			 GTF_permit_access | GTF_reading | GTF_writing);
	assert_true(logged(w, seq, 1, XSIM_EFF_MAP, GNTTABOP_map_grant_ref, 9));

	assert_int_equal(xsim_gnttab_unmap(&dom0, 1, 9), XSIM_GNTST_okay);
	assert_int_equal(xsim_page_meta(w, page)->maps, 0);
	assert_int_equal(entry(w, 1, 9)->flags, GTF_permit_access);
	/* Nothing mapped any more. */
	assert_int_equal(xsim_gnttab_unmap(&dom0, 1, 9), XSIM_GNTST_bad_handle);
	done(w);
}

/*
 * A PV granter's entries hold machine frames (Xen's get_paged_frame():
 * untranslated, the frame must be a page the granter owns).
 */
static void test_pv_granter_names_machine_frames(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = caller(w, 0);
	uint32_t r, page;

	(void)state;
	/* The default world's guest 3 (PV) grants gfns 0..3 by mfn. */
	for (r = 0; r < 4; r++) {
		assert_int_equal(entry(w, 3, 8 + r)->frame,
				 xsim_page_mfn(gfn_page(w, 3, r)));
		assert_true(entry(w, 3, 8 + r)->frame >= XSIM_MFN_BASE);
	}
	assert_int_equal(xsim_gnttab_map(&dom0, 3, 9, true, &page),
			 XSIM_GNTST_okay);
	assert_int_equal(page, gfn_page(w, 3, 1));
	assert_true(((uint64_t *)xsim_page_va(w, page))[1] == pattern(3, 1, 8));
	assert_int_equal(xsim_gnttab_unmap(&dom0, 3, 9), XSIM_GNTST_okay);
	/* Only a populated page can be named. */
	assert_int_equal(xsim_gnttab_grant(w, 3, 20, 0, 255, false), 0);
	assert_int_equal(entry(w, 3, 20)->frame,
			 xsim_page_mfn(gfn_page(w, 3, 255)));
	assert_int_equal(xsim_gnttab_grant(w, 3, 21, 0, 256, false), -EINVAL);
	/* A gfn written where the mfn belongs names no page of the granter. */
	entry(w, 3, 20)->frame = 1;
	assert_int_equal(xsim_gnttab_map(&dom0, 3, 20, true, &page),
			 XSIM_GNTST_bad_page);
	/* Nor does another domain's machine frame. */
	entry(w, 3, 20)->frame = (uint32_t)xsim_page_mfn(gfn_page(w, 1, 1));
	assert_int_equal(xsim_gnttab_map(&dom0, 3, 20, true, &page),
			 XSIM_GNTST_bad_page);
	done(w);
}

static void test_map_errors(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = caller(w, 0), g2 = caller(w, 2);
	uint32_t page;

	(void)state;
	/* rcu_lock_domain_by_id: no such domain, and no DOMID_SELF. */
	assert_int_equal(xsim_gnttab_map(&dom0, 77, 8, true, &page),
			 XSIM_GNTST_bad_domain);
	assert_int_equal(xsim_gnttab_map(&dom0, XSIM_DOMID_SELF, 8, true, &page),
			 XSIM_GNTST_bad_domain);
	/* Beyond the table. */
	assert_int_equal(xsim_gnttab_map(&dom0, 1, 512, true, &page),
			 XSIM_GNTST_bad_gntref);
	/* An entry not in use, or granted to someone else: _set_status_v1. */
	assert_int_equal(xsim_gnttab_map(&dom0, 1, 12, true, &page),
			 XSIM_GNTST_general_error);
	assert_int_equal(xsim_gnttab_map(&g2, 1, 8, true, &page),
			 XSIM_GNTST_general_error);
	/* Write-pinning a read-only grant. */
	assert_int_equal(xsim_gnttab_map(&dom0, 1, 11, false, &page),
			 XSIM_GNTST_general_error);
	assert_int_equal(entry(w, 1, 11)->flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(xsim_gnttab_map(&dom0, 1, 11, true, &page),
			 XSIM_GNTST_okay);
	assert_int_equal(entry(w, 1, 11)->flags,
			 GTF_permit_access | GTF_readonly | GTF_reading);
	assert_int_equal(xsim_gnttab_unmap(&dom0, 1, 11), XSIM_GNTST_okay);
	/* The granted frame is not populated. */
	assert_int_equal(xsim_gnttab_grant(w, 1, 20, 0, 5000, false), 0);
	assert_int_equal(xsim_gnttab_map(&dom0, 1, 20, true, &page),
			 XSIM_GNTST_bad_page);
	assert_int_equal(entry(w, 1, 20)->flags, GTF_permit_access);
	/* Unmap errors. */
	assert_int_equal(xsim_gnttab_unmap(&dom0, 77, 8), XSIM_GNTST_bad_domain);
	assert_int_equal(xsim_gnttab_unmap(&dom0, 1, 5000), XSIM_GNTST_bad_gntref);
	assert_int_equal(xsim_gnttab_unmap(&dom0, 1, 8), XSIM_GNTST_bad_handle);
	done(w);
}

static void test_pins_and_flags(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = caller(w, 0);
	uint32_t page, i;

	(void)state;
	/* A read-only pin, then a writable one: both flags; then undone. */
	assert_int_equal(xsim_gnttab_map(&dom0, 1, 8, true, &page), 0);
	assert_int_equal(xsim_gnttab_map(&dom0, 1, 8, false, &page), 0);
	assert_int_equal(entry(w, 1, 8)->flags,
			 GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(xsim_page_meta(w, page)->maps, 2);
	assert_int_equal(xsim_gnttab_unmap(&dom0, 1, 8), 0);
	assert_int_equal(xsim_gnttab_unmap(&dom0, 1, 8), 0);
	assert_int_equal(entry(w, 1, 8)->flags, GTF_permit_access);

	/* Xen's 8-bit pin counters: the 129th pin of a kind is refused. */
	for (i = 0; i < 128; i++)
		assert_int_equal(xsim_gnttab_map(&dom0, 1, 10, true, &page), 0);
	assert_int_equal(xsim_gnttab_map(&dom0, 1, 10, true, &page),
			 XSIM_GNTST_general_error);
	for (i = 0; i < 128; i++)
		assert_int_equal(xsim_gnttab_unmap(&dom0, 1, 10), 0);
	assert_int_equal(xsim_page_meta(w, page)->maps, 0);
	assert_int_equal(entry(w, 1, 10)->flags, GTF_permit_access);
	done(w);
}

static void test_end_access(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = caller(w, 0), g1 = caller(w, 1);
	uint64_t seq = xsim_effect_next(w);
	uint32_t page;

	(void)state;
	assert_int_equal(xsim_gnttab_map(&dom0, 1, 8, true, &page), 0);
	assert_int_equal(xsim_gnttab_end_access(&g1, 8), -EBUSY);
	/* Re-granting a pinned entry is refused too. */
	assert_int_equal(xsim_gnttab_grant(w, 1, 8, 2, 0, false), -EBUSY);
	assert_int_equal(xsim_gnttab_unmap(&dom0, 1, 8), 0);
	assert_int_equal(xsim_gnttab_end_access(&g1, 8), 0);
	assert_int_equal(entry(w, 1, 8)->flags, 0);
	assert_int_equal(xsim_gnttab_map(&dom0, 1, 8, true, &page),
			 XSIM_GNTST_general_error);
	assert_int_equal(xsim_gnttab_end_access(&g1, 512), -EINVAL);
	assert_true(logged(w, seq, 0, XSIM_EFF_WRITE, 0x102, 8));
	done(w);
}

/* ---- copy ---- */

static void test_copy(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = caller(w, 0), g2 = caller(w, 2);
	uint64_t seq = xsim_effect_next(w);
	uint64_t buf[4], back[4];

	(void)state;
	assert_int_equal(xsim_gnttab_copy(&dom0, 1, 9, 16, buf, sizeof(buf),
					  false), XSIM_GNTST_okay);
	assert_true(buf[0] == pattern(1, 1, 16));
	assert_true(buf[3] == pattern(1, 1, 40));
	assert_true(logged(w, seq, 1, XSIM_EFF_READ, GNTTABOP_copy, 9));

	memset(buf, 0xA5, sizeof(buf));
	assert_int_equal(xsim_gnttab_copy(&dom0, 1, 8, 4064, buf, 32, true),
			 XSIM_GNTST_okay);
	assert_int_equal(xsim_mem_access(&dom0, 1, 0, 4064, back, 32, false), 0);
	assert_memory_equal(buf, back, 32);
	assert_true(logged(w, seq, 1, XSIM_EFF_WRITE, GNTTABOP_copy, 8));
	/* The copy holds no pin afterwards. */
	assert_int_equal(entry(w, 1, 8)->flags, GTF_permit_access);

	/* Read-only grant: read yes, write no. */
	assert_int_equal(xsim_gnttab_copy(&dom0, 1, 11, 0, buf, 8, false), 0);
	assert_int_equal(xsim_gnttab_copy(&dom0, 1, 11, 0, buf, 8, true),
			 XSIM_GNTST_general_error);
	/* Bounds are checked once the grant is acquired. */
	assert_int_equal(xsim_gnttab_copy(&dom0, 1, 9, 4090, buf, 8, false),
			 XSIM_GNTST_bad_copy_arg);
	assert_int_equal(xsim_gnttab_copy(&dom0, 1, 9, 5000, buf, 0, false),
			 XSIM_GNTST_bad_copy_arg);
	assert_int_equal(xsim_gnttab_copy(&dom0, 1, 900, 4090, buf, 8, false),
			 XSIM_GNTST_bad_gntref);
	assert_int_equal(xsim_gnttab_copy(&dom0, 55, 8, 0, buf, 8, false),
			 XSIM_GNTST_bad_domain);
	/* Not granted to the copier. */
	assert_int_equal(xsim_gnttab_copy(&g2, 1, 8, 0, buf, 8, false),
			 XSIM_GNTST_general_error);
	/* DOMID_SELF is accepted for copies (rcu_lock_domain_by_any_id). */
	assert_int_equal(xsim_gnttab_grant(w, 2, 30, 2, 3, false), 0);
	assert_int_equal(xsim_gnttab_copy(&g2, XSIM_DOMID_SELF, 30, 0, buf, 8,
					  false), XSIM_GNTST_okay);
	assert_true(buf[0] == pattern(2, 3, 0));
	done(w);
}

/* ---- page grants (gntalloc) ---- */

static void test_grant_page_and_deferred_free(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = caller(w, 0), g1 = caller(w, 1);
	uint32_t ref, ref2, page, mapped, free0;
	uint64_t seq;

	(void)state;
	free0 = w->sh->free_pages;
	assert_int_equal(xsim_gnttab_alloc_ref(&dom0, &ref), 0);
	assert_int_equal(ref, 8);	/* refs 0..7 are the toolstack's */
	page = xsim_page_alloc(w, 0, XSIM_PAGE_RAM);
	memset(xsim_page_va(w, page), 0x5C, XSIM_PAGE_SIZE);
	seq = xsim_effect_next(w);
	assert_int_equal(xsim_gnttab_grant_page(&dom0, ref, 1, page, false), 0);
	assert_true(logged(w, seq, 1, XSIM_EFF_WRITE, 0x101, ref));
	assert_int_equal(entry(w, 0, ref)->frame, xsim_page_mfn(page));
	/* An allocated-but-used ref is not handed out twice. */
	assert_int_equal(xsim_gnttab_alloc_ref(&dom0, &ref2), 0);
	assert_int_equal(ref2, 9);
	assert_int_equal(xsim_gnttab_end_access(&dom0, ref2), 0);
	/* Pages that are not the caller's cannot be shared. */
	assert_int_equal(xsim_gnttab_grant_page(&dom0, ref2, 1,
						gfn_page(w, 1, 0), false),
			 -EINVAL);

	/* The grantee sees the very page. */
	assert_int_equal(xsim_gnttab_map(&g1, 0, ref, false, &mapped), 0);
	assert_int_equal(mapped, page);
	/* Ending it while mapped defers the free to the last unmap. */
	assert_int_equal(xsim_gnttab_end_access_page(&dom0, ref), 1);
	assert_int_equal(xsim_page_meta(w, page)->type, XSIM_PAGE_RAM);
	assert_int_equal(xsim_gnttab_end_access_page(&dom0, ref), -EINVAL);
	assert_int_equal(xsim_gnttab_unmap(&g1, 0, ref), 0);
	assert_int_equal(xsim_page_meta(w, page)->type, XSIM_PAGE_FREE);
	assert_int_equal(entry(w, 0, ref)->flags, 0);
	/* The ref is free again. */
	assert_int_equal(xsim_gnttab_alloc_ref(&dom0, &ref2), 0);
	assert_int_equal(ref2, ref);
	assert_int_equal(xsim_gnttab_end_access(&dom0, ref2), 0);

	/* Not mapped: freed at once. */
	page = xsim_page_alloc(w, 0, XSIM_PAGE_RAM);
	assert_int_equal(xsim_gnttab_alloc_ref(&dom0, &ref), 0);
	assert_int_equal(xsim_gnttab_grant_page(&dom0, ref, 1, page, true), 0);
	assert_int_equal(xsim_gnttab_map(&g1, 0, ref, false, &mapped),
			 XSIM_GNTST_general_error);
	assert_int_equal(xsim_gnttab_end_access_page(&dom0, ref), 0);
	assert_int_equal(xsim_page_meta(w, page)->type, XSIM_PAGE_FREE);
	/* Only dom0's grant-table frame (grown by alloc_ref) remains. */
	assert_int_equal(w->sh->free_pages, free0 - 2);
	assert_int_equal(xsim_gnttab_end_access_page(&dom0, 8), -EINVAL);
	done(w);
}

static void test_alloc_ref_exhaustion(void **state)
{
	struct xsim_world *w = world();
	uint16_t id = new_guest(w, 9, 1);
	struct xsim_caller c = caller(w, id);
	uint32_t ref, i;

	(void)state;
	for (i = 8; i < 512; i++) {
		assert_int_equal(xsim_gnttab_alloc_ref(&c, &ref), 0);
		assert_int_equal(ref, i);
	}
	assert_int_equal(xsim_gnttab_alloc_ref(&c, &ref), -ENOSPC);
	assert_int_equal(xsim_gnttab_end_access(&c, 300), 0);
	assert_int_equal(xsim_gnttab_alloc_ref(&c, &ref), 0);
	assert_int_equal(ref, 300);
	done(w);
}

/* ---- teardown ---- */

static void test_teardown_frees_everything(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = caller(w, 0);
	uint32_t free0 = w->sh->free_pages;
	uint16_t id = new_guest(w, 9, 4);

	(void)state;
	assert_int_equal(xsim_gnttab_setup(&dom0, id, 4), 0);
	assert_int_equal(xsim_gnttab_grant(w, id, 8, 0, 2, false), 0);
	assert_true(w->sh->free_pages < free0);
	assert_int_equal(xsim_domain_destroy(&dom0, id), 0);
	assert_int_equal(w->sh->free_pages, free0);
	done(w);
}

static void test_teardown_keeps_mapped_pages(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = caller(w, 0);
	uint32_t free0 = w->sh->free_pages, page;
	uint16_t id = new_guest(w, 9, 4);
	uint64_t *mem;

	(void)state;
	assert_int_equal(xsim_gnttab_grant(w, id, 8, 0, 2, false), 0);
	assert_int_equal(xsim_gnttab_map(&dom0, id, 8, false, &page), 0);
	assert_int_equal(xsim_domain_destroy(&dom0, id), 0);
	/* The mapped page survives its domain, orphaned to Xen. */
	assert_int_equal(w->sh->free_pages, free0 - 1);
	assert_int_equal(xsim_page_meta(w, page)->owner, XSIM_DOMID_XEN);
	mem = xsim_page_va(w, page);
	assert_true(mem[1] == pattern(id, 2, 8));
	/* The mapper's unmap still finds it, and frees it. */
	assert_int_equal(xsim_gnttab_unmap(&dom0, id, 8), XSIM_GNTST_okay);
	assert_int_equal(w->sh->free_pages, free0);
	assert_int_equal(xsim_gnttab_unmap(&dom0, id, 8), XSIM_GNTST_bad_domain);
	done(w);
}

static void test_teardown_of_the_mapper(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = caller(w, 0);
	uint16_t id = new_guest(w, 9, 4);
	struct xsim_caller g = caller(w, id);
	uint32_t page, ref, spage;

	(void)state;
	/* Guest 9 maps a grant of guest 1 and a gntalloc page of dom0. */
	assert_int_equal(xsim_gnttab_grant(w, 1, 40, id, 3, false), 0);
	assert_int_equal(xsim_gnttab_map(&g, 1, 40, false, &page), 0);
	assert_int_equal(xsim_gnttab_alloc_ref(&dom0, &ref), 0);
	spage = xsim_page_alloc(w, 0, XSIM_PAGE_RAM);
	assert_int_equal(xsim_gnttab_grant_page(&dom0, ref, id, spage, false), 0);
	assert_int_equal(xsim_gnttab_map(&g, 0, ref, true, &page), 0);
	assert_int_equal(xsim_gnttab_end_access_page(&dom0, ref), 1);

	/* Xen's gnttab_release_mappings drops the dying mapper's pins. */
	assert_int_equal(xsim_domain_destroy(&dom0, id), 0);
	assert_int_equal(entry(w, 1, 40)->flags, GTF_permit_access);
	assert_int_equal(xsim_page_meta(w, gfn_page(w, 1, 3))->maps, 0);
	assert_int_equal(xsim_page_meta(w, spage)->type, XSIM_PAGE_FREE);
	assert_int_equal(entry(w, 0, ref)->flags, 0);
	done(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_and_query),
		cmocka_unit_test(test_grant_writes_the_shared_entry),
		cmocka_unit_test(test_map_aliases_the_granted_page),
		cmocka_unit_test(test_pv_granter_names_machine_frames),
		cmocka_unit_test(test_map_errors),
		cmocka_unit_test(test_pins_and_flags),
		cmocka_unit_test(test_end_access),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_grant_page_and_deferred_free),
		cmocka_unit_test(test_alloc_ref_exhaustion),
		cmocka_unit_test(test_teardown_frees_everything),
		cmocka_unit_test(test_teardown_keeps_mapped_pages),
		cmocka_unit_test(test_teardown_of_the_mapper),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
