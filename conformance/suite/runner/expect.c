/* SPDX-License-Identifier: MIT */
/*
 * The catalogue's vocabulary: profile names, what an expectation accepts,
 * and how expectations, observations and errnos are spelled in reports.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xrc/catalogue.h>

const struct xrc_profile_info xrc_profiles[XRC_NR_PROFILES] = {
#define XRC_P_INFO(sym, name_, base_, code_, summary_, mirrors_)	\
	[XRC_P_##sym] = { .name = name_, .base = XRC_P_##base_,	\
			  .code = code_, .summary = summary_,		\
			  .mirrors = mirrors_ },
	XSIM_PROFILE_LIST(XRC_P_INFO)
#undef XRC_P_INFO
};

const char *const xrc_profile_names[XRC_NR_PROFILES] = {
#define XRC_P_NAME(sym, name, ...) [XRC_P_##sym] = name,
	XSIM_PROFILE_LIST(XRC_P_NAME)
#undef XRC_P_NAME
};

/*
 * A base is listed before the profiles derived from it, so the walk
 * always moves to a smaller index and ends; the catalogue check has made
 * sure a profile without a base has every cell written.
 */
const struct xrc_expect *xrc_expect_of(const struct xrc_assertion *a, int p)
{
	while (a->expect[p].kind == XRC_X_INHERIT &&
	       xrc_profiles[p].base != XRC_P_ROOT &&
	       xrc_profiles[p].base < p)
		p = xrc_profiles[p].base;
	return &a->expect[p];
}

int xrc_profile_by_name(const char *name)
{
	int p;

	for (p = 0; p < XRC_NR_PROFILES; p++)
		if (!strcmp(name, xrc_profile_names[p]))
			return p;
	return -1;
}

static bool is_denied(int err)
{
	return err == EPERM || err == EACCES;
}

static bool is_unsupported(int err)
{
	/* EOPNOTSUPP and ENOTSUP are one value on Linux. */
	return err == ENOSYS || err == EOPNOTSUPP || err == ENOTTY;
}

bool xrc_expect_met(const struct xrc_expect *x, const struct xrc_obs *o)
{
	if (o->kind != XRC_O_RESULT)
		return false;
	switch (x->kind) {
	case XRC_X_UNSPEC:
		return true;
	case XRC_X_RET:
		return o->rc == x->value;
	case XRC_X_SUCCESS:
		return o->rc >= 0;
	case XRC_X_ERRNO:
		return o->rc < 0 && o->err == x->value;
	case XRC_X_DENIED:
		return o->rc < 0 && is_denied(o->err);
	case XRC_X_UNSUPPORTED:
		return o->rc < 0 && is_unsupported(o->err);
	case XRC_X_FAILS:
		return o->rc < 0;
	default:		/* XRC_X_SKIP: a result is not a skip */
		return false;
	}
}

/*
 * Names for errnos outside glibc's table come from a few rotating
 * buffers, so that one printf may show several.
 */
const char *xrc_errno_name(int err)
{
	static char spare[4][24];
	static unsigned next;
	const char *name = err > 0 ? strerrorname_np(err) : NULL;
	char *buf;

	if (name)
		return name;
	buf = spare[next++ % 4];
	snprintf(buf, sizeof(spare[0]), "errno %d", err);
	return buf;
}

const char *xrc_expect_str(const struct xrc_expect *x, char *buf, unsigned len)
{
	switch (x->kind) {
	case XRC_X_UNSPEC:
		snprintf(buf, len, "unspecified");
		break;
	case XRC_X_RET:
		snprintf(buf, len, "%d", (int)x->value);
		break;
	case XRC_X_SUCCESS:
		snprintf(buf, len, ">=0");
		break;
	case XRC_X_ERRNO:
		snprintf(buf, len, "%s", xrc_errno_name(x->value));
		break;
	case XRC_X_DENIED:
		snprintf(buf, len, "DENIED");
		break;
	case XRC_X_UNSUPPORTED:
		snprintf(buf, len, "UNSUPPORTED");
		break;
	case XRC_X_SKIP:
		snprintf(buf, len, "SKIP");
		break;
	case XRC_X_FAILS:
		snprintf(buf, len, "FAILS");
		break;
	default:
		snprintf(buf, len, "?%u", x->kind);
		break;
	}
	return buf;
}

const char *xrc_obs_str(const struct xrc_obs *o, char *buf, unsigned len)
{
	switch (o->kind) {
	case XRC_O_RESULT:
		if (o->rc >= 0)
			snprintf(buf, len, "%ld", o->rc);
		else if (o->rc == -1)
			snprintf(buf, len, "%s", xrc_errno_name(o->err));
		else	/* not the -1/errno convention: show both */
			snprintf(buf, len, "%ld/%s", o->rc,
				 xrc_errno_name(o->err));
		break;
	case XRC_O_SKIP:
		snprintf(buf, len, "SKIP");
		break;
	case XRC_O_ERROR:
		snprintf(buf, len, "ERROR");
		break;
	default:
		snprintf(buf, len, "none");
		break;
	}
	return buf;
}
