/* SPDX-License-Identifier: MIT */
/*
 * The raw hypercall dispatcher (xsim_hypercall), one family at a time, as
 * privcmd's HYPERCALL ioctl reaches it: xen_version, memory_op (the
 * reservation ops, the domain statistics, add/remove_from_physmap and
 * acquire_resource), event_channel_op, grant_table_op, hvm_op, and the
 * numbers that are not modelled.  Expected values are Xen 4.17's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#define __XEN_TOOLS__ 1

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/version.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include <xensim/effect.h>
#include <xensim/machine.h>
#include <xensim/world.h>

#include "support/world_helpers.h"

#define HANDLE	0x01000005u	/* an effect-log handle id for the caller */

static uint64_t pattern(uint16_t domid, uint64_t gfn, unsigned off)
{
	return (uint64_t)domid << 48 | gfn << 12 | off;
}

#define U(p)	((uint64_t)(uintptr_t)(p))

/*
 * A page nothing can read or write: copies touching it give EFAULT.  The
 * test's uaccess refuses it itself rather than faulting, because cmocka
 * replaces the SIGSEGV handler of xsim_guarded_copy around every test.
 */
static uint8_t *fence;

static void *bad_page(void)
{
	return fence;
}

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

static long hc(struct xsim_world *w, uint16_t dom, uint64_t op, uint64_t a0,
	       uint64_t a1, uint64_t a2)
{
	struct xsim_caller c = { .w = w, .domid = dom, .handle = HANDLE };
	const uint64_t arg[5] = { a0, a1, a2, 0, 0 };
	long rc;

	xsim_lock(w);
	rc = xsim_hypercall(&c, &wh_fenced, op, arg);
	xsim_unlock(w);
	return rc;
}

static long ver(struct xsim_world *w, uint16_t dom, int cmd, void *arg)
{
	return hc(w, dom, __HYPERVISOR_xen_version, (uint64_t)cmd, U(arg), 0);
}

static long mem(struct xsim_world *w, uint16_t dom, uint64_t cmd, void *arg)
{
	return hc(w, dom, __HYPERVISOR_memory_op, cmd, U(arg), 0);
}

static uint64_t read_word(struct xsim_world *w, uint16_t dom, uint64_t gfn,
			  unsigned off)
{
	struct xsim_caller c = wh_caller(w, 0);
	uint64_t v = 0;

	xsim_lock(w);
	assert_int_equal(xsim_mem_access(&c, dom, gfn, off, &v, 8, false), 0);
	xsim_unlock(w);
	return v;
}

static bool populated(struct xsim_world *w, uint16_t dom, uint64_t gfn)
{
	struct xsim_caller c = wh_caller(w, 0);
	uint64_t v;
	int rc;

	xsim_lock(w);
	rc = xsim_mem_access(&c, dom, gfn, 0, &v, 8, false);
	xsim_unlock(w);
	return rc == 0;
}

/* ---- xen_version ---- */

static void version_numbers_and_strings(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	xen_extraversion_t extra;
	xen_capabilities_info_t caps;
	xen_changeset_info_t cs;
	xen_compile_info_t ci;
	xen_platform_parameters_t pp;

	(void)state;
	assert_int_equal(ver(w, 0, XENVER_version, NULL), 0x40011);
	assert_int_equal(ver(w, 1, XENVER_version, NULL), 0x40011);
	memset(extra, 'x', sizeof(extra));
	assert_int_equal(ver(w, 0, XENVER_extraversion, extra), 0);
	assert_string_equal(extra, ".7");
	assert_int_equal(ver(w, 0, XENVER_capabilities, caps), 0);
	assert_non_null(strstr(caps, "xen-3.0-x86_64"));
	assert_non_null(strstr(caps, "hvm-3.0-x86_64"));
	assert_int_equal(ver(w, 0, XENVER_changeset, cs), 0);
	assert_true(strlen(cs) > 0);
	assert_int_equal(ver(w, 2, XENVER_compile_info, &ci), 0);
	assert_true(strlen(ci.compiler) > 0);
	assert_int_equal(ver(w, 0, XENVER_platform_parameters, &pp), 0);
	assert_int_equal(pp.virt_start, 0xFFFF800000000000ull);
	/* pagesize takes no argument. */
	assert_int_equal(ver(w, 0, XENVER_pagesize, NULL), 4096);
	assert_int_equal(ver(w, 0, XENVER_pagesize, &pp), -EINVAL);
	/* Unknown sub-ops. */
	assert_int_equal(ver(w, 0, 11, NULL), -ENOSYS);
	assert_int_equal(ver(w, 0, -1, NULL), -ENOSYS);
	xsim_world_detach(w);
}

