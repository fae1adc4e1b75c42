/* SPDX-License-Identifier: MIT */
/*
 * Creating, attaching and locking a world (see sim/README.md, "One machine,
 * many processes", for why it is shared memory and not a server).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xensim/machine.h>
#include <xensim/profile.h>

#include "layout.h"

#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((uint64_t)(a) - 1))

static const struct xsim_world_config defaults = {
	.nr_pages = 65536,
	.max_handles = 16384,
	.effect_log_entries = 65536,
};

static const struct xsim_profile *pick_profile(const char *name, int *err)
{
	const struct xsim_profile *p;

	if (!name)
		name = getenv("XENSIM_PROFILE");
	if (!name || !*name)
		name = "proposed";
	p = xsim_profile_find(name);
	*err = p ? 0 : -ENOENT;
	return p;
}

static int map_world(int fd, uint64_t size, struct xsim_world **out)
{
	struct xsim_world *w = calloc(1, sizeof(*w));
	void *base;

	if (!w)
		return -ENOMEM;
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		int e = -errno;

		free(w);
		return e;
	}
	w->base = base;
	w->sh = base;
	w->size = size;
	w->fd = fd;
	xsim_world_watch(w);
	*out = w;
	return 0;
}

static int init_lock(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	int rc;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	rc = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return -rc;
}

/* Thread every page but 0 onto the free list, lowest first. */
static void init_pages(struct xsim_world *w)
{
	struct xsim_shared *sh = w->sh;
	uint32_t i;

	for (i = 1; i < sh->nr_pages; i++) {
		struct xsim_page *pg = xsim_page_meta(w, i);

		pg->type = XSIM_PAGE_FREE;
		pg->next_free = i + 1 < sh->nr_pages ? i + 1 : XSIM_NO_PAGE;
	}
	sh->free_head = sh->nr_pages > 1 ? 1 : XSIM_NO_PAGE;
	sh->free_pages = sh->nr_pages - 1;
}

/*
 * A signature of the shared structures' sizes: a world made by a build
 * whose layout differs is refused even if nobody bumped XSIM_VERSION.
 */
