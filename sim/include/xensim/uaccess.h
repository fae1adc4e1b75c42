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
	void *ctx;
};

static inline int xsim_copy_in(const struct xsim_uaccess *ua, void *dst,
			       uint64_t uaddr, size_t len)
{
	return len ? ua->copy_in(ua->ctx, dst, uaddr, len) : 0;
}

static inline int xsim_copy_out(const struct xsim_uaccess *ua, uint64_t uaddr,
				const void *src, size_t len)
{
	return len ? ua->copy_out(ua->ctx, uaddr, src, len) : 0;
}

/*
 * Copy within this process without faulting it: 0, or -EFAULT when src or
 * dst is not accessible (Linux: copy_from_user's exception table).  A
 * SIGSEGV/SIGBUS handler, installed once and chaining to any other, turns
 * the fault into a return; no system call on the way.
 */
int xsim_guarded_copy(void *dst, const void *src, size_t len);

/*
 * Someone replaced our SIGSEGV/SIGBUS handler (a test framework, or a
 * program the preload serves): put ours back in front, chaining to theirs.
 */
void xsim_uaccess_rearm(void);

/* A transport over the caller's own address space (no mmap support). */
extern const struct xsim_uaccess xsim_uaccess_self;

#endif /* XENSIM_UACCESS_H */
