/* SPDX-License-Identifier: MIT */
/*
 * Event channels at the machine level (Xen 4.17 event_channel.c, 2-level
 * ABI): numbering, limits, every error path, binding, closing, sending,
 * pending and mask, delivery to a consumer, reset, teardown, effects.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <xensim/effect.h>
#include <xensim/machine.h>
#include <xensim/world.h>

#include "../machine/layout.h"
#include "support/world_helpers.h"

/* xen/include/public/event_channel.h and xen.h */
#define EVTCHNSTAT_closed	0
#define EVTCHNSTAT_unbound	1
#define EVTCHNSTAT_interdomain	2
#define EVTCHNSTAT_virq		4
#define EVTCHNSTAT_ipi		5
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_close		3
#define EVTCHNOP_send		4
#define EVTCHNOP_status		5
#define EVTCHNOP_alloc_unbound	6
#define VIRQ_TIMER		0
#define VIRQ_DOM_EXC		3
#define NR_VIRQS		24

#define HANDLE	0x01000042u	/* an effect-log handle id */

/* ---- helpers ---- */

static struct xsim_world *world(void)
{
	struct xsim_world *w = wh_world("proposed", false);

	xsim_lock(w);
	return w;
}

static void done(struct xsim_world *w)
{
	xsim_unlock(w);
	xsim_world_detach(w);
}

static uint32_t status_of(struct xsim_world *w, uint16_t dom, uint32_t port,
			  struct xsim_evtchn_status *st)
{
	struct xsim_caller c = wh_caller(w, 0);
	struct xsim_evtchn_status tmp;

	if (!st)
		st = &tmp;
	assert_int_equal(xsim_evtchn_status(&c, dom, port, st), 0);
	return st->status;
}

static uint16_t new_domain(struct xsim_world *w, uint16_t domid,
			   uint32_t max_port, uint32_t vcpus)
{
	struct xsim_caller dom0 = wh_caller(w, 0);
	struct xsim_domain_config cfg = {
		.domid = domid, .max_vcpus = vcpus, .max_pages = 16,
		.max_evtchn_port = max_port,
	};
	uint16_t id;

	assert_int_equal(xsim_domain_create(&dom0, &cfg, &id), 0);
	assert_int_equal(id, domid);
	return id;
}

/* A port of the caller's domain offered to remote. */
static int unbound_to(const struct xsim_caller *c, uint32_t remote,
		      uint32_t *port)
{
	return xsim_evtchn_alloc_unbound(c, XSIM_DOMID_SELF, remote, port);
}

/* Delivery recorder installed as the world's port_fired hook. */
struct fired {
	unsigned n;
	uint32_t consumer, port;
};

static void on_fired(struct xsim_world *w, uint32_t consumer, uint32_t port,
		     void *arg)
{
	struct fired *f = arg;

	(void)w;
	f->n++;
	f->consumer = consumer;
	f->port = port;
}

static void record_fires(struct xsim_world *w, struct fired *f)
{
	const struct xsim_hooks h = { .port_fired = on_fired, .arg = f };

	memset(f, 0, sizeof(*f));
	xsim_world_set_hooks(w, &h);
}

/* ---- numbering and limits ---- */

static void ports_start_at_one_lowest_free_first(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0);
	uint32_t a, b, c;

	(void)state;
	/* Port 0 is reserved: it reads as closed and cannot be closed. */
	assert_int_equal(status_of(w, 0, 0, NULL), EVTCHNSTAT_closed);
	assert_int_equal(xsim_evtchn_close(&dom0, XSIM_DOMID_SELF, 0), -EINVAL);
	assert_int_equal(unbound_to(&dom0, 1, &a), 0);
	assert_int_equal(unbound_to(&dom0, 1, &b), 0);
	assert_int_equal(unbound_to(&dom0, 1, &c), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(c, 3);
	assert_int_equal(xsim_evtchn_close(&dom0, XSIM_DOMID_SELF, 2), 0);
	assert_int_equal(unbound_to(&dom0, 1, &b), 0);
	assert_int_equal(b, 2);
	assert_int_equal(unbound_to(&dom0, 1, &b), 0);
	assert_int_equal(b, 4);
	/* The default guests each hold port 1, unbound, offered to dom0. */
	assert_int_equal(status_of(w, 1, 1, NULL), EVTCHNSTAT_unbound);
	assert_int_equal(status_of(w, 3, 2, NULL), EVTCHNSTAT_closed);
	done(w);
}

