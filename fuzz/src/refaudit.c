/* SPDX-License-Identifier: MIT */
/*
 * The reference audit: for one ioctl, the steps a device of sim/dev takes
 * before it acts (audit before the copy, the copy, the audit of the copy
 * with the target it names), each decided by sim/dev/audit.c over the
 * profile table.  Written from the devices' documented order of checks
 * (Linux 6.1 drivers/xen/{privcmd,evtchn,gntdev}.c, gntalloc.c) and not
 * from their code, so that a device that skips or reorders a step
 * disagrees with it.  Pure: it reads the arguments through call->copy_in
 * and nothing else.
 *
 * Besides the verdict it reports, for the profile oracle, which errors the
 * device may raise on its own before the refusing step (fz_ref.pre).
 */
#include <errno.h>
#include <string.h>

#include <xensim/uapi.h>

#include "fuzz.h"

/* Linux gntdev.c "limit" (the device's own count check, not the audit). */
#define GNTDEV_LIMIT		(64u * 1024u)
/* Top of the x86-64 user address space: access_ok(). */
#define USER_TOP		((1ull << 47) - 4096)
#define GNTCOPY_SOURCE_GREF	(1u << 0)
#define GNTCOPY_DEST_GREF	(1u << 1)
#define PAGE_SIZE		4096u

struct ctx {
	const struct xsim_profile *p;
	const struct xrc_port_call *c;
	struct xsim_restrict_state st;
	struct fz_ref *ref;
};

static int copy(struct ctx *x, void *dst, uint64_t uaddr, size_t len)
{
	return x->c->copy_in(x->c->ctx, dst, uaddr, len) ? -EFAULT : 0;
}

static int rule(struct ctx *x, enum xsim_op op, uint32_t target,
		enum xsim_when when)
{
	x->ref->op = op;
	if (when == XSIM_AFTER_COPY)
		x->ref->target = target;
	return xsim_audit_rule(x->p, op, &x->st, target, when);
}

/* Audit before the copy, copy len bytes, audit the copy with its target. */
static int simple(struct ctx *x, enum xsim_op op, void *buf, size_t len,
		  uint32_t (*target)(const void *buf))
{
	int rc = rule(x, op, XSIM_NO_TARGET, XSIM_BEFORE_COPY);

	if (!rc && len)
		rc = copy(x, buf, x->c->arg, len);
	if (!rc)
		rc = rule(x, op, target ? target(buf) : XSIM_NO_TARGET,
			  XSIM_AFTER_COPY);
	return rc;
}

