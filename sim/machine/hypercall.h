/* SPDX-License-Identifier: MIT */
/*
 * Private to the hypercall files of the machine (hypercall.c and hc_*.c,
 * dm_op.c, resource.c): one entry point per hypercall family, and the
 * domain lookups and XSM checks they share.
 *
 * Every xsim_hc_* function decodes Xen's public structures from caller
 * memory (through ua), returns what Xen 4.17 returns, and expects the
 * machine lock held.
 */
#ifndef XENSIM_HYPERCALL_H
#define XENSIM_HYPERCALL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <xensim/machine.h>

#include "layout.h"

/* xen/include/xen/hypercall.h: memory_op's continuation encoding. */
#define XSIM_MEMOP_EXTENT_SHIFT	6
#define XSIM_MEMOP_CMD_MASK	((1u << XSIM_MEMOP_EXTENT_SHIFT) - 1)

/* Top of the x86-64 guest-accessible range (guest_handle_okay's limit). */
#define XSIM_HC_USER_TOP	(1ull << 47)

/* A caller address taken from a guest handle (the sim runs 64-bit only). */
_Static_assert(sizeof(void *) == sizeof(uint64_t), "64-bit host required");
#define XSIM_HANDLE_ADDR(h)	((uint64_t)(uintptr_t)(h).p)

long xsim_hc_xen_version(const struct xsim_caller *c,
			 const struct xsim_uaccess *ua, uint64_t cmd,
			 uint64_t arg);
long xsim_hc_memory_op(const struct xsim_caller *c,
		       const struct xsim_uaccess *ua, uint64_t cmd,
		       uint64_t arg);
long xsim_hc_event_channel_op(const struct xsim_caller *c,
			      const struct xsim_uaccess *ua, uint64_t cmd,
			      uint64_t arg);
long xsim_hc_grant_table_op(const struct xsim_caller *c,
			    const struct xsim_uaccess *ua, uint64_t cmd,
			    uint64_t uop, uint64_t count);
long xsim_hc_hvm_op(const struct xsim_caller *c,
		    const struct xsim_uaccess *ua, uint64_t op, uint64_t arg);
long xsim_hc_dm_op(const struct xsim_caller *c,
		   const struct xsim_uaccess *ua, uint64_t domid,
		   uint64_t nr_bufs, uint64_t bufs);
long xsim_hc_domctl(const struct xsim_caller *c,
		    const struct xsim_uaccess *ua, uint64_t arg);
long xsim_hc_sysctl(const struct xsim_caller *c,
		    const struct xsim_uaccess *ua, uint64_t arg);
long xsim_hc_multicall(const struct xsim_caller *c,
		       const struct xsim_uaccess *ua, uint64_t list,
		       uint64_t nr_calls);

/*
 * getdomaininfo() as domctl and sysctl report it: fills info from d and
 * records the READ effect (sim/machine/hc_domctl.c).
 */
struct xen_domctl_getdomaininfo;
void xsim_hc_domaininfo(const struct xsim_caller *c,
			const struct xsim_domain *d,
			struct xen_domctl_getdomaininfo *info);

/* XENMEM_acquire_resource as memory_op decodes it (sim/machine/resource.c). */
long xsim_hc_acquire_resource(const struct xsim_caller *c,
			      const struct xsim_uaccess *ua, uint64_t arg,
			      uint64_t start_extent);

/* ioreq server frames for XENMEM_acquire_resource (sim/machine/dm_op.c). */
uint32_t xsim_ioreq_max_frames(const struct xsim_domain *d);
int xsim_ioreq_get_frame(const struct xsim_caller *c, struct xsim_domain *d,
			 uint32_t id, uint32_t idx, uint32_t *page);

/*
 * Move the page at gfn src of d to gfn dst (XENMAPSPACE_gmfn, dm_op
 * relocate_memory), replacing whatever was at dst.  -EINVAL if src is a
 * hole.  Lock held.
 */
int xsim_hc_move_gfn(const struct xsim_caller *c, struct xsim_domain *d,
		     uint64_t src, uint64_t dst);

/* guest_handle_okay(): nr elements of size bytes at addr fit the range. */
static inline bool xsim_hc_array_okay(uint64_t addr, uint64_t nr,
				      uint64_t size)
{
	return nr <= XSIM_HC_USER_TOP / size &&
	       addr <= XSIM_HC_USER_TOP - nr * size;
}

/* The calling domain, or NULL if it has gone. */
static inline struct xsim_domain *xsim_hc_self(const struct xsim_caller *c)
{
	return xsim_dom_get(c->w, c->domid);
}

/* Xen's is_control_domain(current->domain). */
static inline bool xsim_hc_privileged(const struct xsim_caller *c)
{
	const struct xsim_domain *self = xsim_hc_self(c);

	return self && (self->flags & XSIM_DOM_PRIVILEGED);
}

/* xen/include/xsm/dummy.h, XSM_DM_PRIV: the control domain or d's device model. */
static inline bool xsim_hc_dm_priv(const struct xsim_caller *c,
				   const struct xsim_domain *d)
{
	const struct xsim_domain *self = xsim_hc_self(c);

	if (!self)
		return false;
	return self->target == d->domid ||
	       (self->flags & XSIM_DOM_PRIVILEGED);
}

/* XSM_TARGET: the domain itself, then as XSM_DM_PRIV. */
static inline bool xsim_hc_target(const struct xsim_caller *c,
				  const struct xsim_domain *d)
{
	return c->domid == d->domid || xsim_hc_dm_priv(c, d);
}

/* rcu_lock_domain_by_any_id(): DOMID_SELF is the caller. */
static inline struct xsim_domain *xsim_hc_any_domain(const struct xsim_caller *c,
						     uint32_t domid)
{
	return xsim_dom_get(c->w, domid == XSIM_DOMID_SELF ? c->domid : domid);
}

/*
 * rcu_lock_remote_domain_by_id() (xen/common/domain.c): no DOMID_SELF
 * resolution, -ESRCH if missing, -EPERM for the caller's own domain.
 */
static inline int xsim_hc_remote_domain(const struct xsim_caller *c,
					uint32_t domid,
					struct xsim_domain **out)
{
	struct xsim_domain *d = xsim_dom_get(c->w, domid);

	if (!d)
		return -ESRCH;
	if (d->domid == c->domid)
		return -EPERM;
	*out = d;
	return 0;
}

#endif /* XENSIM_HYPERCALL_H */
