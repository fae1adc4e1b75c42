/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/gntdev: map other domains' grants into the caller (Linux 6.1
 * drivers/xen/gntdev.c), plus the reference restrict.
 *
 * As in Linux, MAP_GRANT_REF only reserves a range of file offsets and
 * remembers the grants; mmap() of exactly that range maps them.  The
 * munmap of a mapping unmaps its grants at once (Linux with PV page
 * tables: the MMU notifier), while the record stays until
 * UNMAP_GRANT_REF; a record is never mmapped twice (map->in_use).
 *
 * The restrict audit sees only copies: the grant list is copied once at
 * MAP_GRANT_REF, audited per domid, and mmap acts on that copy; each
 * grant-copy segment is copied, audited, then performed.  What a record
 * does later (the mmap of grants recorded before the restrict, the unmap
 * notification's event) is held to the restriction when it happens
 * (xsim_deferred_check, grantmap.h), where the profile says so.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include <xensim/uapi.h>

#include "devpriv.h"
#include "grantmap.h"

/* Linux 6.1 gntdev.c "limit": grants one MAP_GRANT_REF may name. */
#define GNTDEV_LIMIT		(64u * 1024u)
/* Xen public grant_table.h GNTCOPY_* (not part of the Linux uapi). */
#define GNTCOPY_SOURCE_GREF	(1u << 0)
#define GNTCOPY_DEST_GREF	(1u << 1)
#define STATUS_OFFSET	offsetof(struct gntdev_grant_copy_segment, status)
/* Xen public grant_table.h, as the machine logs a map (effect subop). */
#define GNTTABOP_map_grant_ref	0u

/* One grant of a map record. */
struct gntdev_grant {
	uint32_t domid;		/* audited in full, mapped as domid_t */
	uint32_t ref;
	uint32_t page;		/* world page while mapped */
	uint8_t mapped;
	uint8_t pad[3];
};

/* One MAP_GRANT_REF (Linux struct gntdev_grant_map); sorted by index. */
struct gntdev_map {
	uint32_t index;		/* first page of its file range */
	uint32_t count;
	uint32_t grants;	/* vector of struct gntdev_grant */
	uint32_t live;		/* grants currently mapped */
	uint64_t vaddr;		/* where the mmap put it */
	uint8_t listed;		/* on the file's list (Linux priv->maps) */
	uint8_t vma;		/* an mmap of it is in place */
	uint8_t in_use;		/* mmapped once already */
	uint8_t readonly;	/* GNTMAP_readonly, chosen by the mmap */
	uint8_t notify_flags;	/* UNMAP_NOTIFY_* */
	uint8_t pad[3];
	uint32_t notify_addr;	/* byte offset from the start of the range */
	uint32_t notify_port;
	uint8_t pad2[24];
};

_Static_assert(sizeof(struct gntdev_grant) == 16, "grant record size");
_Static_assert(sizeof(struct gntdev_map) == 64, "map record size");

#define GRANT_SZ	((uint32_t)sizeof(struct gntdev_grant))
#define MAP_SZ		((uint32_t)sizeof(struct gntdev_map))

static struct gntdev_map *map_at(struct xsim_world *w,
				 const struct xsim_gntdev_state *st, uint32_t i)
{
	return xsim_vec_at(w, st->maps_page, MAP_SZ, i);
}

static struct gntdev_grant *grant_at(struct xsim_world *w,
				     const struct gntdev_map *m, uint32_t i)
{
	return xsim_vec_at(w, m->grants, GRANT_SZ, i);
}

static uint32_t nr_maps(struct xsim_world *w, const struct xsim_gntdev_state *st)
{
	return xsim_vec_len(w, st->maps_page);
}

static const struct xsim_profile *profile(const struct xsim_world *w)
{
	return xsim_world_profile(w);
}

/*
 * Unmap the mapped grants among [first, first + n) (Linux
 * __unmap_grant_pages): the clear-byte notification fires first, while
 * the page is still mapped, if its byte lies in the range.
 */
static void unmap_range(struct xsim_world *w, const struct xsim_caller *c,
			struct gntdev_map *m, uint32_t first, uint32_t n)
{
	uint32_t i, pgno = m->notify_addr >> XSIM_PAGE_SHIFT;

	if ((m->notify_flags & XSIM_UNMAP_NOTIFY_CLEAR_BYTE) && pgno >= first &&
	    pgno - first < n && pgno < m->count) {
		struct gntdev_grant *g = grant_at(w, m, pgno);

		if (g->mapped) {
			uint8_t *va = xsim_page_va(w, g->page);

			va[m->notify_addr & (XSIM_PAGE_SIZE - 1)] = 0;
			m->notify_flags &= ~XSIM_UNMAP_NOTIFY_CLEAR_BYTE;
		}
	}
	for (i = first; i < first + n && i < m->count; i++) {
		struct gntdev_grant *g = grant_at(w, m, i);

		if (!g->mapped)
			continue;
		(void)xsim_gnttab_unmap(c, (uint16_t)g->domid, g->ref);
		g->mapped = 0;
		m->live--;
	}
}

/*
 * The last reference to record i went (Linux gntdev_put_map).  The record
 * goes in any case; 0, or the refusal of its notification (a restricted
 * handle's event to another domain, not sent).
 */
static int destroy_map(struct xsim_world *w, const struct xsim_caller *c,
		       const struct xsim_restrict_state *rs,
		       struct xsim_gntdev_state *st, uint32_t i)
{
	struct gntdev_map *m = map_at(w, st, i);
	int rc = 0;

	unmap_range(w, c, m, 0, m->count);
	if (m->notify_flags & XSIM_UNMAP_NOTIFY_SEND_EVENT)
		rc = xsim_notify_send(c, rs, XSIM_DEV_GNTDEV, m->notify_port);
	if (m->listed)
		st->nr_mapped -= m->count;
	xsim_vec_free(w, &m->grants);
	xsim_vec_remove(w, &st->maps_page, MAP_SZ, i);
	return rc;
}

/*
 * Linux gntdev_add_map: the first gap among the listed records, in index
 * order, strictly larger than count.  Inserts a zeroed record there.
 */
static int add_map(struct xsim_world *w, struct xsim_gntdev_state *st,
		   uint32_t count, uint32_t *pos)
{
	uint32_t n = nr_maps(w, st), i, at, index = 0;
	struct gntdev_map *m;
	int rc;

	for (i = 0; i < n; i++) {
		m = map_at(w, st, i);
		if (!m->listed)
			continue;
		if ((uint64_t)index + count < m->index)
			break;
		index = m->index + m->count;
	}
	if (index > UINT32_MAX - count)
		return -ENOMEM;
	for (at = 0; at < n && map_at(w, st, at)->index <= index; at++)
		;
	rc = xsim_vec_insert(w, &st->maps_page, MAP_SZ, at);
	if (rc)
		return rc;
	m = map_at(w, st, at);
	m->index = index;
	m->count = count;
	m->listed = 1;
	st->nr_mapped += count;
	*pos = at;
	return 0;
}

/*
 * Grants in one page of a grant vector: copy_refs and audit_refs walk a
 * page at a time, one lookup per page rather than per grant.
 */
#define GRANTS_PER_PAGE	(XSIM_PAGE_SIZE / GRANT_SZ)

/* Copy refs[count] after the header into a grant vector. */
static int copy_refs(struct xsim_world *w, const struct xsim_uaccess *ua,
		     uint64_t uaddr, uint32_t count, uint32_t grants)
{
	struct ioctl_gntdev_grant_ref chunk[GRANTS_PER_PAGE];
	uint32_t done, i;

	for (done = 0; done < count; done += i) {
		uint32_t n = count - done < GRANTS_PER_PAGE ? count - done :
							      GRANTS_PER_PAGE;
		uint64_t at = uaddr + (uint64_t)done * sizeof(chunk[0]);
		struct gntdev_grant *g;

		if (xsim_copy_in(ua, chunk, at, n * sizeof(chunk[0])))
			return -EFAULT;
		/* done is a multiple of GRANTS_PER_PAGE: one page. */
		g = xsim_vec_at(w, grants, GRANT_SZ, done);
		for (i = 0; i < n; i++) {
			g[i].domid = chunk[i].domid;
			g[i].ref = chunk[i].ref;
		}
	}
	return 0;
}

/*
 * The restrict audit of every grant, in order; the first refusal.  The
 * audit depends on the domid alone (sim/dev/audit.c), so a grant naming
 * the domid just allowed is allowed too and is not asked again.
 */
static int audit_refs(struct xsim_world *w, const struct xsim_handle *h,
		      uint32_t count, uint32_t grants)
{
	const struct gntdev_grant *g = NULL;
	uint32_t i, allowed = 0;
	bool any = false;
	int rc;

	for (i = 0; i < count; i++) {
		if (i % GRANTS_PER_PAGE == 0)
			g = xsim_vec_at(w, grants, GRANT_SZ, i);
		if (any && g[i % GRANTS_PER_PAGE].domid == allowed)
			continue;
		allowed = g[i % GRANTS_PER_PAGE].domid;
		rc = xsim_audit_rule(profile(w), XSIM_OP_GNTDEV_MAP_GRANT_REF,
				     &h->rs, allowed, XSIM_AFTER_COPY);
		if (rc)
			return rc;
		any = true;
	}
	return 0;
}

/* Linux gntdev_ioctl_map_grant_ref, with the restrict audit per grant. */
static long ioctl_map_grant_ref(struct xsim_world *w, struct xsim_handle *h,
				uint64_t arg, const struct xsim_uaccess *ua)
{
	struct xsim_gntdev_state *st = &h->u.gntdev;
	struct ioctl_gntdev_map_grant_ref op;
	uint32_t grants = XSIM_NO_PAGE, pos;
	int rc;

	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	if (!op.count || op.count > GNTDEV_LIMIT)
		return -EINVAL;
	/* SET_MAX_GRANTS (proposed only): Linux 2.6.37's per-file limit. */
	if (st->max_grants) {
		if (op.count > st->max_grants)
			return -EINVAL;
		if (st->nr_mapped + op.count > st->max_grants)
			return -ENOMEM;
	}
	rc = xsim_vec_resize(w, &grants, GRANT_SZ, op.count);
	if (rc)
		return rc;
	rc = copy_refs(w, ua,
		       arg + offsetof(struct ioctl_gntdev_map_grant_ref, refs),
		       op.count, grants);
	if (!rc)
		rc = audit_refs(w, h, op.count, grants);
	if (!rc)
		rc = add_map(w, st, op.count, &pos);
	if (rc) {
		xsim_vec_free(w, &grants);
		return rc;
	}
	map_at(w, st, pos)->grants = grants;
	op.index = (uint64_t)map_at(w, st, pos)->index << XSIM_PAGE_SHIFT;
	/* Linux 6.1 keeps the record when the index cannot be written back. */
	if (xsim_copy_out(ua, arg, &op, sizeof(op)))
		return -EFAULT;
	return 0;
}

static long ioctl_unmap_grant_ref(struct xsim_world *w, struct xsim_file f,
				  struct xsim_handle *h, uint64_t arg,
				  const struct xsim_uaccess *ua)
{
	struct xsim_gntdev_state *st = &h->u.gntdev;
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct ioctl_gntdev_unmap_grant_ref op;
	uint32_t i, n = nr_maps(w, st);

	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	/* gntdev_find_map_index: count 0 matches any size. */
	for (i = 0; i < n; i++) {
		struct gntdev_map *m = map_at(w, st, i);

		if (!m->listed || m->index != op.index >> XSIM_PAGE_SHIFT ||
		    (op.count && m->count != op.count))
			continue;
		m->listed = 0;
		st->nr_mapped -= m->count;
		/*
		 * A live mmap holds the record until its munmap.  A refused
		 * notification is this call's answer (the record is gone).
		 */
		if (!m->vma)
			return destroy_map(w, &c, &h->rs, st, i);
		return 0;
	}
	return -ENOENT;
}

/* Linux 6.1 finds the VMA containing vaddr; it must be one of ours. */
static long ioctl_get_offset_for_vaddr(struct xsim_world *w,
				       struct xsim_handle *h, uint64_t arg,
				       const struct xsim_uaccess *ua)
{
	struct xsim_gntdev_state *st = &h->u.gntdev;
	struct ioctl_gntdev_get_offset_for_vaddr op;
	uint32_t i, n = nr_maps(w, st);

	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	for (i = 0; i < n; i++) {
		const struct gntdev_map *m = map_at(w, st, i);

		if (!m->vma || op.vaddr < m->vaddr ||
		    op.vaddr - m->vaddr >= (uint64_t)m->count << XSIM_PAGE_SHIFT)
			continue;
		op.offset = (uint64_t)m->index << XSIM_PAGE_SHIFT;
		op.count = m->count;
		return xsim_copy_out(ua, arg, &op, sizeof(op)) ? -EFAULT : 0;
	}
	return -EINVAL;
}

/*
 * The header's SET_MAX_GRANTS, which 6.1 does not implement; profiles
 * that offer it get Linux 2.6.37's: a per-file limit on grants held at
 * once, at most the module limit (E2BIG).  0 restores "no per-file limit".
 */
static long ioctl_set_max_grants(struct xsim_handle *h, uint64_t arg,
				 const struct xsim_uaccess *ua)
{
	struct ioctl_gntdev_set_max_grants op;

	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	if (op.count > GNTDEV_LIMIT)
		return -E2BIG;
	h->u.gntdev.max_grants = op.count;
	return 0;
}

/* Linux gntdev_ioctl_notify. */
static long ioctl_set_unmap_notify(struct xsim_world *w, struct xsim_file f,
				   struct xsim_handle *h, uint64_t arg,
				   const struct xsim_uaccess *ua)
{
	struct xsim_gntdev_state *st = &h->u.gntdev;
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct ioctl_gntdev_unmap_notify op;
	uint32_t i, n = nr_maps(w, st);

	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	if (op.action & ~XSIM_UNMAP_NOTIFY_ALL)
		return -EINVAL;
	if ((op.action & XSIM_UNMAP_NOTIFY_SEND_EVENT) &&
	    !xsim_notify_port_valid(&c, op.event_channel_port))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct gntdev_map *m = map_at(w, st, i);
		uint64_t begin = (uint64_t)m->index << XSIM_PAGE_SHIFT;
		uint64_t end = (uint64_t)(m->index + m->count) << XSIM_PAGE_SHIFT;

		if (!m->listed || op.index < begin || op.index >= end)
			continue;
		if ((op.action & XSIM_UNMAP_NOTIFY_CLEAR_BYTE) && m->readonly)
			return -EINVAL;
		m->notify_flags = (uint8_t)op.action;
		m->notify_addr = (uint32_t)(op.index - begin);
		m->notify_port = op.event_channel_port;
		return 0;
	}
	return -ENOENT;
}

