/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/gntdev as Linux 6.1 implements it, under every profile that
 * has the device: map records and their file offsets, mmap aliasing the
 * granted page, GET_OFFSET_FOR_VADDR, unmap notifications, grant copy,
 * bad pointers and counts, the restrict audit (proposed) and its absence
 * (linux, freebsd), and release freeing everything.
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
#define GNTCOPY_source_gref	(1u << 0)
#define GNTCOPY_dest_gref	(1u << 1)

static const char *const with_gntdev[] = { "proposed", "linux",
					   "linux-xsa482", "freebsd", NULL };

/* ---- helpers ---- */

struct env {
	struct xsim_world *w;
	struct xsim_file f;
	struct gnt_mapper m;
};

static void env_open(struct env *e, const char *profile)
{
	e->w = wh_world(profile, false);
	gnt_mapper_init(&e->m, e->w);
	assert_int_equal(xsim_dev_open(e->w, XSIM_DEV_GNTDEV, 0, &e->f), 0);
}

static void env_close(struct env *e)
{
	xsim_dev_release(e->w, e->f);
	xsim_world_detach(e->w);
}

static long ioc(struct env *e, unsigned long cmd, const void *arg)
{
	return xsim_dev_ioctl(e->w, e->f, cmd, (uint64_t)(uintptr_t)arg,
			      &e->m.ua);
}

/* A MAP_GRANT_REF request for n grants, on the heap. */
static struct ioctl_gntdev_map_grant_ref *map_req(uint32_t n)
{
	struct ioctl_gntdev_map_grant_ref *op =
		calloc(1, sizeof(*op) + n * sizeof(op->refs[0]));

	assert_non_null(op);
	op->count = n;
	return op;
}

/* Map grants (dom, ref) pairs; returns the ioctl result, index in *index. */
static long map_grants(struct env *e, uint32_t n, const uint32_t *doms,
		       const uint32_t *refs, uint64_t *index)
{
	struct ioctl_gntdev_map_grant_ref *op = map_req(n);
	uint32_t i;
	long rc;

	for (i = 0; i < n; i++) {
		op->refs[i].domid = doms[i];
		op->refs[i].ref = refs[i];
	}
	rc = ioc(e, IOCTL_GNTDEV_MAP_GRANT_REF, op);
	if (index)
		*index = op->index;
	free(op);
	return rc;
}

static long map_one(struct env *e, uint32_t dom, uint32_t ref, uint64_t *index)
{
	return map_grants(e, 1, &dom, &ref, index);
}

static long unmap_rec(struct env *e, uint64_t index, uint32_t count)
{
	struct ioctl_gntdev_unmap_grant_ref op = { .index = index,
						   .count = count };

	return ioc(e, IOCTL_GNTDEV_UNMAP_GRANT_REF, &op);
}

static int do_mmap(struct env *e, void *addr, unsigned pages, uint64_t index,
		   int prot)
{
	return xsim_dev_mmap(e->w, e->f, (uint64_t)(uintptr_t)addr,
			     (uint64_t)pages * XSIM_PAGE_SIZE,
			     index >> XSIM_PAGE_SHIFT, prot, &e->m.ua);
}

static void do_munmap(struct env *e, void *addr, unsigned pages)
{
	xsim_dev_munmap(e->w, e->f, (uint64_t)(uintptr_t)addr,
			(uint64_t)pages * XSIM_PAGE_SIZE);
	munmap(addr, (size_t)pages * XSIM_PAGE_SIZE);
}

static uint64_t pattern(uint16_t dom, uint64_t gfn, uint32_t off)
{
	return (uint64_t)dom << 48 | gfn << 12 | off;
}

static uint16_t entry_flags(struct xsim_world *w, uint16_t dom, uint32_t ref)
{
	struct xsim_domain *d = xsim_dom_get(w, dom);

	return ((uint16_t *)xsim_page_va(w, d->gnttab_frame[0]))[ref * 4];
}

