/* SPDX-License-Identifier: MIT */
/*
 * xensim-world: named worlds, one simulated machine shared by unrelated
 * processes (sim/WORLDS.md).  `xrc sim` is its front end.
 *
 *   start [--name NAME] [--profile P] [--world FILE]
 *   status [NAME]       list      stop NAME      stop --stale | gc
 *
 * `start` forks a keeper: a process that creates the world, so that it
 * is the world's recorded creator, and then only waits.  While the keeper
 * runs the world is live even with no client; when it is gone and no
 * handle is open, the world is stale (left behind) and `gc` removes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xensim/profile.h>

#include "world_tool.h"

#define DEFAULT_NAME	"default"

static void usage(FILE *to)
{
	fprintf(to,
		"usage: xensim-world start [--name NAME] [--profile PROFILE] [--world FILE]\n"
		"       xensim-world status [NAME]\n"
		"       xensim-world list\n"
		"       xensim-world stop NAME | --stale\n"
		"       xensim-world gc\n"
		"\n"
		"Named worlds: one simulated machine in %s/%sNAME that unrelated\n"
		"processes join with XENSIM_WORLD_NAME=NAME under the preload.\n"
		"NAME: 1 to %d characters of A-Z a-z 0-9 _ . - (default '%s').\n"
		"\n"
		"exit codes: 0 done, 1 no such world, 2 bad command line or refused\n",
		XSIM_WORLD_DIR, XSIM_WORLD_PREFIX, XSIM_WORLD_NAME_MAX,
		DEFAULT_NAME);
}

static int bad_name(const char *name)
{
	fprintf(stderr,
		"xensim-world: '%s' is not a world name (1 to %d characters of A-Z a-z 0-9 _ . -)\n",
		name, XSIM_WORLD_NAME_MAX);
	return WT_REFUSED;
}

/* What the keeper tells the command that forked it. */
struct start_report {
	int code;		/* WT_OK or WT_REFUSED */
	char msg[480];
};

static void report(int fd, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(int fd, int code, const char *fmt, ...)
{
	struct start_report r = { .code = code };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r.msg, sizeof(r.msg), fmt, ap);
	va_end(ap);
	(void)!write(fd, &r, sizeof(r));
}

/*
 * Publish w under its name.  A stale world of that name is removed
 * first (`start` cleans what a crash left behind); a live one, or one of
 * another build, is not touched.
 */
static int publish(struct xsim_world *w, const char *name, int rfd)
{
	struct wt_view v;
	int rc = xsim_world_publish(w);

	if (rc != -EEXIST)
		goto out;
	rc = wt_view(name, &v);
	if (rc == -ENOENT) {	/* stopped meanwhile */
		rc = xsim_world_publish(w);
		goto out;
	}
	if (v.state != WT_STALE) {
		struct xsim_world_info info = { 0 };

		if (v.w)
			xsim_world_info(v.w, &info);
		if (v.state == WT_LIVE)
			report(rfd, WT_REFUSED,
			       "world %s is live (creator pid %u %s, %u handle%s open): not replacing it; stop it first (xrc sim stop %s)",
			       name, info.creator_pid,
			       v.creator_alive ? "running" : "gone",
			       v.handles_open, v.handles_open == 1 ? "" : "s",
			       name);
		else
			report(rfd, WT_REFUSED,
			       "world %s exists and cannot be judged (%s): not replacing it; remove it with xrc sim stop %s",
			       name, v.why, name);
		wt_view_done(&v);
		return -EEXIST;
	}
	wt_view_done(&v);
	xsim_world_unlink_named(name);
	rc = xsim_world_publish(w);
out:
	if (rc)
		report(rfd, WT_REFUSED, "cannot name world %s: %s", name,
		       strerror(-rc));
	return rc;
}

/*
 * Wait for SIGTERM, SIGINT or SIGHUP (set, blocked), or for the world's
 * file to be unlinked: `stop` tells the keeper it finds in the header,
 * but a world whose header is damaged names no keeper (the corruption
 * tests make such worlds), and a keeper must not outlive its world.
 * Checked once a second: fstat on a file descriptor cannot fault.
 */
