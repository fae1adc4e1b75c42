/* SPDX-License-Identifier: MIT */
/*
 * Private to fuzz/: the pieces the libFuzzer targets, the differential
 * target and the replay main share.
 *
 *   input.c     the fuzzer's bytes as a stream of choices
 *   arena.c     the calling process's memory: a flat arena at a fake
 *               address (struct xsim_uaccess), and its fake mappings
 *   build_*.c   one ioctl with structured arguments per device, nested
 *               buffers included, written into the arena
 *   refaudit.c  the reference audit: the device's target extraction and
 *               check order, decided by sim/dev/audit.c over the profile
 *   world.c     one small world per profile per process, reset per input
 *   decode.c    which operation, descriptor and operands the bytes choose
 *               (shared with the real-syscall replay, fuzz/real/)
 *   program.c   the interpreter: open, dup, fork, restrict, ioctl, mmap,
 *               close, ... on the device models, in-process
 *   oracle.c    escape, irreversibility and profile oracles; the report
 *
 * The device ABI (Linux uapi) is included by the .c files that need it;
 * this header stays ABI-neutral.
 */
#ifndef XRC_FUZZ_PRIV_H
#define XRC_FUZZ_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xensim/device.h>
#include <xensim/fail.h>
#include <xensim/profile.h>
#include <xensim/uaccess.h>
#include <xensim/world.h>
#include <xrc-fuzz/port.h>

/* Bounds that keep one input cheap and its effects inside the log. */
#define FZ_MAX_OPS	16u
#define FZ_MAX_FDS	8u
#define FZ_MAX_HANDLES	8u
#define FZ_MAX_VMAS	8u
#define FZ_MAX_KNOWN	8u

/* ---- input.c: the bytes as choices; reads past the end give 0 ---- */

struct fz_in {
	const uint8_t *p;
	size_t n;
};

uint8_t fz_u8(struct fz_in *in);
uint16_t fz_u16(struct fz_in *in);
uint32_t fz_u32(struct fz_in *in);
uint64_t fz_u64(struct fz_in *in);
static inline bool fz_done(const struct fz_in *in)
{
	return in->n == 0;
}
/* A domid worth trying: the guests, reserved ids, truncation bait. */
uint32_t fz_domid(struct fz_in *in);
/* A count in [0, max], now and then a raw 32-bit one. */
uint32_t fz_count(struct fz_in *in, uint32_t max);

/* ---- fault injection (owner: faults; input.c, docs/faults.md) ---- */
#define FZ_FAIL_MAGIC0	0xFAu
#define FZ_FAIL_MAGIC1	0x17u
struct fz_fail_pick {
	bool armed;
	enum xsim_fail_site site;
	uint32_t nth;			/* from 1 */
};
/*
 * An input ending with FZ_FAIL_MAGIC0 FZ_FAIL_MAGIC1 SITE N chooses a
 * failure point: strip the four bytes from in and say which; false (and
 * in unchanged) when the input has no such trailer.
 */
bool fz_fail_trailer(struct fz_in *in, struct fz_fail_pick *pick);
/* ---- end of fault injection ---- */

/* ---- arena.c: the caller's memory ---- */

#define FZ_ARENA_BASE	0x00007f5a00000000ull
#define FZ_ARENA_SIZE	(64u << 10)
/* Fake mappings live here, 16 MiB apart. */
#define FZ_VMA_BASE	0x00007f6000000000ull
#define FZ_VMA_STRIDE	(16ull << 20)

struct fz_vma {
	uint64_t addr, len;
	struct xsim_file f;
	uint8_t used;
};

struct fz_arena {
	uint32_t cursor;	/* next free byte */
	uint32_t high;		/* bytes handed out since the last clear */
	uint32_t pages_mapped;	/* map_page calls (for the figures) */
	uint32_t bad_maps;	/* map_page outside any mapping */
	struct fz_vma vma[FZ_MAX_VMAS];
	uint8_t mem[FZ_ARENA_SIZE];
};

/* The uaccess over an arena (ctx = the arena), with mmap support. */
void fz_arena_uaccess(struct fz_arena *a, struct xsim_uaccess *ua);
/* Zero what the last input used and forget its mappings. */
void fz_arena_clear(struct fz_arena *a);
/* len zeroed bytes, 8-aligned: their user address (past the end if full). */
uint64_t fz_alloc(struct fz_arena *a, size_t len);
/* Where user address [uaddr, uaddr + len) sits in the arena, or NULL. */
void *fz_host(struct fz_arena *a, uint64_t uaddr, size_t len);
int fz_copy_in(void *ctx, void *dst, uint64_t uaddr, size_t len);
/*
 * A pointer as a careless or hostile caller passes it: mostly `good`, now
 * and then NULL, unmapped, kernel, non-canonical, shifted or straddling
 * the end of the arena.
 */