static uint8_t guest_byte(struct xsim_world *w, uint16_t dom, uint64_t gfn,
			  uint32_t off)
{
	struct xsim_caller c = wh_caller(w, 0);
	uint8_t b = 0xEE;

	xsim_lock(w);
	assert_int_equal(xsim_mem_access(&c, dom, gfn, off, &b, 1, false), 0);
	xsim_unlock(w);
	return b;
}

/* ---- presence ---- */

static void test_open_per_profile(void **state)
{
	const char *const *p;
	struct xsim_world *w;
	struct xsim_file f;

	(void)state;
	for (p = with_gntdev; *p; p++) {
		w = wh_world(*p, false);
		assert_int_equal(xsim_dev_open(w, XSIM_DEV_GNTDEV, 0, &f), 0);
		xsim_dev_release(w, f);
		xsim_world_detach(w);
	}
	w = wh_world("netbsd", false);
	assert_int_equal(xsim_dev_open(w, XSIM_DEV_GNTDEV, 0, &f), -ENODEV);
	xsim_world_detach(w);
}

/* ---- map, mmap, offsets ---- */

static void check_map_and_mmap(const char *profile)
{
	static const uint32_t doms[2] = { 1, 1 }, refs[2] = { 8, 9 };
	struct ioctl_gntdev_get_offset_for_vaddr gov = { 0 };
	struct env e;
	uint64_t idx, idx2, idx3;
	uint64_t *mem;
	uint8_t *base;

	env_open(&e, profile);
	assert_int_equal(map_grants(&e, 2, doms, refs, &idx), 0);
	assert_true(idx == 0);
	assert_int_equal(map_one(&e, 2, 8, &idx2), 0);
	assert_true(idx2 == 2 * XSIM_PAGE_SIZE);
	/* Linux gntdev_add_map fills the first gap strictly larger. */
	assert_int_equal(unmap_rec(&e, 0, 2), 0);
	assert_int_equal(map_one(&e, 2, 9, &idx3), 0);
	assert_true(idx3 == 0);
	assert_int_equal(unmap_rec(&e, idx3, 0), 0);	/* count 0: any size */
	assert_int_equal(map_grants(&e, 2, doms, refs, &idx), 0);
	assert_true(idx == 3 * XSIM_PAGE_SIZE);

	base = gnt_reserve(2);
	assert_non_null(base);
	assert_int_equal(do_mmap(&e, base, 2, idx, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(e.m.maps, 2);
	mem = (uint64_t *)base;
	/* The bytes are the guest's: gfn 0 then gfn 1 of domain 1. */
	assert_true(mem[3] == pattern(1, 0, 24));
	assert_true(mem[512 + 7] == pattern(1, 1, 56));
	base[4096 + 9] = 0x77;
	assert_int_equal(guest_byte(e.w, 1, 1, 9), 0x77);
	assert_int_equal(entry_flags(e.w, 1, 8) & ~GTF_permit_access, 0x18);

	gov.vaddr = (uint64_t)(uintptr_t)(base + XSIM_PAGE_SIZE + 5);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &gov), 0);
	assert_true(gov.offset == idx);
	assert_int_equal(gov.count, 2);
	gov.vaddr = (uint64_t)(uintptr_t)(base + 2 * XSIM_PAGE_SIZE);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &gov),
			 -EINVAL);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, NULL),
			 -EFAULT);

	/* Linux 6.1: a record is mmapped once only. */
	{
		uint8_t *again = gnt_reserve(2);

		assert_int_equal(do_mmap(&e, again, 2, idx, PROT_READ), -EINVAL);
		munmap(again, 2 * XSIM_PAGE_SIZE);
	}
	/* munmap unmaps the grants; the record stays until UNMAP. */
	do_munmap(&e, base, 2);
	assert_int_equal(entry_flags(e.w, 1, 8), GTF_permit_access);
	assert_int_equal(entry_flags(e.w, 1, 9), GTF_permit_access);
	gov.vaddr = (uint64_t)(uintptr_t)base;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &gov),
			 -EINVAL);
	assert_int_equal(unmap_rec(&e, idx, 1), -ENOENT);
	assert_int_equal(unmap_rec(&e, idx, 2), 0);
	assert_int_equal(unmap_rec(&e, idx, 2), -ENOENT);
	env_close(&e);
}

