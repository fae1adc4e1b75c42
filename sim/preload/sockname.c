/* SPDX-License-Identifier: MIT */
/*
 * A handle's descriptor is an AF_UNIX datagram socket bound to the path
 * "/dev/shm/xensim@<world id, 16 hex>/<slot>-<gen>", in the world's
 * socket directory (mode 0700, sockdir.c).  The kernel keeps a bound
 * socket reachable through that path exactly as long as some descriptor
 * of its open file description exists, in any process, so:
 *
 *   liveness  = connect() to the path succeeds (ECONNREFUSED: all gone;
 *               ENOENT: never bound, or released and unlinked);
 *   wake-up   = sendto() the path one byte, from any process of the world;
 *   readiness = a queued datagram, which poll/select/epoll see natively.
 *
 * Only the world's owner can search the directory, so only its processes
 * can do any of these (DESIGN.md, "Naming").  A path outlives its socket,
 * unlike an abstract name: the file is unlinked when the handle is found
 * dead (release, collection), and a stale one found at bind is replaced.
 *
 * The open's access mode rides on the socket as SO_PRIORITY (1 + mode),
 * so that a descriptor received or inherited keeps its O_RDONLY/O_WRONLY.
 * The name itself is xsim_handle_name (<xensim/handle_name.h>), shared
 * with tools outside the transport that wake or probe a handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "preload.h"

socklen_t xp_name(struct sockaddr_un *sa, uint64_t world_id,
		  struct xsim_file f)
{
	return xsim_handle_name(sa, world_id, f);
}

static const char *get_dec(const char *p, const char *end, uint32_t *v)
{
	uint64_t acc = 0;
	const char *start = p;

	while (p < end && *p >= '0' && *p <= '9' && p - start < 10)
		acc = acc * 10 + (uint64_t)(*p++ - '0');
	if (p == start || acc > UINT32_MAX)
		return NULL;
	*v = (uint32_t)acc;
	return p;
}

bool xp_name_parse(const struct sockaddr_un *sa, socklen_t len,
		   uint64_t *world_id, struct xsim_file *f)
{
	const size_t pre = sizeof(XSIM_HANDLE_DIR_PREFIX) - 1;
	const char *p = sa->sun_path, *end = (const char *)sa + len;
	uint64_t id = 0;
	int i;

	if (len > sizeof(*sa) || len < offsetof(struct sockaddr_un, sun_path) +
	    XSIM_HANDLE_DIR_LEN + 4 || sa->sun_family != AF_UNIX ||
	    memcmp(p, XSIM_HANDLE_DIR_PREFIX, pre))
		return false;
	/* getsockname counts the path's NUL (Linux unix_mkname_bsd). */
	if (end[-1] == '\0')
		end--;
	p += pre;
	for (i = 0; i < 16; i++, p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;

		if (d < 0)
			return false;
		id = id << 4 | (uint64_t)d;
	}
	if (*p++ != '/')
		return false;
	p = get_dec(p, end, &f->slot);
	if (!p || p >= end || *p++ != '-')
		return false;
	p = get_dec(p, end, &f->gen);
	if (!p || p != end)
		return false;
	*world_id = id;
	return true;
}

/* Is the socket bound at sa held by anyone?  errno is kept. */
static bool name_alive(const struct sockaddr_un *sa, socklen_t len)
{
	const struct xp_libc *c = xp_real();
	int saved = errno, s, rc, e;

	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		errno = saved;
		return true;	/* cannot tell: never release on a guess */
	}
	rc = connect(s, (const struct sockaddr *)sa, len);
	e = errno;
	c->close(s);
	errno = saved;
	/*
	 * ECONNREFUSED: a socket file nobody holds.  ENOENT: no file, i.e.
	 * not bound yet (open.c re-checks the handle after binding, as it
	 * did for an abstract name, which answers ECONNREFUSED then) or
	 * already released and unlinked.  Anything else (EACCES, ENFILE,
	 * ...) cannot tell, so it counts as alive.
	 */
	return rc == 0 || (e != ECONNREFUSED && e != ENOENT);
}

