/* SPDX-License-Identifier: MIT */
/*
 * The audit core: pure functions of (profile table, handle restriction,
 * copied arguments).  They never look at the world, so the fuzzers can
 * drive them directly and a port's audit can be compared with them.
 */
#include <errno.h>

#include <xensim/profile.h>
#include <xensim/xen-const.h>

static const struct xsim_rule *rule_of(const struct xsim_profile *p,
				       enum xsim_op op)
{
	return &p->dev[xsim_op_dev(op)].op[op];
}

int xsim_audit_rule(const struct xsim_profile *p, enum xsim_op op,
		    const struct xsim_restrict_state *st, uint32_t target,
		    enum xsim_when when)
{
	const struct xsim_rule *r;

	if ((unsigned)op >= XSIM_NR_OPS)
		return -EINVAL;
	r = rule_of(p, op);
	if (r->kind == XSIM_RULE_ABSENT)
		return -p->dev[xsim_op_dev(op)].unknown_err;
	if (!st->restricted)
		return 0;
	switch (r->kind) {
	case XSIM_RULE_DENY:
		/* A before-copy refusal also holds after; not the reverse. */
		if (when == XSIM_AFTER_COPY || r->when == XSIM_BEFORE_COPY)
			return -r->err;
		return 0;
	case XSIM_RULE_TARGET:
		if (when != XSIM_AFTER_COPY)
			return 0;
		return target == st->domid ? 0 : -r->err;
	default:
		return 0;
	}
}

static enum xsim_op restrict_op(enum xsim_dev_kind dev)
{
	static const enum xsim_op ops[XSIM_NR_DEVS] = {
		[XSIM_DEV_PRIVCMD] = XSIM_OP_PRIVCMD_RESTRICT,
		[XSIM_DEV_EVTCHN] = XSIM_OP_EVTCHN_RESTRICT_DOMID,
		[XSIM_DEV_GNTDEV] = XSIM_OP_GNTDEV_RESTRICT,
		[XSIM_DEV_GNTALLOC] = XSIM_OP_GNTALLOC_RESTRICT,
	};

	return ops[dev];
}

int xsim_audit_restrict(const struct xsim_profile *p, enum xsim_dev_kind dev,
			struct xsim_restrict_state *st, uint32_t domid,
			enum xsim_when when)
{
	const struct xsim_dev_policy *d;
	const struct xsim_restrict_rule *r;

	if ((unsigned)dev >= XSIM_NR_DEVS)
		return -EINVAL;
	d = &p->dev[dev];
	r = &d->restrict_rule;
	if (d->op[restrict_op(dev)].kind != XSIM_RULE_RESTRICT)
		return -d->unknown_err;

	if (st->restricted) {
		if (when == XSIM_BEFORE_COPY) {
			/*
			 * Linux evtchn refuses any second restrict before it
			 * reads the argument; only possible when the answer
			 * does not depend on the domid.
			 */
			if (r->again_when == XSIM_BEFORE_COPY &&
			    r->again_same == r->again_other && r->again_other)
				return -r->again_other;
			return 0;
		}
		if (domid == st->domid)
			return r->again_same ? -r->again_same : 0;
		return -r->again_other;
	}
	if (when == XSIM_BEFORE_COPY)
		return 0;
	if (domid > 0xFFFFu)
		return -(r->bad_err ? r->bad_err : EINVAL);
	if (r->reject_zero && domid == 0)
		return -r->bad_err;
	if (r->reject_reserved && domid >= XSIM_DOMID_FIRST_RESERVED)
		return -r->bad_err;
	/* Linux privcmd stores DOMID_INVALID, its own "unrestricted" value. */
	if (r->invalid_is_noop && domid == XSIM_DOMID_INVALID)
		return 0;
	st->restricted = true;
	st->domid = (uint16_t)domid;
	return 0;
}

int xsim_audit_hypercall(const struct xsim_profile *p,
			 const struct xsim_restrict_state *st, uint64_t op,
			 const uint64_t arg[5])
{
	const struct xsim_rule *r = rule_of(p, XSIM_OP_PRIVCMD_HYPERCALL);
	const struct xsim_hypercall_rule *h;

	if (r->kind == XSIM_RULE_ABSENT)
		return -p->dev[XSIM_DEV_PRIVCMD].unknown_err;
	if (!st->restricted)
		return 0;
	if (r->kind == XSIM_RULE_DENY)
		return -r->err;
	if (r->kind != XSIM_RULE_TARGET)
		return 0;
	/* Per-hypercall whitelist. */
	h = &p->hypercall_default;
	if (op < XSIM_NR_HYPERCALLS && p->hypercall[op].kind != XSIM_RULE_ABSENT)
		h = &p->hypercall[op];
	switch (h->kind) {
	case XSIM_RULE_OPEN:
		return 0;
	case XSIM_RULE_TARGET:
		if (h->domid_arg >= 5)
			return -h->err;
		return arg[h->domid_arg] == st->domid ? 0 : -h->err;
	default:
		return -(h->err ? h->err : ENOSYS);
	}
}
