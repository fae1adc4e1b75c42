/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/evtchn through the device layer, for every profile: the
 * restrict ioctl's validation and order of checks, every ioctl before and
 * after restricting (aimed at the target, at another domain and at an
 * absent one), ports bound before the restriction, read/write/poll and
 * the ring (overflow, wrap, growth), unbind/notify errors, release, and
 * the effect log as the oracle.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <string.h>

#include <xensim/device.h>
#include <xensim/effect.h>
#include <xensim/machine.h>
#include <xensim/uapi.h>

#include "support/world_helpers.h"

#define EVTCHNSTAT_closed	0
#define EVTCHNSTAT_unbound	1
#define EVTCHNSTAT_interdomain	2
#define VIRQ_TIMER		0
#define VIRQ_DOM_EXC		3

#define TARGET	1	/* the restricted domain */
#define OTHER	2	/* another existing domain */
#define ABSENT	9	/* no such domain */

#define POLL_IDLE	(POLLOUT | POLLWRNORM)
#define POLL_READY	(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM)

/* What a profile answers (positive errnos; 0: the call succeeds). */
struct prof {
	const char *name;
	bool restricts;
	int unknown;
	/* RESTRICT_DOMID on a fresh handle */
	int r_null, r_zero, r_reserved;
	/* RESTRICT_DOMID on a handle restricted to TARGET */
	int again_same, again_other, again_null;
	/* ops on a handle restricted to TARGET */
	int virq, virq_null;
	int inter_other;
	int unbound_target, unbound_other, unbound_null;
	/* BIND_STATIC unrestricted, restricted (0: present and allowed) */
	int bind_static, static_restricted;
};

static const struct prof proposed = {
	.name = "proposed", .restricts = true, .unknown = ENOTTY,
	.r_null = EFAULT, .r_zero = 0, .r_reserved = EINVAL,
	.again_same = 0, .again_other = EPERM, .again_null = EFAULT,
	.virq = ENOSYS, .virq_null = EFAULT,
	.inter_other = EPERM,
	.unbound_target = 0, .unbound_other = EPERM, .unbound_null = EFAULT,
	.bind_static = 0, .static_restricted = ENOSYS,
};

#define LINUX_EXPECT(n) {						\
	.name = n, .restricts = true, .unknown = ENOSYS,		\
	.r_null = EFAULT, .r_zero = EINVAL, .r_reserved = EINVAL,	\
	.again_same = EACCES, .again_other = EACCES, .again_null = EACCES, \
	.virq = EACCES, .virq_null = EACCES,				\
	.inter_other = EACCES,						\
	.unbound_target = EACCES, .unbound_other = EACCES,		\
	.unbound_null = EACCES,						\
	.bind_static = ENOSYS, .static_restricted = ENOSYS,		\
}
static const struct prof linux61 = LINUX_EXPECT("linux");
static const struct prof linux_xsa482 = LINUX_EXPECT("linux-xsa482");

/* No restrict: the ioctl is unknown and nothing is ever refused. */
#define NO_RESTRICT(n, e) {						\
	.name = n, .restricts = false, .unknown = (e),			\
	.r_null = (e), .r_zero = (e), .r_reserved = (e),		\
	.again_same = (e), .again_other = (e), .again_null = (e),	\
	.bind_static = (e), .static_restricted = (e),			\
}
static const struct prof freebsd = NO_RESTRICT("freebsd", ENOTTY);
static const struct prof netbsd = NO_RESTRICT("netbsd", EINVAL);

/* ---- helpers ---- */

struct wakes {
	unsigned n;
	struct xsim_file last;
};

static void on_wake(struct xsim_world *w, struct xsim_file f, void *arg)
{
	struct wakes *wk = arg;

	(void)w;
	wk->n++;
	wk->last = f;
}

static const struct prof *prof_of(void **state)
{
	return *state;
}

static struct xsim_world *world(const struct prof *p, struct wakes *wk)
{
	struct xsim_world *w = wh_world(p->name, false);

	if (wk) {
		memset(wk, 0, sizeof(*wk));
		xsim_dev_set_wake(w, on_wake, wk);
	}
	return w;
}

static struct xsim_file open_as(struct xsim_world *w, uint16_t domid)
{
	struct xsim_file f;

	assert_int_equal(xsim_dev_open(w, XSIM_DEV_EVTCHN, domid, &f), 0);
	return f;
}

static struct xsim_file open_evtchn(struct xsim_world *w)
{
	return open_as(w, 0);
}

