/* SPDX-License-Identifier: MIT */
/*
 * Domains: creation, teardown, pause and the limits a toolstack sets
 * (xen/common/domain.c, xen/common/domctl.c).  The domain table is indexed
 * by domid, so a lookup costs the same with 1 or 32k domains.
 */
#include <errno.h>
#include <string.h>

#include <xensim/machine.h>

#include "layout.h"

struct xsim_domain *xsim_dom_get(const struct xsim_world *w, uint32_t domid)
{
	struct xsim_domain *d;

	if (domid >= XSIM_DOMID_FIRST_RESERVED)
		return NULL;
	d = xsim_dom_slot(w, domid);
	if (!d->exists)
		return NULL;
	return xsim_dom_check((struct xsim_world *)w, d, domid) ? d : NULL;
}

bool xsim_domain_exists(const struct xsim_world *w, uint32_t domid)
{
	return xsim_dom_get(w, domid) != NULL;
}

int xsim_domain_resolve(const struct xsim_caller *c, uint32_t domid,
			uint16_t *out)
{
	if (domid == XSIM_DOMID_SELF)
		domid = c->domid;
	if (!xsim_dom_get(c->w, domid))
		return -ESRCH;
	*out = (uint16_t)domid;
	return 0;
}

static void init_domain(struct xsim_domain *d, uint16_t domid,
			const struct xsim_domain_config *cfg)
{
	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->flags = cfg->hvm ? XSIM_DOM_HVM : 0;
	d->max_vcpus = cfg->max_vcpus;
	d->ssidref = cfg->ssidref;
	d->target = XSIM_DOMID_INVALID;
	d->xs_target = XSIM_DOMID_INVALID;
	d->xs_offer_port = XSIM_XS_NO_OFFER;
	d->xs_offer_gref = XSIM_XS_NO_OFFER;
	d->max_pages = cfg->max_pages;
	d->max_evtchn_port = cfg->max_evtchn_port ? cfg->max_evtchn_port :
						    XSIM_EVTCHN_DEFAULT_MAX;
	if (d->max_evtchn_port >= XSIM_EVTCHN_2L_NR)
		d->max_evtchn_port = XSIM_EVTCHN_2L_NR - 1;
	d->gnttab_max_frames = cfg->max_grant_frames ? cfg->max_grant_frames :
						       XSIM_GNTTAB_MAX_FRAMES;
	if (d->gnttab_max_frames > XSIM_GNTTAB_MAX_FRAMES)
		d->gnttab_max_frames = XSIM_GNTTAB_MAX_FRAMES;
	memcpy(d->handle, cfg->handle, sizeof(d->handle));
}

int xsim_domain_bootstrap_dom0(struct xsim_world *w)
{
	struct xsim_domain_config cfg = {
		.max_vcpus = 2,
		.max_pages = ~0ull,
		.max_evtchn_port = XSIM_EVTCHN_2L_NR - 1,
	};
	struct xsim_domain *d = xsim_dom_slot(w, 0);

	init_domain(d, 0, &cfg);
	d->flags |= XSIM_DOM_PRIVILEGED;
	d->exists = 1;
	w->sh->nr_domains = 1;
	return 0;
}

/* Xen's domctl is for the control domain only (XSM dummy: IS_PRIV). */
static bool privileged(const struct xsim_caller *c)
{
	const struct xsim_domain *d = xsim_dom_get(c->w, c->domid);

	return d && (d->flags & XSIM_DOM_PRIVILEGED);
}

int xsim_domain_create(const struct xsim_caller *c,
		       const struct xsim_domain_config *cfg, uint16_t *domid)
{
	struct xsim_world *w = c->w;
	uint32_t id = cfg->domid;

	if (!privileged(c))
		return -EPERM;
	if (id == XSIM_DOMID_INVALID || id == 0) {
		/* Like Xen's get_free_domid(): round-robin from the last one. */
		uint32_t start = w->sh->next_domid, n;

		for (n = 0; n < XSIM_DOMID_FIRST_RESERVED - 1; n++) {
			id = 1 + (start - 1 + n) % (XSIM_DOMID_FIRST_RESERVED - 1);
			if (!xsim_dom_slot(w, id)->exists)
				break;
		}
		if (n == XSIM_DOMID_FIRST_RESERVED - 1)
			return -ENOMEM;
		w->sh->next_domid = id + 1 < XSIM_DOMID_FIRST_RESERVED ? id + 1 : 1;
	} else if (id >= XSIM_DOMID_FIRST_RESERVED) {
		return -EINVAL;
	} else if (xsim_dom_slot(w, id)->exists) {
		return -EEXIST;
	}
	init_domain(xsim_dom_slot(w, id), (uint16_t)id, cfg);
	/* A domain starts paused until the toolstack unpauses it. */
	xsim_dom_slot(w, id)->flags |= XSIM_DOM_PAUSED;
	xsim_dom_slot(w, id)->pause_count = 1;
	xsim_dom_slot(w, id)->exists = 1;
	w->sh->nr_domains++;
	xsim_effect_add(w, c->handle, (uint16_t)id, XSIM_EFF_CREATE,
			XSIM_OP_DOMAIN, 0, cfg->hvm);
	*domid = (uint16_t)id;
	return 0;
}

int xsim_domain_destroy(const struct xsim_caller *c, uint32_t domid)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *d;

	if (!privileged(c))
		return -EPERM;
	d = xsim_dom_get(w, domid);
	if (!d)
		return -ESRCH;
	if (domid == 0 || domid == c->domid)
		return -EINVAL;
	d->flags |= XSIM_DOM_DYING;
	xsim_ioreq_teardown(w, d);
	xsim_evtchn_teardown(w, d);
	xsim_gnttab_teardown(w, d);
	xsim_mem_teardown(w, d);
	d->exists = 0;
	w->sh->nr_domains--;
	xsim_effect_add(w, c->handle, (uint16_t)domid, XSIM_EFF_DESTROY,
			XSIM_OP_DOMAIN, 0, 0);
	return 0;
}