static void test_map_and_mmap_every_profile(void **state)
{
	const char *const *p;

	(void)state;
	for (p = with_gntdev; *p; p++)
		check_map_and_mmap(*p);
}

static void test_unmap_while_mapped_waits_for_munmap(void **state)
{
	struct env e;
	uint64_t idx;
	uint8_t *base;

	(void)state;
	env_open(&e, "linux");
	assert_int_equal(map_one(&e, 1, 10, &idx), 0);
	base = gnt_reserve(1);
	assert_int_equal(do_mmap(&e, base, 1, idx, PROT_READ), 0);
	assert_int_equal(unmap_rec(&e, idx, 1), 0);
	/* Still mapped, still readable, offset still answered. */
	assert_true(((uint64_t *)base)[0] == pattern(1, 2, 0));
	assert_int_equal(entry_flags(e.w, 1, 10), GTF_permit_access | 0x8);
	do_munmap(&e, base, 1);
	assert_int_equal(entry_flags(e.w, 1, 10), GTF_permit_access);
	env_close(&e);
}

static void test_mmap_errors(void **state)
{
	struct env e;
	uint64_t idx, bad;
	uint8_t *base;
	static const uint32_t doms[2] = { 1, 1 }, refs[2] = { 8, 11 };

	(void)state;
	env_open(&e, "proposed");
	assert_int_equal(map_grants(&e, 2, doms, refs, &idx), 0);
	base = gnt_reserve(2);
	/* The range must be exactly one record. */
	assert_int_equal(do_mmap(&e, base, 1, idx, PROT_READ), -EINVAL);
	assert_int_equal(do_mmap(&e, base, 2, idx + XSIM_PAGE_SIZE, PROT_READ),
			 -EINVAL);
	/* No mmap in the transport (CUSE). */
	assert_int_equal(xsim_dev_mmap(e.w, e.f, (uint64_t)(uintptr_t)base,
				       2 * XSIM_PAGE_SIZE, 0, PROT_READ,
				       &xsim_uaccess_self), -ENODEV);
	/* Ref 11 is read-only: a writable mapping fails and maps nothing. */
	assert_int_equal(do_mmap(&e, base, 2, idx, PROT_READ | PROT_WRITE),
			 -EINVAL);
	assert_int_equal(e.m.maps, 0);
	assert_int_equal(entry_flags(e.w, 1, 8), GTF_permit_access);
	/* ...and the record cannot be mmapped again (Linux map->in_use). */
	assert_int_equal(do_mmap(&e, base, 2, idx, PROT_READ), -EINVAL);
	assert_int_equal(unmap_rec(&e, idx, 2), 0);

	/* Grants are not checked before mmap: a bad domain fails there. */
	assert_int_equal(map_one(&e, 77, 8, &bad), 0);
	assert_int_equal(do_mmap(&e, base, 1, bad, PROT_READ), -EINVAL);
	assert_int_equal(map_one(&e, 1, 11, &idx), 0);
	assert_int_equal(do_mmap(&e, base, 1, idx, PROT_READ), 0);
	assert_true(((uint64_t *)base)[1] == pattern(1, 3, 8));
	do_munmap(&e, base, 2);
	env_close(&e);
}

