/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/evtchn as Linux 6.1 implements it (drivers/xen/evtchn.c), on
 * the simulated event channels, with the reference restrict.
 *
 * A handle owns two metadata pages: the ring of fired ports read() hands
 * out (Linux: u->ring, grown with the number of bound ports) and one
 * flag byte per port (Linux: the per-user rbtree of struct user_evtchn).
 * Both are taken at the first bind, as Linux allocates u->ring in
 * evtchn_resize_ring() and each user_evtchn in evtchn_bind_to_user(),
 * not in evtchn_open(): a handle that never binds a port (most of what
 * the fuzzers open) zeroes no page.
 * Ports bound through a handle are ports of the opener's domain whose
 * consumer is the handle's slot; the machine calls
 * xsim_evtchn_dev_port_fired when one fires, having masked it (the irq
 * ack), and write() unmasks it again (xen_irq_lateeoi).
 *
 * Every ioctl is audited through the profile: xsim_audit_rule before the
 * argument is copied, then again on the copy with the target domain it
 * names; the machine only ever sees that copy.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>


#include <xensim/uapi.h>

#include "devpriv.h"
#include "planted.h"

/* xen_evtchn_nr_channels() for the 2-level ABI. */
#define NR_PORTS	XSIM_EVTCHN_2L_NR
/* evtchn_resize_ring()'s first size. */
#define RING_MIN	64u

/* Per-port flags (struct user_evtchn). */
enum {
	PORT_BOUND = 1u << 0,
	PORT_ENABLED = 1u << 1,	/* not fired since the last write() */
	PORT_STATIC = 1u << 2,	/* BIND_STATIC: not closed on unbind */
};

_Static_assert(NR_PORTS <= XSIM_PAGE_SIZE, "one flag byte per port");

static uint32_t *ring_of(struct xsim_world *w,
			 const struct xsim_evtchn_state *st)
{
	return xsim_page_va(w, st->ring_page);
}

static uint8_t *flags_of(struct xsim_world *w,
			 const struct xsim_evtchn_state *st)
{
	return xsim_page_va(w, st->ports_page);
}

static bool bound_here(struct xsim_world *w,
		       const struct xsim_evtchn_state *st, uint32_t port)
{
	return port < NR_PORTS && st->ports_page != XSIM_NO_PAGE &&
	       (flags_of(w, st)[port] & PORT_BOUND);
}

/*
 * evtchn_resize_ring(): one free slot per bound port.  Doubling keeps
 * every queued entry findable under the new mask when the old contents
 * are repeated in the upper half.  Linux grows without limit; here the
 * ring is one page, so past XSIM_EVTCHN_RING_SIZE bound ports it stays
 * full size and can overflow where Linux would not.  The first bind
 * takes the page (Linux: kvmalloc_array, -ENOMEM when it fails).
 */
static int ring_grow(struct xsim_world *w, struct xsim_evtchn_state *st)
{
	uint32_t *ring;

	if (st->nr_bound <= st->ring_size ||
	    st->ring_size >= XSIM_EVTCHN_RING_SIZE)
		return 0;
	if (!st->ring_size) {
		if (st->ring_page == XSIM_NO_PAGE)
			st->ring_page = xsim_page_alloc(w, XSIM_DOMID_XEN,
							XSIM_PAGE_META);
		if (st->ring_page == XSIM_NO_PAGE)
			return -ENOMEM;
		st->ring_size = RING_MIN;
		return 0;
	}
	ring = ring_of(w, st);
	memcpy(ring + st->ring_size, ring, st->ring_size * sizeof(*ring));
	st->ring_size *= 2;
	return 0;
}

/* evtchn_bind_to_user(): route the port here, starting enabled. */
static long bind_to_user(struct xsim_world *w, struct xsim_file f,
			 struct xsim_handle *h, uint32_t port, bool is_static)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct xsim_evtchn_state *st = &h->u.evtchn;
	uint8_t *flags;
	int rc;

	if (port >= NR_PORTS)
		return -EINVAL;
	/* The kzalloc of the user_evtchn: -ENOMEM, the port left open. */
	if (st->ports_page == XSIM_NO_PAGE) {
		st->ports_page = xsim_page_alloc(w, XSIM_DOMID_XEN,
						 XSIM_PAGE_META);
		if (st->ports_page == XSIM_NO_PAGE)
			return -ENOMEM;
	}
	flags = flags_of(w, st);
	flags[port] = PORT_BOUND | PORT_ENABLED | (is_static ? PORT_STATIC : 0);
	st->nr_bound++;
	rc = ring_grow(w, st);
	/* May deliver at once: bind_interdomain leaves the port pending. */
	if (!rc)
		rc = xsim_evtchn_set_consumer(&c, port, f.slot);
	if (rc) {
		flags[port] = 0;
		st->nr_bound--;
		/* "bind failed, should close the port now" */
		if (!is_static)
			xsim_evtchn_close(&c, XSIM_DOMID_SELF, port);
	}
	return rc;
}

