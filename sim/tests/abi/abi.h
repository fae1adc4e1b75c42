/* SPDX-License-Identifier: MIT */
/*
 * xsim-abi-check: a program that knows only the Linux device ABI (libc and
 * <xensim/uapi.h>) and checks, ioctl by ioctl, that the devices it finds
 * under /dev/xen/ answer as the selected profile says a real system does.
 * It links no simulator code: under LD_PRELOAD of libxensim-preload.so it
 * tests the simulator; on a real dom0 it would test the kernel.
 *
 * Names: every check is named abi.<device>.<what>.  The abi.* names
 * belong to this self-check of the sim and are never the conformance
 * catalogue's assertion IDs, even where the rest reads alike: one ID must
 * never carry two expectations, and these are not the catalogue's (a
 * column here is a profile or a caller, UNCHECKED means "not checked in
 * this column" where the catalogue's NA means "must SKIP").  report.c
 * fails any line whose name is outside abi.*.
 *
 * Every check carries one expected outcome per column (struct expect);
 * sources for the values are cited next to each group of checks.
 */
#ifndef XSIM_ABI_H
#define XSIM_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xensim/uapi.h>

/*
 * The columns of every expectation.  linux-xsa482 with a dom0 caller
 * behaves as linux (the fix only changes privcmd in a domU), so it reads
 * the linux column; with XENSIM_CALLER_DOMID=1 it reads xsa482_domu.
 */
enum abi_col {
	COL_PROPOSED,
	COL_LINUX,
	COL_XSA482_DOMU,
	COL_FREEBSD,
	COL_NETBSD,
	NR_COLS
};

/*
 * An expected outcome is a value >= 0 (exact), -errno, or one of these.
 * They are far below any -errno.
 */
/* Any value > 0: a port number the kernel picked. */
#define ANY_POS		(-100000L)
#define UNCHECKED	(-100001L)	/* not checked in this column */

/* GNU C (not -std=c11) predefines `linux`; here it is a column. */
#undef linux

/* One outcome per column, named: see EXPECT. */
struct expect {
	long proposed;
	long linux;
	long xsa482_domu;	/* linux-xsa482, caller domU 1 */
	long freebsd;
	long netbsd;
};

/*
 * EXPECT(.proposed = 0, .linux = -EPERM, .xsa482_domu = -EPERM,
 *        .freebsd = 0, .netbsd = UNCHECKED)
 *
 * Every column is written, by name, or the build fails: the macro takes
 * exactly five arguments, none of them empty (the static assertion), and
 * -Wextra -Werror refuses a column written twice (-Woverride-init; clang:
 * -Winitializer-overrides), so five distinct columns are all the columns.
 * A column with nothing to check says UNCHECKED.
 */
#define EXPECT(c1, c2, c3, c4, c5)					\
	((void)sizeof(struct {						\
		_Static_assert(sizeof(#c1) > 1 && sizeof(#c2) > 1 &&	\
			       sizeof(#c3) > 1 && sizeof(#c4) > 1 &&	\
			       sizeof(#c5) > 1,				\
			       "EXPECT: write every column by name: .proposed " \
			       ".linux .xsa482_domu .freebsd .netbsd");	\
		char c;							\
	}), (struct expect){ c1, c2, c3, c4, c5 })
#define ALL(v)								\
	EXPECT(.proposed = (v), .linux = (v), .xsa482_domu = (v),	\
	       .freebsd = (v), .netbsd = (v))

/*
 * The default world (sim/machine/worldfile.c): guests 1 and 2 are HVM, 3
 * is PV, 4 does not exist.  Handles are restricted to TARGET; OTHER is an
 * existing domain they must not reach.
 */
#define TARGET		1u
#define OTHER		2u
#define PV_DOM		3u
#define ABSENT		4u
#define GUEST_PAGES	256u	/* gfns 0..255 of each guest exist */
#define GUEST_PORT	1u	/* a guest's unbound port for dom0 */
#define FIRST_GREF	8u	/* refs 8..11 grant gfns 0..3 to dom0 ... */
#define RO_GREF		11u	/* ... and 11 is read-only */

#define DOMID_SELF	0x7FF0u
#define DOMID_INVALID	0x7FF4u
#define DOMID_IDLE	0x7FFFu

#define PAGE		4096u

/* The column this run checks (set once in main). */
extern enum abi_col abi_col;
extern const char *abi_profile;

/* ---- reporting (report.c) ---- */

/*
 * Compare got (a result >= 0 or -errno) with this run's column of e and
 * print one TAP line.  Returns got, so a check can feed the next step.
 * Prints nothing for UNCHECKED.
 */
long check(const char *name, struct expect e, long got);
/* A check that is not an errno: ok iff cond; detail says what was seen. */
void check_true(const char *name, bool cond, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* One TAP skip line (a device the profile's platform does not have). */
void skip(const char *name, const char *why);
/* A diagnostic line ("# ..."). */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* This run's column of e. */
long expected(struct expect e);
/* Does this run's column of e expect success (a value >= 0 or ANY_POS)? */
bool wants_success(struct expect e);
/* Is e checked at all in this run's column? */
bool applies(struct expect e);

/* The final plan and summary line; returns the exit status. */
int report_summary(void);
const char *errno_name(int err);

/* ---- calling the devices (util.c) ---- */

/* ioctl(2) as the kernel's result: >= 0 or -errno. */
long xioctl(int fd, unsigned long cmd, const void *arg);
/* open(2) O_RDWR|O_CLOEXEC: fd or -errno. */
int xopen(const char *path);
/* mmap(2) MAP_SHARED of len bytes at offset off; NULL and *err on failure. */
void *xmmap(int fd, size_t len, int prot, uint64_t off, int *err);
void xmunmap(void *addr, size_t len);
void xclose(int fd);

/*
 * Read len bytes at addr without faulting this process (a page nothing is
 * mapped into must read as "not mapped", not kill the run).  The kernel's
 * copy from user memory reports such a page as EFAULT.
 */
bool peek(const void *addr, void *buf, size_t len);
/* Write likewise (through a pipe the other way). */
bool poke(void *addr, const void *buf, size_t len);

/* A page this process cannot read: for "unmapped pointer" checks. */
void *inaccessible_page(void);

/* The default world's memory pattern (sim/machine/memory.c). */
static inline uint64_t pattern_word(unsigned domid, uint64_t gfn, unsigned off)
{
	return (uint64_t)domid << 48 | gfn << 12 | off;
}

/*
 * Check that addr holds domain domid's gfn at byte offset off (8 bytes),
 * if this run's column expects the mapping (mapped = the mapping call
 * succeeded; a failed one is reported without touching memory).
 */
void check_pattern(const char *name, struct expect e, bool mapped,
		   const void *addr, unsigned domid, uint64_t gfn,
		   unsigned off);

/*
 * Open a device for a section: a device the column says exists must open;
 * one it says is absent must fail (ENOENT or ENODEV) and the section is
 * skipped.  Returns the fd, or -1 to skip the rest of the section.
 */
int open_section(const char *dev, const char *path, bool present);

/* ---- sections, in the order they run ---- */

void privcmd_checks(void);
void evtchn_checks(void);
void gntdev_checks(void);
void gntalloc_checks(void);

#endif /* XSIM_ABI_H */
