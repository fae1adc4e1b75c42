/* SPDX-License-Identifier: MIT */
/*
 * Judging and showing named worlds: `status` (everything about one world
 * or each), `list` (a line per world).  Judging a world first releases
 * the handles whose every descriptor is gone (a process that crashed or
 * _exit()ed leaks them until then), so that what is shown is what is
 * used.  A world is stale when its creator is gone and no handle is open:
 * nobody serves it and nobody uses it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xensim/machine.h>
#include <xensim/profile.h>

#include "world_tool.h"

const char *wt_state_name(enum wt_state s)
{
	switch (s) {
	case WT_LIVE:
		return "live";
	case WT_STALE:
		return "stale";
	case WT_FOREIGN:
		return "other-build";
	case WT_UNREADABLE:
		return "unreadable";
	}
	return "?";
}

static unsigned count_handles(struct xsim_world *w)
{
	struct xsim_handle_info h[64];
	uint32_t cursor = 0;
	unsigned n = 0;
	int got;

	while ((got = xsim_dev_handles(w, &cursor, h, 64)) > 0)
		n += (unsigned)got;
	return n;
}

int wt_view(const char *name, struct wt_view *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	rc = xsim_world_attach_named(name, &v->w, v->why, sizeof(v->why));
	if (rc == -ENOENT)
		return rc;
	if (rc) {
		v->w = NULL;
		v->state = rc == -EPROTO || rc == -EINVAL ? WT_FOREIGN :
			   WT_UNREADABLE;
		return 0;
	}
	wt_attach_devices(v->w);
	v->reclaimed = xsim_dev_gc(v->w, wt_handle_alive, NULL);
	v->handles_open = count_handles(v->w);
	v->creator_alive = xsim_world_creator_alive(v->w);
	v->state = v->creator_alive || v->handles_open ? WT_LIVE : WT_STALE;
	return 0;
}

void wt_view_done(struct wt_view *v)
{
	xsim_world_detach(v->w);
	v->w = NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int wt_each_world(void (*fn)(const char *name, void *arg), void *arg)
{
	const size_t pre = sizeof(XSIM_WORLD_PREFIX) - 1;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d = opendir(XSIM_WORLD_DIR);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		const char *name = de->d_name + pre;
		char **grown;

		if (strncmp(de->d_name, XSIM_WORLD_PREFIX, pre) ||
		    xsim_world_name_check(name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown)
				break;
			names = grown;
		}
		names[n] = strdup(name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		fn(names[i], arg);
		free(names[i]);
	}
	free(names);
	return (int)n;
}

static void print_time(const char *label, int64_t t)
{
	char buf[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t && gmtime_r(&tt, &tm) &&
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm))
		printf("%s%s\n", label, buf);
	else
		printf("%s(unknown)\n", label);
}

/* dom0 has no limit (~0): show "-" as xl does for an unlimited value. */
static const char *max_pages_str(uint64_t v, char *buf, size_t len)
{
	if (v >= UINT32_MAX)
		return "-";
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

static void print_domains(struct xsim_world *w)
{
	struct xsim_domain_info d[32];
	char max[24];
	uint32_t cursor = 0;
	int got, i;

	printf("    %-6s %-4s %8s %10s %6s  %s\n", "domid", "type", "pages",
	       "max-pages", "vcpus", "state");
	while ((got = xsim_world_domains(w, &cursor, d, 32)) > 0)
		for (i = 0; i < got; i++)
			printf("    %-6u %-4s %8llu %10s %6u  %s\n",
			       d[i].domid, d[i].hvm ? "HVM" : "PV",
			       (unsigned long long)d[i].tot_pages,
			       max_pages_str(d[i].max_pages, max, sizeof(max)),
			       d[i].max_vcpus,
			       d[i].dying ? "dying" :
			       d[i].paused ? "paused" : "running");
}

/* Running: it exists and is not a zombie (exited, not yet reaped). */
static bool pid_running(uint32_t pid)
{
	char path[32], buf[512], *p;
	FILE *f;
	bool up = false;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		up = p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	}
	fclose(f);
	return up;
}

static int by_pid(const void *a, const void *b)
{
	const struct xsim_handle_info *x = a, *y = b;

	if (x->opener_pid != y->opener_pid)
		return x->opener_pid < y->opener_pid ? -1 : 1;
	return x->f.slot < y->f.slot ? -1 : x->f.slot > y->f.slot;
}

/* privcmd..gntalloc by the profile names; the extra nodes by hand. */
static const char *dev_name(enum xsim_dev_kind dev)
{
	if (dev < XSIM_NR_DEVS)
		return xsim_dev_name(dev);
	return dev == XSIM_DEV_HYPERCALL ? "hypercall" : "other";
}

