/* SPDX-License-Identifier: MIT */
/*
 * mmap/munmap.  A mapping of a device fd is reserved as a shared mapping
 * of an empty memfd, so a page nothing was mapped into faults with SIGBUS
 * (as an unpopulated privcmd page does), then recorded and handed to the
 * device model, which backs pages with world pages through map_page.
 * Like privcmd's VM_DONTCOPY VMAs, these are not inherited by fork().
 *
 * Any munmap, or MAP_FIXED mapping over one, tells the device which part
 * went (gntdev's unmap notification, gntalloc's release).  mremap() and
 * raw system calls are not seen.
 */
#undef _FORTIFY_SOURCE

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include <xensim/xen-const.h>

#include "preload.h"
#include "world_guard.h"

#define PAGE_MASK_LOW	((uintptr_t)XSIM_PAGE_SIZE - 1)

typedef xp_mmap_fn mmap_fn;

static size_t page_round(size_t len)
{
	return (len + PAGE_MASK_LOW) & ~(size_t)PAGE_MASK_LOW;
}

static void *fail(int err)
{
	errno = err;
	return MAP_FAILED;
}

static void *sim_mmap(mmap_fn fn, void *addr, size_t len, int prot, int flags,
		      off_t off, xp_fdent e)
{
	const struct xp_libc *c = xp_real();
	struct xsim_file f = xp_fd_file(e);
	int type = flags & MAP_TYPE, rflags, rc, err;
	uint64_t pgoff = (uint64_t)off >> XSIM_PAGE_SHIFT;
	size_t alen = page_round(len);
	struct xp_cuts cuts;
	struct xp_vma v;
	void *p;

	/* The order mm/mmap.c checks in. */
	if ((uint64_t)off & PAGE_MASK_LOW || !len)
		return fail(EINVAL);
	if (!alen)
		return fail(ENOMEM);
	if (pgoff + (alen >> XSIM_PAGE_SHIFT) < pgoff)
		return fail(EOVERFLOW);
	if (type != MAP_SHARED && type != MAP_SHARED_VALIDATE &&
	    type != MAP_PRIVATE)
		return fail(EINVAL);
	if (!xp_fd_readable(e) ||
	    (type != MAP_PRIVATE && (prot & PROT_WRITE) && !xp_fd_writable(e)))
		return fail(EACCES);

	/* Shared always: the pages are the domain's memory, not a copy. */
	rflags = (flags & ~(MAP_TYPE | MAP_POPULATE | MAP_LOCKED |
			    MAP_NONBLOCK)) |
		 (type == MAP_SHARED_VALIDATE ? MAP_SHARED_VALIDATE : MAP_SHARED);
	xp_cuts_init(&cuts);
	xp_vma_lock();
	p = fn(addr, alen, prot, rflags, xp_reserve_fd(), 0);
	if (p == MAP_FAILED) {
		err = errno;
		xp_vma_unlock();
		return fail(err);
	}
	/* Whatever a MAP_FIXED replaced is gone for its device too. */
	xp_vma_cut_locked((uintptr_t)p, alen, &cuts);
	xp_hcbuf_cut_locked((uintptr_t)p, alen);
	madvise(p, alen, MADV_DONTFORK);
	v.start = (uintptr_t)p;
	v.len = alen;
	v.f = f;
	v.pgoff = pgoff;
	v.prot = prot;
	v.priv = 0;
	rc = xp_vma_add_locked(&v);
	if (rc)
		c->munmap(p, alen);
	xp_vma_unlock();
	xp_vma_notify(&cuts);
	if (rc)
		return fail(-rc);

	if (!xp_enter()) {
		rc = -EINTR;
	} else {
		rc = xp_guarded_mmap(xp_world_peek(), f, (uintptr_t)p, alen,
				   pgoff, prot, &xp_uaccess);
		xp_leave();
	}
	if (rc < 0) {
		/* As Linux: a failed driver mmap leaves the range unmapped. */
		xp_vma_lock();
		xp_vma_cut_locked((uintptr_t)p, alen, &cuts);
		c->munmap(p, alen);
		xp_vma_unlock();
		cuts.n = 0;	/* the device made no mapping to be told of */
		xp_vma_notify(&cuts);
		return fail(-rc);
	}
	return p;
}

/*
 * /dev/xen/hypercall: zeroed pages of the caller's own, shared like the
 * driver's (inherited by fork, never copied), so MAP_SHARED anonymous
 * memory, with a private alias the device calls copy through (hcbuf.c).
 * Not in the VMA table: no device needs to hear of an unmap.
 */
