/* SPDX-License-Identifier: MIT */
/*
 * Replay: run corpus files through a target's LLVMFuzzerTestOneInput
 * without libFuzzer (built with gcc as well as clang), as regression
 * tests for `make check`, and to reproduce a crash file.  Prints TAP.
 *
 *   fuzz-replay-TARGET [options] PATH...   (a PATH may be a directory)
 *
 *   --all-profiles    run each file under every profile (default: the
 *                     profile its first byte names, by the profile's
 *                     stable code, or XRC_FUZZ_PROFILE)
 *   --verify-reset    compare the whole world with its snapshot after
 *                     every input (XRC_FUZZ_VERIFY_RESET=1)
 *   --expect-finding  each file must make the target report a finding
 *                     (a self-test of the oracles: planted defects, the
 *                     lax port); each runs in a child process
 *   --trace           print each input's program as it ran
 *   --describe        say what each input did on its TAP line: the
 *                     profile it ran under, how many operations (calls)
 *                     it ran, how many steps they took and a digest of
 *                     the steps with their results and reference verdicts
 *                     (profile=NAME ops=N steps=S result=HEX), so that
 *                     two builds or two spellings of the corpus can be
 *                     compared with diff(1)
 *   --bench SECONDS   no TAP: run the files round and round for that long
 *                     and print inputs per second (the harness's own cost,
 *                     without libFuzzer)
 *
 * A file whose byte 0 is no profile's code is "not ok" in every mode but
 * --bench: the target rejects it unless the profile is fixed, so it is a
 * stale or damaged input, not a test.
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
static bool describe;

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

/* FNV-1a, 64 bits. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--) {
		h ^= *b++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static uint64_t fnv_u64(uint64_t h, uint64_t v)
{
	return fnv(h, &v, sizeof(v));
}

/* The recorded steps of the last input, with their results, as a number. */
static uint64_t trace_digest(void)
{
	uint64_t h = fnv_str(0xcbf29ce484222325ull, fz_trace.target);
	unsigned i;

	for (i = 0; i < fz_trace.nsteps; i++) {
		const struct fz_step *s = &fz_trace.step[i];

		h = fnv_str(h, s->what);
		h = fnv_str(h, s->name);
		h = fnv_u64(h, (uint64_t)(int64_t)s->fd);
		h = fnv_u64(h, (uint64_t)(int64_t)s->handle);
		h = fnv_u64(h, s->cmd);
		h = fnv_u64(h, s->arg);
		h = fnv_u64(h, s->target);
		h = fnv_u64(h, (uint64_t)(int64_t)s->result);
		h = fnv_u64(h, (uint64_t)(int64_t)s->expected);
	}
	return h;
}

/*
 * A stored input names its profile by byte 0 (a profile's stable code),
 * even where the run fixes one (--all-profiles, XRC_FUZZ_PROFILE): NULL
 * if it does, else why not.  Without a fixed profile the target rejects
 * such an input, and libFuzzer would drop it from a seed corpus.
 */
static const char *unnamed(const uint8_t *data, size_t n)
{
	static char why[96];

	if (!n)
		return "empty: no profile byte";
	if (fz_profile_by_code(data[0]) >= 0)
		return NULL;
	snprintf(why, sizeof(why), "byte 0 (0x%02x) is no profile's code "
		 "(<xensim/profile-list.h>)", data[0]);
	return why;
}

static void run(const char *path, const uint8_t *data, size_t n,
		const char *profile)
{
	const char *bad = unnamed(data, n);
	int rc = LLVMFuzzerTestOneInput(data, n);

	printf("%s %u - %s", bad || rc ? "not ok" : "ok", ++tap_n, path);
	if (rc)
		printf(": rejected");
	else if (describe)
		printf(": profile=%s ops=%u steps=%u result=%016llx",
		       fz_trace.profile ? fz_trace.profile : "?",
		       fz_trace.nops, fz_trace.nsteps,
		       (unsigned long long)trace_digest());
	else if (profile)
		printf(" profile=%s", profile);
	if (bad || rc)
		printf(" (%s)", bad ? bad : "the target rejected it");
	putchar('\n');
	if (bad || rc)
		failed = 1;
	if (trace && !rc)
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
	const char *bad = unnamed(data, n);
	char *line;

	if (bad) {
		printf("not ok %u - %s: rejected (%s)\n", ++tap_n, path, bad);
		failed = 1;
		return;
	}
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
		else if (!strcmp(argv[a], "--describe"))
			describe = true;
		else if (!strcmp(argv[a], "--bench") && a + 1 < argc)
			bench_seconds = atof(argv[++a]);
		else if (argv[a][0] == '-' && argv[a][1]) {
			fprintf(stderr, "usage: %s [--all-profiles] "
				"[--verify-reset] [--expect-finding] [--trace] "
				"[--describe] [--bench S] "
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