static long ioc(struct xsim_world *w, struct xsim_file f, unsigned long cmd,
		const void *arg)
{
	return xsim_dev_ioctl(w, f, cmd, (uint64_t)(uintptr_t)arg,
			      &xsim_uaccess_self);
}

static long restrict_to(struct xsim_world *w, struct xsim_file f,
			uint16_t domid)
{
	struct ioctl_evtchn_restrict_domid r = { .domid = domid };

	return ioc(w, f, IOCTL_EVTCHN_RESTRICT_DOMID, &r);
}

static long bind_inter(struct xsim_world *w, struct xsim_file f,
		       unsigned dom, unsigned port)
{
	struct ioctl_evtchn_bind_interdomain b = {
		.remote_domain = dom, .remote_port = port,
	};

	return ioc(w, f, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

static long bind_unbound(struct xsim_world *w, struct xsim_file f, unsigned dom)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = dom };

	return ioc(w, f, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
}

static long bind_virq(struct xsim_world *w, struct xsim_file f, unsigned virq)
{
	struct ioctl_evtchn_bind_virq b = { .virq = virq };

	return ioc(w, f, IOCTL_EVTCHN_BIND_VIRQ, &b);
}

static long bind_static(struct xsim_world *w, struct xsim_file f,
			unsigned port)
{
	struct ioctl_evtchn_bind b = { .port = port };

	return ioc(w, f, IOCTL_EVTCHN_BIND_STATIC, &b);
}

static long unbind(struct xsim_world *w, struct xsim_file f, unsigned port)
{
	struct ioctl_evtchn_unbind u = { .port = port };

	return ioc(w, f, IOCTL_EVTCHN_UNBIND, &u);
}

static long notify(struct xsim_world *w, struct xsim_file f, unsigned port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	return ioc(w, f, IOCTL_EVTCHN_NOTIFY, &n);
}

static ssize_t rd(struct xsim_world *w, struct xsim_file f, void *buf,
		  size_t len)
{
	return xsim_dev_read(w, f, (uint64_t)(uintptr_t)buf, len,
			     &xsim_uaccess_self);
}

static ssize_t wr(struct xsim_world *w, struct xsim_file f, const void *buf,
		  size_t len)
{
	return xsim_dev_write(w, f, (uint64_t)(uintptr_t)buf, len,
			      &xsim_uaccess_self);
}

static ssize_t wr_port(struct xsim_world *w, struct xsim_file f,
		       uint32_t port)
{
	return wr(w, f, &port, sizeof(port));
}

/* Read exactly one queued port. */
static uint32_t rd_port(struct xsim_world *w, struct xsim_file f)
{
	uint32_t port = 0;

	assert_int_equal(rd(w, f, &port, sizeof(port)), 4);
	return port;
}

/* Machine-side views, under the lock. */
static int guest_send(struct xsim_world *w, uint16_t dom, uint32_t port)
{
	int rc;

	xsim_lock(w);
	rc = xsim_evtchn_guest_send(w, dom, port);
	xsim_unlock(w);
	return rc;
}

static int guest_pending(struct xsim_world *w, uint16_t dom, uint32_t port)
{
	int rc;

	xsim_lock(w);
	rc = xsim_evtchn_guest_pending(w, dom, port, true);
	xsim_unlock(w);
	return rc;
}

static uint32_t status_of(struct xsim_world *w, uint16_t dom, uint32_t port,
			  struct xsim_evtchn_status *st)
{
	struct xsim_caller c = wh_caller(w, 0);
	struct xsim_evtchn_status tmp;

	if (!st)
		st = &tmp;
	xsim_lock(w);
	assert_int_equal(xsim_evtchn_status(&c, dom, port, st), 0);
	xsim_unlock(w);
	return st->status;
}

/* A dom0 port made behind the device's back (a "static" one). */
static uint32_t dom0_unbound(struct xsim_world *w, uint16_t remote)
{
	struct xsim_caller c = wh_caller(w, 0);
	uint32_t port;

	xsim_lock(w);
	assert_int_equal(xsim_evtchn_alloc_unbound(&c, XSIM_DOMID_SELF, remote,
						   &port), 0);
	xsim_unlock(w);
	return port;
}

/* A result that is either a bound port (> 0) or the expected errno. */
static void expect_bind(long rc, int err)
{
	if (err)
		assert_int_equal(rc, -err);
	else
		assert_true(rc > 0);
}

static void expect_restricted(struct xsim_world *w, struct xsim_file f,
			      bool restricted, uint16_t domid)
{
	struct xsim_restrict_state st;

	assert_int_equal(xsim_file_restrict_state(w, f, &st), 0);
	assert_int_equal(st.restricted, restricted);
	if (restricted)
		assert_int_equal(st.domid, domid);
}

/* ---- the restrict ioctl ---- */

static void restrict_validation(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	static const uint16_t reserved[] = {
		XSIM_DOMID_SELF, XSIM_DOMID_IO, XSIM_DOMID_XEN,
		XSIM_DOMID_INVALID, XSIM_DOMID_IDLE, 0xFFFF,
	};
	struct xsim_file f;
	size_t i;

	f = open_evtchn(w);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_RESTRICT_DOMID, NULL),
			 -p->r_null);
	expect_restricted(w, f, false, 0);
	assert_int_equal(restrict_to(w, f, 0), -p->r_zero);
	expect_restricted(w, f, p->r_zero == 0, 0);
	xsim_dev_release(w, f);
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		f = open_evtchn(w);
		assert_int_equal(restrict_to(w, f, reserved[i]),
				 -p->r_reserved);
		expect_restricted(w, f, false, 0);
		xsim_dev_release(w, f);
	}

	f = open_evtchn(w);
	assert_int_equal(restrict_to(w, f, TARGET),
			 p->restricts ? 0 : -p->unknown);
	expect_restricted(w, f, p->restricts, TARGET);
	assert_int_equal(restrict_to(w, f, TARGET), -p->again_same);
	assert_int_equal(restrict_to(w, f, OTHER), -p->again_other);
	assert_int_equal(restrict_to(w, f, 0), -p->again_other);
	/* Linux refuses the repeat before touching the pointer. */
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_RESTRICT_DOMID, NULL),
			 -p->again_null);
	expect_restricted(w, f, p->restricts, TARGET);
	/* Per open: a new handle starts unrestricted. */
	xsim_dev_release(w, f);
	f = open_evtchn(w);
	expect_restricted(w, f, false, 0);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

