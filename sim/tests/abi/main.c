/* SPDX-License-Identifier: MIT */
/*
 * xsim-abi-check: "a program that uses only the Linux uapi headers gets,
 * under the preload with XENSIM_PROFILE=linux, the answers a real Linux
 * 6.1 dom0 gives; with proposed, the contract".
 *
 *   XENSIM_PROFILE=linux LD_PRELOAD=$PWD/build/lib/libxensim-preload.so \
 *	build/bin/xsim-abi-check
 *
 * XENSIM_PROFILE picks the expectations (default proposed, as the
 * simulator's default); XENSIM_CALLER_DOMID=1 with linux-xsa482 checks a
 * domU's view.  The expectations are written for the default world
 * (sim/machine/worldfile.c), so a run on another world is refused.
 * Output is TAP, one line per check, in a fixed order; exit status 1 if
 * any check failed.  A listed profile (or caller) this program has no
 * column for is a skip: the plan "1..0 # SKIP ...", exit status 0.  A
 * name the list does not have is an error (exit status 2).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xensim/profile-list.h>

#include "abi.h"

enum abi_col abi_col;
const char *abi_profile;

/* The list's profiles by symbol, so that this file spells no name. */
enum listed {
#define X_LISTED(sym, name, base, code, summary, mirrors) LISTED_##sym,
	XSIM_PROFILE_LIST(X_LISTED)
#undef X_LISTED
	NR_LISTED
};

static const char *const listed_name[NR_LISTED] = {
#define X_NAME(sym, name, base, code, summary, mirrors) [LISTED_##sym] = name,
	XSIM_PROFILE_LIST(X_NAME)
#undef X_NAME
};

/*
 * The column each listed profile reads, for a dom0 and for a domU 1
 * caller (NO_COLUMN: none).  A listed profile without an entry (a port's
 * new one) has no expectations here: its run is skipped, and the
 * conformance catalogue judges it.
 */
#define NO_COLUMN	NR_COLS
static const struct {
	bool known;
	enum abi_col dom0, domu;
} columns[NR_LISTED] = {
	[LISTED_PROPOSED] = { true, COL_PROPOSED, NO_COLUMN },
	[LISTED_LINUX] = { true, COL_LINUX, NO_COLUMN },
	[LISTED_LINUX_XSA482] = { true, COL_LINUX, COL_XSA482_DOMU },
	[LISTED_FREEBSD] = { true, COL_FREEBSD, NO_COLUMN },
	[LISTED_NETBSD] = { true, COL_NETBSD, NO_COLUMN },
};

static void bail_out(const char *fmt, const char *arg)
{
	fputs("Bail out! ", stdout);
	printf(fmt, arg);
	fputc('\n', stdout);
	exit(2);
}

/* TAP's "nothing to run here": a plan of 0 with the reason, exit 0. */
static void skip_all(unsigned long caller)
{
	printf("1..0 # SKIP no ABI expectations for profile %s", abi_profile);
	if (caller)
		printf(" with a caller in domain %lu", caller);
	printf(" (the catalogue judges it)\n");
	exit(0);
}

static unsigned long caller_domid(void)
{
	const char *s = getenv("XENSIM_CALLER_DOMID");
	unsigned long v;
	char *end;

	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end)
		bail_out("XENSIM_CALLER_DOMID='%s' is not a number", s);
	return v;
}

static enum listed find_listed(const char *name)
{
	char names[256] = "";
	size_t used = 0;
	int i;

	for (i = 0; i < NR_LISTED; i++)
		if (!strcmp(listed_name[i], name))
			return (enum listed)i;
	for (i = 0; i < NR_LISTED && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used,
					 "%s%s", i ? ", " : "", listed_name[i]);
	printf("Bail out! no profile '%s' (profiles: %s)\n", name, names);
	exit(2);
}

static void pick_column(void)
{
	unsigned long caller = caller_domid();
	enum listed p;
	enum abi_col col = NO_COLUMN;

	abi_profile = getenv("XENSIM_PROFILE");
	if (!abi_profile || !*abi_profile)	/* the sim's default */
		abi_profile = listed_name[LISTED_PROPOSED];
	p = find_listed(abi_profile);
	note("xsim-abi-check: profile %s, caller domain %lu", abi_profile,
	     caller);
	if (columns[p].known && caller == 0)
		col = columns[p].dom0;
	else if (columns[p].known && caller == 1)
		col = columns[p].domu;
	if (col == NO_COLUMN)
		skip_all(caller);
	abi_col = col;
	/* The checks assume the default world, freshly created for this run. */
	if (getenv("XENSIM_WORLD"))
		bail_out("XENSIM_WORLD is set (%s): the expectations are for "
			 "the default world", getenv("XENSIM_WORLD"));
	if (getenv("XENSIM_WORLD_FD"))
		bail_out("XENSIM_WORLD_FD is set (%s): the expectations are for "
			 "a fresh default world", getenv("XENSIM_WORLD_FD"));
	if (!getenv("LD_PRELOAD"))
		note("LD_PRELOAD is not set: checking the real devices");
}

/*
 * --runs: the runs this program has expectations for, one a line,
 * "PROFILE CALLER-DOMID", so that the test suite runs exactly those.
 */
static void print_runs(void)
{
	int i;

	for (i = 0; i < NR_LISTED; i++) {
		if (!columns[i].known)
			continue;
		if (columns[i].dom0 != NO_COLUMN)
			printf("%s 0\n", listed_name[i]);
		if (columns[i].domu != NO_COLUMN)
			printf("%s 1\n", listed_name[i]);
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "--runs")) {
		print_runs();
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: %s [--runs]\n", argv[0]);
		return 2;
	}
	pick_column();
	privcmd_checks();
	evtchn_checks();
	gntdev_checks();
	gntalloc_checks();
	return report_summary();
}
