/* SPDX-License-Identifier: MIT */
/*
 * An example port: a hand-written restrict audit that claims the
 * "proposed" profile, as a backend implementer would write it for their
 * driver.  It has deliberate mistakes, each marked "LAX:", of the kind
 * reviews miss; `xrc fuzz --selftest` proves the differential target
 * finds them.  Use it as a template: keep the structure, fix the LAX
 * lines, replace the bodies with calls into your driver's audit.
 */
#include <errno.h>
#include <string.h>

#include <xensim/uapi.h>
#include <xrc-fuzz/port.h>

#define DOMID_FIRST_RESERVED	0x7FF0u
#define HC_xen_version		17u
#define HC_dm_op		41u
#define GNTDEV_LIMIT		(64u * 1024u)
#define GNTCOPY_SOURCE_GREF	1u
#define GNTCOPY_DEST_GREF	2u

static int get(const struct xrc_port_call *c, void *dst, uint64_t at,
	       size_t len)
{
	return c->copy_in(c->ctx, dst, at, len) ? -EFAULT : 0;
}

/* A whitelisted call aimed at `dom`: EPERM unless it is the target. */
static int aimed(const struct xrc_port_state *st, uint32_t dom)
{
	return !st->restricted || dom == st->domid ? 0 : -EPERM;
}

static int do_restrict(const struct xrc_port_call *c,
		       struct xrc_port_state *st)
{
	domid_t dom;

