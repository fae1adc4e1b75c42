/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/gntalloc: share pages of the caller's domain with another
 * domain (Linux 6.1 drivers/xen/gntalloc.c), plus the reference restrict.
 *
 * Each gref is one page of the caller's domain granted to the target
 * domain.  A gref lives while the file's list or an mmap still uses it
 * (Linux gref->users); when the last use goes, the unmap notification
 * runs and the grant is ended, the page being freed at once or, while
 * the grantee still maps it, at the grantee's last unmap (Linux 6.1
 * gnttab_end_foreign_access).
 *
 * The notification's event goes when the last use goes, whenever
 * SET_UNMAP_NOTIFY asked for it: on a restricted handle, an event that
 * would reach another domain is refused then (xsim_deferred_check,
 * grantmap.h) where the profile says so; the grant is released anyway.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <xensim/uapi.h>

#include "devpriv.h"
#include "grantmap.h"

/* Linux gntalloc.c "limit": grefs all gntalloc files may hold together. */
#define GNTALLOC_LIMIT		1024u
/* kcalloc of the id array: more than KMALLOC_MAX_SIZE (4 MiB) is ENOMEM. */
#define GNTALLOC_MAX_IDS	((4u << 20) / sizeof(uint32_t))

/* One shared page (Linux struct gntalloc_gref); sorted by file_index. */
struct gntalloc_gref {
	uint64_t file_index;	/* byte offset in the file */
	uint32_t ref;
	uint32_t page;
	uint32_t users;		/* the file list plus every mmap of it */
	uint32_t notify_port;
	uint16_t notify_pgoff;
	uint8_t notify_flags;
	uint8_t in_file;	/* still on the file's list */
	uint8_t pad[4];
};

/* One mmap (Linux struct gntalloc_vma_private_data). */
struct gntalloc_vma {
	uint64_t addr;
	uint64_t file_index;	/* byte offset of its first page */
	uint32_t count;
	uint32_t live;		/* pages not yet munmapped */
	uint8_t pad[8];
};

_Static_assert(sizeof(struct gntalloc_gref) == 32, "gref record size");
_Static_assert(sizeof(struct gntalloc_vma) == 32, "vma record size");

#define GREF_SZ		((uint32_t)sizeof(struct gntalloc_gref))
#define VMA_SZ		((uint32_t)sizeof(struct gntalloc_vma))

static struct gntalloc_gref *gref_at(struct xsim_world *w,
				     const struct xsim_gntalloc_state *st,
				     uint32_t i)
{
	return xsim_vec_at(w, st->grefs_page, GREF_SZ, i);
}

static uint32_t nr_grefs(struct xsim_world *w,
			 const struct xsim_gntalloc_state *st)
{
	return xsim_vec_len(w, st->grefs_page);
}

/* Linux's gref_size: grefs of every open gntalloc file. */
static uint64_t grefs_in_world(struct xsim_world *w)
{
	uint64_t total = 0;
	uint32_t slot;

	for (slot = 0; slot < w->sh->handles_used; slot++) {
		const struct xsim_handle *h = xsim_handle_get(w, slot);

		if (h->in_use && h->dev == XSIM_DEV_GNTALLOC)
			total += h->u.gntalloc.nr_grefs;
	}
	return total;
}

/*
 * Linux __del_gref: notify, end the grant, forget the record i.  Always
 * done; 0, or the refusal of the notification's event (not sent).
 */
static int del_gref(struct xsim_world *w, const struct xsim_caller *c,
		    const struct xsim_restrict_state *rs,
		    struct xsim_gntalloc_state *st, uint32_t i)
{
	struct gntalloc_gref *g = gref_at(w, st, i);
	int rc = 0;

	if (g->notify_flags & XSIM_UNMAP_NOTIFY_CLEAR_BYTE)
		((uint8_t *)xsim_page_va(w, g->page))[g->notify_pgoff] = 0;
	if (g->notify_flags & XSIM_UNMAP_NOTIFY_SEND_EVENT)
		rc = xsim_notify_send(c, rs, XSIM_DEV_GNTALLOC, g->notify_port);
	/* The page belongs to the grant table from here on. */
	(void)xsim_gnttab_end_access_page(c, g->ref);
	xsim_vec_remove(w, &st->grefs_page, GREF_SZ, i);
	st->nr_grefs--;
	return rc;
}

/*
 * Drop one use of record i; the last one deletes it.  Its callers are
 * munmap(2) and close(2), which cannot fail: a refused notification is
 * dropped, and the effect log's REFUSED record is all that shows it.
 */
static void put_gref(struct xsim_world *w, const struct xsim_caller *c,
		     const struct xsim_restrict_state *rs,
		     struct xsim_gntalloc_state *st, uint32_t i)
{
	struct gntalloc_gref *g = gref_at(w, st, i);

