/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_sysctl (Xen 4.17 xen/common/sysctl.c, do_sysctl, and
 * xen/arch/x86/sysctl.c): the host-wide queries libxenctrl makes while
 * managing domains.  Order of checks, as Xen: copy in (EFAULT), interface
 * version (EACCES), XSM_PRIV (EPERM), then the operation.  Other sub-ops
 * answer -ENOSYS, as arch_do_sysctl does for one it does not have.
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
#include <xen/sysctl.h>

#include "hypercall.h"

/* The simulated host: 2 cores, one NUMA node (MAX_NUMNODES is 64). */
#define SIM_NR_CPUS		2u
#define SIM_MAX_NUMNODES	64u
#define SIM_CPU_KHZ		2000000u

static void physinfo(const struct xsim_world *w,
		     struct xen_sysctl_physinfo *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->threads_per_core = 1;
	pi->cores_per_socket = SIM_NR_CPUS;
	pi->nr_cpus = SIM_NR_CPUS;
	pi->max_cpu_id = SIM_NR_CPUS - 1;
	pi->nr_nodes = 1;
	pi->max_node_id = SIM_MAX_NUMNODES - 1;
	pi->cpu_khz = SIM_CPU_KHZ;
	pi->total_pages = w->sh->nr_pages;
	pi->free_pages = w->sh->free_pages;
	pi->max_mfn = xsim_mfn_limit(w) - 1;
	/* HVM, PV, HAP and shadow; grant tables v1 only (as the sim's). */
	pi->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_pv |
			   XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_shadow |
			   XEN_SYSCTL_PHYSCAP_gnttab_v1;
}

/* XEN_SYSCTL_getdomaininfolist: one record per domain >= first. */
static long domaininfolist(const struct xsim_caller *c,
			   const struct xsim_uaccess *ua,
			   struct xen_sysctl_getdomaininfolist *l)
{
	uint64_t buf = XSIM_HANDLE_ADDR(l->buffer);
	uint32_t n = 0;
	int id;

	for (id = xsim_domain_next(c->w, l->first_domain);
	     id >= 0 && n < l->max_domains;
	     id = xsim_domain_next(c->w, (uint32_t)id + 1)) {
		struct xen_domctl_getdomaininfo info;

		xsim_hc_domaininfo(c, xsim_dom_get(c->w, (uint32_t)id), &info);
		if (xsim_copy_out(ua, buf + (uint64_t)n * sizeof(info), &info,
				  sizeof(info)))
			return -EFAULT;
		n++;
	}
	l->num_domains = n;
	return 0;
}

long xsim_hc_sysctl(const struct xsim_caller *c,
		    const struct xsim_uaccess *ua, uint64_t arg)
{
	struct xen_sysctl op;
	long rc;

	if (xsim_copy_in(ua, &op, arg, sizeof(op)))
		return -EFAULT;
	if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
		return -EACCES;
	/* xsm_sysctl(XSM_PRIV). */
	if (!xsim_hc_privileged(c))
		return -EPERM;
	switch (op.cmd) {
	case XEN_SYSCTL_physinfo:
		physinfo(c->w, &op.u.physinfo);
		rc = 0;
		break;
	case XEN_SYSCTL_sched_id:
		/* Xen 4.17's default scheduler. */
		op.u.sched_id.sched_id = XEN_SCHEDULER_CREDIT2;
		rc = 0;
		break;
	case XEN_SYSCTL_getdomaininfolist:
		rc = domaininfolist(c, ua, &op.u.getdomaininfolist);
		break;
	default:
		return -ENOSYS;
	}
	/* Copied back on success (Xen: copyback unless the op failed). */
	if (!rc && xsim_copy_out(ua, arg, &op, sizeof(op)))
		return -EFAULT;
	return rc;
}