uint64_t fz_ptr(struct fz_in *in, uint64_t good);

/* ---- build_*.c: one structured ioctl ---- */

struct fz_call {
	unsigned long cmd;
	uint64_t arg;
	const char *name;	/* for reports */
	uint32_t target;	/* the main domid it names, XSIM_NO_TARGET */
};

/* What a builder may aim at, and what it names (for the reset). */
struct fz_build {
	struct fz_arena *a;
	struct fz_in *in;
	const uint32_t *ports;		/* event channels bound so far */
	unsigned nports;
	const uint64_t *indices;	/* grant-device offsets handed out */
	unsigned nindices;
	/* privcmd mappings of the handle: address and pages */
	uint64_t vma_addr[FZ_MAX_VMAS];
	uint32_t vma_pages[FZ_MAX_VMAS];
	unsigned nvmas;
	/*
	 * Domains a call may change without an effect record naming them
	 * (a dm_op failing half-way): the reset restores them whole.
	 */
	uint16_t named[8];
	unsigned nnamed;
};

void fz_name(struct fz_build *b, uint32_t domid);
/* Structured ioctls of each device; choice and arguments from b->in. */
void fz_build_privcmd(struct fz_build *b, struct fz_call *c);
void fz_build_evtchn(struct fz_build *b, struct fz_call *c);
void fz_build_gntdev(struct fz_build *b, struct fz_call *c);
void fz_build_gntalloc(struct fz_build *b, struct fz_call *c);
void fz_build_ioctl(enum xsim_dev_kind dev, struct fz_build *b,
		    struct fz_call *c);
/* The device's restrict ioctl with a domid worth trying. */
void fz_build_restrict(enum xsim_dev_kind dev, struct fz_build *b,
		       struct fz_call *c);
/*
 * SET_UNMAP_NOTIFY of gntdev or gntalloc (cmd): both take the same
 * {index, action, event_channel_port} layout.
 */
void fz_build_unmap_notify(struct fz_build *b, struct fz_call *c,
			   unsigned long cmd);
/* Any command number (dictionary or raw) with raw argument bytes. */
void fz_build_raw(enum xsim_dev_kind dev, struct fz_build *b,
		  struct fz_call *c);
/* An address for a mapping ioctl: mostly one of the handle's mappings. */
uint64_t fz_vma_pick(struct fz_build *b, uint32_t *pages);
/* A grant-device file offset: mostly one the device handed out. */
uint64_t fz_index_pick(struct fz_build *b);

/* ---- refaudit.c: the reference ---- */

/* Errnos a device may raise before the step that refused (fz_ref.pre). */
enum {
	FZ_PRE_EINVAL = 1u << 0,
	FZ_PRE_ENOMEM = 1u << 1,
	FZ_PRE_EFAULT = 1u << 2,
	FZ_PRE_ENOSYS = 1u << 3,
};

struct fz_ref {
	enum xsim_op op;	/* XSIM_NR_OPS: not one of the device's */
	uint32_t target;	/* the target that decided, XSIM_NO_TARGET */
	uint32_t pre;		/* FZ_PRE_* */
	bool is_restrict;
	/*
	 * Verdict 0 because the device itself refuses the call before the
	 * restriction would decide (a grant-copy segment it rejects, a map
	 * count out of range): a port that refuses it too agrees.
	 */
	bool device_fails;
};

/*
 * The reference verdict on one call (see xrc-fuzz/port.h for what a
 * verdict is), applying a restrict to *st.  `ref` may be NULL.
 */
int fz_ref_audit(const struct xsim_profile *p, const struct xrc_port_call *c,
		 struct xrc_port_state *st, struct fz_ref *ref);
void fz_ref_open(const struct xsim_profile *p, enum xrc_port_dev dev,
		 uint16_t caller_domid, struct xrc_port_state *st);
bool fz_pre_allows(uint32_t pre, long err);

/* ---- world.c ---- */

/* Profiles in index order (xsim_profiles()). */
unsigned fz_nr_profiles(void);
/* The index of the profile whose stable code is b, or -1. */
int fz_profile_by_code(uint8_t b);
/*
 * The profile for an input whose byte 0 is b: the one XRC_FUZZ_PROFILE or
 * fz_force_profile fixes, else the one whose stable code is b
 * (<xensim/profile-list.h>), else -1: the input names no profile and the
 * target rejects it.
 */