static void test_map_request_errors(void **state)
{
	struct ioctl_gntdev_map_grant_ref *op;
	struct env e;
	uint32_t free0;
	void *edge_base;
	struct gnt_guard_saved g;

	(void)state;
	gnt_guard_on(&g);
	env_open(&e, "linux");
	free0 = e.w->sh->free_pages;
	op = map_req(1);
	op->count = 0;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_MAP_GRANT_REF, op), -EINVAL);
	op->count = 64 * 1024 + 1;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_MAP_GRANT_REF, op), -EINVAL);
	free(op);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_MAP_GRANT_REF, NULL), -EFAULT);
	/* A header cut short by an unmapped page. */
	op = gnt_edge(sizeof(*op) - 8, &edge_base);
	assert_non_null(op);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_MAP_GRANT_REF, op), -EFAULT);
	gnt_edge_free(edge_base);
	/* 64k grants claimed, one supplied: the copy faults, nothing leaks. */
	op = gnt_edge(sizeof(*op), &edge_base);
	assert_non_null(op);
	op->count = 64 * 1024;
	op->refs[0].domid = 1;
	op->refs[0].ref = 8;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_MAP_GRANT_REF, op), -EFAULT);
	assert_int_equal(e.w->sh->free_pages, free0);
	op->count = 2;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_MAP_GRANT_REF, op), -EFAULT);
	op->count = 1;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_MAP_GRANT_REF, op), 0);
	assert_true(op->index == 0);
	gnt_edge_free(edge_base);
	/* Unknown ioctls and bad pointers elsewhere. */
	assert_int_equal(ioc(&e, _IOC(_IOC_NONE, 'G', 0x33, 8), NULL), -ENOTTY);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_UNMAP_GRANT_REF, NULL), -EFAULT);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, NULL), -EFAULT);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_GRANT_COPY, NULL), -EFAULT);
	env_close(&e);
	gnt_guard_off(&g);
}

/* ---- unmap notification ---- */

static void test_notify_clear_byte(void **state)
{
	struct ioctl_gntdev_unmap_notify n = { 0 };
	struct env e;
	uint64_t idx;
	uint8_t *base;

	(void)state;
	env_open(&e, "linux");
	assert_int_equal(map_one(&e, 1, 8, &idx), 0);
	/* Byte 102 of gfn 0 holds the domid byte of the pattern (1). */
	assert_int_equal(guest_byte(e.w, 1, 0, 102), 1);
	n.index = idx + 102;
	n.action = UNMAP_NOTIFY_CLEAR_BYTE;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), 0);
	base = gnt_reserve(1);
	assert_int_equal(do_mmap(&e, base, 1, idx, PROT_READ | PROT_WRITE), 0);
	do_munmap(&e, base, 1);
	assert_int_equal(guest_byte(e.w, 1, 0, 102), 0);
	assert_int_equal(guest_byte(e.w, 1, 0, 101), 0);
	assert_int_equal(guest_byte(e.w, 1, 0, 96), 96);

	/* Errors, in Linux's order. */
	n.action = 4;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), -EINVAL);
	n.action = UNMAP_NOTIFY_SEND_EVENT;
	n.event_channel_port = 4000;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), -EINVAL);
	n.action = UNMAP_NOTIFY_CLEAR_BYTE;
	n.index = idx + XSIM_PAGE_SIZE;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), -ENOENT);
	/* A read-only mapping has no byte to clear. */
	assert_int_equal(map_one(&e, 1, 11, &idx), 0);
	base = gnt_reserve(1);
	assert_int_equal(do_mmap(&e, base, 1, idx, PROT_READ), 0);
	n.index = idx;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), -EINVAL);
	do_munmap(&e, base, 1);
	env_close(&e);
}

static void test_notify_send_event(void **state)
{
	struct ioctl_gntdev_unmap_notify n = { 0 };
	struct xsim_caller g1, dom0;
	uint32_t gport, lport;
	struct env e;
	uint64_t idx;

	(void)state;
	env_open(&e, "proposed");
	g1 = wh_caller(e.w, 1);
	dom0 = wh_caller(e.w, 0);
	xsim_lock(e.w);
	assert_int_equal(xsim_evtchn_alloc_unbound(&g1, XSIM_DOMID_SELF, 0,
						   &gport), 0);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, gport, &lport),
			 0);
	xsim_unlock(e.w);
	assert_int_equal(map_one(&e, 1, 9, &idx), 0);
	n.index = idx;
	n.action = UNMAP_NOTIFY_SEND_EVENT;
	n.event_channel_port = lport;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), 0);
	xsim_lock(e.w);
	assert_int_equal(xsim_evtchn_guest_pending(e.w, 1, gport, true), 0);
	xsim_unlock(e.w);
	/* The event goes when the record is finally put. */
	assert_int_equal(unmap_rec(&e, idx, 1), 0);
	xsim_lock(e.w);
	assert_int_equal(xsim_evtchn_guest_pending(e.w, 1, gport, true), 1);
	xsim_unlock(e.w);
	/* Release puts the rest the same way. */
	assert_int_equal(map_one(&e, 1, 9, &idx), 0);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), 0);
	xsim_dev_release(e.w, e.f);
	xsim_lock(e.w);
	assert_int_equal(xsim_evtchn_guest_pending(e.w, 1, gport, true), 1);
	xsim_unlock(e.w);
	xsim_world_detach(e.w);
}

