/* SPDX-License-Identifier: MIT */
/*
 * Process exit.  The kernel closes every descriptor at exit, behind the
 * interposers' back, so a handle whose last descriptor dies that way
 * would stay bound (ports, grant maps) until a garbage collection.  On a
 * normal exit() our destructor, among the last to run, closes this
 * process's device descriptors itself and releases those nobody else
 * holds, as Linux's final fput would.  _exit() and crashes are left to
 * the collection an open runs when the handle table is full.
 */
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "preload.h"

static void close_device_fd(int fd)
{
	xp_fdent e = xp_fd_classify(fd);

	if (!xp_fd_is_sim(e))
		return;
	xp_real()->close(fd);
	xp_fd_replace(fd, e, XP_FD_UNKNOWN);
	xp_release_if_dead(xp_fd_file(e));
}

__attribute__((destructor)) static void close_device_fds_at_exit(void)
{
	DIR *d;
	struct dirent *de;

	if (!xp_world_peek() || xp_in_machine)
		return;
	/* Every open fd, including ones inherited and never used. */
	d = opendir("/proc/self/fd");
	if (!d)
		return;
	while ((de = readdir(d))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || fd == dirfd(d) ||
		    xp_is_private_fd((int)fd))
			continue;
		close_device_fd((int)fd);
	}
	closedir(d);
	/* Their sockets' files, and the directory if the world is done. */
	xp_sockdir_exit();
}
