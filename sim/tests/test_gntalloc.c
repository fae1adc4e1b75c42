/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/gntalloc as Linux 6.1 implements it, under every profile that
 * has the device: sharing pages and seeing them from the grantee, file
 * offsets and mmap, DEALLOC with the grantee or an mmap still holding a
 * page, unmap notifications, the module-wide limit, bad pointers, the
 * restrict audit (proposed) and its absence (linux), release.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <xensim/uapi.h>
#include <xensim/device.h>

#include "../machine/layout.h"
#include "gnt_mapper.h"
#include "support/world_helpers.h"

#define GTF_permit_access	1u
#define GTF_readonly		(1u << 2)

/* ---- helpers ---- */

struct env {
	struct xsim_world *w;
	struct xsim_file f;
	struct gnt_mapper m;
	uint32_t free0;		/* free pages before the device was opened */
};

static void env_open(struct env *e, const char *profile)
{
	e->w = wh_world(profile, false);
	gnt_mapper_init(&e->m, e->w);
	e->free0 = e->w->sh->free_pages;
	assert_int_equal(xsim_dev_open(e->w, XSIM_DEV_GNTALLOC, 0, &e->f), 0);
}

static void env_close(struct env *e)
{
	xsim_dev_release(e->w, e->f);
	xsim_world_detach(e->w);
}

static long ioc_f(struct env *e, struct xsim_file f, unsigned long cmd,
		  const void *arg)
{
	return xsim_dev_ioctl(e->w, f, cmd, (uint64_t)(uintptr_t)arg, &e->m.ua);
}

static long ioc(struct env *e, unsigned long cmd, const void *arg)
{
	return ioc_f(e, e->f, cmd, arg);
}

/* ALLOC_GREF of n pages for dom; the grant refs go to ids. */
static long alloc_f(struct env *e, struct xsim_file f, uint16_t dom,
		    uint32_t n, bool writable, uint64_t *index, uint32_t *ids)
{
	struct ioctl_gntalloc_alloc_gref *op =
		calloc(1, sizeof(*op) + n * sizeof(uint32_t));
	long rc;

	assert_non_null(op);
	op->domid = dom;
	op->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
	op->count = n;
	rc = ioc_f(e, f, IOCTL_GNTALLOC_ALLOC_GREF, op);
	if (index)
		*index = op->index;
	if (ids)
		memcpy(ids, op->gref_ids, n * sizeof(uint32_t));
	free(op);
	return rc;
}

static long alloc(struct env *e, uint16_t dom, uint32_t n, bool writable,
		  uint64_t *index, uint32_t *ids)
{
	return alloc_f(e, e->f, dom, n, writable, index, ids);
}

static long dealloc(struct env *e, uint64_t index, uint32_t count)
{
	struct ioctl_gntalloc_dealloc_gref op = { .index = index,
						  .count = count };

	return ioc(e, IOCTL_GNTALLOC_DEALLOC_GREF, &op);
}

static int do_mmap(struct env *e, void *addr, unsigned pages, uint64_t index)
{
	return xsim_dev_mmap(e->w, e->f, (uint64_t)(uintptr_t)addr,
			     (uint64_t)pages * XSIM_PAGE_SIZE,
			     index >> XSIM_PAGE_SHIFT, PROT_READ | PROT_WRITE,
			     &e->m.ua);
}

static void do_munmap(struct env *e, void *addr, unsigned pages)
{
	xsim_dev_munmap(e->w, e->f, (uint64_t)(uintptr_t)addr,
			(uint64_t)pages * XSIM_PAGE_SIZE);
	munmap(addr, (size_t)pages * XSIM_PAGE_SIZE);
}

/* The grantee's side: domain dom maps dom0's ref (GNTST_* result). */
static int guest_map(struct xsim_world *w, uint16_t dom, uint32_t ref,
		     bool readonly, uint32_t *page)
{
	struct xsim_caller c = wh_caller(w, dom);
	int rc;

	xsim_lock(w);
	rc = xsim_gnttab_map(&c, 0, ref, readonly, page);
	xsim_unlock(w);
	return rc;
}