static void max_evtchn_port_is_the_last_port(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller g, dom0 = wh_caller(w, 0);
	uint32_t port, i;

	(void)state;
	new_domain(w, 7, 5, 1);
	g = wh_caller(w, 7);
	for (i = 1; i <= 5; i++) {
		assert_int_equal(xsim_evtchn_bind_ipi(&g, 0, &port), 0);
		assert_int_equal(port, i);
	}
	assert_int_equal(xsim_evtchn_bind_ipi(&g, 0, &port), -ENOSPC);
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, 7, 0, &port),
			 -ENOSPC);
	/* Full beats forbidden: Xen allocates before the XSM check. */
	g = wh_caller(w, 1);
	assert_int_equal(xsim_evtchn_alloc_unbound(&g, 7, 0, &port), -ENOSPC);
	done(w);
}

static void dom0_has_the_whole_2l_space(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0);
	struct xsim_evtchn_status st;
	uint32_t port = 0, i;

	(void)state;
	/* Before a bucket exists its ports are invalid, not closed. */
	assert_int_equal(xsim_evtchn_status(&dom0, 0, 300, &st), -EINVAL);
	assert_int_equal(status_of(w, 0, 200, NULL), EVTCHNSTAT_closed);
	for (i = 1; i < XSIM_EVTCHN_2L_NR; i++) {
		assert_int_equal(xsim_evtchn_bind_ipi(&dom0, 1, &port), 0);
		assert_int_equal(port, i);
	}
	assert_int_equal(xsim_evtchn_bind_ipi(&dom0, 1, &port), -ENOSPC);
	assert_int_equal(status_of(w, 0, 4095, &st), EVTCHNSTAT_ipi);
	assert_int_equal(st.vcpu, 1);
	assert_int_equal(xsim_evtchn_status(&dom0, 0, 4096, &st), -EINVAL);
	assert_int_equal(xsim_evtchn_status(&dom0, 0, 0xFFFFFFFFu, &st),
			 -EINVAL);
	assert_int_equal(xsim_evtchn_send(&dom0, 4096), -EINVAL);
	assert_int_equal(xsim_evtchn_unmask(&dom0, 4096), -EINVAL);
	done(w);
}

/* ---- alloc_unbound ---- */

static void alloc_unbound_rules(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0), g1 = wh_caller(w, 1);
	struct xsim_evtchn_status st;
	uint32_t port;

	(void)state;
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, 9, 0, &port), -ESRCH);
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, XSIM_DOMID_INVALID, 0,
						   &port), -ESRCH);
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, 0x10001, 0, &port),
			 -ESRCH);
	/* Only the domain itself, its device model or dom0 may allocate. */
	assert_int_equal(xsim_evtchn_alloc_unbound(&g1, 2, 0, &port), -EPERM);
	assert_int_equal(xsim_evtchn_alloc_unbound(&g1, 0, 1, &port), -EPERM);
	assert_int_equal(xsim_evtchn_alloc_unbound(&g1, 1, 2, &port), 0);
	assert_int_equal(port, 2);
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, 2, 0, &port), 0);
	assert_int_equal(port, 2);
	assert_int_equal(xsim_domain_set_target(&dom0, 1, 2), 0);
	assert_int_equal(xsim_evtchn_alloc_unbound(&g1, 2, 1, &port), 0);
	assert_int_equal(port, 3);
	/* DOMID_SELF as remote is the caller, not the allocating domain. */
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, 3, XSIM_DOMID_SELF,
						   &port), 0);
	assert_int_equal(status_of(w, 3, port, &st), EVTCHNSTAT_unbound);
	assert_int_equal(st.remote_dom, 0);
	/* The remote need not exist; a value wider than domid_t cannot be. */
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, XSIM_DOMID_SELF, 77,
						   &port), 0);
	assert_int_equal(status_of(w, 0, port, &st), EVTCHNSTAT_unbound);
	assert_int_equal(st.remote_dom, 77);
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, XSIM_DOMID_SELF,
						   0x10001, &port), -EINVAL);
	done(w);
}

