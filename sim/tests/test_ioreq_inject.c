/* SPDX-License-Identifier: MIT */
/*
 * The ioreq injector (sim/machine/ioreq_inject.c) against a fake device
 * model running in a thread: it creates an ioreq server through dm_op,
 * takes its page through XENMEM_acquire_resource, binds each vcpu's port
 * from dom0, and serves port I/O, MMIO and PCI config requests as QEMU's
 * handle_ioreq does (watch the port, READY -> INPROCESS -> IORESP_READY,
 * notify back).  Checked: the round trips, server selection (ranges,
 * newest first, disabled servers, the 0xcf8/0xcfc decode), data_is_ptr
 * through guest RAM, Xen's null handler, the buffered ring, timeouts, a
 * busy slot, a broken device model and bad arguments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#define __XEN_TOOLS__ 1

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/ioreq.h>

#include <xensim/ioreq.h>
#include <xensim/machine.h>
#include <xensim/world.h>

#include "../machine/layout.h"
#include "support/world_helpers.h"

#define U(p)		((uint64_t)(uintptr_t)(p))
#define DOM		1u
#define TIMEOUT_MS	5000u	/* a served request: generous, never hit */
#define SHORT_MS	30u	/* a request nobody serves */

/* ---- the fake device model ---- */

enum dm_mode {
	DM_SERVE,	/* answer everything */
	DM_HOLD,	/* take requests (INPROCESS), answer when released */
	DM_WEIRD,	/* answer with a state out of range */
};

struct fake_dm {
	struct xsim_world *w;
	ioservid_t id;
	ioreq_t *slots;
	buffered_iopage_t *buf;
	uint32_t local_port;		/* dom0's end of vcpu 0's port */
	uint32_t vp_eport;		/* the guest's end */
	pthread_t thread;
	volatile int stop, release, running;
	volatile enum dm_mode mode;
	volatile unsigned served, notified;
	/* The "machine": a few registers the requests read and write. */
	uint8_t cmos_index, cmos[128];
	uint8_t vga[0x20000];
	uint32_t cf8;
	ioreq_t last;			/* the last request as delivered */
};

static long dm_op(struct xsim_world *w, struct xen_dm_op *op)
{
	struct xsim_caller c = wh_caller(w, 0);
	struct xsim_ubuf b = { U(op), sizeof(*op) };
	long rc;

	xsim_lock(w);
	rc = xsim_dm_op(&c, &xsim_uaccess_self, DOM, &b, 1);
	xsim_unlock(w);
	return rc;
}

static void dm_range(struct fake_dm *dm, uint32_t type, uint64_t start,
		     uint64_t end)
{
	struct xen_dm_op op = { .op = XEN_DMOP_map_io_range_to_ioreq_server };

	op.u.map_io_range_to_ioreq_server.id = dm->id;
	op.u.map_io_range_to_ioreq_server.type = type;
	op.u.map_io_range_to_ioreq_server.start = start;
	op.u.map_io_range_to_ioreq_server.end = end;
	assert_int_equal(dm_op(dm->w, &op), 0);
}

static void dm_enable(struct xsim_world *w, ioservid_t id, uint8_t on)
{
	struct xen_dm_op op = { .op = XEN_DMOP_set_ioreq_server_state };

	op.u.set_ioreq_server_state.id = id;
	op.u.set_ioreq_server_state.enabled = on;
	assert_int_equal(dm_op(w, &op), 0);
}

/* A server as QEMU sets one up (xen-hvm.c xen_hvm_init_pc), not enabled. */
static ioservid_t dm_create_server(struct xsim_world *w, uint8_t bufioreq)
{
	struct xen_dm_op op = { .op = XEN_DMOP_create_ioreq_server };

	op.u.create_ioreq_server.handle_bufioreq = bufioreq;
	assert_int_equal(dm_op(w, &op), 0);
	return op.u.create_ioreq_server.id;
}

