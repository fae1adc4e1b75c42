/* SPDX-License-Identifier: MIT */
/*
 * xensim-dm-report: what one process (a device model) did to which
 * domains, read from the world's effect log, split at its first restrict.
 *
 *   xensim-dm-report --pid PID --domid D [--from SEQ] [--unrestricted]
 *
 * For every handle of PID: the domains it touched before the process's
 * first XSIM_EFF_RESTRICT and after it, with what it did; the verdicts
 * (FAIL, FINDING) are judge.c's.
 * Exit 0: no FAIL; 1: some FAIL (or no restrict at all, unless
 * --unrestricted says none is expected); 2: the log could not be read
 * (ring overrun, no world).  Joins the world named by XENSIM_WORLD_NAME,
 * else the one whose descriptor XENSIM_WORLD_FD names.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xensim/device.h>
#include <xensim/effect.h>
#include <xensim/world.h>

#include "judge.h"

#define CHUNK		4096
/* How long a device model may take to restrict after "running" (ms). */
#define RESTRICT_WAIT_MS	10000

static struct dm_judge judge;

/* Has pid restricted a handle yet?  -1: the log cannot be read. */
static int restricted_yet(struct xsim_world *w, uint64_t from)
{
	static struct xsim_effect buf[CHUNK];
	uint64_t end = xsim_effect_next(w);
	long n, i;

	while (from < end) {
		n = xsim_effect_read(w, from, buf, CHUNK);
		if (n <= 0)
			return n < 0 ? -1 : 0;
		for (i = 0; i < n; i++)
			if (buf[i].pid == judge.pid &&
			    buf[i].kind == XSIM_EFF_RESTRICT)
				return 1;
		from += (uint64_t)n;
	}
	return 0;
}

static int scan(struct xsim_world *w, uint64_t from)
{
	static struct xsim_effect buf[CHUNK];
	uint64_t end = xsim_effect_next(w);
	long n, i;

	while (from < end) {
		n = xsim_effect_read(w, from, buf, CHUNK);
		if (n < 0) {
			fprintf(stderr, "xensim-dm-report: effect log from #%llu: "
				"%s (the ring wrapped; run shorter)\n",
				(unsigned long long)from, strerror((int)-n));
			return -1;
		}
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			dmj_effect(&judge, &buf[i]);
		from += (uint64_t)n;
	}
	return 0;
}

/* The handles PID holds now, from the world's handle table. */
static void live_handles(struct xsim_world *w)
{
	struct xsim_handle_info hi[64];
	uint32_t cursor = 0;
	int n, i;

	while ((n = xsim_dev_handles(w, &cursor, hi, 64)) > 0)
		for (i = 0; i < n; i++)
			if (hi[i].opener_pid == judge.pid)
				dmj_live_handle(&judge, (int)hi[i].dev,
						hi[i].f.slot, hi[i].f.gen,
						hi[i].rs.restricted);
}

static struct xsim_world *join(void)
{
	const char *name = getenv("XENSIM_WORLD_NAME");
	const char *fd = getenv("XENSIM_WORLD_FD");
	struct xsim_world *w = NULL;
	char why[160] = "";
	int rc;

	if (name && *name) {
		rc = xsim_world_attach_named(name, &w, why, sizeof(why));
		if (rc)
			fprintf(stderr, "xensim-dm-report: world %s: %s\n", name,
				why[0] ? why : strerror(-rc));
	} else if (fd && *fd) {
		rc = xsim_world_attach_fd(atoi(fd), &w);
		if (rc)
			fprintf(stderr, "xensim-dm-report: XENSIM_WORLD_FD=%s: %s\n",
				fd, strerror(-rc));
	} else {
		fprintf(stderr, "xensim-dm-report: no world: set "
			"XENSIM_WORLD_NAME or XENSIM_WORLD_FD\n");
	}
	return w;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "domid", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "unrestricted", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	bool expect_restrict = true;
	struct xsim_world *w;
	uint64_t from = 0;
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	uint32_t pid = 0;
	uint16_t own = 0;
	unsigned fails;
	int c, waited;

	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'p': pid = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'd': own = (uint16_t)strtoul(optarg, NULL, 0); break;
		case 'f': from = strtoull(optarg, NULL, 0); break;
		case 'u': expect_restrict = false; break;
		default:
			fprintf(stderr, "usage: xensim-dm-report --pid PID "
				"--domid D [--from SEQ] [--unrestricted]\n");
			return 2;
		}
	}
	if (!pid) {
		fprintf(stderr, "xensim-dm-report: --pid is required\n");
		return 2;
	}
	dmj_init(&judge, stdout, pid, own);
	w = join();
	if (!w)
		return 2;
	/*
	 * QEMU may report "running" before it restricts (the state handler
	 * and accel setup_post race in QEMU 7.2's start-up): give it time.
	 */
	for (waited = 0; expect_restrict && waited < RESTRICT_WAIT_MS;
	     waited += 20) {
		c = restricted_yet(w, from);
		if (c)
			break;
		nanosleep(&tick, NULL);
	}
	if (scan(w, from))
		return 2;
	dmj_fresh_from_log(&judge);
	live_handles(w);
	fails = dmj_report(&judge, expect_restrict);
	xsim_world_detach(w);
	return fails ? 1 : 0;
}
