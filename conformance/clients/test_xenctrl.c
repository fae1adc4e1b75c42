/* SPDX-License-Identifier: MIT */
/*
 * libxenctrl 4.17 (with libxencall and libxenguest), unmodified: what a
 * toolstack does to build and tear down a domain.  xc_interface_open,
 * xc_version, xc_domain_create for PV and HVM configurations, max_vcpus,
 * setmaxmem, populate_physmap_exact, getinfo / getinfolist, pause /
 * unpause, destroy, xc_evtchn_alloc_unbound / xc_evtchn_status, and the
 * grant-table setup of a new domain (query_size, setup_table,
 * xc_dom_gnttab_seed).  Also libxencall's hypercall buffers, which come
 * from /dev/xen/hypercall, and Xen's interface-version check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xencall.h>
#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenguest.h>
#include <xen/grant_table.h>

#include "common.h"

static xc_interface *xch;

static int setup(void **state)
{
	(void)state;
	client_fixture_start();
	xch = xc_interface_open(client_logger(), client_logger(), 0);
	return xch ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return xc_interface_close(xch);
}

/* What libxl's domcreate asks for (tools/libs/light/libxl_create.c). */
static struct xen_domctl_createdomain config(bool hvm, uint32_t vcpus)
{
	struct xen_domctl_createdomain c = {
		.flags = hvm ? XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap : 0,
		.max_vcpus = vcpus,
		.max_evtchn_port = 1023,
		.max_grant_frames = 32,
		.max_maptrack_frames = 1024,
		.grant_opts = XEN_DOMCTL_GRANT_version(1),
		.arch.emulation_flags = hvm ? XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI :
					      0,
	};
	return c;
}

static xc_dominfo_t info_of(uint32_t domid)
{
	xc_dominfo_t info;

	assert_int_equal(xc_domain_getinfo(xch, domid, 1, &info), 1);
	assert_int_equal(info.domid, domid);
	return info;
}

/*
 * Is domid gone?  libxenctrl 4.17 xc_domain_getinfo (tools/libs/ctrl/
 * xc_domain.c) answers with the first domain at or above domid (Xen 4.17
 * XEN_DOMCTL_getdomaininfo, xen/common/domctl.c), or, when there is none,
 * with the domctl's -1/ESRCH.  Any other failure (ENOMEM, EFAULT) is no
 * answer at all: it fails the test rather than reading as "gone".
 */
static bool gone(uint32_t domid)
{
	xc_dominfo_t info;
	int n;

	errno = 0;
	n = xc_domain_getinfo(xch, domid, 1, &info);
	if (n == 1)
		return info.domid != domid;
	if (n < 0 && errno == ESRCH)
		return true;
	fail_msg("xc_domain_getinfo(%u): %d, errno %s; expected 1 or -1, ESRCH",
		 domid, n, client_errname(errno));
	return false;
}

static void version(void **state)
{
	xen_extraversion_t extra;
	xen_capabilities_info_t caps;
	int v;

	(void)state;
	v = (int)assert_ok(xc_version(xch, XENVER_version, NULL));
	assert_int_equal(v >> 16, 4);
	assert_int_equal(v & 0xffff, 17);
	assert_ok(xc_version(xch, XENVER_extraversion, &extra));
	assert_int_equal(extra[0], '.');
	assert_ok(xc_version(xch, XENVER_capabilities, &caps));
	assert_non_null(strstr(caps, "xen-3.0-x86_64"));
	assert_int_equal(xc_version(xch, XENVER_pagesize, NULL), 4096);
}

/* libxencall takes its bounce buffers from /dev/xen/hypercall. */
static void hypercall_buffers(void **state)
{
	xencall_handle *xc = assert_ptr_ok(xencall_open(client_logger(), 0));
	uint8_t *one, *three;

	(void)state;
	/* Only the buffer device's pages never fault. */
	assert_int_equal(xencall_buffers_never_fault(xc), 1);
	one = assert_ptr_ok(xencall_alloc_buffer_pages(xc, 1));
	three = assert_ptr_ok(xencall_alloc_buffer_pages(xc, 3));
	assert_int_equal(one[100], 0);
	assert_int_equal(three[3 * 4096 - 1], 0);
	memset(three, 0x5a, 3 * 4096);
	assert_int_equal(three[2 * 4096 + 7], 0x5a);
	xencall_free_buffer_pages(xc, one, 1);
	xencall_free_buffer_pages(xc, three, 3);
	assert_ok(xencall_close(xc));
}

