/* SPDX-License-Identifier: MIT */
/*
 * Hypercall buffers (/dev/xen/hypercall mmaps) with a private alias, so
 * that a device call copies its arguments there with no system call and
 * no fault.  libxencall puts every hypercall argument in such a buffer
 * (tools/libs/call/buffer.c, Xen 4.17), so this is the common case off
 * the caller's stack.
 *
 * A buffer is shared anonymous memory (what privcmd_buf_mmap gives: the
 * driver's own pages, Linux 6.1 drivers/xen/privcmd-buf.c).  We map it
 * twice: first the alias, ours, read-write, then the program's mapping
 * as a second view of the same pages (mremap with old_size 0, which
 * Linux allows for a shared mapping: mm/mremap.c).  A copy to or from
 * the program's range is done through the alias at the same offset.
 * Whatever the program does to its own mapping, the alias stays mapped
 * until we drop it, so the copy cannot fault:
 *
 *  - munmap() or a MAP_FIXED mapping over it, through libc: the record
 *    goes at once, and the alias is unmapped once no copy that may have
 *    found the record is still running (a count of copies in flight,
 *    checked after the record is gone; the classic "wait for a quiescent
 *    moment" without waiting: a later cut or map retries).
 *  - munmap() by raw system call (or mremap, not interposed): the record
 *    stays, and a device call on that range reads and writes the old
 *    buffer's pages, which are valid memory.  Linux would answer EFAULT
 *    there (a fidelity gap, documented in DESIGN.md).  A later mapping
 *    that we see (any mmap through libc) landing on the range drops the
 *    stale record.
 *  - mprotect() is not seen: a copy through the alias ignores a later
 *    PROT_NONE or read-only (Linux: EFAULT).  The prot asked at mmap is
 *    kept: a buffer mapped without PROT_READ (PROT_WRITE) is not read
 *    (written) through the alias; such copies take the kernel path.
 *
 * Lookups take no lock (device calls run in signal handlers and in
 * threads with every signal blocked): each slot has a sequence count,
 * odd while it changes.  Writers hold the VMA table's lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "preload.h"

#define HC_SLOTS	256
#define HC_PENDING	256

struct hc_slot {
	unsigned seq;		/* odd: being changed */
	uintptr_t start, len;	/* the program's range; len 0 = free */
	uintptr_t alias;	/* our view of the same pages */
	int prot;		/* what the program asked for at mmap */
};

static struct hc_slot slots[HC_SLOTS];
static unsigned hwm;		/* slots[0..hwm) may be in use */
static unsigned nr_live;	/* records in use (lock-free fast check) */
static unsigned long inflight;	/* copies that may hold a record */

/* Aliases cut from the table, unmapped when no copy is in flight. */
static struct { uintptr_t alias, len; } pending[HC_PENDING];
static unsigned nr_pending;

bool xp_hcbuf_any(void)
{
	return __atomic_load_n(&nr_live, __ATOMIC_ACQUIRE) != 0;
}

/* Lock held.  Unmap what no copy can still be using. */
static void reclaim_locked(void)
{
	const struct xp_libc *c = xp_real();
	unsigned i;

	if (!nr_pending || __atomic_load_n(&inflight, __ATOMIC_SEQ_CST))
		return;
	for (i = 0; i < nr_pending; i++)
		c->munmap((void *)pending[i].alias, pending[i].len);
	nr_pending = 0;
}

/*
 * A seqlock write (Linux include/linux/seqlock.h: write_seqcount_begin,
 * smp_wmb, the stores, write_seqcount_end).  Odd from whatever it was,
 * so a slot a fork child found half-written cannot flip the parity.
 */
static void slot_write(struct hc_slot *s, uintptr_t start, uintptr_t len,
		       uintptr_t alias, int prot)
{
	unsigned seq = s->seq | 1;

	__atomic_store_n(&s->seq, seq, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&s->start, start, __ATOMIC_RELAXED);
	__atomic_store_n(&s->len, len, __ATOMIC_RELAXED);
	__atomic_store_n(&s->alias, alias, __ATOMIC_RELAXED);
	__atomic_store_n(&s->prot, prot, __ATOMIC_RELAXED);
	__atomic_store_n(&s->seq, seq + 1, __ATOMIC_SEQ_CST);
}

void xp_hcbuf_cut_locked(uintptr_t start, size_t len)
{
	uintptr_t end = start + len;
	unsigned i;

	if (end < start)
		end = UINTPTR_MAX;
	for (i = 0; i < hwm; i++) {
		struct hc_slot *s = &slots[i];

		/* Any overlap drops the whole record: what is left of the
		 * buffer takes the kernel path, which is always right. */
		if (!s->len || s->start >= end || start >= s->start + s->len)
			continue;
		if (nr_pending < HC_PENDING) {
			pending[nr_pending].alias = s->alias;
			pending[nr_pending].len = s->len;
			nr_pending++;
		}	/* else the alias stays mapped: a leak, never a fault */
		slot_write(s, 0, 0, 0, 0);
		__atomic_sub_fetch(&nr_live, 1, __ATOMIC_SEQ_CST);
	}
	i = hwm;
	while (i && !slots[i - 1].len)
		i--;
	__atomic_store_n(&hwm, i, __ATOMIC_RELEASE);
	reclaim_locked();
}

