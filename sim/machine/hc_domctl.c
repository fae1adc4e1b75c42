/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_domctl (Xen 4.17 xen/common/domctl.c, do_domctl, with
 * xen/common/domain.c domain_create/sanitise_domain_config, the x86
 * arch_sanitise_domain_config/arch_domain_create checks and the dummy
 * XSM policy of xen/include/xsm/dummy.h): the subset libxenctrl needs to
 * build, inspect and tear down a domain.
 *
 * Order of checks, as Xen: copy in (EFAULT), interface version (EACCES),
 * domain lookup (ESRCH), XSM (EPERM), then the operation.  A sub-op the
 * sim does not model answers -ENOSYS after those checks (Xen's answer
 * for a domctl it does not have).  The machine functions record the
 * effects; the few fields this file writes directly record their own.
 */
#define __XEN_TOOLS__ 1
/*
 * <xen/domctl.h> includes <xen/hvm/save.h>, which refuses a strict ISO
 * build for its anonymous unions (standard since C11): lift the flag.
 */
#undef __STRICT_ANSI__

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/domctl.h>

#include "hypercall.h"

/* Xen 4.17 x86 limits: HVM_MAX_VCPUS, MAX_VIRT_CPUS (CONFIG_NR_CPUS). */
#define SIM_HVM_MAX_VCPUS	128u
#define SIM_PV_MAX_VCPUS	8192u
/* Grant limits (xen/common/grant_table.c defaults, gnttab_max_version 1). */
#define SIM_INITIAL_GRANT_FRAMES	1
#define SIM_MAX_MAPTRACK_FRAMES		1024
#define SIM_GNTTAB_MAX_VERSION		1u
/* domain_pause_by_systemcontroller(): "an arbitrary 255". */
#define SIM_MAX_CONTROLLER_PAUSE	255u
/* hap_paddr_bits of the simulated host. */
#define SIM_GPADDR_BITS		48u

static bool control_domain(const struct xsim_caller *c)
{
	return xsim_hc_privileged(c);
}

/* XSM_XS_PRIV: the xenstore domain, then as XSM_DM_PRIV. */
static bool xs_priv(const struct xsim_caller *c, const struct xsim_domain *d)
{
	const struct xsim_domain *self = xsim_hc_self(c);

	if (self && (self->cdf & XEN_DOMCTL_CDF_xs_domain))
		return true;
	return xsim_hc_dm_priv(c, d);
}

void xsim_hc_domaininfo(const struct xsim_caller *c,
			const struct xsim_domain *d,
			struct xen_domctl_getdomaininfo *info)
{
	/* The sim runs no guest vcpu: only the control domain's are online. */
	uint32_t online = (d->flags & XSIM_DOM_PRIVILEGED) ? d->max_vcpus : 0;

	memset(info, 0, sizeof(*info));
	info->domain = d->domid;
	info->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1 :
					   XEN_INVALID_MAX_VCPU_ID;
	info->nr_online_vcpus = online;
	/* getdomaininfo(): blocked/running only with vcpus online. */
	if (online)
		info->flags |= XEN_DOMINF_running;
	if (d->flags & XSIM_DOM_DYING)
		info->flags |= XEN_DOMINF_dying;
	if (d->pause_count)
		info->flags |= XEN_DOMINF_paused;
	if (d->cdf & XEN_DOMCTL_CDF_xs_domain)
		info->flags |= XEN_DOMINF_xs_domain;
	if (d->flags & XSIM_DOM_HVM)
		info->flags |= XEN_DOMINF_hvm_guest;
	if (d->cdf & XEN_DOMCTL_CDF_hap)
		info->flags |= XEN_DOMINF_hap;
	info->tot_pages = d->tot_pages;
	/* d->max_pages is an unsigned int in Xen. */
	info->max_pages = d->max_pages > UINT32_MAX ? UINT32_MAX : d->max_pages;
	info->ssidref = d->ssidref;
	memcpy(info->handle, d->handle, sizeof(info->handle));
	info->cpupool = 0;
	info->gpaddr_bits = SIM_GPADDR_BITS;
	info->arch_config.emulation_flags = d->emulation_flags;
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_READ, XSIM_OP_DOMAIN,
			XEN_DOMCTL_getdomaininfo, 0);
}

