/* SPDX-License-Identifier: MIT */
/*
 * TAP output: one line per check, details under a failing one, and a
 * closing "N passed, N failed[, N skipped]" line.  Every name is checked
 * to be an abi.* name (abi.h): one outside fails its line, so this
 * program can never print a line that reads as a catalogue ID.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "abi.h"

static unsigned nr_checks, nr_passed, nr_failed, nr_skipped;

const char *errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case EMFILE: return "EMFILE";
	case ENOTTY: return "ENOTTY";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case ENODATA: return "ENODATA";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOTCONN: return "ENOTCONN";
	case EISCONN: return "EISCONN";
	case ECONNREFUSED: return "ECONNREFUSED";
	default: return NULL;
	}
}

/* "EINVAL", "0x40011", "port", "success"...: a value as a reader wants it. */
static void describe(long v, char *buf, size_t len)
{
	const char *name;

	if (v == ANY_POS) {
		snprintf(buf, len, "a value > 0");
	} else if (v < 0) {
		name = errno_name((int)-v);
		if (name)
			snprintf(buf, len, "%s", name);
		else
			snprintf(buf, len, "errno %ld", -v);
	} else if (v > 9) {
		snprintf(buf, len, "%ld (%#lx)", v, v);
	} else {
		snprintf(buf, len, "%ld", v);
	}
}

long expected(struct expect e)
{
	switch (abi_col) {
	case COL_PROPOSED:
		return e.proposed;
	case COL_LINUX:
		return e.linux;
	case COL_XSA482_DOMU:
		return e.xsa482_domu;
	case COL_FREEBSD:
		return e.freebsd;
	case COL_NETBSD:
		return e.netbsd;
	case NR_COLS:
		break;
	}
	return UNCHECKED;	/* no column picked: nothing to check */
}

bool applies(struct expect e)
{
	return expected(e) != UNCHECKED;
}

bool wants_success(struct expect e)
{
	long v = expected(e);

	return v == ANY_POS || v >= 0;
}

static bool matches(long want, long got)
{
	if (want == ANY_POS)
		return got > 0;
	return want == got;
}

/* A failing line for a name outside abi.* (see abi.h); true if it is in. */
static bool in_namespace(const char *name)
{
	if (!strncmp(name, "abi.", 4))
		return true;
	nr_checks++;
	nr_failed++;
	printf("not ok %u - %s\n", nr_checks, name);
	printf("#   not an abi.* name: this program's names must never read "
	       "as catalogue IDs (abi.h)\n");
	fflush(stdout);
	return false;
}

long check(const char *name, struct expect e, long got)
{
	long want = expected(e);
	char w[48], g[48];

	if (want == UNCHECKED || !in_namespace(name))
		return got;
	nr_checks++;
	describe(got, g, sizeof(g));
	if (matches(want, got)) {
		nr_passed++;
		printf("ok %u - %s: %s\n", nr_checks, name, g);
	} else {
		nr_failed++;
		describe(want, w, sizeof(w));
		printf("not ok %u - %s\n", nr_checks, name);
		printf("#   profile:  %s\n", abi_profile);
		printf("#   expected: %s\n", w);
		printf("#   got:      %s\n", g);
	}
	fflush(stdout);
	return got;
}

void check_true(const char *name, bool cond, const char *fmt, ...)
{
	char detail[160];
	va_list ap;

	if (!in_namespace(name))
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	nr_checks++;
	if (cond) {
		nr_passed++;
		printf("ok %u - %s: %s\n", nr_checks, name, detail);
	} else {
		nr_failed++;
		printf("not ok %u - %s\n", nr_checks, name);
		printf("#   profile:  %s\n", abi_profile);
		printf("#   %s\n", detail);
	}
	fflush(stdout);
}

void skip(const char *name, const char *why)
{
	if (!in_namespace(name))
		return;
	nr_checks++;
	nr_skipped++;
	printf("ok %u - %s # SKIP %s\n", nr_checks, name, why);
	fflush(stdout);
}

void note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

int report_summary(void)
{
	printf("1..%u\n", nr_checks);
	if (nr_skipped)
		printf("%u passed, %u failed, %u skipped\n", nr_passed,
		       nr_failed, nr_skipped);
	else
		printf("%u passed, %u failed\n", nr_passed, nr_failed);
	fflush(stdout);
	return nr_failed || !nr_checks ? 1 : 0;
}