/* The buffer device itself (Linux drivers/xen/privcmd-buf.c). */
static void hypercall_device(void **state)
{
	int fd = (int)assert_ok(open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC));
	char byte;
	uint8_t *p;

	(void)state;
	/* Shared only; no ioctl, no read or write. */
	assert_ptr_equal(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			      fd, 0), MAP_FAILED);
	assert_int_equal(errno, EINVAL);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	assert_int_equal(p[8191], 0);
	p[0] = 1;
	assert_ok(munmap(p, 8192));
	assert_fails(ioctl(fd, 0), ENOTTY);
	assert_fails(read(fd, &byte, 1), EINVAL);
	assert_ok(close(fd));
}

/* Xen refuses another interface version with EACCES (do_domctl). */
static void interface_version(void **state)
{
	xencall_handle *xc = assert_ptr_ok(xencall_open(client_logger(), 0));
	struct xen_domctl *d = assert_ptr_ok(xencall_alloc_buffer(xc, sizeof(*d)));
	struct xen_sysctl *s = assert_ptr_ok(xencall_alloc_buffer(xc, sizeof(*s)));

	(void)state;
	memset(d, 0, sizeof(*d));
	d->cmd = XEN_DOMCTL_getdomaininfo;
	d->interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
	assert_fails(xencall1(xc, __HYPERVISOR_domctl, (uintptr_t)d), EACCES);
	d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	assert_ok(xencall1(xc, __HYPERVISOR_domctl, (uintptr_t)d));
	assert_int_equal(d->domain, 0);
	memset(s, 0, sizeof(*s));
	s->cmd = XEN_SYSCTL_physinfo;
	s->interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
	assert_fails(xencall1(xc, __HYPERVISOR_sysctl, (uintptr_t)s), EACCES);
	xencall_free_buffer(xc, d);
	xencall_free_buffer(xc, s);
	assert_ok(xencall_close(xc));
}

/* The toolstack's build of a PV guest, and its teardown. */
static void pv_domain_lifecycle(void **state)
{
	struct xen_domctl_createdomain cfg = config(false, 1);
	xen_pfn_t pfns[20];
	xc_vcpuinfo_t vi;
	xc_dominfo_t info;
	uint32_t domid = 0;
	unsigned i;

	(void)state;
	assert_ok(xc_domain_create(xch, &domid, &cfg));
	assert_true(domid > 0 && domid < DOMID_FIRST_RESERVED);
	/* Xen forces out-of-sync shadows off for PV, and says so. */
	assert_true(cfg.flags & XEN_DOMCTL_CDF_oos_off);
	info = info_of(domid);
	assert_true(info.paused);
	assert_false(info.hvm);
	assert_int_equal(info.nr_pages, 0);
	assert_int_equal(info.max_vcpu_id, XEN_INVALID_MAX_VCPU_ID);

	/* max_vcpus repeats createdomain's count, nothing else. */
	assert_fails(xc_domain_max_vcpus(xch, domid, 2), EINVAL);
	assert_ok(xc_domain_max_vcpus(xch, domid, 1));
	assert_ok(xc_vcpu_getinfo(xch, domid, 0, &vi));
	assert_fails(xc_vcpu_getinfo(xch, domid, 1, &vi), EINVAL);

	/* No memory before setmaxmem; then exactly up to it. */
	for (i = 0; i < 20; i++)
		pfns[i] = i;
	assert_fails(xc_domain_populate_physmap_exact(xch, domid, 1, 0, 0,
						      pfns), EBUSY);
	assert_ok(xc_domain_setmaxmem(xch, domid, 16 * 4));
	assert_ok(xc_domain_populate_physmap_exact(xch, domid, 16, 0, 0, pfns));
	for (i = 16; i < 20; i++)
		pfns[i] = i;
	assert_fails(xc_domain_populate_physmap_exact(xch, domid, 4, 0, 0,
						      pfns + 16), EBUSY);
	info = info_of(domid);
	assert_int_equal(info.nr_pages, 16);
	assert_int_equal(info.max_memkb, 16 * 4);
	assert_int_equal(info.max_vcpu_id, 0);

	/* Born paused: one unpause, then nothing left to undo. */
	assert_ok(xc_domain_unpause(xch, domid));
	assert_false(info_of(domid).paused);
	assert_fails(xc_domain_unpause(xch, domid), EINVAL);
	assert_ok(xc_domain_pause(xch, domid));
	assert_true(info_of(domid).paused);

	assert_ok(xc_domain_destroy(xch, domid));
	assert_true(gone(domid));
	assert_fails(xc_domain_destroy(xch, domid), ESRCH);
	assert_fails(xc_domain_pause(xch, domid), ESRCH);
	assert_fails(xc_domain_max_vcpus(xch, domid, 1), ESRCH);
}