static int bind_name(int fd, const struct sockaddr_un *sa, socklen_t len)
{
	int tries;

	for (tries = 0; tries < 3; tries++) {
		int rc = xp_sockdir_ready(true);

		if (rc)
			return rc;
		if (!bind(fd, (const struct sockaddr *)sa, len))
			return 0;
		switch (errno) {
		case ENOENT:
			/* The directory went (a stopped world's): look again. */
			xp_sockdir_forget();
			break;
		case EADDRINUSE:
			/* Live: another socket claims the handle. */
			if (name_alive(sa, len))
				return -EBUSY;
			/* A dead socket's file (a process that died unseen). */
			(void)unlink(sa->sun_path);
			break;
		default:
			return -errno;
		}
	}
	return -EBUSY;
}

int xp_handle_socket(struct xsim_file f, int oflags)
{
	const struct xp_libc *c = xp_real();
	struct sockaddr_un sa;
	socklen_t len = xp_name(&sa, xp_world_id(), f);
	int type = SOCK_DGRAM, prio = (oflags & O_ACCMODE) + 1;
	int fd, rc;

	if (oflags & O_CLOEXEC)
		type |= SOCK_CLOEXEC;
	if (oflags & O_NONBLOCK)
		type |= SOCK_NONBLOCK;
	fd = socket(AF_UNIX, type, 0);
	if (fd < 0)
		return -errno;
	rc = setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)) ?
		-errno : bind_name(fd, &sa, len);
	if (rc) {
		c->close(fd);
		return rc;
	}
	return fd;
}

bool xp_handle_alive(struct xsim_file f)
{
	struct sockaddr_un sa;
	socklen_t len = xp_name(&sa, xp_world_id(), f);

	return name_alive(&sa, len);
}

/* f is dead: drop its file, so that the directory can go.  errno kept. */
static void unlink_name(struct xsim_file f)
{
	struct sockaddr_un sa;
	int saved = errno;

	(void)xp_name(&sa, xp_world_id(), f);
	(void)unlink(sa.sun_path);
	errno = saved;
}

/*
 * A queued datagram is charged to its sender's send buffer until read, so
 * one wake socket for everything would stop sending after a few hundred
 * unread wake-ups (EAGAIN from its own full buffer, not the receiver's).
 * Hence: a handle wakes itself from its own socket, and a wake-up the
 * shared socket cannot send goes out from a fresh one.
 */
void xp_handle_wake_from(int fd, struct xsim_file f)
{
	const struct xp_libc *c = xp_real();
	struct sockaddr_un sa;
	socklen_t len = xp_name(&sa, xp_world_id(), f);
	int saved = errno, s;

	/* EAGAIN: the receiver's queue is full, so it is readable already. */
	if (sendto(fd, "", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
		   (struct sockaddr *)&sa, len) == 1 || errno != EAGAIN ||
	    fd != xp_wake_fd())
		goto out;
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		(void)sendto(s, "", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
			     (struct sockaddr *)&sa, len);
		c->close(s);
	}
out:
	errno = saved;	/* ECONNREFUSED, ENOENT: nobody holds it; fine too */
}

void xp_handle_wake(struct xsim_file f)
{
	xp_handle_wake_from(xp_wake_fd(), f);
}

void xp_wake_cb(struct xsim_world *w, struct xsim_file f, void *arg)
{
	(void)w;
	(void)arg;
	xp_handle_wake(f);
}

bool xp_alive_cb(struct xsim_world *w, struct xsim_file f, void *arg)
{
	(void)w;
	(void)arg;
	if (xp_handle_alive(f))
		return true;
	unlink_name(f);		/* the collection releases it next */
	return false;
}

void xp_release_if_dead(struct xsim_file f)
{
	struct xsim_world *w = xp_world_peek();
	int saved = errno;

	/* Nested in a signal handler: leave it to the garbage collector. */
	if (!w || xp_handle_alive(f) || !xp_enter()) {
		errno = saved;
		return;
	}
	unlink_name(f);
	xsim_dev_release(w, f);
	xp_leave();
	errno = saved;
}