static void keeper_wait(const struct xsim_world *w, const sigset_t *set)
{
	const struct timespec tick = { .tv_sec = 1 };
	struct stat st;
	int fd = xsim_world_fd(w);

	for (;;) {
		if (sigtimedwait(set, NULL, &tick) >= 0)
			return;
		if (fd >= 0 && !fstat(fd, &st) && st.st_nlink == 0)
			return;
	}
}

/* The keeper: create the world, say so, then wait to be told to go. */
static void keeper(const char *name, const char *profile, const char *file,
		   int rfd)
{
	struct xsim_world_config cfg = { 0 };
	struct xsim_world *w;
	char err[320];
	sigset_t set;
	int rc, devnull;

	/*
	 * A daemon keeps nothing it inherited but the report pipe: a pipe
	 * end held here would keep a reader of the caller waiting for EOF.
	 */
	if (rfd > 3)
		close_range(3, (unsigned)rfd - 1, 0);
	close_range((unsigned)rfd + 1, ~0u, 0);
	setsid();
	cfg.profile = profile;
	cfg.empty = file != NULL;
	rc = xsim_world_create_named(name, &cfg, &w);
	if (rc) {
		report(rfd, WT_REFUSED, "cannot create world %s: %s", name,
		       strerror(-rc));
		_exit(WT_REFUSED);
	}
	if (file) {
		err[0] = '\0';
		rc = xsim_world_load_file(w, file, err, sizeof(err));
		if (rc) {
			report(rfd, WT_REFUSED, "%s",
			       err[0] ? err : strerror(-rc));
			_exit(WT_REFUSED);
		}
	}
	if (publish(w, name, rfd))
		_exit(WT_REFUSED);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	report(rfd, WT_OK, "%u", (unsigned)getpid());
	close(rfd);
	/* Let the command line's pipes and terminal go. */
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		close(devnull);
	}
	(void)!chdir("/");
	keeper_wait(w, &set);
	_exit(WT_OK);
}

