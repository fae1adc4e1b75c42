/* SPDX-License-Identifier: MIT */
/*
 * xrc-vm-domains: give the suite its target domains on a real dom0, then
 * run a command (the suite) while they exist.
 *
 *   xrc-vm-domains [--hvm N] [--pv N] [--pages N] -- COMMAND [ARG...]
 *
 * The suite's domain probe (conformance/suite/setup/probe.c) looks for guests
 * that already exist: two HVM guests (a, b; dm_op rows need HVM, Xen
 * answers EINVAL for dm_op on PV) and one PV guest.  A fresh dom0 has
 * none, so this creates them paused through libfixture (libxenctrl, the
 * toolstack's way: max_vcpus always set, memory populated), runs COMMAND,
 * and exits with its status; libfixture destroys the domains at exit.
 * If an HVM guest cannot be made (Xen answers EINVAL without HAP, e.g.
 * QEMU's CPU without +svm,+npt), PV guests are made in place of the HVM
 * ones and that is said on stderr; the dm_op rows and the maps of gfn 0
 * in PV guests (which take machine frames) then fail or break.
 *
 * Exit: COMMAND's status; 2 when fewer than two guests could be made or
 * COMMAND could not be run.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xrc/libfixture.h>

#define EXIT_BROKE	2
#define MAX_GUESTS	8u

static void usage(FILE *f)
{
	fprintf(f,
"usage: xrc-vm-domains [--hvm N] [--pv N] [--pages N] -- COMMAND [ARG...]\n"
"Create N paused HVM guests (default 2) and N paused PV guests (default 1)\n"
"with N pages each (default 256), run COMMAND, destroy them, exit with\n"
"COMMAND's status (2 if fewer than two guests could be made).\n");
}

static bool count_arg(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/* One guest; its domid, or -1 after saying why not. */
static long make(bool hvm, unsigned pages)
{
	struct xrc_lf_spec spec = { .hvm = hvm, .vcpus = 1, .pages = pages };
	uint32_t domid;
	int rc = xrc_lf_create(&spec, &domid);

	if (rc) {
		fprintf(stderr, "xrc-vm-domains: %s guest: %s (%s)\n",
			hvm ? "HVM" : "PV", strerror(-rc), xrc_lf_error());
		return -1;
	}
	return domid;
}

static int run(char **argv)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("xrc-vm-domains: fork");
		return EXIT_BROKE;
	}
	if (!pid) {
		execvp(argv[0], argv);
		fprintf(stderr, "xrc-vm-domains: cannot run %s: %s\n",
			argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("xrc-vm-domains: waitpid");
			return EXIT_BROKE;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fprintf(stderr, "xrc-vm-domains: %s ended by signal %d\n", argv[0],
		WTERMSIG(status));
	return EXIT_BROKE;
}

int main(int argc, char **argv)
{
	unsigned nr_hvm = 2, nr_pv = 1, pages = 256, made = 0, i;
	bool no_hvm = false;	/* one HVM guest failed: the rest would too */
	int a, rc;
	long dom;

	for (a = 1; a < argc && strcmp(argv[a], "--"); a += 2) {
		unsigned *what = !strcmp(argv[a], "--hvm") ? &nr_hvm :
				 !strcmp(argv[a], "--pv") ? &nr_pv :
				 !strcmp(argv[a], "--pages") ? &pages : NULL;

		if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!what || a + 1 >= argc ||
		    !count_arg(argv[a + 1], what == &pages ? 65536 : MAX_GUESTS,
			       what)) {
			usage(stderr);
			return EXIT_BROKE;
		}
	}
	if (a + 1 >= argc) {
		usage(stderr);
		return EXIT_BROKE;
	}

	rc = xrc_lf_init();
	if (rc) {
		fprintf(stderr, "xrc-vm-domains: fixture: %s (%s)\n",
			strerror(-rc), xrc_lf_error());
		return EXIT_BROKE;
	}
	/* Clear what a dead earlier run left (none on a fresh VM). */
	xrc_lf_sweep();

	printf("xrc-vm-domains:");
	for (i = 0; i < nr_hvm + nr_pv; i++) {
		bool hvm = i < nr_hvm && !no_hvm;

		dom = make(hvm, pages);
		if (dom < 0 && hvm) {
			fprintf(stderr, "xrc-vm-domains: PV guests instead of HVM\n");
			no_hvm = true;
			hvm = false;
			dom = make(false, pages);
		}
		if (dom < 0)
			continue;
		printf(" %ld (%s)", dom, hvm ? "hvm" : "pv");
		made++;
	}
	printf(made ? ", paused\n" : " none\n");
	if (made < 2) {
		fprintf(stderr, "xrc-vm-domains: %u guest(s) made, the suite needs two\n",
			made);
		return EXIT_BROKE;
	}
	return run(argv + a + 1);
}
