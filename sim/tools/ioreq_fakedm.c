/* SPDX-License-Identifier: MIT */
/*
 * The fake device model of xensim-ioreq --fake-dm (ioreq_fakedm.h).  What
 * it answers stands in for QEMU 7.2 (the values the builtin script
 * expects, with their sources, are in ioreq.c); how it serves mirrors
 * hw/i386/xen/xen-hvm.c: cpu_get_ioreq (READY -> INPROCESS), handle_ioreq
 * (cpu_ioreq_pio, cpu_ioreq_move, cpu_ioreq_config), then IORESP_READY
 * and a notify on the vcpu's port.
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/ioreq.h>

#include <xensim/machine.h>

#include "../machine/layout.h"
#include "ioreq_fakedm.h"

#define MAX_VCPUS	8u
#define VGA_BASE	0xa0000u
#define VGA_SIZE	0x20000u

struct fakedm {
	struct xsim_world *w;
	uint16_t domid;
	ioservid_t id;
	uint32_t nr_vcpus;
	ioreq_t *slots;
	uint32_t local_port[MAX_VCPUS];
	pthread_t thread;
	volatile int stop;
	unsigned served;
	/* The machine's state the requests touch. */
	uint32_t cf8;
	uint8_t cmos_index, cmos[128];
	uint8_t seq_index, seq[8];
	uint8_t vga[VGA_SIZE];
};

static struct xsim_caller dom0(struct fakedm *dm)
{
	struct xsim_caller c = { .w = dm->w, .domid = 0,
				 .handle = XSIM_EFF_NO_HANDLE };
	return c;
}

static long dm_op(struct fakedm *dm, struct xen_dm_op *op)
{
	struct xsim_caller c = dom0(dm);
	struct xsim_ubuf b = { (uint64_t)(uintptr_t)op, sizeof(*op) };
	long rc;

	xsim_lock(dm->w);
	rc = xsim_dm_op(&c, &xsim_uaccess_self, dm->domid, &b, 1);
	xsim_unlock(dm->w);
	return rc;
}

static long map_range(struct fakedm *dm, uint32_t type, uint64_t s,
		      uint64_t e)
{
	struct xen_dm_op op = { .op = XEN_DMOP_map_io_range_to_ioreq_server };

	op.u.map_io_range_to_ioreq_server.id = dm->id;
	op.u.map_io_range_to_ioreq_server.type = type;
	op.u.map_io_range_to_ioreq_server.start = s;
	op.u.map_io_range_to_ioreq_server.end = e;
	return dm_op(dm, &op);
}

/* The ranges QEMU's listeners register for what the script touches. */
static long map_ranges(struct fakedm *dm)
{
	long rc;

	rc = map_range(dm, XEN_DMOP_IO_RANGE_PORT, 0x70, 0x71);
	if (!rc)
		rc = map_range(dm, XEN_DMOP_IO_RANGE_PORT, 0x3c0, 0x3cf);
	if (!rc)
		rc = map_range(dm, XEN_DMOP_IO_RANGE_PORT, 0xcf8, 0xcff);
	if (!rc)
		rc = map_range(dm, XEN_DMOP_IO_RANGE_MEMORY, VGA_BASE,
			       VGA_BASE + VGA_SIZE - 1);
	/* xen_map_pcidev(): 00:00.0 (i440FX) and 00:01.0 (PIIX3). */
	if (!rc)
		rc = map_range(dm, XEN_DMOP_IO_RANGE_PCI, 0x00, 0x00);
	if (!rc)
		rc = map_range(dm, XEN_DMOP_IO_RANGE_PCI, 0x08, 0x08);
	return rc;
}