/* One side of a copy in the caller's memory: 0 or -EFAULT. */
static int local_side(const struct xsim_uaccess *ua, uint64_t virt, void *buf,
		      uint32_t len, bool write)
{
	return write ? xsim_copy_out(ua, virt, buf, len) :
		       xsim_copy_in(ua, buf, virt, len);
}

/*
 * Linux gntdev_grant_copy_seg, one segment at a time: its EINVAL checks,
 * status set to okay, then the copy; a failed copy leaves its GNTST in
 * the segment's status.  Returns 0 or -errno for the whole ioctl.
 */
static int copy_segment(const struct xsim_caller *c,
			const struct xsim_uaccess *ua,
			const struct gntdev_grant_copy_segment *seg,
			uint64_t status_uaddr)
{
	uint8_t bounce[XSIM_PAGE_SIZE];
	bool src_gref = seg->flags & GNTCOPY_SOURCE_GREF;
	bool dst_gref = seg->flags & GNTCOPY_DEST_GREF;
	int16_t status = XSIM_GNTST_okay;

	if (!src_gref && !dst_gref)
		return -EINVAL;	/* no local-to-local copies */
	if (src_gref && seg->source.foreign.offset + seg->len > XSIM_PAGE_SIZE)
		return -EINVAL;
	if (dst_gref && seg->dest.foreign.offset + seg->len > XSIM_PAGE_SIZE)
		return -EINVAL;
	if (xsim_copy_out(ua, status_uaddr, &status, sizeof(status)))
		return -EFAULT;
	if (!seg->len)
		return 0;	/* Linux issues no operation at all */
	if (src_gref)
		status = (int16_t)xsim_gnttab_copy(c, seg->source.foreign.domid,
						   seg->source.foreign.ref,
						   seg->source.foreign.offset,
						   bounce, seg->len, false);
	else if (local_side(ua, (uint64_t)(uintptr_t)seg->source.virt, bounce,
			    seg->len, false))
		return -EFAULT;
	if (status == XSIM_GNTST_okay) {
		if (dst_gref)
			status = (int16_t)xsim_gnttab_copy(c,
					seg->dest.foreign.domid,
					seg->dest.foreign.ref,
					seg->dest.foreign.offset, bounce,
					seg->len, true);
		else if (local_side(ua, (uint64_t)(uintptr_t)seg->dest.virt,
				    bounce, seg->len, true))
			return -EFAULT;
	}
	if (status != XSIM_GNTST_okay &&
	    xsim_copy_out(ua, status_uaddr, &status, sizeof(status)))
		return -EFAULT;
	return 0;
}

