/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/xenbus (sim/dev/xenbus.c, Linux 6.1
 * drivers/xen/xenbus/xenbus_dev_frontend.c) over the world's xenstore
 * (sim/dev/xenstore.c, Xen 4.17 tools/xenstore/xenstored_core.c), and
 * /proc/xen/capabilities (sim/dev/xsd.c, drivers/xen/xenfs/super.c).
 * The wire numbers are written out here from xs_wire.h, not taken from
 * the sim's header, so that a wrong constant there fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <xensim/device.h>
#include <xensim/machine.h>
#include <xensim/world.h>

#include "support/world_helpers.h"

#define U(p)	((uint64_t)(uintptr_t)(p))

/* xen/include/public/io/xs_wire.h */
#define XS_CONTROL		0u
#define XS_DIRECTORY		1u
#define XS_READ			2u
#define XS_WATCH		4u
#define XS_UNWATCH		5u
#define XS_TRANSACTION_START	6u
#define XS_TRANSACTION_END	7u
#define XS_INTRODUCE		8u
#define XS_GET_DOMAIN_PATH	10u
#define XS_WRITE		11u
#define XS_ERROR		16u
#define XS_SET_TARGET		19u
#define PAYLOAD_MAX		4096u

struct hdr {
	uint32_t type, req_id, tx_id, len;
};

struct reply {
	struct hdr h;
	char body[PAYLOAD_MAX + 1];
};

static unsigned wakes;

static void count_wake(struct xsim_world *w, struct xsim_file f, void *arg)
{
	(void)w;
	(void)f;
	(void)arg;
	wakes++;
}

static struct xsim_file open_xb(struct xsim_world *w, uint16_t caller)
{
	struct xsim_file f;

	assert_int_equal(xsim_dev_open(w, XSIM_DEV_XENBUS, caller, &f), 0);
	return f;
}

static ssize_t wr(struct xsim_world *w, struct xsim_file f, const void *buf,
		  size_t len)
{
	return xsim_dev_write(w, f, U(buf), len, &xsim_uaccess_self);
}

/* One request in one write: the write's result. */
static ssize_t request(struct xsim_world *w, struct xsim_file f,
		       uint32_t type, uint32_t tx_id, const void *body,
		       uint32_t len)
{
	char msg[sizeof(struct hdr) + PAYLOAD_MAX];
	struct hdr h = { type, 0x1234 + type, tx_id, len };

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), body, len);
	return wr(w, f, msg, sizeof(h) + len);
}

/* A path request: its string with the NUL, as libxenstore sends it. */
static void ask(struct xsim_world *w, struct xsim_file f, uint32_t type,
		const char *path)
{
	uint32_t len = (uint32_t)strlen(path) + 1;

	assert_int_equal(request(w, f, type, 0, path, len), 16 + len);
}

/* Read exactly len bytes of queued replies, in steps of `step`. */
static void rd(struct xsim_world *w, struct xsim_file f, void *buf,
	       size_t len, size_t step)
{
	size_t got = 0;

	while (got < len) {
		size_t n = len - got < step ? len - got : step;
		ssize_t r = xsim_dev_read(w, f, U((char *)buf + got), n,
					  &xsim_uaccess_self);

		assert_true(r > 0);
		got += (size_t)r;
	}
}

static void next_reply(struct xsim_world *w, struct xsim_file f,
		       struct reply *r)
{
	rd(w, f, &r->h, sizeof(r->h), sizeof(r->h));
	assert_true(r->h.len <= PAYLOAD_MAX);
	rd(w, f, r->body, r->h.len, PAYLOAD_MAX);
	r->body[r->h.len] = '\0';
}

/* The reply to a path request: its type must be `type`, its text body. */
static void expect(struct xsim_world *w, struct xsim_file f, uint32_t type,
		   const char *path, uint32_t rtype, const char *body,
		   uint32_t len)
{
	struct reply r;

	ask(w, f, type, path);
	next_reply(w, f, &r);
	assert_int_equal(r.h.type, rtype);
	assert_int_equal(r.h.req_id, 0x1234 + type);
	assert_int_equal(r.h.tx_id, 0);
	assert_int_equal(r.h.len, len);
	assert_memory_equal(r.body, body, len);
}

/* An XS_ERROR reply carrying "NAME\0" (xenstored send_error). */
static void expect_err(struct xsim_world *w, struct xsim_file f,
		       uint32_t type, const char *path, const char *name)
{
	expect(w, f, type, path, XS_ERROR, name, (uint32_t)strlen(name) + 1);
}

