/* SPDX-License-Identifier: MIT */
/*
 * Device-model operations (xsim_dm_op, Xen 4.17 xen/arch/x86/hvm/dm.c and
 * xen/common/ioreq.c): the common checks in Xen's order, every sub-op's
 * argument validation and its effect on the domain, the ioreq server
 * lifecycle with its event channels and pages, XENMEM_acquire_resource of
 * ioreq frames, and teardown with the domain.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#define __XEN_TOOLS__ 1

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/memory.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/ioreq.h>
#include <xen/hvm/params.h>

#include <xensim/effect.h>
#include <xensim/machine.h>
#include <xensim/world.h>

#include "../machine/layout.h"
#include "support/world_helpers.h"

#define HANDLE	0x01000009u
#define U(p)	((uint64_t)(uintptr_t)(p))

/* Copies touching the fence page give EFAULT (support/world_helpers.h). */
static uint8_t *fence;

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

static long dm2(struct xsim_world *w, uint16_t caller, uint32_t dom,
		void *op, uint64_t size, void *buf1, uint64_t size1,
		uint32_t nr)
{
	struct xsim_caller c = { .w = w, .domid = caller, .handle = HANDLE };
	struct xsim_ubuf b[3] = {
		{ U(op), size }, { U(buf1), size1 }, { U(buf1), size1 },
	};
	long rc;

	xsim_lock(w);
	rc = xsim_dm_op(&c, &wh_fenced, dom, b, nr);
	xsim_unlock(w);
	return rc;
}

static long dm(struct xsim_world *w, uint16_t caller, uint32_t dom,
	       struct xen_dm_op *op)
{
	return dm2(w, caller, dom, op, sizeof(*op), NULL, 0, 1);
}

static struct xen_dm_op dmop(uint32_t nr)
{
	struct xen_dm_op op;

	memset(&op, 0, sizeof(op));
	op.op = nr;
	return op;
}

static struct xsim_domain *dom(struct xsim_world *w, uint16_t id)
{
	return xsim_dom_get(w, id);
}

static long create(struct xsim_world *w, uint16_t caller, uint32_t d,
		   uint8_t buffered, ioservid_t *id)
{
	struct xen_dm_op op = dmop(XEN_DMOP_create_ioreq_server);
	long rc;

	op.u.create_ioreq_server.handle_bufioreq = buffered;
	op.u.create_ioreq_server.id = 0xdead;
	rc = dm(w, caller, d, &op);
	if (id)
		*id = op.u.create_ioreq_server.id;
	return rc;
}

static long range(struct xsim_world *w, uint32_t nr, ioservid_t id,
		  uint32_t type, uint64_t start, uint64_t end)
{
	struct xen_dm_op op = dmop(nr);

	op.u.map_io_range_to_ioreq_server.id = id;
	op.u.map_io_range_to_ioreq_server.type = type;
	op.u.map_io_range_to_ioreq_server.start = start;
	op.u.map_io_range_to_ioreq_server.end = end;
	return dm(w, 0, 1, &op);
}

static long server_op(struct xsim_world *w, uint16_t caller, uint32_t nr,
		      ioservid_t id, uint8_t arg)
{
	struct xen_dm_op op = dmop(nr);

	if (nr == XEN_DMOP_set_ioreq_server_state) {
		op.u.set_ioreq_server_state.id = id;
		op.u.set_ioreq_server_state.enabled = arg;
	} else {
		op.u.destroy_ioreq_server.id = id;
	}
	return dm(w, caller, 1, &op);
}

static uint32_t evtchn_state(struct xsim_world *w, uint16_t d, uint32_t port,
			     uint32_t *remote)
{
	struct xsim_caller c = wh_caller(w, 0);
	struct xsim_evtchn_status st;

	memset(&st, 0, sizeof(st));
	xsim_lock(w);
	if (xsim_evtchn_status(&c, d, port, &st))
		st.status = EVTCHNSTAT_closed;
	xsim_unlock(w);
	if (remote)
		*remote = st.remote_dom;
	return st.status;
}

/* ---- the checks every sub-op goes through ---- */

