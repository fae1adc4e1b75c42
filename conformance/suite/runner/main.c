/* SPDX-License-Identifier: MIT */
/*
 * xrc-conformance: run the catalogue against a device directory.
 *
 * Order of a run: check the catalogue, select (--only), probe the domains
 * once in a child, run every selected assertion in a child of its own
 * (--jobs at a time), judge, print (--format) and write the reports
 * (--out).
 *
 * The runner holds one privcmd handle open for the whole run (the
 * anchor), as any long-lived tool on the host would.  Test children close
 * their copy first thing.  On a real host this changes nothing; under the
 * sim's preload it makes the probe and every test join one machine (the
 * preload gives a machine to the process tree that first opens a device),
 * as every test on a real host shares the one machine, instead of
 * building a fresh one per test (about five times slower).  --isolated
 * leaves the anchor out.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

struct state {
	const struct xrc_options *opt;
	struct xrc_run *run;
	struct xrc_obs *obs;
	struct xrc_job *jobs;
	struct xrc_result *res;
};

/* The anchor handle, closed in every child (-1: none). */
static int anchor = -1;

static void drop_anchor(void)
{
	if (anchor >= 0)
		close(anchor);
}

struct test_arg {
	const struct xrc_assertion *a;
	const struct xrc_options *opt;
	const struct xrc_setup_probe *fx;
};

static void test_child(void *p, int out_fd)
{
	const struct test_arg *arg = p;
	struct xrc_ctx t;

	drop_anchor();
	t = (struct xrc_ctx){
		.a = arg->a,
		.devdir = arg->opt->devdir,
		.fx = arg->fx,
		.out_fd = out_fd,
		.fx_privcmd = -1,
		.transport = arg->opt->transport,
	};

	xrc_child_run_test(&t);
}

static void probe_child(void *p, int out_fd)
{
	const struct xrc_options *opt = p;

	drop_anchor();
	xrc_child_run_probe(opt->devdir, out_fd);
}

static void probe_done(unsigned i, void *ctx)
{
	(void)i;
	(void)ctx;
}

/* The domain probe, in a child like any test (it may hang or crash too). */
static void probe(const struct xrc_options *opt, struct xrc_setup_probe *fx)
{
	struct xrc_job job = {
		.run = probe_child,
		.arg = (void *)opt,
		.msg = fx,
		.msg_size = sizeof(*fx),
	};
	struct xrc_obs how = { 0 };
	struct xrc_result r;
	static const struct xrc_assertion none = { .id = "fixture.probe" };

	memset(fx, 0, sizeof(*fx));
	xrc_run_jobs(&job, 1, 1, opt->timeout, probe_done, NULL);
	if (job.got == sizeof(*fx) && job.end == XRC_END_EXITED &&
	    job.code == 0) {
		fx->reason[sizeof(fx->reason) - 1] = '\0';
		return;
	}
	/* Say how the child ended in the words tests use. */
	job.got = 0;
	xrc_judge(&none, opt->profile, opt->transport, &job, &how, opt->timeout,
		  &r);
	memset(fx, 0, sizeof(*fx));
	fx->broken = true;
	fx->dom.a = fx->dom.b = fx->dom.pv = fx->dom.absent = XRC_NO_DOMAIN;
	xrc_fmt(fx->reason, sizeof(fx->reason), "the domain probe: %s",
		r.reason);
}

static void test_done(unsigned i, void *p)
{
	struct state *s = p;
	const struct xrc_assertion *a = &s->run->cat[s->run->sel[i]];

	xrc_judge(a, s->opt->profile, s->opt->transport, &s->jobs[i],
		  &s->obs[i], s->opt->timeout, &s->res[i]);
	s->run->count[s->res[i].verdict]++;
	if (s->opt->format == XRC_FMT_TEXT) {
		xrc_report_text_line(stdout, s->run, i);
		fflush(stdout);
	}
}

/*
 * An ERROR (or a broken domain probe) decides over a FAIL: a run that
 * broke cannot say whether the backend conforms, and CI must be able to
 * tell "does not conform" (1) from "the run broke" (2).  The totals still
 * count both.
 */
static int exit_code(const struct xrc_run *run)
{
	if (run->count[XRC_V_ERROR] || run->fx->broken)
		return XRC_EXIT_BROKE;
	if (run->count[XRC_V_FAIL])
		return XRC_EXIT_FAIL;
	if (!run->count[XRC_V_PASS])
		return XRC_EXIT_ALL_SKIPPED;
	return XRC_EXIT_CONFORMS;
}

/* The last lines, on the stream that does not spoil the format. */
static void print_end(const struct xrc_run *run)
{
	FILE *f = run->opt->format == XRC_FMT_JUNIT ? stderr : stdout;
	const char *prefix = run->opt->format == XRC_FMT_TAP ? "# " : "";

	if (run->opt->format == XRC_FMT_TEXT || run->opt->format == XRC_FMT_MATRIX)
		fputc('\n', f);
	xrc_report_totals(f, run, prefix, true);
	if (run->opt->out_dir)
		fprintf(f, "%sreports: %s/results.{txt,tap,xml,md,tsv}\n",
			prefix, run->opt->out_dir);
	fflush(f);
}

/*
 * A run where everything skipped because no device node exists under
 * --devdir (a wrong path, an empty folder): say so, or exit 77 alone
 * reads like a backend without the features.
 */