/* ---- grant copy ---- */

static void seg_from_grant(struct gntdev_grant_copy_segment *s, uint16_t dom,
			   uint32_t ref, uint16_t off, void *to, uint16_t len)
{
	memset(s, 0, sizeof(*s));
	s->source.foreign.domid = dom;
	s->source.foreign.ref = ref;
	s->source.foreign.offset = off;
	s->dest.virt = to;
	s->len = len;
	s->flags = GNTCOPY_source_gref;
	s->status = 99;
}

static void seg_to_grant(struct gntdev_grant_copy_segment *s, void *from,
			 uint16_t dom, uint32_t ref, uint16_t off, uint16_t len)
{
	memset(s, 0, sizeof(*s));
	s->source.virt = from;
	s->dest.foreign.domid = dom;
	s->dest.foreign.ref = ref;
	s->dest.foreign.offset = off;
	s->len = len;
	s->flags = GNTCOPY_dest_gref;
	s->status = 99;
}

static long grant_copy(struct env *e, struct gntdev_grant_copy_segment *segs,
		       unsigned n)
{
	struct ioctl_gntdev_grant_copy op = { .count = n, .segments = segs };

	return ioc(e, IOCTL_GNTDEV_GRANT_COPY, &op);
}

static void check_grant_copy(const char *profile)
{
	struct gntdev_grant_copy_segment s[3];
	uint64_t in[4], out[4];
	struct env e;

	env_open(&e, profile);
	/* QEMU's probe: no segments at all. */
	assert_int_equal(grant_copy(&e, NULL, 0), 0);

	seg_from_grant(&s[0], 1, 9, 8, in, 32);
	memset(out, 0x3C, sizeof(out));
	seg_to_grant(&s[1], out, 1, 8, 4064, 32);
	/* Both sides foreign: guest 1's gfn 2 into guest 2's gfn 0. */
	memset(&s[2], 0, sizeof(s[2]));
	s[2].source.foreign.domid = 1;
	s[2].source.foreign.ref = 10;
	s[2].dest.foreign.domid = 2;
	s[2].dest.foreign.ref = 8;
	s[2].dest.foreign.offset = 16;
	s[2].len = 8;
	s[2].flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
	assert_int_equal(grant_copy(&e, s, 3), 0);
	assert_int_equal(s[0].status, 0);
	assert_int_equal(s[1].status, 0);
	assert_int_equal(s[2].status, 0);
	assert_true(in[0] == pattern(1, 1, 8));
	assert_true(in[3] == pattern(1, 1, 32));
	assert_int_equal(guest_byte(e.w, 1, 0, 4064), 0x3C);
	assert_int_equal(guest_byte(e.w, 1, 0, 4095), 0x3C);
	assert_int_equal(guest_byte(e.w, 2, 0, 16), 0);
	/* The domid byte of domain 1's pattern moved over. */
	assert_int_equal(guest_byte(e.w, 2, 0, 22), 1);

	/* A failing copy reports in its status; the ioctl succeeds. */
	seg_to_grant(&s[0], out, 1, 11, 0, 8);	/* read-only grant */
	seg_from_grant(&s[1], 1, 700, 0, in, 8);	/* beyond the table */
	assert_int_equal(grant_copy(&e, s, 2), 0);
	assert_int_equal(s[0].status, XSIM_GNTST_general_error);
	assert_int_equal(s[1].status, XSIM_GNTST_bad_gntref);
	env_close(&e);
}

