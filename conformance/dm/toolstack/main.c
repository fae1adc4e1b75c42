/* SPDX-License-Identifier: MIT */
/*
 * xrc-dm-toolstack: create an HVM guest, start an unmodified QEMU as its
 * device model the way libxl 4.17 does, wait until QEMU reports
 * "running", run a command while it serves, then tear everything down.
 *
 *   xrc-dm-toolstack --qemu PATH --rundir DIR [--restrict]
 *                    [--xenstored PATH] [--mem MB] [--vcpus N] [--others N]
 *                    [--wait S] [--pv-backend[=before|after]] [-- CMD ARGS...]
 *
 * --pv-backend[=after]: once QEMU is running, add the vkbd device libxl
 * gives an HVM guest, with its backend in QEMU (pv_backend.c);
 * --pv-backend=before: add it before exec'ing QEMU, as libxl does.
 * CMD runs with XRC_DM_DOMID (the served guest), XRC_DM_PID (QEMU),
 * XRC_DM_OTHERS (the other guests, space-separated) in its environment;
 * the exit status is CMD's (0 without CMD), or 2 when the run broke
 * before CMD could run.  Domains are made with libfixture, so they are
 * destroyed whichever way this program ends.  Uses libxenctrl (through
 * libfixture) and libxenstore only: on the sim, run it under the preload.
 * With --xenstored it starts that xenstored (in the same simulated
 * machine); without, XENSTORED_RUNDIR or XENSTORED_PATH must name a
 * running one.
 */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include <xrc/libfixture.h>

#include "dm.h"

#define MAX_OTHERS	8
#define EXIT_BROKE	2

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xrc-dm-toolstack --qemu PATH --rundir DIR [--restrict]\n"
		"         [--xenstored PATH] [--mem MB] [--vcpus N] [--others N]\n"
		"         [--wait S] [--pv-backend[=before|after]] [-- CMD ARGS...]\n");
}