static int restrict_call(struct ctx *x, enum xsim_dev_kind dev)
{
	domid_t dom;
	int rc;

	x->ref->is_restrict = true;
	x->ref->op = dev == XSIM_DEV_PRIVCMD ? XSIM_OP_PRIVCMD_RESTRICT :
		     dev == XSIM_DEV_EVTCHN ? XSIM_OP_EVTCHN_RESTRICT_DOMID :
		     dev == XSIM_DEV_GNTDEV ? XSIM_OP_GNTDEV_RESTRICT :
					      XSIM_OP_GNTALLOC_RESTRICT;
	rc = xsim_audit_restrict(x->p, dev, &x->st, 0, XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	rc = copy(x, &dom, x->c->arg, sizeof(dom));
	if (rc)
		return rc;
	x->ref->target = dom;
	return xsim_audit_restrict(x->p, dev, &x->st, dom, XSIM_AFTER_COPY);
}

static bool access_ok(uint64_t addr, uint64_t size)
{
	return size <= USER_TOP && addr <= USER_TOP - size;
}

/* ---- privcmd ---- */

static uint32_t t_mmap(const void *b)
{
	return ((const struct privcmd_mmap *)b)->dom;
}

static uint32_t t_dm_op(const void *b)
{
	return ((const struct privcmd_dm_op *)b)->dom;
}

static uint32_t t_resource(const void *b)
{
	return ((const struct privcmd_mmap_resource *)b)->dom;
}

static int hypercall(struct ctx *x)
{
	struct privcmd_hypercall hc;
	uint64_t args[5];
	int rc = rule(x, XSIM_OP_PRIVCMD_HYPERCALL, XSIM_NO_TARGET,
		      XSIM_BEFORE_COPY);

	if (rc)
		return rc;
	rc = copy(x, &hc, x->c->arg, sizeof(hc));
	if (rc)
		return rc;
	memcpy(args, hc.arg, sizeof(args));
	x->ref->target = (uint32_t)hc.arg[0];
	return xsim_audit_hypercall(x->p, &x->st, hc.op, args);
}

static int mmapbatch(struct ctx *x, int version)
{
	enum xsim_op op = version == 1 ? XSIM_OP_PRIVCMD_MMAPBATCH :
					 XSIM_OP_PRIVCMD_MMAPBATCH_V2;
	int rc = rule(x, op, XSIM_NO_TARGET, XSIM_BEFORE_COPY);
	uint32_t dom;

	if (rc)
		return rc;
	if (version == 1) {
		struct privcmd_mmapbatch m;

		rc = copy(x, &m, x->c->arg, sizeof(m));
		if (rc)
			return rc;
		/* arr[] is written back: checked with the copy. */
		if (!access_ok((uint64_t)(uintptr_t)m.arr,
			       (uint64_t)(uint32_t)m.num * sizeof(xen_pfn_t)))
			return -EFAULT;
		dom = m.dom;
	} else {
		struct privcmd_mmapbatch_v2 m;

		rc = copy(x, &m, x->c->arg, sizeof(m));
		if (rc)
			return rc;
		if (!access_ok((uint64_t)(uintptr_t)m.err,
			       (uint64_t)m.num * sizeof(int)))
			return -EFAULT;
		dom = m.dom;
	}
	return rule(x, op, dom, XSIM_AFTER_COPY);
}

/* IRQFD and IOEVENTFD check their flags before the restriction. */
static int eventfd_op(struct ctx *x, enum xsim_op op, void *buf, size_t len,
		      uint32_t flags_off, uint32_t dom_off)
{
	uint32_t flags;
	domid_t dom;
	int rc = rule(x, op, XSIM_NO_TARGET, XSIM_BEFORE_COPY);

	if (!rc)
		rc = copy(x, buf, x->c->arg, len);
	if (rc)
		return rc;
	memcpy(&flags, (uint8_t *)buf + flags_off, sizeof(flags));
	memcpy(&dom, (uint8_t *)buf + dom_off, sizeof(dom));
	if (flags & ~1u)
		x->ref->pre |= FZ_PRE_EINVAL;
	return rule(x, op, dom, XSIM_AFTER_COPY);
}

static int privcmd(struct ctx *x)
{
	union {
		struct privcmd_mmap mmap;
		struct privcmd_dm_op dm_op;
		struct privcmd_mmap_resource res;
		struct privcmd_irqfd irqfd;
		struct privcmd_ioeventfd ioeventfd;
		struct privcmd_pcidev_get_gsi gsi;
	} u;

	switch (x->c->cmd) {
	case IOCTL_PRIVCMD_HYPERCALL:
		return hypercall(x);
	case IOCTL_PRIVCMD_MMAP:
		/* v1 is ENOSYS in an auto-translated (HVM) kernel. */
		if (x->c->caller_domid != 0)
			x->ref->pre |= FZ_PRE_ENOSYS;
		return simple(x, XSIM_OP_PRIVCMD_MMAP, &u, sizeof(u.mmap),
			      t_mmap);
	case IOCTL_PRIVCMD_MMAPBATCH:
		return mmapbatch(x, 1);
	case IOCTL_PRIVCMD_MMAPBATCH_V2:
		return mmapbatch(x, 2);
	case IOCTL_PRIVCMD_DM_OP:
		return simple(x, XSIM_OP_PRIVCMD_DM_OP, &u, sizeof(u.dm_op),
			      t_dm_op);
	case IOCTL_PRIVCMD_RESTRICT:
		return restrict_call(x, XSIM_DEV_PRIVCMD);
	case IOCTL_PRIVCMD_MMAP_RESOURCE:
		return simple(x, XSIM_OP_PRIVCMD_MMAP_RESOURCE, &u,
			      sizeof(u.res), t_resource);
	case IOCTL_PRIVCMD_IRQFD:
		return eventfd_op(x, XSIM_OP_PRIVCMD_IRQFD, &u, sizeof(u.irqfd),
				  offsetof(struct privcmd_irqfd, flags),
				  offsetof(struct privcmd_irqfd, dom));
	case IOCTL_PRIVCMD_IOEVENTFD:
		return eventfd_op(x, XSIM_OP_PRIVCMD_IOEVENTFD, &u,
				  sizeof(u.ioeventfd),
				  offsetof(struct privcmd_ioeventfd, flags),
				  offsetof(struct privcmd_ioeventfd, dom));
	case IOCTL_PRIVCMD_PCIDEV_GET_GSI:
		return simple(x, XSIM_OP_PRIVCMD_PCIDEV_GET_GSI, &u,
			      sizeof(u.gsi), NULL);
	default:
		return -x->p->dev[XSIM_DEV_PRIVCMD].unknown_err;
	}
}

/* ---- evtchn ---- */

static uint32_t t_first_uint(const void *b)
{
	return *(const uint32_t *)b;
}

static int evtchn(struct ctx *x)
{
	uint32_t buf[2];

	switch (x->c->cmd) {
	case IOCTL_EVTCHN_BIND_VIRQ:
		return simple(x, XSIM_OP_EVTCHN_BIND_VIRQ, buf, 4, NULL);
	case IOCTL_EVTCHN_BIND_INTERDOMAIN:
		return simple(x, XSIM_OP_EVTCHN_BIND_INTERDOMAIN, buf, 8,
			      t_first_uint);
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
		return simple(x, XSIM_OP_EVTCHN_BIND_UNBOUND_PORT, buf, 4,
			      t_first_uint);
	case IOCTL_EVTCHN_UNBIND:
		return simple(x, XSIM_OP_EVTCHN_UNBIND, buf, 4, NULL);
	case IOCTL_EVTCHN_NOTIFY:
		return simple(x, XSIM_OP_EVTCHN_NOTIFY, buf, 4, NULL);
	case IOCTL_EVTCHN_RESET:
		return simple(x, XSIM_OP_EVTCHN_RESET, buf, 0, NULL);
	case IOCTL_EVTCHN_RESTRICT_DOMID:
		return restrict_call(x, XSIM_DEV_EVTCHN);
	case IOCTL_EVTCHN_BIND_STATIC:
		return simple(x, XSIM_OP_EVTCHN_BIND_STATIC, buf, 4, NULL);
	default:
		return -x->p->dev[XSIM_DEV_EVTCHN].unknown_err;
	}
}

/* ---- gntdev ---- */

static int gntdev_map(struct ctx *x)
{
	enum { CHUNK = 256 };
	struct ioctl_gntdev_map_grant_ref op;
	struct ioctl_gntdev_grant_ref g[CHUNK];
	uint64_t refs = x->c->arg +
			offsetof(struct ioctl_gntdev_map_grant_ref, refs);
	uint32_t i, j, n;
	int rc = copy(x, &op, x->c->arg, sizeof(op));

	if (rc)
		return rc;
	/* The device's own count checks come first: nothing to audit. */
	if (!op.count || op.count > GNTDEV_LIMIT) {
		x->ref->device_fails = true;
		return 0;
	}
	/* A per-file limit (SET_MAX_GRANTS) and allocation may fail first. */
	x->ref->pre |= FZ_PRE_EINVAL | FZ_PRE_ENOMEM;
	/* The whole list is copied, then each grant audited. */
	for (i = 0; i < op.count; i += n) {
		n = op.count - i < CHUNK ? op.count - i : CHUNK;
		if (copy(x, g, refs + (uint64_t)i * sizeof(g[0]),
			 n * sizeof(g[0])))
			return -EFAULT;
	}
	for (i = 0; i < op.count; i += n) {
		n = op.count - i < CHUNK ? op.count - i : CHUNK;
		copy(x, g, refs + (uint64_t)i * sizeof(g[0]), n * sizeof(g[0]));
		for (j = 0; j < n; j++) {
			rc = rule(x, XSIM_OP_GNTDEV_MAP_GRANT_REF, g[j].domid,
				  XSIM_AFTER_COPY);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Segments are copied, audited and performed one by one. */
static int gntdev_copy(struct ctx *x)
{
	struct ioctl_gntdev_grant_copy op;
	struct gntdev_grant_copy_segment seg;
	uint32_t i;
	int rc = copy(x, &op, x->c->arg, sizeof(op));

	if (rc)
		return rc;
	for (i = 0; i < op.count; i++) {
		bool src = false, dst = false;

		rc = copy(x, &seg, (uint64_t)(uintptr_t)op.segments +
			  (uint64_t)i * sizeof(seg), sizeof(seg));
		if (rc)
			return rc;
		src = seg.flags & GNTCOPY_SOURCE_GREF;
		dst = seg.flags & GNTCOPY_DEST_GREF;
		if (src)
			rc = rule(x, XSIM_OP_GNTDEV_GRANT_COPY,
				  seg.source.foreign.domid, XSIM_AFTER_COPY);
		if (!rc && dst)
			rc = rule(x, XSIM_OP_GNTDEV_GRANT_COPY,
				  seg.dest.foreign.domid, XSIM_AFTER_COPY);
		if (rc)
			return rc;
		/* The device's checks on this segment end the call. */
		if ((!src && !dst) ||
		    (src && seg.source.foreign.offset + seg.len > PAGE_SIZE) ||
		    (dst && seg.dest.foreign.offset + seg.len > PAGE_SIZE)) {
			x->ref->device_fails = true;
			return 0;
		}
		/* Performed: its local side or status write may fault. */
		x->ref->pre |= FZ_PRE_EFAULT | FZ_PRE_EINVAL;
	}
	return 0;
}

static int gntdev(struct ctx *x)
{
	union {
		struct ioctl_gntdev_unmap_grant_ref unmap;
		struct ioctl_gntdev_get_offset_for_vaddr off;
		struct ioctl_gntdev_set_max_grants max;
		struct ioctl_gntdev_unmap_notify notify;
	} u;
	enum xsim_op op;
	size_t len;
	int rc;

	switch (x->c->cmd) {
	case IOCTL_GNTDEV_RESTRICT_DOMID:
		return restrict_call(x, XSIM_DEV_GNTDEV);
	case IOCTL_GNTDEV_MAP_GRANT_REF:
		op = XSIM_OP_GNTDEV_MAP_GRANT_REF;
		len = 0;
		break;
	case IOCTL_GNTDEV_GRANT_COPY:
		op = XSIM_OP_GNTDEV_GRANT_COPY;
		len = 0;
		break;
	case IOCTL_GNTDEV_UNMAP_GRANT_REF:
		op = XSIM_OP_GNTDEV_UNMAP_GRANT_REF;
		len = sizeof(u.unmap);
		break;
	case IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR:
		op = XSIM_OP_GNTDEV_GET_OFFSET_FOR_VADDR;
		len = sizeof(u.off);
		break;
	case IOCTL_GNTDEV_SET_MAX_GRANTS:
		op = XSIM_OP_GNTDEV_SET_MAX_GRANTS;
		len = sizeof(u.max);
		break;
	case IOCTL_GNTDEV_SET_UNMAP_NOTIFY:
		op = XSIM_OP_GNTDEV_SET_UNMAP_NOTIFY;
		len = sizeof(u.notify);
		break;
	case IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS:
	case IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED:
	case IOCTL_GNTDEV_DMABUF_IMP_TO_REFS:
	case IOCTL_GNTDEV_DMABUF_IMP_RELEASE:
		/* Not modelled: a kernel without CONFIG_XEN_GNTDEV_DMABUF. */
		return -x->p->dev[XSIM_DEV_GNTDEV].unknown_err;
	default:
		return -x->p->dev[XSIM_DEV_GNTDEV].unknown_err;
	}
	rc = rule(x, op, XSIM_NO_TARGET, XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	if (op == XSIM_OP_GNTDEV_MAP_GRANT_REF)
		return gntdev_map(x);
	if (op == XSIM_OP_GNTDEV_GRANT_COPY)
		return gntdev_copy(x);
	rc = copy(x, &u, x->c->arg, len);
	return rc ? rc : rule(x, op, XSIM_NO_TARGET, XSIM_AFTER_COPY);
}

/* ---- gntalloc ---- */

static uint32_t t_alloc(const void *b)
{
	return ((const struct ioctl_gntalloc_alloc_gref *)b)->domid;
}

static int gntalloc(struct ctx *x)
{
	union {
		struct ioctl_gntalloc_alloc_gref alloc;
		struct ioctl_gntalloc_dealloc_gref dealloc;
		struct ioctl_gntalloc_unmap_notify notify;
	} u;

	switch (x->c->cmd) {
	case IOCTL_GNTALLOC_ALLOC_GREF:
		return simple(x, XSIM_OP_GNTALLOC_ALLOC_GREF, &u,
			      sizeof(u.alloc), t_alloc);
	case IOCTL_GNTALLOC_DEALLOC_GREF:
		return simple(x, XSIM_OP_GNTALLOC_DEALLOC_GREF, &u,
			      sizeof(u.dealloc), NULL);
	case IOCTL_GNTALLOC_SET_UNMAP_NOTIFY:
		return simple(x, XSIM_OP_GNTALLOC_SET_UNMAP_NOTIFY, &u,
			      sizeof(u.notify), NULL);
	case IOCTL_GNTALLOC_RESTRICT_DOMID:
		return restrict_call(x, XSIM_DEV_GNTALLOC);
	default:
		return -x->p->dev[XSIM_DEV_GNTALLOC].unknown_err;
	}
}

int fz_ref_audit(const struct xsim_profile *p, const struct xrc_port_call *c,
		 struct xrc_port_state *st, struct fz_ref *ref)
{
	struct fz_ref scratch;
	struct ctx x = {
		.p = p, .c = c,
		.st = { .restricted = st->restricted, .domid = st->domid },
		.ref = ref ? ref : &scratch,
	};
	int rc;

	memset(x.ref, 0, sizeof(*x.ref));
	x.ref->op = XSIM_NR_OPS;
	x.ref->target = XSIM_NO_TARGET;
	switch (c->dev) {
	case XRC_PORT_PRIVCMD:
		rc = privcmd(&x);
		break;
	case XRC_PORT_EVTCHN:
		rc = evtchn(&x);
		break;
	case XRC_PORT_GNTDEV:
		rc = gntdev(&x);
		break;
	default:
		rc = gntalloc(&x);
		break;
	}
	if (!rc) {
		st->restricted = x.st.restricted;
		st->domid = x.st.domid;
	}
	return rc;
}

void fz_ref_open(const struct xsim_profile *p, enum xrc_port_dev dev,
		 uint16_t caller_domid, struct xrc_port_state *st)
{
	st->restricted = 0;
	st->domid = XSIM_DOMID_INVALID;
	/* XSA-482, with no xenstore target: DOMID_IDLE. */
	if (dev == XRC_PORT_PRIVCMD && caller_domid != 0 &&
	    p->born_restricted_in_domu) {
		st->restricted = 1;
		st->domid = XSIM_DOMID_IDLE;
	}
}

bool fz_pre_allows(uint32_t pre, long err)
{
	return (err == -EINVAL && (pre & FZ_PRE_EINVAL)) ||
	       (err == -ENOMEM && (pre & FZ_PRE_ENOMEM)) ||
	       (err == -EFAULT && (pre & FZ_PRE_EFAULT)) ||
	       (err == -ENOSYS && (pre & FZ_PRE_ENOSYS));
}
