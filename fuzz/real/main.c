/* SPDX-License-Identifier: MIT */
/*
 * xrc-replay-real: run fuzz programs through real system calls on the
 * device nodes, and print a normalized transcript of what they answered.
 *
 *   xrc-replay-real [--devdir DIR] [--upto N] [--seed] TARGET:FILE...
 *
 * TARGET is privcmd, evtchn, gntdev or gntalloc.  A FILE is a fuzz input
 * of fuzz/src's encoding: decode.c says which operation and operands, the
 * argument builders (build_*.c) lay an ioctl's arguments out in the arena,
 * exactly as the in-process interpreter (program.c) does.  The arena is
 * real memory here, mapped at the arena's own user address
 * (FZ_ARENA_BASE), and mmap(2) places mappings where the interpreter's
 * fake ones are (FZ_VMA_BASE + i * FZ_VMA_STRIDE), so the builders'
 * pointers are real pointers and their wild ones fault the same way.
 *
 * The same binary is the "real" side inside the xen-vm dom0 and the "sim"
 * side on the host under the preload (XENSIM_PROFILE=linux): `scripts/xrc
 * fidelity --fuzz` compares the two transcripts.  The process opens
 * DIR/privcmd once before the first program and keeps it: under the
 * preload that creates the one world every program then runs in (a
 * forked child each, XENSIM_WORLD_FD), as every program runs on the one
 * real machine in the VM.
 *
 * Transcript, one line per operation, then the exit's releases:
 *
 *   === TARGET NAME
 *   N OP dD ARGS = RESULT [OUT...] ;b=OFF
 *   end ops=N
 *
 * RESULT is the return value or -ERRNO; OFF (the input bytes read so far)
 * is for the shrinker and is not compared.  Normalized: event channel
 * ports are named p1, p2, ... and grant refs g1, g2, ... in the order the
 * program first sees them (dom0 holds more ports on a real kernel, so the
 * numbers differ); descriptors are the program's slots dD; for a mapping,
 * each page's FNV-1a digest (R........) or F where it faults.  With
 * --seed (both sides use it), the HVM guests first get the sim's memory pattern
 * (seed_guests), so their bytes compare.
 *
 * Not run, on both sides alike (the line says "not run" and why): opens
 * as a domU, a guest's event (dom0 cannot act as a guest), and privcmd
 * hypercalls that could change dom0 or Xen itself (anything but
 * xen_version, dm_op, and sysctl/domctl with an argument that faults).
 * Byte 0 (the interpreter's profile code) is read and ignored: the
 * profile is the sim's or the kernel's; a fault-injection trailer
 * (input.c) is stripped and said so.
 *
 * Between programs the ioreq servers a program left on guests 1 and 2
 * are destroyed (destroy_servers: they outlive the file that made them).
 *
 * Exit: 0 when every program ran (whatever it answered); 2 for a bad
 * command line, an unreadable file, or no device directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xensim/uapi.h>

#include "real.h"

#define MAX_INPUT	(1u << 16)

/* ---- between programs ---- */

/* Xen public hvm/dm_op.h (not includable next to the uapi). */
#define DMOP_destroy_ioreq_server	6u
#define MAX_SERVER_ID			8u

/*
 * An ioreq server belongs to its domain, not to the privcmd file that
 * made it: Linux's privcmd release leaves it (drivers/xen/privcmd.c), and
 * on Xen 4.17 it keeps the guest frames it was given
 * (xen/arch/x86/hvm/ioreq.c, hvm_map_ioreq_gfn).  So that one program's
 * servers do not change what the next one sees, the driver destroys
 * whatever servers a program left on the HVM guests, on both sides alike;
 * its answers are not part of any transcript.
 */
static void destroy_servers(int fd)
{
	static const uint16_t doms[] = { 1, 2 };
	uint32_t op[4];
	struct privcmd_dm_op_buf b = { .uptr = op, .size = sizeof(op) };
	struct privcmd_dm_op k = { .num = 1, .ubufs = &b };
	unsigned d, id;

	for (d = 0; d < sizeof(doms) / sizeof(doms[0]); d++)
		for (id = 0; id < MAX_SERVER_ID; id++) {
			memset(op, 0, sizeof(op));
			op[0] = DMOP_destroy_ioreq_server;
			op[2] = id;	/* u.destroy_ioreq_server.id */
			k.dom = doms[d];
			(void)ioctl(fd, IOCTL_PRIVCMD_DM_OP, &k);
		}
}

/*
 * --seed: write the sim's memory pattern (docs/world-files.md: every
 * 8-byte word holds domid << 48 | gfn << 12 | offset) into the HVM
 * guests' first SEED_PAGES frames before the programs, so that the bytes
 * a program maps read the same on a real machine as on the sim.  The PV
 * guest is left: what dom0 maps of it are machine frames, which differ.
 */
#define SEED_PAGES	256u

