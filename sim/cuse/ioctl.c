/* SPDX-License-Identifier: MIT */
/*
 * ioctl: one FUSE request per round of the retry engine (retry.h).  A
 * call that asked for a retry waits here, keyed by the open handle and
 * the calling thread (one thread is in one ioctl at a time; the kernel's
 * request carries the thread's id as "pid").  Nothing here knows any
 * ioctl: the engine learns the ranges from the model's copies, reading
 * the caller's memory directly where it may (peek_caller), so that only
 * the ranges a model writes cost a retry.  The bench-only ioctls of
 * probe.h are answered here, before any model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "cuse.h"
#include "probe.h"
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

/*
 * Round trips of the last finished ioctls, for XSIM_CUSE_IOCTL_TRIPS: a
 * small ring under calls_mu (the bench asks right after its call, long
 * before 64 other calls finish).
 */
#define CD_TRIPS_RING	64u

static struct cd_trips {
	uint64_t fh;
	pid_t tid;
	unsigned trips;
} trips_ring[CD_TRIPS_RING];
static unsigned trips_next;

static void trips_note(uint64_t fh, pid_t tid, unsigned trips)
{
	pthread_mutex_lock(&calls_mu);
	trips_ring[trips_next++ % CD_TRIPS_RING] =
		(struct cd_trips){ fh, tid, trips };
	pthread_mutex_unlock(&calls_mu);
}

/*
 * Open files whose ioctls do without peek_caller (XSIM_CUSE_IOCTL_PEEK
 * 0, the bench's "kernel fetch only" column), under calls_mu.  A full
 * table refuses more (ENOSPC): it is for a bench, not for clients.
 */
#define CD_NOPEEK_MAX	16u

static uint64_t nopeek[CD_NOPEEK_MAX];
static unsigned nr_nopeek;

static long nopeek_set(uint64_t fh, bool off)
{
	long rc = 0;
	unsigned i;

	pthread_mutex_lock(&calls_mu);
	for (i = 0; i < nr_nopeek && nopeek[i] != fh; i++)
		;
	if (i < nr_nopeek && !off)
		nopeek[i] = nopeek[--nr_nopeek];
	else if (i == nr_nopeek && off && nr_nopeek < CD_NOPEEK_MAX)
		nopeek[nr_nopeek++] = fh;
	else if (i == nr_nopeek && off)
		rc = -ENOSPC;
	pthread_mutex_unlock(&calls_mu);
	return rc;
}

static bool nopeek_has(uint64_t fh)
{
	bool found = false;
	unsigned i;

	pthread_mutex_lock(&calls_mu);
	for (i = 0; i < nr_nopeek && !found; i++)
		found = nopeek[i] == fh;
	pthread_mutex_unlock(&calls_mu);
	return found;
}

/* The newest record for (fh, tid); 0 if there is none. */
static unsigned trips_last(uint64_t fh, pid_t tid)
{
	unsigned i, n, found = 0;

	pthread_mutex_lock(&calls_mu);
	n = trips_next < CD_TRIPS_RING ? trips_next : CD_TRIPS_RING;
	for (i = 1; i <= n; i++) {
		const struct cd_trips *t =
			&trips_ring[(trips_next - i) % CD_TRIPS_RING];

		if (t->fh == fh && t->tid == tid) {
			found = t->trips;
			break;
		}
	}
	pthread_mutex_unlock(&calls_mu);
	return found;
}

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

	nopeek_set(fh, false);

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
 * Read [addr, addr + len) of the calling thread into dst: what Linux's
 * copy_from_user does at that point of the driver, done by the kernel's
 * process_vm_readv instead of a fetch round (fs/fuse/ioctl.c would copy
 * the same bytes, one retry later).  -EFAULT if not all of it is
 * readable; 1 if we may not look (not root or no ptrace right, the
 * thread is gone): the engine then asks the kernel, as before.
 */
static int peek_caller(void *ctx, void *dst, uint64_t addr, uint64_t len)
{
	pid_t tid = (pid_t)(intptr_t)ctx;
	struct iovec lv = { dst, (size_t)len };
	struct iovec rv = { (void *)(uintptr_t)addr, (size_t)len };
	ssize_t got = process_vm_readv(tid, &lv, 1, &rv, 1, 0);

	if (got < 0)
		return errno == EFAULT ? -EFAULT : 1;
	return (uint64_t)got == len ? 0 : -EFAULT;
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
	/* The bench's probes (probe.h): one round trip, no model. */
	if (ucmd == XSIM_CUSE_IOCTL_FLOOR && !in_len) {
		trips_note(fi->fh, tid, 1);
		reply_done(req, 0, NULL, 0);
		return;
	}
	if (ucmd == XSIM_CUSE_IOCTL_TRIPS && !in_len) {
		reply_done(req, trips_last(fi->fh, tid), NULL, 0);
		return;
	}
	if (ucmd == XSIM_CUSE_IOCTL_PEEK && !in_len) {
		reply_done(req, uarg > 1 ? -EINVAL :
				nopeek_set(fi->fh, uarg == 0), NULL, 0);
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
	if (!nopeek_has(fi->fh))
		xcr_call_set_peek(c, peek_caller, (void *)(intptr_t)tid);
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
		trips_note(fi->fh, tid, xcr_trips(c));
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
