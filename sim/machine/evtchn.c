/* SPDX-License-Identifier: MIT */
/*
 * Event channels, 2-level ABI (Xen 4.17 xen/common/event_channel.c and
 * event_2l.c): per-domain ports in buckets of metadata pages, allocated
 * lowest-first on demand; pending and mask bits per port; delivery to a
 * consumer (a device handle of the simulated kernel) through the world's
 * port_fired hook.
 *
 * Effects: an operation records one XSIM_OP_EVTCHN effect, subop the
 * EVTCHNOP_* number, for every domain at either end of a channel it
 * changed (WRITE), signalled (EVENT) or read (READ), except the calling
 * domain itself: a domain's own ports are its own business, and counting
 * them would make every bind look like a reach outside a restricted
 * handle's target.  For an unbound port the "other end" is the domain it
 * is offered to.
 *
 * detail: the port through which the operation reached that domain.  An
 * operation on a port of the caller's domain (offer, bind, send, close)
 * names that port, the channel as the calling handle holds it, in the
 * record of the domain at its other end; an operation aimed at a port of
 * another domain itself (alloc_unbound or close in that domain, status)
 * names the port there.  So every record a channel causes carries the
 * key its offer or bind carried, and a channel a handle held before its
 * restriction is recognised when it is used or released after
 * (sim/machine/escape.c, carriable), whoever bound its other end since.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/event_channel.h>

#include <xensim/machine.h>

#include "layout.h"

#define NR_PORTS	XSIM_EVTCHN_2L_NR
#define PER_BUCKET	((uint32_t)XSIM_PORTS_PER_BUCKET)

_Static_assert(XSIM_PORT_BUCKETS * XSIM_PORTS_PER_BUCKET == NR_PORTS,
	       "buckets must cover the 2-level port space exactly");

/* ---- ports and buckets ---- */

static void port_reset(struct xsim_port *p, uint32_t port)
{
	memset(p, 0, sizeof(*p));
	p->state = port ? XSIM_ECS_FREE : XSIM_ECS_RESERVED;
	p->consumer = XSIM_NO_CONSUMER;
}

/* The port's slot, or NULL while its bucket was never needed (free). */
static struct xsim_port *port_slot(const struct xsim_world *w,
				   const struct xsim_domain *d, uint32_t port)
{
	uint32_t page;

	if (port >= NR_PORTS)
		return NULL;
	page = d->evtchn_bucket[port / PER_BUCKET];
	if (page == XSIM_NO_PAGE)
		return NULL;
	return (struct xsim_port *)xsim_page_va(w, page) + port % PER_BUCKET;
}

/*
 * Xen's port_is_valid(): below the buckets allocated so far.  Xen
 * allocates bucket 0 when it creates the domain (evtchn_init, port 0
 * reserved); here it comes on first use, so it always counts.
 */
static bool port_valid(const struct xsim_domain *d, uint32_t port)
{
	if (port >= NR_PORTS)
		return false;
	return port < PER_BUCKET ||
	       d->evtchn_bucket[port / PER_BUCKET] != XSIM_NO_PAGE;
}

static uint8_t port_state(const struct xsim_world *w,
			  const struct xsim_domain *d, uint32_t port)
{
	const struct xsim_port *p = port_slot(w, d, port);

	if (p)
		return p->state;
	return port ? XSIM_ECS_FREE : XSIM_ECS_RESERVED;
}

/* Allocate buckets 0..b that are missing (Xen keeps them contiguous). */
static int bucket_ensure(struct xsim_world *w, struct xsim_domain *d,
			 uint32_t b)
{
	uint32_t i, j;

	for (i = 0; i <= b; i++) {
		struct xsim_port *ports;
		uint32_t page;

		if (d->evtchn_bucket[i] != XSIM_NO_PAGE)
			continue;
		page = xsim_page_alloc(w, XSIM_DOMID_XEN, XSIM_PAGE_META);
		if (page == XSIM_NO_PAGE)
			return -ENOMEM;
		ports = xsim_page_va(w, page);
		for (j = 0; j < PER_BUCKET; j++)
			port_reset(&ports[j], i * PER_BUCKET + j);
		d->evtchn_bucket[i] = page;
	}
	return 0;
}