static void dm_setup(struct fake_dm *dm, struct xsim_world *w)
{
	struct xsim_caller c = wh_caller(w, 0);
	uint32_t pages[2];

	memset(dm, 0, sizeof(*dm));
	dm->w = w;
	dm->mode = DM_SERVE;
	dm->id = dm_create_server(w, HVM_IOREQSRV_BUFIOREQ_ATOMIC);
	/* Frame 0: the buffered ring; frame 1: the vcpus' slots. */
	xsim_lock(w);
	assert_int_equal(xsim_acquire_resource(&c, DOM,
					       XENMEM_resource_ioreq_server,
					       dm->id, 0, 2, pages, NULL), 0);
	xsim_unlock(w);
	dm->buf = xsim_page_va(w, pages[0]);
	dm->slots = xsim_page_va(w, pages[1]);
	dm_range(dm, XEN_DMOP_IO_RANGE_PORT, 0x70, 0x71);
	dm_range(dm, XEN_DMOP_IO_RANGE_PORT, 0xcf8, 0xcff);
	dm_range(dm, XEN_DMOP_IO_RANGE_MEMORY, 0xa0000, 0xbffff);
	/* 00:00.0 and 00:01.0, as xen_map_pcidev registers them. */
	dm_range(dm, XEN_DMOP_IO_RANGE_PCI, 0x0000, 0x0000);
	dm_range(dm, XEN_DMOP_IO_RANGE_PCI, 0x0008, 0x0008);
	dm_enable(w, dm->id, 1);
	dm->vp_eport = dm->slots[0].vp_eport;
	assert_int_not_equal(dm->vp_eport, 0);
	xsim_lock(w);
	assert_int_equal(xsim_evtchn_bind_interdomain(&c, DOM, dm->vp_eport,
						      &dm->local_port), 0);
	/* The bind sets the local port pending (public/event_channel.h). */
	xsim_evtchn_guest_pending(w, 0, dm->local_port, true);
	xsim_unlock(w);
	dm->cmos[0x15] = 0x80;
	dm->cmos[0x16] = 0x02;
}

static uint32_t pci_read(uint32_t sbdf, uint32_t reg, uint32_t size)
{
	/* i440FX 8086:1237 at 00:00.0, PIIX3 8086:7000 at 00:01.0. */
	uint32_t id = sbdf == 0 ? 0x12378086u : sbdf == 8 ? 0x70008086u :
				  0xffffffffu;
	uint32_t v = reg < 4 ? id >> (reg * 8) : 0;

	return size == 4 ? v : v & ((1u << (size * 8)) - 1);
}

static uint64_t guest_ram(struct fake_dm *dm, uint64_t paddr, uint64_t *val,
			  uint32_t size, bool write)
{
	struct xsim_caller c = wh_caller(dm->w, 0);
	int rc;

	xsim_lock(dm->w);
	rc = xsim_mem_access(&c, DOM, paddr >> 12, paddr & 0xfff, val, size,
			     write);
	xsim_unlock(dm->w);
	assert_int_equal(rc, 0);
	return *val;
}