/*
 * evtchn_unbind_from_user(): the irq goes, and with it the port
 * (__unbind_from_irq closes it in Xen unless it is static).  Errors are
 * ignored as Linux does: the port may already be closed.
 */
static void unbind_from_user(struct xsim_world *w, struct xsim_file f,
			     struct xsim_handle *h, uint32_t port)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct xsim_evtchn_state *st = &h->u.evtchn;
	uint8_t *flags = flags_of(w, st);
	bool is_static = flags[port] & PORT_STATIC;

	flags[port] = 0;
	st->nr_bound--;
	xsim_evtchn_set_consumer(&c, port, XSIM_NO_CONSUMER);
	if (!is_static)
		xsim_evtchn_close(&c, XSIM_DOMID_SELF, port);
}

static int evtchn_open(struct xsim_world *w, struct xsim_file f,
		       struct xsim_handle *h)
{
	struct xsim_evtchn_state *st = &h->u.evtchn;

	(void)w;
	(void)f;
	memset(st, 0, sizeof(*st));
	/* The first bind takes them (bind_to_user, ring_grow). */
	st->ring_page = st->ports_page = XSIM_NO_PAGE;
	return 0;
}

/* evtchn_release(): unbind (and close) every port, free the ring. */
static void evtchn_release(struct xsim_world *w, struct xsim_file f,
			   struct xsim_handle *h)
{
	struct xsim_evtchn_state *st = &h->u.evtchn;
	uint32_t port;

	for (port = 0; port < NR_PORTS && st->nr_bound; port++)
		if (bound_here(w, st, port))
			unbind_from_user(w, f, h, port);
	xsim_page_free(w, st->ring_page);
	xsim_page_free(w, st->ports_page);
	st->ring_page = st->ports_page = XSIM_NO_PAGE;
}

/* ---- ioctls ---- */

static long audit(struct xsim_world *w, const struct xsim_handle *h,
		  enum xsim_op op, uint32_t target, enum xsim_when when)
{
	return xsim_audit_rule(xsim_world_profile(w), op, &h->rs, target,
			       when);
}

/*
 * The first half every ioctl shares: the audit before the copy (which
 * also answers for an op the profile lacks), then the one copy.  The
 * caller audits the copy with the target it names.
 */
static long audited_copy(struct xsim_world *w, const struct xsim_handle *h,
			 enum xsim_op op, const struct xsim_uaccess *ua,
			 uint64_t arg, void *buf, size_t len)
{
	long rc = audit(w, h, op, XSIM_NO_TARGET, XSIM_BEFORE_COPY);

	if (rc)
		return rc;
	return xsim_copy_in(ua, buf, arg, len);
}

static long ioctl_bind_virq(struct xsim_world *w, struct xsim_file f,
			    struct xsim_handle *h, uint64_t arg,
			    const struct xsim_uaccess *ua)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct ioctl_evtchn_bind_virq bind;
	uint32_t port;
	long rc;

	rc = audited_copy(w, h, XSIM_OP_EVTCHN_BIND_VIRQ, ua, arg, &bind,
			  sizeof(bind));
	if (!rc)
		rc = audit(w, h, XSIM_OP_EVTCHN_BIND_VIRQ, XSIM_NO_TARGET,
			   XSIM_AFTER_COPY);
	if (rc)
		return rc;
	/* Always on vcpu 0 (xen_vcpu_nr(0)). */
	rc = xsim_evtchn_bind_virq(&c, bind.virq, 0, &port);
	if (!rc)
		rc = bind_to_user(w, f, h, port, false);
	return rc ? rc : (long)port;
}

static long ioctl_bind_interdomain(struct xsim_world *w, struct xsim_file f,
				   struct xsim_handle *h, uint64_t arg,
				   const struct xsim_uaccess *ua)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct ioctl_evtchn_bind_interdomain bind;
	uint32_t port;
	long rc;

	rc = audited_copy(w, h, XSIM_OP_EVTCHN_BIND_INTERDOMAIN, ua, arg,
			  &bind, sizeof(bind));
	/*
	 * The whole unsigned int is the target: a remote_domain with high
	 * bits set never matches the 16-bit restricted domid, though Xen
	 * would see it truncated.
	 */
	if (!rc && !XSIM_PLANT("evtchn-interdomain"))
		rc = audit(w, h, XSIM_OP_EVTCHN_BIND_INTERDOMAIN,
			   bind.remote_domain, XSIM_AFTER_COPY);
	if (rc)
		return rc;
	rc = xsim_evtchn_bind_interdomain(&c, (domid_t)bind.remote_domain,
					  bind.remote_port, &port);
	if (!rc)
		rc = bind_to_user(w, f, h, port, false);
	return rc ? rc : (long)port;
}

