/* SPDX-License-Identifier: MIT */
/*
 * libxenevtchn 4.17, unmodified: open, bind_interdomain, bind_unbound_port,
 * bind_virq, notify, pending / unmask (read and write on the device),
 * unbind, and xenevtchn_restrict (Linux IOCTL_EVTCHN_RESTRICT_DOMID:
 * EACCES for everything it refuses; the proposal's EPERM / ENOSYS).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>

#include <xenevtchn.h>
#include <xen/xen.h>

#include "common.h"

static uint32_t dom_a, dom_b;

static int setup(void **state)
{
	(void)state;
	dom_a = client_domain(false, 4);
	dom_b = client_domain(false, 4);
	return 0;
}

static xenevtchn_handle *open_evtchn(void)
{
	return assert_ptr_ok(xenevtchn_open(client_logger(), 0));
}

static bool readable(xenevtchn_handle *x, int ms)
{
	struct pollfd p = { .fd = xenevtchn_fd(x), .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* Two dom0 handles on the two ends of one channel. */
static void notify_pending_unmask(void **state)
{
	xenevtchn_handle *a = open_evtchn(), *b = open_evtchn();
	int pa, pb;

	(void)state;
	pa = (int)assert_ok(xenevtchn_bind_unbound_port(a, 0));
	pb = (int)assert_ok(xenevtchn_bind_interdomain(b, 0, pa));
	assert_int_not_equal(pa, pb);
	/*
	 * Xen's bind_interdomain notifies the new local port (events sent to
	 * the unbound end may have been lost): b has one event already.
	 */
	assert_true(readable(b, 1000));
	assert_int_equal(xenevtchn_pending(b), pb);
	assert_ok(xenevtchn_unmask(b, pb));
	assert_false(readable(a, 0));
	assert_false(readable(b, 0));

	assert_ok(xenevtchn_notify(b, pb));
	assert_true(readable(a, 1000));
	assert_int_equal(xenevtchn_pending(a), pa);
	/* Delivered once, then masked: more events wait for the unmask. */
	assert_ok(xenevtchn_notify(b, pb));
	assert_ok(xenevtchn_notify(b, pb));
	assert_false(readable(a, 0));
	assert_ok(xenevtchn_unmask(a, pa));
	assert_true(readable(a, 1000));
	assert_int_equal(xenevtchn_pending(a), pa);
	assert_ok(xenevtchn_unmask(a, pa));
	assert_false(readable(a, 0));

	assert_ok(xenevtchn_notify(a, pa));
	assert_true(readable(b, 1000));
	assert_int_equal(xenevtchn_pending(b), pb);
	assert_ok(xenevtchn_unmask(b, pb));
	/* Nothing else is pending (a read would block: the fd is blocking). */
	assert_false(readable(a, 0));
	assert_false(readable(b, 0));
	assert_ok(xenevtchn_unbind(b, pb));
	assert_ok(xenevtchn_unbind(a, pa));
	assert_ok(xenevtchn_close(a));
	assert_ok(xenevtchn_close(b));
}

/* A guest's unbound port, bound from dom0; and a port for a guest. */
static void bind_to_guests(void **state)
{
	xenevtchn_handle *x = open_evtchn();
	uint32_t remote = client_unbound(dom_a, 0);
	int local, for_guest, virq;

	(void)state;
	local = (int)assert_ok(xenevtchn_bind_interdomain(x, dom_a, remote));
	assert_ok(xenevtchn_notify(x, local));
	/* The same remote port twice: it is no longer unbound. */
	assert_fails(xenevtchn_bind_interdomain(x, dom_a, remote), EINVAL);
	for_guest = (int)assert_ok(xenevtchn_bind_unbound_port(x, dom_b));
	assert_true(for_guest > 0);
	virq = (int)assert_ok(xenevtchn_bind_virq(x, VIRQ_DOM_EXC));
	assert_ok(xenevtchn_unbind(x, virq));
	assert_ok(xenevtchn_unbind(x, for_guest));
	assert_ok(xenevtchn_unbind(x, local));
	assert_ok(xenevtchn_close(x));
}