static void unknown_ioctls(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_evtchn(w);
	unsigned int arg = 1;

	assert_int_equal(ioc(w, f, _IOC(_IOC_NONE, 'E', 0x55, 0), &arg),
			 -p->unknown);
	/* The command is matched whole: a known number with another size. */
	assert_int_equal(ioc(w, f, _IOC(_IOC_NONE, 'E', 0, 8), &arg),
			 -p->unknown);
	assert_int_equal(ioc(w, f, IOCTL_PRIVCMD_HYPERCALL, &arg), -p->unknown);
	/* Stale handle. */
	xsim_dev_release(w, f);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_RESET, NULL), -EBADF);
	assert_int_equal(rd(w, f, &arg, 4), -EBADF);
	assert_int_equal(xsim_dev_poll(w, f), POLLNVAL);
	xsim_world_detach(w);
}

/* ---- every ioctl, unrestricted ---- */

static void unrestricted_ioctls(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_evtchn(w);
	struct xsim_evtchn_status st;
	uint32_t spare;
	long port;

	port = bind_inter(w, f, TARGET, 1);
	assert_int_equal(port, 1);
	assert_int_equal(status_of(w, 0, 1, &st), EVTCHNSTAT_interdomain);
	assert_int_equal(st.remote_dom, TARGET);
	/* Linux hands Xen a domid_t: high bits are dropped. */
	assert_int_equal(bind_inter(w, f, 0x10000 | OTHER, 1), 2);
	assert_int_equal(status_of(w, 0, 2, &st), EVTCHNSTAT_interdomain);
	assert_int_equal(st.remote_dom, OTHER);
	/* Xen's errors come back as they are. */
	assert_int_equal(bind_inter(w, f, ABSENT, 1), -ESRCH);
	assert_int_equal(bind_inter(w, f, OTHER, 1), -EINVAL);
	assert_int_equal(bind_inter(w, f, 3, 4000), -EINVAL);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_BIND_INTERDOMAIN, NULL),
			 -EFAULT);
	/* Unbound ports: Xen does not check the remote exists. */
	assert_int_equal(bind_unbound(w, f, 3), 3);
	assert_int_equal(bind_unbound(w, f, ABSENT), 4);
	assert_int_equal(status_of(w, 0, 4, &st), EVTCHNSTAT_unbound);
	assert_int_equal(st.remote_dom, ABSENT);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_BIND_UNBOUND_PORT, NULL),
			 -EFAULT);
	/* VIRQs on vcpu 0. */
	assert_int_equal(bind_virq(w, f, VIRQ_DOM_EXC), 5);
	assert_int_equal(bind_virq(w, f, VIRQ_DOM_EXC), -EEXIST);
	assert_int_equal(bind_virq(w, f, 24), -EINVAL);
	assert_int_equal(bind_virq(w, f, VIRQ_TIMER), 6);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_BIND_VIRQ, NULL), -EFAULT);
	/* Static ports exist only where the profile has the ioctl. */
	spare = dom0_unbound(w, 3);
	assert_int_equal(bind_static(w, f, spare), -p->bind_static);
	assert_int_equal(unbind(w, f, 3), 0);
	assert_int_equal(notify(w, f, 1), 0);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_RESET, NULL), 0);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

