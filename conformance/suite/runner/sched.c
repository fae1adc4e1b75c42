/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: every job runs in a forked child of its own (its own
 * process group, so that whatever it forks dies with it), sends
 * fixed-size messages up a pipe (the last whole one counts), and is
 * killed when its time is up.
 * Up to `parallel` children run at once; results are handed back in job
 * order whatever order the children end in.
 *
 * Child ends are noticed through SIGCHLD written into a self-pipe, so the
 * parent sleeps in poll() and never depends on a pipe reaching EOF (a
 * grandchild may hold the write end open).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

/* After SIGKILL, how long a child may take to die before we give up. */
#define XRC_KILL_GRACE	5.0
/* The child's message pipe is moved at or above this descriptor, out of
 * the way of bodies that check descriptor numbers or close ranges. */
#define XRC_MSG_FD_MIN	512

static int chld_pipe[2] = { -1, -1 };
/* SIGINT/SIGTERM/SIGHUP received: stop, taking the children along. */
static volatile sig_atomic_t stop_sig;
static const int stop_sigs[] = { SIGINT, SIGTERM, SIGHUP };
#define NR_STOP_SIGS	(sizeof(stop_sigs) / sizeof(stop_sigs[0]))

double xrc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_sigchld(int sig)
{
	int saved = errno;
	ssize_t n = write(chld_pipe[1], "", 1);

	(void)sig;
	(void)n;	/* full pipe: a wake-up is already pending */
	errno = saved;
}

static void on_stop(int sig)
{
	stop_sig = sig;
	on_sigchld(sig);	/* wake the poll */
}

/*
 * The children run in process groups of their own, out of reach of the
 * terminal's ^C: kill them all before dying of the signal ourselves.
 */
static void stop_now(struct xrc_job *jobs, unsigned n, const bool *done)
{
	int sig = stop_sig, wstatus;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (done[i] || jobs[i].pid <= 0)
			continue;
		kill(-jobs[i].pid, SIGKILL);
		kill(jobs[i].pid, SIGKILL);
	}
	for (i = 0; i < n; i++)
		if (!done[i] && jobs[i].pid > 0)
			waitpid(jobs[i].pid, &wstatus, 0);
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

/* In the child: a clean slate before the job runs. */
static void child_prepare(struct xrc_job *jobs, unsigned n, int *out_fd)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	struct rlimit rl;
	sigset_t none;
	unsigned i;
	int fd;

	setpgid(0, 0);
	sigaction(SIGCHLD, &dfl, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	for (i = 0; i < NR_STOP_SIGS; i++)
		sigaction(stop_sigs[i], &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close(chld_pipe[0]);
	close(chld_pipe[1]);
	for (i = 0; i < n; i++)
		if (jobs[i].fd >= 0)
			close(jobs[i].fd);

	/* Stray prints from a body must not land in the TAP on stdout. */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur > XRC_MSG_FD_MIN + 16) {
		fd = fcntl(*out_fd, F_DUPFD_CLOEXEC, XRC_MSG_FD_MIN);
		if (fd >= 0) {
			close(*out_fd);
			*out_fd = fd;
		}
	}
}

static void start(struct xrc_job *jobs, unsigned n, struct xrc_job *job,
		  double timeout)
{
	int p[2];
	pid_t pid;

	job->fd = -1;
	job->pid = 0;
	job->got = 0;
	job->staged = 0;
	job->killed = false;
	if (job->msg_size > sizeof(job->stage)) {
		job->end = XRC_END_FORK_FAILED;
		job->sys_err = EMSGSIZE;
		return;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		job->end = XRC_END_FORK_FAILED;
		job->sys_err = errno;
		return;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		job->end = XRC_END_FORK_FAILED;
		job->sys_err = errno;
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		int out = p[1];

		close(p[0]);
		child_prepare(jobs, n, &out);
		job->run(job->arg, out);
		_exit(127);	/* run() must not return */
	}
	/* Also here: kill(-pid) must work before the child gets to run. */
	setpgid(pid, pid);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	job->fd = p[0];
	job->pid = pid;
	job->start = xrc_now();
	job->deadline = job->start + timeout;
}

/*
 * Take what the child sent.  It may send several messages (a test sends
 * its observation as soon as it is made, then its final state): the last
 * complete one counts.
 */
