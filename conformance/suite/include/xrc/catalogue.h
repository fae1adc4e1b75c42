/* SPDX-License-Identifier: MIT */
/*
 * The contract catalogue: every clause is an assertion with a stable ID, a
 * one-line statement, its source, and the outcome each profile expects.
 * The catalogue is one table (conformance/suite/catalogue.c), assembled from row
 * files (conformance/suite/rows/<area>.rows) whose cells name their profile:
 *
 *   XRC_ROW("privcmd.restrict.other-domid", privcmd_restrict_other_domid,
 *           "statement", "source",
 *           CELL(PROPOSED, FAILS), CELL(LINUX, ERR(EINVAL)),
 *           CELL(FREEBSD, ERR(EINVAL)), CELL(NETBSD, ABSENT))
 *
 * Every profile without a base must have its cell; a derived profile
 * (linux-xsa482 on linux) has one only where it departs from its base.
 * The build enforces both (rows/cells.h).  Profiles come from the one list
 * <xensim/profile-list.h> (data only: nothing here links the sim).
 */
#ifndef XRC_CATALOGUE_H
#define XRC_CATALOGUE_H

#include <stdbool.h>
#include <stdint.h>

#include <xensim/profile-list.h>

struct xrc_ctx;

/* The profile columns, in the list's order; XRC_P_ROOT: no base. */
#define XRC_P_ROOT	(-1)
enum xrc_profile {
#define XRC_P_ENUM(sym, ...) XRC_P_##sym,
	XSIM_PROFILE_LIST(XRC_P_ENUM)
#undef XRC_P_ENUM
	XRC_NR_PROFILES
};

struct xrc_profile_info {
	const char *name;
	int base;		/* enum xrc_profile, or XRC_P_ROOT */
	char code;		/* the list's stable one-byte identifier */
	const char *summary;
	const char *mirrors;
};

extern const struct xrc_profile_info xrc_profiles[XRC_NR_PROFILES];
extern const char *const xrc_profile_names[XRC_NR_PROFILES];
/* The profile of that name, or -1. */
int xrc_profile_by_name(const char *name);

/* What a profile expects of an assertion's observed outcome. */
enum xrc_expect_kind {
	XRC_X_INHERIT = 0,	/* no cell written: the base profile's cell */
	XRC_X_UNSPEC,		/* the profile's source says nothing: any outcome */
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

typedef void (*xrc_body_fn)(struct xrc_ctx *t);

struct xrc_assertion {
	const char *id;		/* stable: docs/naming.md */
	xrc_body_fn body;
	const char *body_name;	/* the id, '.' and '-' as '_' (checked) */
	const char *statement;	/* one line */
	const char *source;	/* proposal text, Linux/FreeBSD path, xentoolcore.h... */
	struct xrc_expect expect[XRC_NR_PROFILES];	/* as written */
};

/*
 * The cell that judges a under profile p: its own, or (not written) its
 * base's, up to a profile without a base, whose cell is always written.
 */
const struct xrc_expect *xrc_expect_of(const struct xrc_assertion *a, int p);

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
	char where[64];		/* the body's file:line that observed it */
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