	if (g->users && --g->users)
		return;
	(void)del_gref(w, c, rs, st, i);
}

/*
 * Linux find_grefs: count grefs of the file list, consecutive in it and
 * in file offset from index.  The position of the first, or -1.
 */
static int64_t find_grefs(struct xsim_world *w,
			  const struct xsim_gntalloc_state *st, uint64_t index,
			  uint32_t count)
{
	uint32_t i, n = nr_grefs(w, st), first = 0, seen = 0;

	if (!count)
		return -1;
	for (i = 0; i < n; i++) {
		const struct gntalloc_gref *g = gref_at(w, st, i);

		if (!g->in_file)
			continue;
		if (!seen && g->file_index == index)
			first = i;
		else if (!seen)
			continue;
		if (g->file_index != index + (uint64_t)seen * XSIM_PAGE_SIZE)
			return -1;
		if (++seen == count)
			return first;
	}
	return -1;
}

/* Linux add_grefs: count zeroed pages of the caller, each granted. */
static int add_grefs(struct xsim_world *w, const struct xsim_caller *c,
		     const struct xsim_restrict_state *rs,
		     struct xsim_gntalloc_state *st,
		     const struct ioctl_gntalloc_alloc_gref *op)
{
	uint32_t base = nr_grefs(w, st), i;
	int rc = 0;

	for (i = 0; i < op->count; i++) {
		struct gntalloc_gref *g;
		uint32_t page, ref;

		page = xsim_page_alloc(w, c->domid, XSIM_PAGE_RAM);
		if (page == XSIM_NO_PAGE) {
			rc = -ENOMEM;
			break;
		}
		rc = xsim_gnttab_alloc_ref(c, &ref);
		if (rc) {
			xsim_page_free(w, page);
			break;
		}
		rc = xsim_gnttab_grant_page(c, ref, op->domid, page,
					    !(op->flags & GNTALLOC_FLAG_WRITABLE));
		if (rc) {
			(void)xsim_gnttab_end_access(c, ref);
			xsim_page_free(w, page);
			break;
		}
		rc = xsim_vec_resize(w, &st->grefs_page, GREF_SZ, base + i + 1);
		if (rc) {
			(void)xsim_gnttab_end_access_page(c, ref);
			break;
		}
		g = gref_at(w, st, base + i);
		g->file_index = op->index + (uint64_t)i * XSIM_PAGE_SIZE;
		g->ref = ref;
		g->page = page;
		g->users = 1;
		g->in_file = 1;
		st->nr_grefs++;
	}
	if (rc) {
		while (nr_grefs(w, st) > base)
			(void)del_gref(w, c, rs, st, nr_grefs(w, st) - 1);
	}
	return rc;
}

/* Linux gntalloc_ioctl_alloc, with the restrict audit on the grantee. */
static long ioctl_alloc_gref(struct xsim_world *w, struct xsim_file f,
			     struct xsim_handle *h, uint64_t arg,
			     const struct xsim_uaccess *ua)
{
	struct xsim_gntalloc_state *st = &h->u.gntalloc;
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct ioctl_gntalloc_alloc_gref op;
	uint64_t ids = arg + offsetof(struct ioctl_gntalloc_alloc_gref, gref_ids);
	uint32_t first, i;
	int rc;

	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	rc = xsim_audit_rule(xsim_world_profile(w), XSIM_OP_GNTALLOC_ALLOC_GREF,
			     &h->rs, op.domid, XSIM_AFTER_COPY);
	if (rc)
		return rc;
	if (op.count > GNTALLOC_MAX_IDS)
		return -ENOMEM;
	if (grefs_in_world(w) + op.count > GNTALLOC_LIMIT)
		return -ENOSPC;
	op.index = (uint64_t)st->next_index << XSIM_PAGE_SHIFT;
	st->next_index += op.count;
	first = nr_grefs(w, st);
	rc = add_grefs(w, &c, &h->rs, st, &op);
	if (rc)
		return rc;
	/*
	 * Linux keeps the grefs when the answer cannot be written back: the
	 * caller frees them by closing the file.
	 */
	if (xsim_copy_out(ua, arg, &op, sizeof(op)))
		return -EFAULT;
	for (i = 0; i < op.count; i++) {
		uint32_t ref = gref_at(w, st, first + i)->ref;

		if (xsim_copy_out(ua, ids + (uint64_t)i * sizeof(ref), &ref,
				  sizeof(ref)))
			return -EFAULT;
	}
	return 0;
}

