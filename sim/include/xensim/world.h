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

/*
 * Named worlds (sim/WORLDS.md): the same file, but under a name in
 * /dev/shm, so that unrelated processes can join one machine.  A name is
 * 1..XSIM_WORLD_NAME_MAX characters of [A-Za-z0-9_.-], not "." or "..";
 * the file is XSIM_WORLD_DIR "/" XSIM_WORLD_PREFIX NAME, mode 0600.
 */
#define XSIM_WORLD_NAME_MAX	64
#define XSIM_WORLD_DIR		"/dev/shm"
#define XSIM_WORLD_PREFIX	"xensim-"

/* 0 if name is a valid world name, else -EINVAL. */
int xsim_world_name_check(const char *name);
/* The file of world name into buf: 0, -EINVAL (bad name), -ENAMETOOLONG. */
int xsim_world_path(const char *name, char *buf, size_t len);

/*
 * Create a world that will be called name, not yet visible under it (an
 * unnamed file in XSIM_WORLD_DIR): populate it (cfg->empty,
 * xsim_world_load_file), then xsim_world_publish.  The calling process is
 * recorded as its creator.
 */
int xsim_world_create_named(const char *name,
			    const struct xsim_world_config *cfg,
			    struct xsim_world **out);
/* Give a world from xsim_world_create_named its name: -EEXIST if taken. */
int xsim_world_publish(struct xsim_world *w);

/*
 * Map the world called name.  -ENOENT: no such world; -EPROTO: made by
 * another build (format version or layout differ); -EINVAL: not a world;
 * or the errno of open/mmap (-EACCES).  On failure why (if not NULL)
 * holds one sentence for a human.
 */
int xsim_world_attach_named(const char *name, struct xsim_world **out,
			    char *why, size_t whylen);
/*
 * Check that fd holds a world of this build, without mapping it: 0,
 * -EPROTO, -EINVAL, with a sentence in why as above.
 */
int xsim_world_check_fd(int fd, char *why, size_t whylen);
/*
 * Remove name from XSIM_WORLD_DIR.  Processes that mapped the world keep
 * it until they exit (as with any shm file); new attaches get -ENOENT.
 */
int xsim_world_unlink_named(const char *name);

/* Who made a world, and its health, for tools (xensim-world status). */
struct xsim_world_info {
	char name[XSIM_WORLD_NAME_MAX + 1];	/* "": a private world */
	char profile[32];
	uint64_t world_id;
	uint32_t creator_pid;
	uint64_t creator_start;		/* clock ticks after boot */
	int64_t created_at;		/* seconds since the epoch */
	uint32_t lock_recoveries;	/* times a dead owner's lock was repaired */
};
void xsim_world_info(struct xsim_world *w, struct xsim_world_info *out);
/* Is the process that created w still running (same pid, same start)? */
bool xsim_world_creator_alive(const struct xsim_world *w);
/* Record the calling process as w's creator (a tool that forks a keeper). */
void xsim_world_set_creator(struct xsim_world *w);

/*
 * Up to max existing domains from domid *cursor on (start at 0), without
 * logging an effect; *cursor moves past them.  Returns how many (0: no
 * more).  struct xsim_domain_info is in <xensim/machine.h>.
 */
struct xsim_domain_info;
int xsim_world_domains(struct xsim_world *w, uint32_t *cursor,
		       struct xsim_domain_info *out, unsigned max);

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
 * Single owner (the fuzzers and their replays, issue 17): the calling
 * process declares itself the only user of w for as long as it maps it,
 * from one thread, never forking with it nor passing its descriptor on
 * (the descriptor becomes close-on-exec).  xsim_lock then takes no
 * mutex and skips the header check, which guard against other processes
 * (there are none); a forked child that uses w anyway finds it corrupted
 * (-EIO), since it could not exclude its parent.  -EINVAL for a named
 * world (others may join it at any time) or one this process did not
 * create; the errno of fcntl otherwise.
 */
int xsim_world_set_single_owner(struct xsim_world *w);

/*
 * A corrupted world (sim/WORLDS.md, "A corrupted world").  Every offset,
 * index and count the machine reads from the shared file is checked
 * before use; a bad one, or a fault on the world's memory (the file
 * truncated under us), is corruption: "xensim: world corrupted: WHAT" on
 * stderr once per process, the world is dead in this process (its lock
 * released if held, its view quarantined) and every later call answers
 * -EIO, as a filesystem does after a forced shutdown.
 *
 * A transport ends the call in which it is found with -EIO by running it
 * under a recovery point: <xensim/world_guard.h>.
 */
/* Has this process found w corrupted? */
bool xsim_world_dead(const struct xsim_world *w);
/* xsim_world_attach_fd, with a corrupted header's reason in why. */
int xsim_world_attach_fd_why(int fd, struct xsim_world **out, char *why,
			     size_t whylen);

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