/* ---- every ioctl, restricted ---- */

static void restricted_ioctls(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_evtchn(w);
	uint32_t id = xsim_file_effect_id(f), spare;
	struct xsim_evtchn_status st;
	uint64_t seq;
	long port;

	spare = dom0_unbound(w, TARGET);
	assert_int_equal(restrict_to(w, f, TARGET),
			 p->restricts ? 0 : -p->unknown);
	seq = xsim_effect_next(w);

	/* Aimed at the target. */
	port = bind_inter(w, f, TARGET, 1);
	assert_true(port > 0);
	expect_bind(bind_unbound(w, f, TARGET), p->unbound_target);
	/* Aimed at another domain, an absent one, or through DOMID_SELF. */
	expect_bind(bind_inter(w, f, OTHER, 1), p->inter_other);
	assert_int_equal(bind_inter(w, f, ABSENT, 1),
			 -(p->restricts ? p->inter_other : ESRCH));
	/* 0x10001 would reach domain 1, but cannot match the restriction. */
	assert_int_equal(bind_inter(w, f, 0x10000 | TARGET, 1),
			 -(p->restricts ? p->inter_other : EINVAL));
	assert_int_equal(bind_inter(w, f, XSIM_DOMID_SELF, 1),
			 -(p->restricts ? p->inter_other : EINVAL));
	expect_bind(bind_unbound(w, f, OTHER), p->unbound_other);
	expect_bind(bind_unbound(w, f, ABSENT), p->unbound_other);
	expect_bind(bind_virq(w, f, VIRQ_DOM_EXC), p->virq);
	/* Where each refusal falls relative to the copy. */
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_BIND_INTERDOMAIN, NULL),
			 -EFAULT);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_BIND_VIRQ, NULL),
			 -(p->restricts ? p->virq_null : EFAULT));
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_BIND_UNBOUND_PORT, NULL),
			 -(p->restricts ? p->unbound_null : EFAULT));
	assert_int_equal(bind_static(w, f, spare), -p->static_restricted);
	/* Untargeted ops stay open. */
	assert_int_equal(notify(w, f, (unsigned)port), 0);
	assert_int_equal(guest_pending(w, TARGET, 1), 1);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_RESET, NULL), 0);
	expect_restricted(w, f, p->restricts, TARGET);
	assert_int_equal(unbind(w, f, (unsigned)port), 0);

	if (p->restricts) {
		/* The refused binds left domain 2's offer untouched... */
		assert_int_equal(status_of(w, OTHER, 1, &st),
				 EVTCHNSTAT_unbound);
		assert_int_equal(st.remote_dom, 0);
		/* ...and the log shows nothing but the target. */
		assert_int_equal(wh_effects_elsewhere(w, seq, id, TARGET), 0);
		assert_true(wh_effects_on(w, seq, TARGET) > 0);
	} else {
		/* Bound: the oracle sees this handle reach domain 2. */
		assert_true(wh_effects_elsewhere(w, seq, id, TARGET) > 0);
	}
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

