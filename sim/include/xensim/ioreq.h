/* SPDX-License-Identifier: MIT */
/*
 * The ioreq injector: a vcpu of a simulated HVM guest and the part of Xen
 * that hands its port I/O and MMIO to a device model (Xen 4.17
 * xen/arch/x86/hvm/emulate.c hvmemul_do_io, xen/common/ioreq.c
 * ioreq_server_select / ioreq_send / wait_for_io).  The sim has no CPU,
 * so a test or a tool says "vcpu V of domain D touched this address" and
 * the injector does what Xen would: pick the ioreq server whose ranges
 * cover the access, write the request into that server's shared page slot
 * for the vcpu, notify the vcpu's ioreq event channel, wait until the
 * device model answers (STATE_IORESP_READY) and give back its data.
 *
 * Unlike the rest of the machine API, these functions take the machine
 * lock themselves: the wait must not hold it, since the device model
 * needs it to answer.
 *
 * Delivery of the notification to a device model in another process goes
 * through this process's device-layer hooks (xsim_dev_attach and the
 * transport's xsim_dev_set_wake), as every other event does.
 *
 * Not modelled: Xen's internal emulators (RTC registers below 0x0e, PIT,
 * PIC, stdvga cache, ...), which on a real machine answer some accesses
 * before any ioreq server sees them; rep counts > 1 on PIO with inline
 * data; p2m_ioreq_server pages (map_mem_type_to_ioreq_server).
 */
#ifndef XENSIM_IOREQ_H
#define XENSIM_IOREQ_H

#include <stdbool.h>
#include <stdint.h>

#include <xensim/world.h>

/* Values of xen/include/public/hvm/ioreq.h, under our names. */
#define XSIM_IOREQ_TYPE_PIO		0
#define XSIM_IOREQ_TYPE_COPY		1
#define XSIM_IOREQ_TYPE_PCI_CONFIG	2
#define XSIM_IOREQ_WRITE		0
#define XSIM_IOREQ_READ			1

/* An IOREQ_TYPE_PCI_CONFIG address: SBDF in bits 63..32, register below. */
#define XSIM_IOREQ_PCI_ADDR(bus, dev, fn, reg)				\
	((uint64_t)(((bus) & 0xffu) << 8 | ((dev) & 0x1fu) << 3 |	\
		    ((fn) & 7u)) << 32 | (uint32_t)(reg))

struct xsim_ioreq {
	uint64_t addr;		/* port, guest physical address, or PCI_ADDR */
	uint64_t data;		/* write: the value; read: filled with the answer */
	uint32_t size;		/* 1, 2, 4 or 8 bytes (PIO and PCI: at most 4) */
	uint32_t count;		/* rep count; 0 is taken as 1 */
	uint8_t type;		/* XSIM_IOREQ_TYPE_* */
	uint8_t dir;		/* XSIM_IOREQ_READ or _WRITE */
	/*
	 * data_is_ptr: `ptr` is the guest physical address of the data; the
	 * injector writes `data` there before a write and reads the answer
	 * back from there after a read (guest RAM through the p2m).
	 */
	bool data_is_ptr;
	bool buffered;		/* try the server's buffered ring first */
	uint64_t ptr;
};

/* What happened to one request. */
struct xsim_ioreq_outcome {
	int server;		/* ioreq server id; -1: no server, Xen's null handler */
	uint8_t type;		/* the type delivered (0xcfc may become PCI_CONFIG) */
	uint64_t addr;		/* the address delivered */
	uint32_t port;		/* the guest-side event channel notified */
	bool buffered;		/* went through the buffered ring (no answer) */
};

/*
 * Inject one request for vcpu `vcpu` of `domid` and wait at most
 * timeout_ms for the answer.  Returns 0 and fills req->data (reads) and
 * *out (may be NULL), or:
 *   -ESRCH      no such domain
 *   -EINVAL     not an HVM domain, no such vcpu, or a malformed request
 *               (type, direction, size, count)
 *   -EBUSY      the vcpu's slot is not idle (a request of an earlier call
 *               still in the device model's hands: Xen "device model set
 *               bad IO state")
 *   -EPROTO     the device model broke the protocol (wrong vp_eport, a
 *               state going backwards or out of range: Xen crashes the
 *               domain)
 *   -ENOENT     the server went away while the request was pending
 *   -EFAULT     data_is_ptr with `ptr` not in the guest's RAM
 *   -ETIMEDOUT  no answer within timeout_ms; a request the device model
 *               has not picked up yet is withdrawn, one it is working on
 *               stays (a late answer is consumed by the next call)
 * An access no enabled server covers goes to Xen's null handler
 * (xen/arch/x86/hvm/emulate.c null_read/null_write): a read answers all
 * ones, a write is dropped; returns 0 with out->server = -1.
 */
int xsim_ioreq_inject(struct xsim_world *w, uint32_t domid, uint32_t vcpu,
		      struct xsim_ioreq *req, unsigned timeout_ms,
		      struct xsim_ioreq_outcome *out);

/* The mask of `size` bytes (an answer is only that wide). */
static inline uint64_t xsim_ioreq_mask(uint32_t size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

#endif /* XENSIM_IOREQ_H */