/* Xen's get_free_port(): lowest free port from 1 up to max_evtchn_port. */
static int port_alloc(struct xsim_world *w, struct xsim_domain *d)
{
	uint32_t port;

	if (d->flags & XSIM_DOM_DYING)
		return -EINVAL;
	/* Failure point (fail.h): 4.17 get_free_port's -ENOSPC. */
	if (xsim_fail(XSIM_FAIL_PORT))
		return -ENOSPC;
	for (port = 1; port <= d->max_evtchn_port && port < NR_PORTS; port++) {
		struct xsim_port *p = port_slot(w, d, port);

		if (!p) {
			int rc = bucket_ensure(w, d, port / PER_BUCKET);

			if (rc)
				return rc;
			p = port_slot(w, d, port);
		}
		if (p->state == XSIM_ECS_FREE)
			return (int)port;
	}
	return -ENOSPC;
}

/* ---- callers, permissions, effects ---- */

static bool privileged(const struct xsim_world *w, uint16_t domid)
{
	const struct xsim_domain *d = xsim_dom_get(w, domid);

	return d && (d->flags & XSIM_DOM_PRIVILEGED);
}

/*
 * The dummy XSM's XSM_TARGET (xen/include/xsm/dummy.h): the domain
 * itself, its device model (src->target), or the control domain.
 */
static bool may_target(const struct xsim_world *w, uint16_t src,
		       const struct xsim_domain *t)
{
	const struct xsim_domain *s = xsim_dom_get(w, src);

	if (src == t->domid)
		return true;
	return s && (s->target == t->domid ||
		     (s->flags & XSIM_DOM_PRIVILEGED));
}

static struct xsim_domain *caller_domain(const struct xsim_caller *c)
{
	return xsim_dom_get(c->w, c->domid);
}

/* rcu_lock_domain_by_any_id(): DOMID_SELF is the caller. */
static struct xsim_domain *any_domain(const struct xsim_caller *c,
				      uint32_t domid)
{
	uint16_t id;

	if (xsim_domain_resolve(c, domid, &id))
		return NULL;
	return xsim_dom_get(c->w, id);
}

static void effect(const struct xsim_caller *c, uint32_t domid,
		   enum xsim_effect_kind kind, uint32_t subop, uint32_t port)
{
	if (domid == c->domid)
		return;
	xsim_effect_add(c->w, c->handle, (uint16_t)domid, kind,
			XSIM_OP_EVTCHN, subop, port);
}

/* Xen itself acting (VIRQs): every domain touched is recorded. */
static struct xsim_caller xen_caller(struct xsim_world *w)
{
	struct xsim_caller c = {
		.w = w, .domid = XSIM_DOMID_XEN, .handle = XSIM_EFF_NO_HANDLE,
	};
	return c;
}

/* ---- pending, mask, delivery (event_2l.c) ---- */

/*
 * A pending, unmasked port with a consumer is delivered at once.  The
 * consumer is the simulated kernel's handler; its ack masks the port and
 * clears pending before the handler runs (Linux lateeoi_ack_dynirq), and
 * the handler's user unmasks it later (xsim_evtchn_unmask).  Without a
 * hook in this process nothing is delivered: the event stays pending.
 */
static void deliver(struct xsim_world *w, uint32_t port, struct xsim_port *p)
{
	if (!p->pending || p->masked || p->consumer == XSIM_NO_CONSUMER ||
	    !w->hooks.port_fired)
		return;
	p->masked = 1;
	p->pending = 0;
	w->hooks.port_fired(w, p->consumer, port, w->hooks.arg);
}

