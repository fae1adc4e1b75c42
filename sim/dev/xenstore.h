/* SPDX-License-Identifier: MIT */
/*
 * The xenstore a world describes, answering requests as Xen 4.17's C
 * xenstored does (tools/xenstore/xenstored_core.c), for the xenbus
 * device (sim/dev/xenbus.c).  It is read-only and holds only what the
 * world gives: for every domain D, /local/domain/D/domid and, when the
 * world gives D an xs-target, /local/domain/D/target.  The wire format
 * is xen/include/public/io/xs_wire.h.
 */
#ifndef XENSIM_DEV_XENSTORE_H
#define XENSIM_DEV_XENSTORE_H

#include <stdint.h>

#include <xensim/world.h>

/* enum xsd_sockmsg_type (xs_wire.h, Xen 4.17) */
enum {
	XSIM_XS_CONTROL = 0,
	XSIM_XS_DIRECTORY = 1,
	XSIM_XS_READ = 2,
	XSIM_XS_GET_PERMS = 3,
	XSIM_XS_WATCH = 4,
	XSIM_XS_UNWATCH = 5,
	XSIM_XS_TRANSACTION_START = 6,
	XSIM_XS_TRANSACTION_END = 7,
	XSIM_XS_INTRODUCE = 8,
	XSIM_XS_RELEASE = 9,
	XSIM_XS_GET_DOMAIN_PATH = 10,
	XSIM_XS_WRITE = 11,
	XSIM_XS_MKDIR = 12,
	XSIM_XS_RM = 13,
	XSIM_XS_SET_PERMS = 14,
	XSIM_XS_WATCH_EVENT = 15,
	XSIM_XS_ERROR = 16,
	XSIM_XS_IS_DOMAIN_INTRODUCED = 17,
	XSIM_XS_RESUME = 18,
	XSIM_XS_SET_TARGET = 19,
	XSIM_XS_RESET_WATCHES = 21,
	XSIM_XS_DIRECTORY_PART = 22,
	XSIM_XS_TYPE_COUNT = 23,
};

/* struct xsd_sockmsg: the header of every request and reply. */
struct xsim_xs_msg {
	uint32_t type;
	uint32_t req_id;
	uint32_t tx_id;
	uint32_t len;		/* payload bytes after the header */
};

#define XSIM_XS_PAYLOAD_MAX	4096u	/* XENSTORE_PAYLOAD_MAX */
#define XSIM_XS_REL_PATH_MAX	2048u	/* XENSTORE_REL_PATH_MAX */

/*
 * The answer of xenstored to request `type` with payload body[len] from
 * a connection of domain `caller`: the reply's type in *rtype and its
 * payload in out (XSIM_XS_PAYLOAD_MAX bytes); returns the payload
 * length.  A refusal is XS_ERROR carrying the errno's name, NUL included
 * (send_error).  Machine lock held.
 */
uint32_t xsim_xs_answer(struct xsim_world *w, uint16_t caller, uint32_t type,
			const char *body, uint32_t len, char *out,
			uint32_t *rtype);

/* The name xenstored sends for err (xs_wire.h xsd_errors); "EINVAL" else. */
const char *xsim_xs_errname(int err);

#endif /* XENSIM_DEV_XENSTORE_H */
