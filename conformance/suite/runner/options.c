/* SPDX-License-Identifier: MIT */
/*
 * The command line, and the --only filter.
 */
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

/* The project's one version, from the file VERSION at the top of the tree
 * (install.mk passes it to this file alone). */
#ifndef XRC_VERSION
#error "XRC_VERSION is not defined: build through the top Makefile"
#endif

#define DEFAULT_TIMEOUT	10.0
#define MAX_JOBS	64u

static void usage(FILE *f)
{
	fprintf(f,
"usage: xrc-conformance [--devdir DIR] [--profile EXPECTED]\n"
"                       [--format text|tap|junit|matrix] [--out DIR]\n"
"                       [--only GLOB[,GLOB...]] [--jobs N] [--timeout S]\n"
"                       [--backend NAME] [--transport native|cuse]\n"
"                       [--meta KEY=VALUE]... [--isolated] [--list]\n"
"                       [--profiles] [--version]\n"
"\n"
"Runs the restrict contract catalogue against the devices under DIR\n"
"(default /dev/xen), each assertion in a process of its own, and judges\n"
"every outcome by the EXPECTED profile's column (default proposed).\n"
"\n"
"  --devdir DIR     where privcmd, evtchn, gntdev and gntalloc are\n"
"  --profile P      the column to judge by (see --profiles)\n"
"  --format F       what goes to stdout: text (default), tap, junit, matrix\n"
"  --out DIR        write DIR/results.{txt,tap,xml,md,tsv}\n"
"  --only GLOB      only IDs matching a glob (repeat or comma-separate)\n"
"  --jobs N         run N assertions at once (default: online CPUs)\n"
"  --timeout S      seconds before an assertion is killed (default %g)\n"
"  --backend NAME   what is under test, for the reports (default: devdir)\n"
"  --meta KEY=VALUE a line \"KEY: VALUE\" in every report's header (results.tsv,\n"
"                   TAP, JUnit <property>, text, Markdown), in the order\n"
"                   given; KEY is [a-z0-9.-]+ (not backend, profile, devdir,\n"
"                   fixture, columns), VALUE one line; repeatable\n"
"  --transport T    how the devices are served: native (default: a kernel\n"
"                   driver or the sim's preload) or cuse (a CUSE daemon,\n"
"                   e.g. xensim-cuse).  Under cuse, ENOTTY where a row wants\n"
"                   ENOSYS passes, with the reason \"ENOSYS seen as ENOTTY\"\n"
"                   (FUSE turns ENOSYS into ENOTTY: Linux fs/fuse/ioctl.c);\n"
"                   nothing else is relaxed.  Whatever the transport, rows\n"
"                   that need a mapping SKIP when the run's probe finds a\n"
"                   device that cannot be mmapped (ENODEV, as on CUSE)\n"
"  --isolated       hold no handle across tests (on the sim: a fresh machine\n"
"                   per test, slower)\n"
"  --list           print ID<TAB>statement of each selected assertion\n"
"  --profiles       print the profiles: name, base, code, summary (tabs)\n"
"  --version        print \"xrc-conformance VERSION\" and exit\n"
"\n"
"exit: 0 conforms (no FAIL, no ERROR, a PASS), 1 some FAIL and no ERROR,\n"
"2 the run broke (an ERROR, even beside FAILs; bad usage; the domain probe\n"
"failed; --only matching nothing), 77 all skipped (also: no devices at all\n"
"under DIR).  The totals count FAILs and ERRORs alike.\n",
		DEFAULT_TIMEOUT);
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "xrc-conformance: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\ntry 'xrc-conformance --help'\n");
	return XRC_EXIT_BROKE;
}

static int add_only(struct xrc_options *o, char *list)
{
	char *save = NULL, *g;

	for (g = strtok_r(list, ",", &save); g; g = strtok_r(NULL, ",", &save)) {
		if (o->nr_only == XRC_MAX_ONLY)
			return bad("too many --only globs (at most %s)", "32");
		o->only[o->nr_only++] = g;
	}
	return 0;
}

/*
 * --meta KEY=VALUE: a key of [a-z0-9.-]+ that no header line of the
 * reports already uses (results.tsv is read as "# KEY: VALUE" lines), given
 * once; a value on one line.
 */