/* XEN_DOMCTL_getdomaininfo: the domain, or the next one above it. */
static long getdomaininfo(const struct xsim_caller *c, struct xen_domctl *op)
{
	const struct xsim_domain *d;
	int next;

	/* Reserved ids name no listed domain (DOMID_SELF included). */
	if (op->domain >= XSIM_DOMID_FIRST_RESERVED)
		return -EINVAL;
	next = xsim_domain_next(c->w, op->domain);
	if (next < 0)
		return -ESRCH;
	d = xsim_dom_get(c->w, (uint32_t)next);
	if (!xs_priv(c, d))
		return -EPERM;
	xsim_hc_domaininfo(c, d, &op->u.getdomaininfo);
	op->domain = d->domid;
	return 0;
}

/* sanitise_domain_config() and arch_sanitise_domain_config(). */
static int sanitise(struct xen_domctl_createdomain *cfg)
{
	bool hvm = cfg->flags & XEN_DOMCTL_CDF_hvm;
	bool hap = cfg->flags & XEN_DOMCTL_CDF_hap;

	if (cfg->flags & ~(XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |
			   XEN_DOMCTL_CDF_s3_integrity |
			   XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain |
			   XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_nested_virt |
			   XEN_DOMCTL_CDF_vpmu))
		return -EINVAL;
	if (cfg->grant_opts & ~XEN_DOMCTL_GRANT_version_mask)
		return -EINVAL;
	if (cfg->max_vcpus < 1)
		return -EINVAL;
	if (hap && !hvm)
		return -EINVAL;
	/* The simulated host has no IOMMU, no vmtrace and no vPMU. */
	if (cfg->flags & XEN_DOMCTL_CDF_iommu)
		return -EINVAL;
	if (cfg->iommu_opts)
		return -EINVAL;
	if (cfg->vmtrace_size)
		return -EINVAL;
	if (cfg->flags & XEN_DOMCTL_CDF_vpmu)
		return -EINVAL;
	/* x86 */
	if (cfg->max_vcpus > (hvm ? SIM_HVM_MAX_VCPUS : SIM_PV_MAX_VCPUS))
		return -EINVAL;
	/* No CONFIG_TBOOT. */
	if (cfg->flags & XEN_DOMCTL_CDF_s3_integrity)
		return -EINVAL;
	if (!hvm)
		cfg->flags |= XEN_DOMCTL_CDF_oos_off;
	if ((cfg->flags & XEN_DOMCTL_CDF_nested_virt) && !hap)
		return -EINVAL;
	if (cfg->arch.misc_flags & ~XEN_X86_MSR_RELAXED)
		return -EINVAL;
	return 0;
}

/* arch_domain_create(): the emulation bitmap (emulation_flags_ok()). */
static int check_emulation(const struct xen_domctl_createdomain *cfg)
{
	uint32_t em = cfg->arch.emulation_flags;

	if (em & ~XEN_X86_EMU_ALL)
		return -EINVAL;
	if (cfg->flags & XEN_DOMCTL_CDF_hvm) {
		if (em != (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI) &&
		    em != XEN_X86_EMU_LAPIC)
			return -EOPNOTSUPP;
	} else if (em != 0 && em != XEN_X86_EMU_PIT) {
		return -EOPNOTSUPP;
	}
	return 0;
}

/* grant_table_init(): version and sizes; -1 asks for the default. */
static int check_grants(const struct xen_domctl_createdomain *cfg,
			uint32_t *frames)
{
	unsigned version = cfg->grant_opts & XEN_DOMCTL_GRANT_version_mask;
	int32_t gf = cfg->max_grant_frames, mf = cfg->max_maptrack_frames;

	if (!version || version > SIM_GNTTAB_MAX_VERSION)
		return -EINVAL;
	if (gf < 0)
		gf = XSIM_GNTTAB_MAX_FRAMES;
	if (mf < 0)
		mf = SIM_MAX_MAPTRACK_FRAMES;
	if (gf < SIM_INITIAL_GRANT_FRAMES || gf > (int32_t)XSIM_GNTTAB_MAX_FRAMES ||
	    mf > SIM_MAX_MAPTRACK_FRAMES)
		return -EINVAL;
	*frames = (uint32_t)gf;
	return 0;
}