/* cpu_ioreq_pio / cpu_ioreq_move / cpu_ioreq_config, in miniature. */
static void dm_handle(struct fake_dm *dm, ioreq_t *p)
{
	uint64_t v = 0;

	dm->last = *p;
	if (p->dir == IOREQ_WRITE && p->data_is_ptr)
		guest_ram(dm, p->data, &v, p->size, false);
	else if (p->dir == IOREQ_WRITE)
		v = p->data;
	switch (p->type) {
	case IOREQ_TYPE_PIO:
		if (p->addr == 0x70 && p->dir == IOREQ_WRITE)
			dm->cmos_index = (uint8_t)(v & 0x7f);
		else if (p->addr == 0x71 && p->dir == IOREQ_READ)
			v = dm->cmos[dm->cmos_index];
		else if (p->addr == 0xcf8 && p->dir == IOREQ_WRITE)
			dm->cf8 = (uint32_t)v;
		else if ((p->addr & ~3ull) == 0xcfc && p->dir == IOREQ_READ)
			v = 0xdeadbeef;	/* only if Xen did not decode it */
		break;
	case IOREQ_TYPE_PCI_CONFIG:
		if (p->dir == IOREQ_READ)
			v = pci_read((uint32_t)(p->addr >> 32),
				     (uint32_t)p->addr & 0xfff, p->size);
		break;
	case IOREQ_TYPE_COPY:
		if (p->addr >= 0xa0000 && p->addr + p->size <= 0xc0000) {
			uint8_t *m = dm->vga + (p->addr - 0xa0000);

			if (p->dir == IOREQ_WRITE)
				memcpy(m, &v, p->size);
			else
				memcpy(&v, m, p->size);
		}
		break;
	}
	if (p->dir == IOREQ_READ && p->data_is_ptr)
		guest_ram(dm, p->data, &v, p->size, true);
	else if (p->dir == IOREQ_READ)
		p->data = v;
}

static unsigned state_of(ioreq_t *p)
{
	return __atomic_load_n((uint8_t *)p + 30, __ATOMIC_ACQUIRE) & 0xfu;
}

static void set_state(ioreq_t *p, unsigned s)
{
	uint8_t *b = (uint8_t *)p + 30;

	__atomic_store_n(b, (uint8_t)((*b & ~0xfu) | s), __ATOMIC_RELEASE);
}

static void *dm_main(void *arg)
{
	struct fake_dm *dm = arg;
	struct xsim_caller c = wh_caller(dm->w, 0);
	ioreq_t *p = &dm->slots[0];

	dm->running = 1;
	while (!dm->stop) {
		int pending;

		xsim_lock(dm->w);
		pending = xsim_evtchn_guest_pending(dm->w, 0, dm->local_port,
						    true);
		xsim_unlock(dm->w);
		if (pending > 0)
			dm->notified++;
		if (state_of(p) != STATE_IOREQ_READY) {
			if (state_of(p) == STATE_IOREQ_INPROCESS && dm->release) {
				dm->release = 0;
				goto answer;
			}
			sched_yield();
			continue;
		}
		set_state(p, STATE_IOREQ_INPROCESS);
		if (dm->mode == DM_HOLD)
			continue;
		if (dm->mode == DM_WEIRD) {
			set_state(p, 9);
			continue;
		}
answer:
		dm_handle(dm, p);
		dm->served++;
		set_state(p, STATE_IORESP_READY);
		xsim_lock(dm->w);
		xsim_evtchn_send(&c, dm->local_port);
		xsim_unlock(dm->w);
	}
	return NULL;
}

static void dm_start(struct fake_dm *dm)
{
	dm->stop = 0;
	assert_int_equal(pthread_create(&dm->thread, NULL, dm_main, dm), 0);
}

static void dm_stop(struct fake_dm *dm)
{
	dm->stop = 1;
	pthread_join(dm->thread, NULL);
}

/* ---- helpers ---- */

static struct xsim_ioreq rq(uint8_t type, uint8_t dir, uint64_t addr,
			    uint32_t size, uint64_t data)
{
	struct xsim_ioreq r = { .type = type, .dir = dir, .addr = addr,
				.size = size, .data = data };
	return r;
}

static int inject(struct xsim_world *w, uint32_t dom, struct xsim_ioreq *r,
		  unsigned ms, struct xsim_ioreq_outcome *o)
{
	return xsim_ioreq_inject(w, dom, 0, r, ms, o);
}

static uint64_t pio_read(struct xsim_world *w, uint64_t port, uint32_t size,
			 struct xsim_ioreq_outcome *o)
{
	struct xsim_ioreq r = rq(XSIM_IOREQ_TYPE_PIO, XSIM_IOREQ_READ, port,
				 size, 0x1234);

