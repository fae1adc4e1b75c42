/* SPDX-License-Identifier: MIT */
/*
 * Record vectors in metadata pages, the unmap notification and the
 * effect-time check of deferred effects, shared by the grant devices (see
 * grantmap.h).
 */
#include <errno.h>
#include <string.h>

#include "grantmap.h"

static uint32_t *dir_words(const struct xsim_world *w, uint32_t dir)
{
	return xsim_page_va(w, dir);
}

static uint32_t per_page(uint32_t esize)
{
	return XSIM_PAGE_SIZE / esize;
}

static uint32_t pages_for(uint32_t n, uint32_t esize)
{
	return (uint32_t)(((uint64_t)n + per_page(esize) - 1) / per_page(esize));
}

int xsim_vec_resize(struct xsim_world *w, uint32_t *dir, uint32_t esize,
		    uint32_t n)
{
	uint32_t *words, have, need, len, i;

	if (pages_for(n, esize) > XSIM_VEC_PAGES)
		return -ENOMEM;
	if (*dir == XSIM_NO_PAGE) {
		if (!n)
			return 0;
		*dir = xsim_page_alloc(w, XSIM_DOMID_XEN, XSIM_PAGE_META);
		if (*dir == XSIM_NO_PAGE)
			return -ENOMEM;
	}
	words = dir_words(w, *dir);
	len = words[0];
	have = pages_for(len, esize);
	need = pages_for(n, esize);
	for (i = have; i < need; i++) {
		words[1 + i] = xsim_page_alloc(w, XSIM_DOMID_XEN, XSIM_PAGE_META);
		if (words[1 + i] == XSIM_NO_PAGE) {
			while (i-- > have) {
				xsim_page_free(w, words[1 + i]);
				words[1 + i] = XSIM_NO_PAGE;
			}
			if (!len)
				xsim_vec_free(w, dir);
			return -ENOMEM;
		}
	}
	/* Fresh pages come zeroed; the tail of a kept page may not be. */
	if (n > len && len % per_page(esize)) {
		uint32_t end = n < have * per_page(esize) ? n :
							    have * per_page(esize);

		/* [len, end) lies in the last kept page: one memset. */
		memset(xsim_vec_at(w, *dir, esize, len), 0,
		       (size_t)(end - len) * esize);
	}
	for (i = need; i < have; i++) {
		xsim_page_free(w, words[1 + i]);
		words[1 + i] = XSIM_NO_PAGE;
	}
	words[0] = n;
	if (!n)
		xsim_vec_free(w, dir);
	return 0;
}

int xsim_vec_insert(struct xsim_world *w, uint32_t *dir, uint32_t esize,
		    uint32_t i)
{
	uint32_t len = xsim_vec_len(w, *dir), k;
	int rc;

	if (i > len || len == UINT32_MAX)
		return -EINVAL;
	rc = xsim_vec_resize(w, dir, esize, len + 1);
	if (rc)
		return rc;
	for (k = len; k > i; k--)
		memcpy(xsim_vec_at(w, *dir, esize, k),
		       xsim_vec_at(w, *dir, esize, k - 1), esize);
	memset(xsim_vec_at(w, *dir, esize, i), 0, esize);
	return 0;
}

void xsim_vec_remove(struct xsim_world *w, uint32_t *dir, uint32_t esize,
		     uint32_t i)
{
	uint32_t len = xsim_vec_len(w, *dir), k;

	if (i >= len)
		return;
	for (k = i; k + 1 < len; k++)
		memcpy(xsim_vec_at(w, *dir, esize, k),
		       xsim_vec_at(w, *dir, esize, k + 1), esize);
	/* Shrinking never allocates, so it cannot fail. */
	(void)xsim_vec_resize(w, dir, esize, len - 1);
}

void xsim_vec_free(struct xsim_world *w, uint32_t *dir)
{
	uint32_t *words, i;

	if (*dir == XSIM_NO_PAGE)
		return;
	words = dir_words(w, *dir);
	/*
	 * xsim_vec_resize fills the directory from the front and empties it
	 * from the back: the first empty word ends it.  Not a walk of all
	 * XSIM_VEC_PAGES words, which was most of a gntdev close (issue 17).
	 */
	for (i = 0; i < XSIM_VEC_PAGES && words[1 + i] != XSIM_NO_PAGE; i++)
		xsim_page_free(w, words[1 + i]);
	xsim_page_free(w, *dir);
	*dir = XSIM_NO_PAGE;
}

/*
 * Linux's evtchn_get() consults the kernel's own port-to-irq table and
 * makes no hypercall, so this reads the caller domain's port state
 * directly rather than through EVTCHNOP_status (which would log a read
 * of that domain in the effect log).
 */
static const struct xsim_port *port_of(const struct xsim_caller *c,
				       uint32_t port)
{
	const struct xsim_domain *d = xsim_dom_get(c->w, c->domid);
	uint32_t bucket;

	if (!d || port >= XSIM_EVTCHN_2L_NR)
		return NULL;
	bucket = d->evtchn_bucket[port / XSIM_PORTS_PER_BUCKET];
	if (bucket == XSIM_NO_PAGE)
		return NULL;
	return (const struct xsim_port *)xsim_page_va(c->w, bucket) +
	       port % XSIM_PORTS_PER_BUCKET;
}

bool xsim_notify_port_valid(const struct xsim_caller *c, uint32_t port)
{
	const struct xsim_port *p = port_of(c, port);

	return p && p->state != XSIM_ECS_FREE && p->state != XSIM_ECS_RESERVED;
}

int xsim_deferred_check(const struct xsim_caller *c,
			const struct xsim_restrict_state *rs,
			enum xsim_dev_kind dev, uint16_t domid, uint8_t op,
			uint32_t subop, uint64_t detail)
{
	int err = xsim_world_profile(c->w)->dev[dev].deferred_err;

	if (!err || !rs->restricted || domid == rs->domid)
		return 0;
	xsim_effect_add(c->w, c->handle, domid, XSIM_EFF_REFUSED,
			(enum xsim_effect_op)op, subop, detail);
	return -err;
}

/* Xen public event_channel.h, as the machine logs a send (effect subop). */
#define EVTCHNOP_send	4u

int xsim_notify_send(const struct xsim_caller *c,
		     const struct xsim_restrict_state *rs,
		     enum xsim_dev_kind dev, uint32_t port)
{
	const struct xsim_port *p = port_of(c, port);
	int rc;

	/*
	 * Only an interdomain port reaches another domain (evtchn_send:
	 * an IPI stays home, an unbound port drops the event).  A loop-back
	 * to the caller's own domain touches no other domain.
	 */
	if (p && p->state == XSIM_ECS_INTERDOMAIN &&
	    p->remote_dom != c->domid) {
		rc = xsim_deferred_check(c, rs, dev, p->remote_dom,
					 XSIM_OP_EVTCHN, EVTCHNOP_send,
					 p->remote_port);
		if (rc)
			return rc;
	}
	(void)xsim_evtchn_send(c, port);
	return 0;
}