static void ports_bound_before_restrict_keep_working(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_evtchn(w);
	struct xsim_evtchn_status st;
	uint64_t seq;
	long port;

	port = bind_inter(w, f, OTHER, 1);
	assert_true(port > 0);
	assert_int_equal(restrict_to(w, f, TARGET),
			 p->restricts ? 0 : -p->unknown);
	seq = xsim_effect_next(w);
	assert_int_equal(notify(w, f, (unsigned)port), 0);
	assert_int_equal(guest_pending(w, OTHER, 1), 1);
	/* Not retroactive: the log shows the event reaching domain 2. */
	assert_int_equal(wh_effects_on(w, seq, OTHER), 1);
	/* Events from domain 2 still arrive. */
	assert_int_equal(rd_port(w, f), port);	/* the bind's own event */
	assert_int_equal(wr_port(w, f, (uint32_t)port), 4);
	assert_int_equal(guest_send(w, OTHER, 1), 0);
	assert_int_equal(rd_port(w, f), port);
	assert_int_equal(unbind(w, f, (unsigned)port), 0);
	assert_int_equal(status_of(w, OTHER, 1, &st), EVTCHNSTAT_unbound);
	assert_int_equal(st.remote_dom, 0);
	/* Binding to domain 2 again is what the restriction refuses. */
	expect_bind(bind_inter(w, f, OTHER, 1), p->inter_other);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

/* ---- read, write, poll ---- */

static void read_hands_out_fired_ports(void **state)
{
	const struct prof *p = prof_of(state);
	struct wakes wk;
	struct xsim_world *w = world(p, &wk);
	struct xsim_file f = open_evtchn(w);
	uint32_t buf[4] = { 0 };
	long port;

	assert_int_equal(xsim_dev_poll(w, f), POLL_IDLE);
	assert_int_equal(rd(w, f, buf, 4), -EAGAIN);
	/* bind_interdomain leaves the port pending: it shows up at once. */
	port = bind_inter(w, f, TARGET, 1);
	assert_true(port > 0);
	assert_int_equal(wk.n, 1);
	assert_int_equal(wk.last.slot, f.slot);
	assert_int_equal(wk.last.gen, f.gen);
	assert_int_equal(xsim_dev_poll(w, f), POLL_READY);
	/* Sizes: 0 and <4 read nothing; 6 reads one port. */
	assert_int_equal(rd(w, f, buf, 0), 0);
	assert_int_equal(rd(w, f, buf, 3), 0);
	/* A bad buffer faults and loses nothing. */
	assert_int_equal(rd(w, f, NULL, 4), -EFAULT);
	assert_int_equal(rd(w, f, buf, 6), 4);
	assert_int_equal(buf[0], port);
	assert_int_equal(rd(w, f, buf, 4), -EAGAIN);
	assert_int_equal(xsim_dev_poll(w, f), POLL_IDLE);
	/* Fired ports stay off until written back. */
	assert_int_equal(guest_send(w, TARGET, 1), 0);
	assert_int_equal(rd(w, f, buf, 4), -EAGAIN);
	assert_int_equal(wr_port(w, f, (uint32_t)port), 4);
	assert_int_equal(wk.n, 2);
	assert_int_equal(rd(w, f, buf, 16), 4);
	assert_int_equal(buf[0], port);
	/* Written back with nothing pending: nothing until the next event. */
	assert_int_equal(wr_port(w, f, (uint32_t)port), 4);
	assert_int_equal(rd(w, f, buf, 4), -EAGAIN);
	assert_int_equal(guest_send(w, TARGET, 1), 0);
	assert_int_equal(guest_send(w, TARGET, 1), 0);
	assert_int_equal(rd(w, f, buf, 16), 4);
	assert_int_equal(rd(w, f, buf, 16), -EAGAIN);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

static void write_unmasks_only_own_fired_ports(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_evtchn(w), g = open_evtchn(w);
	uint32_t ports[1100];
	long mine, theirs;
	size_t i;

	mine = bind_inter(w, f, TARGET, 1);
	theirs = bind_inter(w, g, OTHER, 1);
	assert_int_equal(rd_port(w, f), mine);
	assert_int_equal(rd_port(w, g), theirs);
	assert_int_equal(guest_send(w, TARGET, 1), 0);
	assert_int_equal(guest_send(w, OTHER, 1), 0);
	/* Sizes: 0 and <4 consume nothing, the rest rounds down. */
	assert_int_equal(wr(w, f, ports, 0), 0);
	assert_int_equal(wr(w, f, ports, 3), 0);
	assert_int_equal(wr(w, f, NULL, 4), -EFAULT);
	/* Another handle's port, unknown ports: ignored, yet consumed. */
	ports[0] = (uint32_t)theirs;
	ports[1] = 0;
	ports[2] = 4096;
	ports[3] = 0xFFFFFFFFu;
	assert_int_equal(wr(w, f, ports, 18), 16);
	assert_int_equal(rd(w, g, ports, 4), -EAGAIN);
	assert_int_equal(rd(w, f, ports, 4), -EAGAIN);
	/* At most a page per write. */
	for (i = 0; i < 1100; i++)
		ports[i] = (uint32_t)mine;
	assert_int_equal(wr(w, f, ports, sizeof(ports)), 4096);
	assert_int_equal(rd_port(w, f), mine);
	assert_int_equal(rd(w, g, ports, 4), -EAGAIN);
	xsim_dev_release(w, f);
	xsim_dev_release(w, g);
	xsim_world_detach(w);
}

/* One event per round: write the port back, have the guest send. */
static void fire_rounds(struct xsim_world *w, struct xsim_file f,
			uint32_t port, uint16_t dom, uint32_t gport, unsigned n)
{
	while (n--) {
		assert_int_equal(wr_port(w, f, port), 4);
		assert_int_equal(guest_send(w, dom, gport), 0);
	}
}

static void ring_overflow_and_reset(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_evtchn(w);
	uint32_t buf[64];
	long port;

	/* One bound port: a ring of 64 (Linux's first size). */
	port = bind_inter(w, f, TARGET, 1);
	fire_rounds(w, f, (uint32_t)port, TARGET, 1, 63);
	assert_int_equal(xsim_dev_poll(w, f), POLL_READY);
	fire_rounds(w, f, (uint32_t)port, TARGET, 1, 1);
	assert_int_equal(xsim_dev_poll(w, f), POLLERR);
	assert_int_equal(rd(w, f, buf, sizeof(buf)), -EFBIG);
	assert_int_equal(rd(w, f, buf, 0), 0);
	/* RESET empties the ring and clears the error, nothing else. */
	assert_int_equal(restrict_to(w, f, TARGET),
			 p->restricts ? 0 : -p->unknown);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_RESET, NULL), 0);
	assert_int_equal(xsim_dev_poll(w, f), POLL_IDLE);
	assert_int_equal(rd(w, f, buf, 4), -EAGAIN);
	expect_restricted(w, f, p->restricts, TARGET);
	fire_rounds(w, f, (uint32_t)port, TARGET, 1, 2);
	assert_int_equal(rd(w, f, buf, sizeof(buf)), 8);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

static void ring_wraps_in_order(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_evtchn(w);
	uint32_t buf[64];
	long a, b;
	int i;

	a = bind_inter(w, f, TARGET, 1);
	b = bind_inter(w, f, OTHER, 1);
	assert_int_equal(rd(w, f, buf, sizeof(buf)), 8);
	/* Fill 40 of 64, drain, then 40 more across the wrap. */
	for (i = 0; i < 20; i++) {
		fire_rounds(w, f, (uint32_t)a, TARGET, 1, 1);
		fire_rounds(w, f, (uint32_t)b, OTHER, 1, 1);
	}
	assert_int_equal(rd(w, f, buf, sizeof(buf)), 160);
	for (i = 0; i < 20; i++) {
		fire_rounds(w, f, (uint32_t)a, TARGET, 1, 1);
		fire_rounds(w, f, (uint32_t)b, OTHER, 1, 1);
	}
	/* A short read stops mid-ring; the rest follows in order. */
	assert_int_equal(rd(w, f, buf, 40), 40);
	for (i = 0; i < 10; i++)
		assert_int_equal(buf[i], i % 2 ? b : a);
	assert_int_equal(rd(w, f, buf, sizeof(buf)), 120);
	for (i = 0; i < 30; i++)
		assert_int_equal(buf[i], i % 2 ? b : a);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

static void ring_grows_with_bound_ports(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_evtchn(w);
	uint32_t buf[128];
	long a, b;
	int i;

	/* 65 bound ports: Linux doubles the ring to 128. */
	for (i = 0; i < 63; i++)
		assert_true(bind_unbound(w, f, 3) > 0);
	a = bind_inter(w, f, TARGET, 1);
	b = bind_inter(w, f, OTHER, 1);
	assert_int_equal(rd(w, f, buf, sizeof(buf)), 8);
	fire_rounds(w, f, (uint32_t)a, TARGET, 1, 128);
	assert_int_equal(xsim_dev_poll(w, f), POLL_READY);
	fire_rounds(w, f, (uint32_t)a, TARGET, 1, 1);
	assert_int_equal(xsim_dev_poll(w, f), POLLERR);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_RESET, NULL), 0);
	/* Queue 50 across the wrap of the 128 ring (indices 100..149)... */
	fire_rounds(w, f, (uint32_t)a, TARGET, 1, 100);
	assert_int_equal(rd(w, f, buf, 400), 400);
	for (i = 0; i < 25; i++) {
		fire_rounds(w, f, (uint32_t)a, TARGET, 1, 1);
		fire_rounds(w, f, (uint32_t)b, OTHER, 1, 1);
	}
	/* ...grow it to 256 with 64 more ports: the queue reads the same. */
	for (i = 0; i < 64; i++)
		assert_true(bind_unbound(w, f, 3) > 0);
	assert_int_equal(rd(w, f, buf, sizeof(buf)), 200);
	for (i = 0; i < 50; i++)
		assert_int_equal(buf[i], i % 2 ? b : a);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

/* ---- unbind, notify, release, static, domU ---- */

static void unbind_and_notify_errors(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_evtchn(w), g = open_evtchn(w);
	struct xsim_evtchn_status st;
	long mine, theirs;

	mine = bind_inter(w, f, TARGET, 1);
	theirs = bind_inter(w, g, OTHER, 1);
	assert_int_equal(unbind(w, f, 4096), -EINVAL);
	assert_int_equal(unbind(w, f, 0xFFFFFFFFu), -EINVAL);
	assert_int_equal(unbind(w, f, 4095), -ENOTCONN);
	assert_int_equal(unbind(w, f, (unsigned)theirs), -ENOTCONN);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_UNBIND, NULL), -EFAULT);
	/* 6.1's NOTIFY has no range check: ENOTCONN for any stranger. */
	assert_int_equal(notify(w, f, 4096), -ENOTCONN);
	assert_int_equal(notify(w, f, (unsigned)theirs), -ENOTCONN);
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_NOTIFY, NULL), -EFAULT);
	assert_int_equal(guest_pending(w, OTHER, 1), 0);
	assert_int_equal(notify(w, f, (unsigned)mine), 0);
	assert_int_equal(guest_pending(w, TARGET, 1), 1);
	/* Unbinding closes our port; the guest's offer comes back. */
	assert_int_equal(unbind(w, f, (unsigned)mine), 0);
	assert_int_equal(status_of(w, 0, (uint32_t)mine, NULL),
			 EVTCHNSTAT_closed);
	assert_int_equal(status_of(w, TARGET, 1, &st), EVTCHNSTAT_unbound);
	assert_int_equal(unbind(w, f, (unsigned)mine), -ENOTCONN);
	assert_int_equal(notify(w, f, (unsigned)mine), -ENOTCONN);
	xsim_dev_release(w, f);
	xsim_dev_release(w, g);
	xsim_world_detach(w);
}

