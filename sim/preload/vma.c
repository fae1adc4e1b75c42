/* SPDX-License-Identifier: MIT */
/*
 * Mappings made on device descriptors (Linux: the VMAs whose vm_ops are a
 * Xen driver's), and the uaccess the device models use to reach this
 * process: fault-guarded copies, "is this exactly one mapping of that
 * handle" and "back this page with that world page".
 *
 * Lock order: the machine lock, then this table's lock.  The device
 * models call vma_check/map_page with the machine lock held, so the
 * interposers never call into the device layer while holding this lock:
 * they collect what changed (struct xp_cut) and tell the devices after.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xensim/machine.h>
#include <xensim/xen-const.h>

#include "preload.h"

static pthread_mutex_t vma_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct xp_vma *vmas;	/* unsorted; linear scans (few mappings) */
static size_t nr_vmas, cap_vmas;
static size_t nr_vmas_hint;	/* atomic copy of nr_vmas for fast paths */

void xp_vma_lock(void)
{
	pthread_mutex_lock(&vma_mutex);
}

void xp_vma_unlock(void)
{
	__atomic_store_n(&nr_vmas_hint, nr_vmas, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vma_mutex);
}

bool xp_vma_any(void)
{
	return __atomic_load_n(&nr_vmas_hint, __ATOMIC_ACQUIRE) != 0;
}

