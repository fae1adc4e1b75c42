/* SPDX-License-Identifier: MIT */
/*
 * Fault injection (<xensim/fail.h>, docs/faults.md): count the hits of
 * each failure point and fail the armed Nth one.
 *
 * Why counters in the world: a device model forks helpers and a toolstack
 * execs QEMU; Linux's fail_nth counts per task (fault-injection.rst,
 * "/proc/thread-self/fail-nth"), which would make "the Nth allocation" of
 * a process tree depend on which process got there first.  One counter per
 * world, taken with an atomic add, gives every hit one number whichever
 * process makes it, and exactly one hit is the Nth.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <xensim/fail.h>

#include "layout.h"

static const struct {
	const char *name;
	const char *err_name;
	int err;
	const char *source;
} sites[XSIM_FAIL_NR_SITES] = {
#define XSIM_FAIL_ROW(id, nm, e, src) \
	[XSIM_FAIL_##id] = { nm, #e, e, src },
	XSIM_FAIL_SITE_LIST(XSIM_FAIL_ROW)
#undef XSIM_FAIL_ROW
};

bool xsim_fail_on;

/* What this process fails: nth[site] == 0 means never (count only). */
static uint32_t armed_nth[XSIM_FAIL_NR_SITES];

/* Counters: the bound world's, else this process's own. */
static struct xsim_fail_counters own_counters;
static struct xsim_fail_counters *counters = &own_counters;
static struct xsim_world *bound_world;

/* A point that fired during the current device call (xsim_fail_call_end). */
static _Thread_local struct {
	bool set;
	uint8_t site;
	uint32_t nth;
} pending;

const char *xsim_fail_site_name(unsigned site)
{
	return site < XSIM_FAIL_NR_SITES ? sites[site].name : NULL;
}

int xsim_fail_site_errno(unsigned site)
{
	return site < XSIM_FAIL_NR_SITES ? sites[site].err : 0;
}

const char *xsim_fail_site_source(unsigned site)
{
	return site < XSIM_FAIL_NR_SITES ? sites[site].source : NULL;
}

/*
 * Append one line to $XENSIM_FAIL_REPORT.  Raw system calls: this runs
 * inside the preload, under the machine lock, where open(2) and write(2)
 * are interposed.  O_APPEND keeps lines of several processes whole.
 */
static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
	const char *path = getenv("XENSIM_FAIL_REPORT");
	char line[160];
	va_list ap;
	long fd;
	int n;

	if (!path || !*path)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	fd = syscall(SYS_openat, AT_FDCWD, path,
		     O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (syscall(SYS_write, fd, line, (size_t)n) < 0) {
		/* Nothing to do: the sweep then sees no "fired" line. */
	}
	syscall(SYS_close, fd);
}

int xsim_fail_hit(enum xsim_fail_site site)
{
	struct xsim_fail_counters *c;
	uint32_t n;

	if ((unsigned)site >= XSIM_FAIL_NR_SITES)
		return 0;
	c = __atomic_load_n(&counters, __ATOMIC_ACQUIRE);
	n = __atomic_add_fetch(&c->hits[site], 1, __ATOMIC_RELAXED);
	if (!armed_nth[site] || n != armed_nth[site])
		return 0;
	__atomic_add_fetch(&c->fired[site], 1, __ATOMIC_RELAXED);
	pending.set = true;
	pending.site = (uint8_t)site;
	pending.nth = n;
	report("fired %s %u %s %u\n", sites[site].name, n,
	       sites[site].err_name, xsim_current_pid());
	return -sites[site].err;
}

void xsim_fail_call_end(const char *call, long rc)
{
	if (__builtin_expect(!pending.set, 1))
		return;
	pending.set = false;
	report("returned %s %u %ld %u %s\n", sites[pending.site].name,
	       pending.nth, rc, xsim_current_pid(), call);
}