static void common_checks_in_xen_order(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_caller c0 = wh_caller(w, 0);
	struct xen_dm_op op = dmop(XEN_DMOP_nr_vcpus);

	(void)state;
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), NULL, 0, 0), -ENODATA);
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), NULL, 0, 3), -E2BIG);
	assert_int_equal(dm(w, 0, 9, &op), -ESRCH);
	/* rcu_lock_remote_domain_by_id(): no DOMID_SELF, not oneself. */
	assert_int_equal(dm(w, 0, DOMID_SELF, &op), -ESRCH);
	assert_int_equal(dm(w, 1, 1, &op), -EPERM);
	/* PV before the permission check. */
	assert_int_equal(dm(w, 0, 3, &op), -EINVAL);
	assert_int_equal(dm(w, 2, 3, &op), -EINVAL);
	assert_int_equal(dm(w, 2, 1, &op), -EPERM);
	/* A device model whose target is the domain may. */
	xsim_lock(w);
	assert_int_equal(xsim_domain_set_target(&c0, 2, 1), 0);
	xsim_unlock(w);
	assert_int_equal(dm(w, 2, 1, &op), 0);
	assert_int_equal(op.u.nr_vcpus.vcpus, 1);
	/* Buffer size and contents. */
	assert_int_equal(dm2(w, 0, 1, &op, 7, NULL, 0, 1), -EFAULT);
	assert_int_equal(dm2(w, 0, 1, &op, 8, NULL, 0, 1), -EFAULT);
	assert_int_equal(dm2(w, 0, 1, &op, 12, NULL, 0, 1), 0);
	assert_int_equal(dm2(w, 0, 1, fence, sizeof(op), NULL, 0, 1), -EFAULT);
	assert_int_equal(dm2(w, 0, 1, NULL, sizeof(op), NULL, 0, 1), -EFAULT);
	op.pad = 1;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	/* Unknown ops: out of range, 0, and set_irq_level (Arm only). */
	op = dmop(21);
	assert_int_equal(dm(w, 0, 1, &op), -EOPNOTSUPP);
	op = dmop(0);
	assert_int_equal(dm(w, 0, 1, &op), -EOPNOTSUPP);
	op = dmop(XEN_DMOP_set_irq_level);
	assert_int_equal(dm(w, 0, 1, &op), -EOPNOTSUPP);
	/* Through the raw hypercall: arg0 domid, arg1 nr, arg2 buffers. */
	{
		xen_dm_op_buf_t b = { .size = sizeof(op) };
		uint64_t arg[5] = { 1, 1, U(&b), 0, 0 };
		struct xsim_caller c = wh_caller(w, 0);

		op = dmop(XEN_DMOP_nr_vcpus);
		set_xen_guest_handle(b.h, &op);
		xsim_lock(w);
		assert_int_equal(xsim_hypercall(&c, &wh_fenced, __HYPERVISOR_dm_op,
						arg), 0);
		assert_int_equal(op.u.nr_vcpus.vcpus, 1);
		arg[1] = 0;
		assert_int_equal(xsim_hypercall(&c, &wh_fenced, __HYPERVISOR_dm_op,
						arg), -ENODATA);
		arg[1] = 3;
		assert_int_equal(xsim_hypercall(&c, &wh_fenced, __HYPERVISOR_dm_op,
						arg), -E2BIG);
		arg[1] = 1;
		arg[2] = U(fence);
		assert_int_equal(xsim_hypercall(&c, &wh_fenced, __HYPERVISOR_dm_op,
						arg), -EFAULT);
		xsim_unlock(w);
	}
	xsim_world_detach(w);
}

/* ---- interrupts and events ---- */

