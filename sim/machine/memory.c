/* SPDX-License-Identifier: MIT */
/*
 * Domain memory: a p2m per domain (gfn -> world page) as a three-level
 * radix of metadata pages, populate/decrease (XENMEM_populate_physmap,
 * XENMEM_decrease_reservation) and the foreign-map translation privcmd
 * uses.  Lookups cost three loads whatever the domain's size.
 */
#include <errno.h>
#include <string.h>

#include <xensim/machine.h>

#include "layout.h"

static uint32_t *node(const struct xsim_world *w, uint32_t page)
{
	return xsim_page_va(w, page);
}

static unsigned level_index(uint64_t gfn, unsigned level)
{
	unsigned shift = XSIM_P2M_BITS * (XSIM_P2M_LEVELS - 1 - level);

	return (unsigned)(gfn >> shift) & (XSIM_P2M_FANOUT - 1);
}

uint32_t xsim_p2m_get(const struct xsim_world *w, const struct xsim_domain *d,
		      uint64_t gfn)
{
	uint32_t page = d->p2m_root;
	unsigned l;

	if (gfn >= XSIM_GFN_LIMIT)
		return XSIM_NO_PAGE;
	for (l = 0; l < XSIM_P2M_LEVELS && page != XSIM_NO_PAGE; l++)
		page = node(w, page)[level_index(gfn, l)];
	return page;
}

/* The leaf slot for gfn, allocating interior nodes; NULL when out of pages. */
static uint32_t *p2m_slot(struct xsim_world *w, struct xsim_domain *d,
			  uint64_t gfn)
{
	uint32_t *link = &d->p2m_root;
	unsigned l;

	for (l = 0; l < XSIM_P2M_LEVELS; l++) {
		if (*link == XSIM_NO_PAGE) {
			uint32_t p = xsim_page_alloc(w, XSIM_DOMID_XEN,
						     XSIM_PAGE_META);

			if (p == XSIM_NO_PAGE)
				return NULL;
			*link = p;
		}
		link = &node(w, *link)[level_index(gfn, l)];
	}
	return link;
}

/*
 * Fill a page with the domain's deterministic pattern, so that a test can
 * tell which domain's memory a mapping shows: each 8-byte word holds
 * domid << 48 | gfn << 12 | byte offset.
 */
static void fill_pattern(struct xsim_world *w, uint32_t page, uint16_t domid,
			 uint64_t gfn)
{
	uint64_t *p = xsim_page_va(w, page);
	unsigned i;

	for (i = 0; i < XSIM_PAGE_SIZE / 8; i++)
		p[i] = (uint64_t)domid << 48 | gfn << 12 | i * 8;
}

int xsim_mem_populate(const struct xsim_caller *c, uint32_t domid,
		      uint64_t gfn, uint64_t nr)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *d;
	uint64_t i;

	d = xsim_dom_get(w, domid == XSIM_DOMID_SELF ? c->domid : domid);
	if (!d)
		return -ESRCH;
	if (gfn >= XSIM_GFN_LIMIT || nr > XSIM_GFN_LIMIT - gfn)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		uint32_t *slot, page;

		if (d->tot_pages >= d->max_pages)
			return -ENOMEM;
		slot = p2m_slot(w, d, gfn + i);
		if (!slot)
			return -ENOMEM;
		if (*slot != XSIM_NO_PAGE)
			continue;	/* already populated: Xen leaves it */
		page = xsim_page_alloc(w, d->domid, XSIM_PAGE_RAM);
		if (page == XSIM_NO_PAGE)
			return -ENOMEM;
		xsim_page_meta(w, page)->gfn = (uint32_t)(gfn + i);
		fill_pattern(w, page, d->domid, gfn + i);
		*slot = page;
		d->tot_pages++;
		if (gfn + i > d->max_gfn)
			d->max_gfn = gfn + i;
	}
	xsim_effect_add(w, c->handle, d->domid, XSIM_EFF_WRITE, XSIM_OP_MEMORY,
			6, gfn);
	return 0;
}

int xsim_mem_decrease(const struct xsim_caller *c, uint32_t domid,
		      uint64_t gfn, uint64_t nr)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *d;
	uint64_t i;

	d = xsim_dom_get(w, domid == XSIM_DOMID_SELF ? c->domid : domid);
	if (!d)
		return -ESRCH;
	if (gfn >= XSIM_GFN_LIMIT || nr > XSIM_GFN_LIMIT - gfn)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		uint32_t page = xsim_p2m_get(w, d, gfn + i);

		if (page == XSIM_NO_PAGE)
			return -EINVAL;
		/* A granted-and-mapped page stays until unmapped (Xen: refcount). */
		if (xsim_page_meta(w, page)->maps)
			return -EBUSY;
		*p2m_slot(w, d, gfn + i) = XSIM_NO_PAGE;
		xsim_page_free(w, page);
		d->tot_pages--;
	}
	xsim_effect_add(w, c->handle, d->domid, XSIM_EFF_WRITE, XSIM_OP_MEMORY,
			1, gfn);
	return 0;
}

/*
 * XSM dummy policy for foreign mappings: the control domain, or a device
 * model whose target is the domain (xen/include/xsm/dummy.h XSM_TARGET).
 */
static bool may_map(const struct xsim_caller *c, const struct xsim_domain *d)
{
	const struct xsim_domain *self = xsim_dom_get(c->w, c->domid);

	if (!self)
		return false;
	return (self->flags & XSIM_DOM_PRIVILEGED) || self->target == d->domid ||
	       self->domid == d->domid;
}