static void expect_empty(struct xsim_world *w, struct xsim_file f)
{
	char b;

	assert_int_equal(xsim_dev_read(w, f, U(&b), 1, &xsim_uaccess_self),
			 -EAGAIN);
	assert_int_equal(xsim_dev_poll(w, f), 0);
}

/* Domain 1 has target 5 (a domain that need not exist), 2 has none. */
static struct xsim_world *world(void)
{
	struct xsim_world *w = wh_world("linux-xsa482", false);

	assert_int_equal(xsim_domain_set_xs_target(w, 1, 5), 0);
	return w;
}

static void paths(void **state)
{
	(void)state;
	assert_int_equal(xsim_dev_by_path("/dev/xen/xenbus"), XSIM_DEV_XENBUS);
	assert_int_equal(xsim_dev_by_path("/proc/xen/capabilities"),
			 XSIM_DEV_CAPABILITIES);
	/* libxenstore's fallback path stays libc's (sim/dev/device.c). */
	assert_int_equal(xsim_dev_by_path("/proc/xen/xenbus"), -1);
}

static void capabilities(void **state)
{
	const struct xsim_profile *const *p;
	char text[32];
	struct xsim_file f;
	size_t got;
	ssize_t n;

	(void)state;
	for (p = xsim_profiles(); *p; p++) {
		struct xsim_world *w = wh_world((*p)->name, false);

		/* dom0: "control_d\n", byte by byte, then end of file. */
		assert_int_equal(xsim_dev_open(w, XSIM_DEV_CAPABILITIES, 0, &f), 0);
		got = 0;
		while ((n = xsim_dev_read(w, f, U(text + got), 1,
					  &xsim_uaccess_self)) > 0)
			got += (size_t)n;
		assert_int_equal(n, 0);
		text[got] = '\0';
		assert_string_equal(text, "control_d\n");
		assert_int_equal(xsim_dev_ioctl(w, f, 0, 0, &xsim_uaccess_self),
				 -ENOTTY);
		assert_int_equal(wr(w, f, "x", 1), -EINVAL);
		xsim_dev_release(w, f);
		/* A domU: the file is there, and empty. */
		assert_int_equal(xsim_dev_open(w, XSIM_DEV_CAPABILITIES, 3, &f), 0);
		assert_int_equal(xsim_dev_read(w, f, U(text), sizeof(text),
					       &xsim_uaccess_self), 0);
		xsim_dev_release(w, f);
		/* xenbus, too, is in every profile and every domain. */
		f = open_xb(w, 0);
		xsim_dev_release(w, f);
		f = open_xb(w, 7);
		xsim_dev_release(w, f);
		xsim_world_detach(w);
	}
}

/* dom0's published offers (world file "publish"): data/ of their domU. */
static void offer_keys(void **state)
{
	struct xsim_world *w = world();
	struct xsim_file f1, f2;

	(void)state;
	assert_int_equal(xsim_domain_set_xs_offer(w, 1, XSIM_XS_OFFER_PORT,
						  12), 0);
	assert_int_equal(xsim_domain_set_xs_offer(w, 1, XSIM_XS_OFFER_GREF,
						  8), 0);
	assert_int_equal(xsim_domain_set_xs_offer(w, 1, XSIM_XS_OFFER_GREF,
						  9), -EEXIST);
	f1 = open_xb(w, 1);
	f2 = open_xb(w, 2);
	expect(w, f1, XS_READ, "data/xrc-offer-port", XS_READ, "12", 2);
	expect(w, f1, XS_READ, "/local/domain/1/data/xrc-offer-gref", XS_READ,
	       "8", 1);
	expect(w, f1, XS_DIRECTORY, "data", XS_DIRECTORY,
	       "xrc-offer-gref\0xrc-offer-port", 30);
	expect(w, f1, XS_DIRECTORY, "/local/domain/1", XS_DIRECTORY,
	       "domid\0target\0data", 18);
	/* Not another domain's, and none for a domain without offers. */
	expect_err(w, f2, XS_READ, "/local/domain/1/data/xrc-offer-port",
		   "EACCES");
	expect_err(w, f2, XS_READ, "data/xrc-offer-port", "ENOENT");
	expect_err(w, f2, XS_READ, "data", "ENOENT");
	xsim_dev_release(w, f1);
	xsim_dev_release(w, f2);
	xsim_world_detach(w);
}