static void release_unbinds_everything(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_evtchn(w), g;
	struct xsim_evtchn_status st;
	long inter, unb, virq;

	inter = bind_inter(w, f, TARGET, 1);
	unb = bind_unbound(w, f, OTHER);
	virq = bind_virq(w, f, VIRQ_DOM_EXC);
	assert_true(inter > 0 && unb > 0 && virq > 0);
	assert_int_equal(restrict_to(w, f, TARGET),
			 p->restricts ? 0 : -p->unknown);
	xsim_dev_release(w, f);
	assert_int_equal(status_of(w, 0, (uint32_t)inter, NULL),
			 EVTCHNSTAT_closed);
	assert_int_equal(status_of(w, 0, (uint32_t)unb, NULL),
			 EVTCHNSTAT_closed);
	assert_int_equal(status_of(w, 0, (uint32_t)virq, NULL),
			 EVTCHNSTAT_closed);
	assert_int_equal(status_of(w, TARGET, 1, &st), EVTCHNSTAT_unbound);
	assert_int_equal(st.remote_dom, 0);
	/* A new handle can take all of it again. */
	g = open_evtchn(w);
	assert_int_equal(bind_inter(w, g, TARGET, 1), inter);
	/* Lowest free first: the unbound port's number comes back. */
	assert_int_equal(bind_virq(w, g, VIRQ_DOM_EXC), unb);
	xsim_dev_release(w, g);
	xsim_world_detach(w);
}