static long createdomain(const struct xsim_caller *c, struct xen_domctl *op)
{
	struct xen_domctl_createdomain *cfg = &op->u.createdomain;
	struct xsim_domain_config mc = { .domid = XSIM_DOMID_INVALID };
	struct xsim_domain *d;
	uint32_t frames = 0;
	uint16_t id;
	int rc;

	/* A wanted domid must be free; anything else picks one. */
	if (op->domain > 0 && op->domain < XSIM_DOMID_FIRST_RESERVED) {
		if (xsim_dom_get(c->w, op->domain))
			return -EEXIST;
		mc.domid = op->domain;
	}
	rc = sanitise(cfg);
	if (!rc)
		rc = check_emulation(cfg);
	if (!rc)
		rc = check_grants(cfg, &frames);
	/* sched_init_domain(): only cpupool 0 exists. */
	if (!rc && cfg->cpupool_id)
		rc = -ESRCH;
	if (rc)
		return rc;
	mc.hvm = cfg->flags & XEN_DOMCTL_CDF_hvm;
	mc.max_vcpus = 0;	/* vcpus come with XEN_DOMCTL_max_vcpus */
	mc.max_pages = 0;	/* a new domain owns nothing until max_mem */
	mc.max_evtchn_port = cfg->max_evtchn_port;
	mc.max_grant_frames = frames;
	mc.ssidref = cfg->ssidref;
	memcpy(mc.handle, cfg->handle, sizeof(mc.handle));
	rc = xsim_domain_create(c, &mc, &id);
	if (rc)
		return rc;
	d = xsim_dom_get(c->w, id);
	d->cdf = cfg->flags;
	d->vcpu_limit = cfg->max_vcpus;
	d->emulation_flags = cfg->arch.emulation_flags;
	/* The machine reads 0 as "default": Xen's 0 allows no port. */
	if (!cfg->max_evtchn_port)
		d->max_evtchn_port = 0;
	op->domain = id;
	return 0;
}

/* XEN_DOMCTL_max_vcpus: creates the vcpus createdomain sized. */
static long max_vcpus(const struct xsim_caller *c, struct xsim_domain *d,
		      uint32_t max)
{
	uint32_t limit = d->vcpu_limit;

	if (d->domid == c->domid)
		return -EINVAL;
	/* A domain made without createdomain: the machine's range decides. */
	if (limit && max != limit)
		return -EINVAL;
	return xsim_domain_set_max_vcpus(c, d->domid, max);
}

static long pausedomain(const struct xsim_caller *c, struct xsim_domain *d)
{
	if (d->domid == c->domid)
		return -EINVAL;
	if (d->pause_count >= SIM_MAX_CONTROLLER_PAUSE)
		return -EOVERFLOW;
	return xsim_domain_pause(c, d->domid);
}

static long unpausedomain(const struct xsim_caller *c, struct xsim_domain *d)
{
	/* domain_unpause_by_systemcontroller(): nothing to undo. */
	if (!d->pause_count)
		return -EINVAL;
	return xsim_domain_unpause(c, d->domid);
}

/* XEN_DOMCTL_getvcpuinfo: a vcpu that exists never ran in the sim. */
static long getvcpuinfo(const struct xsim_caller *c, struct xsim_domain *d,
			struct xen_domctl_getvcpuinfo *vi)
{
	bool online = d->flags & XSIM_DOM_PRIVILEGED;
	uint32_t limit = d->vcpu_limit ? d->vcpu_limit : d->max_vcpus;

	if (vi->vcpu >= limit)
		return -EINVAL;
	if (vi->vcpu >= d->max_vcpus)
		return -ESRCH;
	vi->online = online;
	vi->blocked = 0;
	vi->running = online && vi->vcpu == 0;
	vi->cpu_time = 0;
	vi->cpu = vi->vcpu % 2;
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_READ, XSIM_OP_DOMAIN,
			XEN_DOMCTL_getvcpuinfo, vi->vcpu);
	return 0;
}

/* XEN_DOMCTL_set_target: d becomes the device model of target e. */
static long set_target(const struct xsim_caller *c, struct xsim_domain *d,
		       uint32_t target)
{
	const struct xsim_domain *e = xsim_dom_get(c->w, target);

	if (!e)
		return -ESRCH;
	if (e == d)
		return -EINVAL;
	if (!(e->flags & XSIM_DOM_HVM))
		return -EOPNOTSUPP;
	if (!control_domain(c))
		return -EPERM;
	/* cmpxchgptr(&d->target, NULL, e): set once. */
	if (d->target != XSIM_DOMID_INVALID)
		return -EINVAL;
	return xsim_domain_set_target(c, d->domid, target);
}

