/* SPDX-License-Identifier: MIT */
/*
 * The Linux 6.1 port (ports/linux-6.1/patches/000[1-4]-*.patch) as a
 * plug-in of the differential fuzzer: the restriction decisions of the
 * four patched drivers, restated in the order the drivers take them, so
 * that `xrc fuzz --port fuzz/ports/linux-6.1-patch.c` compares them with
 * the reference (sim/dev/audit.c over the "proposed" table).  Written
 * from the patched sources, not from the reference: each function names
 * the driver function it mirrors (Debian linux-source-6.1 6.1.192-2 plus
 * the series).
 *
 * The drivers' own refusals that are not the restriction's (a count out
 * of range, a bad segment, XENFEAT_auto_translated_physmap for v1 MMAP,
 * an allocation) answer 0 here, as <xrc-fuzz/port.h> asks: the device
 * fails the call later.
 *
 * Where the 6.1 modules cannot answer as the reference does, because
 * Linux 6.1 predates the call or keeps its own choice where the proposal
 * is silent, the plug-in answers by the series' rules on the reference's
 * ABI by default, and as the modules really answer when
 * XRC_LINUX61_AS_BUILT=1 is in the environment (then the differential
 * reports these, and only these; docs/fuzzing.md lists them):
 *
 *   call                        series' rules          as built (6.1)
 *   privcmd IRQFD, IOEVENTFD    aimed at .dom          ENOTTY (6.6, 6.7)
 *   privcmd PCIDEV_GET_GSI      restricted: ENOSYS     ENOTTY (Xen tools only)
 *   evtchn BIND_STATIC          restricted: ENOSYS     ENOSYS, as unknown (6.2)
 *   evtchn unknown ioctl        ENOTTY                 ENOSYS (evtchn_ioctl default)
 *   gntdev SET_MAX_GRANTS       0 (no restriction)     ENOTTY (header only)
 *   fresh privcmd in a domU     unrestricted           DOMID_IDLE (XSA-482,
 *                                                      no xenstore target)
 *
 * The catalogue marks each of these unspecified for "proposed" or skips
 * them on a kernel without the ioctl; ports/linux-6.1/README.md says why
 * the series keeps them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <xensim/uapi.h>
#include <xrc-fuzz/port.h>

/* Xen public/xen.h */
#define DOMID_FIRST_RESERVED	0x7FF0u
#define DOMID_IDLE		0x7FFFu
/* Xen public/xen.h __HYPERVISOR_* */
#define HYPERVISOR_xen_version	17u
#define HYPERVISOR_dm_op	41u
/* Linux 6.1 drivers/xen/gntdev.c "limit" (module parameter default) */
#define GNTDEV_LIMIT		(64u * 1024u)
/* Xen public/grant_table.h GNTCOPY_* */
#define GNTCOPY_source_gref	(1u << 0)
#define GNTCOPY_dest_gref	(1u << 1)
/* Xen public/xen.h XEN_PAGE_SIZE */
#define XEN_PAGE_SIZE		4096u

/* XRC_LINUX61_AS_BUILT=1: answer exactly as the 6.1 modules (see top). */
static int as_built(void)
{
	static int v = -1;

	if (v < 0) {
		const char *e = getenv("XRC_LINUX61_AS_BUILT");

		v = e && !strcmp(e, "1");
	}
	return v;
}

/* copy_from_user: 0 or -EFAULT. */
static int get(const struct xrc_port_call *c, void *dst, uint64_t at,
	       size_t len)
{
	return c->copy_in(c->ctx, dst, at, len) ? -EFAULT : 0;
}

/*
 * Every restrict ioctl of the series (privcmd_ioctl_restrict, evtchn
 * IOCTL_EVTCHN_RESTRICT_DOMID, gntdev_ioctl_restrict,
 * gntalloc_ioctl_restrict): copy a domid_t; restricted already: the same
 * domid is 0, another EPERM; a reserved domid EINVAL; else restrict.
 */
static int restrict_domid(const struct xrc_port_call *c,
			  struct xrc_port_state *st)
{
	domid_t dom;