static int guest_unmap(struct xsim_world *w, uint16_t dom, uint32_t ref)
{
	struct xsim_caller c = wh_caller(w, dom);
	int rc;

	xsim_lock(w);
	rc = xsim_gnttab_unmap(&c, 0, ref);
	xsim_unlock(w);
	return rc;
}

static uint16_t dom0_entry_flags(struct xsim_world *w, uint32_t ref)
{
	struct xsim_domain *d = xsim_dom_get(w, 0);

	return ((uint16_t *)xsim_page_va(w, d->gnttab_frame[ref / 512]))
		[(ref % 512) * 4];
}

/* ---- presence ---- */

static void test_open_per_profile(void **state)
{
	static const char *const present[] = { "proposed", "linux",
					       "linux-xsa482", NULL };
	static const char *const absent[] = { "freebsd", "netbsd", NULL };
	const char *const *p;
	struct xsim_world *w;
	struct xsim_file f;

	(void)state;
	for (p = present; *p; p++) {
		w = wh_world(*p, false);
		assert_int_equal(xsim_dev_open(w, XSIM_DEV_GNTALLOC, 0, &f), 0);
		xsim_dev_release(w, f);
		xsim_world_detach(w);
	}
	for (p = absent; *p; p++) {
		w = wh_world(*p, false);
		assert_int_equal(xsim_dev_open(w, XSIM_DEV_GNTALLOC, 0, &f),
				 -ENODEV);
		xsim_world_detach(w);
	}
}

/* ---- sharing ---- */

static void check_share(const char *profile)
{
	uint32_t ids[3], page, page1;
	uint64_t index, index2;
	struct env e;
	uint8_t *base, *seen;

	env_open(&e, profile);
	assert_int_equal(alloc(&e, 1, 2, true, &index, ids), 0);
	assert_true(index == 0);
	assert_int_equal(ids[0], 8);
	assert_int_equal(ids[1], 9);
	assert_int_equal(dom0_entry_flags(e.w, ids[0]), GTF_permit_access);
	/* Offsets are never reused (Linux priv->index only grows). */
	assert_int_equal(alloc(&e, 2, 1, false, &index2, &ids[2]), 0);
	assert_true(index2 == 2 * XSIM_PAGE_SIZE);
	assert_int_equal(dom0_entry_flags(e.w, ids[2]),
			 GTF_permit_access | GTF_readonly);

	base = gnt_reserve(2);
	assert_int_equal(do_mmap(&e, base, 2, index), 0);
	assert_int_equal(e.m.maps, 2);
	/* New pages are zeroed. */
	assert_int_equal(base[100], 0);
	memcpy(base + XSIM_PAGE_SIZE + 16, "shared!", 8);

	/* Domain 1 maps the second gref and sees the bytes. */
	assert_int_equal(guest_map(e.w, 1, ids[1], false, &page), 0);
	seen = xsim_page_va(e.w, page);
	assert_string_equal((char *)seen + 16, "shared!");
	seen[40] = 0x42;
	assert_int_equal(base[XSIM_PAGE_SIZE + 40], 0x42);
	assert_int_equal(guest_unmap(e.w, 1, ids[1]), 0);
	/* Not for domain 2; read-only for domain 2's own. */
	assert_int_equal(guest_map(e.w, 2, ids[0], true, &page1),
			 XSIM_GNTST_general_error);
	assert_int_equal(guest_map(e.w, 2, ids[2], false, &page1),
			 XSIM_GNTST_general_error);
	assert_int_equal(guest_map(e.w, 2, ids[2], true, &page1), 0);
	assert_int_equal(guest_unmap(e.w, 2, ids[2]), 0);

	do_munmap(&e, base, 2);
	assert_int_equal(dealloc(&e, index, 2), 0);
	assert_int_equal(dom0_entry_flags(e.w, ids[0]), 0);
	env_close(&e);
}

static void test_share_every_profile(void **state)
{
	(void)state;
	check_share("proposed");
	check_share("linux");
	check_share("linux-xsa482");
}