static int cmd_start(int argc, char **argv)
{
	const char *name = DEFAULT_NAME, *profile = NULL, *file = NULL;
	struct start_report r = { .code = WT_REFUSED };
	int i, p[2], status;
	pid_t pid;

	for (i = 0; i < argc; i++) {
		const char **opt = !strcmp(argv[i], "--name") ? &name :
				   !strcmp(argv[i], "--profile") ? &profile :
				   !strcmp(argv[i], "--world") ? &file : NULL;

		if (!opt || i + 1 >= argc) {
			fprintf(stderr, "xensim-world start: %s '%s'\n",
				opt ? "a value is needed after" :
				"unexpected argument", argv[i]);
			return WT_REFUSED;
		}
		*opt = argv[++i];
	}
	if (xsim_world_name_check(name))
		return bad_name(name);
	if (profile && !xsim_profile_find(profile)) {
		const struct xsim_profile *const *pr;

		fprintf(stderr, "xensim-world: unknown profile '%s'; profiles:",
			profile);
		for (pr = xsim_profiles(); *pr; pr++)
			fprintf(stderr, " %s", (*pr)->name);
		fprintf(stderr, "\n");
		return WT_REFUSED;
	}
	if (file && access(file, R_OK)) {
		fprintf(stderr, "xensim-world: %s: %s\n", file,
			strerror(errno));
		return WT_REFUSED;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		perror("xensim-world: pipe");
		return WT_REFUSED;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("xensim-world: fork");
		return WT_REFUSED;
	}
	if (pid == 0) {
		close(p[0]);
		keeper(name, profile, file, p[1]);
	}
	close(p[1]);
	if (read(p[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
		snprintf(r.msg, sizeof(r.msg), "the keeper died before saying");
	close(p[0]);
	if (r.code != WT_OK) {
		waitpid(pid, &status, 0);
		fprintf(stderr, "xensim-world: %s\n", r.msg);
		return WT_REFUSED;
	}
	printf("started world %s (profile %s), kept by pid %s\n", name,
	       profile ? profile : getenv("XENSIM_PROFILE") &&
	       *getenv("XENSIM_PROFILE") ? getenv("XENSIM_PROFILE") :
	       "proposed", r.msg);
	printf("join it:  XENSIM_WORLD_NAME=%s LD_PRELOAD=%s PROGRAM\n", name,
	       wt_preload_path());
	printf("stop it:  xrc sim stop %s\n", name);
	return WT_OK;
}

/* Is pid a keeper this tool forked (and not some other creator)? */
static bool is_keeper(uint32_t pid)
{
	char path[40], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strcmp(comm, "xensim-world\n");
}

static int stop_one(const char *name, bool quiet_missing)
{
	struct xsim_world_info info;
	struct wt_view v;
	bool keeper_told = false;
	int rc;

	rc = wt_view(name, &v);
	if (rc == -ENOENT) {
		if (!quiet_missing)
			fprintf(stderr, "xensim-world: no world called %s\n",
				name);
		return WT_NOT_FOUND;
	}
	/* New attaches fail from here on; mapped processes keep theirs. */
	rc = xsim_world_unlink_named(name);
	if (rc && rc != -ENOENT) {
		fprintf(stderr, "xensim-world: cannot remove world %s: %s\n",
			name, strerror(-rc));
		wt_view_done(&v);
		return WT_REFUSED;
	}
	if (v.w) {
		xsim_world_info(v.w, &info);
		if (v.creator_alive && is_keeper(info.creator_pid) &&
		    !kill((pid_t)info.creator_pid, SIGTERM))
			keeper_told = true;
	}
	printf("stopped world %s (%s)%s", name, wt_state_name(v.state),
	       keeper_told ? ", its keeper told to exit" : "");
	if (v.handles_open)
		printf("; %u handle%s still open: those processes keep the machine until they exit",
		       v.handles_open, v.handles_open == 1 ? "" : "s");
	printf("\n");
	wt_view_done(&v);
	return WT_OK;
}

static void gc_one(const char *name, void *arg)
{
	struct wt_view v;
	int *removed = arg;

	if (wt_view(name, &v))
		return;
	if (v.state == WT_STALE && !xsim_world_unlink_named(name)) {
		printf("removed stale world %s\n", name);
		++*removed;
	}
	wt_view_done(&v);
}

static int cmd_gc(void)
{
	int removed = 0;

	wt_each_world(gc_one, &removed);
	printf("%d stale world%s removed\n", removed, removed == 1 ? "" : "s");
	return WT_OK;
}

static int cmd_stop(int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "xensim-world stop: NAME or --stale\n");
		return WT_REFUSED;
	}
	if (!strcmp(argv[0], "--stale"))
		return cmd_gc();
	if (xsim_world_name_check(argv[0]))
		return bad_name(argv[0]);
	return stop_one(argv[0], false);
}

/*
 * Test hook: take the machine lock and die holding it (SIGKILL), so that
 * a test can check that the next locker repairs it (EOWNERDEAD).
 */
static int cmd_lock_and_die(int argc, char **argv)
{
	struct xsim_world *w;
	char why[320];
	int rc;

	if (argc != 1)
		return WT_REFUSED;
	rc = xsim_world_attach_named(argv[0], &w, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "xensim-world: %s\n", why);
		return rc == -ENOENT ? WT_NOT_FOUND : WT_REFUSED;
	}
	xsim_lock(w);
	kill(getpid(), SIGKILL);
	return WT_REFUSED;	/* not reached */
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		usage(stderr);
		return WT_REFUSED;
	}
	argc -= 2;
	argv += 2;
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help")) {
		usage(stdout);
		return WT_OK;
	}
	if (!strcmp(cmd, "start"))
		return cmd_start(argc, argv);
	if (!strcmp(cmd, "status"))
		return wt_cmd_status(argc, argv);
	if (!strcmp(cmd, "list"))
		return wt_cmd_list(argc, argv);
	if (!strcmp(cmd, "stop"))
		return cmd_stop(argc, argv);
	if (!strcmp(cmd, "gc") && !argc)
		return cmd_gc();
	if (!strcmp(cmd, "lock-and-die"))
		return cmd_lock_and_die(argc, argv);
	fprintf(stderr, "xensim-world: unknown command '%s'\n", cmd);
	usage(stderr);
	return WT_REFUSED;
}
