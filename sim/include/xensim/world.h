/* SPDX-License-Identifier: MIT */
/*
 * The simulated machine's memory: one shared-memory file that holds every
 * domain, page, event channel, grant table, open device handle and the
 * effect log.  Any process that maps it sees the same machine, so a world
 * is shared by fork() and, through its name, by unrelated processes; every
 * reference inside it is an index or an offset, never a pointer.
 *
 * All functions return 0 or a negative errno (the Xen/Linux convention)
 * unless documented otherwise.
 */
#ifndef XENSIM_WORLD_H
#define XENSIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xensim/xen-const.h>

struct xsim_world;

/* Capacities fixed when a world is created.  Zero means "the default". */
struct xsim_world_config {
	const char *profile;		/* profile name; NULL: $XENSIM_PROFILE or "proposed" */
	uint32_t nr_pages;		/* guest RAM + metadata pages (default 65536 = 256 MiB, sparse) */
	uint32_t max_handles;		/* open device handles (default 16384) */
	uint32_t effect_log_entries;	/* ring size, power of two (default 65536) */
	bool empty;			/* true: only dom0, no default guests */
};

/* Create a private world (anonymous shared memory: shared across fork()). */
int xsim_world_create(const struct xsim_world_config *cfg,
		      struct xsim_world **out);

/*
 * Populate a fresh world from a world file (see sim/README.md for the
 * format).  On a syntax or semantic error returns -EINVAL and writes
 * "file:line: reason" into err.
 */
int xsim_world_load_file(struct xsim_world *w, const char *path,
			 char *err, size_t errlen);

/* Populate the default world: dom0 plus guests 1, 2 and 3. */
int xsim_world_populate_default(struct xsim_world *w);

/* Map an existing world by its file descriptor (the fd is dup'ed). */
int xsim_world_attach_fd(int fd, struct xsim_world **out);

/* Unmap this process's view.  The world lives while any process maps it. */
void xsim_world_detach(struct xsim_world *w);

/* The world's backing file descriptor (for mmap of frames by a transport). */
int xsim_world_fd(const struct xsim_world *w);
/*
 * A transport moved that descriptor (dup'ed it to fd and closed the old
 * one, e.g. out of the application's fd range): use fd from now on.
 */
void xsim_world_set_fd(struct xsim_world *w, int fd);

/* A random identifier chosen at creation: names the world's sockets. */
uint64_t xsim_world_id(const struct xsim_world *w);

/* Counters for tests, tools and the benchmark. */
struct xsim_world_stats {
	uint32_t nr_pages, free_pages;
	uint32_t nr_domains;
	uint32_t max_handles, handles_open;
	uint64_t effects;
};
void xsim_world_stats(struct xsim_world *w, struct xsim_world_stats *st);

/*
 * Snapshots (sim/machine/snapshot.c): return one world to a saved state
 * cheaply, for programs that run many short experiments on it (the
 * fuzzers reset after every input).  Take it with the lock not held; the
 * restore takes the lock, and no other process may use the world meanwhile
 * (its handles and mappings would go stale).
 *
 * Restore always puts back the header, page table, handle table, effect
 * log position and the pages of no domain.  A domain's state (its slot
 * and the pages of its memory, p2m, event channels, grant table and ioreq
 * servers, grouped by hypercall family) is put back for what the effect
 * log names since the snapshot (domains created since are forgotten),
 * plus extra[]; extra == NULL: every domain, whole.  Pass as extra the
 * domains that issued operations and what they used: changes to a
 * domain's own event channels and grant entries are not logged.
 */
struct xsim_snapshot;
struct xsim_snapshot_extra {
	uint16_t domid;
	uint8_t op;	/* enum xsim_effect_op: that family; 0: all of it */
};
int xsim_snapshot_take(struct xsim_world *w, struct xsim_snapshot **out);
void xsim_snapshot_restore(struct xsim_world *w, const struct xsim_snapshot *s,
			   const struct xsim_snapshot_extra *extra,
			   unsigned nr_extra);
/* How many regions differ from s (0: identical); the first is named in buf. */
int xsim_snapshot_diff(struct xsim_world *w, const struct xsim_snapshot *s,
		       char *buf, size_t len);
void xsim_snapshot_free(struct xsim_snapshot *s);

/* The profile the simulated kernel drivers follow. */
const struct xsim_profile *xsim_world_profile(const struct xsim_world *w);

/*
 * The machine lock.  One lock for the whole machine keeps every hypercall
 * atomic, as an audit-then-act sequence must be; it is a robust,
 * process-shared mutex so that a client dying while holding it does not
 * wedge the machine (the next locker repairs and continues).
 */
void xsim_lock(struct xsim_world *w);
void xsim_unlock(struct xsim_world *w);

/*
 * Per-process hooks.  The machine calls them with the lock held; they must
 * not take it again.  port_fired: a dom0 event channel that a consumer
 * registered for became pending (Linux: the evtchn irq handler).
 */
struct xsim_hooks {
	void (*port_fired)(struct xsim_world *w, uint32_t consumer,
			   uint32_t port, void *arg);
	void *arg;
};
void xsim_world_set_hooks(struct xsim_world *w, const struct xsim_hooks *h);

#endif /* XENSIM_WORLD_H */
