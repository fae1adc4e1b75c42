/* SPDX-License-Identifier: MIT */
/*
 * JUnit XML, the shape CI servers read: one <testsuite> with the counts,
 * one <testcase> per assertion (classname = device.group), <failure>,
 * <error> and <skipped> with the reason as message.
 *
 * It follows the schema of the Jenkins xunit plugin (junit-10.xsd), which
 * GitLab's reader also accepts: <testsuites> takes tests, failures,
 * errors and time but no skipped (only <testsuite> does).
 * conformance/suite/tests/junit-schema.sh validates every run against it.
 */
#include <string.h>

#include "runner.h"

static void attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	xrc_put_xml(f, value);
	fputc('"', f);
}

static void property(FILE *f, const char *name, const char *value)
{
	fprintf(f, "      <property");
	attr(f, "name", name);
	attr(f, "value", value);
	fprintf(f, "/>\n");
}

/* The counts; "skipped" only on <testsuite> (the schema has none above). */
static void counts(FILE *f, const struct xrc_run *run, bool skipped)
{
	fprintf(f, " tests=\"%u\" failures=\"%u\" errors=\"%u\"",
		run->nr, run->count[XRC_V_FAIL], run->count[XRC_V_ERROR]);
	if (skipped)
		fprintf(f, " skipped=\"%u\"", run->count[XRC_V_SKIP]);
	fprintf(f, " time=\"%.3f\"", run->wall);
}

static void details(FILE *f, const struct xrc_run *run, unsigned k)
{
	const struct xrc_assertion *a = &run->cat[run->sel[k]];
	const struct xrc_result *r = &run->res[k];
	char want[48], seen[64], agree[128];

	fprintf(f, "statement: ");
	xrc_put_xml(f, a->statement);
	fprintf(f, "\nexpected (%s): ", xrc_profile_names[run->opt->profile]);
	xrc_put_xml(f, xrc_expect_str(xrc_expect_of(a, run->opt->profile), want,
				      sizeof(want)));
	fprintf(f, "\nobserved: ");
	xrc_put_xml(f, xrc_result_observed(a, r, seen, sizeof(seen)));
	if (r->has_obs && r->obs.what[0]) {
		fprintf(f, "\ncall: ");
		xrc_put_xml(f, r->obs.what);
	}
	fprintf(f, "\nagreeing profiles: ");
	xrc_put_xml(f, xrc_agree_str(r, agree, sizeof(agree)));
	fprintf(f, "\nsource: ");
	xrc_put_xml(f, a->source);
	fputc('\n', f);
}

static void testcase(FILE *f, const struct xrc_run *run, unsigned k)
{
	const struct xrc_result *r = &run->res[k];
	const char *id = run->cat[run->sel[k]].id;
	const char *last = strrchr(id, '.');
	char cls[128];
	int n = last ? (int)(last - id) : (int)strlen(id);

	xrc_fmt(cls, sizeof(cls), "%.*s", n, id);
	fprintf(f, "    <testcase");
	attr(f, "classname", cls);
	attr(f, "name", id);
	fprintf(f, " time=\"%.3f\"", r->secs);
	switch (r->verdict) {
	case XRC_V_PASS:
		fprintf(f, "/>\n");
		return;
	case XRC_V_SKIP:
		fprintf(f, ">\n      <skipped");
		attr(f, "message", r->reason);
		fprintf(f, "/>\n");
		break;
	default:
		fprintf(f, ">\n      <%s",
			r->verdict == XRC_V_FAIL ? "failure" : "error");
		attr(f, "message", r->reason);
		attr(f, "type", xrc_verdict_names[r->verdict]);
		fprintf(f, ">");
		details(f, run, k);
		fprintf(f, "</%s>\n",
			r->verdict == XRC_V_FAIL ? "failure" : "error");
		break;
	}
	fprintf(f, "    </testcase>\n");
}

void xrc_report_junit(FILE *f, const struct xrc_run *run)
{
	char name[200], fx[300];
	unsigned k;

	xrc_fmt(name, sizeof(name), "xrc-conformance.%s.%s", run->opt->backend,
		xrc_profile_names[run->opt->profile]);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites");
	attr(f, "name", "xrc-conformance");
	counts(f, run, false);
	fprintf(f, ">\n  <testsuite");
	attr(f, "name", name);
	counts(f, run, true);
	fprintf(f, ">\n    <properties>\n");
	property(f, "backend", run->opt->backend);
	property(f, "profile", xrc_profile_names[run->opt->profile]);
	property(f, "devdir", run->opt->devdir);
	property(f, "fixture", xrc_fixture_str(run, fx, sizeof(fx)));
	for (k = 0; k < run->opt->nr_meta; k++)
		property(f, run->opt->meta[k].key, run->opt->meta[k].value);
	fprintf(f, "    </properties>\n");
	for (k = 0; k < run->nr; k++)
		testcase(f, run, k);
	fprintf(f, "  </testsuite>\n</testsuites>\n");
}