static void irq_ops(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_dm_op op;
	uint64_t from = xsim_effect_next(w);

	(void)state;
	op = dmop(XEN_DMOP_set_isa_irq_level);
	op.u.set_isa_irq_level.isa_irq = 7;
	op.u.set_isa_irq_level.level = 1;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	assert_int_equal(dom(w, 1)->isa_irq_level[7], 1);
	op.u.set_isa_irq_level.level = 0;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	assert_int_equal(dom(w, 1)->isa_irq_level[7], 0);
	op.u.set_isa_irq_level.level = 2;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.set_isa_irq_level.isa_irq = 16;
	op.u.set_isa_irq_level.level = 1;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);

	op = dmop(XEN_DMOP_set_pci_link_route);
	op.u.set_pci_link_route.link = 3;
	op.u.set_pci_link_route.isa_irq = 11;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	assert_int_equal(dom(w, 1)->pci_link_route[3], 11);
	op.u.set_pci_link_route.link = 4;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.set_pci_link_route.link = 0;
	op.u.set_pci_link_route.isa_irq = 16;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);

	op = dmop(XEN_DMOP_set_pci_intx_level);
	op.u.set_pci_intx_level.device = 0x1f;
	op.u.set_pci_intx_level.intx = 3;
	op.u.set_pci_intx_level.level = 1;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	op.u.set_pci_intx_level.device = 0x20;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.set_pci_intx_level.device = 0;
	op.u.set_pci_intx_level.bus = 1;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.set_pci_intx_level.bus = 0;
	op.u.set_pci_intx_level.domain = 1;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.set_pci_intx_level.domain = 0;
	op.u.set_pci_intx_level.intx = 4;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.set_pci_intx_level.intx = 0;
	op.u.set_pci_intx_level.level = 2;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);

	op = dmop(XEN_DMOP_inject_event);
	op.u.inject_event.vector = 14;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	op.u.inject_event.vcpuid = 1;	/* domain 1 has one vcpu */
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.inject_event.vcpuid = 0;
	op.u.inject_event.pad1 = 1;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);

	op = dmop(XEN_DMOP_inject_msi);
	op.u.inject_msi.addr = 0xfee00000;
	op.u.inject_msi.data = 0x31;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	op.u.inject_msi.data = 0;	/* vector 0 and no pirq */
	assert_int_equal(dm(w, 0, 1, &op), -ERANGE);
	op.u.inject_msi.pad = 1;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);

	op = dmop(XEN_DMOP_remote_shutdown);
	assert_int_equal(dm(w, 0, 1, &op), 0);

	/* Seven successes, each recorded against domain 1 with its sub-op. */
	assert_int_equal(wh_effects_on(w, from, 1), 7);
	assert_int_equal(wh_effects_elsewhere(w, from, HANDLE, 1), 0);
	{
		struct xsim_effect e;

		assert_int_equal(xsim_effect_read(w, from, &e, 1), 1);
		assert_int_equal(e.op, XSIM_OP_DM_OP);
		assert_int_equal(e.subop, XEN_DMOP_set_isa_irq_level);
		assert_int_equal(e.kind, XSIM_EFF_EVENT);
		assert_int_equal(e.handle, HANDLE);
	}
	xsim_world_detach(w);
}

/* ---- memory ---- */

static uint64_t word(struct xsim_world *w, uint16_t d, uint64_t gfn,
		     unsigned off)
{
	struct xsim_caller c = wh_caller(w, 0);
	uint64_t v = 0;

	xsim_lock(w);
	assert_int_equal(xsim_mem_access(&c, d, gfn, off, &v, 8, false), 0);
	xsim_unlock(w);
	return v;
}