static void test_dealloc_while_grantee_maps(void **state)
{
	uint32_t id, page, free1;
	uint64_t index;
	struct env e;

	(void)state;
	env_open(&e, "linux");
	assert_int_equal(alloc(&e, 1, 1, true, &index, &id), 0);
	free1 = e.w->sh->free_pages;
	assert_int_equal(guest_map(e.w, 1, id, false, &page), 0);
	assert_int_equal(dealloc(&e, index, 1), 0);
	/* Linux 6.1 defers the free while the grantee maps the page. */
	assert_int_equal(xsim_page_meta(e.w, page)->type, XSIM_PAGE_RAM);
	assert_int_equal(dealloc(&e, index, 1), -EINVAL);
	assert_int_equal(guest_unmap(e.w, 1, id), 0);
	assert_int_equal(xsim_page_meta(e.w, page)->type, XSIM_PAGE_FREE);
	assert_true(e.w->sh->free_pages > free1);
	env_close(&e);
}

static void test_dealloc_while_mmapped(void **state)
{
	struct ioctl_gntalloc_unmap_notify n = { 0 };
	uint32_t ids[2], page;
	uint64_t index;
	struct env e;
	uint8_t *base;

	(void)state;
	env_open(&e, "proposed");
	assert_int_equal(alloc(&e, 1, 2, true, &index, ids), 0);
	base = gnt_reserve(2);
	assert_int_equal(do_mmap(&e, base, 2, index), 0);
	base[XSIM_PAGE_SIZE + 7] = 0x99;
	n.index = index + XSIM_PAGE_SIZE + 7;
	n.action = UNMAP_NOTIFY_CLEAR_BYTE;
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n), 0);
	assert_int_equal(guest_map(e.w, 1, ids[1], true, &page), 0);
	/* Off the file list, but the mmap still holds both pages. */
	assert_int_equal(dealloc(&e, index, 2), 0);
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n), -ENOENT);
	assert_int_equal(dom0_entry_flags(e.w, ids[0]), GTF_permit_access);
	assert_int_equal(((uint8_t *)xsim_page_va(e.w, page))[7], 0x99);
	/* The munmap drops the last use: notify, end the grants. */
	do_munmap(&e, base, 2);
	assert_int_equal(dom0_entry_flags(e.w, ids[0]), 0);
	assert_int_equal(((uint8_t *)xsim_page_va(e.w, page))[7], 0);
	assert_int_equal(guest_unmap(e.w, 1, ids[1]), 0);
	assert_int_equal(xsim_page_meta(e.w, page)->type, XSIM_PAGE_FREE);
	env_close(&e);
}

static void test_notify_send_event(void **state)
{
	struct ioctl_gntalloc_unmap_notify n = { 0 };
	struct xsim_caller g1, dom0;
	uint32_t gport, lport, id;
	uint64_t index;
	struct env e;

	(void)state;
	env_open(&e, "linux");
	g1 = wh_caller(e.w, 1);
	dom0 = wh_caller(e.w, 0);
	xsim_lock(e.w);
	assert_int_equal(xsim_evtchn_alloc_unbound(&g1, XSIM_DOMID_SELF, 0,
						   &gport), 0);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, gport, &lport),
			 0);
	xsim_unlock(e.w);
	assert_int_equal(alloc(&e, 1, 1, true, &index, &id), 0);
	n.index = index + 3;
	n.action = UNMAP_NOTIFY_SEND_EVENT | UNMAP_NOTIFY_CLEAR_BYTE;
	n.event_channel_port = lport;
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n), 0);
	assert_int_equal(dealloc(&e, index, 1), 0);
	xsim_lock(e.w);
	assert_int_equal(xsim_evtchn_guest_pending(e.w, 1, gport, true), 1);
	xsim_unlock(e.w);

	/* Errors: Linux looks the gref up first, then the action. */
	assert_int_equal(alloc(&e, 1, 1, true, &index, &id), 0);
	n.index = index + XSIM_PAGE_SIZE;
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n), -ENOENT);
	n.index = index;
	n.action = 8;
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n), -EINVAL);
	n.action = UNMAP_NOTIFY_SEND_EVENT;
	n.event_channel_port = 3000;
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n), -EINVAL);
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, NULL), -EFAULT);
	env_close(&e);
}