static long ioctl_bind_unbound(struct xsim_world *w, struct xsim_file f,
			       struct xsim_handle *h, uint64_t arg,
			       const struct xsim_uaccess *ua)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct ioctl_evtchn_bind_unbound_port bind;
	uint32_t port;
	long rc;

	rc = audited_copy(w, h, XSIM_OP_EVTCHN_BIND_UNBOUND_PORT, ua, arg,
			  &bind, sizeof(bind));
	if (!rc)
		rc = audit(w, h, XSIM_OP_EVTCHN_BIND_UNBOUND_PORT,
			   bind.remote_domain, XSIM_AFTER_COPY);
	if (rc)
		return rc;
	rc = xsim_evtchn_alloc_unbound(&c, XSIM_DOMID_SELF,
				       (domid_t)bind.remote_domain, &port);
	if (!rc)
		rc = bind_to_user(w, f, h, port, false);
	return rc ? rc : (long)port;
}

static long ioctl_unbind(struct xsim_world *w, struct xsim_file f,
			 struct xsim_handle *h, uint64_t arg,
			 const struct xsim_uaccess *ua)
{
	struct ioctl_evtchn_unbind unbind;
	long rc;

	rc = audited_copy(w, h, XSIM_OP_EVTCHN_UNBIND, ua, arg, &unbind,
			  sizeof(unbind));
	if (!rc)
		rc = audit(w, h, XSIM_OP_EVTCHN_UNBIND, XSIM_NO_TARGET,
			   XSIM_AFTER_COPY);
	if (rc)
		return rc;
	if (unbind.port >= NR_PORTS)
		return -EINVAL;
	if (!bound_here(w, &h->u.evtchn, unbind.port))
		return -ENOTCONN;
	unbind_from_user(w, f, h, unbind.port);
	return 0;
}

static long ioctl_notify(struct xsim_world *w, struct xsim_file f,
			 struct xsim_handle *h, uint64_t arg,
			 const struct xsim_uaccess *ua)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct ioctl_evtchn_notify notify;
	long rc;

	rc = audited_copy(w, h, XSIM_OP_EVTCHN_NOTIFY, ua, arg, &notify,
			  sizeof(notify));
	if (!rc)
		rc = audit(w, h, XSIM_OP_EVTCHN_NOTIFY, XSIM_NO_TARGET,
			   XSIM_AFTER_COPY);
	if (rc)
		return rc;
	/* 6.1 has no range check here: an unknown port is just not ours. */
	if (!bound_here(w, &h->u.evtchn, notify.port))
		return -ENOTCONN;
	/* notify_remote_via_evtchn() ignores Xen's answer. */
	xsim_evtchn_send(&c, notify.port);
	return 0;
}

static long ioctl_reset(struct xsim_world *w, struct xsim_handle *h)
{
	struct xsim_evtchn_state *st = &h->u.evtchn;
	long rc;

	rc = audit(w, h, XSIM_OP_EVTCHN_RESET, XSIM_NO_TARGET,
		   XSIM_BEFORE_COPY);
	if (!rc)
		rc = audit(w, h, XSIM_OP_EVTCHN_RESET, XSIM_NO_TARGET,
			   XSIM_AFTER_COPY);
	if (rc)
		return rc;
	/* The ring only: bindings and the restriction stay. */
	st->ring_cons = st->ring_prod = 0;
	st->ring_overflow = 0;
	if (XSIM_PLANT("evtchn-reset"))
		h->rs.restricted = false;
	return 0;
}

static long ioctl_restrict(struct xsim_world *w, struct xsim_handle *h,
			   uint64_t arg, const struct xsim_uaccess *ua)
{
	struct ioctl_evtchn_restrict_domid ierd;
	long rc;

	/* Linux refuses a second restrict before it reads the argument. */
	rc = xsim_dev_do_restrict(w, h, XSIM_DEV_EVTCHN, 0, XSIM_BEFORE_COPY);
	if (!rc)
		rc = xsim_copy_in(ua, &ierd, arg, sizeof(ierd));
	if (!rc)
		rc = xsim_dev_do_restrict(w, h, XSIM_DEV_EVTCHN, ierd.domid,
					  XSIM_AFTER_COPY);
	return rc;
}