static void note_no_devices(const char *devdir)
{
	static const char *const names[] = { "privcmd", "evtchn", "gntdev",
					     "gntalloc" };
	char path[4096];
	unsigned i;
	int fd;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", devdir, names[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			return;
		}
		if (!xrc_io_absent(errno) && errno != ENOTDIR)
			return;
	}
	fprintf(stderr, "xrc-conformance: note: no device node (privcmd, "
		"evtchn, gntdev, gntalloc) under %s: every assertion "
		"skipped\n", devdir);
}

/* Why nothing was selected, naming the globs as given. */
static void no_match(const struct xrc_options *opt)
{
	unsigned i;

	if (!opt->nr_only) {
		fprintf(stderr, "xrc-conformance: the catalogue is empty\n");
		return;
	}
	fprintf(stderr, "xrc-conformance: no assertion matches --only '");
	for (i = 0; i < opt->nr_only; i++)
		fprintf(stderr, "%s%s", i ? "," : "", opt->only[i]);
	fprintf(stderr, "'\n");
}

static void *alloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		perror("xrc-conformance");
		exit(XRC_EXIT_BROKE);
	}
	return p;
}

int main(int argc, char **argv)
{
	struct xrc_options opt;
	struct xrc_setup_probe fx;
	struct xrc_run run = { .opt = &opt, .fx = &fx, .cat = xrc_catalogue };
	struct state s = { .opt = &opt, .run = &run };
	struct test_arg *args;
	unsigned *sel;
	unsigned i, nr = 0;
	double t0;
	int rc;

	/* A closed stdout (| head) must not kill us before the children. */
	signal(SIGPIPE, SIG_IGN);
	rc = xrc_parse_options(argc, argv, &opt);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (opt.profiles) {
		/* name, base ("-": none), code, summary: `xrc profiles`. */
		for (i = 0; i < XRC_NR_PROFILES; i++) {
			const struct xrc_profile_info *pi = &xrc_profiles[i];

			printf("%s\t%s\t%c\t%s\n", pi->name,
			       pi->base == XRC_P_ROOT ? "-" :
			       xrc_profile_names[pi->base], pi->code,
			       pi->summary);
		}
		return 0;
	}
	if (xrc_check_catalogue(xrc_catalogue, xrc_catalogue_len, stderr))
		return XRC_EXIT_BROKE;

	sel = alloc(xrc_catalogue_len, sizeof(*sel));
	for (i = 0; i < xrc_catalogue_len; i++)
		if (xrc_selected(&opt, xrc_catalogue[i].id))
			sel[nr++] = i;
	/* An --only that keeps nothing is a mistake, listing or running. */
	if (!nr) {
		no_match(&opt);
		free(sel);
		return XRC_EXIT_BROKE;
	}
	if (opt.list) {
		for (i = 0; i < nr; i++)
			printf("%s\t%s\n", xrc_catalogue[sel[i]].id,
			       xrc_catalogue[sel[i]].statement);
		free(sel);
		return 0;
	}

	t0 = xrc_now();
	if (!opt.isolated)
		anchor = xrc_io_open_privcmd(opt.devdir);
	run.sel = sel;
	run.nr = nr;
	probe(&opt, &fx);
	/*
	 * Target a's memory cannot be mapped (setup/probe.c, check_mappable):
	 * every row that reads a guest page would FAIL or ERROR for a reason
	 * that has nothing to do with restrict.  Stop before any assertion;
	 * the reports carry the reason in their fixture line.
	 */
	if (fx.unmappable) {
		fprintf(stderr, "xrc-conformance: the run broke before any assertion: "
			"fixture: %s\n", fx.reason);
		nr = 0;
		run.nr = 0;
	}

	s.obs = alloc(nr, sizeof(*s.obs));
	s.jobs = alloc(nr, sizeof(*s.jobs));
	s.res = alloc(nr, sizeof(*s.res));
	args = alloc(nr, sizeof(*args));
	run.res = s.res;
	for (i = 0; i < nr; i++) {
		args[i] = (struct test_arg){ .a = &xrc_catalogue[sel[i]],
					     .opt = &opt, .fx = &fx };
		s.jobs[i] = (struct xrc_job){ .run = test_child,
					      .arg = &args[i],
					      .msg = &s.obs[i],
					      .msg_size = sizeof(s.obs[i]) };
	}

	if (opt.format == XRC_FMT_TEXT) {
		xrc_report_text_header(stdout, &run);
		fflush(stdout);
	}
	xrc_run_jobs(s.jobs, nr, opt.jobs, opt.timeout, test_done, &s);
	run.wall = xrc_now() - t0;

	switch (opt.format) {
	case XRC_FMT_TAP:
		xrc_report_tap(stdout, &run);
		break;
	case XRC_FMT_JUNIT:
		xrc_report_junit(stdout, &run);
		break;
	case XRC_FMT_MATRIX:
		xrc_report_matrix(stdout, &run);
		break;
	default:
		break;	/* text went out line by line */
	}
	rc = exit_code(&run);
	/* Reports that could not be written: the run broke, whatever it found. */
	if (opt.out_dir && xrc_write_reports(&run))
		rc = XRC_EXIT_BROKE;
	print_end(&run);
	if (rc == XRC_EXIT_ALL_SKIPPED)
		note_no_devices(opt.devdir);
	drop_anchor();
	free(args);
	free(s.res);
	free(s.jobs);
	free(s.obs);
	free(sel);
	return rc;
}
