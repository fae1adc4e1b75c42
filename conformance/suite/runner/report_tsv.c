/* SPDX-License-Identifier: MIT */
/*
 * results.tsv, for machines (scripts/xrc report merges several): "# key:
 * value" metadata lines, then a header line naming the tab-separated
 * columns, then one line per assertion.  No field holds a tab or a
 * newline; an empty one is "-".  No timings, so two runs diff equal.
 */
#include "runner.h"

static void field(FILE *f, const char *s, bool last)
{
	xrc_put_field(f, *s ? s : "-");
	fputc(last ? '\n' : '\t', f);
}

void xrc_report_tsv(FILE *f, const struct xrc_run *run)
{
	char fx[300], want[48], seen[64], agree[128];
	unsigned k;

	fprintf(f, "# xrc-conformance results, one line per assertion\n");
	fprintf(f, "# backend: %s\n", run->opt->backend);
	fprintf(f, "# profile: %s\n", xrc_profile_names[run->opt->profile]);
	fprintf(f, "# devdir: %s\n", run->opt->devdir);
	fprintf(f, "# fixture: ");
	xrc_put_field(f, xrc_fixture_str(run, fx, sizeof(fx)));
	fputc('\n', f);
	/* --meta: the booted kernel, Xen, drivers (scripts/xrc-lib/_vm.sh). */
	xrc_report_meta(f, run, "# ");
	fprintf(f, "# columns: id; verdict (PASS FAIL SKIP ERROR); "
		"observed (return value, errno name, SKIP, ERROR or none); "
		"expected (the judged profile's column); "
		"agreeing (profiles whose column the observation satisfies); "
		"reason; statement; source (the catalogue's, for results.html)\n");
	/* statement and source last: readers find columns by name, and the
	 * ones that count positions read only the first six. */
	fprintf(f, "# id\tverdict\tobserved\texpected\tagreeing\treason"
		"\tstatement\tsource\n");
	for (k = 0; k < run->nr; k++) {
		const struct xrc_assertion *a = &run->cat[run->sel[k]];
		const struct xrc_result *r = &run->res[k];

		field(f, a->id, false);
		field(f, xrc_verdict_names[r->verdict], false);
		field(f, xrc_result_observed(a, r, seen, sizeof(seen)), false);
		field(f, xrc_expect_str(xrc_expect_of(a, run->opt->profile), want,
					sizeof(want)), false);
		field(f, xrc_agree_str(r, agree, sizeof(agree)), false);
		field(f, r->reason, false);
		field(f, a->statement, false);
		field(f, a->source, true);
	}
}
