/* SPDX-License-Identifier: MIT */
/*
 * The harness: run every check in a child, print TAP, end with
 * "N passed, N failed" and a non-zero exit status on any failure.
 *
 *   LD_PRELOAD=build/lib/libxensim-preload.so build/bin/xsim-preload-check
 *
 * XENSIM_PROFILE defaults to "linux" here (set it to try another).
 */
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

int check_failures;
const char *self_path;
static char self_buf[4096];

void check_fail(const char *file, int line, const char *fmt, ...)
{
	char path[256];
	va_list ap;

	check_failures++;
	snprintf(path, sizeof(path), "%s", file);
	printf("# %s:%d: ", basename(path), line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void check_note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void *opaque(uintptr_t v)
{
	void *volatile p = (void *)v;

	return p;
}

int run_in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		check_failures = 0;
		alarm(60);	/* a hang fails the check, not the run */
		fn(arg);
		fflush(stdout);
		exit(check_failures ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -WTERMSIG(status);
}

static void run_check(void *arg)
{
	const struct check *c = arg;

	c->fn();
}

int exec_child_main(int argc, char **argv);

int main(int argc, char **argv)
{
	static const struct check *const groups[] = {
		fd_checks, evtchn_checks, mmap_checks, thread_checks,
		efault_checks, hcbuf_checks,
	};
	ssize_t n;
	int total = 0, passed = 0, failed = 0;
	unsigned g;

	setvbuf(stdout, NULL, _IOLBF, 0);
	n = readlink("/proc/self/exe", self_buf, sizeof(self_buf) - 1);
	self_path = n > 0 ? (self_buf[n] = '\0', self_buf) : argv[0];
	if (argc > 1 && !strcmp(argv[1], "--exec-child"))
		return exec_child_main(argc, argv);

	setenv("XENSIM_PROFILE", "linux", 0);
	/* Our own machines: never one a caller's environment points at. */
	unsetenv("XENSIM_WORLD_FD");
	if (!getenv("LD_PRELOAD"))
		check_note("LD_PRELOAD is not set: the device opens will fail");

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		const struct check *c;

		for (c = groups[g]; c->name; c++)
			total++;
	}
	printf("1..%d\n", total);
	total = 0;
	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		const struct check *c;

		for (c = groups[g]; c->name; c++) {
			int rc = run_in_child(run_check, (void *)c);

			total++;
			if (rc == 0) {
				passed++;
				printf("ok %d - %s\n", total, c->name);
			} else {
				failed++;
				if (rc < 0)
					check_note("%s: killed by signal %d (%s)",
						   c->name, -rc, strsignal(-rc));
				printf("not ok %d - %s\n", total, c->name);
			}
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
