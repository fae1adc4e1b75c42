/* SPDX-License-Identifier: MIT */
/*
 * A corrupted or truncated world ends the call with EIO, never the process
 * (sim/WORLDS.md, "A corrupted world").
 *
 * The world file is shared with processes we do not control: any of them
 * may scribble on it or shrink it.  So the machine treats it as a device
 * treats its hardware: every offset, index and count read from it is
 * checked before use (layout.h accessors, xsim_lock's header check), and
 * a bad one is reported here.  Detection is terminal for this process, as
 * a filesystem shuts down on a corrupted structure (Linux 6.1
 * fs/xfs/xfs_fsops.c xfs_do_force_shutdown: every later call answers
 * EIO): the world is marked dead, the machine lock is released if this
 * thread holds it, our view of the file is replaced by private zeroes
 * (so no code path can touch the damaged file again), one line
 * "xensim: world corrupted: WHAT" goes to stderr, and control returns to
 * the transport's recovery point (struct xsim_world_guard), whose call
 * answers -EIO.
 *
 * Truncation is the same fault seen by the MMU: a page past the new end
 * of a MAP_SHARED file raises SIGBUS.  A private world's memfd is sealed
 * against shrinking (world.c), but a named world is a /dev/shm file that
 * any process of the user may truncate, and no size check made before an
 * access can close the race with a truncation after it.  So a
 * SIGBUS/SIGSEGV whose address lies in a mapped world takes the same path
 * (as Linux's exception table turns a fault in copy_from_user into
 * EFAULT).  Without a recovery point the handler still quarantines the
 * view and resumes the access, which then reads zeroes.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <xensim/machine.h>

#include "layout.h"

/* Worlds this process maps, for the fault handler.  Few: tests use two. */
#define MAX_VIEWS	16
static struct xsim_world *_Atomic views[MAX_VIEWS];

/* initial-exec: no __tls_get_addr call on the per-ioctl path (as the preload). */
static __thread struct xsim_world_guard *guard_top
	__attribute__((tls_model("initial-exec")));
/* The world whose machine lock this thread holds, if any. */
static __thread struct xsim_world *lock_held
	__attribute__((tls_model("initial-exec")));
static atomic_bool reported;
static struct sigaction prev_segv, prev_bus;
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;

/*
 * Where accessors point once the world is dead and no recovery point
 * exists: big enough for any structure they return (a domain slot is the
 * largest), never shared, contents meaningless.
 */
static _Alignas(64) uint8_t quarantine[2 * sizeof(struct xsim_domain) +
				       XSIM_PAGE_SIZE];

void *xsim_world_quarantine(void)
{
	memset(quarantine, 0, sizeof(quarantine));
	return quarantine;
}

/* One write(2): async-signal-safe, and not through the preload's write. */
void xsim_world_report_corrupt(const char *what)
{
	char line[320];
	size_t n = 0, k;

	if (atomic_exchange(&reported, true))
		return;
	k = strlen("xensim: world corrupted: ");
	memcpy(line, "xensim: world corrupted: ", k);
	n = k;
	for (k = 0; what[k] && n < sizeof(line) - 1; k++)
		line[n++] = what[k];
	line[n++] = '\n';
	(void)!syscall(SYS_write, STDERR_FILENO, line, n);
}

/* Decimal, for the signal path where snprintf is not allowed. */
static char *put_u64(char *p, char *end, uint64_t v)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i && p < end)
		*p++ = tmp[--i];
	return p;
}

static char *put_str(char *p, char *end, const char *s)
{
	while (*s && p < end)
		*p++ = *s++;
	return p;
}

/*
 * Mark w dead and make it harmless.  The rest of the view becomes private
 * anonymous memory (a stale pointer reads zeroes, never faults), but the
 * first page, the header with the machine lock, stays shared while the
 * file still covers it: a thread of ours that holds the lock must still
 * be able to release it.  Async-signal-safe.
 */
static void kill_view(struct xsim_world *w)
{
	struct stat st;
	uint64_t keep = 0;

	if (atomic_exchange(&w->dead, true))
		return;
	if (!fstat(xsim_world_fd(w), &st) && (uint64_t)st.st_size >= XSIM_PAGE_SIZE)
		keep = XSIM_PAGE_SIZE;
	if (lock_held == w) {
		lock_held = NULL;
		/* A single-owner world's lock is only the note (world.c). */
		if (keep && !w->single_owner)
			pthread_mutex_unlock(&w->sh->lock);
	}
	if (w->size > keep)
		(void)mmap(w->base + keep, w->size - keep,
			   PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
			   MAP_NORESERVE, -1, 0);}

