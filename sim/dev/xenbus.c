/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/xenbus as Linux 6.1 implements it
 * (drivers/xen/xenbus/xenbus_dev_frontend.c): a process writes xenstore
 * requests (struct xsd_sockmsg + payload, xen/include/public/io/xs_wire.h)
 * and reads the replies, through the kernel's own connection to xenstore.
 * Here that xenstore is the one the world describes (sim/dev/xenstore.c):
 * the caller's "domid" and, when the world gives one, its "target".
 *
 * What is Linux's and kept as is: a request may come in pieces over
 * several write()s and is acted on once whole; a write that would
 * overflow the one-page request buffer is EINVAL and a header announcing
 * more than that E2BIG, both dropping what was buffered; bytes written
 * past a whole request are dropped with it; a request naming a
 * transaction this file did not start is answered ENOENT, and a
 * TRANSACTION_END whose argument is not "T" or "F" EINVAL, by the driver
 * itself; XS_WATCH / XS_UNWATCH are the driver's (a malformed one is
 * answered EINVAL; registering fails as xenstore refuses it, ENOSYS here;
 * an UNWATCH of nothing is "OK").  Replies queue in order, read() hands
 * out any number of their bytes, blocks (EAGAIN with O_NONBLOCK) while
 * none is queued, and poll() is POLLIN with replies queued, 0 otherwise.
 *
 * What differs: replies queue in a ring of XSIM_XENBUS_REPLY_PAGES pages,
 * not in kmalloc'd buffers; a request whose reply does not fit fails its
 * write() with ENOMEM (Linux's answer when queue_reply cannot allocate)
 * until the caller reads.  No ioctl (Linux has none: ENOTTY).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "devpriv.h"
#include "xenstore.h"

#define HDR	sizeof(struct xsim_xs_msg)
#define RING	(XSIM_XENBUS_REPLY_PAGES * XSIM_PAGE_SIZE)

_Static_assert(XSIM_XS_PAYLOAD_MAX <= XSIM_PAGE_SIZE,
	       "a request fits the request page (Linux: u->u.buffer)");
_Static_assert((RING & (RING - 1)) == 0, "the reply ring is a power of two");
_Static_assert(RING >= HDR + XSIM_XS_PAYLOAD_MAX, "a whole reply fits");

/* Byte pos of the reply ring: its address and the bytes left in its page. */
static char *ring_at(struct xsim_world *w, const struct xsim_xenbus_state *st,
		     uint32_t pos, uint32_t *contig)
{
	uint32_t off = pos & (RING - 1);

	*contig = XSIM_PAGE_SIZE - off % XSIM_PAGE_SIZE;
	return (char *)xsim_page_va(w, st->reply_page[off / XSIM_PAGE_SIZE]) +
	       off % XSIM_PAGE_SIZE;
}

static void ring_put(struct xsim_world *w, struct xsim_xenbus_state *st,
		     const void *src, uint32_t len)
{
	const char *s = src;
	uint32_t contig, n;

	while (len) {
		char *dst = ring_at(w, st, st->reply_prod, &contig);

		n = len < contig ? len : contig;
		memcpy(dst, s, n);
		st->reply_prod += n;
		s += n;
		len -= n;
	}
}

/*
 * queue_reply() of a header and its payload, then wake readers: 0, or
 * -ENOMEM when the ring cannot take both (nothing is queued then).
 */
static int queue_reply(struct xsim_world *w, struct xsim_file f,
		       struct xsim_xenbus_state *st,
		       const struct xsim_xs_msg *hdr, const void *payload)
{
	bool was_empty = st->reply_prod == st->reply_cons;

	if (RING - (st->reply_prod - st->reply_cons) < HDR + hdr->len)
		return -ENOMEM;
	ring_put(w, st, hdr, HDR);
	ring_put(w, st, payload, hdr->len);
	if (was_empty)
		xsim_dev_wake(w, f);
	return 0;
}

/* xenbus_command_reply(): the request's header, a new type, the string. */
static int command_reply(struct xsim_world *w, struct xsim_file f,
			 struct xsim_xenbus_state *st,
			 const struct xsim_xs_msg *req, uint32_t type,
			 const char *reply)
{
	struct xsim_xs_msg hdr = *req;

	hdr.type = type;
	hdr.len = (uint32_t)strlen(reply) + 1;
	return queue_reply(w, f, st, &hdr, reply);
}

/*
 * xenbus_dev_request_and_reply() and xenbus_dev_queue_reply(): the
 * request goes to xenstore; its reply comes back with the caller's
 * req_id and tx_id.
 */
static int request_and_reply(struct xsim_world *w, struct xsim_file f,
			     struct xsim_handle *h,
			     const struct xsim_xs_msg *req, const char *body)
{
	char out[XSIM_XS_PAYLOAD_MAX];
	struct xsim_xs_msg hdr = *req;

	hdr.len = xsim_xs_answer(w, h->caller_domid, req->type, body,
				 req->len, out, &hdr.type);
	return queue_reply(w, f, &h->u.xenbus, &hdr, out);
}

/* xenbus_write_watch(): "path\0token\0", handled by the driver. */
static int write_watch(struct xsim_world *w, struct xsim_file f,
		       struct xsim_handle *h, const struct xsim_xs_msg *req,
		       const char *body)
{
	struct xsim_xenbus_state *st = &h->u.xenbus;
	const char *token = memchr(body, '\0', req->len);

	if (!token)
		return command_reply(w, f, st, req, XSIM_XS_ERROR, "EINVAL");
	token++;
	if (!memchr(token, '\0', req->len - (uint32_t)(token - body)))
		return command_reply(w, f, st, req, XSIM_XS_ERROR, "EINVAL");
	/*
	 * register_xenbus_watch() asks xenstore, which has no watches here:
	 * its ENOSYS is the write's error, as any refusal is in Linux.
	 */
	if (req->type == XSIM_XS_WATCH)
		return -ENOSYS;
	/* No watch was ever registered: nothing to remove, "OK". */
	return command_reply(w, f, st, req, req->type, "OK");
}

/* xenbus_write_transaction(): the driver's checks, then xenstore's. */
static int write_transaction(struct xsim_world *w, struct xsim_file f,
			     struct xsim_handle *h,
			     const struct xsim_xs_msg *req, const char *body)
{
	struct xsim_xenbus_state *st = &h->u.xenbus;

	/*
	 * TRANSACTION_START is xenstore's to answer (and it refuses), so
	 * this file never holds a transaction: any tx_id is unknown.
	 */
	if (req->type != XSIM_XS_TRANSACTION_START && req->tx_id != 0)
		return command_reply(w, f, st, req, XSIM_XS_ERROR, "ENOENT");
	if (req->type == XSIM_XS_TRANSACTION_END &&
	    !(req->len == 2 && (body[0] == 'T' || body[0] == 'F') &&
	      body[1] == '\0'))
		return command_reply(w, f, st, req, XSIM_XS_ERROR, "EINVAL");
	return request_and_reply(w, f, h, req, body);
}

static int xenbus_open(struct xsim_world *w, struct xsim_file f,
		       struct xsim_handle *h)
{
	struct xsim_xenbus_state *st = &h->u.xenbus;
	unsigned i;
	bool ok;

	(void)f;
	memset(st, 0, sizeof(*st));
	st->msg_page = xsim_page_alloc(w, XSIM_DOMID_XEN, XSIM_PAGE_META);
	ok = st->msg_page != XSIM_NO_PAGE;
	for (i = 0; i < XSIM_XENBUS_REPLY_PAGES; i++) {
		st->reply_page[i] = xsim_page_alloc(w, XSIM_DOMID_XEN,
						    XSIM_PAGE_META);
		ok = ok && st->reply_page[i] != XSIM_NO_PAGE;
	}
	if (ok)
		return 0;
	xsim_page_free(w, st->msg_page);
	for (i = 0; i < XSIM_XENBUS_REPLY_PAGES; i++)
		xsim_page_free(w, st->reply_page[i]);
	return -ENOMEM;
}

/* xenbus_file_free(): the queued replies and the partial request go. */
static void xenbus_release(struct xsim_world *w, struct xsim_file f,
			   struct xsim_handle *h)
{
	struct xsim_xenbus_state *st = &h->u.xenbus;
	unsigned i;

	(void)f;
	xsim_page_free(w, st->msg_page);
	for (i = 0; i < XSIM_XENBUS_REPLY_PAGES; i++)
		xsim_page_free(w, st->reply_page[i]);
	memset(st, 0, sizeof(*st));
}

/* xenbus_file_write(), step by step. */
static ssize_t xenbus_write(struct xsim_world *w, struct xsim_file f,
			    struct xsim_handle *h, uint64_t ubuf, size_t len,
			    const struct xsim_uaccess *ua)
{
	struct xsim_xenbus_state *st = &h->u.xenbus;
	char *buf = xsim_page_va(w, st->msg_page);
	struct xsim_xs_msg req;
	int rc;

	if (!len)
		return 0;
	/* "Can't write a xenbus message larger we can buffer" */
	if (len > XSIM_XS_PAYLOAD_MAX - st->msg_len) {
		st->msg_len = 0;
		return -EINVAL;
	}
	if (xsim_copy_in(ua, buf + st->msg_len, ubuf, len))
		return -EFAULT;
	st->msg_len += (uint32_t)len;
	if (st->msg_len < HDR)
		return (ssize_t)len;		/* not even the header yet */
	memcpy(&req, buf, HDR);
	if ((uint64_t)HDR + req.len > XSIM_XS_PAYLOAD_MAX) {
		st->msg_len = 0;
		return -E2BIG;
	}
	if (st->msg_len < HDR + req.len)
		return (ssize_t)len;		/* incomplete data portion */
	if (req.type == XSIM_XS_WATCH || req.type == XSIM_XS_UNWATCH)
		rc = write_watch(w, f, h, &req, buf + HDR);
	else
		rc = write_transaction(w, f, h, &req, buf + HDR);
	/* Buffered message consumed, with anything written after it. */
	st->msg_len = 0;
	return rc ? rc : (ssize_t)len;
}

/* xenbus_file_read(): queued reply bytes, across replies. */
static ssize_t xenbus_read(struct xsim_world *w, struct xsim_file f,
			   struct xsim_handle *h, uint64_t ubuf, size_t len,
			   const struct xsim_uaccess *ua)
{
	struct xsim_xenbus_state *st = &h->u.xenbus;
	uint32_t avail = st->reply_prod - st->reply_cons, contig, n;
	size_t done = 0;

	(void)f;
	if (!len)
		return 0;
	if (!avail)
		return -EAGAIN;		/* the transport waits, or O_NONBLOCK */
	while (done < len && avail) {
		const char *src = ring_at(w, st, st->reply_cons, &contig);

		n = avail < contig ? avail : contig;
		if (n > len - done)
			n = (uint32_t)(len - done);
		if (xsim_copy_out(ua, ubuf + done, src, n))
			return done ? (ssize_t)done : -EFAULT;
		st->reply_cons += n;
		avail -= n;
		done += n;
	}
	return (ssize_t)done;
}

/* xenbus_file_poll(): readable with replies queued; never POLLOUT. */
static unsigned xenbus_poll(struct xsim_world *w, struct xsim_file f,
			    struct xsim_handle *h)
{
	(void)w;
	(void)f;
	return h->u.xenbus.reply_prod != h->u.xenbus.reply_cons ?
	       POLLIN | POLLRDNORM : 0;
}

const struct xsim_dev_ops xsim_xenbus_ops = {
	.dev = XSIM_DEV_XENBUS,
	.open = xenbus_open,
	.release = xenbus_release,
	.ioctl = xsim_ioctl_enotty,
	.read = xenbus_read,
	.write = xenbus_write,
	.poll = xenbus_poll,
};