/* Newer than 6.1: bind a port that already exists (a static one). */
/* Xen 4.17 public/event_channel.h (its header clashes with uapi.h here). */
#define EVTCHNOP_status		5
#define EVTCHNSTAT_unbound	1
#define EVTCHNSTAT_interdomain	2

/*
 * A static port (Xen's dom0less static event channels) is bound with no
 * hypercall: nothing Xen does records the channel's other end.  Record
 * it here, a READ of the peer naming our port (as every record a channel
 * causes does, sim/machine/evtchn.c), so that the escape rule knows the
 * handle held this channel from before any restriction and its later
 * NOTIFY or release is the use of what it held (sim/machine/escape.c).
 */
static void note_static_peer(struct xsim_world *w, struct xsim_file f,
			     struct xsim_handle *h, uint32_t port)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct xsim_evtchn_status st;

	if (xsim_evtchn_status(&c, XSIM_DOMID_SELF, port, &st))
		return;
	if ((st.status != EVTCHNSTAT_interdomain &&
	     st.status != EVTCHNSTAT_unbound) || st.remote_dom == c.domid)
		return;
	xsim_effect_add(w, c.handle, (uint16_t)st.remote_dom, XSIM_EFF_READ,
			XSIM_OP_EVTCHN, EVTCHNOP_status, port);
}

static long ioctl_bind_static(struct xsim_world *w, struct xsim_file f,
			      struct xsim_handle *h, uint64_t arg,
			      const struct xsim_uaccess *ua)
{
	struct ioctl_evtchn_bind bind;
	long rc;

	rc = audited_copy(w, h, XSIM_OP_EVTCHN_BIND_STATIC, ua, arg, &bind,
			  sizeof(bind));
	if (!rc)
		rc = audit(w, h, XSIM_OP_EVTCHN_BIND_STATIC, XSIM_NO_TARGET,
			   XSIM_AFTER_COPY);
	if (rc)
		return rc;
	if (bound_here(w, &h->u.evtchn, bind.port))
		return -EISCONN;
	rc = bind_to_user(w, f, h, bind.port, true);
	if (!rc)
		note_static_peer(w, f, h, bind.port);
	/* One consumer per port here: bound through another handle too. */
	return rc == -EBUSY ? -EISCONN : rc;
}

static long evtchn_ioctl(struct xsim_world *w, struct xsim_file f,
			 struct xsim_handle *h, unsigned long cmd,
			 uint64_t arg, const struct xsim_uaccess *ua)
{
	switch (cmd) {
	case IOCTL_EVTCHN_BIND_VIRQ:
		return ioctl_bind_virq(w, f, h, arg, ua);
	case IOCTL_EVTCHN_BIND_INTERDOMAIN:
		return ioctl_bind_interdomain(w, f, h, arg, ua);
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
		return ioctl_bind_unbound(w, f, h, arg, ua);
	case IOCTL_EVTCHN_UNBIND:
		return ioctl_unbind(w, f, h, arg, ua);
	case IOCTL_EVTCHN_NOTIFY:
		return ioctl_notify(w, f, h, arg, ua);
	case IOCTL_EVTCHN_RESET:
		return ioctl_reset(w, h);
	case IOCTL_EVTCHN_RESTRICT_DOMID:
		return ioctl_restrict(w, h, arg, ua);
	case IOCTL_EVTCHN_BIND_STATIC:
		return ioctl_bind_static(w, f, h, arg, ua);
	default:
		return xsim_unknown_ioctl(w, XSIM_DEV_EVTCHN);
	}
}

/* ---- read, write, poll ---- */