/* evtchn_2l_set_pending(): an already pending port raises nothing new. */
static void set_pending(struct xsim_world *w, uint32_t port,
			struct xsim_port *p)
{
	if (p->pending)
		return;
	p->pending = 1;
	deliver(w, port, p);
}

/* ---- close (evtchn_close) ---- */

static int close_port(const struct xsim_caller *c, struct xsim_domain *d,
		      uint32_t port)
{
	struct xsim_world *w = c->w;
	struct xsim_port *p;

	if (!port_valid(d, port))
		return -EINVAL;
	p = port_slot(w, d, port);
	if (!p || p->state == XSIM_ECS_FREE || p->state == XSIM_ECS_RESERVED)
		return -EINVAL;

	if (p->state == XSIM_ECS_UNBOUND && p->remote_dom != d->domid) {
		effect(c, p->remote_dom, XSIM_EFF_WRITE, EVTCHNOP_close, port);
	} else if (p->state == XSIM_ECS_INTERDOMAIN) {
		/* The peer goes back to unbound, offered to us again. */
		struct xsim_domain *rd = xsim_dom_get(w, p->remote_dom);
		struct xsim_port *rp = rd ? port_slot(w, rd, p->remote_port) :
					    NULL;

		if (rp && rp->state == XSIM_ECS_INTERDOMAIN) {
			rp->state = XSIM_ECS_UNBOUND;
			rp->remote_dom = d->domid;
			rp->remote_port = 0;
			if (rd != d)
				effect(c, rd->domid, XSIM_EFF_WRITE,
				       EVTCHNOP_close, port);
		}
	}
	effect(c, d->domid, XSIM_EFF_WRITE, EVTCHNOP_close, port);
	/* evtchn_free(): pending cleared, vcpu back to 0, consumer gone. */
	port_reset(p, port);
	return 0;
}

/* ---- the hypercall operations ---- */

int xsim_evtchn_alloc_unbound(const struct xsim_caller *c, uint32_t dom,
			      uint32_t remote_dom, uint32_t *port)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *d;
	struct xsim_port *p;
	int rc;

	d = any_domain(c, dom);
	if (!d)
		return -ESRCH;
	/* Xen's struct carries a domid_t: wider values cannot reach it. */
	if (remote_dom > 0xFFFFu)
		return -EINVAL;
	rc = port_alloc(w, d);
	if (rc < 0)
		return rc;
	/* xsm_evtchn_unbound(XSM_TARGET, ...) comes after the allocation. */
	if (!may_target(w, c->domid, d))
		return -EPERM;
	p = port_slot(w, d, (uint32_t)rc);
	p->state = XSIM_ECS_UNBOUND;
	/* Xen checks neither that the remote exists nor who it is. */
	p->remote_dom = remote_dom == XSIM_DOMID_SELF ? c->domid :
						       (uint16_t)remote_dom;
	effect(c, d->domid, XSIM_EFF_WRITE, EVTCHNOP_alloc_unbound,
	       (uint32_t)rc);
	if (p->remote_dom != d->domid)
		effect(c, p->remote_dom, XSIM_EFF_WRITE,
		       EVTCHNOP_alloc_unbound, (uint32_t)rc);
	*port = (uint32_t)rc;
	return 0;
}

