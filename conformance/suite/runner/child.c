/* SPDX-License-Identifier: MIT */
/*
 * Inside a test's process: the context a body sees, how its observation,
 * skip or error reaches the runner (one message, then _exit), and the
 * probe child.  Nothing here touches a device; see devices.c.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

static void send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* the parent reports "without reporting" */
		p += n;
		len -= (size_t)n;
	}
}

void xrc_child_finish(struct xrc_ctx *t)
{
	send_all(t->out_fd, &t->obs, sizeof(t->obs));
	_exit(0);
}

/* End the test with a SKIP or ERROR whose note is fmt, args. */
__attribute__((noreturn, format(printf, 3, 0)))
static void end_with(struct xrc_ctx *t, enum xrc_obs_kind kind,
		     const char *fmt, va_list ap)
{
	char note[sizeof(t->obs.note)];
	char seen[48];

	vsnprintf(note, sizeof(note), fmt, ap);
	if (t->observed && kind == XRC_O_ERROR) {
		/* Keep what was observed visible next to the error. */
		xrc_obs_str(&t->obs, seen, sizeof(seen));
		xrc_fmt(t->obs.note, sizeof(t->obs.note),
			"%s (after observing %s)", note, seen);
	} else {
		snprintf(t->obs.note, sizeof(t->obs.note), "%s", note);
	}
	t->obs.kind = (uint8_t)kind;
	xrc_child_finish(t);
}

void xrc_skip(struct xrc_ctx *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_with(t, XRC_O_SKIP, fmt, ap);
}

void xrc_error_at(struct xrc_ctx *t, const char *file, int line,
		  const char *fmt, ...)
{
	char msg[sizeof(t->obs.note)];
	const char *base = strrchr(file, '/');
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	xrc_end_error(t, "%s (%s:%d)", msg, base ? base + 1 : file, line);
}

void xrc_end_error(struct xrc_ctx *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_with(t, XRC_O_ERROR, fmt, ap);
}

void xrc_observe_at(struct xrc_ctx *t, const char *file, int line, long rc,
		    int err, const char *what)
{
	char first[48];

	if (t->observed) {
		/* One judged call per body: a second one is a broken body. */
		xrc_obs_str(&t->obs, first, sizeof(first));
		t->obs.kind = XRC_O_ERROR;
		xrc_fmt(t->obs.note, sizeof(t->obs.note),
			"the body observed twice (first %s = %s, then %s)",
			t->obs.what, first, what ? what : "?");
		xrc_child_finish(t);
	}
	t->observed = true;
	t->obs.kind = XRC_O_RESULT;
	t->obs.rc = rc;
	t->obs.err = rc < 0 ? err : 0;
	snprintf(t->obs.what, sizeof(t->obs.what), "%s", what ? what : "");
	snprintf(t->obs.where, sizeof(t->obs.where), "%s:%d",
		 file ? file : "?", line);
	/* Now, so that a crash after the judged call still shows it. */
	send_all(t->out_fd, &t->obs, sizeof(t->obs));
}

const struct xrc_domains *xrc_domains(struct xrc_ctx *t)
{
	if (t->fx && t->fx->no_device)
		xrc_skip(t, "fixture: %s", t->fx->reason);
	if (!t->fx || !t->fx->ok)
		xrc_end_error(t, "fixture: %s",
			      t->fx ? t->fx->reason : "no domain probe");
	return &t->fx->dom;
}

const char *xrc_devdir(struct xrc_ctx *t)
{
	return t->devdir;
}

int xrc_setup_privcmd(struct xrc_ctx *t)
{
	if (t->fx_privcmd < 0) {
		t->fx_privcmd = xrc_io_open_privcmd(t->devdir);
		if (t->fx_privcmd < 0 && xrc_io_absent(errno))
			xrc_skip(t, "fixture: no device %s/privcmd: %s",
				 t->devdir, xrc_errno_name(errno));
		if (t->fx_privcmd < 0)
			xrc_end_error(t, "fixture: cannot open %s/privcmd: %s",
				      t->devdir, xrc_errno_name(errno));
	}
	return t->fx_privcmd;
}

void xrc_child_run_test(struct xrc_ctx *t)
{
	t->a->body(t);
	xrc_child_finish(t);
}

void xrc_child_run_probe(const char *devdir, int out_fd)
{
	struct xrc_setup_probe p;

	xrc_setup_probe_domains(devdir, &p);
	xrc_setup_probe_mmap(devdir, &p);
	send_all(out_fd, &p, sizeof(p));
	_exit(0);
}
