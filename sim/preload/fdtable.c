/* SPDX-License-Identifier: MIT */
/*
 * What each descriptor number of this process is, as far as the transport
 * knows: one atomic word per fd in chunks of 1024, allocated on first use
 * and never freed, so that a lookup is two loads and no lock.  Entries
 * are hints kept by the interposers (open, dup*, close*, recvmsg); an
 * unknown one is settled by asking the kernel once (getsockname: the path
 * the socket was bound to, sockname.c) and the verdict cached.  Numbers past the table are asked about
 * every time.
 *
 * fork() copies the table with the descriptors, so a child is right from
 * the start; exec() starts over with everything unknown.
 */
#include <errno.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "preload.h"

#define CHUNK_SHIFT	10u
#define CHUNK_ENTRIES	(1u << CHUNK_SHIFT)
#define NR_CHUNKS	4096u		/* 4 Mi descriptors */

typedef _Atomic xp_fdent fdchunk[CHUNK_ENTRIES];

static _Atomic(fdchunk *) chunks[NR_CHUNKS];

unsigned xp_fd_limit(void)
{
	return NR_CHUNKS * CHUNK_ENTRIES;
}

static _Atomic xp_fdent *slot(int fd, bool create)
{
	unsigned c = (unsigned)fd >> CHUNK_SHIFT;
	fdchunk *ch, *fresh = NULL;

	if (fd < 0 || c >= NR_CHUNKS)
		return NULL;
	ch = atomic_load_explicit(&chunks[c], memory_order_acquire);
	if (!ch && create) {
		/* mmap, not malloc: async-signal-safe, and zero = unknown. */
		void *p = xp_real()->mmap(NULL, sizeof(fdchunk),
					  PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return NULL;
		fresh = p;
		if (atomic_compare_exchange_strong(&chunks[c], &ch, fresh))
			ch = fresh;
		else
			xp_real()->munmap(fresh, sizeof(fdchunk));
	}
	return ch ? &(*ch)[(unsigned)fd & (CHUNK_ENTRIES - 1)] : NULL;
}

xp_fdent xp_fd_get(int fd)
{
	_Atomic xp_fdent *s = slot(fd, false);

	return s ? atomic_load_explicit(s, memory_order_acquire) :
		   XP_FD_UNKNOWN;
}

void xp_fd_set(int fd, xp_fdent e)
{
	/* Forgetting needs no chunk: a missing one reads as unknown. */
	_Atomic xp_fdent *s = slot(fd, e != XP_FD_UNKNOWN);

	if (s)
		atomic_store_explicit(s, e, memory_order_release);
}

void xp_fd_replace(int fd, xp_fdent e_old, xp_fdent e_new)
{
	_Atomic xp_fdent *s = slot(fd, e_new != XP_FD_UNKNOWN);

	if (s)
		atomic_compare_exchange_strong(s, &e_old, e_new);
}

void xp_fd_forget_range(unsigned int first, unsigned int last,
			void (*on_handle)(struct xsim_file f))
{
	unsigned c;

	for (c = first >> CHUNK_SHIFT; c < NR_CHUNKS && c <= last >> CHUNK_SHIFT;
	     c++) {
		fdchunk *ch = atomic_load_explicit(&chunks[c],
						   memory_order_acquire);
		unsigned lo = c << CHUNK_SHIFT, hi = lo + CHUNK_ENTRIES - 1, fd;

		if (!ch)
			continue;	/* never used: nothing to forget */
		if (lo < first)
			lo = first;
		if (hi > last)
			hi = last;
		for (fd = lo; fd <= hi; fd++) {
			_Atomic xp_fdent *s = &(*ch)[fd & (CHUNK_ENTRIES - 1)];
			xp_fdent e = atomic_load(s);

			if (e == XP_FD_UNKNOWN ||
			    !atomic_compare_exchange_strong(s, &e, XP_FD_UNKNOWN))
				continue;
			if (xp_fd_is_sim(e))
				on_handle(xp_fd_file(e));
		}
	}
}

/* Ask the kernel: is fd a handle socket of our world?  (errno kept) */
static xp_fdent identify(int fd, bool *cacheable)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	struct xsim_world *w;
	enum xsim_dev_kind dev;
	struct xsim_file f;
	uint64_t id;
	int prio = 0, err;
	socklen_t plen = sizeof(prio);
	bool valid;

	*cacheable = true;
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		/* Not open now: it may be by the time it is used. */
		*cacheable = errno != EBADF;
		return XP_FD_OTHER;
	}
	if (len > sizeof(sa) || !xp_name_parse(&sa, len, &id, &f))
		return XP_FD_OTHER;
	/* One of ours: this process now needs the world (an exec'd child). */
	if (!xp_enter()) {
		*cacheable = false;	/* nested in a signal handler */
		return XP_FD_OTHER;
	}
	w = xp_world(&err);
	valid = w && id == xp_world_id() && f.slot < XP_SLOT_LIMIT &&
		xsim_file_valid(w, f, &dev) &&
		/* Bound in our own directory, not a look-alike of a user who
		 * took its name: only the owner can bind in a trusted one. */
		!xp_sockdir_ready(false);
	xp_leave();
	if (!valid)
		return XP_FD_OTHER;	/* another world's, or a stale handle */
	if (getsockopt(fd, SOL_SOCKET, SO_PRIORITY, &prio, &plen) < 0 ||
	    prio < 1 || prio > 4)
		prio = 3;		/* unknown: O_RDWR */
	return xp_fd_make(f, dev, (unsigned)prio - 1);
}

xp_fdent xp_fd_classify(int fd)
{
	xp_fdent e = xp_fd_get(fd);
	int saved;
	bool cacheable;

	if (e != XP_FD_UNKNOWN || fd < 0)
		return e == XP_FD_UNKNOWN ? XP_FD_OTHER : e;
	saved = errno;
	e = identify(fd, &cacheable);
	errno = saved;
	if (cacheable)
		xp_fd_replace(fd, XP_FD_UNKNOWN, e);
	return e;
}