int xsim_evtchn_bind_interdomain(const struct xsim_caller *c,
				 uint32_t remote_dom, uint32_t remote_port,
				 uint32_t *local_port)
{
	struct xsim_world *w = c->w;
	struct xsim_domain *ld = caller_domain(c), *rd;
	struct xsim_port *lp, *rp;
	uint32_t lport;
	int rc;

	rd = any_domain(c, remote_dom);
	if (!ld || !rd)
		return -ESRCH;
	/* Xen allocates the local port before it looks at the remote one. */
	rc = port_alloc(w, ld);
	if (rc < 0)
		return rc;
	lport = (uint32_t)rc;
	rp = port_valid(rd, remote_port) ? port_slot(w, rd, remote_port) :
					   NULL;
	if (!rp || rp->state != XSIM_ECS_UNBOUND ||
	    rp->remote_dom != ld->domid)
		return -EINVAL;

	lp = port_slot(w, ld, lport);
	lp->state = XSIM_ECS_INTERDOMAIN;
	lp->remote_dom = rd->domid;
	lp->remote_port = remote_port;
	rp->state = XSIM_ECS_INTERDOMAIN;
	rp->remote_dom = ld->domid;
	rp->remote_port = lport;
	effect(c, rd->domid, XSIM_EFF_WRITE, EVTCHNOP_bind_interdomain, lport);
	effect(c, ld->domid, XSIM_EFF_WRITE, EVTCHNOP_bind_interdomain, lport);
	/*
	 * "EVTCHNOP_bind_interdomain always sets the local event channel
	 * pending" (public/event_channel.h): a notification the peer sent
	 * while the port was unbound is not lost.
	 */
	set_pending(w, lport, lp);
	*local_port = lport;
	return 0;
}

