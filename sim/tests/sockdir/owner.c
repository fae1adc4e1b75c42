/* SPDX-License-Identifier: MIT */
/*
 * xsim-sockdir-owner: a world's owner, under the preload, while another
 * user attacks its handles' socket names (sim/preload/DESIGN.md,
 * "Naming"; driven by sim/tests/world-sockdir.sh).  Uapi only, as the
 * preload's own check.  Prints TAP.
 *
 *   xsim-sockdir-owner N STATUS -- ATTACKER...
 *
 * ATTACKER... is the attacker's command line (xsim-sockdir-attacker
 * behind setpriv); STATUS is a shell command printing `xensim-world
 * status` of the world, or "-" for a private world.  The owner opens one
 * evtchn handle (so that its names show in /proc/net/unix), then:
 *
 *   (a) the attacker binds the names of the next handles; N opens succeed;
 *   (b) the attacker connects and sends to every live name; no handle
 *       polls readable, and a real event still makes one readable;
 *   (c) a child holding 16 handles is SIGKILLed (its handles are left to
 *       the collection); all handles closed, the attacker binds their
 *       names; the world reclaims every handle (STATUS: "0 open" after
 *       its collection), and the same opens work again.
 *
 * Every descriptor is close-on-exec, so the attacker inherits none.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xensim/uapi.h>

#define MAX_FDS		1000
#define CRASH_FDS	16

static int test_no, failed;
static char **attacker;
static char save[] = "/tmp/xsim-sockdir-XXXXXX";

static void ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		failed++;
}

struct child {
	pid_t pid;
	int in;		/* its stdin: closing it ends a holder */
	FILE *out;	/* its stdout */
};

/* Start the attacker with mode args; read its one-line report. */
static int spawn(struct child *c, const char *const *args, char *line,
		 size_t len)
{
	int to[2], from[2], n = 0, i;
	char *argv[32];

	for (i = 0; attacker[i] && n < 24; i++)
		argv[n++] = attacker[i];
	for (i = 0; args[i] && n < 31; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC))
		return -1;
	fflush(stdout);
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		unsetenv("LD_PRELOAD");	/* the attacker is nobody's client */
		execvp(argv[0], argv);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	c->in = to[1];
	c->out = fdopen(from[0], "r");
	line[0] = '\0';
	if (!c->out || !fgets(line, (int)len, c->out))
		return -1;
	line[strcspn(line, "\n")] = '\0';
	printf("# attacker: %s\n", line);
	return 0;
}

