/* SPDX-License-Identifier: MIT */
/*
 * What libxenctrl needs from the machine: domctl (create, limits,
 * inspect, pause, destroy), sysctl (physinfo, the domain list), multicall
 * (how libxenctrl issues memory_op), and the /dev/xen/hypercall buffer
 * device.  Expected values are Xen 4.17's (xen/common/domctl.c,
 * sysctl.c, multicall.c) and Linux 6.1's (drivers/xen/privcmd-buf.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#define __XEN_TOOLS__ 1
/* <xen/hvm/save.h> (via domctl.h) insists on GNU C; the build is -std=c11. */
#undef __STRICT_ANSI__

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/memory.h>
#include <xen/sysctl.h>

#include <xensim/device.h>
#include <xensim/effect.h>
#include <xensim/machine.h>
#include <xensim/world.h>

#include "support/world_helpers.h"

#define HANDLE	0x02000007u	/* an effect-log handle id for the caller */
#define U(p)	((uint64_t)(uintptr_t)(p))

static long hc(struct xsim_world *w, uint16_t dom, uint64_t op, uint64_t a0,
	       uint64_t a1)
{
	struct xsim_caller c = { .w = w, .domid = dom, .handle = HANDLE };
	const uint64_t arg[5] = { a0, a1, 0, 0, 0 };
	long rc;

	xsim_lock(w);
	rc = xsim_hypercall(&c, &xsim_uaccess_self, op, arg);
	xsim_unlock(w);
	return rc;
}

static long domctl_as(struct xsim_world *w, uint16_t caller,
		      struct xen_domctl *op)
{
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	return hc(w, caller, __HYPERVISOR_domctl, U(op), 0);
}

static long domctl(struct xsim_world *w, struct xen_domctl *op)
{
	return domctl_as(w, 0, op);
}

static long sysctl_as(struct xsim_world *w, uint16_t caller,
		      struct xen_sysctl *op)
{
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return hc(w, caller, __HYPERVISOR_sysctl, U(op), 0);
}

/* What libxl asks for a PV and an HVM guest. */
static struct xen_domctl_createdomain pv_config(void)
{
	struct xen_domctl_createdomain c = {
		.max_vcpus = 1,
		.max_evtchn_port = 1023,
		.max_grant_frames = -1,
		.max_maptrack_frames = -1,
		.grant_opts = XEN_DOMCTL_GRANT_version(1),
	};
	return c;
}

static struct xen_domctl_createdomain hvm_config(void)
{
	struct xen_domctl_createdomain c = pv_config();

	c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
	c.max_vcpus = 2;
	c.arch.emulation_flags = XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI;
	return c;
}

/* XEN_DOMCTL_createdomain; on success cfg is what Xen copied back. */
static long create(struct xsim_world *w, uint16_t want,
		   struct xen_domctl_createdomain *cfg, uint16_t *domid)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_createdomain,
				 .domain = want };
	long rc;

	op.u.createdomain = *cfg;
	rc = domctl(w, &op);
	if (!rc) {
		*cfg = op.u.createdomain;
		if (domid)
			*domid = op.domain;
	}
	return rc;
}

static long simple(struct xsim_world *w, uint32_t cmd, uint16_t dom)
{
	struct xen_domctl op = { .cmd = cmd, .domain = dom };

	return domctl(w, &op);
}

static long max_vcpus(struct xsim_world *w, uint16_t dom, uint32_t max)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_max_vcpus, .domain = dom };

	op.u.max_vcpus.max = max;
	return domctl(w, &op);
}

static long max_mem(struct xsim_world *w, uint16_t dom, uint64_t kb)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_max_mem, .domain = dom };

	op.u.max_mem.max_memkb = kb;
	return domctl(w, &op);
}

static long info(struct xsim_world *w, uint16_t dom,
		 struct xen_domctl_getdomaininfo *out, uint16_t *found)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo,
				 .domain = dom };
	long rc = domctl(w, &op);

	if (!rc) {
		*out = op.u.getdomaininfo;
		*found = op.domain;
	}
	return rc;
}

