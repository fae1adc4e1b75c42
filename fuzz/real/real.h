/* SPDX-License-Identifier: MIT */
/*
 * Private to xrc-replay-real (fuzz/real/): what its three files share.
 *
 *   main.c   the command line, the guests' memory pattern (--seed), one
 *            child per program, what is cleared between programs
 *   exec.c   one program through real system calls (decode.c's operations,
 *            build_*.c's arguments), and its bookkeeping
 *   show.c   the transcript: results, out-parameters and mapped pages as
 *            the comparison reads them (normalized)
 */
#ifndef XRC_FUZZ_REAL_H
#define XRC_FUZZ_REAL_H

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/fuzz.h"

#define MAX_LABELS	64u

struct rhandle {
	int refs;
	uint8_t live;
	uint32_t ports[FZ_MAX_KNOWN];
	unsigned nports;
	uint64_t indices[FZ_MAX_KNOWN];
	unsigned nindices;
};

struct rfd {
	int fd;			/* -1: closed */
	int h;
	uint8_t child;
};

struct rvma {
	int h;			/* -1: free */
	uint32_t pages, live;
	uint64_t addr;
};

struct labels {
	uint64_t v[MAX_LABELS];
	unsigned n;
};

/* ---- exec.c: the program being run ---- */

extern const char *devdir;
extern const char *const dev_names[XSIM_NR_DEVS];
extern struct fz_arena arena;
extern void *real_arena;		/* the arena's real memory */
extern enum xsim_dev_kind dev;
extern struct fz_in in;
extern const uint8_t *in_start;
extern struct rhandle h[FZ_MAX_HANDLES];
extern struct rvma vmas[FZ_MAX_VMAS];
extern struct labels ports, grefs;

/* Run one program (at most upto operations, 0: all) and print it. */
void run_program(const uint8_t *data, size_t size, size_t upto);

/* ---- show.c: the transcript ---- */

/* v's name in l ("p1", "g2", ...), given in the order first seen. */
const char *label(struct labels *l, char prefix, uint64_t v);
const char *errname(int err);
/* " = RC" or " = -ERRNO". */
void result(long rc, int err);
/* The line's end: the input bytes read so far (not compared). */
void eol(void);
/* SIGSEGV/SIGBUS handler: a probed page that faults. */
void on_fault(int sig);
/* " map=v0:R1a2b3c4d/F,..." over the live mappings of handle hi. */
void probe_handle(int hi);
/* The arguments that decide a mapping or a dm_op, for the reader. */
void arguments(const struct fz_call *c);
/* What the call wrote back, normalized; what the program keeps of it. */
void outputs(struct rhandle *rh, const struct fz_call *c, long rc);

#endif /* XRC_FUZZ_REAL_H */
