/* SPDX-License-Identifier: MIT */
/*
 * Findings: what the oracles report before they abort, and the trace of
 * the input that led there, so that a crash file comes with a readable
 * account of the program it encodes.  Steps are recorded as plain fields
 * and formatted only on a finding.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

struct fz_trace fz_trace;

struct fz_step *fz_step(const char *what, int fd, int handle)
{
	static struct fz_step scratch;
	struct fz_step *s;
	unsigned max = sizeof(fz_trace.step) / sizeof(fz_trace.step[0]);

	s = fz_trace.nsteps < max ? &fz_trace.step[fz_trace.nsteps++] :
				    &scratch;
	memset(s, 0, sizeof(*s));
	s->what = what;
	s->fd = fd;
	s->handle = handle;
	s->target = 0xFFFFFFFFu;
	return s;
}

const char *fz_errname(long err)
{
	static char buf[24];

	switch (err) {
	case -EPERM: return "EPERM";
	case -ENOENT: return "ENOENT";
	case -ESRCH: return "ESRCH";
	case -EBADF: return "EBADF";
	case -ENOMEM: return "ENOMEM";
	case -EACCES: return "EACCES";
	case -EFAULT: return "EFAULT";
	case -EBUSY: return "EBUSY";
	case -EEXIST: return "EEXIST";
	case -ENODEV: return "ENODEV";
	case -EINVAL: return "EINVAL";
	case -ENFILE: return "ENFILE";
	case -ENOTTY: return "ENOTTY";
	case -EFBIG: return "EFBIG";
	case -ENOSPC: return "ENOSPC";
	case -E2BIG: return "E2BIG";
	case -ENOSYS: return "ENOSYS";
	case -EAGAIN: return "EAGAIN";
	case -ENODATA: return "ENODATA";
	case -EOPNOTSUPP: return "EOPNOTSUPP";
	case -ENOTCONN: return "ENOTCONN";
	case -EISCONN: return "EISCONN";
	default:
		snprintf(buf, sizeof(buf), "%ld", err);
		return buf;
	}
}

static void print_step(FILE *f, unsigned i, const struct fz_step *s)
{
	fprintf(f, "    #%-2u %-8s", i, s->what);
	if (s->fd >= 0)
		fprintf(f, " fd%d", s->fd);
	if (s->handle >= 0)
		fprintf(f, " (h%d)", s->handle);
	if (s->name)
		fprintf(f, " %s cmd=%#lx arg=%#llx", s->name, s->cmd,
			(unsigned long long)s->arg);
	if (s->target != 0xFFFFFFFFu)
		fprintf(f, " dom=%#x", s->target);
	fprintf(f, " -> %s", s->result < 0 ? fz_errname(s->result) : "");
	if (s->result >= 0)
		fprintf(f, "%ld", s->result);
	if (s->name && s->expected)
		fprintf(f, " (reference: %s)", fz_errname(s->expected));
	fputc('\n', f);
}

void fz_print_trace(FILE *f)
{
	unsigned i;

	fprintf(f, "  %s, profile %s:\n", fz_trace.target ? fz_trace.target :
		"?", fz_trace.profile ? fz_trace.profile : "?");
	for (i = 0; i < fz_trace.nsteps; i++)
		print_step(f, i, &fz_trace.step[i]);
}

void fz_fail(const char *oracle, const char *fmt, ...)
{
	va_list ap;
	unsigned i;

	fprintf(stderr, "\nxrc-fuzz: FINDING oracle=%s target=%s profile=%s\n",
		oracle, fz_trace.target ? fz_trace.target : "?",
		fz_trace.profile ? fz_trace.profile : "?");
	fprintf(stderr, "  ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  at step #%u of the program:\n",
		fz_trace.nsteps ? fz_trace.nsteps - 1 : 0);
	for (i = 0; i < fz_trace.nsteps; i++)
		print_step(stderr, i, &fz_trace.step[i]);
	fflush(stderr);
	abort();
}
