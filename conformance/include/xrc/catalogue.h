/* SPDX-License-Identifier: MIT */
/*
 * The contract catalogue: every clause is an assertion with a stable ID, a
 * one-line statement, its source, and the outcome each profile expects.
 * The catalogue is one table (conformance/catalogue.c), assembled from row
 * files (conformance/rows/<area>.rows) written as XRC_ROW(...) lines:
 *
 *   XRC_ROW(id, body, statement, source,
 *           proposed, linux, linux_xsa482, freebsd, netbsd)
 *
 * Adding an assertion is one row and one test body; adding a profile is
 * one column (XRC_PROFILES below, and one more argument in every row).
 * Profile names are the sim's (sim/dev/profiles.c).
 */
#ifndef XRC_CATALOGUE_H
#define XRC_CATALOGUE_H

#include <errno.h>	/* the E(EPERM)... cells of the row files */
#include <stdbool.h>
#include <stdint.h>

struct xrc_ctx;

/* The profile columns, in row order. */
#define XRC_PROFILES(X)				\
	X(PROPOSED, "proposed")			\
	X(LINUX, "linux")			\
	X(LINUX_XSA482, "linux-xsa482")		\
	X(FREEBSD, "freebsd")			\
	X(NETBSD, "netbsd")

enum xrc_profile {
#define XRC_P_ENUM(sym, name) XRC_P_##sym,
	XRC_PROFILES(XRC_P_ENUM)
#undef XRC_P_ENUM
	XRC_NR_PROFILES
};

extern const char *const xrc_profile_names[XRC_NR_PROFILES];
/* The profile of that name, or -1. */
int xrc_profile_by_name(const char *name);

/* What a profile expects of an assertion's observed outcome. */
enum xrc_expect_kind {
	XRC_X_UNSPEC = 0,	/* the profile's source says nothing: any outcome */
	XRC_X_RET,		/* the call returns exactly value */
	XRC_X_SUCCESS,		/* the call returns >= 0 */
	XRC_X_ERRNO,		/* -1 with errno == value */
	XRC_X_DENIED,		/* -1 with errno in {EPERM, EACCES} */
	XRC_X_UNSUPPORTED,	/* -1 with errno in {ENOSYS, EOPNOTSUPP, ENOTTY} */
	XRC_X_SKIP,		/* the feature is absent: the body must SKIP */
	XRC_X_FAILS,		/* -1 with any errno: the clause says only "fails" */
};

struct xrc_expect {
	uint8_t kind;		/* enum xrc_expect_kind */
	int32_t value;
};

/* Row-cell shorthands. */
#define RET(n)		{ XRC_X_RET, (n) }
#define OK		{ XRC_X_RET, 0 }
#define SUCCESS		{ XRC_X_SUCCESS, 0 }
#define E(e)		{ XRC_X_ERRNO, (e) }
#define DENIED		{ XRC_X_DENIED, 0 }
#define UNSUP		{ XRC_X_UNSUPPORTED, 0 }
#define UNSPEC		{ XRC_X_UNSPEC, 0 }
#define NA		{ XRC_X_SKIP, 0 }
#define FAILS		{ XRC_X_FAILS, 0 }

typedef void (*xrc_body_fn)(struct xrc_ctx *t);

struct xrc_assertion {
	const char *id;		/* stable: device.group.name, lower case */
	xrc_body_fn body;
	const char *statement;	/* one line */
	const char *source;	/* proposal text, Linux/FreeBSD path, xentoolcore.h... */
	struct xrc_expect expect[XRC_NR_PROFILES];
};

extern const struct xrc_assertion xrc_catalogue[];
extern const unsigned xrc_catalogue_len;

/* What a body observed (filled by the body API, judged by the runner). */
enum xrc_obs_kind {
	XRC_O_NONE = 0,		/* the body ended without observing: ERROR */
	XRC_O_RESULT,		/* rc and err hold the judged call's outcome */
	XRC_O_SKIP,		/* probed absent/unsupported: note says why */
	XRC_O_ERROR,		/* a fixture or setup step broke: note says where */
};

struct xrc_obs {
	uint8_t kind;		/* enum xrc_obs_kind */
	long rc;
	int err;		/* errno when rc < 0 */
	char what[96];		/* the observed call, for reports */
	char note[200];
};

/* Does an outcome satisfy an expectation?  (SKIP/UNSPEC handled by caller.) */
bool xrc_expect_met(const struct xrc_expect *x, const struct xrc_obs *o);
/* "EPERM", "0", "DENIED", "unspecified", "SKIP"... for reports. */
const char *xrc_expect_str(const struct xrc_expect *x, char *buf, unsigned len);
const char *xrc_obs_str(const struct xrc_obs *o, char *buf, unsigned len);
/* errno name ("EPERM"), or the number. */
const char *xrc_errno_name(int err);

#endif /* XRC_CATALOGUE_H */
