/* SPDX-License-Identifier: MIT */
/*
 * xensim-cuse [--devdir DIR] [--profile NAME] [--world FILE] [--foreground]
 *
 * Serves the sim's /dev/xen/{privcmd,evtchn,gntdev,gntalloc} (those the
 * profile has) as real character devices through CUSE, so that programs
 * that do not run under the preload, in another process tree or a VM
 * image, see the sim as a kernel.  Prints "xensim-cuse: ready" once every
 * node exists; SIGTERM, SIGINT or SIGHUP remove them and end it.
 *
 * Exit: 0 after a clean shutdown; 1 bad command line, profile, world or a
 * failed start; 2 no /dev/cuse or not root.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xensim/profile.h>

#include "cuse.h"

struct cd_daemon cd = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
};

struct cd_opts {
	const char *devdir;
	const char *profile;
	const char *world;
	bool foreground;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: xensim-cuse [--devdir DIR] [--profile NAME] [--world FILE] [--foreground]\n"
"\n"
"Serve the sim's Xen devices (privcmd, evtchn, gntdev, gntalloc) through\n"
"CUSE as character devices in DIR (default /dev/xen).  Prints\n"
"\"xensim-cuse: ready\" when every node exists; SIGTERM removes them.\n"
"\n"
"  --devdir DIR    where the nodes go (made if missing; default /dev/xen)\n"
"  --profile NAME  the sim's profile (default: $XENSIM_PROFILE, else proposed)\n"
"  --world FILE    build the machine from a world file (docs/world-files.md)\n"
"  --foreground    stay in the foreground (default: detach once ready)\n"
"\n"
"Needs root and /dev/cuse (modprobe cuse).  XENSIM_CALLER_DOMID sets the\n"
"domain the clients run in (default 0).\n"
"Exit: 0 clean shutdown, 1 bad arguments or failed start, 2 no CUSE.\n");
}

static int parse(int argc, char **argv, struct cd_opts *o)
{
	static const struct option longs[] = {
		{ "devdir", required_argument, NULL, 'd' },
		{ "profile", required_argument, NULL, 'p' },
		{ "world", required_argument, NULL, 'w' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->devdir = "/dev/xen";
	o->profile = getenv("XENSIM_PROFILE");
	if (!o->profile || !*o->profile)
		o->profile = "proposed";
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'd': o->devdir = optarg; break;
		case 'p': o->profile = optarg; break;
		case 'w': o->world = optarg; break;
		case 'f': o->foreground = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "xensim-cuse: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return -1;
	}
	if (!*o->devdir) {
		fprintf(stderr, "xensim-cuse: --devdir wants a directory\n");
		return -1;
	}
	return 0;
}

static int check_profile(const char *name)
{
	const struct xsim_profile *const *p;

	if (xsim_profile_find(name))
		return 0;
	fprintf(stderr, "xensim-cuse: unknown profile '%s'; profiles:", name);
	for (p = xsim_profiles(); *p; p++)
		fprintf(stderr, " %s", (*p)->name);
	fprintf(stderr, "\n");
	return -1;
}

static int parse_domid(uint16_t *out)
{
	if (xsim_caller_domid_from_env(out) == 0)
		return 0;
	fprintf(stderr, "xensim-cuse: XENSIM_CALLER_DOMID=%s: not a domain id "
		"(0..%u)\n", getenv("XENSIM_CALLER_DOMID"),
		XSIM_DOMID_FIRST_RESERVED - 1);
	return -1;
}

/* CUSE is a kernel module and mknod is root's: say so, exit 2. */
static void check_cuse(void)
{
	struct stat st;

	if (stat("/dev/cuse", &st) || !S_ISCHR(st.st_mode)) {
		fprintf(stderr, "xensim-cuse: /dev/cuse is missing "
			"(modprobe cuse); CUSE needs root\n");
		exit(2);
	}
	if (geteuid() != 0) {
		fprintf(stderr, "xensim-cuse: CUSE needs root (/dev/cuse, "
			"mknod in the devdir)\n");
		exit(2);
	}
}

static int make_world(const struct cd_opts *o)
{
	struct xsim_world_config cfg = {
		.profile = o->profile,
		.empty = o->world != NULL,
	};
	char err[256] = "";
	int rc;

	rc = xsim_world_create(&cfg, &cd.w);
	if (rc) {
		fprintf(stderr, "xensim-cuse: cannot create the world: %s\n",
			strerror(-rc));
		return -1;
	}
	if (o->world) {
		rc = xsim_world_load_file(cd.w, o->world, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "xensim-cuse: %s\n",
				err[0] ? err : strerror(-rc));
			return -1;
		}
	}
	xsim_dev_attach(cd.w);
	xsim_dev_set_wake(cd.w, cd_wake, NULL);
	return 0;
}

