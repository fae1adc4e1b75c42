/* SPDX-License-Identifier: MIT */
/*
 * xrc-report-html: one or more runs' results.tsv as one self-contained
 * HTML page (the matrix of assertions x runs), what `xrc report --format
 * html` runs.  The page is written by conformance/suite/runner/
 * report_html.c, the code the runner's own results.html comes from.
 *
 *   xrc-report-html [--out FILE] RUN...     RUN: a results.tsv or its folder
 *
 * exit: 0 written; 2 a bad command line or a RUN that is not a results.tsv.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../runner/report_html.h"

#define EXIT_BAD	2

static void usage(FILE *f)
{
	fputs("usage: xrc-report-html [--out FILE] RUN...\n"
	      "\n"
	      "Renders the results.tsv of each RUN (the file, or a folder holding\n"
	      "it, e.g. build/results/sim-linux) as one self-contained HTML page:\n"
	      "one column per run, headed by what it tested (backend, profile,\n"
	      "kernel, Xen), one row per assertion, filters in the page.\n"
	      "\n"
	      "  --out FILE   write FILE (default: stdout)\n"
	      "\n"
	      "exit: 0 written, 2 a bad command line or a RUN that is not a\n"
	      "results.tsv.\n", f);
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "xrc-report-html: %s%s\ntry 'xrc-report-html --help'\n",
		what, arg);
	return EXIT_BAD;
}

/* RUN as a path to its results.tsv (malloc'd), or NULL. */
static char *tsv_path(const char *run)
{
	struct stat st;
	size_t n = strlen(run);
	char *p;

	if (stat(run, &st) == 0 && S_ISDIR(st.st_mode)) {
		p = malloc(n + sizeof("/results.tsv"));
		if (p)
			snprintf(p, n + sizeof("/results.tsv"), "%s%sresults.tsv",
				 run, n && run[n - 1] == '/' ? "" : "/");
		return p;
	}
	return strdup(run);
}

static int add_run(struct xrc_html *h, const char *run)
{
	char err[600], *path = tsv_path(run);
	FILE *f;
	int rc = 0;

	if (!path)
		return bad("out of memory", "");
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "xrc-report-html: cannot read %s: %s\n", path,
			strerror(errno));
		free(path);
		return EXIT_BAD;
	}
	if (xrc_html_add_tsv(h, f, path, err, sizeof(err))) {
		fprintf(stderr, "xrc-report-html: %s\n", err);
		rc = EXIT_BAD;
	}
	fclose(f);
	free(path);
	return rc;
}

/* Write through a temporary name, so a reader never sees half a page. */
static int write_out(const struct xrc_html *h, const char *out)
{
	char *tmp;
	size_t n;
	FILE *f;
	int rc = 0;

	if (!out) {
		if (xrc_html_write(stdout, h) || fflush(stdout)) {
			fprintf(stderr, "xrc-report-html: cannot write stdout\n");
			return EXIT_BAD;
		}
		return 0;
	}
	n = strlen(out) + 32;
	tmp = malloc(n);
	if (!tmp)
		return bad("out of memory", "");
	snprintf(tmp, n, "%s.tmp.%ld", out, (long)getpid());
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "xrc-report-html: cannot write %s: %s\n", out,
			strerror(errno));
		free(tmp);
		return EXIT_BAD;
	}
	if (xrc_html_write(f, h))
		rc = EIO;
	if (fclose(f) && !rc)
		rc = errno;
	if (!rc && rename(tmp, out) < 0)
		rc = errno;
	if (rc) {
		fprintf(stderr, "xrc-report-html: cannot write %s: %s\n", out,
			strerror(rc));
		unlink(tmp);
	}
	free(tmp);
	return rc ? EXIT_BAD : 0;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	struct xrc_html *h;
	int i, rc = 0, runs = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--out")) {
			if (++i == argc || !*argv[i])
				return bad("--out needs a value", "");
			out = argv[i];
		} else if (!strncmp(argv[i], "--out=", 6)) {
			out = argv[i] + 6;
			if (!*out)
				return bad("--out needs a value", "");
		} else if (!strcmp(argv[i], "--")) {
			runs += argc - i - 1;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return bad("unknown option ", argv[i]);
		} else {
			runs++;
		}
	}
	if (!runs)
		return bad("no run given (a results.tsv or its folder)", "");

	h = xrc_html_new();
	if (!h)
		return bad("out of memory", "");
	for (i = 1; i < argc && !rc; i++) {
		if (!strcmp(argv[i], "--out")) {
			i++;
			continue;
		}
		if (!strncmp(argv[i], "--out=", 6))
			continue;
		if (!strcmp(argv[i], "--")) {
			for (i++; i < argc && !rc; i++)
				rc = add_run(h, argv[i]);
			break;
		}
		rc = add_run(h, argv[i]);
	}
	if (!rc)
		rc = write_out(h, out);
	if (!rc && out)
		fprintf(stderr, "xrc-report-html: %d run%s in %s\n", runs,
			runs == 1 ? "" : "s", out);
	xrc_html_free(h);
	return rc;
}
