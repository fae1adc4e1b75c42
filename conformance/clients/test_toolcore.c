/* SPDX-License-Identifier: MIT */
/*
 * libxentoolcore 4.17, unmodified: xentoolcore_restrict_all over every
 * library's handles, with the semantics seen on a real Linux 6.1 dom0
 * (docs/reference/linux-6.1-observed.md, "Library level"):
 *
 *  - foreignmemory, devicemodel and evtchn handles are restricted by the
 *    kernel (selective); xencall and gnttab handles are neutered by a dup2
 *    of /dev/null (ENOTTY, EACCES where a hypercall buffer is needed);
 *    gntshr handles are not registered and keep sharing with anyone;
 *  - a second call with the same domid fails with EACCES (evtchn), with
 *    another domid with EINVAL (privcmd); the proposal: 0 and EPERM;
 *  - a handle already restricted makes the call fail part-way (Linux):
 *    handles opened after it are restricted, those before it are not;
 *  - afterwards nothing reaches another domain: every call aimed at it
 *    fails and its state (memory, ports, ioreq servers) is unchanged.
 *
 * restrict_all walks the handles newest first, so each test opens its
 * handles in a chosen order, and closes them all before it ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mman.h>

#define __XEN_TOOLS__ 1

#include <xencall.h>
#include <xenctrl.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xentoolcore.h>
#include <xen/hvm/hvm_op.h>

#include "common.h"

static uint32_t dom_a, dom_b;	/* HVM guests: every library can aim at them */

static int setup(void **state)
{
	(void)state;
	dom_a = client_domain(true, 8);
	dom_b = client_domain(true, 8);
	return 0;
}

/*
 * Every handle a test opens is closed by the test's teardown too, so that
 * a failed test leaves nothing restricted in xentoolcore's list for the
 * next one.  A test that closes a handle itself forgets it first.
 */
enum kind { XCE, XGT, XGS, FMEM, DMOD, XCH, XCALL };

static struct open_handle {
	enum kind kind;
	void *h;
} opened[16];

static void *track(enum kind kind, void *h)
{
	unsigned i;

	if (!h)
		fail_msg("opening a handle: %s", client_errname(errno));
	for (i = 0; i < 16 && opened[i].h; i++)
		;
	assert_true(i < 16);
	opened[i] = (struct open_handle){ kind, h };
	return h;
}

static int close_one(struct open_handle *o)
{
	void *h = o->h;

	o->h = NULL;
	switch (o->kind) {
	case XCE:
		return xenevtchn_close(h);
	case XGT:
		return xengnttab_close(h);
	case XGS:
		return xengntshr_close(h);
	case FMEM:
		return xenforeignmemory_close(h);
	case DMOD:
		return xendevicemodel_close(h);
	case XCH:
		return xc_interface_close(h);
	default:
		return xencall_close(h);
	}
}

/* Close a tracked handle now (0 or the library's error). */
static int closed(void *h)
{
	unsigned i;

	for (i = 0; i < 16; i++)
		if (opened[i].h == h)
			return close_one(&opened[i]);
	fail_msg("closing an untracked handle");
	return -1;
}

static int close_all(void **state)
{
	unsigned i;

	(void)state;
	for (i = 16; i-- > 0;)
		if (opened[i].h)
			close_one(&opened[i]);
	return 0;
}

static xenforeignmemory_handle *fm_open(void)
{
	return track(FMEM, xenforeignmemory_open(client_logger(), 0));
}

static xenevtchn_handle *ev_open(void)
{
	return track(XCE, xenevtchn_open(client_logger(), 0));
}

static xengnttab_handle *gt_open(void)
{
	return track(XGT, xengnttab_open(client_logger(), 0));
}

static xengntshr_handle *gs_open(void)
{
	return track(XGS, xengntshr_open(client_logger(), 0));
}

static xendevicemodel_handle *dm_open(void)
{
	return track(DMOD, xendevicemodel_open(client_logger(), 0));
}

static xc_interface *xc_open(void)
{
	return track(XCH, xc_interface_open(client_logger(), client_logger(),
					    0));
}

static xencall_handle *call_open(void)
{
	return track(XCALL, xencall_open(client_logger(), 0));
}

/* Map page 0 of dom through fm: the mapping, or NULL and errno. */
static uint64_t *map0(xenforeignmemory_handle *fm, uint32_t dom, int prot)
{
	xen_pfn_t pfn = client_frame(dom, 0);
	int err = 0;
	uint64_t *p = xenforeignmemory_map(fm, dom, prot, 1, &pfn, &err);

	if (p && err) {
		xenforeignmemory_unmap(fm, p, 1);
		errno = -err;
		return NULL;
	}
	return p;
}

/* fm may map dom (and the mapping is released again). */
static void assert_maps(xenforeignmemory_handle *fm, uint32_t dom)
{
	uint64_t *p = map0(fm, dom, PROT_READ);

	if (!p)
		fail_msg("mapping d%u: %s", dom, client_errname(errno));
	assert_ok(xenforeignmemory_unmap(fm, p, 1));
}