static void *hypercall_mmap(mmap_fn fn, void *addr, size_t len, int prot,
			    int flags, off_t off, xp_fdent e)
{
	const struct xp_libc *c = xp_real();
	int type = flags & MAP_TYPE, rc;
	struct xp_cuts cuts;
	size_t alen = page_round(len);
	void *p;

	if ((uint64_t)off & PAGE_MASK_LOW || !len)
		return fail(EINVAL);
	if (!alen)
		return fail(ENOMEM);
	if (type != MAP_SHARED && type != MAP_SHARED_VALIDATE &&
	    type != MAP_PRIVATE)
		return fail(EINVAL);
	if (!xp_fd_readable(e) ||
	    (type != MAP_PRIVATE && (prot & PROT_WRITE) && !xp_fd_writable(e)))
		return fail(EACCES);
	/* privcmd_buf_mmap(): "if (!(vma->vm_flags & VM_SHARED))". */
	if (type == MAP_PRIVATE)
		return fail(EINVAL);
	xp_cuts_init(&cuts);
	xp_vma_lock();
	p = xp_hcbuf_map(fn, addr, alen, prot, (flags & ~MAP_TYPE) |
			 MAP_SHARED | MAP_ANONYMOUS);
	rc = p == MAP_FAILED ? -errno : 0;
	if (!rc)	/* a MAP_FIXED may have replaced device mappings */
		xp_vma_cut_locked((uintptr_t)p, alen, &cuts);
	xp_vma_unlock();
	xp_vma_notify(&cuts);
	if (rc)
		return fail(-rc);
	if (!xp_enter()) {
		rc = -EINTR;
	} else {
		rc = xp_guarded_mmap(xp_world_peek(), xp_fd_file(e), (uintptr_t)p,
				   alen, (uint64_t)off >> XSIM_PAGE_SHIFT, prot,
				   &xp_uaccess);
		xp_leave();
	}
	if (rc < 0) {
		xp_vma_lock();
		c->munmap(p, alen);
		xp_hcbuf_cut_locked((uintptr_t)p, alen);
		xp_vma_unlock();
		return fail(-rc);
	}
	return p;
}

/*
 * Someone else's mapping: a MAP_FIXED over a device mapping concerns us,
 * and any mapping that lands on a hypercall buffer's record (that buffer
 * was unmapped behind our back, by a raw system call: the record is
 * stale).
 */
static void *other_mmap(mmap_fn fn, void *addr, size_t len, int prot,
			int flags, int fd, off_t off)
{
	struct xp_cuts cuts;
	void *p;
	int err;

	if (!xp_hcbuf_any() &&
	    (!(flags & MAP_FIXED) || (flags & MAP_FIXED_NOREPLACE) ||
	     !xp_vma_any()))
		return fn(addr, len, prot, flags, fd, off);
	xp_cuts_init(&cuts);
	xp_vma_lock();
	p = fn(addr, len, prot, flags, fd, off);
	err = errno;
	if (p != MAP_FAILED) {
		xp_vma_cut_locked((uintptr_t)p, page_round(len), &cuts);
		xp_hcbuf_cut_locked((uintptr_t)p, page_round(len));
	}
	xp_vma_unlock();
	xp_vma_notify(&cuts);
	errno = err;
	return p;
}

static void *do_mmap(mmap_fn fn, void *addr, size_t len, int prot, int flags,
		     int fd, off_t off)
{
	xp_fdent e;

	if (flags & MAP_ANONYMOUS || fd < 0)
		return other_mmap(fn, addr, len, prot, flags, fd, off);
	e = xp_fd_classify(fd);
	if (!xp_fd_is_sim(e))
		return other_mmap(fn, addr, len, prot, flags, fd, off);
	if (xp_fd_dev(e) == XSIM_DEV_HYPERCALL)
		return hypercall_mmap(fn, addr, len, prot, flags, off, e);
	return sim_mmap(fn, addr, len, prot, flags, off, e);
}

XP_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		     off_t off)
{
	return do_mmap(xp_real()->mmap, addr, len, prot, flags, fd, off);
}

XP_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	return do_mmap(xp_real()->mmap64, addr, len, prot, flags, fd, off);
}

XP_EXPORT int munmap(void *addr, size_t len)
{
	const struct xp_libc *c = xp_real();
	struct xp_cuts cuts;
	int rc, err;

	if (!xp_vma_any() && !xp_hcbuf_any())
		return c->munmap(addr, len);
	xp_cuts_init(&cuts);
	xp_vma_lock();
	rc = c->munmap(addr, len);
	err = errno;
	if (!rc) {
		xp_vma_cut_locked((uintptr_t)addr, page_round(len), &cuts);
		xp_hcbuf_cut_locked((uintptr_t)addr, page_round(len));
	}
	xp_vma_unlock();
	xp_vma_notify(&cuts);
	errno = err;
	return rc;
}
