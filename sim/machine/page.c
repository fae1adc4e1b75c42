/* SPDX-License-Identifier: MIT */
/*
 * The page pool: every 4 KiB page of the world (guest RAM, grant frames,
 * ioreq pages and the simulator's own metadata) comes from one free list,
 * so mapping any of them is an mmap of the world file at a fixed offset.
 */
#include <string.h>

#include <xensim/machine.h>

#include "layout.h"

uint32_t xsim_page_alloc(struct xsim_world *w, uint16_t owner, uint8_t type)
{
	struct xsim_shared *sh = w->sh;
	uint32_t page = sh->free_head;
	struct xsim_page *pg;

	/* Failure point (fail.h): every caller answers -ENOMEM, as Xen does. */
	if (xsim_fail(XSIM_FAIL_PAGE))
		return XSIM_NO_PAGE;
	if (page == XSIM_NO_PAGE)
		return XSIM_NO_PAGE;
	pg = xsim_page_meta(w, page);
	/*
	 * The head was range-checked at lock (world_check.c); the page it
	 * names must be free and link on to a page that exists.
	 */
	if (__builtin_expect(pg->type != XSIM_PAGE_FREE ||
			     pg->next_free >= w->nr_pages ||
			     !sh->free_pages, 0)) {
		if (pg->type > XSIM_PAGE_IOREQ)
			xsim_world_corrupt(w, "page metadata: page %u has type %u",
					   page, pg->type);
		else
			xsim_world_corrupt(w, "free list: page %u (type %u, next %u) with %u pages free",
					   page, pg->type, pg->next_free,
					   sh->free_pages);
		return XSIM_NO_PAGE;
	}
	sh->free_head = pg->next_free;
	sh->free_pages--;
	pg->next_free = XSIM_NO_PAGE;
	pg->owner = owner;
	pg->type = type;
	pg->maps = 0;
	pg->gfn = 0;
	memset(xsim_page_va(w, page), 0, XSIM_PAGE_SIZE);
	return page;
}

void xsim_page_free(struct xsim_world *w, uint32_t page)
{
	struct xsim_shared *sh = w->sh;
	struct xsim_page *pg;

	if (page == XSIM_NO_PAGE)
		return;
	pg = xsim_page_meta(w, page);
	if (pg->type == XSIM_PAGE_FREE)
		return;
	if (__builtin_expect(pg->type > XSIM_PAGE_IOREQ, 0)) {
		xsim_world_corrupt(w, "page metadata: page %u has type %u",
				   page, pg->type);
		return;
	}
	pg->type = XSIM_PAGE_FREE;
	pg->owner = 0;
	pg->next_free = sh->free_head;
	sh->free_head = page;
	sh->free_pages++;
}

uint64_t xsim_page_file_offset(const struct xsim_world *w, uint32_t page)
{
	return (uint64_t)(w->pages - w->base) + (uint64_t)page * XSIM_PAGE_SIZE;
}

bool xsim_page_owned_by(const struct xsim_world *w, uint32_t page,
			uint32_t domid)
{
	const struct xsim_page *pg;

	if (page == XSIM_NO_PAGE || page >= w->nr_pages)
		return false;
	pg = xsim_page_meta(w, page);
	return pg->owner == domid && pg->type != XSIM_PAGE_FREE &&
	       pg->type != XSIM_PAGE_META;
}

/* Machine frames: machine.h, XSIM_MFN_BASE. */
uint64_t xsim_page_mfn(uint32_t page)
{
	return XSIM_MFN_BASE + (uint64_t)page;
}

uint64_t xsim_mfn_limit(const struct xsim_world *w)
{
	return XSIM_MFN_BASE + (uint64_t)w->nr_pages;
}

uint32_t xsim_mfn_page(const struct xsim_world *w, uint64_t mfn)
{
	if (mfn <= XSIM_MFN_BASE || mfn >= xsim_mfn_limit(w))
		return XSIM_NO_PAGE;	/* page 0 is never allocated */
	return (uint32_t)(mfn - XSIM_MFN_BASE);
}
