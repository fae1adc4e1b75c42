/* SPDX-License-Identifier: MIT */
/*
 * The ioreq injector (sim/include/xensim/ioreq.h): plays a vcpu that
 * traps on I/O and the Xen code that forwards the access to an ioreq
 * server and waits for the answer.
 *
 *   select    xen/common/ioreq.c ioreq_server_select, with the x86 type
 *             and address decode of xen/arch/x86/hvm/ioreq.c
 *             arch_ioreq_server_get_type_addr (0xcfc through 0xcf8)
 *   send      xen/common/ioreq.c ioreq_send / ioreq_send_buffered
 *   no server xen/arch/x86/hvm/emulate.c hvmemul_do_io -> null_handler
 *   wait      xen/common/ioreq.c wait_for_io: READY/INPROCESS ->
 *             IORESP_READY -> NONE, anything else is a broken emulator
 *
 * The slot is shared with the device model, which writes it without the
 * machine lock (as QEMU writes Xen's page): its state byte is read and
 * written with acquire/release atomics, the payload before/after it.
 * The wait holds no lock; a real vcpu sleeps on its event channel, this
 * one polls the state with a short back-off (the sim has no way to wake
 * a process when a guest-side port becomes pending).
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <xen/xen.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/ioreq.h>

#include <xensim/ioreq.h>
#include <xensim/machine.h>

#include "layout.h"

_Static_assert(XSIM_IOREQ_TYPE_PIO == IOREQ_TYPE_PIO &&
	       XSIM_IOREQ_TYPE_COPY == IOREQ_TYPE_COPY &&
	       XSIM_IOREQ_TYPE_PCI_CONFIG == IOREQ_TYPE_PCI_CONFIG &&
	       XSIM_IOREQ_READ == IOREQ_READ &&
	       XSIM_IOREQ_WRITE == IOREQ_WRITE, "ioreq.h mirrors Xen's values");
/* state:4, data_is_ptr:1, dir:1, df:1 share the byte after _pad0. */
#define STATE_BYTE	30u
_Static_assert(sizeof(ioreq_t) == 32 && offsetof(ioreq_t, type) == 31,
	       "ioreq_t layout of xen/include/public/hvm/ioreq.h");

/* x86: port 0xcf8 (xen/arch/x86/include/asm/pci.h CF8_*). */
#define PCI_CF8_PORT		0xcf8u
#define PCI_CFC_PORT		0xcfcu
#define CF8_ENABLED(cf8)	(!!((cf8) & 0x80000000u))
#define CF8_BDF(cf8)		(((cf8) & 0x00ffff00u) >> 8)
#define CF8_ADDR_LO(cf8)	((cf8) & 0xfcu)

/* Largest data_is_ptr buffer (size * count) the injector moves. */
#define PTR_BUF_MAX		XSIM_PAGE_SIZE
/* Back-off of the wait: yields first, then sleeps doubling up to 1 ms. */
#define WAIT_YIELDS		64u
#define WAIT_SLEEP_MIN_NS	10000l
#define WAIT_SLEEP_MAX_NS	1000000l

static uint8_t *state_byte(ioreq_t *p)
{
	return (uint8_t *)p + STATE_BYTE;
}

static unsigned slot_state(ioreq_t *p)
{
	return __atomic_load_n(state_byte(p), __ATOMIC_ACQUIRE) & 0xfu;
}

/* Xen's "p->state = ..." after the payload: a release store. */
static void slot_set_state(ioreq_t *p, unsigned state)
{
	uint8_t *b = state_byte(p);
	uint8_t v = __atomic_load_n(b, __ATOMIC_RELAXED);

	__atomic_store_n(b, (uint8_t)((v & ~0xfu) | state), __ATOMIC_RELEASE);
}

/* ---- checks (hvmemul_do_io's callers never build anything else) ---- */