static int parse(const char *spec, uint32_t nth[XSIM_FAIL_NR_SITES],
		 char *why, size_t whylen)
{
	const char *p = spec;

	memset(nth, 0, sizeof(uint32_t) * XSIM_FAIL_NR_SITES);
	if (!strcmp(spec, "count"))
		return 0;
	for (;;) {
		const char *colon = strchr(p, ':');
		unsigned s;
		char *end;
		unsigned long v;

		if (!colon)
			goto bad;
		for (s = 0; s < XSIM_FAIL_NR_SITES; s++)
			if (strlen(sites[s].name) == (size_t)(colon - p) &&
			    !strncmp(p, sites[s].name, (size_t)(colon - p)))
				break;
		if (s == XSIM_FAIL_NR_SITES)
			goto bad;
		errno = 0;
		v = strtoul(colon + 1, &end, 10);
		if (errno || end == colon + 1 || colon[1] < '1' ||
		    colon[1] > '9' || v > UINT32_MAX ||
		    (*end && *end != ','))
			goto bad;
		nth[s] = (uint32_t)v;
		if (!*end)
			return 0;
		p = end + 1;
	}
bad:
	if (why && whylen) {
		size_t at;
		unsigned s;

		at = (size_t)snprintf(why, whylen,
				      "XENSIM_FAIL='%.40s': want SITE:N[,SITE:N...] (N from 1) or count; sites:",
				      spec);
		for (s = 0; s < XSIM_FAIL_NR_SITES && at < whylen; s++)
			at += (size_t)snprintf(why + at, whylen - at, " %s",
					       sites[s].name);
	}
	return -EINVAL;
}

int xsim_fail_arm_spec(const char *spec, char *why, size_t whylen)
{
	uint32_t nth[XSIM_FAIL_NR_SITES];
	int rc = parse(spec, nth, why, whylen);

	if (rc)
		return rc;
	memcpy(armed_nth, nth, sizeof(armed_nth));
	__atomic_store_n(&xsim_fail_on, true, __ATOMIC_RELEASE);
	return 0;
}

void xsim_fail_arm(enum xsim_fail_site site, uint32_t nth)
{
	struct xsim_fail_counters *c = __atomic_load_n(&counters,
							__ATOMIC_ACQUIRE);

	memset(armed_nth, 0, sizeof(armed_nth));
	if ((unsigned)site < XSIM_FAIL_NR_SITES)
		armed_nth[site] = nth;
	memset(c, 0, sizeof(*c));
	pending.set = false;
	__atomic_store_n(&xsim_fail_on, true, __ATOMIC_RELEASE);
}

void xsim_fail_disarm(void)
{
	__atomic_store_n(&xsim_fail_on, false, __ATOMIC_RELEASE);
	memset(armed_nth, 0, sizeof(armed_nth));
	pending.set = false;
}

void xsim_fail_bind(struct xsim_world *w, struct xsim_fail_counters *c)
{
	bound_world = w;
	__atomic_store_n(&counters, c, __ATOMIC_RELEASE);
}

void xsim_fail_unbind(struct xsim_world *w)
{
	if (bound_world != w)
		return;
	bound_world = NULL;
	__atomic_store_n(&counters, &own_counters, __ATOMIC_RELEASE);
}

uint32_t xsim_fail_hits(enum xsim_fail_site site)
{
	if ((unsigned)site >= XSIM_FAIL_NR_SITES)
		return 0;
	return __atomic_load_n(&__atomic_load_n(&counters,
						__ATOMIC_ACQUIRE)->hits[site],
			       __ATOMIC_RELAXED);
}

/*
 * Armed from the environment when the library is loaded: before main(),
 * so the preload's first device call already counts.  A bad value is
 * reported once and arms nothing (the program runs as without it).
 */
__attribute__((constructor)) static void fail_from_env(void)
{
	const char *spec = getenv("XENSIM_FAIL");
	char why[256];

	if (!spec || !*spec)
		return;
	if (xsim_fail_arm_spec(spec, why, sizeof(why)))
		fprintf(stderr, "xensim: %s\n", why);
}

uint32_t xsim_fail_fired(enum xsim_fail_site site)
{
	if ((unsigned)site >= XSIM_FAIL_NR_SITES)
		return 0;
	return __atomic_load_n(&__atomic_load_n(&counters,
						__ATOMIC_ACQUIRE)->fired[site],
			       __ATOMIC_RELAXED);
}
