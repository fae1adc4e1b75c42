/* SPDX-License-Identifier: MIT */
/*
 * Verdicts: how a child ended and what its body observed, judged against
 * the expected profile's column; and, for the matrix, which columns the
 * observation agrees with.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"

const char *const xrc_verdict_names[XRC_NR_VERDICTS] = {
	[XRC_V_PASS] = "PASS",
	[XRC_V_SKIP] = "SKIP",
	[XRC_V_ERROR] = "ERROR",
	[XRC_V_FAIL] = "FAIL",
};

bool xrc_column_agrees(const struct xrc_expect *x, const struct xrc_obs *o)
{
	switch (o->kind) {
	case XRC_O_SKIP:
		/* A silent source is not contradicted by a skip either. */
		return x->kind == XRC_X_SKIP || x->kind == XRC_X_UNSPEC;
	case XRC_O_RESULT:
		return x->kind != XRC_X_SKIP && xrc_expect_met(x, o);
	default:
		return false;
	}
}

static const char *signal_name(int sig)
{
	static char buf[32];
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	else
		snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

/* Say what the body had observed before its process went wrong. */
static void after_observing(struct xrc_result *r)
{
	char seen[48];
	size_t n = strlen(r->reason);

	if (!r->has_obs || r->obs.kind != XRC_O_RESULT)
		return;
	xrc_fmt(r->reason + n, sizeof(r->reason) - n,
		" (after observing %s)", xrc_obs_str(&r->obs, seen, sizeof(seen)));
}

/* How the child ended, when that alone decides (ERROR); else false. */
static bool ended_badly(const struct xrc_job *job, bool got_obs,
			double timeout, struct xrc_result *r)
{
	switch (job->end) {
	case XRC_END_TIMEOUT:
		snprintf(r->reason, sizeof(r->reason), "timed out after %g s",
			 timeout);
		return true;
	case XRC_END_STUCK:
		snprintf(r->reason, sizeof(r->reason),
			 "timed out after %g s, and would not die after SIGKILL",
			 timeout);
		return true;
	case XRC_END_FORK_FAILED:
		snprintf(r->reason, sizeof(r->reason),
			 "could not start the test process: %s",
			 xrc_errno_name(job->sys_err));
		return true;
	case XRC_END_SIGNALED:
		snprintf(r->reason, sizeof(r->reason), "killed by %s",
			 signal_name(job->code));
		after_observing(r);
		return true;
	default:
		break;
	}
	if (!got_obs) {
		if (job->code)
			snprintf(r->reason, sizeof(r->reason),
				 "exited with status %d without reporting",
				 job->code);
		else
			snprintf(r->reason, sizeof(r->reason),
				 "ended without reporting (the body left its process)");
		return true;
	}
	if (job->code) {
		snprintf(r->reason, sizeof(r->reason),
			 "exited with status %d", job->code);
		after_observing(r);
		return true;
	}
	return false;
}

bool xrc_enosys_as_enotty(const struct xrc_expect *x,
			  const struct xrc_obs *o,
			  enum xrc_transport transport)
{
	return transport == XRC_TR_CUSE && o->kind == XRC_O_RESULT &&
	       o->rc < 0 && o->err == ENOTTY &&
	       x->kind == XRC_X_ERRNO && x->value == ENOSYS;
}

void xrc_judge(const struct xrc_assertion *a, int profile,
	       enum xrc_transport transport, const struct xrc_job *job,
	       const struct xrc_obs *obs, double timeout,
	       struct xrc_result *r)
{
	const struct xrc_expect *x = xrc_expect_of(a, profile);
	char want[48], seen[48];
	int p;

	memset(r, 0, sizeof(*r));
	r->secs = job->secs;
	r->has_obs = job->got == sizeof(*obs);
	if (r->has_obs) {
		r->obs = *obs;
		/* The child wrote these; never trust them to be terminated. */
		r->obs.what[sizeof(r->obs.what) - 1] = '\0';
		r->obs.note[sizeof(r->obs.note) - 1] = '\0';
		r->obs.where[sizeof(r->obs.where) - 1] = '\0';
	}
	if (ended_badly(job, r->has_obs, timeout, r)) {
		r->verdict = XRC_V_ERROR;
		return;
	}
	for (p = 0; p < XRC_NR_PROFILES; p++)
		if (xrc_column_agrees(xrc_expect_of(a, p), &r->obs) ||
		    xrc_enosys_as_enotty(xrc_expect_of(a, p), &r->obs, transport))
			r->agree |= 1u << p;

	xrc_expect_str(x, want, sizeof(want));
	xrc_result_observed(a, r, seen, sizeof(seen));
	switch (r->obs.kind) {
	case XRC_O_RESULT:
		if (x->kind == XRC_X_SKIP) {
			r->verdict = XRC_V_FAIL;
			snprintf(r->reason, sizeof(r->reason),
				 "expected the feature absent (SKIP), observed %s",
				 seen);
		} else if (x->kind == XRC_X_UNSPEC) {
			r->verdict = XRC_V_PASS;
			r->unspecified = true;
			snprintf(r->reason, sizeof(r->reason), "unspecified");
		} else if (xrc_expect_met(x, &r->obs)) {
			r->verdict = XRC_V_PASS;
		} else if (xrc_enosys_as_enotty(x, &r->obs, transport)) {
			r->verdict = XRC_V_PASS;
			snprintf(r->reason, sizeof(r->reason), "%s",
				 XRC_ENOSYS_AS_ENOTTY);
		} else {
			r->verdict = XRC_V_FAIL;
			snprintf(r->reason, sizeof(r->reason),
				 "expected %s, observed %s", want, seen);
		}
		break;
	case XRC_O_SKIP:
		r->verdict = XRC_V_SKIP;
		if (x->kind == XRC_X_SKIP || x->kind == XRC_X_UNSPEC)
			snprintf(r->reason, sizeof(r->reason), "%s",
				 r->obs.note);
		else
			snprintf(r->reason, sizeof(r->reason),
				 "%s; expected %s", r->obs.note, want);
		break;
	case XRC_O_ERROR:
		r->verdict = XRC_V_ERROR;
		snprintf(r->reason, sizeof(r->reason), "%s", r->obs.note);
		break;
	default:
		r->verdict = XRC_V_ERROR;
		snprintf(r->reason, sizeof(r->reason),
			 "the body made no judged call (no XRC_OBSERVE)");
		break;
	}
}