static int seed_guests(int fd)
{
	static const uint16_t doms[] = { 1, 2 };
	static xen_pfn_t gfns[SEED_PAGES];
	static int err[SEED_PAGES];
	size_t len = (size_t)SEED_PAGES << 12;
	unsigned d, i, w;
	int rc = 0;

	for (d = 0; d < sizeof(doms) / sizeof(doms[0]); d++) {
		struct privcmd_mmapbatch_v2 m;
		uint64_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0);

		if (p == MAP_FAILED)
			return -1;
		for (i = 0; i < SEED_PAGES; i++)
			gfns[i] = i;
		m = (struct privcmd_mmapbatch_v2){
			.num = SEED_PAGES, .dom = doms[d],
			.addr = (uint64_t)(uintptr_t)p, .arr = gfns, .err = err,
		};
		if (ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m) < 0) {
			fprintf(stderr, "xrc-replay-real: --seed: dom%u: %s\n",
				doms[d], strerror(errno));
			rc = -1;
		} else {
			for (i = 0; i < SEED_PAGES; i++)
				for (w = 0; !err[i] && w < 512; w++)
					p[i * 512 + w] = (uint64_t)doms[d] << 48 |
							 (uint64_t)i << 12 | w * 8;
		}
		munmap(p, len);
	}
	return rc;
}

/* ---- main ---- */

static int target_of(const char *s, size_t n)
{
	unsigned i;

	for (i = 0; i < XSIM_NR_DEVS; i++)
		if (dev_names[i] && strlen(dev_names[i]) == n &&
		    !strncmp(dev_names[i], s, n))
			return (int)i;
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: xrc-replay-real [--devdir DIR] [--upto N] [--seed] TARGET:FILE...\n"
"Run each fuzz program (TARGET: privcmd, evtchn, gntdev, gntalloc) through\n"
"real system calls on DIR/TARGET (default /dev/xen) and print its\n"
"normalized transcript; --upto N stops each program after N operations;\n"
"--seed first writes the sim's memory pattern into guests 1 and 2.\n");
}

static int read_file(const char *path, uint8_t *buf, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, MAX_INPUT, f);
	if (ferror(f) || !feof(f)) {
		int e = ferror(f) ? EIO : EFBIG;

		fclose(f);
		errno = e;
		return -1;
	}
	fclose(f);
	*size = n;
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t buf[MAX_INPUT];
	struct sigaction sa = { .sa_handler = on_fault };
	char path[4096];
	unsigned long upto = 0;
	int a, anchor, status;
	bool seed = false;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[a], "--seed")) {
			seed = true;
		} else if (!strcmp(argv[a], "--devdir") && a + 1 < argc) {
			devdir = argv[++a];
		} else if (!strcmp(argv[a], "--upto") && a + 1 < argc) {
			char *end;

			upto = strtoul(argv[++a], &end, 10);
			if (*end || !upto) {
				fprintf(stderr, "xrc-replay-real: --upto wants "
					"a count above 0\n");
				return 2;
			}
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (a == argc) {
		usage(stderr);
		return 2;
	}
	for (int i = a; i < argc; i++) {
		const char *colon = strchr(argv[i], ':');

		if (!colon || target_of(argv[i], (size_t)(colon - argv[i])) < 0) {
			fprintf(stderr, "xrc-replay-real: '%s': want TARGET:FILE "
				"(TARGET privcmd, evtchn, gntdev or gntalloc)\n",
				argv[i]);
			return 2;
		}
	}
	real_arena = mmap((void *)(uintptr_t)FZ_ARENA_BASE, FZ_ARENA_SIZE,
			  PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			  -1, 0);
	if (real_arena == MAP_FAILED ||
	    (uint64_t)(uintptr_t)real_arena != FZ_ARENA_BASE) {
		fprintf(stderr, "xrc-replay-real: cannot map the arena at "
			"%#llx: %s\n", (unsigned long long)FZ_ARENA_BASE,
			strerror(errno));
		return 2;
	}
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	/* The world every program runs in (see the head comment). */
	snprintf(path, sizeof(path), "%s/privcmd", devdir);
	anchor = open(path, O_RDWR | O_CLOEXEC);
	if (anchor < 0) {
		fprintf(stderr, "xrc-replay-real: %s: %s\n", path,
			strerror(errno));
		return 2;
	}
	if (seed && seed_guests(anchor)) {
		fprintf(stderr, "xrc-replay-real: --seed: cannot write the "
			"guests' memory\n");
		return 2;
	}
	for (; a < argc; a++) {
		const char *colon = strchr(argv[a], ':');
		const char *file = colon + 1, *base = strrchr(file, '/');
		size_t size;
		pid_t pid;

		dev = (enum xsim_dev_kind)target_of(argv[a],
						    (size_t)(colon - argv[a]));
		if (read_file(file, buf, &size)) {
			fprintf(stderr, "xrc-replay-real: %s: %s\n", file,
				strerror(errno));
			return 2;
		}
		printf("=== %s %s\n", dev_names[dev], base ? base + 1 : file);
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			perror("xrc-replay-real: fork");
			return 2;
		}
		if (pid == 0) {
			run_program(buf, size, upto);
			fflush(stdout);
			_exit(0);
		}
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR) {
				perror("xrc-replay-real: waitpid");
				return 2;
			}
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			printf("crashed %s %d\n", WIFSIGNALED(status) ?
			       "signal" : "exit", WIFSIGNALED(status) ?
			       WTERMSIG(status) : WEXITSTATUS(status));
		fflush(stdout);
		destroy_servers(anchor);
	}
	close(anchor);
	return 0;
}
