/* SPDX-License-Identifier: MIT */
/*
 * The human summary: a header, one line per assertion in catalogue
 * order, the totals.  Lines on stdout appear as results come in.
 */
#include "runner.h"

void xrc_report_text_header(FILE *f, const struct xrc_run *run)
{
	char what[512], fx[300];

	fprintf(f, "xrc-conformance: %s; %u assertion%s\n",
		xrc_run_str(run, what, sizeof(what)), run->nr,
		run->nr == 1 ? "" : "s");
	fprintf(f, "fixture: %s\n", xrc_fixture_str(run, fx, sizeof(fx)));
	xrc_report_meta(f, run, "");
	fputc('\n', f);
}

void xrc_report_text_line(FILE *f, const struct xrc_run *run, unsigned k)
{
	const struct xrc_assertion *a = &run->cat[run->sel[k]];
	const struct xrc_result *r = &run->res[k];
	char seen[64];

	fprintf(f, "%-5s %s", xrc_verdict_names[r->verdict], a->id);
	if (r->verdict == XRC_V_PASS)
		fprintf(f, " (%s%s%s)",
			xrc_result_observed(a, r, seen, sizeof(seen)),
			r->reason[0] ? ", " : "", r->reason);
	else
		fprintf(f, ": %s", r->reason);
	/* A FAIL points at the judged call: its text and where it is. */
	if (r->verdict == XRC_V_FAIL && r->has_obs &&
	    r->obs.kind == XRC_O_RESULT && r->obs.where[0])
		fprintf(f, " [%s at %s]", r->obs.what, r->obs.where);
	fputc('\n', f);
}

void xrc_report_text(FILE *f, const struct xrc_run *run)
{
	unsigned k;

	xrc_report_text_header(f, run);
	for (k = 0; k < run->nr; k++)
		xrc_report_text_line(f, run, k);
	fputc('\n', f);
	xrc_report_totals(f, run, "", true);
}
