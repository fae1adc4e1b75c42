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
 * any check failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"

enum abi_col abi_col;
const char *abi_profile;

/* Which column each profile reads, for a dom0 and for a domU caller. */
static const struct {
	const char *name;
	enum abi_col dom0, domu;
} profiles[] = {
	{ "proposed", COL_PROPOSED, NR_COLS },
	{ "linux", COL_LINUX, NR_COLS },
	{ "linux-xsa482", COL_LINUX, COL_XSA482_DOMU },
	{ "freebsd", COL_FREEBSD, NR_COLS },
	{ "netbsd", COL_NETBSD, NR_COLS },
};

#define NR_PROFILES	(sizeof(profiles) / sizeof(profiles[0]))

static void bail_out(const char *fmt, const char *arg)
{
	fputs("Bail out! ", stdout);
	printf(fmt, arg);
	fputc('\n', stdout);
	exit(2);
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

static void pick_column(void)
{
	unsigned long caller = caller_domid();
	size_t i;

	abi_profile = getenv("XENSIM_PROFILE");
	if (!abi_profile || !*abi_profile)
		abi_profile = "proposed";
	for (i = 0; i < NR_PROFILES; i++)
		if (!strcmp(profiles[i].name, abi_profile))
			break;
	if (i == NR_PROFILES)
		bail_out("no expectations for profile '%s' (proposed, linux, "
			 "linux-xsa482, freebsd, netbsd)", abi_profile);
	if (caller == 0) {
		abi_col = profiles[i].dom0;
	} else if (caller == 1 && profiles[i].domu != NR_COLS) {
		abi_col = profiles[i].domu;
	} else {
		bail_out("expectations exist for a dom0 caller, and for domU 1 "
			 "under linux-xsa482 only (profile %s)", abi_profile);
	}
	/* The checks assume the default world, freshly created for this run. */
	if (getenv("XENSIM_WORLD"))
		bail_out("XENSIM_WORLD is set (%s): the expectations are for "
			 "the default world", getenv("XENSIM_WORLD"));
	if (getenv("XENSIM_WORLD_FD"))
		bail_out("XENSIM_WORLD_FD is set (%s): the expectations are for "
			 "a fresh default world", getenv("XENSIM_WORLD_FD"));
	note("xsim-abi-check: profile %s, caller domain %lu", abi_profile,
	     caller);
	if (!getenv("LD_PRELOAD"))
		note("LD_PRELOAD is not set: checking the real devices");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	pick_column();
	privcmd_checks();
	evtchn_checks();
	gntdev_checks();
	gntalloc_checks();
	return report_summary();
}