static int make_devdir(const char *dir)
{
	struct stat st;

	if (!stat(dir, &st)) {
		if (S_ISDIR(st.st_mode))
			return 0;
		fprintf(stderr, "xensim-cuse: %s is not a directory\n", dir);
		return -1;
	}
	if (mkdir(dir, 0755)) {
		fprintf(stderr, "xensim-cuse: cannot make %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	cd.made_devdir = true;
	return 0;
}

static void plan_devices(const char *profile)
{
	const struct xsim_profile *p = xsim_profile_find(profile);
	unsigned k;

	for (k = 0; k < XSIM_NR_DEVS; k++) {
		struct cd_dev *d = &cd.devs[cd.nr_devs];

		/* A platform without the device has no node (ENOENT). */
		if (!p->dev[k].present)
			continue;
		d->kind = (enum xsim_dev_kind)k;
		d->name = xsim_dev_name(d->kind);
		d->cuse_fd = -1;
		snprintf(d->devname, sizeof(d->devname), "xensim-%d-%s",
			 (int)getpid(), d->name);
		snprintf(d->node, sizeof(d->node), "%s/%s", cd.devdir,
			 d->name);
		cd.nr_devs++;
	}
}

/* Wait until every device has its node, or one failed. */
static int wait_ready(void)
{
	struct timespec until;
	unsigned i, ready;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	pthread_mutex_lock(&cd.mu);
	for (;;) {
		for (i = 0, ready = 0; i < cd.nr_devs; i++) {
			if (cd.devs[i].ready && cd.devs[i].err && !rc)
				rc = -cd.devs[i].err;
			ready += cd.devs[i].ready;
		}
		if (rc || ready == cd.nr_devs)
			break;
		if (pthread_cond_timedwait(&cd.cv, &cd.mu, &until) ==
		    ETIMEDOUT) {
			rc = -ETIMEDOUT;
			break;
		}
	}
	pthread_mutex_unlock(&cd.mu);
	return rc;
}

static void shutdown_all(void)
{
	unsigned i;

	atomic_store(&cd.stopping, true);
	/* No new opens; then no client waits for us; then the sessions. */
	for (i = 0; i < cd.nr_devs; i++)
		if (cd.devs[i].node_made)
			cd_node_remove(cd.devs[i].node, cd.devs[i].rdev);
	cd_waiter_stop();
	for (i = 0; i < cd.nr_devs; i++)
		cd_session_stop(&cd.devs[i]);
	cd_ioctl_fini();
	if (cd.made_devdir)
		rmdir(cd.devdir);
}

/*
 * Detach: the parent returns once the child is ready (exit 0) or has
 * failed (its status), so a script can start us and go on.
 */
static int daemonize(int *ready_fd)
{
	int pfd[2], status;
	char c;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(pfd[1]);
		if (read(pfd[0], &c, 1) == 1)
			_exit(0);
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
			_exit(WEXITSTATUS(status));
		_exit(1);
	}
	close(pfd[0]);
	setsid();
	*ready_fd = pfd[1];
	return 0;
}

int main(int argc, char **argv)
{
	struct cd_opts o = { 0 };
	int ready_fd = -1, sig, rc;
	uint16_t domid;
	sigset_t set;
	unsigned i;

	if (parse(argc, argv, &o) || check_profile(o.profile) ||
	    parse_domid(&domid))
		return 1;
	check_cuse();
	cd.devdir = o.devdir;
	if (!o.foreground && daemonize(&ready_fd)) {
		perror("xensim-cuse: fork");
		return 1;
	}
	/* Signals end the daemon through sigwait below; threads inherit. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (make_world(&o) || make_devdir(o.devdir))
		return 1;
	cd_ops_set_caller(domid);
	plan_devices(o.profile);
	rc = cd_waiter_start();
	for (i = 0; !rc && i < cd.nr_devs; i++)
		rc = cd_session_start(&cd.devs[i]);
	if (!rc)
		rc = wait_ready();
	if (rc) {
		fprintf(stderr, "xensim-cuse: cannot start: %s\n",
			strerror(-rc));
		shutdown_all();
		return 1;
	}
	printf("xensim-cuse: ready\n");
	fflush(stdout);
	if (ready_fd >= 0) {
		/* Let a pipe reading our stdout see its end. */
		FILE *null = freopen("/dev/null", "w", stdout);

		(void)null;
		(void)!write(ready_fd, "R", 1);
		close(ready_fd);
	}
	do
		rc = sigwait(&set, &sig);
	while (rc == EINTR);
	shutdown_all();
	return 0;
}