/* To the innermost recovery point for w, if any; else back to the caller. */
static void unwind(struct xsim_world *w)
{
	struct xsim_world_guard *g = guard_top;

	if (g && g->w == w) {
		guard_top = g->prev;
		siglongjmp(g->jb, 1);
	}
}

void xsim_world_corrupt(struct xsim_world *w, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	xsim_world_report_corrupt(what);
	kill_view(w);
	unwind(w);
}

bool xsim_world_dead(const struct xsim_world *w)
{
	return atomic_load_explicit(&w->dead, memory_order_relaxed);
}

static struct xsim_world *view_of(uintptr_t a)
{
	unsigned i;

	for (i = 0; i < MAX_VIEWS; i++) {
		struct xsim_world *w = atomic_load(&views[i]);

		if (w && a - (uintptr_t)w->base < w->size)
			return w;
	}
	return NULL;
}

static void chain(int sig, siginfo_t *si, void *uc)
{
	struct sigaction *prev = sig == SIGSEGV ? &prev_segv : &prev_bus;

	if (prev->sa_flags & SA_SIGINFO) {
		prev->sa_sigaction(sig, si, uc);
		return;
	}
	if (prev->sa_handler == SIG_IGN)
		return;
	if (prev->sa_handler != SIG_DFL) {
		prev->sa_handler(sig);
		return;
	}
	/* Default action: the access runs again and kills us as it should. */
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	struct xsim_world *w = NULL;
	char what[160], *p = what, *end = what + sizeof(what) - 1;
	struct stat st;

	if (si->si_code > 0)
		w = view_of((uintptr_t)si->si_addr);
	if (!w) {
		chain(sig, si, uc);
		return;
	}
	if (atomic_load(&w->dead)) {
		/* The header page we kept went too: quarantine it as well. */
		lock_held = NULL;
		(void)mmap(w->base, XSIM_PAGE_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		unwind(w);
		return;
	}
	if (!fstat(xsim_world_fd(w), &st) && (uint64_t)st.st_size < w->size) {
		p = put_str(p, end, "the world file shrank to ");
		p = put_u64(p, end, (uint64_t)st.st_size);
		p = put_str(p, end, " bytes under this process (it has ");
		p = put_u64(p, end, w->size);
		p = put_str(p, end, ")");
	} else {
		p = put_str(p, end, sig == SIGBUS ? "SIGBUS" : "SIGSEGV");
		p = put_str(p, end, " at world offset ");
		p = put_u64(p, end, (uint64_t)((uintptr_t)si->si_addr -
					       (uintptr_t)w->base));
	}
	*p = '\0';
	xsim_world_report_corrupt(what);
	kill_view(w);
	unwind(w);
	/* No recovery point: the access resumes on the quarantined view. */
}

static void install_one(int sig, struct sigaction *prev)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	/* SA_NODEFER: leaving by siglongjmp needs no mask restore. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, prev);
}

static void install(void)
{
	install_one(SIGSEGV, &prev_segv);
	install_one(SIGBUS, &prev_bus);
}

void xsim_world_watch(struct xsim_world *w)
{
	unsigned i;

	pthread_once(&handler_once, install);
	for (i = 0; i < MAX_VIEWS; i++) {
		struct xsim_world *none = NULL;

		if (atomic_compare_exchange_strong(&views[i], &none, w))
			return;
	}
}

void xsim_world_unwatch(struct xsim_world *w)
{
	unsigned i;

	for (i = 0; i < MAX_VIEWS; i++) {
		struct xsim_world *me = w;

		atomic_compare_exchange_strong(&views[i], &me, NULL);
	}
}

int xsim_world_guard_enter(struct xsim_world *w, struct xsim_world_guard *g)
{
	if (atomic_load_explicit(&w->dead, memory_order_relaxed))
		return -EIO;
	g->w = w;
	g->prev = guard_top;
	guard_top = g;
	return 0;
}

void xsim_world_guard_leave(struct xsim_world_guard *g)
{
	guard_top = g->prev;
}

void xsim_lock_note(struct xsim_world *w)
{
	lock_held = w;
}

bool xsim_lock_release_note(struct xsim_world *w)
{
	if (lock_held != w)
		return false;
	lock_held = NULL;
	return true;
}