/* Linux gntalloc_ioctl_dealloc: leave the file list; mmaps keep them. */
static long ioctl_dealloc_gref(struct xsim_world *w, struct xsim_file f,
			       struct xsim_handle *h, uint64_t arg,
			       const struct xsim_uaccess *ua)
{
	struct xsim_gntalloc_state *st = &h->u.gntalloc;
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct ioctl_gntalloc_dealloc_gref op;
	uint32_t i, left;
	int64_t at;
	int rc = 0, r;

	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	at = find_grefs(w, st, op.index, op.count);
	if (at < 0)
		return -EINVAL;
	for (i = (uint32_t)at, left = op.count; left; i++) {
		struct gntalloc_gref *g = gref_at(w, st, i);

		if (!g->in_file)
			continue;
		g->in_file = 0;
		left--;
		if (g->users == 1) {
			/*
			 * Every gref goes; a refused notification is the
			 * call's answer.
			 */
			r = del_gref(w, &c, &h->rs, st, i--);
			rc = rc ? rc : r;
			continue;
		}
		g->users--;
	}
	return rc;
}

/* Linux gntalloc_ioctl_unmap_notify. */
static long ioctl_set_unmap_notify(struct xsim_world *w, struct xsim_file f,
				   struct xsim_handle *h, uint64_t arg,
				   const struct xsim_uaccess *ua)
{
	struct xsim_gntalloc_state *st = &h->u.gntalloc;
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct ioctl_gntalloc_unmap_notify op;
	struct gntalloc_gref *g;
	int64_t at;

	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	at = find_grefs(w, st, op.index & ~(uint64_t)(XSIM_PAGE_SIZE - 1), 1);
	if (at < 0)
		return -ENOENT;
	if (op.action & ~XSIM_UNMAP_NOTIFY_ALL)
		return -EINVAL;
	if ((op.action & XSIM_UNMAP_NOTIFY_SEND_EVENT) &&
	    !xsim_notify_port_valid(&c, op.event_channel_port))
		return -EINVAL;
	g = gref_at(w, st, (uint32_t)at);
	g->notify_flags = (uint8_t)op.action;
	g->notify_pgoff = (uint16_t)(op.index & (XSIM_PAGE_SIZE - 1));
	g->notify_port = op.event_channel_port;
	return 0;
}