static void test_grant_copy_every_profile(void **state)
{
	const char *const *p;

	(void)state;
	for (p = with_gntdev; *p; p++)
		check_grant_copy(*p);
}

static void test_grant_copy_errors(void **state)
{
	struct gntdev_grant_copy_segment s[2], *edge;
	uint64_t buf[2];
	void *edge_base;
	struct gnt_guard_saved g;
	struct env e;

	(void)state;
	gnt_guard_on(&g);
	env_open(&e, "linux");
	/* Local to local is refused. */
	memset(&s[0], 0, sizeof(s[0]));
	s[0].source.virt = buf;
	s[0].dest.virt = buf;
	s[0].len = 8;
	assert_int_equal(grant_copy(&e, s, 1), -EINVAL);
	/* Crossing the granted page. */
	seg_from_grant(&s[0], 1, 9, 4090, buf, 8);
	assert_int_equal(grant_copy(&e, s, 1), -EINVAL);
	seg_to_grant(&s[0], buf, 1, 8, 4095, 2);
	assert_int_equal(grant_copy(&e, s, 1), -EINVAL);
	/* Bad local buffers and segment arrays. */
	seg_from_grant(&s[0], 1, 9, 0, NULL, 8);
	assert_int_equal(grant_copy(&e, s, 1), -EFAULT);
	seg_to_grant(&s[0], (void *)(uintptr_t)16, 1, 8, 0, 8);
	assert_int_equal(grant_copy(&e, s, 1), -EFAULT);
	assert_int_equal(guest_byte(e.w, 1, 0, 6), 1);	/* untouched */
	assert_int_equal(grant_copy(&e, NULL, 1), -EFAULT);
	/* The first segment is done before the second faults. */
	edge = gnt_edge(sizeof(*edge), &edge_base);
	assert_non_null(edge);
	seg_from_grant(edge, 1, 9, 0, buf, 8);
	assert_int_equal(grant_copy(&e, edge, 2), -EFAULT);
	assert_true(buf[0] == pattern(1, 1, 0));
	assert_int_equal(edge->status, 0);
	gnt_edge_free(edge_base);
	/* A zero-length segment is okay without touching the grant. */
	seg_from_grant(&s[0], 77, 9, 0, buf, 0);
	assert_int_equal(grant_copy(&e, s, 1), 0);
	assert_int_equal(s[0].status, 0);
	env_close(&e);
	gnt_guard_off(&g);
}

/* ---- restrict ---- */

static long restrict_to(struct env *e, uint16_t dom)
{
	struct ioctl_gntdev_restrict_domid r = { .domid = dom };

	return ioc(e, IOCTL_GNTDEV_RESTRICT_DOMID, &r);
}