static int finish(struct child *c)
{
	int st = 0;

	if (c->in >= 0)
		close(c->in);
	if (c->out)
		fclose(c->out);
	waitpid(c->pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int open_evtchn(void)
{
	return open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
}

static int readable(const int *fds, int n)
{
	struct pollfd p[MAX_FDS + 1];
	int i;

	for (i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	return poll(p, (nfds_t)n, 0);
}

/* Handles still open in the world, from STATUS; -1 if unknown. */
static int handles_open(const char *status)
{
	FILE *p = popen(status, "r");
	char line[256];
	int n = -1;

	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, " handles %d open", &n) == 1)
			break;
	while (fgets(line, sizeof(line), p))
		;
	pclose(p);
	return n;
}

int main(int argc, char **argv)
{
	static int fds[MAX_FDS + 1];
	struct sockaddr_un sa;
	socklen_t salen = sizeof(sa);
	struct child c = { .in = -1 };
	char line[512], nslots[16], target[sizeof(sa.sun_path) + 2];
	const char *status;
	int n, i, opened = 0, err = 0, rc, a, b, sfd, ready[2];
	pid_t crashed;

	if (argc < 5 || strcmp(argv[3], "--") || atoi(argv[1]) < 1 ||
	    atoi(argv[1]) > MAX_FDS - 2) {
		fprintf(stderr, "usage: xsim-sockdir-owner N STATUS -- ATTACKER...\n");
		return 2;
	}
	n = atoi(argv[1]);
	status = argv[2];
	attacker = argv + 4;
	sfd = mkstemp(save);
	if (sfd < 0) {
		perror("mkstemp");
		return 2;
	}
	close(sfd);
	/* The attacker (another uid) writes the names it saw there. */
	if (chmod(save, 0666)) {
		perror("chmod");
		return 2;
	}

	fds[0] = open_evtchn();
	if (fds[0] < 0) {
		printf("Bail out! open /dev/xen/evtchn: %s\n", strerror(errno));
		return 1;
	}
	/* Its name as /proc/net/unix shows it to everybody. */
	if (getsockname(fds[0], (struct sockaddr *)&sa, &salen) ||
	    salen <= offsetof(struct sockaddr_un, sun_path) + 1) {
		printf("Bail out! the handle has no name\n");
		return 1;
	}
	if (sa.sun_path[0])
		snprintf(target, sizeof(target), "%s", sa.sun_path);
	else
		snprintf(target, sizeof(target), "@%.*s",
			 (int)(salen - offsetof(struct sockaddr_un, sun_path) - 1),
			 sa.sun_path + 1);
	printf("# first handle's name: %s\n", target);

	/* (a) names taken before the owner opens. */
	snprintf(nslots, sizeof(nslots), "%d", n + 8);
	/* Every generation the open's retries after EBUSY would try. */
	rc = spawn(&c, (const char *const[]){ "prebind", target, nslots, "8",
					      NULL }, line, sizeof(line));
	ok(!rc && strncmp(line, "prebind:", 8) == 0,
	   "(a) the attacker ran as another user and bound what it could");
	for (i = 1; i <= n; i++) {
		fds[i] = open_evtchn();
		if (fds[i] < 0) {
			if (!err)
				err = errno;
			break;
		}
		opened++;
	}
	ok(opened == n, "(a) %d opens under pre-bound names: %d succeeded%s%s",
	   n, opened, err ? ", then " : "", err ? strerror(err) : "");
	n = opened;	/* go on with what there is */
	finish(&c);
	c.in = -1;
	c.out = NULL;

	/* A client that will die unseen, holding handles. */
	if (pipe2(ready, O_CLOEXEC)) {
		perror("pipe2");
		return 2;
	}
	crashed = fork();
	if (crashed == 0) {
		for (i = 0; i < CRASH_FDS; i++)
			if (open_evtchn() < 0)
				_exit(1);
		(void)!write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	close(ready[1]);
	ok(crashed > 0 && read(ready[0], line, 1) == 1,
	   "a second client opened %d handles", CRASH_FDS);
	close(ready[0]);

	/* (b) connect and send to live names. */
	{
		struct child p = { .in = -1 };

		rc = spawn(&p, (const char *const[]){ "poke", target, save,
						      NULL }, line, sizeof(line));
		unsigned names = 0, sent = 1, conn = 1;

		ok(!rc && finish(&p) == 0 &&
		   sscanf(line, "poke: %u names; sent to %u, connected to %u",
			  &names, &sent, &conn) == 3 && names > 0,
		   "(b) the attacker poked every live name it saw");
		ok(sent == 0 && conn == 0,
		   "(b) it reached none of them (sent to %u, connected to %u)",
		   sent, conn);
	}
	i = readable(fds, n + 1);
	ok(i == 0, "(b) no handle polls readable after the attacker's sends (%d do)",
	   i);
	{
		struct ioctl_evtchn_bind_unbound_port ub = { .remote_domain = 0 };
		struct ioctl_evtchn_bind_interdomain bi = { .remote_domain = 0 };
		struct ioctl_evtchn_notify nt;
		struct pollfd p = { .fd = fds[0], .events = POLLIN };

		a = ioctl(fds[0], IOCTL_EVTCHN_BIND_UNBOUND_PORT, &ub);
		bi.remote_port = (unsigned)a;
		b = a < 0 ? -1 : ioctl(fds[n > 0 ? 1 : 0],
				       IOCTL_EVTCHN_BIND_INTERDOMAIN, &bi);
		nt.port = (unsigned)b;
		rc = b < 0 ? -1 : ioctl(fds[n > 0 ? 1 : 0], IOCTL_EVTCHN_NOTIFY,
					&nt);
		ok(rc == 0 && poll(&p, 1, 1000) == 1 && (p.revents & POLLIN),
		   "(b) a real event still makes the handle readable (ports %d, %d)",
		   a, b);
	}

	/* (c) close everything; the attacker binds the closed names. */
	if (crashed > 0) {
		kill(crashed, SIGKILL);
		waitpid(crashed, NULL, 0);
	}
	for (i = 0; i <= n; i++)
		close(fds[i]);
	rc = spawn(&c, (const char *const[]){ "rebind", save, NULL }, line,
		   sizeof(line));
	{
		unsigned got = 1, of = 0;

		ok(!rc && sscanf(line, "rebind: bound %u of %u", &got, &of) == 2 &&
		   of > 0, "(c) the attacker tried the closed handles' names");
		ok(got == 0, "(c) it could bind none of them (%u of %u)", got,
		   of);
	}
	if (strcmp(status, "-")) {
		i = handles_open(status);
		ok(i == 0, "(c) every closed handle was released (%d open)", i);
	}
	for (i = 0; i <= n; i++) {
		fds[i] = open_evtchn();
		if (fds[i] < 0)
			break;
	}
	ok(i == n + 1, "(c) the same opens again: %d of %d", i, n + 1);
	for (i--; i >= 0; i--)
		close(fds[i]);
	finish(&c);
	unlink(save);
	printf("1..%d\n", test_no);
	return failed ? 1 : 0;
}