static int add_meta(struct xrc_options *o, char *kv)
{
	static const char *const taken[] = {
		"backend", "profile", "devdir", "fixture", "columns",
	};
	char *eq = strchr(kv, '=');
	unsigned i;

	if (!eq || eq == kv)
		return bad("--meta wants KEY=VALUE, not '%s'", kv);
	*eq = '\0';
	if (strspn(kv, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(kv))
		return bad("--meta: the key '%s' is not [a-z0-9.-]+", kv);
	for (i = 0; i < sizeof(taken) / sizeof(taken[0]); i++)
		if (!strcmp(kv, taken[i]))
			return bad("--meta: the key '%s' is a report header of its own", kv);
	for (i = 0; i < o->nr_meta; i++)
		if (!strcmp(kv, o->meta[i].key))
			return bad("--meta: the key '%s' is given twice", kv);
	if (strpbrk(eq + 1, "\t\n\r"))
		return bad("--meta: the value of '%s' holds a tab or a newline", kv);
	if (o->nr_meta == XRC_MAX_META)
		return bad("too many --meta (at most %s)", "32");
	o->meta[o->nr_meta].key = kv;
	o->meta[o->nr_meta++].value = eq + 1;
	return 0;
}

static int parse_format(const char *s, enum xrc_format *f)
{
	static const char *const names[] = {
		[XRC_FMT_TEXT] = "text", [XRC_FMT_TAP] = "tap",
		[XRC_FMT_JUNIT] = "junit", [XRC_FMT_MATRIX] = "matrix",
	};
	unsigned i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*f = (enum xrc_format)i;
			return 0;
		}
	}
	return bad("unknown format '%s' (text, tap, junit, matrix)", s);
}

static int parse_transport(const char *s, enum xrc_transport *t)
{
	if (!strcmp(s, "native"))
		*t = XRC_TR_NATIVE;
	else if (!strcmp(s, "cuse"))
		*t = XRC_TR_CUSE;
	else
		return bad("unknown transport '%s' (native, cuse)", s);
	return 0;
}

static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > (long)MAX_JOBS ? MAX_JOBS : (unsigned)n;
}

/* The device directory without trailing slashes ("/dev/xen/" would make
 * "/dev/xen//privcmd", a path no interposer or udev rule expects). */
static char *tidy_dir(char *d)
{
	size_t n = strlen(d);

	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	return d;
}

int xrc_parse_options(int argc, char **argv, struct xrc_options *o)
{
	enum { O_DEVDIR = 256, O_PROFILE, O_FORMAT, O_OUT, O_ONLY, O_JOBS,
	       O_TIMEOUT, O_BACKEND, O_TRANSPORT, O_LIST, O_PROFILES, O_ISOLATED,
	       O_META, O_HELP, O_VERSION };
	static const struct option longs[] = {
		{ "devdir", required_argument, NULL, O_DEVDIR },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "out", required_argument, NULL, O_OUT },
		{ "only", required_argument, NULL, O_ONLY },
		{ "jobs", required_argument, NULL, O_JOBS },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "backend", required_argument, NULL, O_BACKEND },
		{ "transport", required_argument, NULL, O_TRANSPORT },
		{ "list", no_argument, NULL, O_LIST },
		{ "profiles", no_argument, NULL, O_PROFILES },
		{ "isolated", no_argument, NULL, O_ISOLATED },
		{ "meta", required_argument, NULL, O_META },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ 0 }
	};
	char *end;
	long n;
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->devdir = "/dev/xen";
	o->profile = XRC_P_PROPOSED;
	o->format = XRC_FMT_TEXT;
	o->jobs = default_jobs();
	o->timeout = DEFAULT_TIMEOUT;
	o->backend = "devdir";

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
		switch (c) {
		case O_DEVDIR:
			if (!*optarg)
				return bad("--devdir wants a directory%s", "");
			o->devdir = tidy_dir(optarg);
			break;
		case O_PROFILE:
			o->profile = xrc_profile_by_name(optarg);
			if (o->profile < 0)
				return bad("unknown profile '%s' (see --profiles)",
					   optarg);
			break;
		case O_FORMAT:
			rc = parse_format(optarg, &o->format);
			if (rc)
				return rc;
			break;
		case O_OUT:
			o->out_dir = optarg;
			break;
		case O_ONLY:
			rc = add_only(o, optarg);
			if (rc)
				return rc;
			break;
		case O_JOBS:
			n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 1 || n > (long)MAX_JOBS)
				return bad("--jobs wants a number from 1 to 64, not '%s'",
					   optarg);
			o->jobs = (unsigned)n;
			break;
		case O_TIMEOUT:
			o->timeout = strtod(optarg, &end);
			if (*end || end == optarg || !(o->timeout > 0) ||
			    o->timeout > 86400)
				return bad("--timeout wants seconds (> 0), not '%s'",
					   optarg);
			break;
		case O_BACKEND:
			o->backend = optarg;
			break;
		case O_TRANSPORT:
			rc = parse_transport(optarg, &o->transport);
			if (rc)
				return rc;
			break;
		case O_LIST:
			o->list = true;
			break;
		case O_PROFILES:
			o->profiles = true;
			break;
		case O_ISOLATED:
			o->isolated = true;
			break;
		case O_META:
			rc = add_meta(o, optarg);
			if (rc)
				return rc;
			break;
		case O_VERSION:
			printf("xrc-conformance %s\n", XRC_VERSION);
			return -1;
		case 'h':
		case O_HELP:
			usage(stdout);
			return -1;
		case ':':
			return bad("%s needs a value", argv[optind - 1]);
		default:
			return bad("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	return 0;
}

bool xrc_selected(const struct xrc_options *o, const char *id)
{
	unsigned i;

	if (!o->nr_only)
		return true;
	for (i = 0; i < o->nr_only; i++)
		if (!fnmatch(o->only[i], id, 0))
			return true;
	return false;
}