static void version_features_and_handle(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	xen_feature_info_t fi = { .submap_idx = 0 };
	uint8_t h[16];

	(void)state;
	assert_int_equal(ver(w, 0, XENVER_get_features, &fi), 0);
	assert_true(fi.submap & (1u << XENFEAT_dom0));
	assert_false(fi.submap & (1u << XENFEAT_auto_translated_physmap));
	fi.submap_idx = 0;
	assert_int_equal(ver(w, 1, XENVER_get_features, &fi), 0);
	assert_false(fi.submap & (1u << XENFEAT_dom0));
	assert_true(fi.submap & (1u << XENFEAT_auto_translated_physmap));
	fi.submap_idx = 1;
	assert_int_equal(ver(w, 0, XENVER_get_features, &fi), -EINVAL);
	/* The caller's own domain handle (worldfile.c: [0] = domid, [15] = 0x5a). */
	memset(h, 0, sizeof(h));
	assert_int_equal(ver(w, 2, XENVER_guest_handle, h), 0);
	assert_int_equal(h[0], 2);
	assert_int_equal(h[15], 0x5a);
	xsim_world_detach(w);
}

static void version_privileged_subops(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	xen_commandline_t cmdline;
	/* xen_build_id_t is a length followed by a flexible array. */
	union {
		xen_build_id_t hdr;
		unsigned char raw[64];
	} id;

	(void)state;
	assert_int_equal(ver(w, 0, XENVER_commandline, cmdline), 0);
	assert_string_not_equal(cmdline, "<denied>");
	/* XSM_PRIV for a domU: the data is replaced by "<denied>". */
	assert_int_equal(ver(w, 1, XENVER_commandline, cmdline), 0);
	assert_string_equal(cmdline, "<denied>");
	/* build_id: NULL asks the size; len 0 is invalid; short is ENOBUFS. */
	assert_int_equal(ver(w, 0, XENVER_build_id, NULL), 20);
	id.hdr.len = 0;
	assert_int_equal(ver(w, 0, XENVER_build_id, &id), -EINVAL);
	id.hdr.len = 4;
	assert_int_equal(ver(w, 0, XENVER_build_id, &id), -ENOBUFS);
	id.hdr.len = sizeof(id.raw) - sizeof(id.hdr);
	assert_int_equal(ver(w, 0, XENVER_build_id, &id), 20);
	assert_int_equal(ver(w, 1, XENVER_build_id, &id), -EPERM);
	xsim_world_detach(w);
}

static void version_bad_pointers(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	void *bad = bad_page();

	(void)state;
	assert_int_equal(ver(w, 0, XENVER_extraversion, bad), -EFAULT);
	assert_int_equal(ver(w, 0, XENVER_extraversion, NULL), -EFAULT);
	assert_int_equal(ver(w, 0, XENVER_capabilities, bad), -EFAULT);
	assert_int_equal(ver(w, 0, XENVER_get_features, bad), -EFAULT);
	assert_int_equal(ver(w, 0, XENVER_guest_handle, bad), -EFAULT);
	assert_int_equal(ver(w, 0, XENVER_compile_info, (void *)1), -EFAULT);
	/* The number itself needs no memory. */
	assert_int_equal(ver(w, 0, XENVER_version, bad), 0x40011);
	xsim_world_detach(w);
}

static void unmodelled_hypercalls(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);

	(void)state;
	/* domctl/sysctl are modelled (test_domctl.c): a NULL op faults. */
	assert_int_equal(hc(w, 0, __HYPERVISOR_domctl, 0, 0, 0), -EFAULT);
	assert_int_equal(hc(w, 0, __HYPERVISOR_sysctl, 0, 0, 0), -EFAULT);
	assert_int_equal(hc(w, 0, __HYPERVISOR_mmu_update, 0, 0, 0), -ENOSYS);
	assert_int_equal(hc(w, 0, 63, 0, 0, 0), -ENOSYS);
	assert_int_equal(hc(w, 0, 1000000, 0, 0, 0), -ENOSYS);
	assert_int_equal(hc(w, 0, UINT64_MAX, 0, 0, 0), -ENOSYS);
	/* Unmodelled sub-ops of modelled families. */
	assert_int_equal(mem(w, 0, XENMEM_exchange, NULL), -ENOSYS);
	assert_int_equal(hc(w, 0, __HYPERVISOR_hvm_op, HVMOP_flush_tlbs, 0, 0),
			 -ENOSYS);
	assert_int_equal(hc(w, 0, __HYPERVISOR_event_channel_op,
			    EVTCHNOP_init_control, 0, 0), -ENOSYS);
	assert_int_equal(hc(w, 0, __HYPERVISOR_grant_table_op,
			    GNTTABOP_transfer, 0, 1), -ENOSYS);
	xsim_world_detach(w);
}

/* ---- memory_op ---- */

static struct xen_memory_reservation resv(uint16_t dom, xen_pfn_t *list,
					  unsigned long nr, unsigned order)
{
	struct xen_memory_reservation r;

	memset(&r, 0, sizeof(r));
	set_xen_guest_handle(r.extent_start, list);
	r.nr_extents = nr;
	r.extent_order = order;
	r.domid = dom;
	return r;
}