/* ---- bind_interdomain ---- */

static void bind_interdomain_connects_both_ends(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0);
	struct xsim_evtchn_status st;
	uint32_t local;

	(void)state;
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 1, &local), 0);
	assert_int_equal(local, 1);
	assert_int_equal(status_of(w, 0, local, &st), EVTCHNSTAT_interdomain);
	assert_int_equal(st.remote_dom, 1);
	assert_int_equal(st.remote_port, 1);
	assert_int_equal(status_of(w, 1, 1, &st), EVTCHNSTAT_interdomain);
	assert_int_equal(st.remote_dom, 0);
	assert_int_equal(st.remote_port, local);
	/* Xen sets the local end pending, whatever the peer did before. */
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, local, true), 1);
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, local, false), 0);
	assert_int_equal(xsim_evtchn_guest_pending(w, 1, 1, false), 0);
	done(w);
}

static void bind_interdomain_errors(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0), g2 = wh_caller(w, 2);
	uint32_t port, local;

	(void)state;
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 9, 1, &local),
			 -ESRCH);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, XSIM_DOMID_INVALID,
						      1, &local), -ESRCH);
	/* Invalid, free, or reserved remote ports. */
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 5000, &local),
			 -EINVAL);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 2, &local),
			 -EINVAL);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 0, &local),
			 -EINVAL);
	/* A port offered to someone else. */
	assert_int_equal(xsim_evtchn_alloc_unbound(&g2, XSIM_DOMID_SELF, 3,
						   &port), 0);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 2, port, &local),
			 -EINVAL);
	/* Already connected. */
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 1, &local), 0);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 1, &local),
			 -EINVAL);
	/* The failures left no port behind. */
	assert_int_equal(xsim_evtchn_bind_ipi(&dom0, 0, &port), 0);
	assert_int_equal(port, 2);
	done(w);
}

static void loopback_through_domid_self(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0);
	uint32_t a, b;

	(void)state;
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, XSIM_DOMID_SELF,
						   XSIM_DOMID_SELF, &a), 0);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, XSIM_DOMID_SELF, a,
						      &b), 0);
	assert_int_not_equal(a, b);
	xsim_evtchn_guest_pending(w, 0, b, true);
	assert_int_equal(xsim_evtchn_send(&dom0, b), 0);
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, a, true), 1);
	assert_int_equal(xsim_evtchn_send(&dom0, a), 0);
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, b, true), 1);
	/* Closing one end offers it back to ourselves. */
	assert_int_equal(xsim_evtchn_close(&dom0, XSIM_DOMID_SELF, b), 0);
	assert_int_equal(status_of(w, 0, a, NULL), EVTCHNSTAT_unbound);
	assert_int_equal(status_of(w, 0, b, NULL), EVTCHNSTAT_closed);
	done(w);
}

/* ---- virq and ipi ---- */