	if (get(c, &dom, c->arg, sizeof(dom)))
		return -EFAULT;
	if (st->restricted)
		return dom == st->domid ? 0 : -EPERM;
	if (dom >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	st->restricted = 1;
	st->domid = dom;
	return 0;
}

/* "data->domid != DOMID_INVALID && data->domid != dom": EPERM. */
static int mismatch(const struct xrc_port_state *st, uint64_t dom)
{
	return st->restricted && dom != st->domid ? -EPERM : 0;
}

/* ---- privcmd: drivers/xen/privcmd.c with 0001 ---- */

/* privcmd_ioctl_hypercall: copy, then privcmd_hypercall_permitted. */
static int privcmd_hypercall(const struct xrc_port_call *c,
			     const struct xrc_port_state *st)
{
	struct privcmd_hypercall hc;

	if (get(c, &hc, c->arg, sizeof(hc)))
		return -EFAULT;
	if (!st->restricted)
		return 0;
	switch (hc.op) {
	case HYPERVISOR_xen_version:
		return 0;
	case HYPERVISOR_dm_op:
		return mismatch(st, hc.arg[0]);
	default:
		return -ENOSYS;
	}
}

/* privcmd_ioctl_mmap_batch: copy the version's struct, v1 ENOSYS, dom. */
static int privcmd_mmapbatch(const struct xrc_port_call *c,
			     const struct xrc_port_state *st, int version)
{
	struct privcmd_mmapbatch v1;
	struct privcmd_mmapbatch_v2 v2;

	if (version == 1) {
		if (get(c, &v1, c->arg, sizeof(v1)))
			return -EFAULT;
		return st->restricted ? -ENOSYS : 0;
	}
	if (get(c, &v2, c->arg, sizeof(v2)))
		return -EFAULT;
	return mismatch(st, v2.dom);
}

/* Ioctls newer than 6.1: the series' rules, or privcmd_ioctl's -ENOTTY. */
static int privcmd_newer(const struct xrc_port_call *c,
			 const struct xrc_port_state *st)
{
	union {
		struct privcmd_irqfd irqfd;
		struct privcmd_ioeventfd ioeventfd;
		struct privcmd_pcidev_get_gsi gsi;
	} u;

	if (as_built())
		return -ENOTTY;
	switch (c->cmd) {
	case IOCTL_PRIVCMD_IRQFD:
		if (get(c, &u.irqfd, c->arg, sizeof(u.irqfd)))
			return -EFAULT;
		return mismatch(st, u.irqfd.dom);
	case IOCTL_PRIVCMD_IOEVENTFD:
		if (get(c, &u.ioeventfd, c->arg, sizeof(u.ioeventfd)))
			return -EFAULT;
		return mismatch(st, u.ioeventfd.dom);
	default:
		if (get(c, &u.gsi, c->arg, sizeof(u.gsi)))
			return -EFAULT;
		return st->restricted ? -ENOSYS : 0;
	}
}

static int privcmd(const struct xrc_port_call *c, struct xrc_port_state *st)
{
	union {
		struct privcmd_mmap mmap;
		struct privcmd_dm_op dm;
		struct privcmd_mmap_resource res;
	} u;

	switch (c->cmd) {
	case IOCTL_PRIVCMD_HYPERCALL:
		return privcmd_hypercall(c, st);
	case IOCTL_PRIVCMD_MMAP:
		/* privcmd_ioctl_mmap: only the preferred mapping ioctls. */
		if (get(c, &u.mmap, c->arg, sizeof(u.mmap)))
			return -EFAULT;
		return st->restricted ? -ENOSYS : 0;
	case IOCTL_PRIVCMD_MMAPBATCH:
		return privcmd_mmapbatch(c, st, 1);
	case IOCTL_PRIVCMD_MMAPBATCH_V2:
		return privcmd_mmapbatch(c, st, 2);
	case IOCTL_PRIVCMD_DM_OP:
		/* privcmd_ioctl_dm_op: the domid check precedes num == 0. */
		if (get(c, &u.dm, c->arg, sizeof(u.dm)))
			return -EFAULT;
		return mismatch(st, u.dm.dom);
	case IOCTL_PRIVCMD_RESTRICT:
		return restrict_domid(c, st);
	case IOCTL_PRIVCMD_MMAP_RESOURCE:
		if (get(c, &u.res, c->arg, sizeof(u.res)))
			return -EFAULT;
		return mismatch(st, u.res.dom);
	case IOCTL_PRIVCMD_IRQFD:
	case IOCTL_PRIVCMD_IOEVENTFD:
	case IOCTL_PRIVCMD_PCIDEV_GET_GSI:
		return privcmd_newer(c, st);
	default:
		return -ENOTTY;
	}
}

/* ---- evtchn: drivers/xen/evtchn.c evtchn_ioctl with 0002 ---- */

static int evtchn(const struct xrc_port_call *c, struct xrc_port_state *st)
{
	union {
		struct ioctl_evtchn_bind_virq virq;
		struct ioctl_evtchn_bind_interdomain inter;
		struct ioctl_evtchn_bind_unbound_port unbound;
		struct ioctl_evtchn_bind bind;
	} u;

	switch (c->cmd) {
	case IOCTL_EVTCHN_BIND_VIRQ:
		if (get(c, &u.virq, c->arg, sizeof(u.virq)))
			return -EFAULT;
		return st->restricted ? -ENOSYS : 0;
	case IOCTL_EVTCHN_BIND_INTERDOMAIN:
		if (get(c, &u.inter, c->arg, sizeof(u.inter)))
			return -EFAULT;
		return mismatch(st, u.inter.remote_domain);
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
		if (get(c, &u.unbound, c->arg, sizeof(u.unbound)))
			return -EFAULT;
		return mismatch(st, u.unbound.remote_domain);
	case IOCTL_EVTCHN_UNBIND:
	case IOCTL_EVTCHN_NOTIFY:
	case IOCTL_EVTCHN_RESET:
		/* Act on the caller's own ports: no restriction check. */
		return 0;
	case IOCTL_EVTCHN_RESTRICT_DOMID:
		return restrict_domid(c, st);
	case IOCTL_EVTCHN_BIND_STATIC:
		/* 6.2's: a static port is the caller's, not for a guest's DM. */
		if (as_built())
			return -ENOSYS;
		if (get(c, &u.bind, c->arg, sizeof(u.bind)))
			return -EFAULT;
		return st->restricted ? -ENOSYS : 0;
	default:
		return as_built() ? -ENOSYS : -ENOTTY;
	}
}

/* ---- gntdev: drivers/xen/gntdev.c with 0003 ---- */

/*
 * gntdev_ioctl_map_grant_ref: the header, the count (the device's own
 * EINVAL), every ref copied, then gntdev_check_grants on the full
 * 32-bit domid of each.
 */
static int gntdev_map(const struct xrc_port_call *c,
		      const struct xrc_port_state *st)
{
	enum { CHUNK = 128 };
	struct ioctl_gntdev_map_grant_ref op;
	struct ioctl_gntdev_grant_ref g[CHUNK];
	uint64_t refs = c->arg + offsetof(struct ioctl_gntdev_map_grant_ref,
					  refs);
	uint32_t i, j, n;
	int perm = 0;

	if (get(c, &op, c->arg, sizeof(op)))
		return -EFAULT;
	if (!op.count || op.count > GNTDEV_LIMIT)
		return 0;
	/* One copy_from_user of the whole array before any check. */
	for (i = 0; i < op.count; i += n) {
		n = op.count - i < CHUNK ? op.count - i : CHUNK;
		if (get(c, g, refs + (uint64_t)i * sizeof(g[0]),
			n * sizeof(g[0])))
			return -EFAULT;
		for (j = 0; j < n && !perm; j++)
			perm = mismatch(st, g[j].domid);
	}
	return perm;
}

/*
 * gntdev_ioctl_grant_copy: segment by segment, copy it, then
 * gntdev_check_copy_seg, then gntdev_grant_copy_seg's own checks, which
 * end the call (the device's EINVAL).
 */
static int gntdev_copy(const struct xrc_port_call *c,
		       const struct xrc_port_state *st)
{
	struct ioctl_gntdev_grant_copy op;
	struct gntdev_grant_copy_segment seg;
	uint32_t i;
	int rc;

	if (get(c, &op, c->arg, sizeof(op)))
		return -EFAULT;
	for (i = 0; i < op.count; i++) {
		bool src, dst;

		if (get(c, &seg, (uint64_t)(uintptr_t)op.segments +
			(uint64_t)i * sizeof(seg), sizeof(seg)))
			return -EFAULT;
		src = seg.flags & GNTCOPY_source_gref;
		dst = seg.flags & GNTCOPY_dest_gref;
		if (src && (rc = mismatch(st, seg.source.foreign.domid)))
			return rc;
		if (dst && (rc = mismatch(st, seg.dest.foreign.domid)))
			return rc;
		if ((!src && !dst) ||
		    (src && seg.source.foreign.offset + seg.len > XEN_PAGE_SIZE) ||
		    (dst && seg.dest.foreign.offset + seg.len > XEN_PAGE_SIZE))
			return 0;
	}
	return 0;
}

static int gntdev(const struct xrc_port_call *c, struct xrc_port_state *st)
{
	switch (c->cmd) {
	case IOCTL_GNTDEV_MAP_GRANT_REF:
		return gntdev_map(c, st);
	case IOCTL_GNTDEV_UNMAP_GRANT_REF:
	case IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR:
	case IOCTL_GNTDEV_SET_UNMAP_NOTIFY:
		/*
		 * Name no other domain; what they arrange is judged when it
		 * happens (mmap, the notification), outside ioctl audits.
		 */
		return 0;
	case IOCTL_GNTDEV_GRANT_COPY:
		return gntdev_copy(c, st);
	case IOCTL_GNTDEV_RESTRICT_DOMID:
		return restrict_domid(c, st);
	case IOCTL_GNTDEV_SET_MAX_GRANTS:
		/* In the uapi header, not in gntdev_ioctl. */
		return as_built() ? -ENOTTY : 0;
	default:
		/*
		 * The dma-buf ioctls too: Debian builds gntdev without
		 * CONFIG_XEN_GNTDEV_DMABUF (with it, a restricted handle
		 * gets -ENOSYS).
		 */
		return -ENOTTY;
	}
}

/* ---- gntalloc: drivers/xen/gntalloc.c with 0004 ---- */

static int gntalloc(const struct xrc_port_call *c, struct xrc_port_state *st)
{
	struct ioctl_gntalloc_alloc_gref op;

	switch (c->cmd) {
	case IOCTL_GNTALLOC_ALLOC_GREF:
		/* gntalloc_ioctl_alloc: checked before the limits. */
		if (get(c, &op, c->arg, sizeof(op)))
			return -EFAULT;
		return mismatch(st, op.domid);
	case IOCTL_GNTALLOC_DEALLOC_GREF:
	case IOCTL_GNTALLOC_SET_UNMAP_NOTIFY:
		return 0;
	case IOCTL_GNTALLOC_RESTRICT_DOMID:
		return restrict_domid(c, st);
	default:
		return -ENOTTY;
	}
}

/*
 * privcmd_open: data->domid = target_domain, which privcmd_init leaves
 * DOMID_INVALID in dom0 and init_restrict sets in a domU (XSA-482).
 */
static void linux61_open(enum xrc_port_dev dev, uint16_t caller_domid,
			 struct xrc_port_state *st)
{
	st->restricted = 0;
	st->domid = 0x7FF4u;	/* DOMID_INVALID */
	if (as_built() && dev == XRC_PORT_PRIVCMD && caller_domid != 0) {
		st->restricted = 1;
		st->domid = DOMID_IDLE;
	}
}

static int linux61_audit(const struct xrc_port_call *c,
			 struct xrc_port_state *st)
{
	switch (c->dev) {
	case XRC_PORT_PRIVCMD:
		return privcmd(c, st);
	case XRC_PORT_EVTCHN:
		return evtchn(c, st);
	case XRC_PORT_GNTDEV:
		return gntdev(c, st);
	default:
		return gntalloc(c, st);
	}
}

const struct xrc_port xrc_port = {
	.abi = XRC_PORT_ABI,
	.name = "linux-6.1-patch",
	.profile = "proposed",
	.open = linux61_open,
	.audit = linux61_audit,
};