static void memory_populate_and_decrease(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	xen_pfn_t gfns[3] = { 300, 301, 302 };
	struct xen_memory_reservation r = resv(1, gfns, 3, 0);
	domid_t d1 = 1;
	uint64_t from = xsim_effect_next(w);

	(void)state;
	assert_int_equal(mem(w, 0, XENMEM_current_reservation, &d1), 256);
	assert_int_equal(mem(w, 0, XENMEM_populate_physmap, &r), 3);
	assert_int_equal(mem(w, 0, XENMEM_current_reservation, &d1), 259);
	assert_int_equal(read_word(w, 1, 301, 8), pattern(1, 301, 8));
	assert_true(wh_effects_on(w, from, 1) > 0);
	assert_int_equal(wh_effects_elsewhere(w, from, HANDLE, 1), 0);
	/* HVM: the gfns are not rewritten. */
	assert_int_equal(gfns[2], 302);
	/* Decrease two of them; the third stays. */
	r = resv(1, gfns, 2, 0);
	assert_int_equal(mem(w, 0, XENMEM_decrease_reservation, &r), 2);
	assert_false(populated(w, 1, 300));
	assert_true(populated(w, 1, 302));
	/* A hole stops the batch: one extent done, then gfn 300 is gone. */
	gfns[0] = 302;
	gfns[1] = 300;
	assert_int_equal(mem(w, 0, XENMEM_decrease_reservation, &r), 1);
	assert_int_equal(mem(w, 0, XENMEM_current_reservation, &d1), 256);
	/* An order-2 extent: four pages at gfn 400. */
	gfns[0] = 400;
	r = resv(1, gfns, 1, 2);
	assert_int_equal(mem(w, 0, XENMEM_populate_physmap, &r), 1);
	assert_true(populated(w, 1, 403));
	assert_int_equal(mem(w, 0, XENMEM_decrease_reservation, &r), 1);
	assert_false(populated(w, 1, 400));
	xsim_world_detach(w);
}

static void memory_reservation_failures_are_counts(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	void *bad = bad_page();
	xen_pfn_t gfns[2] = { 500, 501 };
	struct xen_memory_reservation r;

	(void)state;
	/* Xen returns the extents done, never an errno, for these ops. */
	r = resv(9, gfns, 2, 0);
	assert_int_equal(mem(w, 0, XENMEM_populate_physmap, &r), 0);
	assert_int_equal(mem(w, 0, XENMEM_populate_physmap, bad), 0);
	assert_int_equal(mem(w, 0, XENMEM_populate_physmap, NULL), 0);
	/* A domU may not populate another domain (XSM_TARGET). */
	r = resv(1, gfns, 2, 0);
	assert_int_equal(mem(w, 2, XENMEM_populate_physmap, &r), 0);
	/* ... but itself, through DOMID_SELF. */
	r = resv(DOMID_SELF, gfns, 2, 0);
	assert_int_equal(mem(w, 2, XENMEM_populate_physmap, &r), 2);
	assert_true(populated(w, 2, 501));
	/* Orders above max_order(): 9 for a domU, 12 for the control domain. */
	r = resv(DOMID_SELF, gfns, 1, 10);
	assert_int_equal(mem(w, 2, XENMEM_populate_physmap, &r), 0);
	r = resv(1, gfns, 1, 13);
	assert_int_equal(mem(w, 0, XENMEM_populate_physmap, &r), 0);
	/* An address width of a page or less is refused. */
	r = resv(1, gfns, 1, 0);
	r.mem_flags = XENMEMF_address_bits(12);
	assert_int_equal(mem(w, 0, XENMEM_populate_physmap, &r), 0);
	/* The list faults after the first extent. */
	r = resv(1, (xen_pfn_t *)((char *)bad - 8), 2, 0);
	*(xen_pfn_t *)((char *)bad - 8) = 600;
	assert_int_equal(mem(w, 0, XENMEM_populate_physmap, &r), 1);
	assert_true(populated(w, 1, 600));
	/* start_extent in cmd: already done is returned as is. */
	r = resv(1, gfns, 2, 0);
	assert_int_equal(mem(w, 0, XENMEM_populate_physmap |
			     (2 << 6), &r), 2);
	/* A continuation from extent 1 does only the second one. */
	gfns[0] = 700;
	gfns[1] = 701;
	assert_int_equal(mem(w, 0, XENMEM_populate_physmap | (1 << 6), &r), 2);
	assert_false(populated(w, 1, 700));
	assert_true(populated(w, 1, 701));
	xsim_world_detach(w);
}