static uint32_t pci_config(uint32_t sbdf, uint32_t reg, uint32_t size)
{
	uint32_t id = sbdf == 0x00 ? 0x12378086u :
		      sbdf == 0x08 ? 0x70008086u : 0xffffffffu;
	uint32_t v = reg < 4 ? id >> (8 * reg) : 0;

	return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void guest_ram(struct fakedm *dm, uint64_t paddr, void *buf,
		      uint32_t len, bool write)
{
	struct xsim_caller c = dom0(dm);

	xsim_lock(dm->w);
	if (xsim_mem_access(&c, dm->domid, paddr >> 12, paddr & 0xfff, buf,
			    len, write) && !write)
		memset(buf, 0xff, len);
	xsim_unlock(dm->w);
}

static uint64_t pio(struct fakedm *dm, const ioreq_t *p, uint64_t v)
{
	bool wr = p->dir == IOREQ_WRITE;

	switch (p->addr) {
	case 0x70:
		if (wr)
			dm->cmos_index = (uint8_t)(v & 0x7f);
		return dm->cmos_index;
	case 0x71:
		if (wr)
			dm->cmos[dm->cmos_index] = (uint8_t)v;
		return dm->cmos[dm->cmos_index];
	case 0x3c4:
		if (wr)
			dm->seq_index = (uint8_t)(v & 7);
		return dm->seq_index;
	case 0x3c5:
		if (wr)
			dm->seq[dm->seq_index] = (uint8_t)v;
		return dm->seq[dm->seq_index];
	case 0xcf8:
		if (wr && p->size == 4)
			dm->cf8 = (uint32_t)v;
		return dm->cf8;
	default:
		if ((p->addr & ~3ull) == 0xcfc && (dm->cf8 >> 31))
			return pci_config((dm->cf8 >> 8) & 0xffff,
					  (dm->cf8 & 0xfc) | (p->addr & 3),
					  p->size);
		return ~0ull;
	}
}

/* VGA memory in chain-4 mode (sequencer register 4 bit 3) only. */
static uint64_t vga(struct fakedm *dm, const ioreq_t *p, uint64_t v)
{
	uint64_t off = p->addr - VGA_BASE;

	if (p->addr < VGA_BASE || off + p->size > VGA_SIZE ||
	    !(dm->seq[4] & 0x08))
		return 0;	/* planar modes: not modelled */
	if (p->dir == IOREQ_WRITE)
		memcpy(dm->vga + off, &v, p->size);
	else
		memcpy(&v, dm->vga + off, p->size);
	return v;
}

static void handle(struct fakedm *dm, ioreq_t *p)
{
	uint64_t v = 0;

	if (p->dir == IOREQ_WRITE && p->data_is_ptr)
		guest_ram(dm, p->data, &v, p->size, false);
	else if (p->dir == IOREQ_WRITE)
		v = p->data;
	switch (p->type) {
	case IOREQ_TYPE_PIO:
		v = pio(dm, p, v);
		break;
	case IOREQ_TYPE_COPY:
		v = vga(dm, p, v);
		break;
	case IOREQ_TYPE_PCI_CONFIG:
		v = pci_config((uint32_t)(p->addr >> 32),
			       (uint32_t)p->addr & 0xfff, p->size);
		break;
	default:
		v = ~0ull;
	}
	if (p->dir != IOREQ_READ)
		return;
	if (p->data_is_ptr)
		guest_ram(dm, p->data, &v, p->size, true);
	else
		p->data = v;
}

static uint8_t *state_byte(ioreq_t *p)
{
	return (uint8_t *)p + 30;	/* state:4 and the flags */
}

static void set_state(ioreq_t *p, unsigned s)
{
	uint8_t *b = state_byte(p);

	__atomic_store_n(b, (uint8_t)((*b & ~0xfu) | s), __ATOMIC_RELEASE);
}

static void *serve(void *arg)
{
	struct fakedm *dm = arg;
	struct xsim_caller c = dom0(dm);
	uint32_t v;

	while (!dm->stop) {
		bool any = false;

		for (v = 0; v < dm->nr_vcpus; v++) {
			ioreq_t *p = &dm->slots[v];

			if ((__atomic_load_n(state_byte(p), __ATOMIC_ACQUIRE) &
			     0xfu) != STATE_IOREQ_READY)
				continue;
			set_state(p, STATE_IOREQ_INPROCESS);
			handle(dm, p);
			dm->served++;
			set_state(p, STATE_IORESP_READY);
			xsim_lock(dm->w);
			xsim_evtchn_send(&c, dm->local_port[v]);
			xsim_evtchn_guest_pending(dm->w, 0, dm->local_port[v],
						  true);
			xsim_unlock(dm->w);
			any = true;
		}
		if (!any)
			sched_yield();
	}
	return NULL;
}

static int setup(struct fakedm *dm)
{
	struct xen_dm_op op = { .op = XEN_DMOP_create_ioreq_server };
	struct xsim_caller c = dom0(dm);
	uint32_t page, v;
	long rc;

	op.u.create_ioreq_server.handle_bufioreq = HVM_IOREQSRV_BUFIOREQ_OFF;
	rc = dm_op(dm, &op);
	if (rc)
		return (int)rc;
	dm->id = op.u.create_ioreq_server.id;
	xsim_lock(dm->w);
	rc = xsim_acquire_resource(&c, dm->domid, XENMEM_resource_ioreq_server,
				   dm->id, XENMEM_resource_ioreq_server_frame_ioreq(0),
				   1, &page, NULL);
	xsim_unlock(dm->w);
	if (rc)
		return (int)rc;
	dm->slots = xsim_page_va(dm->w, page);
	rc = map_ranges(dm);
	if (rc)
		return (int)rc;
	op.op = XEN_DMOP_set_ioreq_server_state;
	memset(&op.u, 0, sizeof(op.u));
	op.u.set_ioreq_server_state.id = dm->id;
	op.u.set_ioreq_server_state.enabled = 1;
	rc = dm_op(dm, &op);
	if (rc)
		return (int)rc;
	op.op = XEN_DMOP_nr_vcpus;
	memset(&op.u, 0, sizeof(op.u));
	rc = dm_op(dm, &op);
	if (rc)
		return (int)rc;
	dm->nr_vcpus = (uint32_t)op.u.nr_vcpus.vcpus < MAX_VCPUS ?
		       (uint32_t)op.u.nr_vcpus.vcpus : MAX_VCPUS;
	xsim_lock(dm->w);
	for (v = 0; v < dm->nr_vcpus && !rc; v++)
		rc = xsim_evtchn_bind_interdomain(&c, dm->domid,
						  dm->slots[v].vp_eport,
						  &dm->local_port[v]);
	xsim_unlock(dm->w);
	/* pc_cmos_init(): 640 KiB of base memory. */
	dm->cmos[0x15] = 0x80;
	dm->cmos[0x16] = 0x02;
	return (int)rc;
}

static void destroy_server(struct fakedm *dm)
{
	struct xen_dm_op op = { .op = XEN_DMOP_destroy_ioreq_server };

	op.u.destroy_ioreq_server.id = dm->id;
	dm_op(dm, &op);
}

int fakedm_start(struct xsim_world *w, uint32_t domid, struct fakedm **out)
{
	struct fakedm *dm = calloc(1, sizeof(*dm));
	int rc;

	if (!dm)
		return -ENOMEM;
	dm->w = w;
	dm->domid = (uint16_t)domid;
	dm->id = 0xffff;
	rc = setup(dm);
	if (!rc)
		rc = -pthread_create(&dm->thread, NULL, serve, dm);
	if (rc) {
		if (dm->id != 0xffff)
			destroy_server(dm);
		free(dm);
		return rc;
	}
	*out = dm;
	return 0;
}

unsigned fakedm_stop(struct fakedm *dm)
{
	unsigned n;

	dm->stop = 1;
	pthread_join(dm->thread, NULL);
	destroy_server(dm);
	n = dm->served;
	free(dm);
	return n;
}