static void hvm_domain(void **state)
{
	struct xen_domctl_createdomain cfg = config(true, 2);
	xc_domaininfo_t list[64];
	uint64_t pool = 0;
	xen_pfn_t pfns[8];
	uint32_t domid = 0;
	xc_dominfo_t info;
	int n, i;
	bool seen = false;

	(void)state;
	assert_ok(xc_domain_create(xch, &domid, &cfg));
	assert_ok(xc_domain_max_vcpus(xch, domid, 2));
	assert_ok(xc_set_paging_mempool_size(xch, domid, 4 << 20));
	assert_ok(xc_get_paging_mempool_size(xch, domid, &pool));
	assert_int_equal(pool, 4 << 20);
	assert_ok(xc_domain_setmaxmem(xch, domid, 8 * 4));
	for (i = 0; i < 8; i++)
		pfns[i] = 0x100 + i;
	assert_ok(xc_domain_populate_physmap_exact(xch, domid, 8, 0, 0, pfns));
	/* An HVM guest keeps its gfns. */
	assert_int_equal(pfns[3], 0x103);
	info = info_of(domid);
	assert_true(info.hvm);
	assert_true(info.hap);
	assert_int_equal(info.max_vcpu_id, 1);
	assert_int_equal(info.nr_pages, 8);

	n = (int)assert_ok(xc_domain_getinfolist(xch, 0, 64, list));
	assert_true(n >= 2);
	assert_int_equal(list[0].domain, 0);
	for (i = 0; i < n; i++) {
		if (i)
			assert_true(list[i].domain > list[i - 1].domain);
		if (list[i].domain != domid)
			continue;
		seen = true;
		assert_true(list[i].flags & XEN_DOMINF_hvm_guest);
		assert_int_equal(list[i].tot_pages, 8);
	}
	assert_true(seen);
	/* first_domain filters, max_domains bounds. */
	assert_int_equal(xc_domain_getinfolist(xch, domid, 64, list) >= 1, 1);
	assert_int_equal(list[0].domain, domid);
	assert_int_equal(xc_domain_getinfolist(xch, 0, 1, list), 1);
	assert_ok(xc_domain_destroy(xch, domid));
	assert_true(gone(domid));
}

static void create_rejects(void **state)
{
	struct xen_domctl_createdomain cfg = config(false, 0);
	uint32_t domid = 0, taken;

	(void)state;
	assert_fails(xc_domain_create(xch, &domid, &cfg), EINVAL);
	cfg = config(false, 1);
	cfg.grant_opts = 0;
	assert_fails(xc_domain_create(xch, &domid, &cfg), EINVAL);
	cfg = config(false, 1);
	cfg.flags = XEN_DOMCTL_CDF_hap;		/* HAP for a PV guest */
	assert_fails(xc_domain_create(xch, &domid, &cfg), EINVAL);
	/* A domid in use. */
	taken = client_domain(false, 1);
	cfg = config(false, 1);
	domid = taken;
	assert_fails(xc_domain_create(xch, &domid, &cfg), EEXIST);
	assert_ok(xrc_lf_destroy(taken));
	assert_true(gone(taken));
}