/* XENMEM_populate_physmap of gfns [0, n) through a multicall, as libxenctrl. */
static long populate(struct xsim_world *w, uint16_t dom, unsigned n)
{
	xen_pfn_t gfns[64];
	struct xen_memory_reservation r = {
		.nr_extents = n, .extent_order = 0, .domid = dom,
	};
	multicall_entry_t call = {
		.op = __HYPERVISOR_memory_op,
		.args = { XENMEM_populate_physmap, U(&r) },
	};
	unsigned i;
	long rc;

	assert_true(n <= 64);
	for (i = 0; i < n; i++)
		gfns[i] = i;
	set_xen_guest_handle(r.extent_start, gfns);
	rc = hc(w, 0, __HYPERVISOR_multicall, U(&call), 1);
	return rc ? rc : (long)call.result;
}

static void interface_versions(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_domctl d = { .cmd = XEN_DOMCTL_getdomaininfo };
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_physinfo };

	(void)state;
	/* Xen: copy first (EFAULT), then the version (EACCES). */
	assert_int_equal(hc(w, 0, __HYPERVISOR_domctl, 0, 0), -EFAULT);
	assert_int_equal(hc(w, 0, __HYPERVISOR_sysctl, 0, 0), -EFAULT);
	d.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
	assert_int_equal(hc(w, 0, __HYPERVISOR_domctl, U(&d), 0), -EACCES);
	d.interface_version = XEN_DOMCTL_INTERFACE_VERSION + 1;
	assert_int_equal(hc(w, 0, __HYPERVISOR_domctl, U(&d), 0), -EACCES);
	s.interface_version = 0;
	assert_int_equal(hc(w, 0, __HYPERVISOR_sysctl, U(&s), 0), -EACCES);
	/* Debian's libxenctrl 4.17 sends 0x15 for both. */
	assert_int_equal(XEN_DOMCTL_INTERFACE_VERSION, 0x15);
	assert_int_equal(XEN_SYSCTL_INTERFACE_VERSION, 0x15);
	assert_int_equal(domctl(w, &d), 0);
	assert_int_equal(sysctl_as(w, 0, &s), 0);
	xsim_world_detach(w);
}

static void create_pv_and_hvm(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_domctl_createdomain pv = pv_config(), hvm = hvm_config();
	struct xen_domctl_getdomaininfo di;
	struct xsim_domain_info mi;
	struct xsim_caller dom0 = wh_caller(w, 0);
	uint64_t from = xsim_effect_next(w);
	uint16_t a, b, found;

	(void)state;
	memset(pv.handle, 0xab, sizeof(pv.handle));
	assert_int_equal(create(w, 0, &pv, &a), 0);
	/* The default world holds 1..3: the next free id. */
	assert_int_equal(a, 4);
	/* Sanitised config is copied back: a PV guest gets oos_off. */
	assert_int_equal(pv.flags, XEN_DOMCTL_CDF_oos_off);
	assert_int_equal(create(w, 0, &hvm, &b), 0);
	assert_int_equal(hvm.flags, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap);
	assert_int_equal(b, 5);
	assert_int_equal(wh_effects_on(w, from, a), 1);

	assert_int_equal(info(w, a, &di, &found), 0);
	assert_int_equal(found, a);
	assert_int_equal(di.domain, a);
	/* Paused, no vcpus, no memory, not HVM, the handle kept. */
	assert_int_equal(di.flags, XEN_DOMINF_paused);
	assert_int_equal(di.max_vcpu_id, XEN_INVALID_MAX_VCPU_ID);
	assert_int_equal(di.tot_pages, 0);
	assert_int_equal(di.max_pages, 0);
	assert_int_equal(di.handle[7], 0xab);
	assert_int_equal(info(w, b, &di, &found), 0);
	assert_int_equal(di.flags, XEN_DOMINF_paused | XEN_DOMINF_hvm_guest |
				   XEN_DOMINF_hap);
	assert_int_equal(di.arch_config.emulation_flags,
			 XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI);

	/* The machine agrees. */
	xsim_lock(w);
	assert_int_equal(xsim_domain_getinfo(&dom0, b, &mi), 0);
	xsim_unlock(w);
	assert_true(mi.hvm);
	assert_true(mi.paused);

	/* A wanted domid: taken if free, EEXIST if not. */
	assert_int_equal(create(w, 77, &pv, &a), 0);
	assert_int_equal(a, 77);
	assert_int_equal(create(w, 77, &pv, NULL), -EEXIST);
	assert_int_equal(create(w, 2, &pv, NULL), -EEXIST);
	/* A reserved domid picks a free one, as 0 does. */
	assert_int_equal(create(w, XSIM_DOMID_SELF, &pv, &a), 0);
	assert_int_equal(a, 6);
	xsim_world_detach(w);
}