/* Word 20 of page 0 of dom, read through a fresh, unrestricted handle. */
static uint64_t peek(uint32_t dom)
{
	xenforeignmemory_handle *fm = fm_open();
	uint64_t *p = assert_ptr_ok(map0(fm, dom, PROT_READ)), v = p[20];

	assert_ok(xenforeignmemory_unmap(fm, p, 1));
	assert_ok(closed(fm));
	return v;
}

static void restrict_all_clean_handles(void **state)
{
	uint32_t port_a = client_unbound(dom_a, 0), port_b = client_unbound(dom_b, 0);
	xenevtchn_handle *xce = ev_open();
	xengnttab_handle *xgt = gt_open();
	xengntshr_handle *xgs = gs_open();
	xenforeignmemory_handle *fm = fm_open(), *fresh;
	xendevicemodel_handle *dm = dm_open();
	xc_interface *xch = xc_open();
	xencall_handle *xcall = call_open();
	uint32_t ref_a = client_grant(dom_a, 1, 0, false), ref;
	uint64_t *page;
	void *shared;
	int local;

	(void)state;
	client_require_known_profile();
	assert_int_equal(xentoolcore_restrict_all((domid_t)dom_a), 0);

	/*
	 * xencall: neutered.  A hypercall is an ioctl on /dev/null (ENOTTY);
	 * one that needs a bounce buffer fails first, mapping /dev/null
	 * (opened read-only) shared and writable: EACCES.
	 */
	assert_fails(xc_version(xch, XENVER_version, NULL), ENOTTY);
	assert_fails(xc_domain_pause(xch, dom_b), EACCES);
	assert_fails(xencall1(xcall, __HYPERVISOR_xen_version, 0), ENOTTY);
	assert_null_errno(xencall_alloc_buffer_pages(xcall, 1), EACCES);
	/* foreignmemory: the target only. */
	page = assert_ptr_ok(map0(fm, dom_a, PROT_READ | PROT_WRITE));
	assert_null_errno(map0(fm, dom_b, PROT_READ), EPERM);
	/* devicemodel: the target only. */
	assert_ok(xendevicemodel_set_isa_irq_level(dm, dom_a, 5, 1));
	assert_fails(xendevicemodel_set_isa_irq_level(dm, dom_b, 5, 1), EPERM);
	/* evtchn: the target's ports only. */
	local = (int)assert_ok(xenevtchn_bind_interdomain(xce, dom_a, port_a));
	assert_fails(xenevtchn_bind_interdomain(xce, dom_b, port_b),
		     client_expect(EACCES, EPERM));
	/* gnttab: neutered, even for the target. */
	assert_null_errno(xengnttab_map_grant_ref(xgt, dom_a, ref_a, PROT_READ),
			  ENOTTY);
	/* gntshr: not covered; it still shares with any domain. */
	shared = assert_ptr_ok(xengntshr_share_pages(xgs, dom_b, 1, &ref, 1));
	assert_ok(xengntshr_unshare(xgs, shared, 1));

	/* The restricted mapping writes the target's memory. */
	page[20] = 0x7e57ab1e;
	assert_int_equal(peek(dom_a), 0x7e57ab1e);
	/* A handle opened afterwards is not restricted. */
	fresh = fm_open();
	assert_maps(fresh, dom_b);

	assert_ok(xenforeignmemory_unmap(fm, page, 1));
	assert_ok(xenevtchn_unbind(xce, local));
	/* Closing neutered and restricted handles works as ever. */
	assert_ok(close_all(NULL));
}

/* Calling again: same domid, then another. */
static void restrict_all_twice(void **state)
{
	xenevtchn_handle *xce = ev_open();		/* older: last in the walk */
	xenforeignmemory_handle *fm = fm_open();	/* newer: first */

	(void)state;
	client_require_known_profile();
	assert_int_equal(xentoolcore_restrict_all((domid_t)dom_a), 0);
	/* Same domid: privcmd says 0, then evtchn refuses any repeat. */
	if (client_profile() == CP_LINUX)
		assert_fails(xentoolcore_restrict_all((domid_t)dom_a), EACCES);
	else
		assert_int_equal(xentoolcore_restrict_all((domid_t)dom_a), 0);
	/* Another domid: privcmd is asked first and refuses. */
	assert_fails(xentoolcore_restrict_all((domid_t)dom_b),
		     client_expect(EINVAL, EPERM));
	/* Both stay restricted to the first domain. */
	assert_maps(fm, dom_a);
	assert_null_errno(map0(fm, dom_b, PROT_READ), EPERM);
	assert_fails(xenevtchn_bind_interdomain(xce, dom_b,
						client_unbound(dom_b, 0)),
		     client_expect(EACCES, EPERM));
}