static void bind_virq_rules(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0), g1 = wh_caller(w, 1);
	struct xsim_evtchn_status st;
	uint32_t p0, p1, port;

	(void)state;
	assert_int_equal(xsim_evtchn_bind_virq(&dom0, NR_VIRQS, 0, &port),
			 -EINVAL);
	assert_int_equal(xsim_evtchn_bind_virq(&dom0, 0xFFFFFFFFu, 0, &port),
			 -EINVAL);
	/* A global VIRQ only on vcpu 0. */
	assert_int_equal(xsim_evtchn_bind_virq(&dom0, VIRQ_DOM_EXC, 1, &port),
			 -EINVAL);
	/* A per-vcpu one on an existing vcpu. */
	assert_int_equal(xsim_evtchn_bind_virq(&g1, VIRQ_TIMER, 1, &port),
			 -ENOENT);
	assert_int_equal(xsim_evtchn_bind_virq(&dom0, VIRQ_TIMER, 2, &port),
			 -ENOENT);
	assert_int_equal(xsim_evtchn_bind_virq(&dom0, VIRQ_DOM_EXC, 0, &port),
			 0);
	assert_int_equal(xsim_evtchn_bind_virq(&dom0, VIRQ_DOM_EXC, 0, &p0),
			 -EEXIST);
	assert_int_equal(status_of(w, 0, port, &st), EVTCHNSTAT_virq);
	assert_int_equal(st.virq, VIRQ_DOM_EXC);
	assert_int_equal(xsim_evtchn_bind_virq(&dom0, VIRQ_TIMER, 0, &p0), 0);
	assert_int_equal(xsim_evtchn_bind_virq(&dom0, VIRQ_TIMER, 1, &p1), 0);
	assert_int_equal(xsim_evtchn_bind_virq(&dom0, VIRQ_TIMER, 1, &p1),
			 -EEXIST);
	assert_int_equal(status_of(w, 0, p1, &st), EVTCHNSTAT_virq);
	assert_int_equal(st.vcpu, 1);
	/* A VIRQ port cannot be sent on; Xen raises it. */
	assert_int_equal(xsim_evtchn_send(&dom0, p0), -EINVAL);
	assert_int_equal(xsim_evtchn_raise_virq(w, 0, VIRQ_TIMER), 2);
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, p0, false), 1);
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, p1, false), 1);
	assert_int_equal(xsim_evtchn_raise_virq(w, 1, VIRQ_TIMER), 0);
	assert_int_equal(xsim_evtchn_raise_virq(w, 9, VIRQ_TIMER), -ESRCH);
	assert_int_equal(xsim_evtchn_raise_virq(w, 0, NR_VIRQS), -EINVAL);
	/* Closed, it can be bound again. */
	assert_int_equal(xsim_evtchn_close(&dom0, XSIM_DOMID_SELF, port), 0);
	assert_int_equal(xsim_evtchn_bind_virq(&dom0, VIRQ_DOM_EXC, 0, &p0), 0);
	assert_int_equal(p0, port);
	done(w);
}

static void bind_ipi_signals_itself(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0);
	struct xsim_evtchn_status st;
	uint32_t port;

	(void)state;
	assert_int_equal(xsim_evtchn_bind_ipi(&dom0, 2, &port), -ENOENT);
	assert_int_equal(xsim_evtchn_bind_ipi(&dom0, 1, &port), 0);
	assert_int_equal(status_of(w, 0, port, &st), EVTCHNSTAT_ipi);
	assert_int_equal(st.vcpu, 1);
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, port, false), 0);
	assert_int_equal(xsim_evtchn_send(&dom0, port), 0);
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, port, false), 1);
	done(w);
}

/* ---- close and send ---- */

static void close_reverts_the_peer_to_unbound(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0), g1 = wh_caller(w, 1);
	struct xsim_evtchn_status st;
	uint32_t local, again;

	(void)state;
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 1, &local), 0);
	assert_int_equal(xsim_evtchn_close(&dom0, XSIM_DOMID_SELF, local), 0);
	assert_int_equal(status_of(w, 0, local, NULL), EVTCHNSTAT_closed);
	assert_int_equal(status_of(w, 1, 1, &st), EVTCHNSTAT_unbound);
	assert_int_equal(st.remote_dom, 0);
	/* Offered to us again: we can reconnect. */
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 1, &again), 0);
	assert_int_equal(again, local);
	/* Closed from the guest's side, our end waits for guest 1. */
	assert_int_equal(xsim_evtchn_close(&g1, XSIM_DOMID_SELF, 1), 0);
	assert_int_equal(status_of(w, 0, local, &st), EVTCHNSTAT_unbound);
	assert_int_equal(st.remote_dom, 1);
	assert_int_equal(status_of(w, 1, 1, NULL), EVTCHNSTAT_closed);
	done(w);
}