static struct xsim_domain *priv_target(const struct xsim_caller *c,
				       uint32_t domid, int *err)
{
	struct xsim_domain *d;

	*err = 0;
	if (!privileged(c)) {
		*err = -EPERM;
		return NULL;
	}
	d = xsim_dom_get(c->w, domid);
	if (!d)
		*err = -ESRCH;
	return d;
}

int xsim_domain_pause(const struct xsim_caller *c, uint32_t domid)
{
	int err;
	struct xsim_domain *d = priv_target(c, domid, &err);

	if (!d)
		return err;
	if (domid == c->domid)
		return -EINVAL;
	d->pause_count++;
	d->flags |= XSIM_DOM_PAUSED;
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_WRITE,
			XSIM_OP_DOMAIN, 1, d->pause_count);
	return 0;
}

int xsim_domain_unpause(const struct xsim_caller *c, uint32_t domid)
{
	int err;
	struct xsim_domain *d = priv_target(c, domid, &err);

	if (!d)
		return err;
	if (domid == c->domid)
		return -EINVAL;
	if (d->pause_count)
		d->pause_count--;
	if (!d->pause_count)
		d->flags &= ~XSIM_DOM_PAUSED;
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_WRITE,
			XSIM_OP_DOMAIN, 2, d->pause_count);
	return 0;
}

int xsim_domain_set_max_vcpus(const struct xsim_caller *c, uint32_t domid,
			      uint32_t max)
{
	int err;
	struct xsim_domain *d = priv_target(c, domid, &err);

	if (!d)
		return err;
	/* Xen 4.17 caps at the vcpu limit of its build; 128 is HVM_MAX_VCPUS. */
	if (max == 0 || max > 128)
		return -EINVAL;
	d->max_vcpus = max;
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_WRITE,
			XSIM_OP_DOMAIN, 3, max);
	return 0;
}

int xsim_domain_set_max_pages(const struct xsim_caller *c, uint32_t domid,
			      uint64_t max)
{
	int err;
	struct xsim_domain *d = priv_target(c, domid, &err);

	if (!d)
		return err;
	d->max_pages = max;
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_WRITE,
			XSIM_OP_DOMAIN, 4, max);
	return 0;
}

int xsim_domain_set_target(const struct xsim_caller *c, uint32_t domid,
			   uint32_t target)
{
	int err;
	struct xsim_domain *d = priv_target(c, domid, &err);

	if (!d)
		return err;
	if (!xsim_dom_get(c->w, target))
		return -ESRCH;
	d->target = (uint16_t)target;
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_WRITE,
			XSIM_OP_DOMAIN, 5, target);
	return 0;
}

int xsim_domain_getinfo(const struct xsim_caller *c, uint32_t domid,
			struct xsim_domain_info *info)
{
	const struct xsim_domain *d = xsim_dom_get(c->w, domid);

	if (!d)
		return -ESRCH;
	memset(info, 0, sizeof(*info));
	info->domid = d->domid;
	info->hvm = d->flags & XSIM_DOM_HVM;
	info->paused = d->flags & XSIM_DOM_PAUSED;
	info->dying = d->flags & XSIM_DOM_DYING;
	info->privileged = d->flags & XSIM_DOM_PRIVILEGED;
	info->max_vcpus = d->max_vcpus;
	info->tot_pages = d->tot_pages;
	info->max_pages = d->max_pages;
	info->max_gfn = d->max_gfn;
	info->ssidref = d->ssidref;
	memcpy(info->handle, d->handle, sizeof(info->handle));
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_READ,
			XSIM_OP_DOMAIN, 6, 0);
	return 0;
}

int xsim_domain_next(const struct xsim_world *w, uint32_t from)
{
	uint32_t id;

	for (id = from; id < XSIM_DOMID_FIRST_RESERVED; id++)
		if (xsim_dom_slot(w, id)->exists)
			return (int)id;
	return -ESRCH;
}

uint32_t xsim_domain_xs_target(const struct xsim_world *w, uint32_t domid)
{
	const struct xsim_domain *d = xsim_dom_get(w, domid);

	return d ? d->xs_target : XSIM_DOMID_INVALID;
}

int xsim_domain_set_xs_target(struct xsim_world *w, uint32_t domid,
			      uint32_t target)
{
	struct xsim_domain *d = xsim_dom_get(w, domid);

	if (!d)
		return -ESRCH;
	d->xs_target = (uint16_t)target;
	return 0;
}

uint32_t xsim_domain_xs_offer(const struct xsim_world *w, uint32_t domid,
			      enum xsim_xs_offer what)
{
	const struct xsim_domain *d = xsim_dom_get(w, domid);

	if (!d)
		return XSIM_XS_NO_OFFER;
	return what == XSIM_XS_OFFER_PORT ? d->xs_offer_port : d->xs_offer_gref;
}

int xsim_domain_set_xs_offer(struct xsim_world *w, uint32_t domid,
			     enum xsim_xs_offer what, uint32_t value)
{
	struct xsim_domain *d = xsim_dom_get(w, domid);
	uint32_t *slot;

	if (!d)
		return -ESRCH;
	slot = what == XSIM_XS_OFFER_PORT ? &d->xs_offer_port :
					    &d->xs_offer_gref;
	if (*slot != XSIM_XS_NO_OFFER)
		return -EEXIST;
	*slot = value;
	return 0;
}