	assert_int_equal(inject(w, DOM, &r, TIMEOUT_MS, o), 0);
	return r.data;
}

static void pio_write(struct xsim_world *w, uint64_t port, uint32_t size,
		      uint64_t v, struct xsim_ioreq_outcome *o)
{
	struct xsim_ioreq r = rq(XSIM_IOREQ_TYPE_PIO, XSIM_IOREQ_WRITE, port,
				 size, v);

	assert_int_equal(inject(w, DOM, &r, TIMEOUT_MS, o), 0);
}

/* ---- round trips ---- */

static void pio_round_trip(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_ioreq_outcome o;
	struct fake_dm dm;

	(void)state;
	dm_setup(&dm, w);
	dm_start(&dm);
	pio_write(w, 0x70, 1, 0x15, &o);
	assert_int_equal(o.server, dm.id);
	assert_int_equal(o.type, XSIM_IOREQ_TYPE_PIO);
	assert_int_equal(o.port, dm.vp_eport);
	assert_false(o.buffered);
	assert_int_equal(pio_read(w, 0x71, 1, &o), 0x80);
	pio_write(w, 0x70, 1, 0x16, NULL);
	assert_int_equal(pio_read(w, 0x71, 1, NULL), 0x02);
	dm_stop(&dm);
	assert_int_equal(dm.served, 4);
	/* Every request was notified on the port, not just found. */
	assert_true(dm.notified >= 1 && dm.notified <= dm.served);
	/* The slot is idle again. */
	assert_int_equal(state_of(&dm.slots[0]), STATE_IOREQ_NONE);
	xsim_world_detach(w);
}

static void pci_config_through_cf8(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_ioreq_outcome o;
	struct fake_dm dm;

	(void)state;
	dm_setup(&dm, w);
	dm_start(&dm);
	/* The cf8 write reaches the server as port I/O, and Xen keeps it. */
	pio_write(w, 0xcf8, 4, 0x80000000u, &o);
	assert_int_equal(o.type, XSIM_IOREQ_TYPE_PIO);
	assert_int_equal(xsim_dom_get(w, DOM)->pci_cf8, 0x80000000u);
	/* 0xcfc with cf8 enabled: a PCI_CONFIG request for 00:00.0. */
	assert_int_equal(pio_read(w, 0xcfc, 2, &o), 0x8086);
	assert_int_equal(o.type, XSIM_IOREQ_TYPE_PCI_CONFIG);
	assert_int_equal(o.addr, 0);
	assert_int_equal(dm.last.type, IOREQ_TYPE_PCI_CONFIG);
	assert_int_equal(pio_read(w, 0xcfe, 2, &o), 0x1237);
	assert_int_equal(o.addr, 2);
	/* 00:01.0, a dword: register from cf8, SBDF in the top half. */
	pio_write(w, 0xcf8, 4, 0x80000800u, NULL);
	assert_int_equal(pio_read(w, 0xcfc, 4, &o), 0x70008086u);
	assert_int_equal(o.addr, XSIM_IOREQ_PCI_ADDR(0, 1, 0, 0));
	/* A device nobody registered: Xen's null handler, all ones. */
	pio_write(w, 0xcf8, 4, 0x80001000u, NULL);
	assert_int_equal(pio_read(w, 0xcfc, 2, &o), 0xffff);
	assert_int_equal(o.server, -1);
	/* A 2-byte write to 0xcf8 is not remembered (hvm_access_cf8). */
	pio_write(w, 0xcf8, 2, 0x0000, NULL);
	assert_int_equal(xsim_dom_get(w, DOM)->pci_cf8, 0x80001000u);
	/* cf8 disabled: 0xcfc is plain port I/O again. */
	pio_write(w, 0xcf8, 4, 0x00000000u, NULL);
	assert_int_equal(pio_read(w, 0xcfc, 4, &o), 0xdeadbeef);
	assert_int_equal(o.type, XSIM_IOREQ_TYPE_PIO);
	/* A PCI_CONFIG request given directly is selected by its SBDF. */
	{
		struct xsim_ioreq r = rq(XSIM_IOREQ_TYPE_PCI_CONFIG,
					 XSIM_IOREQ_READ,
					 XSIM_IOREQ_PCI_ADDR(0, 1, 0, 2), 2, 0);

		assert_int_equal(inject(w, DOM, &r, TIMEOUT_MS, &o), 0);
		assert_int_equal(r.data, 0x7000);
	}
	dm_stop(&dm);
	xsim_world_detach(w);
}