/* evtchn_read(): whole ports, at most a page, in up to two chunks. */
static ssize_t evtchn_read(struct xsim_world *w, struct xsim_file f,
			   struct xsim_handle *h, uint64_t ubuf, size_t len,
			   const struct xsim_uaccess *ua)
{
	struct xsim_evtchn_state *st = &h->u.evtchn;
	const uint32_t *ring;
	uint32_t c = st->ring_cons, p = st->ring_prod, mask;
	size_t count = len & ~(sizeof(uint32_t) - 1), bytes1, bytes2;

	(void)f;
	if (!count)
		return 0;
	if (count > XSIM_PAGE_SIZE)
		count = XSIM_PAGE_SIZE;
	if (st->ring_overflow)
		return -EFBIG;
	if (c == p)
		return -EAGAIN;
	/* Something was queued: a port was bound, so the ring exists. */
	ring = ring_of(w, st);
	mask = st->ring_size - 1;
	if ((c ^ p) & st->ring_size) {
		bytes1 = (st->ring_size - (c & mask)) * sizeof(uint32_t);
		bytes2 = (p & mask) * sizeof(uint32_t);
	} else {
		bytes1 = (p - c) * sizeof(uint32_t);
		bytes2 = 0;
	}
	if (bytes1 > count) {
		bytes1 = count;
		bytes2 = 0;
	} else if (bytes1 + bytes2 > count) {
		bytes2 = count - bytes1;
	}
	if (xsim_copy_out(ua, ubuf, &ring[c & mask], bytes1) ||
	    xsim_copy_out(ua, ubuf + bytes1, &ring[0], bytes2))
		return -EFAULT;
	st->ring_cons = c + (uint32_t)((bytes1 + bytes2) / sizeof(uint32_t));
	return (ssize_t)(bytes1 + bytes2);
}

/* evtchn_write(): re-enable (unmask) fired ports bound here; skip others. */
static ssize_t evtchn_write(struct xsim_world *w, struct xsim_file f,
			    struct xsim_handle *h, uint64_t ubuf, size_t len,
			    const struct xsim_uaccess *ua)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct xsim_evtchn_state *st = &h->u.evtchn;
	uint32_t kbuf[XSIM_PAGE_SIZE / sizeof(uint32_t)];
	size_t count = len & ~(sizeof(uint32_t) - 1), i;
	uint8_t *flags;

	if (!count)
		return 0;
	if (count > XSIM_PAGE_SIZE)
		count = XSIM_PAGE_SIZE;
	if (xsim_copy_in(ua, kbuf, ubuf, count))
		return -EFAULT;
	/* No port bound yet: every one is skipped. */
	if (st->ports_page == XSIM_NO_PAGE)
		return (ssize_t)count;
	flags = flags_of(w, st);
	for (i = 0; i < count / sizeof(uint32_t); i++) {
		uint32_t port = kbuf[i];

		if (port >= NR_PORTS || !(flags[port] & PORT_BOUND) ||
		    (flags[port] & PORT_ENABLED))
			continue;
		flags[port] |= PORT_ENABLED;
		xsim_evtchn_unmask(&c, port);
	}
	return (ssize_t)count;
}

/*
 * evtchn_poll(): always writable, readable with ports queued; after an
 * overflow POLLERR alone.
 */
static unsigned evtchn_poll(struct xsim_world *w, struct xsim_file f,
			    struct xsim_handle *h)
{
	const struct xsim_evtchn_state *st = &h->u.evtchn;
	unsigned mask = POLLOUT | POLLWRNORM;

	(void)w;
	(void)f;
	if (st->ring_cons != st->ring_prod)
		mask |= POLLIN | POLLRDNORM;
	if (st->ring_overflow)
		mask = POLLERR;
	return mask;
}

/*
 * evtchn_interrupt(): the machine delivered `port` to handle slot
 * `consumer` (and masked it).  Queue it, disable it for this user until
 * write() brings it back, and wake readers when the ring was empty.
 */
void xsim_evtchn_dev_port_fired(struct xsim_world *w, uint32_t consumer,
				uint32_t port)
{
	struct xsim_evtchn_state *st;
	struct xsim_handle *h;
	uint32_t prod, cons;

	if (consumer >= w->sh->max_handles)
		return;
	h = xsim_handle_get(w, consumer);
	if (!h->in_use || h->dev != XSIM_DEV_EVTCHN)
		return;
	st = &h->u.evtchn;
	if (st->ports_page == XSIM_NO_PAGE || !bound_here(w, st, port))
		return;
	flags_of(w, st)[port] &= (uint8_t)~PORT_ENABLED;
	prod = st->ring_prod;
	cons = st->ring_cons;
	if (prod - cons < st->ring_size) {
		struct xsim_file f = { .slot = consumer, .gen = h->gen };

		ring_of(w, st)[prod & (st->ring_size - 1)] = port;
		st->ring_prod = prod + 1;
		if (cons == prod)
			xsim_dev_wake(w, f);
	} else {
		st->ring_overflow = 1;
	}
}

const struct xsim_dev_ops xsim_evtchn_ops = {
	.dev = XSIM_DEV_EVTCHN,
	.open = evtchn_open,
	.release = evtchn_release,
	.ioctl = evtchn_ioctl,
	.read = evtchn_read,
	.write = evtchn_write,
	.poll = evtchn_poll,
};