uint32_t xsim_frame_page(const struct xsim_world *w,
			 const struct xsim_domain *d, uint64_t frame)
{
	uint32_t p;

	if (d->flags & XSIM_DOM_HVM)
		return xsim_p2m_get(w, d, frame);
	/* asm/p2m.h get_page_from_gfn(): untranslated, get_page(page, d). */
	p = xsim_mfn_page(w, frame);
	return xsim_page_owned_by(w, p, d->domid) ? p : XSIM_NO_PAGE;
}

int xsim_mem_frame_of_gfn(const struct xsim_world *w, uint32_t domid,
			  uint64_t gfn, uint64_t *frame)
{
	const struct xsim_domain *d = xsim_dom_get(w, domid);
	uint32_t p;

	if (!d)
		return -ESRCH;
	if (d->flags & XSIM_DOM_HVM) {
		*frame = gfn;
		return 0;
	}
	p = xsim_p2m_get(w, d, gfn);
	if (p == XSIM_NO_PAGE)
		return -EINVAL;
	*frame = xsim_page_mfn(p);
	return 0;
}

/*
 * A PV target's frame is a machine frame, checked as Xen 4.17's
 * get_page_from_l1e() (xen/arch/x86/mm.c) checks the l1e Linux's
 * xen_remap_pfn() writes with mmu_update: no RAM there is MMIO space the
 * target may not map (-EPERM); RAM the target does not own cannot be
 * pinned (-EBUSY, could_not_pin), whoever owns it.
 */
static int pv_frame_page(const struct xsim_world *w,
			 const struct xsim_domain *d, uint64_t mfn,
			 uint32_t *page)
{
	if (mfn >= xsim_mfn_limit(w))
		return -EPERM;
	*page = xsim_frame_page(w, d, mfn);
	return *page == XSIM_NO_PAGE ? -EBUSY : 0;
}

int xsim_mem_map_gfn(const struct xsim_caller *c, uint32_t domid,
		     uint64_t frame, bool write, uint32_t *page)
{
	struct xsim_world *w = c->w;
	const struct xsim_domain *d;
	uint32_t p;
	int rc;

	d = xsim_dom_get(w, domid == XSIM_DOMID_SELF ? c->domid : domid);
	if (!d)
		return -ESRCH;
	if (!may_map(c, d))
		return -EPERM;
	if (!(d->flags & XSIM_DOM_HVM)) {
		rc = pv_frame_page(w, d, frame, &p);
		if (rc)
			return rc;
	} else {
		p = xsim_p2m_get(w, d, frame);
		if (p == XSIM_NO_PAGE)
			return -EINVAL;
	}
	xsim_effect_add(w, c->handle, d->domid, XSIM_EFF_MAP,
			XSIM_OP_FOREIGN_MAP, write, frame);
	*page = p;
	return 0;
}

static int mem_access(const struct xsim_caller *c, uint32_t domid,
		      uint64_t gfn, bool by_frame, uint32_t offset, void *buf,
		      uint32_t len, bool write)
{
	struct xsim_world *w = c->w;
	const struct xsim_domain *d;
	uint32_t p;

	d = xsim_dom_get(w, domid == XSIM_DOMID_SELF ? c->domid : domid);
	if (!d)
		return -ESRCH;
	if (offset >= XSIM_PAGE_SIZE || len > XSIM_PAGE_SIZE - offset)
		return -EINVAL;
	p = by_frame ? xsim_frame_page(w, d, gfn) : xsim_p2m_get(w, d, gfn);
	if (p == XSIM_NO_PAGE)
		return -EINVAL;
	if (write)
		memcpy((uint8_t *)xsim_page_va(w, p) + offset, buf, len);
	else
		memcpy(buf, (uint8_t *)xsim_page_va(w, p) + offset, len);
	xsim_effect_add(w, c->handle, d->domid,
			write ? XSIM_EFF_WRITE : XSIM_EFF_READ, XSIM_OP_MEMORY,
			0, gfn);
	return 0;
}

int xsim_mem_access(const struct xsim_caller *c, uint32_t domid, uint64_t gfn,
		    uint32_t offset, void *buf, uint32_t len, bool write)
{
	return mem_access(c, domid, gfn, false, offset, buf, len, write);
}

int xsim_mem_frame_access(const struct xsim_caller *c, uint32_t domid,
			  uint64_t frame, uint32_t offset, void *buf,
			  uint32_t len, bool write)
{
	return mem_access(c, domid, frame, true, offset, buf, len, write);
}

/* Free a radix subtree; leaves are RAM pages still owned by the domain. */
static void free_level(struct xsim_world *w, uint32_t page, unsigned level)
{
	uint32_t *n = node(w, page);
	unsigned i;

	for (i = 0; i < XSIM_P2M_FANOUT; i++) {
		if (n[i] == XSIM_NO_PAGE)
			continue;
		if (level + 1 < XSIM_P2M_LEVELS) {
			free_level(w, n[i], level + 1);
		} else if (xsim_page_meta(w, n[i])->maps) {
			/*
			 * Still mapped through a grant: Xen keeps the page
			 * until the last reference goes; we orphan it to DOMID_XEN.
			 */
			xsim_page_meta(w, n[i])->owner = XSIM_DOMID_XEN;
		} else {
			xsim_page_free(w, n[i]);
		}
	}
	xsim_page_free(w, page);
}

void xsim_mem_teardown(struct xsim_world *w, struct xsim_domain *d)
{
	if (d->p2m_root != XSIM_NO_PAGE)
		free_level(w, d->p2m_root, 0);
	d->p2m_root = XSIM_NO_PAGE;
	d->tot_pages = 0;
}