static void event_channels(void **state)
{
	uint32_t dom = client_domain(false, 4);
	xc_evtchn_status_t st = { .dom = (domid_t)dom };
	int port;

	(void)state;
	port = (int)assert_ok(xc_evtchn_alloc_unbound(xch, dom, 0));
	assert_true(port > 0);
	st.port = port;
	assert_ok(xc_evtchn_status(xch, &st));
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 0);
	/* A port nobody allocated. */
	st.port = port + 1;
	assert_ok(xc_evtchn_status(xch, &st));
	assert_int_equal(st.status, EVTCHNSTAT_closed);
	/* Out of the domain's range. */
	st.port = 5000;
	assert_fails(xc_evtchn_status(xch, &st), EINVAL);
	st.dom = 0x7000;
	st.port = 1;
	assert_fails(xc_evtchn_status(xch, &st), ESRCH);
	assert_fails(xc_evtchn_alloc_unbound(xch, 0x7000, 0), ESRCH);
	assert_ok(xrc_lf_destroy(dom));
}

/* The grant table of a new domain, seeded as libxl does (xc_dom_gnttab_seed). */
static void grant_table_setup(void **state)
{
	uint32_t dom = client_domain(false, 4);
	struct gnttab_query_size q = { .dom = (domid_t)dom };
	struct gnttab_setup_table st = { .dom = (domid_t)dom, .nr_frames = 1 };
	DECLARE_HYPERCALL_BUFFER(xen_pfn_t, frames);
	xenforeignmemory_handle *fm;
	xengnttab_handle *xgt;
	uint64_t *granted, *direct;
	xen_pfn_t pfn;
	int err = 0;

	(void)state;
	assert_ok(xc_gnttab_query_size(xch, &q));
	assert_int_equal(q.status, GNTST_okay);
	assert_true(q.max_nr_frames >= 1);
	assert_int_equal(xc_gnttab_get_version(xch, dom), 1);
	/* The frame list must be hypercall memory (as _gnttab_map_table's). */
	frames = xc_hypercall_buffer_alloc(xch, frames, sizeof(*frames));
	assert_non_null(frames);
	set_xen_guest_handle(st.frame_list, frames);
	assert_ok(xc_gnttab_op(xch, GNTTABOP_setup_table, &st, sizeof(st), 1));
	assert_int_equal(st.status, GNTST_okay);
	xc_hypercall_buffer_free(xch, frames);
	assert_ok(xc_gnttab_query_size(xch, &q));
	assert_true(q.nr_frames >= 1);

	/* Console and xenstore pages granted to dom0, through map_resource. */
	assert_ok(xc_dom_gnttab_seed(xch, dom, false, client_frame(dom, 1),
				     client_frame(dom, 2), 0, 0));
	xgt = assert_ptr_ok(xengnttab_open(client_logger(), 0));
	granted = assert_ptr_ok(xengnttab_map_grant_ref(xgt, dom,
				GNTTAB_RESERVED_XENSTORE, PROT_READ | PROT_WRITE));
	fm = assert_ptr_ok(xenforeignmemory_open(client_logger(), 0));
	pfn = client_frame(dom, 2);
	direct = assert_ptr_ok(xenforeignmemory_map(fm, dom, PROT_READ, 1, &pfn,
						    &err));
	assert_int_equal(err, 0);
	granted[3] = 0xabcdef;
	assert_int_equal(direct[3], 0xabcdef);
	assert_ok(xengnttab_unmap(xgt, granted, 1));
	assert_ok(xenforeignmemory_unmap(fm, direct, 1));
	assert_ok(xenforeignmemory_close(fm));
	assert_ok(xengnttab_close(xgt));
	/* Seeding a domain that does not exist. */
	assert_fails(xc_dom_gnttab_seed(xch, 0x7000, false, 1, 2, 0, 0), ESRCH);
	assert_ok(xrc_lf_destroy(dom));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(version),
		cmocka_unit_test(hypercall_buffers),
		cmocka_unit_test(hypercall_device),
		cmocka_unit_test(interface_version),
		cmocka_unit_test(pv_domain_lifecycle),
		cmocka_unit_test(hvm_domain),
		cmocka_unit_test(create_rejects),
		cmocka_unit_test(event_channels),
		cmocka_unit_test(grant_table_setup),
	};

	return client_finish(cmocka_run_group_tests_name(
		"libxenctrl", tests, setup, teardown));
}