static void close_errors(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0), g1 = wh_caller(w, 1);

	(void)state;
	assert_int_equal(xsim_evtchn_close(&dom0, XSIM_DOMID_SELF, 4096),
			 -EINVAL);
	assert_int_equal(xsim_evtchn_close(&dom0, XSIM_DOMID_SELF, 5), -EINVAL);
	assert_int_equal(xsim_evtchn_close(&dom0, 9, 1), -ESRCH);
	/* Only the control domain closes another domain's port. */
	assert_int_equal(xsim_evtchn_close(&g1, 2, 1), -EPERM);
	assert_int_equal(xsim_evtchn_close(&dom0, 2, 1), 0);
	assert_int_equal(status_of(w, 2, 1, NULL), EVTCHNSTAT_closed);
	assert_int_equal(xsim_evtchn_close(&dom0, 2, 1), -EINVAL);
	assert_int_equal(xsim_evtchn_close(&g1, 1, 1), 0);
	done(w);
}

static void send_by_port_state(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0), g1 = wh_caller(w, 1);
	uint32_t local, unbound;

	(void)state;
	assert_int_equal(xsim_evtchn_send(&dom0, 1), -EINVAL);	/* free */
	/* Reserved port 0. */
	assert_int_equal(xsim_evtchn_send(&dom0, 0), -EINVAL);
	assert_int_equal(xsim_evtchn_send(&dom0, 9999), -EINVAL);
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, XSIM_DOMID_SELF, 2,
						   &unbound), 0);
	/* Sent on an unbound port: dropped. */
	assert_int_equal(xsim_evtchn_send(&dom0, unbound), 0);
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, unbound, false), 0);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 1, &local), 0);
	assert_int_equal(xsim_evtchn_send(&dom0, local), 0);
	assert_int_equal(xsim_evtchn_guest_pending(w, 1, 1, true), 1);
	assert_int_equal(xsim_evtchn_guest_pending(w, 1, 1, false), 0);
	xsim_evtchn_guest_pending(w, 0, local, true);
	assert_int_equal(xsim_evtchn_send(&g1, 1), 0);
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, local, false), 1);
	assert_int_equal(xsim_evtchn_guest_send(w, 1, 1), 0);
	assert_int_equal(xsim_evtchn_guest_send(w, 9, 1), -ESRCH);
	assert_int_equal(xsim_evtchn_guest_send(w, 2, 7), -EINVAL);
	assert_int_equal(xsim_evtchn_guest_pending(w, 9, 1, false), -ESRCH);
	assert_int_equal(xsim_evtchn_guest_pending(w, 1, 4096, false), -EINVAL);
	done(w);
}

/* ---- delivery to a consumer: pending, mask, unmask ---- */

static void consumer_gets_one_delivery_until_unmasked(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0);
	struct fired f;
	uint32_t local;

	(void)state;
	record_fires(w, &f);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 1, &local), 0);
	assert_int_equal(f.n, 0);		/* no consumer yet */
	/* Routing a pending port delivers it at once, then it is masked. */
	assert_int_equal(xsim_evtchn_set_consumer(&dom0, local, 7), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.consumer, 7);
	assert_int_equal(f.port, local);
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, local, false), 0);
	/* Masked: the event waits as pending. */
	assert_int_equal(xsim_evtchn_guest_send(w, 1, 1), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, local, false), 1);
	assert_int_equal(xsim_evtchn_unmask(&dom0, local), 0);
	assert_int_equal(f.n, 2);
	/* Unmasked with nothing pending: nothing; then one send, one event. */
	assert_int_equal(xsim_evtchn_unmask(&dom0, local), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(xsim_evtchn_unmask(&dom0, local), 0);
	assert_int_equal(xsim_evtchn_guest_send(w, 1, 1), 0);
	assert_int_equal(f.n, 3);
	/* An already pending port raises nothing new. */
	assert_int_equal(xsim_evtchn_guest_send(w, 1, 1), 0);
	assert_int_equal(xsim_evtchn_guest_send(w, 1, 1), 0);
	assert_int_equal(f.n, 3);
	/* Unmask of a free port is harmless; of an invalid one, EINVAL. */
	assert_int_equal(xsim_evtchn_unmask(&dom0, 100), 0);
	assert_int_equal(xsim_evtchn_unmask(&dom0, 5000), -EINVAL);
	done(w);
}