static int check_request(struct xsim_ioreq *r)
{
	if (!r->count)
		r->count = 1;
	if (r->dir != XSIM_IOREQ_READ && r->dir != XSIM_IOREQ_WRITE)
		return -EINVAL;
	if (r->size != 1 && r->size != 2 && r->size != 4 && r->size != 8)
		return -EINVAL;
	switch (r->type) {
	case XSIM_IOREQ_TYPE_PIO:
		/* IN/OUT move at most 4 bytes; a rep needs memory behind it. */
		if (r->size > 4 || (r->count > 1 && !r->data_is_ptr))
			return -EINVAL;
		break;
	case XSIM_IOREQ_TYPE_COPY:
		if (r->count > 1 && !r->data_is_ptr)
			return -EINVAL;
		break;
	case XSIM_IOREQ_TYPE_PCI_CONFIG:
		/* QEMU's cpu_ioreq_config: sizes 1, 2, 4 and one access. */
		if (r->size > 4 || r->count != 1)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (r->data_is_ptr && (uint64_t)r->size * r->count > PTR_BUF_MAX)
		return -EINVAL;
	return 0;
}

/* ---- guest memory behind data_is_ptr (the domain's own p2m) ---- */

static int guest_rw(struct xsim_world *w, uint16_t domid, uint64_t paddr,
		    void *buf, uint32_t len, bool write)
{
	const struct xsim_caller self = { .w = w, .domid = domid,
					  .handle = XSIM_EFF_NO_HANDLE };
	uint8_t *b = buf;

	while (len) {
		uint32_t off = (uint32_t)(paddr & (XSIM_PAGE_SIZE - 1));
		uint32_t n = XSIM_PAGE_SIZE - off < len ? XSIM_PAGE_SIZE - off :
							  len;

		if (xsim_mem_access(&self, domid, paddr >> XSIM_PAGE_SHIFT, off,
				    b, n, write))
			return -EFAULT;
		paddr += n;
		b += n;
		len -= n;
	}
	return 0;
}

/* ---- ioreq_server_select ---- */

/* rangeset_contains_range(): inside one (merged) range of that type. */
static bool covers(const struct xsim_ioreq_server *s, uint32_t type,
		   uint64_t start, uint64_t end)
{
	uint32_t i;

	for (i = 0; i < XSIM_MAX_IO_RANGES; i++) {
		const struct xsim_io_range *r = &s->range[i];

		if (r->used && r->type == type && r->start <= start &&
		    end <= r->end)
			return true;
	}
	return false;
}

/*
 * The server for r, or -1; *type and *addr become what is delivered.
 * A PCI_CONFIG request given directly (a sim convenience: what the
 * 0xcf8/0xcfc pair produces) is selected by its SBDF the same way.
 */
static int select_server(const struct xsim_domain *d,
			 const struct xsim_ioreq *r, uint8_t *type,
			 uint64_t *addr)
{
	uint32_t range_type, id;
	uint64_t start, end;

	*type = r->type;
	*addr = r->addr;
	if (r->type == XSIM_IOREQ_TYPE_PCI_CONFIG) {
		range_type = XEN_DMOP_IO_RANGE_PCI;
	} else if (r->type == XSIM_IOREQ_TYPE_PIO &&
		   (r->addr & ~3ull) == PCI_CFC_PORT &&
		   CF8_ENABLED(d->pci_cf8)) {
		/* hvm_pci_decode_addr(): segment 0; no AMD extended space. */
		range_type = XEN_DMOP_IO_RANGE_PCI;
		*addr = (uint64_t)CF8_BDF(d->pci_cf8) << 32 |
			CF8_ADDR_LO(d->pci_cf8) | (r->addr & 3u);
	} else {
		range_type = r->type == XSIM_IOREQ_TYPE_PIO ?
			     XEN_DMOP_IO_RANGE_PORT : XEN_DMOP_IO_RANGE_MEMORY;
	}
	/* ioreq_mmio_first_byte / _last_byte; a port access is one item. */
	if (range_type == XEN_DMOP_IO_RANGE_PCI) {
		start = end = *addr >> 32;
	} else if (range_type == XEN_DMOP_IO_RANGE_PORT) {
		start = r->addr;
		end = start + r->size - 1;
	} else {
		start = r->addr;
		end = r->addr + (uint64_t)r->count * r->size - 1;
	}
	/* FOR_EACH_IOREQ_SERVER walks down: the newest server wins. */
	for (id = XSIM_MAX_IOREQ_SERVERS; id-- > 0;) {
		const struct xsim_ioreq_server *s = &d->ioreq[id];

		if (!s->used || !s->enabled)
			continue;
		if (covers(s, range_type, start, end)) {
			if (range_type == XEN_DMOP_IO_RANGE_PCI)
				*type = XSIM_IOREQ_TYPE_PCI_CONFIG;
			return (int)id;
		}
	}
	return -1;
}

/* ---- ioreq_send_buffered: 1 if queued, 0 if it must go synchronously */

static int send_buffered(struct xsim_world *w, struct xsim_domain *d,
			 struct xsim_ioreq_server *s, const struct xsim_ioreq *r,
			 uint8_t type, uint64_t addr)
{
	buffered_iopage_t *pg;
	buf_ioreq_t bp;
	uint32_t wp, rp, qw;
	uint64_t *ptrs;

	if (s->bufioreq_handling == HVM_IOREQSRV_BUFIOREQ_OFF ||
	    !s->bufioreq_page)
		return 0;
	/* 20-bit address, inline data, no rep: the ring's limits. */
	if (addr > 0xfffffu || r->data_is_ptr || r->count != 1)
		return 0;
	pg = xsim_page_va(w, s->bufioreq_page);
	ptrs = (uint64_t *)(void *)pg;
	qw = r->size == 8;
	memset(&bp, 0, sizeof(bp));
	bp.type = type;
	bp.dir = r->dir;
	bp.size = r->size == 1 ? 0 : r->size == 2 ? 1 : r->size == 4 ? 2 : 3;
	bp.addr = (uint32_t)addr;
	bp.data = (uint32_t)r->data;
	rp = __atomic_load_n(&pg->read_pointer, __ATOMIC_ACQUIRE);
	wp = pg->write_pointer;
	if (wp - rp >= IOREQ_BUFFER_SLOT_NUM - qw)
		return 0;	/* full: the normal path takes it */
	pg->buf_ioreq[wp % IOREQ_BUFFER_SLOT_NUM] = bp;
	if (qw) {
		bp.data = (uint32_t)(r->data >> 32);
		pg->buf_ioreq[(wp + 1) % IOREQ_BUFFER_SLOT_NUM] = bp;
	}
	__atomic_store_n(&pg->write_pointer, wp + 1 + qw, __ATOMIC_RELEASE);
	/* Keep the pointers small, so that % 511 survives their wrap. */
	while (s->bufioreq_handling == HVM_IOREQSRV_BUFIOREQ_ATOMIC &&
	       qw++ < IOREQ_BUFFER_SLOT_NUM) {
		uint64_t old = __atomic_load_n(ptrs, __ATOMIC_ACQUIRE), new;
		uint32_t orp = (uint32_t)old, owp = (uint32_t)(old >> 32), n;

		if (orp < IOREQ_BUFFER_SLOT_NUM)
			break;
		n = orp / IOREQ_BUFFER_SLOT_NUM;
		new = (uint64_t)(owp - n * IOREQ_BUFFER_SLOT_NUM) << 32 |
		      (orp - n * IOREQ_BUFFER_SLOT_NUM);
		__atomic_compare_exchange_n(ptrs, &old, new, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	}
	xsim_evtchn_guest_send(w, d->domid, s->bufioreq_port);
	return 1;
}

/* ---- the synchronous path ---- */

struct pending {
	uint16_t domid;
	uint32_t server, page, vcpu, port;
};

static ioreq_t *pending_slot(struct xsim_world *w, const struct pending *pd)
{
	return (ioreq_t *)xsim_page_va(w, pd->page) + pd->vcpu;
}

/* Is the server the request went to still the same one? (lock held) */
static bool still_there(struct xsim_world *w, const struct pending *pd)
{
	const struct xsim_domain *d = xsim_dom_get(w, pd->domid);

	return d && d->ioreq[pd->server].used &&
	       d->ioreq[pd->server].ioreq_page == pd->page;
}

/* ioreq_send(): write the slot, READY, notify. */
static int send_sync(struct xsim_world *w, struct xsim_domain *d, int id,
		     const struct xsim_ioreq *r, uint8_t type, uint64_t addr,
		     uint32_t vcpu, struct pending *pd)
{
	struct xsim_ioreq_server *s = &d->ioreq[id];
	const uint32_t *ports = s->port_page ? xsim_page_va(w, s->port_page) :
					       NULL;
	ioreq_t *p;
	unsigned state;

	if (!ports || !ports[vcpu])
		return -EPROTO;	/* a vcpu the server has no port for */
	p = (ioreq_t *)xsim_page_va(w, s->ioreq_page) + vcpu;
	state = slot_state(p);
	/* A late answer to a request whose wait timed out: consume it. */
	if (state == STATE_IORESP_READY) {
		slot_set_state(p, STATE_IOREQ_NONE);
		state = STATE_IOREQ_NONE;
	}
	if (state != STATE_IOREQ_NONE)
		return -EBUSY;	/* "device model set bad IO state" */
	if (p->vp_eport != ports[vcpu])
		return -EPROTO;	/* "device model set bad event channel" */
	p->addr = addr;
	p->data = r->data_is_ptr ? r->ptr : r->data;
	p->count = r->count;
	p->size = r->size;
	p->data_is_ptr = r->data_is_ptr;
	p->dir = r->dir;
	p->df = 0;
	p->type = type;
	slot_set_state(p, STATE_IOREQ_READY);
	pd->domid = d->domid;
	pd->server = (uint32_t)id;
	pd->page = s->ioreq_page;
	pd->vcpu = vcpu;
	pd->port = ports[vcpu];
	return xsim_evtchn_guest_send(w, d->domid, pd->port);
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * wait_for_io() without the lock: 0 when the answer is there (STATE
 * IORESP_READY, or NONE: an emulator giving up, answered with all ones),
 * -EPROTO, -ENOENT or -ETIMEDOUT.
 */
static int wait_answer(struct xsim_world *w, const struct pending *pd,
		       unsigned timeout_ms)
{
	ioreq_t *p = pending_slot(w, pd);
	unsigned prev = STATE_IOREQ_READY, state, spins = 0;
	long sleep_ns = WAIT_SLEEP_MIN_NS;
	struct timespec t0;
	bool alive;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		state = slot_state(p);
		if (state == STATE_IORESP_READY || state == STATE_IOREQ_NONE)
			return 0;
		if (state < prev || state > STATE_IORESP_READY)
			return -EPROTO;	/* "Weird HVM ioreq state" */
		prev = state;
		if (spins++ < WAIT_YIELDS) {
			sched_yield();
			continue;
		}
		xsim_lock(w);
		alive = still_there(w, pd);
		xsim_unlock(w);
		if (!alive)
			return -ENOENT;
		if (elapsed_ms(&t0) >= (long)timeout_ms)
			return -ETIMEDOUT;
		nanosleep(&(struct timespec){ .tv_nsec = sleep_ns }, NULL);
		if (sleep_ns < WAIT_SLEEP_MAX_NS)
			sleep_ns *= 2;
	}
}

/* The answer is in: take it, free the slot (lock held). */
static int collect(struct xsim_world *w, const struct pending *pd,
		   struct xsim_ioreq *r)
{
	ioreq_t *p = pending_slot(w, pd);
	uint64_t data = ~0ull;

	if (!still_there(w, pd))
		return -ENOENT;
	if (slot_state(p) == STATE_IORESP_READY)
		data = p->data;
	slot_set_state(p, STATE_IOREQ_NONE);
	/* The emulator's notify made the vcpu's port pending: consumed. */
	xsim_evtchn_guest_pending(w, pd->domid, pd->port, true);
	if (r->dir != XSIM_IOREQ_READ)
		return 0;
	if (r->data_is_ptr) {
		/* The device model wrote guest RAM; the vcpu reads item 0. */
		r->data = 0;
		if (guest_rw(w, pd->domid, r->ptr, &r->data, r->size, false))
			return -EFAULT;
		return 0;
	}
	r->data = data & xsim_ioreq_mask(r->size);
	return 0;
}

/* hvmemul_do_io with no server: null_read fills all ones, writes vanish. */
static int null_handler(struct xsim_world *w, uint16_t domid,
			struct xsim_ioreq *r)
{
	uint8_t ones[PTR_BUF_MAX];

	if (r->dir != XSIM_IOREQ_READ)
		return 0;
	if (!r->data_is_ptr) {
		r->data = xsim_ioreq_mask(r->size);
		return 0;
	}
	memset(ones, 0xff, sizeof(ones));
	if (guest_rw(w, domid, r->ptr, ones, r->size * r->count, true))
		return -EFAULT;
	r->data = xsim_ioreq_mask(r->size);
	return 0;
}

/* hvm_access_cf8(): a 4-byte write is remembered, then forwarded too. */
static int note_cf8(struct xsim_world *w, struct xsim_domain *d,
		    const struct xsim_ioreq *r)
{
	uint32_t v = (uint32_t)r->data;

	if (r->type != XSIM_IOREQ_TYPE_PIO || r->dir != XSIM_IOREQ_WRITE ||
	    r->addr != PCI_CF8_PORT || r->size != 4)
		return 0;
	if (r->data_is_ptr && guest_rw(w, d->domid, r->ptr, &v, 4, false))
		return -EFAULT;
	d->pci_cf8 = v;
	return 0;
}

/* Everything up to the notify, under the lock; 1: done, no wait. */
static int start(struct xsim_world *w, uint32_t domid, uint32_t vcpu,
		 struct xsim_ioreq *r, struct xsim_ioreq_outcome *out,
		 struct pending *pd)
{
	struct xsim_domain *d = xsim_dom_get(w, domid);
	uint8_t type;
	uint64_t addr, probe;
	int id, rc;

	if (!d)
		return -ESRCH;
	if (!(d->flags & XSIM_DOM_HVM))
		return -EINVAL;
	if (vcpu >= d->max_vcpus)
		return -EINVAL;
	rc = check_request(r);
	if (rc)
		return rc;
	/* The data must be in RAM before anything is sent. */
	if (r->data_is_ptr &&
	    guest_rw(w, d->domid, r->ptr + (uint64_t)r->size * r->count - 1,
		     &probe, 1, false))
		return -EFAULT;
	if (r->data_is_ptr && r->dir == XSIM_IOREQ_WRITE &&
	    guest_rw(w, d->domid, r->ptr, &r->data, r->size, true))
		return -EFAULT;
	rc = note_cf8(w, d, r);
	if (rc)
		return rc;
	id = select_server(d, r, &type, &addr);
	out->server = id;
	out->type = type;
	out->addr = addr;
	if (id < 0) {
		rc = null_handler(w, d->domid, r);
		return rc ? rc : 1;
	}
	if (r->buffered && send_buffered(w, d, &d->ioreq[id], r, type, addr)) {
		out->buffered = true;
		out->port = d->ioreq[id].bufioreq_port;
		return 1;
	}
	rc = send_sync(w, d, id, r, type, addr, vcpu, pd);
	out->port = pd->port;
	return rc;
}

int xsim_ioreq_inject(struct xsim_world *w, uint32_t domid, uint32_t vcpu,
		      struct xsim_ioreq *req, unsigned timeout_ms,
		      struct xsim_ioreq_outcome *out)
{
	struct xsim_ioreq_outcome dummy;
	struct pending pd;
	int rc;

	if (!out)
		out = &dummy;
	memset(out, 0, sizeof(*out));
	memset(&pd, 0, sizeof(pd));
	if (domid >= XSIM_DOMID_FIRST_RESERVED)
		return -ESRCH;
	xsim_lock(w);
	rc = start(w, domid, vcpu, req, out, &pd);
	xsim_unlock(w);
	if (rc)
		return rc > 0 ? 0 : rc;
	rc = wait_answer(w, &pd, timeout_ms);
	xsim_lock(w);
	if (!rc) {
		rc = collect(w, &pd, req);
	} else if (rc == -ETIMEDOUT && still_there(w, &pd)) {
		uint8_t *b = state_byte(pending_slot(w, &pd));
		uint8_t old = __atomic_load_n(b, __ATOMIC_ACQUIRE);

		/*
		 * Not picked up yet: withdraw it, the vcpu is free again.  The
		 * device model takes it without the lock: compare and swap.
		 */
		if ((old & 0xfu) == STATE_IOREQ_READY)
			__atomic_compare_exchange_n(b, &old,
						    (uint8_t)(old & ~0xfu),
						    false, __ATOMIC_ACQ_REL,
						    __ATOMIC_ACQUIRE);
	}
	xsim_unlock(w);
	return rc;
}
