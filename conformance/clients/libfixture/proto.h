/* SPDX-License-Identifier: MIT */
/*
 * Private to libfixture: the requests the test process sends its fixture
 * server over a SOCK_SEQPACKET socket pair, one answer per request.
 */
#ifndef XRC_LF_PROTO_H
#define XRC_LF_PROTO_H

#include <stdint.h>

enum xrc_lf_op {
	XRC_LF_READY = 1,	/* the server's first message: its start-up */
	XRC_LF_CREATE,		/* a: hvm, b: vcpus, c: pages, d: max_pages */
	XRC_LF_DESTROY,		/* domid */
	XRC_LF_FRAME,		/* domid, a: page */
	XRC_LF_UNBOUND,		/* domid, a: remote */
	XRC_LF_GRANT,		/* domid: granter, a: page, b: grantee, c: ro */
	XRC_LF_SWEEP,
};

struct xrc_lf_req {
	uint32_t op;
	uint32_t domid;
	uint32_t a, b, c, d;
};

struct xrc_lf_rsp {
	int32_t rc;		/* 0 or -errno */
	uint32_t value;		/* domid, port, ref, count */
	uint64_t frame;
	char msg[200];		/* on failure: "step: reason" */
};

/* The mark a fixture domain carries in its handle: magic + server pid. */
#define XRC_LF_MAGIC		"xrclibfx"
#define XRC_LF_MAGIC_LEN	8

/* The server's exit status when its clean-up left domains (server.c). */
#define XRC_LF_SERVER_LEFT	3

/* Run the server on sock until it closes; never returns (server.c). */
__attribute__((noreturn)) void xrc_lf_serve(int sock);

/* Record the text xrc_lf_error() shows; returns -err (client.c). */
__attribute__((format(printf, 2, 3)))
int xrc_lf_set_error(int err, const char *fmt, ...);

/* Unshare every page xrc_lf_share() shared and close its handle (share.c). */
void xrc_lf_share_fini(void);

#endif /* XRC_LF_PROTO_H */