static void memory_max_pages_and_increase(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	xen_pfn_t list[4] = { 0 };
	struct xen_memory_reservation r;
	domid_t d3 = 3, d1 = 1;
	uint64_t mfn;

	(void)state;
	/* PV domain 3: increase_reservation reports the new machine frames. */
	r = resv(3, list, 2, 0);
	assert_int_equal(mem(w, 0, XENMEM_increase_reservation, &r), 2);
	assert_int_equal(mem(w, 0, XENMEM_current_reservation, &d3), 258);
	assert_true(populated(w, 3, 257));
	xsim_lock(w);
	assert_int_equal(xsim_mem_frame_of_gfn(w, 3, 256, &mfn), 0);
	assert_int_equal(list[0], mfn);
	assert_int_equal(xsim_mem_frame_of_gfn(w, 3, 257, &mfn), 0);
	assert_int_equal(list[1], mfn);
	xsim_unlock(w);
	assert_true(list[0] >= XSIM_MFN_BASE && list[1] >= XSIM_MFN_BASE);
	/* A NULL list is allowed for increase. */
	r = resv(3, NULL, 1, 0);
	assert_int_equal(mem(w, 0, XENMEM_increase_reservation, &r), 1);
	/* Max pages: domain 1 may hold 1024; asking for more stops there. */
	assert_int_equal(mem(w, 0, XENMEM_maximum_reservation, &d1), 1024);
	r = resv(1, NULL, 4, 9);	/* 4 x 512 pages */
	assert_int_equal(mem(w, 0, XENMEM_increase_reservation, &r), 1);
	assert_true(mem(w, 0, XENMEM_current_reservation, &d1) <= 1024);
	xsim_world_detach(w);
}

static void memory_domain_statistics(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	void *bad = bad_page();
	domid_t d;

	(void)state;
	d = 0;
	/* dom0's unlimited max_pages is Xen's unsigned int maximum. */
	assert_int_equal(mem(w, 0, XENMEM_maximum_reservation, &d), UINT_MAX);
	d = 1;
	assert_int_equal(mem(w, 0, XENMEM_maximum_gpfn, &d), 255);
	d = 9;
	assert_int_equal(mem(w, 0, XENMEM_current_reservation, &d), -ESRCH);
	assert_int_equal(mem(w, 0, XENMEM_current_reservation, bad), -EFAULT);
	d = 1;
	assert_int_equal(mem(w, 0, XENMEM_current_reservation | 1 << 6, &d),
			 -EINVAL);
	assert_int_equal(mem(w, 2, XENMEM_current_reservation, &d), -EPERM);
	d = DOMID_SELF;
	assert_int_equal(mem(w, 2, XENMEM_current_reservation, &d), 256);
	/* max_page: one past the last machine frame. */
	assert_int_equal(mem(w, 0, XENMEM_maximum_ram_page, NULL),
			 XSIM_MFN_BASE + 8192);
	assert_int_equal(mem(w, 0, XENMEM_maximum_ram_page | 1 << 6, NULL),
			 -EINVAL);
	xsim_world_detach(w);
}

static void memory_add_and_remove_physmap(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_add_to_physmap x = { .domid = 1, .space = XENMAPSPACE_gmfn,
					.idx = 5, .gpfn = 800 };
	struct xen_remove_from_physmap rm = { .domid = 1, .gpfn = 800 };

	(void)state;
	assert_int_equal(mem(w, 0, XENMEM_add_to_physmap, &x), 0);
	assert_false(populated(w, 1, 5));
	/* The page moved: its contents (gfn 5's pattern) now sit at 800. */
	assert_int_equal(read_word(w, 1, 800, 16), pattern(1, 5, 16));
	/* A hole as the source. */
	assert_int_equal(mem(w, 0, XENMEM_add_to_physmap, &x), -EINVAL);
	/* A range of three. */
	x = (struct xen_add_to_physmap){ .domid = 1, .size = 3,
		.space = XENMAPSPACE_gmfn_range, .idx = 10, .gpfn = 900 };
	assert_int_equal(mem(w, 0, XENMEM_add_to_physmap, &x), 0);
	assert_int_equal(read_word(w, 1, 902, 0), pattern(1, 12, 0));
	assert_false(populated(w, 1, 12));
	/* Errors, in Xen's order. */
	x.space = XENMAPSPACE_gmfn_foreign;
	assert_int_equal(mem(w, 0, XENMEM_add_to_physmap, &x), -ENOSYS);
	x.space = XENMAPSPACE_gmfn;
	x.domid = 9;
	assert_int_equal(mem(w, 0, XENMEM_add_to_physmap, &x), -ESRCH);
	x.domid = 3;	/* PV: not translated */
	assert_int_equal(mem(w, 0, XENMEM_add_to_physmap, &x), -EACCES);
	x.domid = 1;
	assert_int_equal(mem(w, 2, XENMEM_add_to_physmap, &x), -EPERM);
	x.space = XENMAPSPACE_shared_info;
	x.idx = 0;
	assert_int_equal(mem(w, 0, XENMEM_add_to_physmap, &x), -EOPNOTSUPP);
	x.space = 77;
	assert_int_equal(mem(w, 0, XENMEM_add_to_physmap, &x), -EINVAL);
	x.space = XENMAPSPACE_gmfn;
	x.gpfn = (xen_pfn_t)~0ul;
	assert_int_equal(mem(w, 0, XENMEM_add_to_physmap, &x), -EINVAL);
	assert_int_equal(mem(w, 0, XENMEM_add_to_physmap | 0x10000ul << 6, &x),
			 -EDOM);
	assert_int_equal(mem(w, 0, XENMEM_add_to_physmap, NULL), -EFAULT);
	/* remove_from_physmap. */
	assert_int_equal(mem(w, 0, XENMEM_remove_from_physmap, &rm), 0);
	assert_false(populated(w, 1, 800));
	assert_int_equal(mem(w, 0, XENMEM_remove_from_physmap, &rm), -ENOENT);
	rm.domid = 3;
	assert_int_equal(mem(w, 0, XENMEM_remove_from_physmap, &rm), -EACCES);
	xsim_world_detach(w);
}