/* XEN_DOMCTL_{get,set}_paging_mempool_size (xen/arch/x86/mm/paging.c). */
static long paging_mempool(const struct xsim_caller *c, struct xsim_domain *d,
			   struct xen_domctl *op, bool *copyback)
{
	uint64_t size = op->u.paging_mempool.size;

	if (!(d->flags & XSIM_DOM_HVM))
		return -EOPNOTSUPP;	/* "TODO: Relax in due course" */
	if (op->cmd == XEN_DOMCTL_get_paging_mempool_size) {
		op->u.paging_mempool.size =
			(uint64_t)d->paging_pool_pages << XSIM_PAGE_SHIFT;
		*copyback = true;
		xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_READ,
				XSIM_OP_DOMAIN, op->cmd, 0);
		return 0;
	}
	if ((size & (XSIM_PAGE_SIZE - 1)) ||
	    (size >> XSIM_PAGE_SHIFT) > UINT32_MAX)
		return -EINVAL;
	/* The sim's p2m comes from the world's pool: only the size is kept. */
	d->paging_pool_pages = (uint32_t)(size >> XSIM_PAGE_SHIFT);
	xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_WRITE,
			XSIM_OP_DOMAIN, op->cmd, d->paging_pool_pages);
	return 0;
}

/* The sub-ops that need the domain and the control domain. */
static long domain_op(const struct xsim_caller *c, struct xen_domctl *op,
		      struct xsim_domain *d, bool *copyback)
{
	switch (op->cmd) {
	case XEN_DOMCTL_destroydomain:
		return xsim_domain_destroy(c, d->domid);
	case XEN_DOMCTL_pausedomain:
		return pausedomain(c, d);
	case XEN_DOMCTL_unpausedomain:
		return unpausedomain(c, d);
	case XEN_DOMCTL_max_vcpus:
		return max_vcpus(c, d, op->u.max_vcpus.max);
	case XEN_DOMCTL_max_mem: {
		uint64_t pages = op->u.max_mem.max_memkb >> (XSIM_PAGE_SHIFT - 10);

		/* Xen keeps it in an unsigned int, and may ratchet down. */
		if (pages > UINT32_MAX)
			pages = UINT32_MAX;
		return xsim_domain_set_max_pages(c, d->domid, pages);
	}
	case XEN_DOMCTL_setdomainhandle:
		memcpy(d->handle, op->u.setdomainhandle.handle,
		       sizeof(d->handle));
		xsim_effect_add(c->w, c->handle, d->domid, XSIM_EFF_WRITE,
				XSIM_OP_DOMAIN, XEN_DOMCTL_setdomainhandle, 0);
		return 0;
	case XEN_DOMCTL_getvcpuinfo: {
		long rc = getvcpuinfo(c, d, &op->u.getvcpuinfo);

		*copyback = !rc;
		return rc;
	}
	case XEN_DOMCTL_get_paging_mempool_size:
	case XEN_DOMCTL_set_paging_mempool_size:
		return paging_mempool(c, d, op, copyback);
	default:
		/* Not modelled. */
		return -ENOSYS;
	}
}

long xsim_hc_domctl(const struct xsim_caller *c,
		    const struct xsim_uaccess *ua, uint64_t arg)
{
	struct xen_domctl op;
	struct xsim_domain *d = NULL;
	bool copyback = false;
	long rc;

	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -EACCES;
	/* rcu_lock_domain_by_id(): no DOMID_SELF here. */
	if (op.cmd != XEN_DOMCTL_createdomain) {
		d = xsim_dom_get(c->w, op.domain);
		if (!d && op.cmd != XEN_DOMCTL_getdomaininfo)
			return -ESRCH;
	}
	switch (op.cmd) {
	case XEN_DOMCTL_getdomaininfo:
		rc = getdomaininfo(c, &op);
		copyback = !rc;
		break;
	case XEN_DOMCTL_set_target:
		rc = set_target(c, d, op.u.set_target.target);
		break;
	case XEN_DOMCTL_createdomain:
		if (!control_domain(c))
			return -EPERM;
		rc = createdomain(c, &op);
		copyback = !rc;
		break;
	default:
		/* xsm_domctl(): XSM_PRIV for everything else. */
		if (!control_domain(c))
			return -EPERM;
		rc = domain_op(c, &op, d, &copyback);
		break;
	}
	if (copyback && xsim_copy_out(ua, arg, &op, sizeof(op)))
		return -EFAULT;
	return rc;
}
