/* SPDX-License-Identifier: MIT */
/*
 * The device model process: the command line libxl 4.17 builds for an HVM
 * guest with device_model_version=qemu-xen and no devices
 * (tools/libs/light/libxl_dm.c libxl__build_device_model_args_new), then
 * spawned as libxl__spawn_local_dm does: stdin from /dev/null, stdout and
 * stderr to a log file.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dm.h"

#define MAX_ARGS	48
/* How long QEMU gets to exit on SIGTERM before SIGKILL (ms). */
#define STOP_GRACE_MS	3000

struct argv_buf {
	char *v[MAX_ARGS];
	unsigned n;
};

static void add(struct argv_buf *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s || a->n + 1 >= MAX_ARGS) {
		fprintf(stderr, "xrc-dm: building QEMU's command line: out of room\n");
		exit(2);
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void build_args(struct argv_buf *a, const struct dm_opts *o,
		       uint32_t domid, const char *name)
{
	add(a, "%s", o->qemu);
	add(a, "-xen-domid");
	add(a, "%u", domid);
	add(a, "-no-shutdown");
	/* libxl's two QMP sockets, under our run directory. */
	add(a, "-chardev");
	add(a, "socket,id=libxl-cmd,path=%s/qmp-libxl-%u,server=on,wait=off",
	    o->rundir, domid);
	add(a, "-mon");
	add(a, "chardev=libxl-cmd,mode=control");
	add(a, "-chardev");
	add(a, "socket,id=libxenstat-cmd,path=%s/qmp-libxenstat-%u,server=on,wait=off",
	    o->rundir, domid);
	add(a, "-mon");
	add(a, "chardev=libxenstat-cmd,mode=control");
	add(a, "-nodefaults");
	add(a, "-no-user-config");
	add(a, "-name");
	add(a, "%s", name);
	add(a, "-display");
	add(a, "none");
	add(a, "-vga");
	add(a, "none");
	add(a, "-boot");
	add(a, "order=c");
	if (o->vcpus > 1) {
		add(a, "-smp");
		add(a, "%u,maxcpus=%u", o->vcpus, o->vcpus);
	}
	add(a, "-net");
	add(a, "none");
	if (o->restrict_dm)
		add(a, "-xen-domid-restrict");
	add(a, "-machine");
	add(a, "xenfv,suppress-vmdesc=on");
	add(a, "-m");
	add(a, "%u", o->mem_mb);
}

pid_t dm_qemu_spawn(const struct dm_opts *o, uint32_t domid, const char *name)
{
	struct argv_buf a = { .n = 0 };
	char log[4096];
	pid_t pid;
	int fd, null;
	unsigned i;

	build_args(&a, o, domid, name);
	snprintf(log, sizeof(log), "%s/qemu-dm-%s.log", o->rundir, name);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || null < 0) {
		fprintf(stderr, "xrc-dm: %s: %s\n", fd < 0 ? log : "/dev/null",
			strerror(errno));
		return -1;
	}
	for (i = 0; i < a.n; i++)
		fprintf(stderr, "%s%s", i ? " " : "xrc-dm: exec ", a.v[i]);
	fputc('\n', stderr);
	pid = fork();
	if (pid == 0) {
		/* Never outlive the toolstack that has to clean up after it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(127);
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(a.v[0], a.v);
		dprintf(2, "xrc-dm: exec %s: %s\n", a.v[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	close(null);
	for (i = 0; i < a.n; i++)
		free(a.v[i]);
	return pid;
}

int dm_qemu_stop(pid_t pid)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int status = 0, waited;

	if (pid <= 0)
		return 0;
	kill(pid, SIGTERM);
	for (waited = 0; waited < STOP_GRACE_MS; waited += 10) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}