static void test_restrict_proposed(void **state)
{
	static const uint32_t mixed_d[2] = { 1, 2 }, mixed_r[2] = { 8, 8 };
	struct gntdev_grant_copy_segment s[2];
	struct xsim_restrict_state rs;
	uint64_t buf[2], idx, seq;
	uint32_t id;
	struct env e;
	uint8_t *base;

	(void)state;
	env_open(&e, "proposed");
	id = xsim_file_effect_id(e.f);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_RESTRICT_DOMID, NULL), -EFAULT);
	assert_int_equal(restrict_to(&e, XSIM_DOMID_SELF), -EINVAL);
	assert_int_equal(restrict_to(&e, 1), 0);
	assert_int_equal(xsim_file_restrict_state(e.w, e.f, &rs), 0);
	assert_true(rs.restricted);
	assert_int_equal(rs.domid, 1);
	assert_int_equal(restrict_to(&e, 1), 0);
	assert_int_equal(restrict_to(&e, 2), -EPERM);

	seq = xsim_effect_next(e.w);
	assert_int_equal(map_one(&e, 2, 8, NULL), -EPERM);
	assert_int_equal(map_grants(&e, 2, mixed_d, mixed_r, NULL), -EPERM);
	/* A domid that only truncates to 1 is another domain. */
	assert_int_equal(map_one(&e, 0x10001, 8, NULL), -EPERM);
	assert_int_equal(map_one(&e, 1, 8, &idx), 0);
	assert_true(idx == 0);	/* the refused requests left no record */
	base = gnt_reserve(1);
	assert_int_equal(do_mmap(&e, base, 1, idx, PROT_READ), 0);
	do_munmap(&e, base, 1);

	seg_from_grant(&s[0], 1, 9, 0, buf, 8);
	seg_from_grant(&s[1], 2, 8, 0, buf, 8);
	assert_int_equal(grant_copy(&e, s, 2), -EPERM);
	assert_int_equal(s[0].status, 0);
	assert_int_equal(s[1].status, 99);	/* never reached */
	memset(&s[1], 0, sizeof(s[1]));
	s[1].source.foreign.domid = 1;
	s[1].source.foreign.ref = 9;
	s[1].dest.foreign.domid = 2;
	s[1].dest.foreign.ref = 8;
	s[1].len = 8;
	s[1].flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
	assert_int_equal(grant_copy(&e, &s[1], 1), -EPERM);
	assert_int_equal(grant_copy(&e, s, 1), 0);
	/* An unmap notification to domain 1 is an event in domain 1 only. */
	{
		struct ioctl_gntdev_unmap_notify n = { 0 };
		struct xsim_caller g1 = wh_caller(e.w, 1), d0 = wh_caller(e.w, 0);
		uint32_t gport, lport;

		xsim_lock(e.w);
		assert_int_equal(xsim_evtchn_alloc_unbound(&g1, XSIM_DOMID_SELF,
							   0, &gport), 0);
		assert_int_equal(xsim_evtchn_bind_interdomain(&d0, 1, gport,
							      &lport), 0);
		xsim_unlock(e.w);
		n.index = idx;
		n.action = UNMAP_NOTIFY_SEND_EVENT;
		n.event_channel_port = lport;
		assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), 0);
		assert_int_equal(unmap_rec(&e, idx, 1), 0);
		xsim_lock(e.w);
		assert_int_equal(xsim_evtchn_guest_pending(e.w, 1, gport, true),
				 1);
		xsim_unlock(e.w);
	}
	/* Nothing but domain 1 was touched through this handle. */
	assert_int_equal(wh_effects_elsewhere(e.w, seq, id, 1), 0);
	assert_true(wh_effects_on(e.w, seq, 1) > 0);
	env_close(&e);
}

static void test_set_max_grants_proposed(void **state)
{
	struct ioctl_gntdev_set_max_grants mg = { .count = 2 };
	static const uint32_t d[3] = { 1, 1, 1 }, r[3] = { 8, 9, 10 };
	struct env e;
	uint64_t idx;

	(void)state;
	env_open(&e, "proposed");
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_MAX_GRANTS, &mg), 0);
	assert_int_equal(map_grants(&e, 3, d, r, NULL), -EINVAL);
	assert_int_equal(map_grants(&e, 2, d, r, &idx), 0);
	assert_int_equal(map_one(&e, 1, 10, NULL), -ENOMEM);
	assert_int_equal(unmap_rec(&e, idx, 2), 0);
	assert_int_equal(map_one(&e, 1, 10, NULL), 0);
	mg.count = 64 * 1024 + 1;
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_MAX_GRANTS, &mg), -E2BIG);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_MAX_GRANTS, NULL), -EFAULT);
	env_close(&e);
}