static void own_keys(void **state)
{
	struct xsim_world *w = world();
	struct xsim_file f1 = open_xb(w, 1), f2 = open_xb(w, 2);

	(void)state;
	/* Relative paths are the caller's /local/domain/<id>/; no NUL. */
	expect(w, f1, XS_READ, "domid", XS_READ, "1", 1);
	expect(w, f1, XS_READ, "target", XS_READ, "5", 1);
	expect(w, f1, XS_READ, "/local/domain/1/target", XS_READ, "5", 1);
	expect(w, f1, XS_READ, "/local/domain/1", XS_READ, "", 0);
	expect(w, f1, XS_DIRECTORY, "/local/domain/1", XS_DIRECTORY,
	       "domid\0target", 13);
	expect(w, f2, XS_READ, "domid", XS_READ, "2", 1);
	/* No target in the world: no key (privcmd then says DOMID_IDLE). */
	expect_err(w, f2, XS_READ, "target", "ENOENT");
	expect_err(w, f2, XS_READ, "domid/below", "ENOENT");
	expect(w, f2, XS_DIRECTORY, "/local/domain/2", XS_DIRECTORY,
	       "domid", 6);
	expect(w, f2, XS_GET_DOMAIN_PATH, "7", XS_GET_DOMAIN_PATH,
	       "/local/domain/7", 16);
	xsim_dev_release(w, f1);
	xsim_dev_release(w, f2);
	xsim_world_detach(w);
}

static void other_domains_keys(void **state)
{
	struct xsim_world *w = world();
	struct xsim_file f1 = open_xb(w, 1), f0 = open_xb(w, 0);

	(void)state;
	/* A guest reads nothing outside its own directory: EACCES... */
	expect_err(w, f1, XS_READ, "/local/domain/2/domid", "EACCES");
	expect_err(w, f1, XS_READ, "/local/domain/0/domid", "EACCES");
	expect_err(w, f1, XS_DIRECTORY, "/local/domain", "EACCES");
	expect_err(w, f1, XS_READ, "/", "EACCES");
	/* ...whether the node exists or not: a refusal says nothing. */
	expect_err(w, f1, XS_READ, "/local/domain/2/target", "EACCES");
	expect_err(w, f1, XS_READ, "/local/domain/99/domid", "EACCES");
	expect_err(w, f1, XS_READ, "/local/domain/01/domid", "EACCES");
	expect_err(w, f1, XS_READ, "/nowhere", "EACCES");
	/* dom0 reads everything; what is missing is ENOENT. */
	expect(w, f0, XS_READ, "domid", XS_READ, "0", 1);
	expect(w, f0, XS_READ, "/local/domain/1/target", XS_READ, "5", 1);
	expect_err(w, f0, XS_READ, "/local/domain/2/target", "ENOENT");
	expect_err(w, f0, XS_READ, "/local/domain/99/domid", "ENOENT");
	expect_err(w, f0, XS_READ, "target", "ENOENT");
	expect(w, f0, XS_DIRECTORY, "/local/domain", XS_DIRECTORY,
	       "0\0" "1\0" "2\0" "3", 8);
	/* xenstored's own nodes first (setup_structure), then the world's. */
	expect(w, f0, XS_DIRECTORY, "/", XS_DIRECTORY, "tool\0local", 11);
	expect(w, f0, XS_DIRECTORY, "/tool", XS_DIRECTORY, "xenstored", 10);
	expect_err(w, f1, XS_DIRECTORY, "/tool", "EACCES");
	xsim_dev_release(w, f1);
	xsim_dev_release(w, f0);
	xsim_world_detach(w);
}

/* A caller in a domain the world does not list still has its directory. */
static void caller_outside_world(void **state)
{
	struct xsim_world *w = world();
	struct xsim_file f6 = open_xb(w, 6), f0 = open_xb(w, 0);

	(void)state;
	expect(w, f6, XS_READ, "domid", XS_READ, "6", 1);
	expect_err(w, f6, XS_READ, "target", "ENOENT");
	expect(w, f0, XS_DIRECTORY, "/local/domain", XS_DIRECTORY,
	       "0\0" "1\0" "2\0" "3", 8);
	xsim_dev_release(w, f6);
	xsim_dev_release(w, f0);
	xsim_world_detach(w);
}

