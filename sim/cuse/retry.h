/* SPDX-License-Identifier: MIT */
/*
 * The CUSE ioctl retry engine: run a device model on the buffers the
 * kernel fetched for an unrestricted ioctl, and say what to fetch next.
 *
 * Linux fs/fuse/ioctl.c (fuse_do_ioctl): an unrestricted ioctl first
 * reaches the server with no data; the server may answer "retry with
 * these in_iov/out_iov", the kernel copies the in ranges from the caller
 * and sends the ioctl again, and the final answer's bytes are copied to
 * the out ranges in order.  The uapi ioctls are all _IOC_NONE and nest
 * pointers, so the engine learns the ranges generically, from the copies
 * the model makes:
 *
 *   - copy_in of a range not fetched yet: remember it, fail with -EFAULT;
 *     at the end of the run, ask for every range so far (as in_iov, and
 *     as out_iov so in-place updates go back) and run again from scratch.
 *   - copy_out: buffered.  If the run made no copy_in miss but wrote
 *     outside the fetched ranges, its result and writes are stashed and
 *     the engine asks for those ranges too; on that retry the stash is
 *     the answer and the model does not run again (no double effects).
 *   - with a peek (xcr_call_set_peek), a copy_in the kernel has not
 *     fetched reads the caller's memory at once instead: the model runs
 *     once, and the only retry is the one that carries its writes back.
 *
 * Pure: no FUSE, no device.  The daemon (ioctl.c) and the host test
 * (sim/tests/test_cuse_retry.c) drive it.
 */
#ifndef XENSIM_CUSE_RETRY_H
#define XENSIM_CUSE_RETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xensim/uaccess.h>

/*
 * Limits of the kernel side (fs/fuse/ioctl.c): in_iovs + out_iovs <=
 * FUSE_IOCTL_MAX_IOV (256), and each direction at most fc->max_pages
 * pages (FUSE_DEFAULT_MAX_PAGES_PER_REQ, 32: CUSE never raises it).
 * Every range is asked for in both directions, hence 128.  Rounds are
 * capped because the kernel caps nothing: a model that keeps finding new
 * pointers would otherwise loop forever.
 */
#define XCR_MAX_RANGES	128u
#define XCR_MAX_BYTES	(32u * 4096u)
#define XCR_MAX_ROUNDS	32u

struct xcr_range {
	uint64_t addr;
	uint64_t len;
};

enum xcr_kind {
	XCR_DONE,	/* answer result, and out[] for the out ranges */
	XCR_RETRY,	/* ask for ranges[] (in and out) and come back */
};

struct xcr_outcome {
	enum xcr_kind kind;
	long result;			/* DONE: >= 0 or -errno */
	const void *out;		/* DONE: bytes for the out ranges, in order */
	size_t out_len;
	const struct xcr_range *ranges;	/* RETRY: sorted, disjoint */
	unsigned nr_ranges;
	bool limited;			/* DONE by the engine, at a limit */
};

/*
 * Optional check that [addr, addr + len) is readable in the caller (the
 * daemon reads the caller's memory with process_vm_readv): 0 if it is.
 * A copy of an unreadable range then fails at once with -EFAULT, as
 * copy_from_user would, instead of asking the kernel for it (which would
 * fail the whole ioctl with EFAULT).
 */
typedef int (*xcr_probe_fn)(void *ctx, uint64_t addr, uint64_t len);

/*
 * Optional read of the caller's memory (the daemon: process_vm_readv on
 * the calling thread): 0 with [addr, addr + len) copied to dst, -EFAULT
 * if it is not readable, anything else when it cannot tell (no
 * permission, the thread is gone).  With it, a copy_in of a range the
 * kernel has not fetched is served at once, as copy_from_user would be,
 * instead of voiding the run and asking the kernel for the range: the
 * model runs once, however deep its pointers nest, and only the ranges
 * it wrote need the kernel's retry (the answer must go back through
 * out_iov).  When the first read of a call cannot tell, the call falls
 * back to the fetch-and-run-again rounds above for good.
 */
typedef int (*xcr_peek_fn)(void *ctx, void *dst, uint64_t addr, uint64_t len);

struct xcr_call;

/* A fresh call (first arrival, no data).  NULL if out of memory. */
struct xcr_call *xcr_call_new(unsigned long cmd, uint64_t arg);
void xcr_call_free(struct xcr_call *c);
void xcr_call_set_probe(struct xcr_call *c, xcr_probe_fn fn, void *ctx);
void xcr_call_set_peek(struct xcr_call *c, xcr_peek_fn fn, void *ctx);

/* Is this arrival the retry c asked for (same ioctl, the data asked)? */
bool xcr_call_matches(const struct xcr_call *c, unsigned long cmd,
		      uint64_t arg, size_t in_len, size_t out_len);

/*
 * Bind this round's data: the concatenation of the ranges asked, in
 * order (in_len 0 on the first round).  -EPROTO if the size is not that.
 */
int xcr_feed(struct xcr_call *c, const void *in, size_t in_len);

/* True if a stashed result answers this round: do not run the model. */
bool xcr_stashed(const struct xcr_call *c);

/* The uaccess the model runs with for this round (no mmap support). */
void xcr_uaccess(struct xcr_call *c, struct xsim_uaccess *ua);

/*
 * The model returned result (ignored when stashed): what to answer.
 * The outcome's buffers live until the next call on c.  Beyond the
 * kernel's limits the answer is DONE with -E2BIG (too many ranges or
 * bytes) or -EFAULT (too many rounds).
 */
void xcr_finish(struct xcr_call *c, long result, struct xcr_outcome *o);

/* Rounds run so far (the model's runs, for tests and the bench). */
unsigned xcr_rounds(const struct xcr_call *c);

/*
 * FUSE round trips so far: one per arrival fed (the first, data-less
 * one and every retry, the stash's replay included), each answered by
 * one reply.  What the bench reports per ioctl.
 */
unsigned xcr_trips(const struct xcr_call *c);

#endif /* XENSIM_CUSE_RETRY_H */