/* Linux gntdev_ioctl_grant_copy; count 0 does nothing (QEMU probes it). */
static long ioctl_grant_copy(struct xsim_world *w, struct xsim_file f,
			     struct xsim_handle *h, uint64_t arg,
			     const struct xsim_uaccess *ua)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct ioctl_gntdev_grant_copy op;
	uint32_t i;

	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	for (i = 0; i < op.count; i++) {
		struct gntdev_grant_copy_segment seg;
		uint64_t at = (uint64_t)(uintptr_t)op.segments +
			      (uint64_t)i * sizeof(seg);
		int rc = 0;

		if (xsim_copy_in(ua, &seg, at, sizeof(seg)))
			return -EFAULT;
		if (seg.flags & GNTCOPY_SOURCE_GREF)
			rc = xsim_audit_rule(profile(w),
					     XSIM_OP_GNTDEV_GRANT_COPY, &h->rs,
					     seg.source.foreign.domid,
					     XSIM_AFTER_COPY);
		if (!rc && (seg.flags & GNTCOPY_DEST_GREF))
			rc = xsim_audit_rule(profile(w),
					     XSIM_OP_GNTDEV_GRANT_COPY, &h->rs,
					     seg.dest.foreign.domid,
					     XSIM_AFTER_COPY);
		if (!rc)
			rc = copy_segment(&c, ua, &seg, at + STATUS_OFFSET);
		if (rc)
			return rc;
	}
	return 0;
}