static void bad_requests(void **state)
{
	struct xsim_world *w = world();
	struct xsim_file f = open_xb(w, 1);
	struct reply r;

	(void)state;
	/* Paths xenstored's is_valid_nodename refuses: EINVAL. */
	expect_err(w, f, XS_READ, "", "EINVAL");
	expect_err(w, f, XS_READ, "/local//domain", "EINVAL");
	expect_err(w, f, XS_READ, "/local/domain/1/", "EINVAL");
	expect_err(w, f, XS_READ, "dom id", "EINVAL");
	expect_err(w, f, XS_READ, "@releaseDomain", "EINVAL");
	/* onearg(): exactly one NUL-terminated string. */
	assert_int_equal(request(w, f, XS_READ, 0, "domid", 5), 21);
	next_reply(w, f, &r);
	assert_int_equal(r.h.type, XS_ERROR);
	assert_string_equal(r.body, "EINVAL");
	assert_int_equal(request(w, f, XS_READ, 0, "domid\0x", 8), 24);
	next_reply(w, f, &r);
	assert_string_equal(r.body, "EINVAL");
	assert_int_equal(request(w, f, XS_READ, 0, "", 0), 16);
	next_reply(w, f, &r);
	assert_string_equal(r.body, "EINVAL");
	expect_empty(w, f);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

static void unknown_ops(void **state)
{
	struct xsim_world *w = world();
	struct xsim_file f = open_xb(w, 1), f0;
	struct reply r;

	(void)state;
	/* No handler in xenstored (or none in this read-only store). */
	expect_err(w, f, 99, "domid", "ENOSYS");
	expect_err(w, f, XS_ERROR, "domid", "ENOSYS");
	expect_err(w, f, XS_WRITE, "domid", "ENOSYS");
	expect_err(w, f, XS_TRANSACTION_START, "", "ENOSYS");
	/* XS_FLAG_PRIV operations: EACCES from a guest, before anything. */
	expect_err(w, f, XS_INTRODUCE, "x", "EACCES");
	expect_err(w, f, XS_SET_TARGET, "x", "EACCES");
	expect_err(w, f, XS_CONTROL, "x", "EACCES");
	f0 = open_xb(w, 0);
	expect_err(w, f0, XS_INTRODUCE, "x", "ENOSYS");
	xsim_dev_release(w, f0);
	/* The driver's own answers: a transaction it does not hold... */
	assert_int_equal(request(w, f, XS_READ, 7, "domid", 6), 22);
	next_reply(w, f, &r);
	assert_int_equal(r.h.type, XS_ERROR);
	assert_int_equal(r.h.tx_id, 7);
	assert_int_equal(r.h.req_id, 0x1234 + XS_READ);
	assert_string_equal(r.body, "ENOENT");
	/* ...an end that is neither "T" nor "F", then xenstored's ENOENT. */
	expect_err(w, f, XS_TRANSACTION_END, "X", "EINVAL");
	expect_err(w, f, XS_TRANSACTION_END, "T", "ENOENT");
	/* Watches: malformed EINVAL; refused by xenstore; unwatch "OK". */
	expect_err(w, f, XS_WATCH, "path-without-token", "EINVAL");
	assert_int_equal(request(w, f, XS_WATCH, 0, "p\0t", 4), -ENOSYS);
	assert_int_equal(request(w, f, XS_UNWATCH, 0, "p\0t", 4), 20);
	next_reply(w, f, &r);
	assert_int_equal(r.h.type, XS_UNWATCH);
	assert_int_equal(r.h.len, 3);
	assert_string_equal(r.body, "OK");
	expect_empty(w, f);
	/* No ioctl (Linux: no unlocked_ioctl). */
	assert_int_equal(xsim_dev_ioctl(w, f, 0, 0, &xsim_uaccess_self),
			 -ENOTTY);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

/* A request written in pieces; replies read in pieces, across replies. */
static void framing(void **state)
{
	struct xsim_world *w = world();
	struct xsim_file f = open_xb(w, 1);
	struct hdr h = { XS_READ, 42, 0, 7 };
	char two[2 * (16 + 7)], got[64];

	(void)state;
	xsim_dev_set_wake(w, count_wake, NULL);
	wakes = 0;
	assert_int_equal(wr(w, f, &h, 0), 0);
	assert_int_equal(wr(w, f, &h, 5), 5);
	assert_int_equal(wr(w, f, (char *)&h + 5, 11), 11);
	expect_empty(w, f);
	assert_int_equal(wr(w, f, "tar", 3), 3);
	assert_int_equal(wr(w, f, "get\0", 4), 4);
	assert_int_equal(xsim_dev_poll(w, f), POLLIN | POLLRDNORM);
	assert_int_equal(wakes, 1);
	/* A second request, queued behind the first: no second wake. */
	h.req_id = 43;
	h.len = 6;
	memcpy(two, &h, 16);
	memcpy(two + 16, "domid", 6);
	assert_int_equal(wr(w, f, two, 22), 22);
	assert_int_equal(wakes, 1);
	/* 16 + 1 and 16 + 1 bytes, three at a time. */
	rd(w, f, got, 34, 3);
	memcpy(&h, got, 16);
	assert_int_equal(h.type, XS_READ);
	assert_int_equal(h.req_id, 42);
	assert_int_equal(h.len, 1);
	assert_int_equal(got[16], '5');
	memcpy(&h, got + 17, 16);
	assert_int_equal(h.req_id, 43);
	assert_int_equal(got[33], '1');
	expect_empty(w, f);
	/* Bytes after a whole request in the same write go with it. */
	h = (struct hdr){ XS_READ, 44, 0, 6 };
	memcpy(two, &h, 16);
	memcpy(two + 16, "domid", 6);
	memcpy(two + 22, "garbage", 7);
	assert_int_equal(wr(w, f, two, 29), 29);
	rd(w, f, got, 17, 17);
	expect_empty(w, f);
	expect(w, f, XS_READ, "domid", XS_READ, "1", 1);
	/* A zero-length read is 0, queue or not. */
	assert_int_equal(xsim_dev_read(w, f, U(got), 0, &xsim_uaccess_self), 0);
	xsim_dev_set_wake(w, NULL, NULL);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

static void bad_lengths(void **state)
{
	struct xsim_world *w = world();
	struct xsim_file f = open_xb(w, 1);
	static char big[PAYLOAD_MAX + 64];
	struct hdr h = { XS_READ, 1, 0, PAYLOAD_MAX - 16 + 1 };

	(void)state;
	/* More than the request buffer in one write: EINVAL. */
	assert_int_equal(wr(w, f, big, PAYLOAD_MAX + 1), -EINVAL);
	/* A header announcing more than it can hold: E2BIG, dropped. */
	assert_int_equal(wr(w, f, &h, 16), -E2BIG);
	expect(w, f, XS_READ, "domid", XS_READ, "1", 1);
	/* Exactly the buffer is fine: the whole request is one page. */
	h.len = PAYLOAD_MAX - 16;
	memcpy(big, &h, 16);
	memset(big + 16, 'a', h.len - 1);
	big[16 + h.len - 1] = '\0';
	assert_int_equal(wr(w, f, big, PAYLOAD_MAX), PAYLOAD_MAX);
	{
		struct reply r;

		next_reply(w, f, &r);
		/* A 4079-byte relative name is past XENSTORE_REL_PATH_MAX. */
		assert_int_equal(r.h.type, XS_ERROR);
		assert_string_equal(r.body, "EINVAL");
	}
	/* Overflowing a partial request: EINVAL, and it is dropped. */
	h.len = 100;
	assert_int_equal(wr(w, f, &h, 16), 16);
	assert_int_equal(wr(w, f, big, PAYLOAD_MAX - 15), -EINVAL);
	expect(w, f, XS_READ, "domid", XS_READ, "1", 1);
	/* A bad buffer: EFAULT on either side; nothing is lost. */
	assert_int_equal(xsim_dev_write(w, f, 0, 16, &xsim_uaccess_self),
			 -EFAULT);
	ask(w, f, XS_READ, "domid");
	assert_int_equal(xsim_dev_read(w, f, 0, 8, &xsim_uaccess_self),
			 -EFAULT);
	{
		struct reply r;

		next_reply(w, f, &r);
		assert_string_equal(r.body, "1");
	}
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

/* Unread replies fill the ring: ENOMEM until the caller reads. */
static void ring_full(void **state)
{
	struct xsim_world *w = world();
	struct xsim_file f = open_xb(w, 0);
	struct reply r;
	unsigned n = 0, i;
	ssize_t rc;

	(void)state;
	while ((rc = request(w, f, XS_DIRECTORY, 0, "/local/domain", 14)) > 0)
		n++;
	assert_int_equal(rc, -ENOMEM);
	assert_true(n >= 2);
	for (i = 0; i < n; i++) {
		next_reply(w, f, &r);
		assert_int_equal(r.h.type, XS_DIRECTORY);
	}
	expect_empty(w, f);
	expect(w, f, XS_READ, "domid", XS_READ, "0", 1);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

/* Release gives the pages back: far more opens than the world has pages. */
static void release_frees(void **state)
{
	struct xsim_world *w = world();
	unsigned i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		struct xsim_file f = open_xb(w, 1);

		if (i % 500 == 0)
			ask(w, f, XS_READ, "domid");
		xsim_dev_release(w, f);
	}
	xsim_world_detach(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths),
		cmocka_unit_test(capabilities),
		cmocka_unit_test(own_keys),
		cmocka_unit_test(offer_keys),
		cmocka_unit_test(other_domains_keys),
		cmocka_unit_test(caller_outside_world),
		cmocka_unit_test(bad_requests),
		cmocka_unit_test(unknown_ops),
		cmocka_unit_test(framing),
		cmocka_unit_test(bad_lengths),
		cmocka_unit_test(ring_full),
		cmocka_unit_test(release_frees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