/* One evtchn handle already restricted: Linux stops there (EACCES). */
static void restrict_all_partial(void **state)
{
	xenforeignmemory_handle *older = fm_open();
	xenevtchn_handle *xce = ev_open();
	xenforeignmemory_handle *newer = fm_open();

	(void)state;
	client_require_known_profile();
	assert_ok(xenevtchn_restrict(xce, (domid_t)dom_a));
	if (client_profile() == CP_LINUX) {
		assert_fails(xentoolcore_restrict_all((domid_t)dom_a), EACCES);
		/* Walked before the failure: restricted.  After: not. */
		assert_null_errno(map0(newer, dom_b, PROT_READ), EPERM);
		assert_maps(older, dom_b);
	} else {
		assert_int_equal(xentoolcore_restrict_all((domid_t)dom_a), 0);
		assert_null_errno(map0(newer, dom_b, PROT_READ), EPERM);
		assert_null_errno(map0(older, dom_b, PROT_READ), EPERM);
	}
	assert_maps(newer, dom_a);
	assert_maps(older, dom_a);
}

/*
 * After restrict_all(a), every library call aimed at b fails, and b is
 * as it was: memory, its unbound port, no ioreq server, still paused.
 */
static void nothing_reaches_another_domain(void **state)
{
	uint32_t port_b = client_unbound(dom_b, 0);
	uint32_t ref_b = client_grant(dom_b, 0, 0, false);
	uint64_t before = peek(dom_b);
	xenevtchn_handle *xce = ev_open();
	xengnttab_handle *xgt = gt_open();
	xenforeignmemory_handle *fm = fm_open();
	xendevicemodel_handle *dm = dm_open(), *fresh_dm;
	xc_interface *xch = xc_open(), *check;
	xenforeignmemory_resource_handle *res;
	xc_evtchn_status_t st = { .dom = (domid_t)dom_b, .port = port_b };
	xen_pfn_t pfn = client_frame(dom_b, 0);
	xc_dominfo_t info;
	ioservid_t id;
	void *addr = NULL;
	int err = 0;

	(void)state;
	client_require_known_profile();
	assert_int_equal(xentoolcore_restrict_all((domid_t)dom_a), 0);
	/*
	 * Each fails with the errno of the refusal (as in
	 * restrict_all_clean_handles), not merely fails: an injected fault
	 * that comes first (the argument copy, before the audit) must show.
	 */
	assert_null_errno(xenforeignmemory_map(fm, dom_b, PROT_READ | PROT_WRITE,
					       1, &pfn, &err), EPERM);
	res = xenforeignmemory_map_resource(fm, dom_b,
				XENMEM_resource_grant_table,
				XENMEM_resource_grant_table_id_shared, 0, 1,
				&addr, PROT_READ | PROT_WRITE, 0);
	assert_null(res);
	assert_int_equal(errno, EPERM);
	assert_fails(xendevicemodel_create_ioreq_server(dm, dom_b,
				HVM_IOREQSRV_BUFIOREQ_OFF, &id), EPERM);
	assert_fails(xendevicemodel_set_isa_irq_level(dm, dom_b, 1, 1), EPERM);
	assert_fails(xenevtchn_bind_interdomain(xce, dom_b, port_b),
		     client_expect(EACCES, EPERM));
	/* Linux 6.1 evtchn.c: no BIND_UNBOUND_PORT on a restricted handle. */
	assert_fails(xenevtchn_bind_unbound_port(xce, dom_b),
		     client_expect(EACCES, EPERM));
	assert_null_errno(xengnttab_map_grant_ref(xgt, dom_b, ref_b, PROT_READ),
			  ENOTTY);
	assert_fails(xc_domain_unpause(xch, dom_b), EACCES);
	assert_fails(xc_domain_destroy(xch, dom_b), EACCES);
	assert_fails(xc_domain_setmaxmem(xch, dom_b, 0), EACCES);
	assert_fails(xc_evtchn_alloc_unbound(xch, dom_b, 0), EACCES);

	/* b, seen through fresh handles: untouched. */
	assert_int_equal(peek(dom_b), before);
	check = xc_open();
	assert_ok(xc_evtchn_status(check, &st));
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(xc_domain_getinfo(check, dom_b, 1, &info), 1);
	assert_int_equal(info.domid, dom_b);
	assert_true(info.paused);
	assert_int_equal(info.nr_pages, 8);
	/* No ioreq server was made: id 0 does not exist. */
	fresh_dm = dm_open();
	assert_fails(xendevicemodel_destroy_ioreq_server(fresh_dm, dom_b, 0),
		     ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(restrict_all_clean_handles,
					  close_all),
		cmocka_unit_test_teardown(restrict_all_twice, close_all),
		cmocka_unit_test_teardown(restrict_all_partial, close_all),
		cmocka_unit_test_teardown(nothing_reaches_another_domain,
					  close_all),
	};

	return client_finish(cmocka_run_group_tests_name(
		"libxentoolcore", tests, setup, NULL));
}