static int grow(void)
{
	const struct xp_libc *c = xp_real();
	size_t ncap = cap_vmas ? cap_vmas * 2 : 64;
	void *p;

	p = c->mmap(NULL, ncap * sizeof(*vmas), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	if (vmas) {
		memcpy(p, vmas, nr_vmas * sizeof(*vmas));
		c->munmap(vmas, cap_vmas * sizeof(*vmas));
	}
	vmas = p;
	cap_vmas = ncap;
	return 0;
}

int xp_vma_add_locked(const struct xp_vma *v)
{
	if (nr_vmas == cap_vmas && grow())
		return -ENOMEM;
	vmas[nr_vmas++] = *v;
	return 0;
}

static bool overlaps(const struct xp_vma *v, uintptr_t start, uintptr_t end)
{
	return v->start < end && start < v->start + v->len;
}

static void add_cut(struct xp_cuts *cl, const struct xp_cut *c)
{
	if (cl->n == cl->cap) {
		int ncap = cl->cap * 2;
		struct xp_cut *p = cl->v == cl->buf ? malloc(sizeof(*p) *
			(size_t)ncap) : realloc(cl->v, sizeof(*p) * (size_t)ncap);

		if (!p)
			return;	/* the device misses a notice; never crash */
		if (cl->v == cl->buf)
			memcpy(p, cl->buf, sizeof(cl->buf));
		cl->v = p;
		cl->cap = ncap;
	}
	cl->v[cl->n++] = *c;
}

void xp_cuts_init(struct xp_cuts *cl)
{
	cl->v = cl->buf;
	cl->n = 0;
	cl->cap = (int)(sizeof(cl->buf) / sizeof(cl->buf[0]));
}

void xp_vma_cut_locked(uintptr_t start, size_t len, struct xp_cuts *cl)
{
	uintptr_t end = start + len;
	size_t i = 0;

	if (end < start)
		end = UINTPTR_MAX;
	while (i < nr_vmas) {
		struct xp_vma *v = &vmas[i];
		uintptr_t vend = v->start + v->len;
		uintptr_t cs = v->start > start ? v->start : start;
		uintptr_t ce = vend < end ? vend : end;
		struct xp_cut c;

		if (!overlaps(v, start, end)) {
			i++;
			continue;
		}
		c.start = cs;
		c.len = ce - cs;
		c.f = v->f;
		add_cut(cl, &c);
		if (cs == v->start && ce == vend) {
			vmas[i] = vmas[--nr_vmas];	/* gone: recheck slot i */
			continue;
		}
		if (cs == v->start) {			/* head cut off */
			v->pgoff += (ce - v->start) >> XSIM_PAGE_SHIFT;
			v->start = ce;
			v->len = vend - ce;
		} else if (ce == vend) {		/* tail cut off */
			v->len = cs - v->start;
		} else {				/* a hole: split in two */
			struct xp_vma tail = *v;

			tail.start = ce;
			tail.len = vend - ce;
			tail.pgoff += (ce - v->start) >> XSIM_PAGE_SHIFT;
			v->len = cs - v->start;
			/* v may move now; out of memory forgets the tail. */
			(void)xp_vma_add_locked(&tail);
		}
		i++;
	}
}

void xp_vma_notify(struct xp_cuts *cl)
{
	struct xsim_world *w = xp_world_peek();
	int i;

	if (w && cl->n && xp_enter()) {
		for (i = 0; i < cl->n; i++)
			xsim_dev_munmap(w, cl->v[i].f, cl->v[i].start,
					cl->v[i].len);
		xp_leave();
	}
	if (cl->v != cl->buf)
		free(cl->v);
	xp_cuts_init(cl);
}

void xp_vma_forget_all(void)
{
	/* The child of fork(): MADV_DONTFORK kept every device mapping. */
	pthread_mutex_init(&vma_mutex, NULL);
	nr_vmas = 0;
	__atomic_store_n(&nr_vmas_hint, 0, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void register_fork_handler(void)
{
	pthread_atfork(NULL, NULL, xp_vma_forget_all);
}

/* ---- the uaccess the device models are given ---- */

/*
 * A hypercall buffer is copied through its alias (hcbuf.c: no system
 * call, no fault); anything else by xsim_copy_*_self (the thread's stack
 * directly, the rest by the kernel: sim/dev/uaccess_self.c).
 */
static int ua_copy_in(void *ctx, void *dst, uint64_t uaddr, size_t len)
{
	(void)ctx;
	if (xp_hcbuf_copy_in(dst, (uintptr_t)uaddr, len))
		return 0;
	return xsim_copy_from_self(dst, (const void *)(uintptr_t)uaddr, len);
}

static int ua_copy_out(void *ctx, uint64_t uaddr, const void *src, size_t len)
{
	(void)ctx;
	if (xp_hcbuf_copy_out((uintptr_t)uaddr, src, len))
		return 0;
	return xsim_copy_to_self((void *)(uintptr_t)uaddr, src, len);
}

static struct xp_vma *find_locked(uintptr_t addr)
{
	size_t i;

	for (i = 0; i < nr_vmas; i++)
		if (addr >= vmas[i].start && addr - vmas[i].start < vmas[i].len)
			return &vmas[i];
	return NULL;
}

/* Exactly one mapping of handle (slot, gen), [addr, addr + len) whole. */
static int ua_vma_check(void *ctx, uint64_t addr, uint64_t len, uint32_t slot,
			uint32_t gen)
{
	struct xp_vma *v;
	int rc = -EINVAL;

	(void)ctx;
	xp_vma_lock();
	v = find_locked((uintptr_t)addr);
	if (v && v->start == addr && v->len == len && v->f.slot == slot &&
	    v->f.gen == gen)
		rc = 0;
	xp_vma_unlock();
	return rc;
}

/* The mapping of handle (slot, gen) containing addr, or NULL. */
static struct xp_vma *find_handle_locked(uint64_t addr, uint32_t slot,
					 uint32_t gen)
{
	struct xp_vma *v = find_locked((uintptr_t)addr);

	return v && v->f.slot == slot && v->f.gen == gen ? v : NULL;
}

static int ua_vma_find(void *ctx, uint64_t addr, uint32_t slot, uint32_t gen,
		       struct xsim_vma *out)
{
	struct xp_vma *v;
	int rc = -EINVAL;

	(void)ctx;
	xp_vma_lock();
	v = find_handle_locked(addr, slot, gen);
	if (v) {
		*out = (struct xsim_vma){ .start = v->start, .len = v->len,
					  .priv = v->priv };
		rc = 0;
	}
	xp_vma_unlock();
	return rc;
}

static int ua_vma_set_priv(void *ctx, uint64_t addr, uint32_t slot,
			   uint32_t gen, uint64_t priv)
{
	struct xp_vma *v;
	int rc = -EINVAL;

	(void)ctx;
	xp_vma_lock();
	v = find_handle_locked(addr, slot, gen);
	if (v) {
		v->priv = priv;
		rc = 0;
	}
	xp_vma_unlock();
	return rc;
}

/*
 * A page nothing was mapped into is the empty memfd's and faults with
 * SIGBUS (mmap.c); a page map_page backed reads.  So one guarded byte
 * per page tells them apart, without a record per page.  A mapping made
 * without PROT_READ cannot be probed: it counts as mapped, so a device
 * refuses to map over it rather than clobber a frame.
 */
static int ua_vma_range_mapped(void *ctx, uint64_t addr, uint64_t len)
{
	uint64_t off;
	struct xp_vma *v;
	char b;
	int rc = 0;

	(void)ctx;
	xp_vma_lock();
	for (off = 0; off < len && !rc; off += XSIM_PAGE_SIZE) {
		v = find_locked((uintptr_t)(addr + off));
		if (!v)
			continue;
		if (!(v->prot & PROT_READ) ||
		    !xsim_copy_from_self(&b, (const void *)(uintptr_t)(addr + off),
					 1))
			rc = 1;
	}
	xp_vma_unlock();
	return rc;
}

/*
 * Back one page of a device mapping with a world page, shared, so writes
 * alias the domain's memory.  Never more access than the app mapped with.
 */
static int ua_map_page(void *ctx, uint64_t addr, uint32_t page, int prot)
{
	const struct xp_libc *c = xp_real();
	struct xsim_world *w = xp_world_peek();
	struct xp_vma *v;
	void *p;
	int rc = 0, fd;

	(void)ctx;
	if (!w || addr & (XSIM_PAGE_SIZE - 1))
		return -EINVAL;
	xp_vma_lock();
	v = find_locked((uintptr_t)addr);
	if (!v) {
		rc = -EINVAL;	/* not a device mapping: refuse to clobber */
		goto out;
	}
	prot &= v->prot;
	/* Read-only pages come from a read-only description (see world.c). */
	fd = prot & PROT_WRITE || xp_world_ro_fd() < 0 ? xsim_world_fd(w) :
							 xp_world_ro_fd();
	p = c->mmap((void *)(uintptr_t)addr, XSIM_PAGE_SIZE, prot,
		    MAP_SHARED | MAP_FIXED, fd,
		    (off_t)xsim_page_file_offset(w, page));
	if (p == MAP_FAILED) {
		rc = -errno;
		goto out;
	}
	/* A new kernel VMA: it must not be inherited either (VM_DONTCOPY). */
	madvise(p, XSIM_PAGE_SIZE, MADV_DONTFORK);
out:
	xp_vma_unlock();
	return rc;
}

const struct xsim_uaccess xp_uaccess = {
	.copy_in = ua_copy_in,
	.copy_out = ua_copy_out,
	.vma_check = ua_vma_check,
	.map_page = ua_map_page,
	.vma_find = ua_vma_find,
	.vma_set_priv = ua_vma_set_priv,
	.vma_range_mapped = ua_vma_range_mapped,
	.ctx = NULL,
};