static long ioctl_restrict(struct xsim_world *w, struct xsim_handle *h,
			   uint64_t arg, const struct xsim_uaccess *ua)
{
	struct ioctl_gntdev_restrict_domid op;
	long rc;

	rc = xsim_dev_do_restrict(w, h, XSIM_DEV_GNTDEV, 0, XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	return xsim_dev_do_restrict(w, h, XSIM_DEV_GNTDEV, op.domid,
				    XSIM_AFTER_COPY);
}

static int ioctl_op(unsigned long cmd, enum xsim_op *op)
{
	switch (cmd) {
	case IOCTL_GNTDEV_MAP_GRANT_REF:
		*op = XSIM_OP_GNTDEV_MAP_GRANT_REF;
		return 0;
	case IOCTL_GNTDEV_UNMAP_GRANT_REF:
		*op = XSIM_OP_GNTDEV_UNMAP_GRANT_REF;
		return 0;
	case IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR:
		*op = XSIM_OP_GNTDEV_GET_OFFSET_FOR_VADDR;
		return 0;
	case IOCTL_GNTDEV_SET_MAX_GRANTS:
		*op = XSIM_OP_GNTDEV_SET_MAX_GRANTS;
		return 0;
	case IOCTL_GNTDEV_SET_UNMAP_NOTIFY:
		*op = XSIM_OP_GNTDEV_SET_UNMAP_NOTIFY;
		return 0;
	case IOCTL_GNTDEV_GRANT_COPY:
		*op = XSIM_OP_GNTDEV_GRANT_COPY;
		return 0;
	case IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS:
		*op = XSIM_OP_GNTDEV_DMABUF_EXP_FROM_REFS;
		return 0;
	case IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED:
		*op = XSIM_OP_GNTDEV_DMABUF_EXP_WAIT_RELEASED;
		return 0;
	case IOCTL_GNTDEV_DMABUF_IMP_TO_REFS:
		*op = XSIM_OP_GNTDEV_DMABUF_IMP_TO_REFS;
		return 0;
	case IOCTL_GNTDEV_DMABUF_IMP_RELEASE:
		*op = XSIM_OP_GNTDEV_DMABUF_IMP_RELEASE;
		return 0;
	case IOCTL_GNTDEV_RESTRICT_DOMID:
		*op = XSIM_OP_GNTDEV_RESTRICT;
		return 0;
	default:
		return -1;
	}
}

static long gntdev_ioctl(struct xsim_world *w, struct xsim_file f,
			 struct xsim_handle *h, unsigned long cmd, uint64_t arg,
			 const struct xsim_uaccess *ua)
{
	enum xsim_op op;
	long rc;

	if (ioctl_op(cmd, &op))
		return xsim_unknown_ioctl(w, XSIM_DEV_GNTDEV);
	if (op == XSIM_OP_GNTDEV_RESTRICT)
		return ioctl_restrict(w, h, arg, ua);
	/* Absent ioctls and refusals decided before the copy. */
	rc = xsim_audit_rule(profile(w), op, &h->rs, XSIM_NO_TARGET,
			     XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	switch (op) {
	case XSIM_OP_GNTDEV_MAP_GRANT_REF:
		return ioctl_map_grant_ref(w, h, arg, ua);
	case XSIM_OP_GNTDEV_UNMAP_GRANT_REF:
		return ioctl_unmap_grant_ref(w, f, h, arg, ua);
	case XSIM_OP_GNTDEV_GET_OFFSET_FOR_VADDR:
		return ioctl_get_offset_for_vaddr(w, h, arg, ua);
	case XSIM_OP_GNTDEV_SET_MAX_GRANTS:
		return ioctl_set_max_grants(h, arg, ua);
	case XSIM_OP_GNTDEV_SET_UNMAP_NOTIFY:
		return ioctl_set_unmap_notify(w, f, h, arg, ua);
	case XSIM_OP_GNTDEV_GRANT_COPY:
		return ioctl_grant_copy(w, f, h, arg, ua);
	default:
		/* dma-buf: as a kernel without CONFIG_XEN_GNTDEV_DMABUF. */
		return xsim_unknown_ioctl(w, XSIM_DEV_GNTDEV);
	}
}

/* Linux gntdev_mmap: exactly one listed record, never mapped before. */
static int gntdev_mmap(struct xsim_world *w, struct xsim_file f,
		       struct xsim_handle *h, uint64_t addr, uint64_t len,
		       uint64_t pgoff, int prot, const struct xsim_uaccess *ua)
{
	struct xsim_gntdev_state *st = &h->u.gntdev;
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	uint64_t count = (len + XSIM_PAGE_SIZE - 1) >> XSIM_PAGE_SHIFT;
	uint32_t i, n = nr_maps(w, st);
	struct gntdev_map *m = NULL;
	int err = 0;

	if (!ua->map_page)
		return -ENODEV;	/* a transport without mmap (CUSE) */
	for (i = 0; i < n; i++) {
		m = map_at(w, st, i);
		if (m->listed && m->index == pgoff && m->count == count)
			break;
	}
	if (i == n || m->in_use)
		return -EINVAL;
	/*
	 * The grants are mapped now, whenever MAP_GRANT_REF recorded them:
	 * a restricted handle maps none of another domain (mmap(2) may fail
	 * EPERM).  Nothing is mapped and the record stays unused.
	 */
	for (i = 0; i < m->count; i++) {
		const struct gntdev_grant *g = grant_at(w, m, i);

		err = xsim_deferred_check(&c, &h->rs, XSIM_DEV_GNTDEV,
					  (uint16_t)g->domid, XSIM_OP_GNTTAB,
					  GNTTABOP_map_grant_ref, g->ref);
		if (err)
			return err;
	}
	m->in_use = 1;
	m->readonly = !(prot & PROT_WRITE);
	/* gnttab_map_refs: every grant is tried, any failure fails the mmap. */
	for (i = 0; i < m->count; i++) {
		struct gntdev_grant *g = grant_at(w, m, i);

		if (xsim_gnttab_map(&c, (uint16_t)g->domid, g->ref, m->readonly,
				    &g->page) != XSIM_GNTST_okay) {
			err = -EINVAL;
			continue;
		}
		g->mapped = 1;
		m->live++;
	}
	for (i = 0; !err && i < m->count; i++)
		err = ua->map_page(ua->ctx,
				   addr + ((uint64_t)i << XSIM_PAGE_SHIFT),
				   grant_at(w, m, i)->page, prot);
	if (err) {
		unmap_range(w, &c, m, 0, m->count);
		return err;
	}
	m->vma = 1;
	m->vaddr = addr;
	return 0;
}

/* The MMU notifier's unmap, then the VMA close once nothing is left. */
static void gntdev_munmap(struct xsim_world *w, struct xsim_file f,
			  struct xsim_handle *h, uint64_t addr, uint64_t len)
{
	struct xsim_gntdev_state *st = &h->u.gntdev;
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;
	uint32_t i;

	for (i = 0; i < nr_maps(w, st); i++) {
		struct gntdev_map *m = map_at(w, st, i);
		uint64_t mend = m->vaddr + ((uint64_t)m->count << XSIM_PAGE_SHIFT);
		uint64_t s, e;

		if (!m->vma || m->vaddr >= end || mend <= addr)
			continue;
		s = addr > m->vaddr ? addr : m->vaddr;
		e = end < mend ? end : mend;
		unmap_range(w, &c, m,
			    (uint32_t)((s - m->vaddr) >> XSIM_PAGE_SHIFT),
			    (uint32_t)((e - s + XSIM_PAGE_SIZE - 1) >>
				       XSIM_PAGE_SHIFT));
		if (m->live)
			continue;
		m->vma = 0;
		/*
		 * munmap(2) cannot fail: a refused notification is dropped,
		 * and the effect log's REFUSED record is all that shows it.
		 */
		if (!m->listed)
			(void)destroy_map(w, &c, &h->rs, st, i--);
	}
}

/* Linux gntdev_release; the simulator also drops records still mmapped. */
static void gntdev_release(struct xsim_world *w, struct xsim_file f,
			   struct xsim_handle *h)
{
	struct xsim_gntdev_state *st = &h->u.gntdev;
	struct xsim_caller c = xsim_handle_caller(w, f, h);

	/* close(2) cannot fail either: refusals are only logged. */
	while (nr_maps(w, st))
		(void)destroy_map(w, &c, &h->rs, st, nr_maps(w, st) - 1);
	xsim_vec_free(w, &st->maps_page);
	memset(st, 0, sizeof(*st));
}

const struct xsim_dev_ops xsim_gntdev_ops = {
	.dev = XSIM_DEV_GNTDEV,
	.release = gntdev_release,
	.ioctl = gntdev_ioctl,
	.mmap = gntdev_mmap,
	.munmap = gntdev_munmap,
};