void *xp_hcbuf_map(xp_mmap_fn fn, void *addr, size_t len, int prot,
		   int flags)
{
	const struct xp_libc *c = xp_real();
	void *alias, *p, *q;
	unsigned i;
	int err;

	alias = c->mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (alias == MAP_FAILED)
		return MAP_FAILED;
	/* The program's placement rules (hint, MAP_FIXED, _NOREPLACE). */
	p = fn(addr, len, prot, flags | MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		goto fail;
	/* Then the same pages there (old_size 0: a second view). */
	q = mremap(alias, 0, len, MREMAP_MAYMOVE | MREMAP_FIXED, p);
	if (q == MAP_FAILED || (prot != (PROT_READ | PROT_WRITE) &&
				mprotect(q, len, prot))) {
		/* Not this kernel's way: a plain buffer, no alias. */
		if (q != MAP_FAILED)
			p = fn(p, len, prot, MAP_FIXED | MAP_SHARED |
			       MAP_ANONYMOUS, -1, 0);
		c->munmap(alias, len);
		return p;
	}
	xp_hcbuf_cut_locked((uintptr_t)p, len);	/* stale records there */
	for (i = 0; i < HC_SLOTS && slots[i].len; i++)
		;
	if (i == HC_SLOTS) {		/* full: this one goes unaliased */
		c->munmap(alias, len);
		return p;
	}
	slot_write(&slots[i], (uintptr_t)p, len, (uintptr_t)alias, prot);
	if (i >= hwm)
		__atomic_store_n(&hwm, i + 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&nr_live, 1, __ATOMIC_SEQ_CST);
	return p;
fail:
	err = errno;
	c->munmap(alias, len);
	errno = err;
	return MAP_FAILED;
}

/*
 * The alias address of [a, a + len) if one record holds all of it with
 * access need, else 0.  Caller counts itself in flight first.
 */
static uintptr_t lookup(uintptr_t a, size_t len, int need)
{
	unsigned i, n = __atomic_load_n(&hwm, __ATOMIC_ACQUIRE);

	if (n > HC_SLOTS)
		n = HC_SLOTS;
	for (i = 0; i < n; i++) {
		struct hc_slot *s = &slots[i];
		unsigned s1 = __atomic_load_n(&s->seq, __ATOMIC_SEQ_CST), s2;
		uintptr_t st, ln, al;
		int prot;

		if (s1 & 1)
			continue;	/* changing: the kernel path then */
		st = __atomic_load_n(&s->start, __ATOMIC_RELAXED);
		ln = __atomic_load_n(&s->len, __ATOMIC_RELAXED);
		al = __atomic_load_n(&s->alias, __ATOMIC_RELAXED);
		prot = __atomic_load_n(&s->prot, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
		if (s1 != s2 || !ln || a < st || a - st >= ln ||
		    len > ln - (a - st))
			continue;
		return (prot & need) == need ? al + (a - st) : 0;
	}
	return 0;
}

/* Plain copies: both sides are our memory here (the alias, our buffer). */
bool xp_hcbuf_copy_in(void *dst, uintptr_t usrc, size_t len)
{
	uintptr_t al;

	if (!len || !xp_hcbuf_any())
		return false;
	__atomic_add_fetch(&inflight, 1, __ATOMIC_SEQ_CST);
	al = lookup(usrc, len, PROT_READ);
	if (al)
		memcpy(dst, (const void *)al, len);
	__atomic_sub_fetch(&inflight, 1, __ATOMIC_SEQ_CST);
	return al != 0;
}

bool xp_hcbuf_copy_out(uintptr_t udst, const void *src, size_t len)
{
	uintptr_t al;

	if (!len || !xp_hcbuf_any())
		return false;
	__atomic_add_fetch(&inflight, 1, __ATOMIC_SEQ_CST);
	al = lookup(udst, len, PROT_WRITE);
	if (al)
		memcpy((void *)al, src, len);
	__atomic_sub_fetch(&inflight, 1, __ATOMIC_SEQ_CST);
	return al != 0;
}

/*
 * A fork child has only the forking thread: no copy of its is in
 * flight.  The records and aliases are inherited and stay right (a
 * buffer is inherited by fork, the alias too: the same pages), except a
 * slot another thread was writing at the fork: forgotten (its alias, if
 * any, stays mapped: a leak, never a wrong unmap).
 */
static void hcbuf_after_fork(void)
{
	unsigned i, live = 0;

	for (i = 0; i < HC_SLOTS; i++) {
		struct hc_slot *s = &slots[i];

		if (s->seq & 1) {
			s->start = s->len = s->alias = 0;
			s->prot = 0;
			s->seq++;
		}
		live += s->len != 0;
	}
	__atomic_store_n(&nr_live, live, __ATOMIC_SEQ_CST);
	__atomic_store_n(&inflight, 0, __ATOMIC_SEQ_CST);
}

__attribute__((constructor)) static void hcbuf_fork_handler(void)
{
	pthread_atfork(NULL, NULL, hcbuf_after_fork);
}