/* Per vcpu: TIMER, DEBUG, XENOPROF, XENPMU; the rest (x86 arch too) global. */
static bool virq_is_global(uint32_t virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG &&
	       virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

/* The port bound to virq (on vcpu, for a per-vcpu one), or 0. */
static uint32_t virq_port(const struct xsim_world *w,
			  const struct xsim_domain *d, uint32_t virq,
			  uint32_t vcpu)
{
	uint32_t b, i;

	/* Only the buckets allocated so far: a small domain has one. */
	for (b = 0; b < XSIM_PORT_BUCKETS; b++) {
		const struct xsim_port *p;

		if (d->evtchn_bucket[b] == XSIM_NO_PAGE)
			continue;
		p = xsim_page_va(w, d->evtchn_bucket[b]);
		for (i = 0; i < PER_BUCKET; i++)
			if (p[i].state == XSIM_ECS_VIRQ && p[i].virq == virq &&
			    (virq_is_global(virq) || p[i].vcpu == vcpu))
				return b * PER_BUCKET + i;
	}
	return 0;
}

int xsim_evtchn_bind_virq(const struct xsim_caller *c, uint32_t virq,
			  uint32_t vcpu, uint32_t *port)
{
	struct xsim_domain *d = caller_domain(c);
	struct xsim_port *p;
	int rc;

	if (!d)
		return -ESRCH;
	if (virq >= NR_VIRQS)
		return -EINVAL;
	if (virq_is_global(virq) && vcpu != 0)
		return -EINVAL;
	if (vcpu >= d->max_vcpus)
		return -ENOENT;
	if (virq_port(c->w, d, virq, vcpu))
		return -EEXIST;
	rc = port_alloc(c->w, d);
	if (rc < 0)
		return rc;
	p = port_slot(c->w, d, (uint32_t)rc);
	p->state = XSIM_ECS_VIRQ;
	p->vcpu = (uint8_t)vcpu;
	p->virq = (uint16_t)virq;
	*port = (uint32_t)rc;
	return 0;
}

int xsim_evtchn_bind_ipi(const struct xsim_caller *c, uint32_t vcpu,
			 uint32_t *port)
{
	struct xsim_domain *d = caller_domain(c);
	struct xsim_port *p;
	int rc;

	if (!d)
		return -ESRCH;
	if (vcpu >= d->max_vcpus)
		return -ENOENT;
	rc = port_alloc(c->w, d);
	if (rc < 0)
		return rc;
	p = port_slot(c->w, d, (uint32_t)rc);
	p->state = XSIM_ECS_IPI;
	p->vcpu = (uint8_t)vcpu;
	*port = (uint32_t)rc;
	return 0;
}

int xsim_evtchn_close(const struct xsim_caller *c, uint32_t dom, uint32_t port)
{
	struct xsim_domain *d = any_domain(c, dom);

	if (!d)
		return -ESRCH;
	if (d->domid != c->domid && !privileged(c->w, c->domid))
		return -EPERM;
	return close_port(c, d, port);
}

/* evtchn_send() from domain d's port. */
static int send_from(const struct xsim_caller *c, struct xsim_domain *d,
		     uint32_t port)
{
	struct xsim_world *w = c->w;
	struct xsim_port *p, *rp;
	struct xsim_domain *rd;

	if (!port_valid(d, port))
		return -EINVAL;
	switch (port_state(w, d, port)) {
	case XSIM_ECS_INTERDOMAIN:
		p = port_slot(w, d, port);
		rd = xsim_dom_get(w, p->remote_dom);
		rp = rd ? port_slot(w, rd, p->remote_port) : NULL;
		if (!rp)
			return -EINVAL;
		effect(c, rd->domid, XSIM_EFF_EVENT, EVTCHNOP_send, port);
		set_pending(w, p->remote_port, rp);
		return 0;
	case XSIM_ECS_IPI:
		effect(c, d->domid, XSIM_EFF_EVENT, EVTCHNOP_send, port);
		set_pending(w, port, port_slot(w, d, port));
		return 0;
	case XSIM_ECS_UNBOUND:
		return 0;	/* "silently drop the notification" */
	default:
		return -EINVAL;
	}
}

int xsim_evtchn_send(const struct xsim_caller *c, uint32_t port)
{
	struct xsim_domain *d = caller_domain(c);

	return d ? send_from(c, d, port) : -ESRCH;
}

int xsim_evtchn_status(const struct xsim_caller *c, uint32_t dom,
		       uint32_t port, struct xsim_evtchn_status *st)
{
	static const uint32_t stat[] = {
		[XSIM_ECS_FREE] = EVTCHNSTAT_closed,
		[XSIM_ECS_UNBOUND] = EVTCHNSTAT_unbound,
		[XSIM_ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
		[XSIM_ECS_PIRQ] = EVTCHNSTAT_pirq,
		[XSIM_ECS_VIRQ] = EVTCHNSTAT_virq,
		[XSIM_ECS_IPI] = EVTCHNSTAT_ipi,
		[XSIM_ECS_RESERVED] = EVTCHNSTAT_closed,
	};
	struct xsim_domain *d = any_domain(c, dom);
	const struct xsim_port *p;

	if (!d)
		return -ESRCH;
	if (!port_valid(d, port))
		return -EINVAL;
	if (!may_target(c->w, c->domid, d))
		return -EPERM;
	memset(st, 0, sizeof(*st));
	st->status = stat[port_state(c->w, d, port)];
	p = port_slot(c->w, d, port);
	if (p) {
		st->vcpu = p->vcpu;
		if (p->state == XSIM_ECS_UNBOUND ||
		    p->state == XSIM_ECS_INTERDOMAIN)
			st->remote_dom = p->remote_dom;
		if (p->state == XSIM_ECS_INTERDOMAIN)
			st->remote_port = p->remote_port;
		if (p->state == XSIM_ECS_VIRQ)
			st->virq = p->virq;
	}
	effect(c, d->domid, XSIM_EFF_READ, EVTCHNOP_status, port);
	return 0;
}

/* evtchn_2l_unmask(): clearing the mask of a pending port raises it. */
int xsim_evtchn_unmask(const struct xsim_caller *c, uint32_t port)
{
	struct xsim_domain *d = caller_domain(c);
	struct xsim_port *p;

	if (!d)
		return -ESRCH;
	if (!port_valid(d, port))
		return -EINVAL;
	p = port_slot(c->w, d, port);
	if (p && p->masked) {
		p->masked = 0;
		deliver(c->w, port, p);
	}
	return 0;
}

static void close_all(const struct xsim_caller *c, struct xsim_domain *d)
{
	uint32_t port;

	for (port = 1; port < NR_PORTS; port++) {
		uint8_t s = port_state(c->w, d, port);

		if (s != XSIM_ECS_FREE && s != XSIM_ECS_RESERVED)
			close_port(c, d, port);
	}
}

int xsim_evtchn_reset(const struct xsim_caller *c, uint32_t dom)
{
	struct xsim_domain *d = any_domain(c, dom);

	if (!d)
		return -ESRCH;
	if (!may_target(c->w, c->domid, d))
		return -EPERM;
	/* evtchn_reset(): another domain only while its controller paused it */
	if (d->domid != c->domid && !d->pause_count)
		return -EINVAL;
	effect(c, d->domid, XSIM_EFF_WRITE, EVTCHNOP_reset, 0);
	close_all(c, d);
	return 0;
}

int xsim_evtchn_set_consumer(const struct xsim_caller *c, uint32_t port,
			     uint32_t consumer)
{
	struct xsim_domain *d = caller_domain(c);
	struct xsim_port *p;

	if (!d)
		return -ESRCH;
	p = port_slot(c->w, d, port);
	if (!p || p->state == XSIM_ECS_FREE || p->state == XSIM_ECS_RESERVED)
		return -EINVAL;
	if (consumer != XSIM_NO_CONSUMER && p->consumer != XSIM_NO_CONSUMER &&
	    p->consumer != consumer)
		return -EBUSY;
	p->consumer = consumer;
	/* Like the irq startup unmask: a pending event is delivered now. */
	deliver(c->w, port, p);
	return 0;
}

/* ---- the guest's side ---- */

int xsim_evtchn_guest_send(struct xsim_world *w, uint32_t domid,
			   uint32_t port)
{
	struct xsim_caller c = { .w = w, .domid = (uint16_t)domid,
				 .handle = XSIM_EFF_NO_HANDLE };
	struct xsim_domain *d = xsim_dom_get(w, domid);

	return d ? send_from(&c, d, port) : -ESRCH;
}

int xsim_evtchn_guest_pending(struct xsim_world *w, uint32_t domid,
			      uint32_t port, bool clear)
{
	struct xsim_domain *d = xsim_dom_get(w, domid);
	struct xsim_port *p;
	int pending;

	if (!d)
		return -ESRCH;
	if (!port_valid(d, port))
		return -EINVAL;
	p = port_slot(w, d, port);
	pending = p ? p->pending : 0;
	if (p && clear)
		p->pending = 0;
	return pending;
}

/* send_guest_{global,vcpu}_virq(): how many ports were raised. */
int xsim_evtchn_raise_virq(struct xsim_world *w, uint32_t domid,
			   uint32_t virq)
{
	struct xsim_caller xen = xen_caller(w);
	struct xsim_domain *d = xsim_dom_get(w, domid);
	uint32_t port;
	int n = 0;

	if (!d)
		return -ESRCH;
	if (virq >= NR_VIRQS)
		return -EINVAL;
	for (port = 1; port < NR_PORTS; port++) {
		struct xsim_port *p = port_slot(w, d, port);

		if (!p || p->state != XSIM_ECS_VIRQ || p->virq != virq)
			continue;
		effect(&xen, domid, XSIM_EFF_EVENT, EVTCHNOP_send, port);
		set_pending(w, port, p);
		n++;
	}
	return n;
}

/*
 * evtchn_destroy(): close everything (peers revert to unbound), free the
 * buckets.  Recorded as the dying domain acting on its own ports, so
 * only the peers appear in the log (the destroy itself is logged by the
 * caller).
 */
void xsim_evtchn_teardown(struct xsim_world *w, struct xsim_domain *d)
{
	struct xsim_caller self = { .w = w, .domid = d->domid,
				    .handle = XSIM_EFF_NO_HANDLE };
	uint32_t b;

	close_all(&self, d);
	for (b = 0; b < XSIM_PORT_BUCKETS; b++) {
		xsim_page_free(w, d->evtchn_bucket[b]);
		d->evtchn_bucket[b] = XSIM_NO_PAGE;
	}
}