static void print_handles(struct xsim_world *w, unsigned n)
{
	struct xsim_handle_info *h = calloc(n ? n : 1, sizeof(*h));
	uint32_t cursor = 0;
	unsigned have = 0, i;
	int got;

	if (!h) {
		printf("    (out of memory listing them)\n");
		return;
	}
	while (have < n &&
	       (got = xsim_dev_handles(w, &cursor, h + have, n - have)) > 0)
		have += (unsigned)got;
	qsort(h, have, sizeof(*h), by_pid);
	printf("    %-8s %-9s %-9s %-5s %s\n", "pid", "process", "device", "from",
	       "restricted");
	for (i = 0; i < have; i++) {
		char to[24] = "no";

		if (h[i].rs.restricted)
			snprintf(to, sizeof(to), "to dom%u", h[i].rs.domid);
		printf("    %-8u %-9s %-9s dom%-2u %s\n", h[i].opener_pid,
		       pid_running(h[i].opener_pid) ? "running" : "exited",
		       dev_name(h[i].dev), h[i].caller_domid, to);
	}
	free(h);
}

static void print_status(const struct wt_view *v)
{
	struct xsim_world_stats st;
	struct xsim_world_info info;
	char path[128];

	xsim_world_path(v->name, path, sizeof(path));
	printf("world %s: %s\n", v->name, wt_state_name(v->state));
	printf("  file        %s\n", path);
	if (!v->w) {
		printf("  problem     %s\n", v->why);
		return;
	}
	xsim_world_info(v->w, &info);
	xsim_world_stats(v->w, &st);
	printf("  join        XENSIM_WORLD_NAME=%s LD_PRELOAD=%s PROGRAM\n",
	       v->name, wt_preload_path());
	printf("  profile     %s\n", info.profile);
	printf("  creator     pid %u (%s)\n", info.creator_pid,
	       v->creator_alive ? "running" : "gone");
	print_time("  created     ", info.created_at);
	if (v->state == WT_STALE)
		printf("  stale       its creator is gone and no handle is open: `xensim-world gc` removes it\n");
	printf("  pages       %u of %u in use\n", st.nr_pages - st.free_pages,
	       st.nr_pages);
	printf("  lock        repaired %u time%s after its owner died\n",
	       info.lock_recoveries, info.lock_recoveries == 1 ? "" : "s");
	printf("  effects     %llu recorded\n", (unsigned long long)st.effects);
	printf("  domains     %u\n", st.nr_domains);
	print_domains(v->w);
	printf("  handles     %u open, %d reclaimed now (their processes had gone)\n",
	       v->handles_open, v->reclaimed);
	if (v->handles_open)
		print_handles(v->w, v->handles_open);
}

static void status_one(const char *name, void *arg)
{
	struct wt_view v;
	int *first = arg;

	if (wt_view(name, &v))
		return;		/* removed meanwhile */
	if (!*first)
		printf("\n");
	*first = 0;
	print_status(&v);
	wt_view_done(&v);
}

int wt_cmd_status(int argc, char **argv)
{
	struct wt_view v;
	int first = 1;

	if (argc > 1) {
		fprintf(stderr, "xensim-world status: one name at most\n");
		return WT_REFUSED;
	}
	if (argc == 1) {
		if (xsim_world_name_check(argv[0])) {
			fprintf(stderr, "xensim-world: '%s' is not a world name (1 to %d characters of A-Z a-z 0-9 _ . -)\n",
				argv[0], XSIM_WORLD_NAME_MAX);
			return WT_REFUSED;
		}
		if (wt_view(argv[0], &v)) {
			fprintf(stderr, "xensim-world: no world called %s\n",
				argv[0]);
			return WT_NOT_FOUND;
		}
		print_status(&v);
		wt_view_done(&v);
		return WT_OK;
	}
	if (!wt_each_world(status_one, &first))
		printf("no worlds in %s\n", XSIM_WORLD_DIR);
	return WT_OK;
}

static void list_one(const char *name, void *arg)
{
	struct xsim_world_stats st = { 0 };
	struct xsim_world_info info = { 0 };
	struct wt_view v;

	(void)arg;
	if (wt_view(name, &v))
		return;
	if (v.w) {
		xsim_world_info(v.w, &info);
		xsim_world_stats(v.w, &st);
		printf("%-24s %-11s %-13s %7u %7u %8u\n", name,
		       wt_state_name(v.state), info.profile, st.nr_domains,
		       v.handles_open, info.creator_pid);
	} else {
		printf("%-24s %-11s %s\n", name, wt_state_name(v.state),
		       v.why);
	}
	wt_view_done(&v);
}

int wt_cmd_list(int argc, char **argv)
{
	(void)argv;
	if (argc) {
		fprintf(stderr, "xensim-world list: no arguments\n");
		return WT_REFUSED;
	}
	printf("%-24s %-11s %-13s %7s %7s %8s\n", "NAME", "STATE", "PROFILE",
	       "DOMAINS", "HANDLES", "CREATOR");
	wt_each_world(list_one, NULL);
	return WT_OK;
}

const char *wt_preload_path(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX], *slash;
	/* Room left for the suffix below. */
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 64);

	if (n <= 0)
		return ".../libxensim-preload.so";
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(path, sizeof(path), "%.*s/../lib/libxensim-preload.so",
		 (int)(sizeof(path) - 64), exe);
	if (access(path, R_OK) || !realpath(path, exe))
		return ".../libxensim-preload.so";
	snprintf(path, sizeof(path), "%s", exe);
	return path;
}