static void create_rejects(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_domctl_createdomain c;
	struct xen_domctl op = { .cmd = XEN_DOMCTL_createdomain };
	uint64_t from = xsim_effect_next(w);
	struct xsim_world_stats st;

	(void)state;
#define EXPECT(err, change) do {					\
		c = pv_config();					\
		change;							\
		assert_int_equal(create(w, 0, &c, NULL), (err));	\
	} while (0)
	EXPECT(-EINVAL, c.max_vcpus = 0);
	EXPECT(-EINVAL, c.flags = 1u << 8);
	EXPECT(-EINVAL, c.flags = XEN_DOMCTL_CDF_hap);
	EXPECT(-EINVAL, c.flags = XEN_DOMCTL_CDF_iommu);
	EXPECT(-EINVAL, c.iommu_opts = XEN_DOMCTL_IOMMU_no_sharept);
	EXPECT(-EINVAL, c.flags = XEN_DOMCTL_CDF_vpmu);
	EXPECT(-EINVAL, c.flags = XEN_DOMCTL_CDF_s3_integrity);
	EXPECT(-EINVAL, c.vmtrace_size = 4096);
	EXPECT(-EINVAL, c.grant_opts = 0);
	EXPECT(-EINVAL, c.grant_opts = XEN_DOMCTL_GRANT_version(2));
	EXPECT(-EINVAL, c.grant_opts |= 1u << 4);
	EXPECT(-EINVAL, c.max_grant_frames = 0);
	EXPECT(-EINVAL, c.max_grant_frames = 65);
	EXPECT(-EINVAL, c.max_maptrack_frames = 1025);
	EXPECT(-EINVAL, c.arch.misc_flags = 2);
	EXPECT(-EINVAL, c.arch.emulation_flags = 1u << 11);
	EXPECT(-EOPNOTSUPP, c.arch.emulation_flags = XEN_X86_EMU_LAPIC);
	EXPECT(-ESRCH, c.cpupool_id = 1);
	EXPECT(-EINVAL, (c.flags = XEN_DOMCTL_CDF_hvm, c.max_vcpus = 129));
	EXPECT(-EINVAL, (c = hvm_config(),
			 c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_nested_virt));
	EXPECT(-EOPNOTSUPP, (c = hvm_config(), c.arch.emulation_flags = 0));
	/* PVH: an HVM guest with only the local APIC. */
	EXPECT(0, (c = hvm_config(), c.arch.emulation_flags = XEN_X86_EMU_LAPIC));
#undef EXPECT
	/* Only the control domain (xsm_domctl: XSM_PRIV). */
	op.u.createdomain = pv_config();
	assert_int_equal(domctl_as(w, 1, &op), -EPERM);
	xsim_world_stats(w, &st);
	assert_int_equal(st.nr_domains, 5);
	assert_int_equal(wh_effects_elsewhere(w, from, HANDLE, 4), 0);
	xsim_world_detach(w);
}

static void vcpus_memory_and_info(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_domctl_createdomain hvm = hvm_config();
	struct xen_domctl op = { .cmd = XEN_DOMCTL_getvcpuinfo };
	struct xen_domctl_getdomaininfo di;
	uint16_t d, found;

	(void)state;
	assert_int_equal(create(w, 0, &hvm, &d), 0);
	/* getvcpuinfo: past max_vcpus EINVAL, not created yet ESRCH. */
	op.domain = d;
	op.u.getvcpuinfo.vcpu = 2;
	assert_int_equal(domctl(w, &op), -EINVAL);
	op.u.getvcpuinfo.vcpu = 1;
	assert_int_equal(domctl(w, &op), -ESRCH);
	/* max_vcpus must repeat createdomain's count. */
	assert_int_equal(max_vcpus(w, d, 1), -EINVAL);
	assert_int_equal(max_vcpus(w, d, 3), -EINVAL);
	assert_int_equal(max_vcpus(w, d, 2), 0);
	assert_int_equal(max_vcpus(w, d, 2), 0);
	assert_int_equal(domctl(w, &op), 0);
	assert_int_equal(op.u.getvcpuinfo.online, 0);
	/* On oneself: EINVAL ("no domain_pause()"). */
	assert_int_equal(max_vcpus(w, 0, 2), -EINVAL);

	/* No memory before max_mem; then up to the limit, not past it. */
	assert_int_equal(populate(w, d, 4), 0);
	assert_int_equal(max_mem(w, d, 8 * 4), 0);
	assert_int_equal(populate(w, d, 4), 4);
	assert_int_equal(populate(w, d, 16), 8);
	assert_int_equal(info(w, d, &di, &found), 0);
	assert_int_equal(di.tot_pages, 8);
	assert_int_equal(di.max_pages, 8);
	assert_int_equal(di.max_vcpu_id, 1);
	assert_int_equal(di.nr_online_vcpus, 0);
	/* The kB figure is rounded down to pages. */
	assert_int_equal(max_mem(w, d, 4 * 4 + 3), 0);
	assert_int_equal(info(w, d, &di, &found), 0);
	assert_int_equal(di.max_pages, 4);
	assert_int_equal(di.tot_pages, 8);	/* Xen lets it "ratchet down" */
	xsim_world_detach(w);
}