static int parse(int argc, char **argv, struct dm_opts *o)
{
	static const struct option longs[] = {
		{ "qemu", required_argument, NULL, 'q' },
		{ "rundir", required_argument, NULL, 'r' },
		{ "restrict", no_argument, NULL, 'R' },
		{ "mem", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, 'v' },
		{ "others", required_argument, NULL, 'o' },
		{ "wait", required_argument, NULL, 'w' },
		{ "xenstored", required_argument, NULL, 'x' },
		{ "pv-backend", optional_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct dm_opts){ .mem_mb = 16, .vcpus = 1, .wait_s = 30 };
	while ((c = getopt_long(argc, argv, "+", longs, NULL)) != -1) {
		switch (c) {
		case 'q': o->qemu = optarg; break;
		case 'r': o->rundir = optarg; break;
		case 'R': o->restrict_dm = true; break;
		case 'm': o->mem_mb = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'v': o->vcpus = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'o': o->others = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'w': o->wait_s = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'x': o->xenstored = optarg; break;
		case 'p':
			if (!optarg || !strcmp(optarg, "after")) {
				o->pv_backend = DM_PV_AFTER;
			} else if (!strcmp(optarg, "before")) {
				o->pv_backend = DM_PV_BEFORE;
			} else {
				fprintf(stderr, "xrc-dm: --pv-backend=before|after, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (!o->qemu || !o->rundir || !o->mem_mb || o->mem_mb > 128 ||
	    !o->vcpus || o->vcpus > 8 || o->others > MAX_OTHERS) {
		fprintf(stderr, "xrc-dm: need --qemu and --rundir; --mem 1..128, "
			"--vcpus 1..8, --others 0..%d\n", MAX_OTHERS);
		return -1;
	}
	o->then = optind < argc ? argv + optind : NULL;
	return 0;
}

/*
 * A guest as libxl builds one for an HVM config: memory populated from
 * gfn 0 (hvmloader's layout does not matter to QEMU), room above it for
 * what QEMU populates itself (xen_ram_alloc: option ROMs and the like),
 * then the xenstore entries.
 */
static int make_guest(struct xs_handle *xs, const struct dm_opts *o,
		      const char *name, uint32_t *domid)
{
	struct xrc_lf_spec spec = {
		.hvm = true,
		.vcpus = o->vcpus,
		.pages = o->mem_mb * 256,
		.max_pages = o->mem_mb * 256 + 1024,
	};
	int rc;

	rc = xrc_lf_create(&spec, domid);
	if (rc) {
		fprintf(stderr, "xrc-dm: create %s: %s\n", name, xrc_lf_error());
		return rc;
	}
	rc = dm_xs_guest(xs, *domid, name, o->mem_mb, o->vcpus);
	if (rc)
		fprintf(stderr, "xrc-dm: xenstore entries of %s: %s\n", name,
			strerror(-rc));
	return rc;
}

static int run_then(char **cmd, uint32_t domid, pid_t qemu,
		    const uint32_t *others, uint32_t nr_others)
{
	char buf[16 * MAX_OTHERS + 16];
	size_t n = 0;
	uint32_t i;
	pid_t pid;
	int status;

	buf[0] = '\0';
	for (i = 0; i < nr_others; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%u",
				      i ? " " : "", others[i]);
	setenv("XRC_DM_OTHERS", buf, 1);
	snprintf(buf, sizeof(buf), "%u", domid);
	setenv("XRC_DM_DOMID", buf, 1);
	snprintf(buf, sizeof(buf), "%d", (int)qemu);
	setenv("XRC_DM_PID", buf, 1);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return EXIT_BROKE;
	if (pid == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "xrc-dm: exec %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return EXIT_BROKE;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fprintf(stderr, "xrc-dm: %s: killed by signal %d\n", cmd[0],
		WTERMSIG(status));
	return EXIT_BROKE;
}

static int add_vkbd(struct xs_handle *xs, uint32_t domid)
{
	int rc = dm_xs_pv_backend(xs, domid, 0);

	if (rc) {
		fprintf(stderr, "xrc-dm: vkbd device: %s\n", strerror(-rc));
		return rc;
	}
	printf("vkbd device 0 added (backend in QEMU)\n");
	fflush(stdout);
	return 0;
}

static void report_exit(const char *what, int status)
{
	if (WIFEXITED(status))
		fprintf(stderr, "xrc-dm: %s exited with %d\n", what,
			WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "xrc-dm: %s killed by signal %d\n", what,
			WTERMSIG(status));
}

int main(int argc, char **argv)
{
	uint32_t domid = 0, others[MAX_OTHERS], made = 0;
	bool served = false;
	struct xs_handle *xs;
	struct dm_opts o;
	pid_t qemu = -1;
	pid_t xenstored = -1;
	int rc, status = 0, ret = EXIT_BROKE;
	char name[32];
	uint32_t i;

	if (parse(argc, argv, &o))
		return EXIT_BROKE;
	/* SIGTERM from a timeout: unwind through exit(), as for an error. */
	signal(SIGPIPE, SIG_IGN);
	rc = xrc_lf_init();
	if (rc) {
		fprintf(stderr, "xrc-dm: fixture: %s\n", xrc_lf_error());
		return EXIT_BROKE;
	}
	if (o.xenstored) {
		xenstored = dm_xenstored_start(o.xenstored, o.rundir);
		if (xenstored < 0)
			return EXIT_BROKE;
	}
	xs = xs_open(0);
	if (!xs) {
		fprintf(stderr, "xrc-dm: xenstore: %s\n", strerror(errno));
		return EXIT_BROKE;
	}
	/* The bystanders first, so the served guest is not always domain 1. */
	for (i = 0; i < o.others; i++) {
		snprintf(name, sizeof(name), "xrc-bystander-%u", i);
		if (make_guest(xs, &o, name, &others[i]))
			goto out;
		made++;
		printf("bystander domain %u\n", others[i]);
	}
	if (make_guest(xs, &o, "xrc-dm-guest", &domid))
		goto out;
	served = true;
	printf("guest domain %u\n", domid);
	rc = dm_xs_device_model(xs, domid);
	if (rc) {
		fprintf(stderr, "xrc-dm: device-model directory: %s\n",
			strerror(-rc));
		goto out;
	}
	/*
	 * libxl 4.17 adds the console and vkbd of an HVM guest before it
	 * spawns QEMU (libxl_create.c domcreate_launch_dm).
	 */
	if (o.pv_backend == DM_PV_BEFORE && add_vkbd(xs, domid))
		goto out;
	qemu = dm_qemu_spawn(&o, domid, "xrc-dm-guest");
	if (qemu < 0)
		goto out;
	printf("qemu pid %d\n", (int)qemu);
	fflush(stdout);
	rc = dm_xs_wait_state(xs, domid, "running", o.wait_s, qemu, &status);
	if (rc == -ECHILD) {
		report_exit("QEMU", status);
		qemu = -1;
		goto out;
	}
	if (rc) {
		fprintf(stderr, "xrc-dm: QEMU did not reach \"running\" in %us: %s\n",
			o.wait_s, strerror(-rc));
		goto out;
	}
	printf("device model running\n");
	fflush(stdout);
	if (o.pv_backend == DM_PV_AFTER && add_vkbd(xs, domid))
		goto out;
	ret = o.then ? run_then(o.then, domid, qemu, others, o.others) : 0;
	/* Did QEMU survive the run?  A crash under the sim is a failure. */
	if (waitpid(qemu, &status, WNOHANG) == qemu) {
		report_exit("QEMU", status);
		qemu = -1;
		ret = EXIT_BROKE;
	}
out:
	if (qemu > 0)
		dm_qemu_stop(qemu);
	if (served)
		dm_xs_forget(xs, domid);
	for (i = 0; i < made; i++)
		dm_xs_forget(xs, others[i]);
	xs_close(xs);
	dm_xenstored_stop(xenstored);
	xrc_lf_fini();
	return ret;
}
