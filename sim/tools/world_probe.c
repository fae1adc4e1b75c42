/* SPDX-License-Identifier: MIT */
/*
 * A handle's liveness and wake-up from outside the preload.  The preload
 * binds each handle's descriptor to the path
 * "/dev/shm/xensim@<world id, 16 hex>/<slot>-<gen>" in the world's 0700
 * socket directory (sim/preload/sockname.c, sockdir.c, DESIGN.md), and a
 * bound socket stops answering connect() when its last descriptor closes,
 * in any process, crashed or not.  So this tool can tell a leaked handle
 * from a live one exactly, and release only the former, removing its
 * socket's file as the preload does.  The name comes from
 * <xensim/handle_name.h>, which the preload binds with too; the world
 * tests check it end to end (a live handle survives `xensim-world
 * status`, a dead one is reclaimed).  Only the world's owner can search
 * the directory, as only the owner can open the world's file.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <xensim/handle_name.h>

#include "world_tool.h"

static socklen_t handle_name(struct sockaddr_un *sa, struct xsim_world *w,
			     struct xsim_file f)
{
	return xsim_handle_name(sa, xsim_world_id(w), f);
}

bool wt_handle_alive(struct xsim_world *w, struct xsim_file f, void *arg)
{
	struct sockaddr_un sa;
	socklen_t len = handle_name(&sa, w, f);
	int fd, rc, e;

	(void)arg;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;	/* cannot tell: never release on a guess */
	rc = connect(fd, (struct sockaddr *)&sa, len);
	e = errno;
	close(fd);
	/* ECONNREFUSED: nobody holds it; ENOENT: never bound, or removed. */
	if (rc == 0 || (e != ECONNREFUSED && e != ENOENT))
		return true;
	(void)unlink(sa.sun_path);	/* the collection releases it next */
	return false;
}

void wt_handle_wake(struct xsim_world *w, struct xsim_file f, void *arg)
{
	struct sockaddr_un sa;
	socklen_t len = handle_name(&sa, w, f);
	char byte = 0;
	int fd;

	(void)arg;
	/* A fresh sender each time: this tool wakes rarely (see DESIGN.md). */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	(void)!sendto(fd, &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL,
		      (struct sockaddr *)&sa, len);
	close(fd);
}

void wt_attach_devices(struct xsim_world *w)
{
	xsim_dev_attach(w);
	xsim_dev_set_wake(w, wt_handle_wake, NULL);
}