static void pause_unpause_destroy(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_domctl_createdomain pv = pv_config();
	struct xen_domctl_getdomaininfo di;
	uint64_t from;
	uint16_t d, found;
	unsigned i;

	(void)state;
	assert_int_equal(create(w, 0, &pv, &d), 0);
	/* Born paused once: one unpause runs it, a second has nothing. */
	assert_int_equal(simple(w, XEN_DOMCTL_unpausedomain, d), 0);
	assert_int_equal(info(w, d, &di, &found), 0);
	assert_int_equal(di.flags & XEN_DOMINF_paused, 0);
	assert_int_equal(simple(w, XEN_DOMCTL_unpausedomain, d), -EINVAL);
	/* The toolstack's pause count stops at 255. */
	for (i = 0; i < 255; i++)
		assert_int_equal(simple(w, XEN_DOMCTL_pausedomain, d), 0);
	assert_int_equal(simple(w, XEN_DOMCTL_pausedomain, d), -EOVERFLOW);
	assert_int_equal(info(w, d, &di, &found), 0);
	assert_int_equal(di.flags & XEN_DOMINF_paused, XEN_DOMINF_paused);
	assert_int_equal(simple(w, XEN_DOMCTL_pausedomain, 0), -EINVAL);

	from = xsim_effect_next(w);
	assert_int_equal(simple(w, XEN_DOMCTL_destroydomain, d), 0);
	assert_int_equal(wh_effects_on(w, from, d), 1);
	assert_int_equal(wh_effects_elsewhere(w, from, HANDLE, d), 0);
	assert_int_equal(simple(w, XEN_DOMCTL_destroydomain, d), -ESRCH);
	assert_int_equal(simple(w, XEN_DOMCTL_pausedomain, d), -ESRCH);
	assert_int_equal(max_vcpus(w, d, 1), -ESRCH);
	/* The control domain cannot destroy itself. */
	assert_int_equal(simple(w, XEN_DOMCTL_destroydomain, 0), -EINVAL);
	xsim_world_detach(w);
}

static void getdomaininfo_walks(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_domctl_getdomaininfo di;
	struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo };
	uint16_t found;

	(void)state;
	/* dom0 runs: online vcpus, not paused. */
	assert_int_equal(info(w, 0, &di, &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(di.nr_online_vcpus, 2);
	assert_int_equal(di.flags & XEN_DOMINF_paused, 0);
	/* A missing domid answers with the next one up (xc_domain_getinfo). */
	assert_int_equal(simple(w, XEN_DOMCTL_destroydomain, 2), 0);
	assert_int_equal(info(w, 2, &di, &found), 0);
	assert_int_equal(found, 3);
	assert_int_equal(di.domain, 3);
	assert_int_equal(info(w, 4, &di, &found), -ESRCH);
	assert_int_equal(info(w, XSIM_DOMID_SELF, &di, &found), -EINVAL);
	assert_int_equal(info(w, XSIM_DOMID_INVALID, &di, &found), -EINVAL);
	/* Other sub-ops on a missing domain: ESRCH before anything else. */
	assert_int_equal(simple(w, XEN_DOMCTL_pausedomain, 2), -ESRCH);
	op.domain = 3;
	assert_int_equal(domctl_as(w, 1, &op), -EPERM);
	xsim_world_detach(w);
}

static void unprivileged_and_unmodelled(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_domctl op = { .cmd = XEN_DOMCTL_pausedomain, .domain = 2 };
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_physinfo };

	(void)state;
	assert_int_equal(domctl_as(w, 1, &op), -EPERM);
	op.domain = 9;
	assert_int_equal(domctl_as(w, 1, &op), -ESRCH);
	assert_int_equal(sysctl_as(w, 1, &s), -EPERM);
	/* Not modelled: Xen's "no such op" after the common checks. */
	op.cmd = XEN_DOMCTL_shadow_op;
	op.domain = 2;
	assert_int_equal(domctl(w, &op), -ENOSYS);
	op.cmd = 9999;
	assert_int_equal(domctl(w, &op), -ENOSYS);
	s.cmd = XEN_SYSCTL_readconsole;
	assert_int_equal(sysctl_as(w, 0, &s), -ENOSYS);
	xsim_world_detach(w);
}