static void set_consumer_rules(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0);
	struct fired f;
	uint32_t port;

	(void)state;
	record_fires(w, &f);
	assert_int_equal(xsim_evtchn_set_consumer(&dom0, 1, 3), -EINVAL);
	assert_int_equal(xsim_evtchn_set_consumer(&dom0, 0, 3), -EINVAL);
	assert_int_equal(xsim_evtchn_set_consumer(&dom0, 4096, 3), -EINVAL);
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, XSIM_DOMID_SELF, 1,
						   &port), 0);
	assert_int_equal(xsim_evtchn_set_consumer(&dom0, port, 3), 0);
	assert_int_equal(xsim_evtchn_set_consumer(&dom0, port, 3), 0);
	assert_int_equal(xsim_evtchn_set_consumer(&dom0, port, 4), -EBUSY);
	assert_int_equal(xsim_evtchn_set_consumer(&dom0, port,
						  XSIM_NO_CONSUMER), 0);
	assert_int_equal(xsim_evtchn_set_consumer(&dom0, port, 4), 0);
	/* The guest connects and notifies: consumer 4 hears it. */
	{
		struct xsim_caller g1 = wh_caller(w, 1);
		uint32_t gport;

		assert_int_equal(xsim_evtchn_bind_interdomain(&g1, 0, port,
							      &gport), 0);
		assert_int_equal(f.n, 0);
		assert_int_equal(xsim_evtchn_send(&g1, gport), 0);
		assert_int_equal(f.n, 1);
		assert_int_equal(f.consumer, 4);
		assert_int_equal(f.port, port);
	}
	/* Closing forgets the consumer: a new port starts without one. */
	assert_int_equal(xsim_evtchn_close(&dom0, XSIM_DOMID_SELF, port), 0);
	assert_int_equal(xsim_evtchn_bind_ipi(&dom0, 0, &port), 0);
	assert_int_equal(xsim_evtchn_send(&dom0, port), 0);
	assert_int_equal(f.n, 1);
	done(w);
}

static void undelivered_without_a_hook(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0);
	const struct xsim_hooks none = { 0 };
	uint32_t local;

	(void)state;
	xsim_world_set_hooks(w, &none);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 1, &local), 0);
	assert_int_equal(xsim_evtchn_set_consumer(&dom0, local, 0), 0);
	/* Nobody to hand it to in this process: it stays pending. */
	assert_int_equal(xsim_evtchn_guest_pending(w, 0, local, false), 1);
	done(w);
}

/* ---- status, reset, teardown ---- */

static void status_permissions(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller g1 = wh_caller(w, 1), dom0 = wh_caller(w, 0);
	struct xsim_evtchn_status st;

	(void)state;
	assert_int_equal(xsim_evtchn_status(&g1, 9, 1, &st), -ESRCH);
	assert_int_equal(xsim_evtchn_status(&g1, 2, 9999, &st), -EINVAL);
	assert_int_equal(xsim_evtchn_status(&g1, 2, 1, &st), -EPERM);
	assert_int_equal(xsim_evtchn_status(&g1, XSIM_DOMID_SELF, 1, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(xsim_domain_set_target(&dom0, 1, 2), 0);
	assert_int_equal(xsim_evtchn_status(&g1, 2, 1, &st), 0);
	done(w);
}

static void reset_closes_every_port(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0), g1 = wh_caller(w, 1);
	struct xsim_caller g2 = wh_caller(w, 2);
	uint32_t local, port;

	(void)state;
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 1, 1, &local), 0);
	assert_int_equal(xsim_evtchn_bind_ipi(&g1, 0, &port), 0);
	assert_int_equal(xsim_evtchn_reset(&dom0, 9), -ESRCH);
	assert_int_equal(xsim_evtchn_reset(&g1, 2), -EPERM);
	/* Another domain only while paused by its controller. */
	assert_int_equal(xsim_domain_unpause(&dom0, 1), 0);
	assert_int_equal(xsim_evtchn_reset(&dom0, 1), -EINVAL);
	assert_int_equal(xsim_domain_pause(&dom0, 1), 0);
	assert_int_equal(xsim_evtchn_reset(&dom0, 1), 0);
	assert_int_equal(status_of(w, 1, 1, NULL), EVTCHNSTAT_closed);
	assert_int_equal(status_of(w, 1, port, NULL), EVTCHNSTAT_closed);
	assert_int_equal(status_of(w, 0, local, NULL), EVTCHNSTAT_unbound);
	/* A running domain may reset itself. */
	assert_int_equal(xsim_domain_unpause(&dom0, 2), 0);
	assert_int_equal(xsim_evtchn_reset(&g2, XSIM_DOMID_SELF), 0);
	assert_int_equal(status_of(w, 2, 1, NULL), EVTCHNSTAT_closed);
	done(w);
}

