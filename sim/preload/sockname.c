/* SPDX-License-Identifier: MIT */
/*
 * A handle's descriptor is an AF_UNIX datagram socket bound to the
 * abstract name "\0xensim-<world id, 16 hex>-<slot>-<gen>".  The kernel
 * keeps that name exactly as long as some descriptor of the socket's open
 * file description exists, in any process, so:
 *
 *   liveness  = connect() to the name succeeds (ECONNREFUSED: all gone);
 *   wake-up   = sendto() the name one byte, from any process of the world;
 *   readiness = a queued datagram, which poll/select/epoll see natively.
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
	const size_t pre = sizeof(XP_NAME_PREFIX) - 1;
	const char *p = sa->sun_path, *end = (const char *)sa + len;
	uint64_t id = 0;
	int i;

	if (len < offsetof(struct sockaddr_un, sun_path) + 1 + pre + 16 + 4 ||
	    len > sizeof(*sa) || sa->sun_family != AF_UNIX || p[0] != '\0' ||
	    memcmp(p + 1, XP_NAME_PREFIX, pre))
		return false;
	p += 1 + pre;
	for (i = 0; i < 16; i++, p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;

		if (d < 0)
			return false;
		id = id << 4 | (uint64_t)d;
	}
	if (*p++ != '-')
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

int xp_handle_socket(struct xsim_file f, int oflags)
{
	const struct xp_libc *c = xp_real();
	struct sockaddr_un sa;
	socklen_t len = xp_name(&sa, xp_world_id(), f);
	int type = SOCK_DGRAM, prio = (oflags & O_ACCMODE) + 1;
	int fd, e;

	if (oflags & O_CLOEXEC)
		type |= SOCK_CLOEXEC;
	if (oflags & O_NONBLOCK)
		type |= SOCK_NONBLOCK;
	fd = socket(AF_UNIX, type, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, len) < 0) {
		e = errno;
		c->close(fd);
		/* A name still bound means another socket claims the handle. */
		return -(e == EADDRINUSE ? EBUSY : e);
	}
	return fd;
}

bool xp_handle_alive(struct xsim_file f)
{
	const struct xp_libc *c = xp_real();
	struct sockaddr_un sa;
	socklen_t len = xp_name(&sa, xp_world_id(), f);
	int saved = errno, s, rc, e;

	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		errno = saved;
		return true;	/* cannot tell: never release on a guess */
	}
	rc = connect(s, (struct sockaddr *)&sa, len);
	e = errno;
	c->close(s);
	errno = saved;
	return rc == 0 || e != ECONNREFUSED;
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
	errno = saved;	/* ECONNREFUSED: nobody holds it; fine too */
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
	return xp_handle_alive(f);
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
	xsim_dev_release(w, f);
	xp_leave();
	errno = saved;
}
