/* SPDX-License-Identifier: MIT */
/*
 * TAP.  Version 13, not 14: Debian 12's prove (Test::Harness 3.44)
 * rejects "TAP version 14" as a parse error, and what we emit (plan,
 * ok/not ok, "# SKIP", YAML diagnostics) reads the same under both.
 * A failure or error carries a YAML block: expected, observed, source.
 */
#include "runner.h"

static void yaml(FILE *f, const char *key, const char *value)
{
	fprintf(f, "  %s: ", key);
	xrc_put_yaml_str(f, value);
	fputc('\n', f);
}

static void diagnostics(FILE *f, const struct xrc_run *run, unsigned k)
{
	const struct xrc_assertion *a = &run->cat[run->sel[k]];
	const struct xrc_result *r = &run->res[k];
	char want[48], seen[64], agree[128];

	fprintf(f, "  ---\n");
	yaml(f, "message", r->reason);
	yaml(f, "severity", r->verdict == XRC_V_FAIL ? "fail" : "error");
	yaml(f, "statement", a->statement);
	yaml(f, "profile", xrc_profile_names[run->opt->profile]);
	yaml(f, "expected", xrc_expect_str(xrc_expect_of(a, run->opt->profile),
					   want, sizeof(want)));
	yaml(f, "observed", xrc_result_observed(a, r, seen, sizeof(seen)));
	if (r->has_obs && r->obs.what[0])
		yaml(f, "call", r->obs.what);
	if (r->has_obs && r->obs.where[0])
		yaml(f, "at", r->obs.where);
	yaml(f, "agreeing", xrc_agree_str(r, agree, sizeof(agree)));
	yaml(f, "source", a->source);
	fprintf(f, "  ...\n");
}

/* A description or directive must stay on its line. */
static void one_line(FILE *f, const char *s)
{
	xrc_put_field(f, s);
}

void xrc_report_tap(FILE *f, const struct xrc_run *run)
{
	char what[512], fx[300];
	unsigned k;

	fprintf(f, "TAP version 13\n");
	fprintf(f, "# xrc-conformance: %s\n",
		xrc_run_str(run, what, sizeof(what)));
	fprintf(f, "# fixture: %s\n", xrc_fixture_str(run, fx, sizeof(fx)));
	xrc_report_meta(f, run, "# ");
	fprintf(f, "1..%u\n", run->nr);
	/* The run stopped before any assertion (main.c): say why to a harness. */
	if (run->fx->unmappable) {
		fprintf(f, "Bail out! fixture: ");
		one_line(f, run->fx->reason);
		fputc('\n', f);
	}
	for (k = 0; k < run->nr; k++) {
		const struct xrc_result *r = &run->res[k];
		const char *id = run->cat[run->sel[k]].id;

		switch (r->verdict) {
		case XRC_V_PASS:
			fprintf(f, "ok %u - %s\n", k + 1, id);
			break;
		case XRC_V_SKIP:
			fprintf(f, "ok %u - %s # SKIP ", k + 1, id);
			one_line(f, r->reason);
			fputc('\n', f);
			break;
		default:
			fprintf(f, "not ok %u - %s\n", k + 1, id);
			diagnostics(f, run, k);
			break;
		}
	}
}