static void mmio_copy_and_data_is_ptr(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_ioreq_outcome o;
	struct xsim_ioreq r;
	struct fake_dm dm;
	uint64_t v = 0;

	(void)state;
	dm_setup(&dm, w);
	dm_start(&dm);
	r = rq(XSIM_IOREQ_TYPE_COPY, XSIM_IOREQ_WRITE, 0xa0010, 4, 0xcafef00d);
	assert_int_equal(inject(w, DOM, &r, TIMEOUT_MS, &o), 0);
	assert_int_equal(o.type, XSIM_IOREQ_TYPE_COPY);
	r = rq(XSIM_IOREQ_TYPE_COPY, XSIM_IOREQ_READ, 0xa0010, 4, 0);
	assert_int_equal(inject(w, DOM, &r, TIMEOUT_MS, &o), 0);
	assert_int_equal(r.data, 0xcafef00d);
	/* An 8-byte MMIO read: the whole data field. */
	r = rq(XSIM_IOREQ_TYPE_COPY, XSIM_IOREQ_READ, 0xa000c, 8, 0);
	assert_int_equal(inject(w, DOM, &r, TIMEOUT_MS, NULL), 0);
	assert_int_equal(r.data, 0xcafef00d00000000ull);
	/* data_is_ptr: the device model reads and writes guest RAM. */
	r = rq(XSIM_IOREQ_TYPE_COPY, XSIM_IOREQ_WRITE, 0xa0020, 2, 0xbeef);
	r.data_is_ptr = true;
	r.ptr = 0x5008;
	assert_int_equal(inject(w, DOM, &r, TIMEOUT_MS, NULL), 0);
	assert_int_equal(dm.last.data, 0x5008);
	assert_true(dm.last.data_is_ptr);
	assert_int_equal(dm.vga[0x20] | dm.vga[0x21] << 8, 0xbeef);
	r = rq(XSIM_IOREQ_TYPE_COPY, XSIM_IOREQ_READ, 0xa0010, 4, 0);
	r.data_is_ptr = true;
	r.ptr = 0x6100;
	assert_int_equal(inject(w, DOM, &r, TIMEOUT_MS, NULL), 0);
	assert_int_equal(r.data, 0xcafef00d);
	assert_int_equal(guest_ram(&dm, 0x6100, &v, 4, false), 0xcafef00d);
	/* A range that ends past the server's: nobody covers all of it. */
	r = rq(XSIM_IOREQ_TYPE_COPY, XSIM_IOREQ_READ, 0xbfffe, 4, 0);
	assert_int_equal(inject(w, DOM, &r, TIMEOUT_MS, &o), 0);
	assert_int_equal(o.server, -1);
	assert_int_equal(r.data, 0xffffffffu);
	dm_stop(&dm);
	xsim_world_detach(w);
}

/* ---- selection ---- */

