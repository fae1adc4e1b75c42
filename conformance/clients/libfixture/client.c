/* SPDX-License-Identifier: MIT */
/*
 * libfixture, the test process's side: start the fixture server, send it
 * requests, and make sure it has cleaned up before the process exits.
 * The cleanup rule is documented in <xrc/libfixture.h>.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xrc/libfixture.h>

#include "proto.h"

static struct {
	pthread_mutex_t lock;
	int sock;		/* -1: not running */
	pid_t owner;		/* the process that started the server */
	pid_t server;
	bool atexit_set;
	char err[256];
} lf = { .lock = PTHREAD_MUTEX_INITIALIZER, .sock = -1 };

int xrc_lf_set_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lf.err, sizeof(lf.err), fmt, ap);
	va_end(ap);
	return -err;
}

const char *xrc_lf_error(void)
{
	return lf.err;
}

/* Ask and wait for the answer; lock held. */
static int ask(const struct xrc_lf_req *q, struct xrc_lf_rsp *r)
{
	ssize_t n;

	if (lf.sock < 0)
		return xrc_lf_set_error(ENOTCONN, "fixture: not started "
					"(xrc_lf_init)");
	if (lf.owner != getpid())
		return xrc_lf_set_error(ECHILD, "fixture: belongs to pid %d",
					(int)lf.owner);
	do {
		n = send(lf.sock, q, sizeof(*q), MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(*q))
		return xrc_lf_set_error(EPIPE, "fixture: server gone");
	do {
		n = recv(lf.sock, r, sizeof(*r), 0);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(*r))
		return xrc_lf_set_error(EPIPE, "fixture: server gone");
	r->msg[sizeof(r->msg) - 1] = '\0';
	if (r->rc)
		xrc_lf_set_error(-r->rc, "%s", r->msg);
	return r->rc;
}

static int request(const struct xrc_lf_req *q, struct xrc_lf_rsp *r)
{
	int rc;

	pthread_mutex_lock(&lf.lock);
	rc = ask(q, r);
	pthread_mutex_unlock(&lf.lock);
	return rc;
}

/*
 * Close the connection and wait for the server's cleanup; lock held.
 * 0, or -EIO when the server left domains behind (it names them on
 * stderr) or did not end normally.
 */
static int stop_locked(void)
{
	int status = 0;
	pid_t w;

	if (lf.sock < 0 || lf.owner != getpid())
		return 0;
	close(lf.sock);
	lf.sock = -1;
	while ((w = waitpid(lf.server, &status, 0)) < 0 && errno == EINTR)
		;
	if (w < 0)
		return xrc_lf_set_error(errno, "fixture: wait for the server: "
					"%s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == XRC_LF_SERVER_LEFT)
		return xrc_lf_set_error(EIO, "fixture: clean-up left domains "
					"(the server named them on stderr)");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return xrc_lf_set_error(EIO, "fixture: the server ended with "
					"status %#x", (unsigned)status);
	return 0;
}

int xrc_lf_fini(void)
{
	int rc;

	xrc_lf_share_fini();
	pthread_mutex_lock(&lf.lock);
	rc = stop_locked();
	pthread_mutex_unlock(&lf.lock);
	return rc;
}

/*
 * The fallback for a program that did not call xrc_lf_fini(): the cleanup
 * still happens, but an atexit handler cannot change the exit status, so
 * a failure is only said.
 */
static void at_exit(void)
{
	if (lf.owner == getpid() && xrc_lf_fini())
		fprintf(stderr, "%s\n", xrc_lf_error());
}

/*
 * Under the preload, the first device open of a process creates its
 * simulated machine, and only children forked after that share it: open
 * one now, so that the server works on the test's machine.  On a real
 * dom0 this is a harmless open and close.  An open that fails for any
 * reason but a missing device (ENOENT: no privcmd here; the later calls
 * say so) fails the start: swallowing it was a silent success that
 * `xrc faults` found (XENSIM_FAIL=open:1, docs/faults.md).
 */
static int join_machine(void)
{
	int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	else if (errno != ENOENT)
		return xrc_lf_set_error(errno, "fixture: open /dev/xen/privcmd: %s",
					strerror(errno));
	return 0;
}

static int start_locked(void)
{
	struct xrc_lf_rsp r;
	int sv[2];
	pid_t pid;
	ssize_t n;

	if (lf.sock >= 0 && lf.owner == getpid())
		return 0;
	if (lf.sock >= 0)
		return xrc_lf_set_error(ECHILD, "fixture: belongs to pid %d",
					(int)lf.owner);
	n = join_machine();
	if (n)
		return (int)n;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return xrc_lf_set_error(errno, "fixture: socketpair: %s",
					strerror(errno));
	/* Unwritten output would be written twice, once by the server. */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return xrc_lf_set_error(errno, "fixture: fork: %s",
					strerror(errno));
	}
	if (pid == 0) {
		close(sv[0]);
		xrc_lf_serve(sv[1]);
	}
	close(sv[1]);
	lf.sock = sv[0];
	lf.owner = getpid();
	lf.server = pid;
	do {
		n = recv(lf.sock, &r, sizeof(r), 0);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(r) || r.rc) {
		int err = n == (ssize_t)sizeof(r) ? -r.rc : EPIPE;

		/* The start-up's reason, not the status of its exit. */
		(void)stop_locked();
		r.msg[sizeof(r.msg) - 1] = '\0';
		xrc_lf_set_error(err, "fixture: server start: %s",
				 n == (ssize_t)sizeof(r) ? r.msg : "no answer");
		return -err;
	}
	if (!lf.atexit_set && !atexit(at_exit))
		lf.atexit_set = true;
	return 0;
}

int xrc_lf_init(void)
{
	int rc;

	pthread_mutex_lock(&lf.lock);
	rc = start_locked();
	pthread_mutex_unlock(&lf.lock);
	return rc;
}

int xrc_lf_create(const struct xrc_lf_spec *spec, uint32_t *domid)
{
	struct xrc_lf_req q = { .op = XRC_LF_CREATE };
	struct xrc_lf_rsp r;
	int rc;

	if (spec) {
		q.a = spec->hvm;
		q.b = spec->vcpus;
		q.c = spec->pages;
		q.d = spec->max_pages;
	}
	rc = request(&q, &r);
	if (!rc)
		*domid = r.value;
	return rc;
}

int xrc_lf_destroy(uint32_t domid)
{
	struct xrc_lf_req q = { .op = XRC_LF_DESTROY, .domid = domid };
	struct xrc_lf_rsp r;

	return request(&q, &r);
}

int xrc_lf_frame(uint32_t domid, uint32_t page, uint64_t *frame)
{
	struct xrc_lf_req q = { .op = XRC_LF_FRAME, .domid = domid, .a = page };
	struct xrc_lf_rsp r;
	int rc = request(&q, &r);

	if (!rc)
		*frame = r.frame;
	return rc;
}

int xrc_lf_unbound_port(uint32_t domid, uint32_t remote, uint32_t *port)
{
	struct xrc_lf_req q = { .op = XRC_LF_UNBOUND, .domid = domid,
				.a = remote };
	struct xrc_lf_rsp r;
	int rc = request(&q, &r);

	if (!rc)
		*port = r.value;
	return rc;
}

int xrc_lf_grant(uint32_t granter, uint32_t page, uint32_t grantee,
		 bool readonly, uint32_t *ref)
{
	struct xrc_lf_req q = { .op = XRC_LF_GRANT, .domid = granter,
				.a = page, .b = grantee, .c = readonly };
	struct xrc_lf_rsp r;
	int rc = request(&q, &r);

	if (!rc)
		*ref = r.value;
	return rc;
}

int xrc_lf_sweep(void)
{
	struct xrc_lf_req q = { .op = XRC_LF_SWEEP };
	struct xrc_lf_rsp r;
	int rc = request(&q, &r);

	return rc ? rc : (int)r.value;
}
