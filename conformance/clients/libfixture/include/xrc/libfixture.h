/* SPDX-License-Identifier: MIT */
/*
 * libfixture: target domains, event channels and grants for tests, made
 * the way a dom0 toolstack makes them (Debian's libxenctrl,
 * libxenforeignmemory and libxengntshr), so that the same calls work on
 * the simulator (under LD_PRELOAD=libxensim-preload.so) and on a real
 * Xen 4.17 dom0.
 *
 * The fixture server.  xrc_lf_init() forks a small server process that
 * opens its own, unrestricted library handles and does every privileged
 * step (create, populate, grant, destroy) on request.  So the test
 * process may restrict its own handles (xentoolcore_restrict_all
 * included) without losing the fixture, and the fixture adds no handle to
 * the test's xentoolcore list.  Call xrc_lf_init() before restricting
 * anything; under the preload it also makes sure the server shares the
 * test's simulated machine.
 *
 * Cleanup rule.  Every domain the fixture creates is recorded by the
 * server and destroyed when the test process ends, whichever way it ends:
 *   - exit() or a return from main (a failed assertion included): an
 *     atexit handler closes the connection and waits until the server
 *     has destroyed everything;
 *   - a crash, a signal, _exit(): the server sees the connection close
 *     and destroys everything on its own (it ignores SIGINT, SIGTERM and
 *     SIGHUP so that a Ctrl-C or a timeout on the process group does not
 *     stop it first);
 *   - SIGKILL of the whole process group, or a dying host: domains may be
 *     left behind.  They carry the fixture's mark in their handle (UUID),
 *     and xrc_lf_sweep() destroys every marked domain whose server is gone.
 * Pages shared with xrc_lf_share() are unshared at exit too.
 *
 * The fixture belongs to the process that called xrc_lf_init(): calls from
 * a forked child answer -ECHILD.  Calls are serialised (thread-safe).
 * Every function returns 0 (or the documented value) or a negative errno;
 * xrc_lf_error() then says which step failed and why.
 */
#ifndef XRC_LIBFIXTURE_H
#define XRC_LIBFIXTURE_H

#include <stdbool.h>
#include <stdint.h>

/* What to build.  Zero fields take the defaults in brackets. */
struct xrc_lf_spec {
	bool hvm;		/* HVM (HAP) guest, else PV */
	uint32_t vcpus;		/* [1] always set: Xen 4.17.7 panics when an
				 * event reaches a domain without vcpus */
	uint32_t pages;		/* [16] populated, page i at gfn i */
	uint32_t max_pages;	/* [pages + 16] the domain's memory limit */
};

/* Start the fixture server (idempotent).  0 or -errno. */
int xrc_lf_init(void);

/*
 * Destroy everything the fixture made and stop the server (atexit does it
 * too, if the program does not).  0, or -EIO when the clean-up left a
 * domain behind (the server says which on stderr) or the server did not
 * end normally: call it before returning from main to make the exit
 * status say so, which an atexit handler cannot.
 */
int xrc_lf_fini(void);

/*
 * A new, paused domain: created, max_vcpus and max_mem set, memory
 * populated, recorded for cleanup.  *domid is its id.
 */
int xrc_lf_create(const struct xrc_lf_spec *spec, uint32_t *domid);

/* Destroy a domain the fixture made (others: -ENOENT). */
int xrc_lf_destroy(uint32_t domid);

/*
 * The frame number that names page `page` of a fixture domain in foreign
 * mappings and grant entries: its gfn for an HVM guest (= page), the
 * machine frame Xen gave a PV guest (on the simulator, the gfn too).
 */
int xrc_lf_frame(uint32_t domid, uint32_t page, uint64_t *frame);

/*
 * A fresh event channel in domain `domid`, unbound, that `remote` may bind
 * (EVTCHNOP_alloc_unbound).  *port is its number in domid.
 */
int xrc_lf_unbound_port(uint32_t domid, uint32_t remote, uint32_t *port);

/*
 * A grant *from* fixture domain `granter` of its page `page` to domain
 * `grantee` (read-only if asked): written into the granter's grant table
 * through xenforeignmemory_map_resource(XENMEM_resource_grant_table), as
 * the toolstack seeds a guest's table.  *ref is the grant reference (the
 * fixture hands out 8 upwards; 0..7 are the toolstack's).
 */
int xrc_lf_grant(uint32_t granter, uint32_t page, uint32_t grantee,
		 bool readonly, uint32_t *ref);

/*
 * A grant *to* domain `grantee` of one page of this process's memory
 * (libxengntshr: xengntshr_share_pages).  Returns the page, or NULL with
 * errno set; *ref is the grant reference.  Made in this process (the page
 * must be yours to read and write), through a gntshr handle the fixture
 * keeps apart from the test's; xentoolcore_restrict_all leaves it alone,
 * as it leaves every gntshr handle.
 */
void *xrc_lf_share(uint32_t grantee, bool writable, uint32_t *ref);
/* Unshare a page from xrc_lf_share.  0 or -errno. */
int xrc_lf_unshare(void *page);

/*
 * Destroy domains left by fixture servers that are gone; how many, or
 * -errno (also when one of them cannot be destroyed: it is left).
 */
int xrc_lf_sweep(void);

/* The last failure, as "step: reason" (empty if none). */
const char *xrc_lf_error(void);

#endif /* XRC_LIBFIXTURE_H */