static void null_handler_without_server(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_ioreq_outcome o;
	struct xsim_ioreq r;
	uint64_t v = 0;
	struct xsim_caller c = wh_caller(w, 0);

	(void)state;
	/* Domain 2 has no server at all: reads all ones, writes vanish. */
	r = rq(XSIM_IOREQ_TYPE_PIO, XSIM_IOREQ_READ, 0x60, 1, 0);
	assert_int_equal(xsim_ioreq_inject(w, 2, 0, &r, SHORT_MS, &o), 0);
	assert_int_equal(o.server, -1);
	assert_int_equal(r.data, 0xff);
	r = rq(XSIM_IOREQ_TYPE_COPY, XSIM_IOREQ_READ, 0xfee00000, 8, 0);
	assert_int_equal(xsim_ioreq_inject(w, 2, 0, &r, SHORT_MS, &o), 0);
	assert_int_equal(r.data, ~0ull);
	r = rq(XSIM_IOREQ_TYPE_PIO, XSIM_IOREQ_WRITE, 0x80, 1, 0x12);
	assert_int_equal(xsim_ioreq_inject(w, 2, 0, &r, SHORT_MS, &o), 0);
	/* ... and with data_is_ptr the all-ones land in guest RAM. */
	r = rq(XSIM_IOREQ_TYPE_PIO, XSIM_IOREQ_READ, 0x60, 2, 0);
	r.data_is_ptr = true;
	r.ptr = 0x3000;
	r.count = 2;
	assert_int_equal(xsim_ioreq_inject(w, 2, 0, &r, SHORT_MS, &o), 0);
	xsim_lock(w);
	assert_int_equal(xsim_mem_access(&c, 2, 3, 0, &v, 8, false), 0);
	xsim_unlock(w);
	assert_int_equal(v & 0xffffffffu, 0xffffffffu);
	assert_int_equal(v >> 32, (2ull << 48 | 3ull << 12) >> 32);
	xsim_world_detach(w);
}

static void newest_enabled_server_wins(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_ioreq_outcome o;
	struct fake_dm dm;
	ioservid_t older;

	(void)state;
	/* A server made first covering the same ports, then the fake DM's. */
	older = dm_create_server(w, HVM_IOREQSRV_BUFIOREQ_OFF);
	{
		struct fake_dm tmp = { .w = w, .id = older };

		dm_range(&tmp, XEN_DMOP_IO_RANGE_PORT, 0x70, 0x71);
	}
	dm_enable(w, older, 1);
	dm_setup(&dm, w);
	dm_start(&dm);
	assert_true(dm.id > older);
	pio_write(w, 0x70, 1, 0x15, &o);
	assert_int_equal(o.server, dm.id);
	/* Disabled: no longer selected; the older one gets it (and times out). */
	dm_enable(w, dm.id, 0);
	{
		struct xsim_ioreq r = rq(XSIM_IOREQ_TYPE_PIO, XSIM_IOREQ_READ,
					 0x71, 1, 0);

		assert_int_equal(inject(w, DOM, &r, SHORT_MS, &o), -ETIMEDOUT);
		assert_int_equal(o.server, older);
	}
	dm_stop(&dm);
	xsim_world_detach(w);
}

/* ---- the buffered ring ---- */