static void memory_ops(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_dm_op op;
	struct xen_dm_op_modified_memory_extent ext[2];
	uint8_t bitmap[64];

	(void)state;
	/* modified_memory: a no-op until log-dirty mode is on. */
	op = dmop(XEN_DMOP_modified_memory);
	op.u.modified_memory.nr_extents = 5;
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), ext, sizeof(ext), 1),
			 -EINVAL);
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), ext, sizeof(ext), 2), 0);

	/* track_dirty_vram turns log-dirty mode on and reports all dirty. */
	op = dmop(XEN_DMOP_track_dirty_vram);
	op.u.track_dirty_vram.first_pfn = 0;
	op.u.track_dirty_vram.nr = 100;
	memset(bitmap, 0, sizeof(bitmap));
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), bitmap, 13, 2), 0);
	assert_int_equal(bitmap[0], 0xff);
	assert_int_equal(bitmap[12], 0xff);
	assert_int_equal(bitmap[13], 0);
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), bitmap, 12, 2), -EINVAL);
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);	/* needs buf[1] */
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), fence, 13, 2), -EFAULT);
	op.u.track_dirty_vram.nr = (1u << 18) + 1;
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), bitmap, 64, 2), -EINVAL);
	op.u.track_dirty_vram.nr = 0;
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), bitmap, 0, 2), 0);

	/* Now the extents are checked, from the last one. */
	op = dmop(XEN_DMOP_modified_memory);
	op.u.modified_memory.nr_extents = 2;
	memset(ext, 0, sizeof(ext));
	ext[0].first_pfn = 0;
	ext[0].nr = 10;
	ext[1].first_pfn = 20;
	ext[1].nr = 5;
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), ext, sizeof(ext), 2), 0);
	ext[1].pad = 1;
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), ext, sizeof(ext), 2),
			 -EINVAL);
	ext[1].pad = 0;
	ext[0].nr = 0;		/* empty extent */
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), ext, sizeof(ext), 2),
			 -EINVAL);
	ext[0].nr = 300;	/* beyond the highest gfn */
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), ext, sizeof(ext), 2),
			 -EINVAL);
	op.u.modified_memory.nr_extents = 3;
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), ext, sizeof(ext), 2),
			 -EINVAL);
	op.u.modified_memory.nr_extents = 1;
	ext[0].nr = 10;
	assert_int_equal(dm2(w, 0, 1, &op, sizeof(op), fence, sizeof(ext), 2),
			 -EFAULT);

	/* set_mem_type */
	op = dmop(XEN_DMOP_set_mem_type);
	op.u.set_mem_type.first_pfn = 10;
	op.u.set_mem_type.nr = 4;
	op.u.set_mem_type.mem_type = HVMMEM_ram_ro;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	op.u.set_mem_type.mem_type = HVMMEM_unused;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.set_mem_type.mem_type = 5;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.set_mem_type.mem_type = HVMMEM_ioreq_server;	/* no server */
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.set_mem_type.mem_type = HVMMEM_ram_rw;
	op.u.set_mem_type.nr = 0;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.set_mem_type.first_pfn = 250;
	op.u.set_mem_type.nr = 10;	/* past domain 1's highest gfn, 255 */
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.set_mem_type.pad = 1;
	op.u.set_mem_type.nr = 1;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);

	/* relocate_memory moves pages 3..4 to 600..601. */
	op = dmop(XEN_DMOP_relocate_memory);
	op.u.relocate_memory.size = 2;
	op.u.relocate_memory.src_gfn = 3;
	op.u.relocate_memory.dst_gfn = 600;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	assert_int_equal(word(w, 1, 601, 8), (1ull << 48) | 4 << 12 | 8);
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);	/* 3 is a hole now */
	op.u.relocate_memory.dst_gfn = ~0ull;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.relocate_memory.src_gfn = ~0ull - 1;
	op.u.relocate_memory.dst_gfn = 5;
	assert_int_equal(dm(w, 0, 1, &op), -EOVERFLOW);
	op.u.relocate_memory.pad = 1;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);

	/* pin_memory_cacheattr */
	op = dmop(XEN_DMOP_pin_memory_cacheattr);
	op.u.pin_memory_cacheattr.start = 0x100;
	op.u.pin_memory_cacheattr.end = 0x1ff;
	op.u.pin_memory_cacheattr.type = XEN_DMOP_MEM_CACHEATTR_WB;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	op.u.pin_memory_cacheattr.type = 2;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.pin_memory_cacheattr.type = XEN_DMOP_DELETE_MEM_CACHEATTR;
	assert_int_equal(dm(w, 0, 1, &op), -ENOENT);
	op.u.pin_memory_cacheattr.type = XEN_DMOP_MEM_CACHEATTR_UC;
	op.u.pin_memory_cacheattr.end = 0xff;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	xsim_world_detach(w);
}

/* ---- ioreq servers ---- */

