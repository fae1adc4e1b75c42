/* SPDX-License-Identifier: MIT */
/*
 * Blocked reads and poll notifications.  A read that finds nothing (the
 * model answers -EAGAIN) on a blocking descriptor is kept pending, as
 * evtchn_read sleeps in wait_event_interruptible (Linux
 * drivers/xen/evtchn.c), and no worker thread waits for it.  The models
 * call cd_wake() with the machine lock held when a handle becomes
 * readable; it only notes the handle and kicks the waker thread, which
 * retries the pending reads and fires the poll handles outside the lock.
 *
 * A signal to the reader reaches us as FUSE_INTERRUPT: the read is
 * answered EINTR (wait_event_interruptible's -ERESTARTSYS, which the
 * caller sees as EINTR without SA_RESTART, or as a restart).
 */
#include <errno.h>
#include <stdlib.h>

#include "cuse.h"

#define CD_MAX_WOKEN	256u

struct cd_pending {
	fuse_req_t req;
	uint64_t fh;
	size_t size;
	bool interrupted;		/* under mu */
	struct cd_pending *next;
};

struct cd_poll_slot {
	uint32_t gen;
	struct fuse_pollhandle *ph;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct cd_pending *pending, **pending_tail = &pending;
static bool kicked, stop, stopped;
static uint32_t woken[CD_MAX_WOKEN];
static unsigned nr_woken;
static bool woken_all;
static struct cd_poll_slot *polls;	/* indexed by handle slot */
static uint32_t nr_polls;
static pthread_t waker;
static bool waker_started;

void cd_wake(struct xsim_world *w, struct xsim_file f, void *arg)
{
	unsigned i;

	(void)w;
	(void)arg;
	pthread_mutex_lock(&mu);
	for (i = 0; i < nr_woken && woken[i] != f.slot; i++)
		;
	if (i == nr_woken) {
		if (nr_woken < CD_MAX_WOKEN)
			woken[nr_woken++] = f.slot;
		else
			woken_all = true;
	}
	kicked = true;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

static void on_interrupt(fuse_req_t req, void *data)
{
	struct cd_pending *p = data;

	(void)req;
	pthread_mutex_lock(&mu);
	p->interrupted = true;
	kicked = true;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

static void enqueue_locked(struct cd_pending *p)
{
	p->next = NULL;
	*pending_tail = p;
	pending_tail = &p->next;
}

/* Answer p: an error, or the bytes a read found. */
static void finish(struct cd_pending *p, int err, const void *buf, size_t n)
{
	/* Waits for a running on_interrupt, and stops later ones. */
	fuse_req_interrupt_func(p->req, NULL, NULL);
	if (err)
		fuse_reply_err(p->req, err);
	else
		fuse_reply_buf(p->req, buf, n);
	free(p);
}

static void fire_polls(const uint32_t *slots, unsigned n, bool all)
{
	struct fuse_pollhandle *ph;
	uint32_t i, s;

	for (i = 0; i < (all ? nr_polls : n); i++) {
		s = all ? i : slots[i];
		if (s >= nr_polls)
			continue;
		pthread_mutex_lock(&mu);
		ph = polls[s].ph;
		polls[s].ph = NULL;
		pthread_mutex_unlock(&mu);
		if (ph) {
			fuse_lowlevel_notify_poll(ph);
			fuse_pollhandle_destroy(ph);
		}
	}
}

static void serve(struct cd_pending *list, bool stopping)
{
	static uint8_t buf[128 * 1024];	/* CUSE's max_read; one waker */
	struct cd_pending *p;
	bool intr;
	ssize_t r;

	while ((p = list)) {
		list = p->next;
		pthread_mutex_lock(&mu);
		intr = p->interrupted;
		pthread_mutex_unlock(&mu);
		if (stopping) {
			finish(p, ENODEV, NULL, 0);
			continue;
		}
		if (intr) {
			finish(p, EINTR, NULL, 0);
			continue;
		}
		r = cd_read_into(p->fh, buf, p->size < sizeof(buf) ?
				 p->size : sizeof(buf));
		if (r == -EAGAIN) {
			pthread_mutex_lock(&mu);
			enqueue_locked(p);
			pthread_mutex_unlock(&mu);
		} else if (r < 0) {
			finish(p, (int)-r, NULL, 0);
		} else {
			finish(p, 0, buf, (size_t)r);
		}
	}
}

static void *waker_main(void *arg)
{
	uint32_t slots[CD_MAX_WOKEN];
	struct cd_pending *list;
	unsigned n;
	bool all, halt;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (!kicked && !stop)
			pthread_cond_wait(&cv, &mu);
		kicked = false;
		halt = stop;
		list = pending;
		pending = NULL;
		pending_tail = &pending;
		n = nr_woken;
		for (unsigned i = 0; i < n; i++)
			slots[i] = woken[i];
		all = woken_all || halt;
		nr_woken = 0;
		woken_all = false;
		if (halt)
			stopped = true;
		pthread_mutex_unlock(&mu);

		fire_polls(slots, n, all);
		serve(list, halt);
		if (halt)
			return NULL;
	}
}

int cd_waiter_start(void)
{
	struct xsim_world_stats st;
	int rc;

	xsim_world_stats(cd.w, &st);
	nr_polls = st.max_handles;
	polls = calloc(nr_polls, sizeof(*polls));
	if (!polls)
		return -ENOMEM;
	rc = pthread_create(&waker, NULL, waker_main, NULL);
	if (rc)
		return -rc;
	waker_started = true;
	return 0;
}

void cd_waiter_stop(void)
{
	if (!waker_started)
		return;
	pthread_mutex_lock(&mu);
	stop = true;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(waker, NULL);
	waker_started = false;
}

void cd_waiter_read(fuse_req_t req, uint64_t fh, size_t size)
{
	struct cd_pending *p = calloc(1, sizeof(*p));
	bool late;

	if (!p) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	p->req = req;
	p->fh = fh;
	p->size = size;
	fuse_req_interrupt_func(req, on_interrupt, p);
	pthread_mutex_lock(&mu);
	late = stopped;
	if (!late) {
		enqueue_locked(p);
		/* A wake-up may have come since the read found nothing. */
		kicked = true;
		pthread_cond_signal(&cv);
	}
	pthread_mutex_unlock(&mu);
	if (late)
		finish(p, ENODEV, NULL, 0);
}

void cd_waiter_poll(uint64_t fh, struct fuse_pollhandle *ph)
{
	struct xsim_file f = cd_file(fh);
	struct fuse_pollhandle *old = ph;

	pthread_mutex_lock(&mu);
	if (f.slot < nr_polls && !stopped) {
		old = polls[f.slot].ph;
		polls[f.slot] = (struct cd_poll_slot){ f.gen, ph };
	}
	pthread_mutex_unlock(&mu);
	if (old)
		fuse_pollhandle_destroy(old);
}

void cd_waiter_forget(uint64_t fh)
{
	struct xsim_file f = cd_file(fh);
	struct fuse_pollhandle *ph = NULL;

	pthread_mutex_lock(&mu);
	if (f.slot < nr_polls && polls[f.slot].gen == f.gen) {
		ph = polls[f.slot].ph;
		polls[f.slot].ph = NULL;
	}
	pthread_mutex_unlock(&mu);
	if (ph)
		fuse_pollhandle_destroy(ph);
}