static void check_no_restrict(const char *profile)
{
	struct ioctl_gntdev_set_max_grants mg = { .count = 2 };
	struct ioctl_gntdev_dmabuf_imp_release rel = { 0 };
	struct gntdev_grant_copy_segment s;
	struct xsim_restrict_state rs;
	uint64_t buf;
	struct env e;

	env_open(&e, profile);
	assert_int_equal(restrict_to(&e, 1), -ENOTTY);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_RESTRICT_DOMID, NULL), -ENOTTY);
	assert_int_equal(xsim_file_restrict_state(e.w, e.f, &rs), 0);
	assert_false(rs.restricted);
	assert_int_equal(map_one(&e, 1, 8, NULL), 0);
	assert_int_equal(map_one(&e, 2, 8, NULL), 0);
	seg_from_grant(&s, 2, 9, 0, &buf, 8);
	assert_int_equal(grant_copy(&e, &s, 1), 0);
	assert_true(buf == pattern(2, 1, 0));
	/* In the header, not in 6.1's switch. */
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_MAX_GRANTS, &mg), -ENOTTY);
	/* dma-buf is not built in. */
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_DMABUF_IMP_RELEASE, &rel),
			 -ENOTTY);
	env_close(&e);
}

static void test_no_restrict_linux_freebsd(void **state)
{
	(void)state;
	check_no_restrict("linux");
	check_no_restrict("linux-xsa482");
	check_no_restrict("freebsd");
}

static void test_dmabuf_absent_in_proposed(void **state)
{
	struct ioctl_gntdev_dmabuf_exp_wait_released wr = { 0 };
	struct env e;

	(void)state;
	env_open(&e, "proposed");
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED, &wr),
			 -ENOTTY);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS, NULL),
			 -ENOTTY);
	env_close(&e);
}

/* ---- release ---- */

static void test_release_frees_everything(void **state)
{
	static const uint32_t d[3] = { 1, 1, 2 }, r[3] = { 8, 9, 10 };
	struct ioctl_gntdev_unmap_notify n = { 0 };
	uint32_t free0;
	struct env e;
	uint64_t idx;
	uint8_t *base;
	int i;

	(void)state;
	env_open(&e, "proposed");
	free0 = e.w->sh->free_pages;
	for (i = 0; i < 40; i++)
		assert_int_equal(map_grants(&e, 3, d, r, &idx), 0);
	assert_true(e.w->sh->free_pages < free0);
	base = gnt_reserve(3);
	assert_int_equal(do_mmap(&e, base, 3, idx, PROT_READ | PROT_WRITE), 0);
	n.index = idx + 6;
	n.action = UNMAP_NOTIFY_CLEAR_BYTE;
	assert_int_equal(guest_byte(e.w, 1, 0, 6), 1);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), 0);
	assert_int_equal(entry_flags(e.w, 2, 10), GTF_permit_access | 0x18);
	/* Closed without munmap or UNMAP: everything goes. */
	xsim_dev_release(e.w, e.f);
	assert_int_equal(e.w->sh->free_pages, free0);
	assert_int_equal(entry_flags(e.w, 2, 10), GTF_permit_access);
	assert_int_equal(entry_flags(e.w, 1, 8), GTF_permit_access);
	assert_int_equal(guest_byte(e.w, 1, 0, 6), 0);
	assert_int_equal(ioc(&e, IOCTL_GNTDEV_UNMAP_GRANT_REF, NULL), -EBADF);
	munmap(base, 3 * XSIM_PAGE_SIZE);
	xsim_world_detach(e.w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_per_profile),
		cmocka_unit_test(test_map_and_mmap_every_profile),
		cmocka_unit_test(test_unmap_while_mapped_waits_for_munmap),
		cmocka_unit_test(test_mmap_errors),
		cmocka_unit_test(test_map_request_errors),
		cmocka_unit_test(test_notify_clear_byte),
		cmocka_unit_test(test_notify_send_event),
		cmocka_unit_test(test_grant_copy_every_profile),
		cmocka_unit_test(test_grant_copy_errors),
		cmocka_unit_test(test_restrict_proposed),
		cmocka_unit_test(test_set_max_grants_proposed),
		cmocka_unit_test(test_no_restrict_linux_freebsd),
		cmocka_unit_test(test_dmabuf_absent_in_proposed),
		cmocka_unit_test(test_release_frees_everything),
	};

	gnt_guard_capture();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