/* ---- limits and bad input ---- */

static void test_limits(void **state)
{
	struct xsim_file f2;
	uint64_t index;
	struct env e;
	uint8_t *base;

	(void)state;
	env_open(&e, "linux");
	/* The id array alone would exceed kmalloc's limit. */
	assert_int_equal(alloc(&e, 1, 1u << 30, true, NULL, NULL), -ENOMEM);
	assert_int_equal(alloc(&e, 1, 1025, true, NULL, NULL), -ENOSPC);
	/* The limit is the module's, shared by every open file. */
	assert_int_equal(alloc(&e, 1, 1000, true, &index, NULL), 0);
	assert_int_equal(xsim_dev_open(e.w, XSIM_DEV_GNTALLOC, 0, &f2), 0);
	assert_int_equal(alloc_f(&e, f2, 2, 25, true, NULL, NULL), -ENOSPC);
	assert_int_equal(alloc_f(&e, f2, 2, 24, true, NULL, NULL), 0);
	assert_int_equal(alloc_f(&e, f2, 2, 1, true, NULL, NULL), -ENOSPC);
	xsim_dev_release(e.w, f2);
	assert_int_equal(alloc(&e, 2, 24, true, NULL, NULL), 0);
	/* count 0 is a successful no-op. */
	assert_int_equal(alloc(&e, 2, 0, true, NULL, NULL), 0);

	/* DEALLOC and mmap must name grefs of this file. */
	assert_int_equal(dealloc(&e, index + 5000 * XSIM_PAGE_SIZE, 1), -EINVAL);
	assert_int_equal(dealloc(&e, index, 0), -EINVAL);
	assert_int_equal(dealloc(&e, index + 999 * XSIM_PAGE_SIZE, 2), 0);
	base = gnt_reserve(2);
	assert_int_equal(do_mmap(&e, base, 2, index + 998 * XSIM_PAGE_SIZE),
			 -ENOENT);
	assert_int_equal(xsim_dev_mmap(e.w, e.f, (uint64_t)(uintptr_t)base,
				       XSIM_PAGE_SIZE, 0, PROT_READ,
				       &xsim_uaccess_self), -ENODEV);
	munmap(base, 2 * XSIM_PAGE_SIZE);
	assert_int_equal(ioc(&e, _IOC(_IOC_NONE, 'G', 0x20, 4), NULL), -ENOTTY);
	env_close(&e);
}

static void test_bad_pointers(void **state)
{
	struct ioctl_gntalloc_alloc_gref *op;
	struct gnt_guard_saved g;
	void *edge_base;
	struct env e;

	(void)state;
	gnt_guard_on(&g);
	env_open(&e, "linux");
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_ALLOC_GREF, NULL), -EFAULT);
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_DEALLOC_GREF, NULL), -EFAULT);
	op = gnt_edge(sizeof(*op) - 8, &edge_base);
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_ALLOC_GREF, op), -EFAULT);
	gnt_edge_free(edge_base);
	/*
	 * Room for the header and four ids, five asked: EFAULT, and Linux
	 * keeps the grefs (the file's close frees them).
	 */
	op = gnt_edge(sizeof(*op) + 8, &edge_base);
	op->domid = 1;
	op->flags = GNTALLOC_FLAG_WRITABLE;
	op->count = 5;
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_ALLOC_GREF, op), -EFAULT);
	assert_true(op->index == 0);
	assert_int_equal(op->gref_ids[0], 8);
	assert_int_equal(op->gref_ids[3], 11);
	assert_int_equal(dom0_entry_flags(e.w, 12), GTF_permit_access);
	gnt_edge_free(edge_base);
	xsim_dev_release(e.w, e.f);
	assert_int_equal(dom0_entry_flags(e.w, 12), 0);
	xsim_world_detach(e.w);
	gnt_guard_off(&g);
}