static void ioreq_server_lifecycle(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_dm_op op;
	struct xsim_ioreq_server *s;
	uint32_t remote, free_before, port;
	ioservid_t id = 0;
	ioreq_t *shared;

	(void)state;
	free_before = w->sh->free_pages;
	assert_int_equal(create(w, 0, 1, HVM_IOREQSRV_BUFIOREQ_ATOMIC, &id), 0);
	assert_int_equal(id, 0);
	s = &dom(w, 1)->ioreq[0];
	assert_true(s->used);
	assert_int_equal(s->emulator, 0);
	/* The pages belong to the target; a port per vcpu plus a buffered one. */
	assert_true(xsim_page_owned_by(w, s->ioreq_page, 1));
	assert_true(xsim_page_owned_by(w, s->bufioreq_page, 1));
	port = s->bufioreq_port;
	assert_int_equal(evtchn_state(w, 1, port, &remote), EVTCHNSTAT_unbound);
	assert_int_equal(remote, 0);

	/*
	 * get_ioreq_server_info: with gfns, the legacy ones (none set: 0) on
	 * a server whose pages are no resource yet (Xen 4.17
	 * hvm_map_ioreq_gfn; `xrc fidelity --fuzz` found the sim's EPERM).
	 */
	op = dmop(XEN_DMOP_get_ioreq_server_info);
	op.u.get_ioreq_server_info.id = id;
	op.u.get_ioreq_server_info.flags = XEN_DMOP_no_gfns;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	assert_int_equal(op.u.get_ioreq_server_info.bufioreq_port, port);
	op.u.get_ioreq_server_info.flags = 0;
	op.u.get_ioreq_server_info.ioreq_gfn = 0x1234;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	assert_int_equal(op.u.get_ioreq_server_info.ioreq_gfn,
			 dom(w, 1)->hvm_param[HVM_PARAM_IOREQ_PFN]);
	op.u.get_ioreq_server_info.flags = 2;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.get_ioreq_server_info.flags = XEN_DMOP_no_gfns;
	op.u.get_ioreq_server_info.id = 5;
	assert_int_equal(dm(w, 0, 1, &op), -ENOENT);

	/* Enabling publishes each vcpu's port in the shared page. */
	shared = xsim_page_va(w, s->ioreq_page);
	assert_int_equal(shared[0].vp_eport, 0);
	assert_int_equal(server_op(w, 0, XEN_DMOP_set_ioreq_server_state, id, 1),
			 0);
	assert_true(s->enabled);
	assert_true(shared[0].vp_eport != 0);
	assert_int_equal(evtchn_state(w, 1, shared[0].vp_eport, &remote),
			 EVTCHNSTAT_unbound);
	assert_int_equal(remote, 0);
	assert_int_equal(server_op(w, 0, XEN_DMOP_set_ioreq_server_state, id, 0),
			 0);
	assert_false(s->enabled);
	port = shared[0].vp_eport;

	/* Another emulator may not touch it. */
	{
		struct xsim_caller c0 = wh_caller(w, 0);

		xsim_lock(w);
		assert_int_equal(xsim_domain_set_target(&c0, 2, 1), 0);
		xsim_unlock(w);
	}
	assert_int_equal(server_op(w, 2, XEN_DMOP_set_ioreq_server_state, id, 1),
			 -EPERM);
	assert_int_equal(server_op(w, 2, XEN_DMOP_destroy_ioreq_server, id, 0),
			 -EPERM);
	/* ... but may have its own: the next free id. */
	assert_int_equal(create(w, 2, 1, HVM_IOREQSRV_BUFIOREQ_OFF, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(dom(w, 1)->ioreq[1].bufioreq_page, 0);
	assert_int_equal(server_op(w, 2, XEN_DMOP_destroy_ioreq_server, 1, 0),
			 0);

	/* Destroy frees the pages and closes the ports. */
	assert_int_equal(server_op(w, 0, XEN_DMOP_destroy_ioreq_server, 0, 0), 0);
	assert_false(dom(w, 1)->ioreq[0].used);
	assert_int_equal(evtchn_state(w, 1, port, NULL), EVTCHNSTAT_closed);
	assert_int_equal(server_op(w, 0, XEN_DMOP_destroy_ioreq_server, 0, 0),
			 -ENOENT);
	assert_int_equal(server_op(w, 0, XEN_DMOP_set_ioreq_server_state, 0, 1),
			 -ENOENT);
	assert_int_equal(w->sh->free_pages, free_before);

	/* Argument checks of create and of the small ops. */
	op = dmop(XEN_DMOP_create_ioreq_server);
	op.u.create_ioreq_server.handle_bufioreq = 3;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.create_ioreq_server.handle_bufioreq = 0;
	op.u.create_ioreq_server.pad[2] = 1;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op = dmop(XEN_DMOP_destroy_ioreq_server);
	op.u.destroy_ioreq_server.pad = 1;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op = dmop(XEN_DMOP_set_ioreq_server_state);
	op.u.set_ioreq_server_state.pad = 1;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	xsim_world_detach(w);
}

static void ioreq_server_limit(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	ioservid_t id;
	unsigned i;

	(void)state;
	for (i = 0; i < 8; i++) {
		assert_int_equal(create(w, 0, 1, 1, &id), 0);
		assert_int_equal(id, i);
	}
	assert_int_equal(create(w, 0, 1, 1, &id), -ENOSPC);
	assert_int_equal(dom(w, 1)->nr_ioreq_servers, 8);
	assert_int_equal(server_op(w, 0, XEN_DMOP_destroy_ioreq_server, 3, 0), 0);
	assert_int_equal(create(w, 0, 1, 1, &id), 0);
	assert_int_equal(id, 3);
	xsim_world_detach(w);
}

static void io_ranges(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	const uint32_t MAP = XEN_DMOP_map_io_range_to_ioreq_server;
	const uint32_t UNMAP = XEN_DMOP_unmap_io_range_from_ioreq_server;
	struct xsim_ioreq_server *s;
	ioservid_t id;
	unsigned i;

	(void)state;
	assert_int_equal(create(w, 0, 1, 0, &id), 0);
	s = &dom(w, 1)->ioreq[id];
	assert_int_equal(range(w, MAP, id, XEN_DMOP_IO_RANGE_PORT, 0x10, 0x1f), 0);
	assert_int_equal(range(w, MAP, id, XEN_DMOP_IO_RANGE_PORT, 0x18, 0x20),
			 -EEXIST);
	/* The same numbers in another space do not overlap. */
	assert_int_equal(range(w, MAP, id, XEN_DMOP_IO_RANGE_MEMORY, 0x10, 0x1f),
			 0);
	/* Adjacent ranges merge, as Xen's rangesets do. */
	assert_int_equal(range(w, MAP, id, XEN_DMOP_IO_RANGE_PORT, 0x20, 0x2f), 0);
	assert_int_equal(s->nr_ranges, 2);
	assert_int_equal(range(w, UNMAP, id, XEN_DMOP_IO_RANGE_PORT, 0x10, 0x2f),
			 0);
	assert_int_equal(range(w, UNMAP, id, XEN_DMOP_IO_RANGE_PORT, 0x10, 0x2f),
			 -ENOENT);
	/* Unmapping the middle splits a range in two. */
	assert_int_equal(range(w, UNMAP, id, XEN_DMOP_IO_RANGE_MEMORY, 0x14, 0x15),
			 0);
	assert_int_equal(s->nr_ranges, 2);
	assert_int_equal(range(w, UNMAP, id, XEN_DMOP_IO_RANGE_MEMORY, 0x10, 0x1f),
			 -ENOENT);
	assert_int_equal(range(w, UNMAP, id, XEN_DMOP_IO_RANGE_MEMORY, 0x16, 0x1f),
			 0);
	/* Bad arguments. */
	assert_int_equal(range(w, MAP, id, 3, 0, 1), -EINVAL);
	assert_int_equal(range(w, MAP, id, XEN_DMOP_IO_RANGE_PCI, 2, 1), -EINVAL);
	assert_int_equal(range(w, MAP, 6, XEN_DMOP_IO_RANGE_PCI, 1, 2), -ENOENT);
	{
		struct xen_dm_op op = dmop(MAP);

		op.u.map_io_range_to_ioreq_server.pad = 1;
		assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	}
	/* The table fills up (rangeset limit): -ENOMEM. */
	for (i = 0; s->nr_ranges < XSIM_MAX_IO_RANGES; i++)
		assert_int_equal(range(w, MAP, id, XEN_DMOP_IO_RANGE_PCI,
				       i * 4, i * 4 + 1), 0);
	assert_int_equal(range(w, MAP, id, XEN_DMOP_IO_RANGE_PCI, 0x10000,
			       0x10001), -ENOMEM);
	/* A split needs a slot too; unmapping a whole range does not. */
	assert_int_equal(range(w, UNMAP, id, XEN_DMOP_IO_RANGE_PCI, 0, 0),
			 0);
	assert_int_equal(range(w, UNMAP, id, XEN_DMOP_IO_RANGE_PCI, 4, 5), 0);
	xsim_world_detach(w);
}

static void mem_type_server(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	const uint32_t MAPMT = XEN_DMOP_map_mem_type_to_ioreq_server;
	struct xen_dm_op op;
	ioservid_t a, b;

	(void)state;
	assert_int_equal(create(w, 0, 1, 0, &a), 0);
	assert_int_equal(create(w, 0, 1, 0, &b), 0);
	op = dmop(MAPMT);
	op.u.map_mem_type_to_ioreq_server.id = a;
	op.u.map_mem_type_to_ioreq_server.type = HVMMEM_ioreq_server;
	op.u.map_mem_type_to_ioreq_server.flags = XEN_DMOP_IOREQ_MEM_ACCESS_WRITE;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	assert_int_equal(dom(w, 1)->ioreq[a].mem_access,
			 XEN_DMOP_IOREQ_MEM_ACCESS_WRITE);
	op.u.map_mem_type_to_ioreq_server.id = b;
	assert_int_equal(dm(w, 0, 1, &op), -EBUSY);
	/* Now pages may become HVMMEM_ioreq_server. */
	{
		struct xen_dm_op mt = dmop(XEN_DMOP_set_mem_type);

		mt.u.set_mem_type.first_pfn = 1;
		mt.u.set_mem_type.nr = 1;
		mt.u.set_mem_type.mem_type = HVMMEM_ioreq_server;
		assert_int_equal(dm(w, 0, 1, &mt), 0);
	}
	/* Only write access can be claimed; type must be ioreq_server. */
	op.u.map_mem_type_to_ioreq_server.flags = XEN_DMOP_IOREQ_MEM_ACCESS_READ;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.map_mem_type_to_ioreq_server.flags = XEN_DMOP_IOREQ_MEM_ACCESS_WRITE;
	op.u.map_mem_type_to_ioreq_server.type = HVMMEM_ram_rw;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	/* Unmapping: only by the one that holds it. */
	op.u.map_mem_type_to_ioreq_server.type = HVMMEM_ioreq_server;
	op.u.map_mem_type_to_ioreq_server.flags = 0;
	assert_int_equal(dm(w, 0, 1, &op), -EINVAL);
	op.u.map_mem_type_to_ioreq_server.id = a;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	assert_int_equal(dom(w, 1)->ioreq[a].mem_access, 0);
	op.u.map_mem_type_to_ioreq_server.id = 7;
	op.u.map_mem_type_to_ioreq_server.flags = XEN_DMOP_IOREQ_MEM_ACCESS_WRITE;
	assert_int_equal(dm(w, 0, 1, &op), -ENOENT);
	/* A continuation (opaque != 0) has nothing left to do. */
	op.u.map_mem_type_to_ioreq_server.opaque = 256;
	assert_int_equal(dm(w, 0, 1, &op), 0);
	xsim_world_detach(w);
}

/* ---- XENMEM_acquire_resource of ioreq frames ---- */

static int acquire(struct xsim_world *w, uint16_t caller, uint32_t d,
		   uint32_t id, uint32_t idx, uint32_t nr, uint32_t *pages,
		   uint64_t *total)
{
	struct xsim_caller c = { .w = w, .domid = caller, .handle = HANDLE };
	int rc;

	xsim_lock(w);
	rc = xsim_acquire_resource(&c, d, XENMEM_resource_ioreq_server, id, idx,
				   nr, pages, total);
	xsim_unlock(w);
	return rc;
}

static void ioreq_resource(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	uint32_t pages[2] = { 0 };
	uint64_t total = 0;
	ioservid_t id, nobuf;
	uint64_t from;

	(void)state;
	/* The size does not depend on a server existing. */
	assert_int_equal(acquire(w, 0, 1, 0, 0, 0, NULL, &total), 0);
	assert_int_equal(total, 2);
	assert_int_equal(acquire(w, 0, 1, 0, 0, 2, pages, NULL), -ENOENT);
	assert_int_equal(create(w, 0, 1, 1, &id), 0);
	assert_int_equal(create(w, 0, 1, 0, &nobuf), 0);
	from = xsim_effect_next(w);
	assert_int_equal(acquire(w, 0, 1, id, 0, 2, pages, NULL), 0);
	assert_int_equal(pages[0], dom(w, 1)->ioreq[id].bufioreq_page);
	assert_int_equal(pages[1], dom(w, 1)->ioreq[id].ioreq_page);
	assert_int_equal(wh_effects_on(w, from, 1), 2);
	/* No buffered page: frame 0 is -ENOENT, frame 1 is there. */
	assert_int_equal(acquire(w, 0, 1, nobuf, 0, 1, pages, NULL), -ENOENT);
	assert_int_equal(acquire(w, 0, 1, nobuf, 1, 1, pages, NULL), 0);
	assert_int_equal(pages[0], dom(w, 1)->ioreq[nobuf].ioreq_page);
	assert_int_equal(acquire(w, 0, 1, id, 2, 1, pages, NULL), -EINVAL);
	assert_int_equal(acquire(w, 0, 1, 0x10000, 0, 1, pages, NULL), -EINVAL);
	/* Given out one way, refused the other (hvm_map_ioreq_gfn, ..._alloc_pages). */
	{
		struct xen_dm_op op = dmop(XEN_DMOP_get_ioreq_server_info);
		ioservid_t gfns;

		op.u.get_ioreq_server_info.id = id;
		assert_int_equal(dm(w, 0, 1, &op), -EPERM);
		assert_int_equal(create(w, 0, 1, 0, &gfns), 0);
		op.u.get_ioreq_server_info.id = gfns;
		assert_int_equal(dm(w, 0, 1, &op), 0);
		assert_int_equal(acquire(w, 0, 1, gfns, 1, 1, pages, NULL),
				 -EPERM);
	}
	/* Not the emulator, not permitted, not there, not HVM. */
	{
		struct xsim_caller c0 = wh_caller(w, 0);

		xsim_lock(w);
		assert_int_equal(xsim_domain_set_target(&c0, 2, 1), 0);
		xsim_unlock(w);
	}
	assert_int_equal(acquire(w, 2, 1, id, 0, 1, pages, NULL), -EPERM);
	assert_int_equal(acquire(w, 3, 1, id, 0, 1, pages, NULL), -EPERM);
	assert_int_equal(acquire(w, 1, 1, id, 0, 1, pages, NULL), -EPERM);
	assert_int_equal(acquire(w, 0, 9, id, 0, 1, pages, NULL), -ESRCH);
	assert_int_equal(acquire(w, 0, 3, 0, 0, 0, NULL, &total), -EINVAL);
	xsim_world_detach(w);
}

static void teardown_frees_servers(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_caller c0 = wh_caller(w, 0);
	uint32_t free_before = w->sh->free_pages;
	ioservid_t id;

	(void)state;
	assert_int_equal(create(w, 0, 2, 1, &id), 0);
	assert_int_equal(create(w, 0, 2, 0, &id), 0);
	assert_true(w->sh->free_pages < free_before);
	xsim_lock(w);
	assert_int_equal(xsim_domain_destroy(&c0, 2), 0);
	xsim_unlock(w);
	/* Domain 2's own pages are gone too: at least what it held comes back. */
	assert_true(w->sh->free_pages > free_before);
	assert_int_equal(create(w, 0, 2, 1, &id), -ESRCH);
	xsim_world_detach(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(common_checks_in_xen_order),
		cmocka_unit_test(irq_ops),
		cmocka_unit_test(memory_ops),
		cmocka_unit_test(ioreq_server_lifecycle),
		cmocka_unit_test(ioreq_server_limit),
		cmocka_unit_test(io_ranges),
		cmocka_unit_test(mem_type_server),
		cmocka_unit_test(ioreq_resource),
		cmocka_unit_test(teardown_frees_servers),
	};

	return cmocka_run_group_tests_name("dm_op", tests, group_setup,
					   group_teardown);
}