static void buffered_vga_write(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_ioreq_outcome o;
	struct xsim_ioreq r;
	struct fake_dm dm;
	uint32_t bufport;

	(void)state;
	dm_setup(&dm, w);
	r = rq(XSIM_IOREQ_TYPE_COPY, XSIM_IOREQ_WRITE, 0xa0001, 1, 0x5a);
	r.buffered = true;
	/* No device model running: a buffered write does not wait. */
	assert_int_equal(inject(w, DOM, &r, SHORT_MS, &o), 0);
	assert_true(o.buffered);
	assert_int_equal(o.server, dm.id);
	assert_int_equal(dm.buf->write_pointer, 1);
	assert_int_equal(dm.buf->buf_ioreq[0].addr, 0xa0001);
	assert_int_equal(dm.buf->buf_ioreq[0].data, 0x5a);
	assert_int_equal(dm.buf->buf_ioreq[0].size, 0);
	assert_int_equal(dm.buf->buf_ioreq[0].type, IOREQ_TYPE_COPY);
	/* The ring's port: the guest end is the server's bufioreq port. */
	bufport = xsim_dom_get(w, DOM)->ioreq[dm.id].bufioreq_port;
	assert_int_equal(o.port, bufport);
	/* 8 bytes take two slots. */
	r = rq(XSIM_IOREQ_TYPE_COPY, XSIM_IOREQ_WRITE, 0xa0008, 8,
	       0x1122334455667788ull);
	r.buffered = true;
	assert_int_equal(inject(w, DOM, &r, SHORT_MS, &o), 0);
	assert_int_equal(dm.buf->write_pointer, 3);
	assert_int_equal(dm.buf->buf_ioreq[1].data, 0x55667788u);
	assert_int_equal(dm.buf->buf_ioreq[2].data, 0x11223344u);
	/* data_is_ptr cannot be buffered: the synchronous path (nobody
	 * answers it here, so it times out). */
	r = rq(XSIM_IOREQ_TYPE_COPY, XSIM_IOREQ_WRITE, 0xa0000, 1, 1);
	r.buffered = true;
	r.data_is_ptr = true;
	r.ptr = 0x1000;
	assert_int_equal(inject(w, DOM, &r, SHORT_MS, &o), -ETIMEDOUT);
	assert_false(o.buffered);
	/* The consumer side: the pointers canonicalize past 511. */
	dm.buf->read_pointer = 511;
	dm.buf->write_pointer = 511;
	r = rq(XSIM_IOREQ_TYPE_PIO, XSIM_IOREQ_WRITE, 0x70, 1, 0x10);
	r.buffered = true;
	assert_int_equal(inject(w, DOM, &r, SHORT_MS, &o), 0);
	assert_int_equal(dm.buf->read_pointer, 0);
	assert_int_equal(dm.buf->write_pointer, 1);
	assert_int_equal(dm.buf->buf_ioreq[0].addr, 0x70);
	xsim_world_detach(w);
}

/* ---- timeouts, busy slots, broken device models ---- */

static void timeout_withdraws_an_untaken_request(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_ioreq r = rq(XSIM_IOREQ_TYPE_PIO, XSIM_IOREQ_READ, 0x71, 1,
				 0);
	struct fake_dm dm;

	(void)state;
	dm_setup(&dm, w);
	/* The server exists but its device model is not running. */
	assert_int_equal(inject(w, DOM, &r, SHORT_MS, NULL), -ETIMEDOUT);
	assert_int_equal(state_of(&dm.slots[0]), STATE_IOREQ_NONE);
	/* The vcpu is free: once the device model runs, the next one works. */
	dm_start(&dm);
	pio_write(w, 0x70, 1, 0x16, NULL);
	assert_int_equal(pio_read(w, 0x71, 1, NULL), 0x02);
	dm_stop(&dm);
	xsim_world_detach(w);
}

static void busy_slot_and_late_answer(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_ioreq r = rq(XSIM_IOREQ_TYPE_PIO, XSIM_IOREQ_READ, 0x71, 1,
				 0);
	struct fake_dm dm;

	(void)state;
	dm_setup(&dm, w);
	dm.mode = DM_HOLD;
	dm_start(&dm);
	/* Taken but never answered: the request stays with the model. */
	assert_int_equal(inject(w, DOM, &r, SHORT_MS, NULL), -ETIMEDOUT);
	assert_int_equal(state_of(&dm.slots[0]), STATE_IOREQ_INPROCESS);
	assert_int_equal(inject(w, DOM, &r, SHORT_MS, NULL), -EBUSY);
	/* The late answer is consumed by the next request. */
	dm.mode = DM_SERVE;
	dm.release = 1;
	while (state_of(&dm.slots[0]) != STATE_IORESP_READY)
		sched_yield();
	assert_int_equal(pio_read(w, 0x71, 1, NULL), 0);
	dm_stop(&dm);
	xsim_world_detach(w);
}

