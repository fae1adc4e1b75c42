/* SPDX-License-Identifier: MIT */
/*
 * Starting and stopping Debian's unmodified C xenstored for one run, as
 * xencommons would, but private to it: XENSTORED_RUNDIR (read by
 * xenstored and by libxenstore alike, tools/libs/store/xs_lib.c
 * xs_daemon_rundir) puts its socket in the run directory.  -N keeps it in
 * the foreground, our child.  It initialises dom0 from /proc/xen/xsd_port
 * and xsd_kva (tools/xenstore/xenstored_posix.c), which the sim serves.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dm.h"

/* How long xenstored may take to listen on its socket (ms). */
#define XENSTORED_START_MS	10000

/*
 * Is xenstored listening?  Its socket file appears at bind(), before
 * listen() (Xen 4.17 tools/xenstore/xenstored_core.c init_sockets: bind,
 * chmod, listen), and a connect() in between is refused: a file that
 * exists says nothing.  A connect() that succeeds does; xenstored accepts
 * it and sees it close.  1: listening, 0: not yet, -1: an error to report.
 */
static int listening(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, rc, err;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	rc = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	err = errno;
	close(fd);
	if (!rc)
		return 1;
	errno = err;
	/* No file yet, or bound but not listening yet. */
	return err == ENOENT || err == ECONNREFUSED ? 0 : -1;
}

pid_t dm_xenstored_start(const char *binary, const char *rundir)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	char sock[4096], log[4096];
	int fd, waited, status;
	pid_t pid;

	snprintf(sock, sizeof(sock), "%s/socket", rundir);
	snprintf(log, sizeof(log), "%s/xenstored.log", rundir);
	unlink(sock);
	if (setenv("XENSTORED_RUNDIR", rundir, 1))
		return -1;
	/* libxenstore prefers XENSTORED_PATH when set: make it agree. */
	if (setenv("XENSTORED_PATH", sock, 1))
		return -1;
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "xrc-dm: %s: %s\n", log, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(binary, binary, "-N", (char *)NULL);
		dprintf(2, "xrc-dm: exec %s: %s\n", binary, strerror(errno));
		_exit(127);
	}
	close(fd);
	if (pid < 0)
		return -1;
	for (waited = 0; waited < XENSTORED_START_MS; waited += 10) {
		int up = listening(sock);

		if (up > 0)
			return pid;
		if (up < 0) {
			fprintf(stderr, "xrc-dm: xenstored: connect %s: %s\n",
				sock, strerror(errno));
			dm_xenstored_stop(pid);
			return -1;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "xrc-dm: xenstored exited before listening "
				"(see %s)\n", log);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	fprintf(stderr, "xrc-dm: xenstored did not listen on %s in %d ms\n",
		sock, XENSTORED_START_MS);
	dm_xenstored_stop(pid);
	return -1;
}

void dm_xenstored_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}
