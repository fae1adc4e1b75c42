/* SPDX-License-Identifier: MIT */
/*
 * How the simulator reaches the calling process's memory, supplied by the
 * transport (Linux: copy_from_user/copy_to_user and the VMA code).  The
 * preload copies from its own address space with a fault guard; the CUSE
 * daemon serves copies from the buffers the kernel fetched for it; the
 * fuzzers use a flat arena.  The device models and the hypercall
 * dispatcher only ever touch caller memory through these.
 */
#ifndef XENSIM_UACCESS_H
#define XENSIM_UACCESS_H

#include <stddef.h>
#include <stdint.h>

#include <xensim/fail.h>

/* A mapping as a transport's vma_find reports it. */
struct xsim_vma {
	uint64_t start, len;
	uint64_t priv;		/* the device's word; 0 when the mapping is made */
};

struct xsim_uaccess {
	/* 0 or -EFAULT.  Must not fault the caller on a bad address. */
	int (*copy_in)(void *ctx, void *dst, uint64_t uaddr, size_t len);
	int (*copy_out)(void *ctx, uint64_t uaddr, const void *src, size_t len);

	/*
	 * Mapping support; NULL where the transport has none (CUSE), and the
	 * device then answers as Linux does without the VMA (EINVAL/ENODEV).
	 *
	 * vma_check: is [addr, addr + len) exactly one mapping this transport
	 * made for the given open handle (slot, gen) of a device?  0 or -EINVAL.
	 * map_page: back the page at addr with world page `page` (shared,
	 * so writes alias the domain's memory); prot as for mmap(2).
	 */
	int (*vma_check)(void *ctx, uint64_t addr, uint64_t len,
			 uint32_t slot, uint32_t gen);
	int (*map_page)(void *ctx, uint64_t addr, uint32_t page, int prot);

	/*
	 * What a device remembers about a mapping across ioctls (Linux:
	 * vma->vm_private_data, which the driver owns and the mm keeps, split
	 * with the VMA) and whether a page of it has a frame (Linux: a
	 * present PTE).  NULL where the transport keeps no such record (the
	 * fuzzers' arena); the device then needs whole mappings and remembers
	 * nothing.
	 *
	 * vma_find: the mapping this transport made for handle (slot, gen)
	 * that contains addr.  0 or -EINVAL.
	 * vma_set_priv: set the word of that handle's mapping containing addr.
	 * vma_range_mapped: 1 if a page of [addr, addr + len) was backed by
	 * map_page (and not unmapped since), else 0.
	 */
	int (*vma_find)(void *ctx, uint64_t addr, uint32_t slot, uint32_t gen,
			struct xsim_vma *out);
	int (*vma_set_priv)(void *ctx, uint64_t addr, uint32_t slot,
			    uint32_t gen, uint64_t priv);
	int (*vma_range_mapped)(void *ctx, uint64_t addr, uint64_t len);
	void *ctx;
};

static inline int xsim_copy_in(const struct xsim_uaccess *ua, void *dst,
			       uint64_t uaddr, size_t len)
{
	int rc;

	if (!len)
		return 0;
	/* Failure point (fail.h): copy_from_user's -EFAULT. */
	rc = xsim_fail(XSIM_FAIL_COPY);
	if (rc)
		return rc;
	return ua->copy_in(ua->ctx, dst, uaddr, len);
}

static inline int xsim_copy_out(const struct xsim_uaccess *ua, uint64_t uaddr,
				const void *src, size_t len)
{
	int rc;

	if (!len)
		return 0;
	/* Failure point (fail.h): copy_to_user's -EFAULT. */
	rc = xsim_fail(XSIM_FAIL_COPY);
	if (rc)
		return rc;
	return ua->copy_out(ua->ctx, uaddr, src, len);
}

/*
 * Copy within this process without faulting it: 0, or -EFAULT when src or
 * dst is not accessible (Linux: copy_from_user's exception table).  Never
 * raises a signal, whatever the program's signal actions, masks and
 * threads: a range on the calling thread's own stack is copied directly,
 * anything else by the kernel (process_vm_readv on our own pid).  See
 * sim/dev/uaccess_self.c.
 */
int xsim_guarded_copy(void *dst, const void *src, size_t len);

/*
 * The same with only one side the caller's: dst/src are ours and trusted,
 * usrc/udst are checked.  What xsim_uaccess_self and the preload's
 * uaccess use as copy_in/copy_out.
 */
int xsim_copy_from_self(void *dst, const void *usrc, size_t len);
int xsim_copy_to_self(void *udst, const void *src, size_t len);

/* Kept for callers of the old signal guard: now does nothing. */
void xsim_uaccess_rearm(void);

/* A transport over the caller's own address space (no mmap support). */
extern const struct xsim_uaccess xsim_uaccess_self;

#endif /* XENSIM_UACCESS_H */