static void broken_device_model(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_ioreq r = rq(XSIM_IOREQ_TYPE_PIO, XSIM_IOREQ_READ, 0x71, 1,
				 0);
	struct fake_dm dm;

	(void)state;
	dm_setup(&dm, w);
	dm.mode = DM_WEIRD;
	dm_start(&dm);
	assert_int_equal(inject(w, DOM, &r, TIMEOUT_MS, NULL), -EPROTO);
	dm_stop(&dm);
	/* A slot whose vp_eport the model overwrote: "bad event channel". */
	set_state(&dm.slots[0], STATE_IOREQ_NONE);
	dm.slots[0].vp_eport = 999;
	assert_int_equal(inject(w, DOM, &r, SHORT_MS, NULL), -EPROTO);
	dm.slots[0].vp_eport = dm.vp_eport;
	/* The server destroyed: nobody covers the port any more. */
	{
		struct xen_dm_op op = { .op = XEN_DMOP_destroy_ioreq_server };

		op.u.destroy_ioreq_server.id = dm.id;
		assert_int_equal(dm_op(w, &op), 0);
		assert_int_equal(inject(w, DOM, &r, SHORT_MS, NULL), 0);
		assert_int_equal(r.data, 0xff);
	}
	xsim_world_detach(w);
}

static void bad_arguments(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xsim_ioreq r;

	(void)state;
#define BAD(dom, vcpu, rc)						\
	assert_int_equal(xsim_ioreq_inject(w, dom, vcpu, &r, SHORT_MS, NULL), rc)
	r = rq(XSIM_IOREQ_TYPE_PIO, XSIM_IOREQ_READ, 0x71, 1, 0);
	BAD(9, 0, -ESRCH);		/* no such domain */
	BAD(XSIM_DOMID_SELF, 0, -ESRCH);
	BAD(0x10000, 0, -ESRCH);
	BAD(3, 0, -EINVAL);		/* PV */
	BAD(0, 0, -EINVAL);		/* dom0 is PV too */
	BAD(DOM, 1, -EINVAL);		/* one vcpu only */
	BAD(DOM, 0xffffffffu, -EINVAL);
	r.size = 3;
	BAD(DOM, 0, -EINVAL);
	r.size = 8;			/* no 8-byte IN */
	BAD(DOM, 0, -EINVAL);
	r.size = 1;
	r.count = 4;			/* rep without memory */
	BAD(DOM, 0, -EINVAL);
	r.count = 1;
	r.dir = 2;
	BAD(DOM, 0, -EINVAL);
	r.dir = XSIM_IOREQ_READ;
	r.type = 7;			/* TIMEOFFSET is Xen's, not a vcpu's */
	BAD(DOM, 0, -EINVAL);
	r = rq(XSIM_IOREQ_TYPE_PCI_CONFIG, XSIM_IOREQ_READ, 0, 8, 0);
	BAD(DOM, 0, -EINVAL);
	/* data_is_ptr outside guest RAM (256 pages), or too long. */
	r = rq(XSIM_IOREQ_TYPE_COPY, XSIM_IOREQ_READ, 0xa0000, 4, 0);
	r.data_is_ptr = true;
	r.ptr = 0x100000;
	BAD(DOM, 0, -EFAULT);
	r.ptr = 0xffffe;		/* straddles the end of RAM */
	BAD(DOM, 0, -EFAULT);
	r.ptr = 0x1000;
	r.count = 2000;
	BAD(DOM, 0, -EINVAL);
#undef BAD
	xsim_world_detach(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pio_round_trip),
		cmocka_unit_test(pci_config_through_cf8),
		cmocka_unit_test(mmio_copy_and_data_is_ptr),
		cmocka_unit_test(null_handler_without_server),
		cmocka_unit_test(newest_enabled_server_wins),
		cmocka_unit_test(buffered_vga_write),
		cmocka_unit_test(timeout_withdraws_an_untaken_request),
		cmocka_unit_test(busy_slot_and_late_answer),
		cmocka_unit_test(broken_device_model),
		cmocka_unit_test(bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
