/* SPDX-License-Identifier: MIT */
/*
 * Checking the world's own structures before they are used: the header's
 * geometry at attach, the header's counters at every lock, a domain slot
 * when it is looked up.  What is checked where, and why it is cheap
 * enough for the per-ioctl path: sim/WORLDS.md, "A corrupted world".
 * Failures go to xsim_world_corrupt (world_guard.c).
 */
#include <errno.h>
#include <stdio.h>

#include <xensim/machine.h>

#include "layout.h"

/* Does [off, off + len) lie inside the file, 64-byte aligned? */
static bool fits(uint64_t off, uint64_t len, uint64_t size)
{
	return !(off & 63) && off <= size && len <= size - off;
}

int xsim_world_adopt_geometry(struct xsim_world *w, char *why, size_t len)
{
	const struct xsim_shared *sh = w->sh;
	const char *what = NULL;
	uint32_t mask = 0;

	if (sh->size != w->size)
		what = "size";
	else if (sh->nr_pages < 2)
		what = "nr_pages";
	else if (sh->max_handles < 1)
		what = "max_handles";
	else if (!fits(sh->page_meta_off, (uint64_t)sh->nr_pages *
		       sizeof(struct xsim_page), w->size) ||
		 sh->page_meta_off < sizeof(*sh))
		what = "page_meta_off";
	else if (!fits(sh->domains_off, (uint64_t)XSIM_DOMID_FIRST_RESERVED *
		       sizeof(struct xsim_domain), w->size))
		what = "domains_off";
	else if (!fits(sh->handles_off, (uint64_t)sh->max_handles *
		       XSIM_HANDLE_BYTES, w->size))
		what = "handles_off";
	else if (!fits(sh->effect_off, sizeof(struct xsim_effect_ring), w->size))
		what = "effect_off";
	else if ((sh->pages_off & (XSIM_PAGE_SIZE - 1)) ||
		 !fits(sh->pages_off, (uint64_t)sh->nr_pages * XSIM_PAGE_SIZE,
		       w->size))
		what = "pages_off";
	if (!what) {
		mask = ((const struct xsim_effect_ring *)
			(w->base + sh->effect_off))->mask;
		if ((mask & ((uint64_t)mask + 1)) ||
		    !fits(sh->effect_off, sizeof(struct xsim_effect_ring) +
			  ((uint64_t)mask + 1) * sizeof(struct xsim_effect),
			  w->size))
			what = "effect ring mask";
	}
	if (what) {
		snprintf(why, len, "header: %s does not fit the %llu-byte file",
			 what, (unsigned long long)w->size);
		return -EIO;
	}
	w->nr_pages = sh->nr_pages;
	w->max_handles = sh->max_handles;
	w->effect_mask = mask;
	w->page_meta = (struct xsim_page *)(w->base + sh->page_meta_off);
	w->domains = (struct xsim_domain *)(w->base + sh->domains_off);
	w->handles = (struct xsim_handle_slot *)(w->base + sh->handles_off);
	w->effect = (struct xsim_effect_ring *)(w->base + sh->effect_off);
	w->pages = w->base + sh->pages_off;
	return 0;
}

/*
 * Every lock: the geometry must still be what the view was built from,
 * and the counters that index tables must be in range.  A dozen loads
 * from two cache lines the lock just brought in.
 */
void xsim_world_check_header(struct xsim_world *w)
{
	const struct xsim_shared *sh = w->sh;
	const uint8_t *b = w->base;

	if (__builtin_expect(sh->size != w->size ||
			     sh->nr_pages != w->nr_pages ||
			     sh->max_handles != w->max_handles ||
			     b + sh->page_meta_off != (uint8_t *)w->page_meta ||
			     b + sh->domains_off != (uint8_t *)w->domains ||
			     b + sh->handles_off != (uint8_t *)w->handles ||
			     b + sh->effect_off != (uint8_t *)w->effect ||
			     b + sh->pages_off != w->pages, 0)) {
		xsim_world_corrupt(w, "header: the table offsets and sizes changed since this process attached");
		return;
	}
	if (__builtin_expect(sh->free_head >= w->nr_pages ||
			     sh->free_pages >= w->nr_pages ||
			     (sh->free_head == XSIM_NO_PAGE) !=
			     (sh->free_pages == 0), 0)) {
		xsim_world_corrupt(w, "free list: head page %u with %u pages free (%u pages)",
				   sh->free_head, sh->free_pages, w->nr_pages);
		return;
	}
	if (__builtin_expect(sh->handle_free_head > w->max_handles ||
			     sh->handles_used > w->max_handles ||
			     sh->handles_open > w->max_handles, 0)) {
		xsim_world_corrupt(w, "handle table: free head %u, %u used, %u open (%u slots)",
				   sh->handle_free_head, sh->handles_used,
				   sh->handles_open, w->max_handles);
		return;
	}
	if (__builtin_expect(sh->nr_domains > XSIM_DOMID_FIRST_RESERVED ||
			     sh->next_domid >= XSIM_DOMID_FIRST_RESERVED, 0))
		xsim_world_corrupt(w, "domain table: %u domains, next domid %u",
				   sh->nr_domains, sh->next_domid);
}

/*
 * A live domain slot: the counts that index arrays inside it must be in
 * range, and it must say it is the domain it is the slot of.  Page
 * indices inside it are checked where they are used (xsim_page_va); the
 * ioreq server and range counts are only counts (dm_op.c walks the fixed
 * arrays by their used flags), so garbage there cannot index anything.
 */
bool xsim_dom_check(struct xsim_world *w, const struct xsim_domain *d,
		    uint32_t domid)
{
	const char *what = NULL;

	if (d->domid != domid)
		what = "domid";
	else if (d->gnttab_max_frames > XSIM_GNTTAB_MAX_FRAMES ||
		 d->gnttab_nr_frames > d->gnttab_max_frames)
		what = "grant-table frame count";
	else if (d->max_evtchn_port >= XSIM_EVTCHN_2L_NR)
		what = "max_evtchn_port";
	else if (d->p2m_root >= w->nr_pages)
		what = "p2m root page";
	if (__builtin_expect(!what, 1))
		return true;
	xsim_world_corrupt(w, "domain table: domain %u: bad %s", domid, what);
	return false;
}