static void bind_static_existing_ports(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_evtchn(w), g = open_evtchn(w);
	uint32_t port = dom0_unbound(w, TARGET);

	if (p->bind_static) {
		assert_int_equal(bind_static(w, f, port), -p->bind_static);
		assert_int_equal(ioc(w, f, IOCTL_EVTCHN_BIND_STATIC, NULL),
				 -p->bind_static);
		goto out;
	}
	assert_int_equal(ioc(w, f, IOCTL_EVTCHN_BIND_STATIC, NULL), -EFAULT);
	/* Returns 0, not the port. */
	assert_int_equal(bind_static(w, f, port), 0);
	assert_int_equal(bind_static(w, f, port), -EISCONN);
	assert_int_equal(bind_static(w, g, port), -EISCONN);
	/* Only ports Xen has: free, reserved or out of range are refused. */
	assert_int_equal(bind_static(w, g, 100), -EINVAL);
	assert_int_equal(bind_static(w, g, 0), -EINVAL);
	assert_int_equal(bind_static(w, g, 5000), -EINVAL);
	/* Events on it arrive like on any other. */
	{
		struct xsim_caller g1 = wh_caller(w, TARGET);
		uint32_t gport;

		xsim_lock(w);
		assert_int_equal(xsim_evtchn_bind_interdomain(&g1, 0, port,
							      &gport), 0);
		xsim_unlock(w);
		assert_int_equal(guest_send(w, TARGET, gport), 0);
		assert_int_equal(rd_port(w, f), port);
		guest_pending(w, TARGET, gport);	/* the bind's own */
		assert_int_equal(notify(w, f, port), 0);
		assert_int_equal(guest_pending(w, TARGET, gport), 1);
	}
	/* Unbinding a static port leaves it open in Xen; so does release. */
	assert_int_equal(unbind(w, f, port), 0);
	assert_int_equal(status_of(w, 0, port, NULL), EVTCHNSTAT_interdomain);
	assert_int_equal(bind_static(w, g, port), 0);
	xsim_dev_release(w, g);
	assert_int_equal(status_of(w, 0, port, NULL), EVTCHNSTAT_interdomain);
out:
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

static void domu_handle_binds_in_its_own_domain(void **state)
{
	const struct prof *p = prof_of(state);
	struct xsim_world *w = world(p, NULL);
	struct xsim_file f = open_as(w, TARGET);
	struct xsim_caller dom0 = wh_caller(w, 0);
	struct xsim_evtchn_status st;
	uint32_t local;
	long port;

	/* Guest 1 already holds port 1: the new one is 2, in domain 1. */
	port = bind_unbound(w, f, 0);
	assert_int_equal(port, 2);
	assert_int_equal(status_of(w, TARGET, 2, &st), EVTCHNSTAT_unbound);
	assert_int_equal(st.remote_dom, 0);
	xsim_lock(w);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, TARGET, 2, &local),
			 0);
	assert_int_equal(xsim_evtchn_send(&dom0, local), 0);
	xsim_unlock(w);
	assert_int_equal(rd_port(w, f), 2);
	/* VIRQs, too, bind in the guest. */
	assert_int_equal(bind_virq(w, f, VIRQ_DOM_EXC), 3);
	xsim_dev_release(w, f);
	assert_int_equal(status_of(w, 0, local, &st), EVTCHNSTAT_unbound);
	assert_int_equal(st.remote_dom, TARGET);
	xsim_world_detach(w);
}