/* ---- restrict ---- */

static long restrict_to(struct env *e, uint16_t dom)
{
	struct ioctl_gntdev_restrict_domid r = { .domid = dom };

	return ioc(e, IOCTL_GNTALLOC_RESTRICT_DOMID, &r);
}

static void test_restrict_proposed(void **state)
{
	uint32_t eid, id;
	uint64_t seq, index;
	struct env e;

	(void)state;
	env_open(&e, "proposed");
	eid = xsim_file_effect_id(e.f);
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_RESTRICT_DOMID, NULL), -EFAULT);
	assert_int_equal(restrict_to(&e, XSIM_DOMID_INVALID), -EINVAL);
	assert_int_equal(restrict_to(&e, 1), 0);
	assert_int_equal(restrict_to(&e, 1), 0);
	assert_int_equal(restrict_to(&e, 3), -EPERM);
	seq = xsim_effect_next(e.w);
	assert_int_equal(alloc(&e, 2, 1, true, NULL, NULL), -EPERM);
	assert_int_equal(alloc(&e, 0, 1, true, NULL, NULL), -EPERM);
	assert_int_equal(alloc(&e, 1, 1, true, &index, &id), 0);
	assert_int_equal(id, 8);	/* the refused requests took nothing */
	assert_int_equal(dealloc(&e, index, 1), 0);
	assert_int_equal(wh_effects_elsewhere(e.w, seq, eid, 1), 0);
	assert_true(wh_effects_on(e.w, seq, 1) > 0);
	env_close(&e);
}

static void test_no_restrict_linux(void **state)
{
	struct xsim_restrict_state rs;
	struct env e;

	(void)state;
	env_open(&e, "linux");
	assert_int_equal(restrict_to(&e, 1), -ENOTTY);
	assert_int_equal(ioc(&e, IOCTL_GNTALLOC_RESTRICT_DOMID, NULL), -ENOTTY);
	assert_int_equal(xsim_file_restrict_state(e.w, e.f, &rs), 0);
	assert_false(rs.restricted);
	/* xengntshr shares with anyone: nothing stops it. */
	assert_int_equal(alloc(&e, 2, 1, true, NULL, NULL), 0);
	assert_int_equal(alloc(&e, 3, 1, false, NULL, NULL), 0);
	env_close(&e);
}

/* ---- release ---- */

static void test_release_frees_everything(void **state)
{
	struct xsim_world *w;
	uint32_t ids[3], page;
	uint64_t index;
	struct env e;
	uint8_t *base;

	(void)state;
	env_open(&e, "proposed");
	w = e.w;
	assert_int_equal(alloc(&e, 1, 3, true, &index, ids), 0);
	assert_int_equal(alloc(&e, 2, 5, true, NULL, NULL), 0);
	base = gnt_reserve(3);
	assert_int_equal(do_mmap(&e, base, 3, index), 0);
	assert_int_equal(guest_map(w, 1, ids[2], false, &page), 0);
	xsim_dev_release(w, e.f);
	/* Mapped by the grantee: that one page waits for its unmap. */
	assert_int_equal(xsim_page_meta(w, page)->type, XSIM_PAGE_RAM);
	assert_int_equal(guest_unmap(w, 1, ids[2]), 0);
	/* Back to the pool, but dom0's grown grant table. */
	assert_int_equal(w->sh->free_pages, e.free0 - 2);
	munmap(base, 3 * XSIM_PAGE_SIZE);
	xsim_world_detach(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_per_profile),
		cmocka_unit_test(test_share_every_profile),
		cmocka_unit_test(test_dealloc_while_grantee_maps),
		cmocka_unit_test(test_dealloc_while_mmapped),
		cmocka_unit_test(test_notify_send_event),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_bad_pointers),
		cmocka_unit_test(test_restrict_proposed),
		cmocka_unit_test(test_no_restrict_linux),
		cmocka_unit_test(test_release_frees_everything),
	};

	gnt_guard_capture();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