static void memory_acquire_resource(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_caller c0 = wh_caller(w, 0);
	xen_mem_acquire_resource_t x;
	xen_pfn_t frames[3] = { 0 };
	uint32_t page = 0;

	(void)state;
	memset(&x, 0, sizeof(x));
	x.domid = 1;
	x.type = XENMEM_resource_grant_table;
	x.id = XENMEM_resource_grant_table_id_shared;
	/* Size query: NULL list, nr_frames 0. */
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), 0);
	assert_int_equal(x.nr_frames, 64);
	/* Frames 0..1: frame 1 grows the table. */
	x.nr_frames = 2;
	set_xen_guest_handle(x.frame_list, frames);
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), 0);
	xsim_lock(w);
	assert_int_equal(xsim_gnttab_frame(&c0, 1, 0, &page), 0);
	assert_int_equal(frames[0], xsim_page_mfn(page));
	assert_int_equal(xsim_gnttab_frame(&c0, 1, 1, &page), 0);
	assert_int_equal(frames[1], xsim_page_mfn(page));
	xsim_unlock(w);
	/* Past the table's maximum. */
	x.frame = 63;
	x.nr_frames = 2;
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), -EINVAL);
	/* v2 status frames: the size is reported, the frames are not there. */
	x.frame = 0;
	x.nr_frames = 1;
	x.id = XENMEM_resource_grant_table_id_status;
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), -EINVAL);
	set_xen_guest_handle(x.frame_list, NULL);
	x.nr_frames = 0;
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), 0);
	assert_int_equal(x.nr_frames, 8);
	/* A NULL list with frames asked for. */
	x.id = 0;
	x.nr_frames = 1;
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), -EINVAL);
	x.nr_frames = 0;
	x.pad = 1;
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), -EINVAL);
	x.pad = 0;
	x.frame = 1ull << 32;
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), -EINVAL);
	x.frame = 0;
	x.type = XENMEM_resource_vmtrace_buf;
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), -EINVAL);
	x.type = 9;
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), -EOPNOTSUPP);
	x.type = XENMEM_resource_grant_table;
	x.domid = 9;
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), -ESRCH);
	x.domid = 0;	/* one's own domain is not remote */
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, &x), -EPERM);
	x.domid = 1;
	assert_int_equal(mem(w, 2, XENMEM_acquire_resource, &x), -EPERM);
	assert_int_equal(mem(w, 0, XENMEM_acquire_resource, NULL), -EFAULT);
	xsim_world_detach(w);
}

/* ---- event_channel_op ---- */

static long ev(struct xsim_world *w, uint16_t dom, int cmd, void *arg)
{
	return hc(w, dom, __HYPERVISOR_event_channel_op, (uint64_t)cmd, U(arg),
		  0);
}