static void drain(struct xrc_job *job)
{
	ssize_t n;

	while (job->fd >= 0) {
		n = read(job->fd, job->stage + job->staged,
			 job->msg_size - job->staged);
		if (n > 0) {
			job->staged += (size_t)n;
			if (job->staged == job->msg_size) {
				memcpy(job->msg, job->stage, job->msg_size);
				job->got = job->msg_size;
				job->staged = 0;
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {	/* EOF: nobody holds the write end */
			close(job->fd);
			job->fd = -1;
		}
		break;		/* EAGAIN: nothing more for now */
	}
}

static void finish(struct xrc_job *job, int wstatus)
{
	drain(job);
	if (job->fd >= 0) {
		close(job->fd);
		job->fd = -1;
	}
	/* Whatever the body forked goes with it. */
	kill(-job->pid, SIGKILL);
	job->secs = xrc_now() - job->start;
	if (job->killed) {
		job->end = XRC_END_TIMEOUT;
	} else if (WIFSIGNALED(wstatus)) {
		job->end = XRC_END_SIGNALED;
		job->code = WTERMSIG(wstatus);
	} else {
		job->end = XRC_END_EXITED;
		job->code = WEXITSTATUS(wstatus);
	}
}

/* One pass over the running children: reap, time out, give up. */
static unsigned reap(struct xrc_job *jobs, unsigned n, bool *done)
{
	double now = xrc_now();
	unsigned i, ended = 0;
	int wstatus;
	pid_t r;

	for (i = 0; i < n; i++) {
		struct xrc_job *job = &jobs[i];

		if (done[i] || job->pid <= 0)
			continue;
		r = waitpid(job->pid, &wstatus, WNOHANG);
		if (r == job->pid) {
			finish(job, wstatus);
		} else if (now >= job->deadline && !job->killed) {
			kill(-job->pid, SIGKILL);
			kill(job->pid, SIGKILL);
			job->killed = true;
			job->deadline = now + XRC_KILL_GRACE;
			continue;
		} else if (now >= job->deadline) {
			/* In the kernel for good (a driver bug): abandon it. */
			drain(job);
			if (job->fd >= 0)
				close(job->fd);
			job->fd = -1;
			job->end = XRC_END_STUCK;
			job->secs = now - job->start;
		} else {
			continue;
		}
		done[i] = true;
		ended++;
	}
	return ended;
}

static int poll_timeout_ms(const struct xrc_job *jobs, unsigned n,
			   const bool *done)
{
	double now = xrc_now(), first = -1;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (done[i] || jobs[i].pid <= 0)
			continue;
		if (first < 0 || jobs[i].deadline < first)
			first = jobs[i].deadline;
	}
	if (first < 0)
		return -1;
	if (first <= now)
		return 0;
	return (int)((first - now) * 1000.0) + 1;	/* never early */
}

void xrc_run_jobs(struct xrc_job *jobs, unsigned n, unsigned parallel,
		  double timeout, void (*done_cb)(unsigned i, void *ctx),
		  void *ctx)
{
	struct sigaction sa = { .sa_handler = on_sigchld,
				.sa_flags = SA_RESTART | SA_NOCLDSTOP };
	struct sigaction stop = { .sa_handler = on_stop,
				  .sa_flags = SA_RESTART };
	struct sigaction old, old_stop[NR_STOP_SIGS];
	struct pollfd *pfd;
	bool *done;
	unsigned next = 0, reported = 0, running = 0, i, np;
	char sink[64];

	done = calloc(n ? n : 1, sizeof(*done));
	pfd = calloc(n + 1, sizeof(*pfd));
	if (!done || !pfd) {
		perror("xrc-conformance");
		exit(XRC_EXIT_BROKE);
	}
	for (i = 0; i < n; i++) {
		jobs[i].fd = -1;
		jobs[i].pid = 0;
	}
	if (pipe2(chld_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("xrc-conformance: pipe");
		exit(XRC_EXIT_BROKE);
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, &old);
	sigemptyset(&stop.sa_mask);
	for (i = 0; i < NR_STOP_SIGS; i++)
		sigaction(stop_sigs[i], &stop, &old_stop[i]);
	if (!parallel)
		parallel = 1;

	while (reported < n) {
		while (running < parallel && next < n) {
			start(jobs, n, &jobs[next], timeout);
			if (jobs[next].pid > 0)
				running++;
			else
				done[next] = true;
			next++;
		}
		while (reported < n && done[reported])
			done_cb(reported++, ctx);
		if (!running)
			continue;

		np = 0;
		pfd[np++] = (struct pollfd){ .fd = chld_pipe[0],
					     .events = POLLIN };
		for (i = 0; i < next; i++)
			if (!done[i] && jobs[i].fd >= 0)
				pfd[np++] = (struct pollfd){ .fd = jobs[i].fd,
							     .events = POLLIN };
		if (poll(pfd, np, poll_timeout_ms(jobs, next, done)) < 0 &&
		    errno != EINTR) {
			perror("xrc-conformance: poll");
			exit(XRC_EXIT_BROKE);
		}
		while (read(chld_pipe[0], sink, sizeof(sink)) > 0)
			;
		if (stop_sig)
			stop_now(jobs, next, done);
		for (i = 0; i < next; i++)
			if (!done[i] && jobs[i].fd >= 0)
				drain(&jobs[i]);
		running -= reap(jobs, next, done);
	}

	sigaction(SIGCHLD, &old, NULL);
	for (i = 0; i < NR_STOP_SIGS; i++)
		sigaction(stop_sigs[i], &old_stop[i], NULL);
	close(chld_pipe[0]);
	close(chld_pipe[1]);
	chld_pipe[0] = chld_pipe[1] = -1;
	free(pfd);
	free(done);
}
