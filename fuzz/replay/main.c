/* SPDX-License-Identifier: MIT */
/*
 * Replay: run corpus files through a target's LLVMFuzzerTestOneInput
 * without libFuzzer (built with gcc as well as clang), as regression
 * tests for `make check`, and to reproduce a crash file.  Prints TAP.
 *
 *   fuzz-replay-TARGET [options] PATH...   (a PATH may be a directory)
 *
 *   --all-profiles    run each file under every profile (default: the
 *                     profile its first byte or XRC_FUZZ_PROFILE picks)
 *   --verify-reset    compare the whole world with its snapshot after
 *                     every input (XRC_FUZZ_VERIFY_RESET=1)
 *   --expect-finding  each file must make the target report a finding
 *                     (a self-test of the oracles: planted defects, the
 *                     lax port); each runs in a child process
 *   --trace           print each input's program as it ran
 *   --bench SECONDS   no TAP: run the files round and round for that long
 *                     and print inputs per second (the harness's own cost,
 *                     without libFuzzer)
 *
 * Exit: 0 when every file behaved, 1 otherwise; a finding outside
 * --expect-finding aborts with its report, as under libFuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../src/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT_BYTES	(1u << 20)
#define MAX_FILES	4096

static char *files[MAX_FILES];
static unsigned nfiles;
static unsigned tap_n;
static int failed;
static bool trace;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_file(const char *path)
{
	if (nfiles == MAX_FILES) {
		fprintf(stderr, "replay: more than %u files\n", MAX_FILES);
		exit(2);
	}
	files[nfiles] = strdup(path);
	if (!files[nfiles++]) {
		perror("replay");
		exit(2);
	}
}

static void add_path(const char *path)
{
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (stat(path, &st)) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		add_file(path);
		return;
	}
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while ((e = readdir(d))) {
		char sub[4096];

		/* Hidden files and notes (README, *.txt) are not inputs. */
		if (e->d_name[0] == '.' || strstr(e->d_name, ".txt") ||
		    strstr(e->d_name, ".repro") || !strcmp(e->d_name, "README"))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (!stat(sub, &st) && S_ISREG(st.st_mode))
			add_file(sub);
	}
	closedir(d);
}

static size_t load(const char *path, uint8_t *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	n = fread(buf, 1, MAX_INPUT_BYTES, f);
	fclose(f);
	return n;
}

static void run(const char *path, const uint8_t *data, size_t n,
		const char *profile)
{
	LLVMFuzzerTestOneInput(data, n);
	printf("ok %u - %s%s%s\n", ++tap_n, path, profile ? " profile=" : "",
	       profile ? profile : "");
	if (trace)
		fz_print_trace(stdout);
	fflush(stdout);
}

/* The child must abort with a finding report on stderr. */
static void expect_finding(const char *path, const uint8_t *data, size_t n)
{
	char report[8192];
	size_t got = 0;
	int pipefd[2], status;
	ssize_t r;
	pid_t pid;
	char *line;

	fflush(stdout);
	if (pipe(pipefd)) {
		perror("replay: pipe");
		exit(2);
	}
	pid = fork();
	if (pid < 0) {
		perror("replay: fork");
		exit(2);
	}
	if (!pid) {
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		LLVMFuzzerTestOneInput(data, n);
		_exit(0);
	}
	close(pipefd[1]);
	while (got < sizeof(report) - 1 &&
	       (r = read(pipefd[0], report + got, sizeof(report) - 1 - got)) > 0)
		got += (size_t)r;
	report[got] = 0;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	line = strstr(report, "xrc-fuzz: FINDING");
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && line) {
		char *end = strchr(line, '\n');

		if (end)
			*end = 0;
		printf("ok %u - %s: found (%s)\n", ++tap_n, path,
		       line + strlen("xrc-fuzz: FINDING "));
	} else {
		printf("not ok %u - %s: no finding (exit status %#x)\n",
		       ++tap_n, path, status);
		failed = 1;
	}
	fflush(stdout);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every file in memory, then round and round until the time is up. */
static int bench(double seconds)
{
	static uint8_t *data[MAX_FILES];
	static size_t len[MAX_FILES];
	uint8_t *buf = malloc(MAX_INPUT_BYTES);
	unsigned long long runs = 0;
	size_t bytes = 0;
	double start, t;
	unsigned i;

	if (!buf)
		return 2;
	for (i = 0; i < nfiles; i++) {
		len[i] = load(files[i], buf);
		data[i] = malloc(len[i] + 1);
		if (!data[i])
			return 2;
		memcpy(data[i], buf, len[i]);
		bytes += len[i];
	}
	start = now();
	do {
		for (i = 0; i < nfiles; i++)
			LLVMFuzzerTestOneInput(data[i], len[i]);
		runs += nfiles;
		t = now() - start;
	} while (t < seconds);
	printf("%u inputs (%.0f bytes on average): %llu runs in %.2f s, "
	       "%.0f inputs/s, %.2f us each\n", nfiles,
	       (double)bytes / nfiles, runs, t, (double)runs / t,
	       t * 1e6 / (double)runs);
	for (i = 0; i < nfiles; i++)
		free(data[i]);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	double bench_seconds = 0;
	static uint8_t buf[MAX_INPUT_BYTES];
	bool all_profiles = false, expect = false;
	unsigned i, p;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--all-profiles"))
			all_profiles = true;
		else if (!strcmp(argv[a], "--verify-reset"))
			setenv("XRC_FUZZ_VERIFY_RESET", "1", 1);
		else if (!strcmp(argv[a], "--expect-finding"))
			expect = true;
		else if (!strcmp(argv[a], "--trace"))
			trace = true;
		else if (!strcmp(argv[a], "--bench") && a + 1 < argc)
			bench_seconds = atof(argv[++a]);
		else if (argv[a][0] == '-' && argv[a][1]) {
			fprintf(stderr, "usage: %s [--all-profiles] "
				"[--verify-reset] [--expect-finding] [--trace] "
				"[--bench S] "
				"PATH...\n",
				argv[0]);
			return 2;
		} else
			add_path(argv[a]);
	}
	if (!nfiles) {
		fprintf(stderr, "replay: no input files\n");
		return 2;
	}
	qsort(files, nfiles, sizeof(files[0]), by_name);
	if (bench_seconds > 0)
		return bench(bench_seconds);
	printf("1..%u\n", nfiles * (all_profiles && !expect ?
				    fz_nr_profiles() : 1));
	for (i = 0; i < nfiles; i++) {
		size_t n = load(files[i], buf);

		if (expect) {
			expect_finding(files[i], buf, n);
			continue;
		}
		if (!all_profiles) {
			run(files[i], buf, n, NULL);
			continue;
		}
		for (p = 0; p < fz_nr_profiles(); p++) {
			setenv("XRC_FUZZ_PROFILE", fz_profile(p)->name, 1);
			fz_force_profile(p);
			run(files[i], buf, n, fz_profile(p)->name);
		}
	}
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	return failed;
}
