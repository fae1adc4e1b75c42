/* SPDX-License-Identifier: MIT */
/*
 * Private to gntdev.c and gntalloc.c: the record keeping they share.
 *
 * Per-handle records live in the world's shared memory (a handle slot is
 * 256 bytes), so they are kept in growable vectors of fixed-size elements
 * in metadata pages.  A vector is named by its directory page: word 0
 * holds the length, words 1.. the element pages.  0 names the empty
 * vector.  All of it runs with the machine lock held.
 */
#ifndef XENSIM_GRANTMAP_H
#define XENSIM_GRANTMAP_H

#include <stdint.h>

#include "devpriv.h"

/* Element pages one directory can name. */
#define XSIM_VEC_PAGES		(XSIM_PAGE_SIZE / sizeof(uint32_t) - 1)

/* Elements in the vector. */
static inline uint32_t xsim_vec_len(const struct xsim_world *w, uint32_t dir)
{
	return dir == XSIM_NO_PAGE ? 0 : ((const uint32_t *)xsim_page_va(w, dir))[0];
}

/*
 * Element i (i < length); esize divides the page size.  Inline, so that
 * the callers' constant esize turns the divisions into shifts: out of
 * line, two divisions per element were a fifth of a gntdev input
 * (issue 17).
 */
static inline void *xsim_vec_at(const struct xsim_world *w, uint32_t dir,
				uint32_t esize, uint32_t i)
{
	uint32_t per_page = XSIM_PAGE_SIZE / esize;
	uint32_t page = ((const uint32_t *)xsim_page_va(w, dir))[1 + i / per_page];

	return (uint8_t *)xsim_page_va(w, page) + (i % per_page) * esize;
}
/*
 * Set the length to n, zeroing new elements and freeing pages no longer
 * needed; creates the directory when *dir is 0 and frees it at n == 0.
 * -ENOMEM when the pool or the directory is exhausted.
 */
int xsim_vec_resize(struct xsim_world *w, uint32_t *dir, uint32_t esize,
		    uint32_t n);
/* Insert a zeroed element at position i <= length, shifting the rest up. */
int xsim_vec_insert(struct xsim_world *w, uint32_t *dir, uint32_t esize,
		    uint32_t i);
/* Remove element i, shifting the rest down. */
void xsim_vec_remove(struct xsim_world *w, uint32_t *dir, uint32_t esize,
		     uint32_t i);
void xsim_vec_free(struct xsim_world *w, uint32_t *dir);

/*
 * Unmap notification (Linux UNMAP_NOTIFY_*, same values in gntdev.h and
 * gntalloc.h).  Validating a port is Linux's evtchn_get(): the port must
 * be open in the caller's domain.  Sending ignores failure, as
 * notify_remote_via_evtchn does.
 */
#define XSIM_UNMAP_NOTIFY_CLEAR_BYTE	0x1u
#define XSIM_UNMAP_NOTIFY_SEND_EVENT	0x2u
#define XSIM_UNMAP_NOTIFY_ALL		0x3u

bool xsim_notify_port_valid(const struct xsim_caller *c, uint32_t port);

/*
 * Deferred effects and the restriction.  A restrict audit decides from
 * the copied arguments and the profile table, never from the world
 * (sim/dev/audit.c); but whether an effect a call arranged reaches
 * another domain is only known when it happens: the grants a gntdev
 * record names are mapped at mmap(), and an unmap notification's port
 * may be bound to any domain by then (by another, unrestricted, evtchn
 * handle).  So this is no audit: the device model enforces, at the time
 * of the effect, "after restrict, the handle causes no effect on another
 * domain", keyed by the handle's restriction (its state) and the
 * effect's target domain (world state), under the profile's rule
 * (deferred_err of the device's policy).
 *
 * 0 if the effect on domid may happen now; else the effect log gets a
 * REFUSED record naming what would have happened (op, subop, detail),
 * and -deferred_err.
 */
int xsim_deferred_check(const struct xsim_caller *c,
			const struct xsim_restrict_state *rs,
			enum xsim_dev_kind dev, uint16_t domid, uint8_t op,
			uint32_t subop, uint64_t detail);

/*
 * Send a grant handle's unmap notification on port (errors ignored, as
 * notify_remote_via_evtchn does): 0, or xsim_deferred_check's refusal
 * when the port's peer is neither the handle's target nor its own
 * domain (the event is then not sent).
 */
int xsim_notify_send(const struct xsim_caller *c,
		     const struct xsim_restrict_state *rs,
		     enum xsim_dev_kind dev, uint32_t port);

#endif /* XENSIM_GRANTMAP_H */
