/* SPDX-License-Identifier: MIT */
/*
 * The language of the row files, for the files that include them
 * (conformance/suite/catalogue.c, the runner's self-test catalogue).  Not a
 * public header: these short names live only where rows are read.
 *
 * A row:
 *
 *   XRC_ROW(id, body, statement, source, CELL(PROFILE, value)...)
 *
 * PROFILE is a symbol of <xensim/profile-list.h> (PROPOSED, LINUX, ...).
 * value is one of:
 *
 *   OK            returns 0                 RET(n)   returns exactly n
 *   SUCCESS       returns >= 0              ERR(e)   fails -1 with errno e
 *   DENIED        fails EPERM or EACCES     UNSUP    fails ENOSYS/EOPNOTSUPP/ENOTTY
 *   FAILS         fails, any errno          ABSENT   the feature is absent: SKIP
 *   UNSPEC        the profile's source is silent: any outcome passes
 *
 * Rules the build enforces, each failing at the row's file:line:
 *  - every profile without a base has its cell written (UNSPEC is written,
 *    never implied): "'struct cells_written_in_this_row' has no member
 *    named 'NETBSD'" means that row lacks CELL(NETBSD, ...);
 *  - no profile's cell is written twice: "duplicate member 'LINUX'";
 *  - a derived profile's cell is written only where it departs from its
 *    base (it inherits otherwise; a cell equal to the base's is allowed,
 *    but say why in the source).
 */
#ifndef XRC_ROWS_CELLS_H
#define XRC_ROWS_CELLS_H

#include <errno.h>

#include <xrc/catalogue.h>

#define OK		{ XRC_X_RET, 0 }
#define RET(n)		{ XRC_X_RET, (n) }
#define SUCCESS		{ XRC_X_SUCCESS, 0 }
#define ERR(e)		{ XRC_X_ERRNO, (e) }
#define DENIED		{ XRC_X_DENIED, 0 }
#define UNSUP		{ XRC_X_UNSUPPORTED, 0 }
#define UNSPEC		{ XRC_X_UNSPEC, 0 }
#define ABSENT		{ XRC_X_SKIP, 0 }
#define FAILS		{ XRC_X_FAILS, 0 }

/*
 * Is a list entry's BASE the token ROOT?  1 or 0, by the preprocessor's
 * probe idiom: XRC_ROOT_PROBE_ROOT expands to two arguments, so the
 * second one seen is 1; any other base leaves 0 in that place.
 */
#define XRC_SECOND(a, b, ...)		b
#define XRC_SECOND_(...)		XRC_SECOND(__VA_ARGS__)
#define XRC_ROOT_PROBE_ROOT		~, 1
#define XRC_IS_ROOT(base)		XRC_SECOND_(XRC_ROOT_PROBE_##base, 0, ~)
#define XRC_CAT_(a, b)			a##b
#define XRC_CAT(a, b)			XRC_CAT_(a, b)
#define XRC_IF_1(...)			__VA_ARGS__
#define XRC_IF_0(...)
#define XRC_IF(cond)			XRC_CAT(XRC_IF_, cond)

/*
 * The build-time check of one row: its cells become the members of a
 * struct (a cell written twice is a duplicate member), then every profile
 * without a base names its member (a missing cell is an unknown member).
 * Nothing is evaluated and nothing is emitted into the program.
 */
#define XRC_NEEDS_CELL(sym, name, base, ...)				\
	XRC_IF(XRC_IS_ROOT(base))((void)sizeof(cells.sym);)
#define XRC_CHECK_ROW(body, ...)					\
	static inline __attribute__((unused))				\
	void xrc_row_check_##body(void)					\
	{								\
		struct cells_written_in_this_row { char __VA_ARGS__; } cells; \
		XSIM_PROFILE_LIST(XRC_NEEDS_CELL)			\
	}

#endif /* XRC_ROWS_CELLS_H */