/* One entry per profile, named test/profile. */
#define ONE(fn, p)	{ #fn "/" #p, fn, NULL, NULL, (void *)&(p) }
#define PER_PROFILE(fn)							\
	ONE(fn, proposed), ONE(fn, linux61), ONE(fn, linux_xsa482),	\
	ONE(fn, freebsd), ONE(fn, netbsd)

int main(void)
{
	const struct CMUnitTest tests[] = {
		PER_PROFILE(restrict_validation),
		PER_PROFILE(unknown_ioctls),
		PER_PROFILE(unrestricted_ioctls),
		PER_PROFILE(restricted_ioctls),
		PER_PROFILE(ports_bound_before_restrict_keep_working),
		PER_PROFILE(read_hands_out_fired_ports),
		PER_PROFILE(write_unmasks_only_own_fired_ports),
		PER_PROFILE(ring_overflow_and_reset),
		PER_PROFILE(ring_wraps_in_order),
		PER_PROFILE(ring_grows_with_bound_ports),
		PER_PROFILE(unbind_and_notify_errors),
		PER_PROFILE(release_unbinds_everything),
		PER_PROFILE(bind_static_existing_ports),
		PER_PROFILE(domu_handle_binds_in_its_own_domain),
	};

	return cmocka_run_group_tests_name("evtchn_dev", tests, NULL, NULL);
}
