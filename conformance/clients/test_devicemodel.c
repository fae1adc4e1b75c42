/* SPDX-License-Identifier: MIT */
/*
 * libxendevicemodel 4.17, unmodified: what QEMU does as an HVM guest's
 * device model (set_isa_irq_level, ioreq server create / get_info /
 * ranges / state / destroy, its pages through map_resource), Xen's
 * answers for a PV or missing target, and xendevicemodel_restrict
 * (Linux privcmd: EPERM for another domain, EINVAL for a second domid).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mman.h>

/* The ioreq definitions are tools-only (as QEMU's xen_native.h sets it). */
#define __XEN_TOOLS__ 1

#include <xendevicemodel.h>
#include <xenforeignmemory.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/ioreq.h>
#include <xen/memory.h>

#include "common.h"

static uint32_t hvm_a, hvm_b, pv;

static int setup(void **state)
{
	(void)state;
	hvm_a = client_domain(true, 16);
	hvm_b = client_domain(true, 16);
	pv = client_domain(false, 4);
	return 0;
}

static xendevicemodel_handle *dm_open(void)
{
	return assert_ptr_ok(xendevicemodel_open(client_logger(), 0));
}

static void irq_levels(void **state)
{
	xendevicemodel_handle *dm = dm_open();

	(void)state;
	assert_ok(xendevicemodel_set_isa_irq_level(dm, hvm_a, 3, 1));
	assert_ok(xendevicemodel_set_isa_irq_level(dm, hvm_a, 3, 0));
	assert_ok(xendevicemodel_set_pci_link_route(dm, hvm_a, 0, 5));
	/* ISA IRQs stop at 15. */
	assert_fails(xendevicemodel_set_isa_irq_level(dm, hvm_a, 16, 1),
		     EINVAL);
	/* Xen: a PV guest has no emulated devices; no domain at all. */
	assert_fails(xendevicemodel_set_isa_irq_level(dm, pv, 3, 1), EINVAL);
	assert_fails(xendevicemodel_set_isa_irq_level(dm, 0x7000, 3, 1),
		     ESRCH);
	assert_ok(xendevicemodel_close(dm));
}

static void ioreq_server(void **state)
{
	xendevicemodel_handle *dm = dm_open();
	xenforeignmemory_handle *fm = assert_ptr_ok(
		xenforeignmemory_open(client_logger(), 0));
	xenforeignmemory_resource_handle *res;
	evtchn_port_t bport = 0;
	ioservid_t id;
	shared_iopage_t *page = NULL;

	(void)state;
	assert_ok(xendevicemodel_create_ioreq_server(dm, hvm_a,
				HVM_IOREQSRV_BUFIOREQ_ATOMIC, &id));
	assert_ok(xendevicemodel_get_ioreq_server_info(dm, hvm_a, id, NULL,
						       NULL, &bport));
	assert_true(bport > 0);
	assert_ok(xendevicemodel_map_io_range_to_ioreq_server(dm, hvm_a, id, 1,
				0xfe000000, 0xfe000fff));
	assert_ok(xendevicemodel_map_io_range_to_ioreq_server(dm, hvm_a, id, 0,
				0x3f8, 0x3ff));
	assert_ok(xendevicemodel_set_ioreq_server_state(dm, hvm_a, id, 1));
	/* Its synchronous page, as QEMU maps it (frame 1: after buffered). */
	res = assert_ptr_ok(xenforeignmemory_map_resource(fm, hvm_a,
				XENMEM_resource_ioreq_server, id,
				XENMEM_resource_ioreq_server_frame_ioreq(0), 1,
				(void **)&page, PROT_READ | PROT_WRITE, 0));
	assert_int_equal(page->vcpu_ioreq[0].state, STATE_IOREQ_NONE);
	assert_ok(xenforeignmemory_unmap_resource(fm, res));
	assert_ok(xendevicemodel_unmap_io_range_from_ioreq_server(dm, hvm_a,
				id, 0, 0x3f8, 0x3ff));
	assert_ok(xendevicemodel_set_ioreq_server_state(dm, hvm_a, id, 0));
	assert_ok(xendevicemodel_destroy_ioreq_server(dm, hvm_a, id));
	/* Gone: Xen's ENOENT; never one for a PV guest. */
	assert_fails(xendevicemodel_destroy_ioreq_server(dm, hvm_a, id), ENOENT);
	assert_fails(xendevicemodel_create_ioreq_server(dm, pv,
				HVM_IOREQSRV_BUFIOREQ_OFF, &id), EINVAL);
	assert_ok(xenforeignmemory_close(fm));
	assert_ok(xendevicemodel_close(dm));
}

static void restrict_handle(void **state)
{
	xendevicemodel_handle *dm = dm_open(), *fresh;
	ioservid_t id;

	(void)state;
	client_require_known_profile();
	assert_ok(xendevicemodel_create_ioreq_server(dm, hvm_b,
				HVM_IOREQSRV_BUFIOREQ_OFF, &id));
	assert_ok(xendevicemodel_restrict(dm, hvm_a));
	assert_ok(xendevicemodel_set_isa_irq_level(dm, hvm_a, 4, 1));
	/* Another domain: the kernel's EPERM, before Xen is asked. */
	assert_fails(xendevicemodel_set_isa_irq_level(dm, hvm_b, 4, 1), EPERM);
	assert_fails(xendevicemodel_destroy_ioreq_server(dm, hvm_b, id), EPERM);
	assert_fails(xendevicemodel_set_isa_irq_level(dm, pv, 4, 1), EPERM);
	/* Same domain again: 0; another: EINVAL (proposal: EPERM). */
	assert_ok(xendevicemodel_restrict(dm, hvm_a));
	assert_fails(xendevicemodel_restrict(dm, hvm_b),
		     client_expect(EINVAL, EPERM));
	/* A fresh handle is not restricted. */
	fresh = dm_open();
	assert_ok(xendevicemodel_destroy_ioreq_server(fresh, hvm_b, id));
	assert_ok(xendevicemodel_close(fresh));
	assert_ok(xendevicemodel_close(dm));
}

/* Restricted to a PV guest: the kernel lets it through, Xen says EINVAL. */
static void restrict_to_pv(void **state)
{
	xendevicemodel_handle *dm = dm_open();

	(void)state;
	client_require_known_profile();
	assert_ok(xendevicemodel_restrict(dm, pv));
	assert_fails(xendevicemodel_set_isa_irq_level(dm, pv, 4, 1), EINVAL);
	assert_fails(xendevicemodel_set_isa_irq_level(dm, hvm_a, 4, 1), EPERM);
	assert_ok(xendevicemodel_close(dm));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(irq_levels),
		cmocka_unit_test(ioreq_server),
		cmocka_unit_test(restrict_handle),
		cmocka_unit_test(restrict_to_pv),
	};

	return client_finish(cmocka_run_group_tests_name(
		"libxendevicemodel", tests, setup, NULL));
}
