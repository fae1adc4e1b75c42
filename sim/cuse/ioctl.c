/* SPDX-License-Identifier: MIT */
/*
 * ioctl: one FUSE request per round of the retry engine (retry.h).  A
 * call that asked for a retry waits here, keyed by the open handle and
 * the calling thread (one thread is in one ioctl at a time; the kernel's
 * request carries the thread's id as "pid").  Nothing here knows any
 * ioctl: the engine learns the ranges from the model's copies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "cuse.h"
#include "retry.h"

/* In-flight calls kept at most; the oldest (an abandoned one) goes. */
#define CD_MAX_CALLS	256u

struct cd_call_entry {
	uint64_t fh;
	pid_t tid;
	struct xcr_call *c;
	struct cd_call_entry *next;
};

static pthread_mutex_t calls_mu = PTHREAD_MUTEX_INITIALIZER;
static struct cd_call_entry *calls;	/* newest first */
static unsigned nr_calls;

static struct xcr_call *calls_take(uint64_t fh, pid_t tid)
{
	struct cd_call_entry **pp, *e;
	struct xcr_call *c = NULL;

	pthread_mutex_lock(&calls_mu);
	for (pp = &calls; (e = *pp); pp = &e->next)
		if (e->fh == fh && e->tid == tid) {
			*pp = e->next;
			nr_calls--;
			c = e->c;
			free(e);
			break;
		}
	pthread_mutex_unlock(&calls_mu);
	return c;
}

static int calls_put(uint64_t fh, pid_t tid, struct xcr_call *c)
{
	struct cd_call_entry *e = malloc(sizeof(*e)), **pp, *old = NULL;

	if (!e)
		return -ENOMEM;
	*e = (struct cd_call_entry){ fh, tid, c, NULL };
	pthread_mutex_lock(&calls_mu);
	e->next = calls;
	calls = e;
	if (++nr_calls > CD_MAX_CALLS) {
		for (pp = &calls; (*pp)->next; pp = &(*pp)->next)
			;
		old = *pp;
		*pp = NULL;
		nr_calls--;
	}
	pthread_mutex_unlock(&calls_mu);
	if (old) {
		xcr_call_free(old->c);
		free(old);
	}
	return 0;
}

void cd_ioctl_forget(uint64_t fh)
{
	struct cd_call_entry **pp, *e, *gone = NULL;

	pthread_mutex_lock(&calls_mu);
	for (pp = &calls; (e = *pp);) {
		if (e->fh == fh) {
			*pp = e->next;
			nr_calls--;
			e->next = gone;
			gone = e;
		} else {
			pp = &e->next;
		}
	}
	pthread_mutex_unlock(&calls_mu);
	while ((e = gone)) {
		gone = e->next;
		xcr_call_free(e->c);
		free(e);
	}
}

void cd_ioctl_fini(void)
{
	struct cd_call_entry *e;

	pthread_mutex_lock(&calls_mu);
	while ((e = calls)) {
		calls = e->next;
		xcr_call_free(e->c);
		free(e);
	}
	nr_calls = 0;
	pthread_mutex_unlock(&calls_mu);
}

/*
 * Is the caller's range readable?  A bad pointer then fails inside the
 * model as copy_from_user fails in Linux, instead of failing the whole
 * ioctl when the kernel tries to fetch it.  Unknown (no permission,
 * thread gone) counts as readable: the kernel's fetch decides.
 */
static int probe_caller(void *ctx, uint64_t addr, uint64_t len)
{
	pid_t tid = (pid_t)(intptr_t)ctx;
	static __thread char scratch[4096];
	uint64_t done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(scratch) ?
			   (size_t)(len - done) : sizeof(scratch);
		struct iovec lv = { scratch, n };
		struct iovec rv = { (void *)(uintptr_t)(addr + done), n };
		ssize_t got = process_vm_readv(tid, &lv, 1, &rv, 1, 0);

		if (got < 0)
			return errno == EFAULT ? -EFAULT : 0;
		if ((size_t)got != n)
			return -EFAULT;
		done += n;
	}
	return 0;
}

static void reply_done(fuse_req_t req, long result, const void *out,
		       size_t out_len)
{
	fuse_reply_ioctl(req, (int)result, out, out_len);
}

void cd_ioctl(fuse_req_t req, int cmd, void *arg, struct fuse_file_info *fi,
	      unsigned flags, const void *in, size_t in_len, size_t out_len)
{
	struct iovec iov[XCR_MAX_RANGES];
	unsigned long ucmd = (unsigned)cmd;
	uint64_t uarg = (uint64_t)(uintptr_t)arg;
	pid_t tid = fuse_req_ctx(req)->pid;
	struct xcr_call *c;
	struct xsim_uaccess ua;
	struct xcr_outcome o;
	long r = 0;
	unsigned i;

	/* privcmd, evtchn, gntdev, gntalloc have no .compat_ioctl in 6.1. */
	if (flags & FUSE_IOCTL_COMPAT) {
		reply_done(req, -ENOTTY, NULL, 0);
		return;
	}
	c = calls_take(fi->fh, tid);
	if (!in_len) {
		/* A fresh call: whatever this thread left behind is void. */
		xcr_call_free(c);
		c = xcr_call_new(ucmd, uarg);
		if (!c) {
			reply_done(req, -ENOMEM, NULL, 0);
			return;
		}
	} else if (!c || !xcr_call_matches(c, ucmd, uarg, in_len, out_len)) {
		fprintf(stderr, "xensim-cuse: ioctl 0x%lx from %d: a retry "
			"nobody asked for (%zu bytes); EIO\n", ucmd, (int)tid,
			in_len);
		xcr_call_free(c);
		reply_done(req, -EIO, NULL, 0);
		return;
	}
	xcr_call_set_probe(c, probe_caller, (void *)(intptr_t)tid);
	if (xcr_feed(c, in, in_len)) {
		xcr_call_free(c);
		reply_done(req, -EIO, NULL, 0);
		return;
	}
	if (!xcr_stashed(c)) {
		xcr_uaccess(c, &ua);
		r = xsim_dev_ioctl(cd.w, cd_file(fi->fh), ucmd, uarg, &ua);
	}
	xcr_finish(c, r, &o);
	if (o.kind == XCR_DONE) {
		if (o.limited)
			fprintf(stderr, "xensim-cuse: ioctl 0x%lx: %s after %u "
				"rounds (more than a CUSE ioctl can carry)\n",
				ucmd, strerror((int)-o.result), xcr_rounds(c));
		reply_done(req, o.result, o.out, o.out_len);
		xcr_call_free(c);
		return;
	}
	for (i = 0; i < o.nr_ranges; i++)
		iov[i] = (struct iovec){ (void *)(uintptr_t)o.ranges[i].addr,
					 (size_t)o.ranges[i].len };
	if (calls_put(fi->fh, tid, c)) {
		xcr_call_free(c);
		reply_done(req, -ENOMEM, NULL, 0);
		return;
	}
	fuse_reply_ioctl_retry(req, iov, o.nr_ranges, iov, o.nr_ranges);
}