static long ioctl_restrict(struct xsim_world *w, struct xsim_handle *h,
			   uint64_t arg, const struct xsim_uaccess *ua)
{
	struct ioctl_gntdev_restrict_domid op;
	long rc;

	rc = xsim_dev_do_restrict(w, h, XSIM_DEV_GNTALLOC, 0, XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	return xsim_dev_do_restrict(w, h, XSIM_DEV_GNTALLOC, op.domid,
				    XSIM_AFTER_COPY);
}

static long gntalloc_ioctl(struct xsim_world *w, struct xsim_file f,
			   struct xsim_handle *h, unsigned long cmd,
			   uint64_t arg, const struct xsim_uaccess *ua)
{
	enum xsim_op op;
	long rc;

	switch (cmd) {
	case IOCTL_GNTALLOC_ALLOC_GREF:
		op = XSIM_OP_GNTALLOC_ALLOC_GREF;
		break;
	case IOCTL_GNTALLOC_DEALLOC_GREF:
		op = XSIM_OP_GNTALLOC_DEALLOC_GREF;
		break;
	case IOCTL_GNTALLOC_SET_UNMAP_NOTIFY:
		op = XSIM_OP_GNTALLOC_SET_UNMAP_NOTIFY;
		break;
	case IOCTL_GNTALLOC_RESTRICT_DOMID:
		return ioctl_restrict(w, h, arg, ua);
	default:
		return xsim_unknown_ioctl(w, XSIM_DEV_GNTALLOC);
	}
	rc = xsim_audit_rule(xsim_world_profile(w), op, &h->rs, XSIM_NO_TARGET,
			     XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	switch (op) {
	case XSIM_OP_GNTALLOC_ALLOC_GREF:
		return ioctl_alloc_gref(w, f, h, arg, ua);
	case XSIM_OP_GNTALLOC_DEALLOC_GREF:
		return ioctl_dealloc_gref(w, f, h, arg, ua);
	default:
		return ioctl_set_unmap_notify(w, f, h, arg, ua);
	}
}

/* Linux gntalloc_mmap: count grefs of the file list from pgoff. */
static int gntalloc_mmap(struct xsim_world *w, struct xsim_file f,
			 struct xsim_handle *h, uint64_t addr, uint64_t len,
			 uint64_t pgoff, int prot, const struct xsim_uaccess *ua)
{
	struct xsim_gntalloc_state *st = &h->u.gntalloc;
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	uint64_t count = (len + XSIM_PAGE_SIZE - 1) >> XSIM_PAGE_SHIFT;
	uint32_t i, done, nvma;
	struct gntalloc_vma *v;
	int64_t at;
	int rc = 0;

	if (!ua->map_page)
		return -ENODEV;	/* a transport without mmap (CUSE) */
	if (!count || count > UINT32_MAX || pgoff > UINT64_MAX >> XSIM_PAGE_SHIFT)
		return -EINVAL;
	at = find_grefs(w, st, pgoff << XSIM_PAGE_SHIFT, (uint32_t)count);
	if (at < 0)
		return -ENOENT;
	nvma = xsim_vec_len(w, st->vmas_page);
	rc = xsim_vec_resize(w, &st->vmas_page, VMA_SZ, nvma + 1);
	if (rc)
		return rc;
	for (i = (uint32_t)at, done = 0; done < count && !rc; i++) {
		struct gntalloc_gref *g = gref_at(w, st, i);

		if (!g->in_file)
			continue;
		g->users++;
		done++;
		rc = ua->map_page(ua->ctx, addr + ((uint64_t)(done - 1) <<
						   XSIM_PAGE_SHIFT),
				  g->page, prot);
	}
	if (rc) {
		/* Give back the uses taken so far; nothing can hit zero here. */
		for (i = (uint32_t)at; done; i++) {
			struct gntalloc_gref *g = gref_at(w, st, i);

			if (!g->in_file)
				continue;
			put_gref(w, &c, &h->rs, st, i);
			done--;
		}
		(void)xsim_vec_resize(w, &st->vmas_page, VMA_SZ, nvma);
		return rc;
	}
	v = xsim_vec_at(w, st->vmas_page, VMA_SZ, nvma);
	v->addr = addr;
	v->file_index = pgoff << XSIM_PAGE_SHIFT;
	v->count = (uint32_t)count;
	v->live = (uint32_t)count;
	return 0;
}

/* Linux gntalloc_vma_close: every gref of the mapping loses a use. */
static void close_vma(struct xsim_world *w, const struct xsim_caller *c,
		      const struct xsim_restrict_state *rs,
		      struct xsim_gntalloc_state *st, uint32_t vi)
{
	const struct gntalloc_vma *v = xsim_vec_at(w, st->vmas_page, VMA_SZ, vi);
	uint64_t lo = v->file_index;
	uint64_t hi = lo + ((uint64_t)v->count << XSIM_PAGE_SHIFT);
	uint32_t i;

	for (i = 0; i < nr_grefs(w, st); i++) {
		uint64_t fi = gref_at(w, st, i)->file_index;
		uint32_t before = nr_grefs(w, st);

		if (fi < lo || fi >= hi)
			continue;
		put_gref(w, c, rs, st, i);
		if (nr_grefs(w, st) < before)
			i--;
	}
	xsim_vec_remove(w, &st->vmas_page, VMA_SZ, vi);
}

static void gntalloc_munmap(struct xsim_world *w, struct xsim_file f,
			    struct xsim_handle *h, uint64_t addr, uint64_t len)
{
	struct xsim_gntalloc_state *st = &h->u.gntalloc;
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;
	uint32_t i;

	for (i = 0; i < xsim_vec_len(w, st->vmas_page); i++) {
		struct gntalloc_vma *v = xsim_vec_at(w, st->vmas_page, VMA_SZ, i);
		uint64_t vend = v->addr + ((uint64_t)v->count << XSIM_PAGE_SHIFT);
		uint64_t s, e, pages;

		if (v->addr >= end || vend <= addr)
			continue;
		s = addr > v->addr ? addr : v->addr;
		e = end < vend ? end : vend;
		pages = (e - s + XSIM_PAGE_SIZE - 1) >> XSIM_PAGE_SHIFT;
		v->live = pages >= v->live ? 0 : v->live - (uint32_t)pages;
		if (!v->live)
			close_vma(w, &c, &h->rs, st, i--);
	}
}

/* Linux gntalloc_release; the simulator also drops what mmaps still hold. */
static void gntalloc_release(struct xsim_world *w, struct xsim_file f,
			     struct xsim_handle *h)
{
	struct xsim_gntalloc_state *st = &h->u.gntalloc;
	struct xsim_caller c = xsim_handle_caller(w, f, h);

	/* close(2) cannot fail: refused notifications are only logged. */
	while (nr_grefs(w, st))
		(void)del_gref(w, &c, &h->rs, st, nr_grefs(w, st) - 1);
	xsim_vec_free(w, &st->grefs_page);
	xsim_vec_free(w, &st->vmas_page);
	memset(st, 0, sizeof(*st));
}

const struct xsim_dev_ops xsim_gntalloc_ops = {
	.dev = XSIM_DEV_GNTALLOC,
	.release = gntalloc_release,
	.ioctl = gntalloc_ioctl,
	.mmap = gntalloc_mmap,
	.munmap = gntalloc_munmap,
};