static void sysctl_queries(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_domctl_getdomaininfo list[8];
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_physinfo };
	struct xsim_world_stats st;
	uint64_t from;

	(void)state;
	assert_int_equal(sysctl_as(w, 0, &s), 0);
	xsim_world_stats(w, &st);
	assert_int_equal(s.u.physinfo.nr_cpus, 2);
	assert_int_equal(s.u.physinfo.total_pages, st.nr_pages);
	assert_int_equal(s.u.physinfo.free_pages, st.free_pages);
	assert_true(s.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v1);
	assert_false(s.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2);

	memset(&s, 0, sizeof(s));
	s.cmd = XEN_SYSCTL_getdomaininfolist;
	s.u.getdomaininfolist.first_domain = 1;
	s.u.getdomaininfolist.max_domains = 8;
	set_xen_guest_handle(s.u.getdomaininfolist.buffer, list);
	from = xsim_effect_next(w);
	assert_int_equal(sysctl_as(w, 0, &s), 0);
	assert_int_equal(s.u.getdomaininfolist.num_domains, 3);
	assert_int_equal(list[0].domain, 1);
	assert_int_equal(list[2].domain, 3);
	assert_int_equal(list[2].flags & XEN_DOMINF_hvm_guest, 0);
	assert_int_equal(wh_effects_on(w, from, 2), 1);
	/* max_domains bounds the walk. */
	s.u.getdomaininfolist.first_domain = 0;
	s.u.getdomaininfolist.max_domains = 2;
	assert_int_equal(sysctl_as(w, 0, &s), 0);
	assert_int_equal(s.u.getdomaininfolist.num_domains, 2);
	assert_int_equal(list[1].domain, 1);
	/* A buffer that cannot be written. */
	set_xen_guest_handle(s.u.getdomaininfolist.buffer,
			     (xen_domctl_getdomaininfo_t *)8);
	assert_int_equal(sysctl_as(w, 0, &s), -EFAULT);

	memset(&s, 0, sizeof(s));
	s.cmd = XEN_SYSCTL_sched_id;
	assert_int_equal(sysctl_as(w, 0, &s), 0);
	assert_int_equal(s.u.sched_id.sched_id, XEN_SCHEDULER_CREDIT2);
	xsim_world_detach(w);
}

static void multicall_entries(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	domid_t dom = 2;
	multicall_entry_t calls[3] = {
		{ .op = __HYPERVISOR_memory_op,
		  .args = { XENMEM_current_reservation, U(&dom) } },
		{ .op = __HYPERVISOR_multicall },
		{ .op = 63 },
	};

	(void)state;
	assert_int_equal(hc(w, 0, __HYPERVISOR_multicall, U(calls), 3), 0);
	assert_int_equal((long)calls[0].result, 256);
	/* Reentry is refused; an empty slot is ENOSYS. */
	assert_int_equal((long)calls[1].result, -EINVAL);
	assert_int_equal((long)calls[2].result, -ENOSYS);
	assert_int_equal(hc(w, 0, __HYPERVISOR_multicall, 8, 1), -EFAULT);
	assert_int_equal(hc(w, 0, __HYPERVISOR_multicall, 0, 0), 0);
	/* A list past the guest range. */
	assert_int_equal(hc(w, 0, __HYPERVISOR_multicall, 1ull << 47, 1),
			 -EFAULT);
	xsim_world_detach(w);
}