static void evtchn_ops(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	evtchn_alloc_unbound_t au = { .dom = DOMID_SELF, .remote_dom = 1 };
	evtchn_bind_interdomain_t bi = { .remote_dom = 1, .remote_port = 1 };
	evtchn_status_t st = { .dom = DOMID_SELF };
	evtchn_send_t send;
	evtchn_close_t cl;
	evtchn_bind_ipi_t ipi = { .vcpu = 0 };
	evtchn_unmask_t um;
	evtchn_reset_t rs = { .dom = 9 };
	void *bad = bad_page();

	(void)state;
	assert_int_equal(ev(w, 0, EVTCHNOP_alloc_unbound, &au), 0);
	assert_true(au.port > 0);
	st.port = au.port;
	assert_int_equal(ev(w, 0, EVTCHNOP_status, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 1);
	/* Bind to guest 1's port 1, offered to dom0 by the default world. */
	assert_int_equal(ev(w, 0, EVTCHNOP_bind_interdomain, &bi), 0);
	assert_true(bi.local_port > 0);
	st.port = bi.local_port;
	assert_int_equal(ev(w, 0, EVTCHNOP_status, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, 1);
	assert_int_equal(st.u.interdomain.port, 1);
	send.port = bi.local_port;
	assert_int_equal(ev(w, 0, EVTCHNOP_send, &send), 0);
	xsim_lock(w);
	assert_int_equal(xsim_evtchn_guest_pending(w, 1, 1, true), 1);
	xsim_unlock(w);
	um.port = bi.local_port;
	assert_int_equal(ev(w, 0, EVTCHNOP_unmask, &um), 0);
	assert_int_equal(ev(w, 0, EVTCHNOP_bind_ipi, &ipi), 0);
	assert_true(ipi.port > 0);
	cl.port = bi.local_port;
	assert_int_equal(ev(w, 0, EVTCHNOP_close, &cl), 0);
	assert_int_equal(ev(w, 0, EVTCHNOP_status, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_closed);
	/* Errors come from the machine, unchanged. */
	assert_int_equal(ev(w, 0, EVTCHNOP_reset, &rs), -ESRCH);
	bi.remote_dom = 9;
	assert_int_equal(ev(w, 0, EVTCHNOP_bind_interdomain, &bi), -ESRCH);
	/* A domU may not allocate in another domain. */
	au.dom = 1;
	assert_int_equal(ev(w, 2, EVTCHNOP_alloc_unbound, &au), -EPERM);
	/* EFAULT on every argument that cannot be read. */
	assert_int_equal(ev(w, 0, EVTCHNOP_alloc_unbound, bad), -EFAULT);
	assert_int_equal(ev(w, 0, EVTCHNOP_bind_interdomain, NULL), -EFAULT);
	assert_int_equal(ev(w, 0, EVTCHNOP_status, bad), -EFAULT);
	assert_int_equal(ev(w, 0, EVTCHNOP_send, bad), -EFAULT);
	assert_int_equal(ev(w, 0, EVTCHNOP_close, bad), -EFAULT);
	assert_int_equal(ev(w, 0, EVTCHNOP_reset, bad), -EFAULT);
	assert_int_equal(ev(w, 0, 99, &au), -ENOSYS);
	xsim_world_detach(w);
}

/* ---- grant_table_op ---- */

static long gt(struct xsim_world *w, uint16_t dom, unsigned cmd, void *uop,
	       uint64_t count)
{
	return hc(w, dom, __HYPERVISOR_grant_table_op, cmd, U(uop), count);
}

static void gnttab_size_and_setup(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	gnttab_query_size_t q = { .dom = 1 };
	gnttab_setup_table_t s = { .dom = 1, .nr_frames = 2 };
	xen_pfn_t frames[2] = { 0 };
	void *bad = bad_page();

	(void)state;
	assert_int_equal(gt(w, 0, GNTTABOP_query_size, &q, 1), 0);
	assert_int_equal(q.status, GNTST_okay);
	assert_int_equal(q.nr_frames, 1);
	assert_int_equal(q.max_nr_frames, 64);
	assert_int_equal(gt(w, 0, GNTTABOP_query_size, &q, 2), -EINVAL);
	q.dom = 9;
	assert_int_equal(gt(w, 0, GNTTABOP_query_size, &q, 1), 0);
	assert_int_equal(q.status, GNTST_bad_domain);
	q.dom = 1;
	assert_int_equal(gt(w, 2, GNTTABOP_query_size, &q, 1), 0);
	assert_int_equal(q.status, GNTST_permission_denied);
	assert_int_equal(gt(w, 0, GNTTABOP_query_size, bad, 1), -EFAULT);
	/* setup_table grows the table and lists its frames. */
	set_xen_guest_handle(s.frame_list, frames);
	assert_int_equal(gt(w, 0, GNTTABOP_setup_table, &s, 1), 0);
	assert_int_equal(s.status, GNTST_okay);
	assert_true(frames[0] != 0 && frames[1] != 0 && frames[0] != frames[1]);
	q.dom = 1;
	assert_int_equal(gt(w, 0, GNTTABOP_query_size, &q, 1), 0);
	assert_int_equal(q.nr_frames, 2);
	s.nr_frames = 65;
	assert_int_equal(gt(w, 0, GNTTABOP_setup_table, &s, 1), 0);
	assert_int_equal(s.status, GNTST_general_error);
	s.nr_frames = 1;
	set_xen_guest_handle(s.frame_list, bad);
	assert_int_equal(gt(w, 0, GNTTABOP_setup_table, &s, 1), 0);
	assert_int_equal(s.status, GNTST_bad_virt_addr);
	/* Versions: v1 only. */
	{
		gnttab_get_version_t gv = { .dom = 1 };
		gnttab_set_version_t sv = { .version = 2 };

		assert_int_equal(gt(w, 0, GNTTABOP_get_version, &gv, 1), 0);
		assert_int_equal(gv.version, 1);
		gv.dom = 9;
		assert_int_equal(gt(w, 0, GNTTABOP_get_version, &gv, 1), -ESRCH);
		gv.dom = 1;
		assert_int_equal(gt(w, 2, GNTTABOP_get_version, &gv, 1), -EPERM);
		assert_int_equal(gt(w, 1, GNTTABOP_set_version, &sv, 1), -ENOSYS);
		sv.version = 1;
		assert_int_equal(gt(w, 1, GNTTABOP_set_version, &sv, 1), 0);
		sv.version = 3;
		assert_int_equal(gt(w, 1, GNTTABOP_set_version, &sv, 1), -EINVAL);
	}
	/* Count and continuation bits. */
	assert_int_equal(gt(w, 0, GNTTABOP_query_size, &q, 0x80000000u), -EINVAL);
	assert_int_equal(gt(w, 0, GNTTABOP_query_size | 1u << 12, &q, 1),
			 -EINVAL);
	xsim_world_detach(w);
}

static void gnttab_map_unmap(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	gnttab_map_grant_ref_t m[4];
	gnttab_unmap_grant_ref_t u;
	void *bad = bad_page();

	(void)state;
	memset(m, 0, sizeof(m));
	m[0] = (gnttab_map_grant_ref_t){ .flags = GNTMAP_host_map, .ref = 8,
					 .dom = 1 };
	m[1] = (gnttab_map_grant_ref_t){ .flags = 0, .ref = 8, .dom = 1 };
	m[2] = (gnttab_map_grant_ref_t){ .flags = GNTMAP_host_map, .ref = 8,
					 .dom = 9 };
	m[3] = (gnttab_map_grant_ref_t){ .flags = GNTMAP_host_map |
					 GNTMAP_device_map, .ref = 9, .dom = 1 };
	assert_int_equal(gt(w, 0, GNTTABOP_map_grant_ref, m, 4), 0);
	assert_int_equal(m[0].status, GNTST_okay);
	assert_int_equal(m[0].handle, 1u << 16 | 8);
	assert_int_equal(m[1].status, GNTST_bad_gntref);
	assert_int_equal(m[2].status, GNTST_bad_domain);
	assert_int_equal(m[3].status, GNTST_okay);
	assert_true(m[3].dev_bus_addr != 0);
	/* Ref 8 of domain 1 is granted to dom0 only. */
	m[0].status = 0;
	assert_int_equal(gt(w, 2, GNTTABOP_map_grant_ref, m, 1), 0);
	assert_true(m[0].status != GNTST_okay);
	/* An HVM caller cannot ask for a device mapping. */
	m[3].status = 0;
	assert_int_equal(gt(w, 2, GNTTABOP_map_grant_ref, &m[3], 1), 0);
	assert_int_equal(m[3].status, GNTST_general_error);
	/* Unmap by handle. */
	memset(&u, 0, sizeof(u));
	u.handle = 1u << 16 | 8;
	assert_int_equal(gt(w, 0, GNTTABOP_unmap_grant_ref, &u, 1), 0);
	assert_int_equal(u.status, GNTST_okay);
	assert_int_equal(gt(w, 0, GNTTABOP_unmap_grant_ref, &u, 1), 0);
	assert_true(u.status != GNTST_okay);
	u.handle = 0xFFFFFFFFu;
	assert_int_equal(gt(w, 0, GNTTABOP_unmap_grant_ref, &u, 1), 0);
	assert_int_equal(u.status, GNTST_bad_handle);
	/* The array must be readable; count 0 does nothing. */
	assert_int_equal(gt(w, 0, GNTTABOP_map_grant_ref, bad, 1), -EFAULT);
	assert_int_equal(gt(w, 0, GNTTABOP_map_grant_ref, bad, 0), 0);
	/* guest_handle_okay(): the array would run past the user range. */
	assert_int_equal(gt(w, 0, GNTTABOP_map_grant_ref,
			    (void *)((1ull << 47) - 4096), 1000), -EFAULT);
	xsim_world_detach(w);
}

static void gnttab_copy_op(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	gnttab_copy_t cp[3];
	void *bad = bad_page();

	(void)state;
	memset(cp, 0, sizeof(cp));
	/* Domain 1's gfn 0 (ref 8) into domain 2's gfn 1 (ref 9), 16 bytes. */
	cp[0].source.u.ref = 8;
	cp[0].source.domid = 1;
	cp[0].source.offset = 32;
	cp[0].dest.u.ref = 9;
	cp[0].dest.domid = 2;
	cp[0].dest.offset = 64;
	cp[0].len = 16;
	cp[0].flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
	/* Into a read-only grant (ref 11). */
	cp[1] = cp[0];
	cp[1].dest.u.ref = 11;
	/* Past the end of the page. */
	cp[2] = cp[0];
	cp[2].dest.offset = 4090;
	assert_int_equal(gt(w, 0, GNTTABOP_copy, cp, 3), 0);
	assert_int_equal(cp[0].status, GNTST_okay);
	assert_int_equal(read_word(w, 2, 1, 64), pattern(1, 0, 32));
	assert_int_equal(read_word(w, 2, 1, 72), pattern(1, 0, 40));
	assert_true(cp[1].status != GNTST_okay);
	assert_int_equal(read_word(w, 2, 3, 64), pattern(2, 3, 64));
	assert_int_equal(cp[2].status, GNTST_bad_copy_arg);
	/* A frame may only be named for DOMID_SELF. */
	cp[0].flags = GNTCOPY_source_gref;
	assert_int_equal(gt(w, 0, GNTTABOP_copy, cp, 1), 0);
	assert_int_equal(cp[0].status, GNTST_permission_denied);
	/* dom0 has no RAM in the default world: its frame is a hole. */
	cp[0].dest.domid = DOMID_SELF;
	assert_int_equal(gt(w, 0, GNTTABOP_copy, cp, 1), 0);
	assert_int_equal(cp[0].status, GNTST_bad_page);
	/* Domain 2 copying its own frame into a grant it may not write. */
	cp[0].source.domid = 9;
	cp[0].flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
	cp[0].dest.domid = 2;
	assert_int_equal(gt(w, 0, GNTTABOP_copy, cp, 1), 0);
	assert_int_equal(cp[0].status, GNTST_bad_domain);
	assert_int_equal(gt(w, 0, GNTTABOP_copy, bad, 1), -EFAULT);
	xsim_world_detach(w);
}

/* ---- hvm_op ---- */

static long hvm(struct xsim_world *w, uint16_t dom, unsigned op,
		xen_hvm_param_t *p)
{
	return hc(w, dom, __HYPERVISOR_hvm_op, op, U(p), 0);
}

static void hvm_params(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	xen_hvm_param_t p = { .domid = 1, .index = HVM_PARAM_STORE_PFN,
			      .value = 0xfeffe };
	uint64_t from = xsim_effect_next(w);
	void *bad = bad_page();

	(void)state;
	assert_int_equal(hvm(w, 0, HVMOP_set_param, &p), 0);
	p.value = 0;
	assert_int_equal(hvm(w, 0, HVMOP_get_param, &p), 0);
	assert_int_equal(p.value, 0xfeffe);
	/* The guest reads it, but may not set a toolstack parameter. */
	p.domid = DOMID_SELF;
	p.value = 0;
	assert_int_equal(hvm(w, 1, HVMOP_get_param, &p), 0);
	assert_int_equal(p.value, 0xfeffe);
	assert_int_equal(hvm(w, 1, HVMOP_set_param, &p), -EPERM);
	/* ... while the guest-settable ones are fine. */
	p.index = HVM_PARAM_CALLBACK_IRQ;
	p.value = 5;
	assert_int_equal(hvm(w, 1, HVMOP_set_param, &p), 0);
	/* Another domU: XSM_TARGET. */
	p.domid = 1;
	assert_int_equal(hvm(w, 2, HVMOP_get_param, &p), -EPERM);
	/* PV, missing, out of range, deprecated. */
	p.domid = 3;
	assert_int_equal(hvm(w, 0, HVMOP_get_param, &p), -EINVAL);
	p.domid = 9;
	assert_int_equal(hvm(w, 0, HVMOP_set_param, &p), -ESRCH);
	p.domid = 1;
	p.index = HVM_NR_PARAMS;
	assert_int_equal(hvm(w, 0, HVMOP_set_param, &p), -EINVAL);
	p.index = HVM_PARAM_PAE_ENABLED;
	assert_int_equal(hvm(w, 0, HVMOP_get_param, &p), -EINVAL);
	/* Values Xen checks, and the set-once parameters. */
	p.index = HVM_PARAM_TIMER_MODE;
	p.value = 9;
	assert_int_equal(hvm(w, 0, HVMOP_set_param, &p), -EINVAL);
	p.index = HVM_PARAM_NR_IOREQ_SERVER_PAGES;
	p.value = 4;
	assert_int_equal(hvm(w, 0, HVMOP_set_param, &p), 0);
	p.value = 5;
	assert_int_equal(hvm(w, 0, HVMOP_set_param, &p), -EEXIST);
	p.value = 4;
	assert_int_equal(hvm(w, 0, HVMOP_set_param, &p), 0);
	p.index = HVM_PARAM_VM86_TSS;
	p.value = 0x1000;
	assert_int_equal(hvm(w, 0, HVMOP_set_param, &p), 0);
	p.index = HVM_PARAM_VM86_TSS_SIZED;
	assert_int_equal(hvm(w, 0, HVMOP_get_param, &p), 0);
	assert_int_equal(p.value, 128ull << 32 | 0x1000);
	assert_int_equal(hvm(w, 0, HVMOP_get_param, bad), -EFAULT);
	assert_int_equal(hvm(w, 0, HVMOP_set_param, NULL), -EFAULT);
	/* Every effect landed on domain 1 (the two EPERM reads none). */
	assert_int_equal(wh_effects_elsewhere(w, from, HANDLE, 1), 0);
	assert_true(wh_effects_on(w, from, 1) >= 5);
	xsim_world_detach(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(version_numbers_and_strings),
		cmocka_unit_test(version_features_and_handle),
		cmocka_unit_test(version_privileged_subops),
		cmocka_unit_test(version_bad_pointers),
		cmocka_unit_test(unmodelled_hypercalls),
		cmocka_unit_test(memory_populate_and_decrease),
		cmocka_unit_test(memory_reservation_failures_are_counts),
		cmocka_unit_test(memory_max_pages_and_increase),
		cmocka_unit_test(memory_domain_statistics),
		cmocka_unit_test(memory_add_and_remove_physmap),
		cmocka_unit_test(memory_acquire_resource),
		cmocka_unit_test(evtchn_ops),
		cmocka_unit_test(gnttab_size_and_setup),
		cmocka_unit_test(gnttab_map_unmap),
		cmocka_unit_test(gnttab_copy_op),
		cmocka_unit_test(hvm_params),
	};

	return cmocka_run_group_tests_name("hypercall", tests, group_setup,
					   group_teardown);
}