static void teardown_closes_and_frees(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0), g;
	struct xsim_evtchn_status st;
	uint32_t free_before, local, port, i;

	(void)state;
	new_domain(w, 9, 1000, 1);
	g = wh_caller(w, 9);
	/* dom0's first bucket is not the guest's to free. */
	assert_int_equal(xsim_evtchn_bind_ipi(&dom0, 0, &port), 0);
	free_before = w->sh->free_pages;
	for (i = 0; i < 300; i++)
		assert_int_equal(xsim_evtchn_bind_ipi(&g, 0, &port), 0);
	assert_int_equal(w->sh->free_pages, free_before - 2);
	assert_int_equal(xsim_evtchn_alloc_unbound(&g, XSIM_DOMID_SELF, 0,
						   &port), 0);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 9, port, &local),
			 0);
	assert_int_equal(xsim_domain_destroy(&dom0, 9), 0);
	assert_int_equal(w->sh->free_pages, free_before);
	/* Our end waits for a domain that is gone, as in Xen. */
	assert_int_equal(status_of(w, 0, local, &st), EVTCHNSTAT_unbound);
	assert_int_equal(st.remote_dom, 9);
	assert_int_equal(xsim_evtchn_send(&dom0, local), 0);
	/* A domain reusing the id starts with no ports (nor buckets). */
	new_domain(w, 9, 0, 1);
	assert_int_equal(status_of(w, 9, 1, NULL), EVTCHNSTAT_closed);
	assert_int_equal(xsim_evtchn_status(&dom0, 9, port, &st), -EINVAL);
	g = wh_caller(w, 9);
	assert_int_equal(xsim_evtchn_bind_ipi(&g, 0, &port), 0);
	assert_int_equal(port, 1);
	done(w);
}

/* ---- effects ---- */

struct eff_list {
	struct xsim_effect e[64];
	long n;
};

static void effects_since(struct xsim_world *w, uint64_t from,
			  struct eff_list *l)
{
	l->n = xsim_effect_read(w, from, l->e, 64);
	assert_true(l->n >= 0);
}

static void assert_effect(const struct xsim_effect *e, uint16_t domid,
			  uint32_t handle, unsigned kind, unsigned subop,
			  uint64_t detail)
{
	assert_int_equal(e->domid, domid);
	assert_int_equal(e->handle, handle);
	assert_int_equal(e->kind, kind);
	assert_int_equal(e->op, XSIM_OP_EVTCHN);
	assert_int_equal(e->subop, subop);
	assert_int_equal(e->detail, detail);
}