static void bad_input(void **state)
{
	xenevtchn_handle *x = open_evtchn(), *other = open_evtchn();
	int mine;

	(void)state;
	/* Linux evtchn_ioctl: a port this handle did not bind. */
	mine = (int)assert_ok(xenevtchn_bind_unbound_port(x, dom_a));
	assert_fails(xenevtchn_notify(other, mine), ENOTCONN);
	assert_fails(xenevtchn_unbind(other, mine), ENOTCONN);
	/* Past xen_evtchn_nr_channels(). */
	assert_fails(xenevtchn_unbind(x, 1u << 20), EINVAL);
	/* Xen's answers, passed through. */
	assert_fails(xenevtchn_bind_interdomain(x, 0x7000, 1), ESRCH);
	assert_fails(xenevtchn_bind_interdomain(x, dom_a, 4000), EINVAL);
	assert_ok(xenevtchn_unbind(x, mine));
	/* Xen does not check the remote of an unbound port (alloc_unbound). */
	mine = (int)assert_ok(xenevtchn_bind_unbound_port(x, 0x7000));
	assert_ok(xenevtchn_unbind(x, mine));
	assert_fails(xenevtchn_unbind(x, mine), ENOTCONN);
	assert_ok(xenevtchn_close(x));
	assert_ok(xenevtchn_close(other));
}

static void restrict_handle(void **state)
{
	xenevtchn_handle *x = open_evtchn(), *fresh;
	uint32_t ra = client_unbound(dom_a, 0), rb = client_unbound(dom_b, 0);
	uint32_t rb2 = client_unbound(dom_b, 0);
	int early, local;

	(void)state;
	client_require_known_profile();
	/* Bound before the restriction: keeps working afterwards. */
	early = (int)assert_ok(xenevtchn_bind_interdomain(x, dom_b, rb));
	assert_ok(xenevtchn_restrict(x, dom_a));
	local = (int)assert_ok(xenevtchn_bind_interdomain(x, dom_a, ra));
	assert_fails(xenevtchn_bind_interdomain(x, dom_b, rb2),
		     client_expect(EACCES, EPERM));
	/* Linux refuses unbound ports and VIRQs outright (EACCES, pre-copy). */
	if (client_profile() == CP_LINUX) {
		assert_fails(xenevtchn_bind_unbound_port(x, dom_a), EACCES);
	} else {
		int p = (int)assert_ok(xenevtchn_bind_unbound_port(x, dom_a));

		assert_ok(xenevtchn_unbind(x, p));
	}
	assert_fails(xenevtchn_bind_unbound_port(x, dom_b),
		     client_expect(EACCES, EPERM));
	assert_fails(xenevtchn_bind_virq(x, VIRQ_DOM_EXC),
		     client_expect(EACCES, ENOSYS));
	assert_ok(xenevtchn_notify(x, early));
	assert_ok(xenevtchn_notify(x, local));
	/* Again: Linux refuses any second restrict; the proposal allows the same. */
	if (client_profile() == CP_LINUX)
		assert_fails(xenevtchn_restrict(x, dom_a), EACCES);
	else
		assert_ok(xenevtchn_restrict(x, dom_a));
	assert_fails(xenevtchn_restrict(x, dom_b), client_expect(EACCES, EPERM));
	assert_ok(xenevtchn_unbind(x, early));
	assert_ok(xenevtchn_unbind(x, local));
	/* A fresh open is not restricted. */
	fresh = open_evtchn();
	local = (int)assert_ok(xenevtchn_bind_interdomain(fresh, dom_b, rb2));
	assert_ok(xenevtchn_unbind(fresh, local));
	assert_ok(xenevtchn_close(fresh));
	assert_ok(xenevtchn_close(x));
}

/* Which domids a restrict accepts. */
static void restrict_domids(void **state)
{
	xenevtchn_handle *x = open_evtchn();

	(void)state;
	client_require_known_profile();
	assert_fails(xenevtchn_restrict(x, DOMID_SELF), EINVAL);
	assert_fails(xenevtchn_restrict(x, DOMID_INVALID), EINVAL);
	/* Domain 0: Linux says EINVAL; the proposal takes it. */
	if (client_profile() == CP_LINUX)
		assert_fails(xenevtchn_restrict(x, 0), EINVAL);
	else
		assert_ok(xenevtchn_restrict(x, 0));
	assert_ok(xenevtchn_close(x));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(notify_pending_unmask),
		cmocka_unit_test(bind_to_guests),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(restrict_handle),
		cmocka_unit_test(restrict_domids),
	};

	return client_finish(cmocka_run_group_tests_name(
		"libxenevtchn", tests, setup, NULL));
}