	if (get(c, &dom, c->arg, sizeof(dom)))
		return -EFAULT;
	/* Once restricted: the same domid again is fine, another is not. */
	if (st->restricted)
		return dom == st->domid ? 0 : -EPERM;
	if (dom >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	st->restricted = 1;
	st->domid = dom;
	return 0;
}

static int privcmd(const struct xrc_port_call *c, struct xrc_port_state *st)
{
	union {
		struct privcmd_hypercall hc;
		struct privcmd_mmapbatch_v2 batch;
		struct privcmd_dm_op dm;
		struct privcmd_mmap_resource res;
		struct privcmd_irqfd irqfd;
		struct privcmd_ioeventfd ioeventfd;
	} u;

	switch (c->cmd) {
	case IOCTL_PRIVCMD_RESTRICT:
		return do_restrict(c, st);
	case IOCTL_PRIVCMD_HYPERCALL:
		if (!st->restricted)
			return 0;
		if (get(c, &u.hc, c->arg, sizeof(u.hc)))
			return -EFAULT;
		if (u.hc.op == HC_xen_version)
			return 0;
		if (u.hc.op == HC_dm_op)
			return aimed(st, (uint32_t)u.hc.arg[0]);
		return -ENOSYS;
	case IOCTL_PRIVCMD_MMAP:
	case IOCTL_PRIVCMD_PCIDEV_GET_GSI:
		return st->restricted ? -ENOSYS : 0;
	case IOCTL_PRIVCMD_MMAPBATCH:
		/* LAX: v1 audited like v2, not refused (off the whitelist). */
	case IOCTL_PRIVCMD_MMAPBATCH_V2:
		if (get(c, &u.batch, c->arg, sizeof(u.batch)))
			return -EFAULT;
		return aimed(st, u.batch.dom);
	case IOCTL_PRIVCMD_DM_OP:
		if (get(c, &u.dm, c->arg, sizeof(u.dm)))
			return -EFAULT;
		/* LAX: compares the low byte only (a domid_t kept in a u8). */
		return !st->restricted ||
		       (uint8_t)u.dm.dom == (uint8_t)st->domid ? 0 : -EPERM;
	case IOCTL_PRIVCMD_MMAP_RESOURCE:
		if (get(c, &u.res, c->arg, sizeof(u.res)))
			return -EFAULT;
		return aimed(st, u.res.dom);
	case IOCTL_PRIVCMD_IRQFD:
		if (get(c, &u.irqfd, c->arg, sizeof(u.irqfd)))
			return -EFAULT;
		return aimed(st, u.irqfd.dom);
	case IOCTL_PRIVCMD_IOEVENTFD:
		if (get(c, &u.ioeventfd, c->arg, sizeof(u.ioeventfd)))
			return -EFAULT;
		return aimed(st, u.ioeventfd.dom);
	default:
		return -ENOTTY;
	}
}

static int evtchn(const struct xrc_port_call *c, struct xrc_port_state *st)
{
	struct ioctl_evtchn_bind_interdomain bind;

	switch (c->cmd) {
	case IOCTL_EVTCHN_RESTRICT_DOMID:
		return do_restrict(c, st);
	case IOCTL_EVTCHN_BIND_VIRQ:
	case IOCTL_EVTCHN_BIND_STATIC:
		return st->restricted ? -ENOSYS : 0;
	case IOCTL_EVTCHN_BIND_INTERDOMAIN:
		if (get(c, &bind, c->arg, sizeof(bind)))
			return -EFAULT;
		return aimed(st, bind.remote_domain);
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
		/* LAX: "an unbound port touches nobody yet": not audited. */
	case IOCTL_EVTCHN_UNBIND:
	case IOCTL_EVTCHN_NOTIFY:
	case IOCTL_EVTCHN_RESET:
		return 0;
	default:
		return -ENOTTY;
	}
}

static int gntdev(const struct xrc_port_call *c, struct xrc_port_state *st)
{
	struct ioctl_gntdev_map_grant_ref map;
	struct ioctl_gntdev_grant_ref ref;
	struct ioctl_gntdev_grant_copy copy;
	struct gntdev_grant_copy_segment seg;
	uint32_t i;
	int rc;

	switch (c->cmd) {
	case IOCTL_GNTDEV_RESTRICT_DOMID:
		return do_restrict(c, st);
	case IOCTL_GNTDEV_MAP_GRANT_REF:
		if (get(c, &map, c->arg, sizeof(map)))
			return -EFAULT;
		if (!st->restricted || !map.count || map.count > GNTDEV_LIMIT)
			return 0;
		for (i = 0; i < map.count; i++) {
			if (get(c, &ref, c->arg + offsetof(struct
				ioctl_gntdev_map_grant_ref, refs) +
				(uint64_t)i * sizeof(ref), sizeof(ref)))
				return -EFAULT;
			if ((rc = aimed(st, ref.domid)))
				return rc;
		}
		return 0;
	case IOCTL_GNTDEV_GRANT_COPY:
		if (!st->restricted)
			return 0;
		if (get(c, &copy, c->arg, sizeof(copy)))
			return -EFAULT;
		for (i = 0; i < copy.count; i++) {
			if (get(c, &seg, (uint64_t)(uintptr_t)copy.segments +
				(uint64_t)i * sizeof(seg), sizeof(seg)))
				return -EFAULT;
			if ((seg.flags & GNTCOPY_SOURCE_GREF) &&
			    (rc = aimed(st, seg.source.foreign.domid)))
				return rc;
			if ((seg.flags & GNTCOPY_DEST_GREF) &&
			    (rc = aimed(st, seg.dest.foreign.domid)))
				return rc;
			if (!(seg.flags & (GNTCOPY_SOURCE_GREF |
					   GNTCOPY_DEST_GREF)))
				return 0;
		}
		return 0;
	case IOCTL_GNTDEV_UNMAP_GRANT_REF:
	case IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR:
	case IOCTL_GNTDEV_SET_MAX_GRANTS:
	case IOCTL_GNTDEV_SET_UNMAP_NOTIFY:
		return 0;
	default:
		return -ENOTTY;
	}
}

static int gntalloc(const struct xrc_port_call *c, struct xrc_port_state *st)
{
	struct ioctl_gntalloc_alloc_gref alloc;

	switch (c->cmd) {
	case IOCTL_GNTALLOC_RESTRICT_DOMID:
		return do_restrict(c, st);
	case IOCTL_GNTALLOC_ALLOC_GREF:
		if (get(c, &alloc, c->arg, sizeof(alloc)))
			return -EFAULT;
		return aimed(st, alloc.domid);
	case IOCTL_GNTALLOC_DEALLOC_GREF:
	case IOCTL_GNTALLOC_SET_UNMAP_NOTIFY:
		return 0;
	default:
		return -ENOTTY;
	}
}

static int lax_audit(const struct xrc_port_call *c, struct xrc_port_state *st)
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
	.name = "lax",
	.profile = "proposed",
	.audit = lax_audit,
};