int fz_pick_profile(uint8_t b);
const struct xsim_profile *fz_profile(unsigned i);
/* From now on every input runs under profile i (the replay's loop). */
void fz_force_profile(unsigned i);
/* The profile XRC_FUZZ_PROFILE or fz_force_profile set, or -1. */
int fz_forced_profile(void);
/* The process's world for profile i, as it was after population. */
struct xsim_world *fz_world(unsigned i);
/*
 * Back to the snapshot.  The effect log says which domains changed;
 * extra: what may have changed without a record naming it (the callers'
 * own event channels and grant entries; builders' named domains);
 * all: every domain.
 */
void fz_world_reset(unsigned i, const struct xsim_snapshot_extra *extra,
		    unsigned n, bool all);
/* XRC_FUZZ_VERIFY_RESET=1: compare the whole world after every reset. */
bool fz_verify_reset(void);

/* ---- decode.c: a program's bytes as operations (both executors) ---- */

enum fz_opk {
	FZ_OP_OPEN, FZ_OP_DUP, FZ_OP_FORK, FZ_OP_EXIT_CHILD, FZ_OP_CLOSE,
	FZ_OP_RESTRICT, FZ_OP_IOCTL, FZ_OP_RAW, FZ_OP_MMAP, FZ_OP_MUNMAP,
	FZ_OP_RW, FZ_OP_GUEST_SEND,
};

struct fz_dec_mmap {
	uint32_t pages;
	uint64_t pgoff;
	int prot;
};

struct fz_dec_rw {
	bool read;
	uint64_t at;		/* user address of the buffer */
	uint32_t len;
};

enum fz_opk fz_dec_op(struct fz_in *in);
/* The domain an open acts as: 0 (dom0) or a guest 1..3. */
uint16_t fz_dec_caller(struct fz_in *in);
/* The descriptor byte b names: that one if open, else the first open. */
int fz_dec_pick(uint8_t b, const bool open[FZ_MAX_FDS]);
/* mmap's operands; indices: the handle's grant-device offsets. */
void fz_dec_mmap(struct fz_in *in, const uint64_t *indices, unsigned n,
		 struct fz_dec_mmap *m);
void fz_dec_munmap(struct fz_in *in, unsigned *vma, bool *whole);
/* read or write: the buffer laid out in the arena (cursor reset). */
void fz_dec_rw(struct fz_in *in, struct fz_arena *a, const uint32_t *ports,
	       unsigned nports, struct fz_dec_rw *rw);
void fz_dec_guest(struct fz_in *in, uint32_t *dom, uint32_t *port);
/* Remember a handle's grant-device offset or port (decode.c). */
void fz_dec_know_index(uint64_t *list, unsigned *n, uint64_t v);
void fz_dec_know_port(uint32_t *ports, unsigned *n, uint32_t port);

/* ---- program.c ---- */

/*
 * Run one input as a program on device dev; aborts on a finding.  0, or
 * -1 when the input names no profile (nothing ran: the target returns it
 * to libFuzzer, which then keeps the input out of the corpus).
 */
int fz_run_device(enum xsim_dev_kind dev, const uint8_t *data, size_t size);
/* Run one input as a call sequence on the port and the reference; ditto. */
int fz_run_diff(const struct xrc_port *port, const uint8_t *data,
		size_t size);

/* ---- oracle.c: findings ---- */

/* The trace of the current input, printed with a finding. */
struct fz_step {
	const char *what;	/* "open", "ioctl", ... */
	const char *name;	/* ioctl name */
	int fd;
	int handle;
	unsigned long cmd;
	uint64_t arg;
	uint32_t target;
	long result;
	long expected;		/* reference verdict, for ioctls */
};

struct fz_trace {
	const char *target;	/* device or "diff:NAME" */
	const char *profile;
	unsigned nops;		/* operations (calls) the input ran */
	unsigned nsteps;
	struct fz_step step[128];	/* fork and exit record one per fd */
};

extern struct fz_trace fz_trace;

/* Record a step; returns it (for the result), or a scratch one if full. */
struct fz_step *fz_step(const char *what, int fd, int handle);
/* Report a finding of `oracle` at the current step and abort. */
__attribute__((noreturn, format(printf, 2, 3)))
void fz_fail(const char *oracle, const char *fmt, ...);
const char *fz_errname(long err);
/* The steps of the last input (replay --trace). */
void fz_print_trace(FILE *f);

#endif /* XRC_FUZZ_PRIV_H */