static void set_target_and_pool(void **state)
{
	struct xsim_world *w = wh_world(NULL, false);
	struct xen_domctl op = { .cmd = XEN_DOMCTL_set_target, .domain = 1 };

	(void)state;
	op.u.set_target.target = 3;	/* PV */
	assert_int_equal(domctl(w, &op), -EOPNOTSUPP);
	op.u.set_target.target = 1;
	assert_int_equal(domctl(w, &op), -EINVAL);
	op.u.set_target.target = 9;
	assert_int_equal(domctl(w, &op), -ESRCH);
	op.u.set_target.target = 2;
	assert_int_equal(domctl_as(w, 3, &op), -EPERM);
	assert_int_equal(domctl(w, &op), 0);
	assert_int_equal(domctl(w, &op), -EINVAL);	/* once only */

	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_set_paging_mempool_size;
	op.domain = 3;
	op.u.paging_mempool.size = 1 << 20;
	assert_int_equal(domctl(w, &op), -EOPNOTSUPP);
	op.domain = 2;
	op.u.paging_mempool.size = 4097;
	assert_int_equal(domctl(w, &op), -EINVAL);
	op.u.paging_mempool.size = 1 << 20;
	assert_int_equal(domctl(w, &op), 0);
	op.cmd = XEN_DOMCTL_get_paging_mempool_size;
	op.u.paging_mempool.size = 0;
	assert_int_equal(domctl(w, &op), 0);
	assert_int_equal(op.u.paging_mempool.size, 1 << 20);
	xsim_world_detach(w);
}

/* ---- /dev/xen/hypercall ---- */

static int map_nothing(void *ctx, uint64_t addr, uint32_t page, int prot)
{
	(void)ctx;
	(void)addr;
	(void)page;
	(void)prot;
	return 0;
}

static void hypercall_device(void **state)
{
	const struct xsim_profile *const *p;
	struct xsim_uaccess with_mmap = xsim_uaccess_self;
	uint8_t buf[8];

	(void)state;
	with_mmap.map_page = map_nothing;
	assert_int_equal(xsim_dev_by_path("/dev/xen/hypercall"),
			 XSIM_DEV_HYPERCALL);
	/* Present whatever the profile, even where privcmd is not. */
	for (p = xsim_profiles(); *p; p++) {
		struct xsim_world *w = wh_world((*p)->name, false);
		struct xsim_restrict_state rs;
		enum xsim_dev_kind dev;
		struct xsim_file f;

		assert_int_equal(xsim_dev_open(w, XSIM_DEV_HYPERCALL, 0, &f), 0);
		assert_true(xsim_file_valid(w, f, &dev));
		assert_int_equal(dev, XSIM_DEV_HYPERCALL);
		/* No ioctl at all, not even a restrict. */
		assert_int_equal(xsim_dev_ioctl(w, f, 0x00025006, 0,
						&xsim_uaccess_self), -ENOTTY);
		assert_int_equal(xsim_dev_ioctl(w, f, 0, 0, &xsim_uaccess_self),
				 -ENOTTY);
		assert_int_equal(xsim_dev_read(w, f, U(buf), sizeof(buf),
					       &xsim_uaccess_self), -EINVAL);
		assert_int_equal(xsim_dev_write(w, f, U(buf), sizeof(buf),
						&xsim_uaccess_self), -EINVAL);
		/* A transport that can map gets a yes; one that cannot, ENODEV. */
		assert_int_equal(xsim_dev_mmap(w, f, 0x10000, 8192, 0,
					       PROT_READ | PROT_WRITE,
					       &with_mmap), 0);
		assert_int_equal(xsim_dev_mmap(w, f, 0x10000, 4096, 0,
					       PROT_READ, &xsim_uaccess_self),
				 -ENODEV);
		assert_int_equal(xsim_file_restrict_state(w, f, &rs), 0);
		assert_false(rs.restricted);
		xsim_dev_release(w, f);
		assert_false(xsim_file_valid(w, f, NULL));
		/* A domU caller too (no XSA-482 birth restriction). */
		assert_int_equal(xsim_dev_open(w, XSIM_DEV_HYPERCALL, 1, &f), 0);
		assert_int_equal(xsim_file_restrict_state(w, f, &rs), 0);
		assert_false(rs.restricted);
		xsim_dev_release(w, f);
		xsim_world_detach(w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(interface_versions),
		cmocka_unit_test(create_pv_and_hvm),
		cmocka_unit_test(create_rejects),
		cmocka_unit_test(vcpus_memory_and_info),
		cmocka_unit_test(pause_unpause_destroy),
		cmocka_unit_test(getdomaininfo_walks),
		cmocka_unit_test(unprivileged_and_unmodelled),
		cmocka_unit_test(sysctl_queries),
		cmocka_unit_test(multicall_entries),
		cmocka_unit_test(set_target_and_pool),
		cmocka_unit_test(hypercall_device),
	};

	return cmocka_run_group_tests_name("domctl", tests, NULL, NULL);
}
