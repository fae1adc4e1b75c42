/* SPDX-License-Identifier: MIT */
/*
 * The Markdown conformance matrix: one row per assertion, one column per
 * profile holding that profile's expectation and whether the observed
 * outcome satisfies it (✓/✗; no mark when nothing was observed), then
 * the observation and the verdict against the judged (bold) column.
 */
#include "runner.h"

static void header(FILE *f, const struct xrc_run *run)
{
	int p;

	fprintf(f, "| assertion |");
	for (p = 0; p < XRC_NR_PROFILES; p++)
		fprintf(f, p == run->opt->profile ? " **%s** |" : " %s |",
			xrc_profile_names[p]);
	fprintf(f, " observed | verdict |\n|---|");
	for (p = 0; p < XRC_NR_PROFILES; p++)
		fprintf(f, "---|");
	fprintf(f, "---|---|\n");
}

static void row(FILE *f, const struct xrc_run *run, unsigned k)
{
	const struct xrc_assertion *a = &run->cat[run->sel[k]];
	const struct xrc_result *r = &run->res[k];
	bool judged = r->has_obs && (r->obs.kind == XRC_O_RESULT ||
				     r->obs.kind == XRC_O_SKIP) &&
		      !(r->verdict == XRC_V_ERROR);
	char want[48], seen[64];
	int p;

	fprintf(f, "| `%s` |", a->id);
	for (p = 0; p < XRC_NR_PROFILES; p++) {
		xrc_expect_str(xrc_expect_of(a, p), want, sizeof(want));
		fprintf(f, " ");
		if (p == run->opt->profile)
			fprintf(f, "**");
		xrc_put_md_cell(f, want);
		if (judged)
			fprintf(f, " %s", r->agree & (1u << p) ? "✓" : "✗");
		if (p == run->opt->profile)
			fprintf(f, "**");
		fprintf(f, " |");
	}
	fprintf(f, " ");
	xrc_put_md_cell(f, xrc_result_observed(a, r, seen, sizeof(seen)));
	fprintf(f, " | %s", xrc_verdict_names[r->verdict]);
	if (r->verdict != XRC_V_PASS || r->unspecified) {
		fprintf(f, ": ");
		xrc_put_md_cell(f, r->reason);
	}
	fprintf(f, " |\n");
}

void xrc_report_matrix(FILE *f, const struct xrc_run *run)
{
	char what[512], fx[300];
	unsigned k;

	fprintf(f, "# Conformance matrix\n\n");
	fprintf(f, "%s.  \n", xrc_run_str(run, what, sizeof(what)));
	fprintf(f, "Fixture: ");
	xrc_put_md_cell(f, xrc_fixture_str(run, fx, sizeof(fx)));
	fprintf(f, ".  \n");
	for (k = 0; k < run->opt->nr_meta; k++) {
		fprintf(f, "%s: ", run->opt->meta[k].key);
		xrc_put_md_cell(f, run->opt->meta[k].value);
		fprintf(f, ".  \n");
	}
	xrc_report_totals(f, run, "", true);
	fprintf(f, "\n");
	header(f, run);
	for (k = 0; k < run->nr; k++)
		row(f, run, k);
	fprintf(f, "\nEach profile cell: what that profile's sources expect,\n"
		"and ✓ if the observed outcome satisfies it, ✗ if not (no\n"
		"mark: nothing was observed).  DENIED = EPERM or EACCES;\n"
		"UNSUPPORTED = ENOSYS, EOPNOTSUPP or ENOTTY; SKIP = the\n"
		"feature is absent; unspecified = the source is silent.\n"
		"The verdict is against the bold column.\n");
}