static void effects_name_the_other_end_and_the_handle(void **state)
{
	struct xsim_world *w = world();
	struct xsim_caller dom0 = wh_caller(w, 0), g1 = wh_caller(w, 1);
	struct xsim_evtchn_status st;
	struct eff_list l;
	uint32_t local, port;
	uint64_t seq;

	(void)state;
	dom0.handle = HANDLE;
	seq = xsim_effect_next(w);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 2, 1, &local), 0);
	assert_int_equal(xsim_evtchn_send(&dom0, local), 0);
	assert_int_equal(xsim_evtchn_status(&dom0, 2, 1, &st), 0);
	/* Our own ports are no effect on anyone. */
	assert_int_equal(xsim_evtchn_status(&dom0, 0, local, &st), 0);
	assert_int_equal(xsim_evtchn_bind_ipi(&dom0, 0, &port), 0);
	assert_int_equal(xsim_evtchn_send(&dom0, port), 0);
	assert_int_equal(xsim_evtchn_close(&dom0, XSIM_DOMID_SELF, local), 0);
	effects_since(w, seq, &l);
	assert_int_equal(l.n, 4);
	/* The channel's records name our end of it; status names theirs. */
	assert_effect(&l.e[0], 2, HANDLE, XSIM_EFF_WRITE,
		      EVTCHNOP_bind_interdomain, local);
	assert_effect(&l.e[1], 2, HANDLE, XSIM_EFF_EVENT, EVTCHNOP_send,
		      local);
	assert_effect(&l.e[2], 2, HANDLE, XSIM_EFF_READ, EVTCHNOP_status, 1);
	assert_effect(&l.e[3], 2, HANDLE, XSIM_EFF_WRITE, EVTCHNOP_close,
		      local);

	/* An unbound port names the domain it is offered to. */
	seq = xsim_effect_next(w);
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, XSIM_DOMID_SELF, 3,
						   &port), 0);
	assert_int_equal(xsim_evtchn_close(&dom0, XSIM_DOMID_SELF, port), 0);
	/* Allocating in another domain names it (and its remote). */
	assert_int_equal(xsim_evtchn_alloc_unbound(&dom0, 1, 0, &port), 0);
	effects_since(w, seq, &l);
	assert_int_equal(l.n, 3);
	assert_effect(&l.e[0], 3, HANDLE, XSIM_EFF_WRITE,
		      EVTCHNOP_alloc_unbound, local);
	assert_effect(&l.e[1], 3, HANDLE, XSIM_EFF_WRITE, EVTCHNOP_close,
		      local);
	assert_effect(&l.e[2], 1, HANDLE, XSIM_EFF_WRITE,
		      EVTCHNOP_alloc_unbound, 2);

	/* The guest's side is logged without a handle. */
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 2, 1, &local), 0);
	seq = xsim_effect_next(w);
	assert_int_equal(xsim_evtchn_guest_send(w, 2, 1), 0);
	effects_since(w, seq, &l);
	assert_int_equal(l.n, 1);
	assert_effect(&l.e[0], 0, XSIM_EFF_NO_HANDLE, XSIM_EFF_EVENT,
		      EVTCHNOP_send, local);
	/* Refusals leave no trace. */
	seq = xsim_effect_next(w);
	assert_int_equal(xsim_evtchn_bind_interdomain(&dom0, 3, 7, &port),
			 -EINVAL);
	assert_int_equal(xsim_evtchn_alloc_unbound(&g1, 3, 0, &port), -EPERM);
	assert_int_equal(wh_effects_on(w, seq, 3), 0);
	done(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ports_start_at_one_lowest_free_first),
		cmocka_unit_test(max_evtchn_port_is_the_last_port),
		cmocka_unit_test(dom0_has_the_whole_2l_space),
		cmocka_unit_test(alloc_unbound_rules),
		cmocka_unit_test(bind_interdomain_connects_both_ends),
		cmocka_unit_test(bind_interdomain_errors),
		cmocka_unit_test(loopback_through_domid_self),
		cmocka_unit_test(bind_virq_rules),
		cmocka_unit_test(bind_ipi_signals_itself),
		cmocka_unit_test(close_reverts_the_peer_to_unbound),
		cmocka_unit_test(close_errors),
		cmocka_unit_test(send_by_port_state),
		cmocka_unit_test(consumer_gets_one_delivery_until_unmasked),
		cmocka_unit_test(set_consumer_rules),
		cmocka_unit_test(undelivered_without_a_hook),
		cmocka_unit_test(status_permissions),
		cmocka_unit_test(reset_closes_every_port),
		cmocka_unit_test(teardown_closes_and_frees),
		cmocka_unit_test(effects_name_the_other_end_and_the_handle),
	};

	return cmocka_run_group_tests_name("evtchn", tests, NULL, NULL);
}