uint64_t xsim_layout_sig(void)
{
	const uint64_t sizes[] = {
		sizeof(struct xsim_shared), sizeof(struct xsim_page),
		sizeof(struct xsim_domain), XSIM_HANDLE_BYTES,
		sizeof(struct xsim_effect), sizeof(struct xsim_port),
		sizeof(struct xsim_ioreq_server), sizeof(pthread_mutex_t),
		XSIM_PAGE_SIZE, XSIM_DOMID_FIRST_RESERVED,
	};
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		h ^= sizes[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Build a world in fd (an empty file); fd is the world's or closed. */
int xsim_world_create_in(int fd, const struct xsim_world_config *cfg,
			 struct xsim_world **out)
{
	struct xsim_world_config c = cfg ? *cfg : defaults;
	const struct xsim_profile *prof;
	struct xsim_shared *sh;
	struct xsim_world *w;
	uint64_t off, size;
	int rc;

	prof = pick_profile(c.profile, &rc);
	if (!prof)
		goto fail;
	rc = -EINVAL;
	if (!c.nr_pages)
		c.nr_pages = defaults.nr_pages;
	if (!c.max_handles)
		c.max_handles = defaults.max_handles;
	if (!c.effect_log_entries)
		c.effect_log_entries = defaults.effect_log_entries;
	if (c.effect_log_entries & (c.effect_log_entries - 1))
		goto fail;
	if (c.nr_pages < 2 || c.max_handles < 1)
		goto fail;

	off = ALIGN_UP(sizeof(struct xsim_shared), 64);
	uint64_t page_meta_off = off;
	off = ALIGN_UP(off + (uint64_t)c.nr_pages * sizeof(struct xsim_page), 64);
	uint64_t domains_off = off;
	off = ALIGN_UP(off + (uint64_t)XSIM_DOMID_FIRST_RESERVED *
		       sizeof(struct xsim_domain), 64);
	uint64_t handles_off = off;
	off = ALIGN_UP(off + (uint64_t)c.max_handles * XSIM_HANDLE_BYTES, 64);
	uint64_t effect_off = off;
	off = ALIGN_UP(off + sizeof(struct xsim_effect_ring) +
		       (uint64_t)c.effect_log_entries * sizeof(struct xsim_effect),
		       XSIM_PAGE_SIZE);
	uint64_t pages_off = off;
	size = off + (uint64_t)c.nr_pages * XSIM_PAGE_SIZE;

	/* Sparse: a page costs memory only once touched. */
	if (ftruncate(fd, (off_t)size) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = map_world(fd, size, &w);
	if (rc)
		goto fail;
	sh = w->sh;
	/* Hits from here on (dom0's pages too) count in this world. */
	xsim_fail_bind(w, &sh->fail);
	sh->version = XSIM_VERSION;
	sh->header_bytes = sizeof(*sh);
	sh->layout_sig = xsim_layout_sig();
	sh->size = size;
	if (getrandom(&sh->world_id, sizeof(sh->world_id), 0) !=
	    sizeof(sh->world_id))
		sh->world_id = (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)w;
	strncpy(sh->profile, prof->name, sizeof(sh->profile) - 1);
	sh->nr_pages = c.nr_pages;
	sh->max_handles = c.max_handles;
	sh->page_meta_off = page_meta_off;
	sh->domains_off = domains_off;
	sh->handles_off = handles_off;
	sh->effect_off = effect_off;
	sh->pages_off = pages_off;
	sh->next_domid = 1;
	xsim_world_record_creator(sh);
	((struct xsim_effect_ring *)(w->base + effect_off))->mask =
		c.effect_log_entries - 1;
	rc = xsim_world_adopt_geometry(w, NULL, 0);
	if (rc) {
		xsim_world_detach(w);
		return rc;
	}
	init_pages(w);
	rc = init_lock(&sh->lock);
	if (rc) {
		xsim_world_detach(w);
		return rc;
	}
	w->profile = prof;
	/* Publish last: an attacher checks the magic. */
	__atomic_store_n(&sh->magic, XSIM_MAGIC, __ATOMIC_RELEASE);

	rc = xsim_domain_bootstrap_dom0(w);
	if (!rc && !c.empty)
		rc = xsim_world_populate_default(w);
	if (rc) {
		xsim_world_detach(w);
		return rc;
	}
	*out = w;
	return 0;

fail:
	close(fd);
	return rc;
}

int xsim_world_create(const struct xsim_world_config *cfg,
		      struct xsim_world **out)
{
	/* Not close-on-exec: an exec'd child finds it through XENSIM_WORLD_FD. */
	int fd = memfd_create("xensim-world", MFD_ALLOW_SEALING);
	int rc;

	if (fd < 0)
		return -errno;
	rc = xsim_world_create_in(fd, cfg, out);
	if (rc)
		return rc;
	/*
	 * No process sharing it may shrink it under the others (a page past
	 * the end would SIGBUS them) or grow it (an attacher checks the size
	 * against the header): memfd_create(2), F_SEAL_SHRINK, F_SEAL_GROW.
	 * F_SEAL_SEAL: nobody may add F_SEAL_WRITE later either.
	 */
	if (fcntl(xsim_world_fd(*out), F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		rc = -errno;
		xsim_world_detach(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/*
 * Map the world in fd.  A header whose geometry does not fit the file is
 * corruption: -EIO, with "world corrupted: header: ..." in why, or on
 * stderr when the caller passes no why.
 */
int xsim_world_attach_fd_why(int fd, struct xsim_world **out, char *why,
			     size_t whylen)
{
	struct xsim_shared probe;
	struct xsim_world *w;
	char what[160];
	int nfd, rc;

	rc = xsim_world_check_fd(fd, why, whylen);
	if (rc)
		return rc;
	if (pread(fd, &probe, sizeof(probe), 0) != (ssize_t)sizeof(probe))
		return -EINVAL;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return -errno;
	rc = map_world(nfd, probe.size, &w);
	if (rc) {
		close(nfd);
		return rc;
	}
	rc = xsim_world_adopt_geometry(w, what, sizeof(what));
	if (rc) {
		if (why && whylen)
			snprintf(why, whylen, "world corrupted: %s", what);
		else
			xsim_world_report_corrupt(what);
		xsim_world_detach(w);
		return rc;
	}
	w->profile = xsim_profile_find(w->sh->profile);
	if (!w->profile) {
		xsim_world_detach(w);
		return -EINVAL;
	}
	xsim_fail_bind(w, &w->sh->fail);
	*out = w;
	return 0;
}

int xsim_world_attach_fd(int fd, struct xsim_world **out)
{
	return xsim_world_attach_fd_why(fd, out, NULL, 0);
}

void xsim_world_detach(struct xsim_world *w)
{
	if (!w)
		return;
	xsim_fail_unbind(w);
	xsim_world_unwatch(w);
	munmap(w->base, w->size);
	close(w->fd);
	free(w);
}

int xsim_world_fd(const struct xsim_world *w)
{
	return __atomic_load_n(&w->fd, __ATOMIC_RELAXED);
}

void xsim_world_set_fd(struct xsim_world *w, int fd)
{
	__atomic_store_n(&w->fd, fd, __ATOMIC_RELAXED);
}

uint64_t xsim_world_id(const struct xsim_world *w)
{
	return w->sh->world_id;
}

const struct xsim_profile *xsim_world_profile(const struct xsim_world *w)
{
	return w->profile;
}

void xsim_world_set_hooks(struct xsim_world *w, const struct xsim_hooks *h)
{
	w->hooks = *h;
}

/*
 * The machine lock, and the world check every call starts with.  A lock
 * that cannot be taken (its bytes scribbled on: EINVAL, ENOTRECOVERABLE)
 * is corruption like any other, and so is a header whose geometry or
 * counters changed (world_check.c).  xsim_world_corrupt releases the lock
 * when this thread holds it, so no error path leaves it held.
 */
void xsim_lock(struct xsim_world *w)
{
	int rc;

	if (atomic_load_explicit(&w->dead, memory_order_relaxed))
		return;	/* the view is quarantined: nothing shared to lock */
	if (w->single_owner) {
		/* Nobody else can wait: see xsim_world_set_single_owner. */
		if (__builtin_expect(xsim_current_pid() != w->owner_pid, 0)) {
			xsim_world_corrupt(w, "single-owner world of pid %u used by pid %u (forked with it)",
					   w->owner_pid, xsim_current_pid());
			return;
		}
		xsim_lock_note(w);
		return;
	}
	rc = pthread_mutex_lock(&w->sh->lock);
	/*
	 * The previous owner died holding it.  Every machine operation
	 * validates before it mutates and keeps each structure consistent
	 * at every store that another locker could observe after a crash,
	 * so marking the mutex consistent is enough; a handle the dead
	 * process held is reclaimed by the transport's garbage collection.
	 */
	if (rc == EOWNERDEAD) {
		pthread_mutex_consistent(&w->sh->lock);
		w->sh->lock_recoveries++;
	} else if (rc) {
		xsim_world_corrupt(w, "machine lock: %s", strerror(rc));
		return;
	}
	xsim_lock_note(w);
	xsim_world_check_header(w);
}

/*
 * Another thread of ours may have found the world corrupted while this one
 * held the lock: the header page stays mapped for this release (world_guard.c,
 * kill_view), and if it went, the fault handler quarantines it.
 */
void xsim_unlock(struct xsim_world *w)
{
	if (xsim_lock_release_note(w) && !w->single_owner)
		pthread_mutex_unlock(&w->sh->lock);
}

/*
 * A fuzzing process owns its world and is single-threaded: the robust
 * process-shared mutex (a locked instruction and the robust-list
 * bookkeeping in glibc's __pthread_mutex_lock_full, twice per call) and
 * the header check cost 7-9% of an input and protect against nobody.
 * Only a private world this process made qualifies: a named world may be
 * joined at any moment, and an attached one is shared by definition.
 */
int xsim_world_set_single_owner(struct xsim_world *w)
{
	int fl;

	if (w->sh->name[0] || w->sh->creator_pid != xsim_current_pid())
		return -EINVAL;
	fl = fcntl(xsim_world_fd(w), F_GETFD);
	if (fl < 0 || fcntl(xsim_world_fd(w), F_SETFD, fl | FD_CLOEXEC) < 0)
		return -errno;
	w->owner_pid = xsim_current_pid();
	w->single_owner = true;
	return 0;
}

void xsim_world_stats(struct xsim_world *w, struct xsim_world_stats *st)
{
	xsim_lock(w);
	st->nr_pages = w->sh->nr_pages;
	st->free_pages = w->sh->free_pages;
	st->nr_domains = w->sh->nr_domains;
	st->max_handles = w->sh->max_handles;
	st->handles_open = w->sh->handles_open;
	st->effects = xsim_effect_next(w);
	xsim_unlock(w);
}
