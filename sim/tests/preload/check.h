/* SPDX-License-Identifier: MIT */
/*
 * xsim-preload-check: the LD_PRELOAD transport seen from an unmodified
 * program.  It knows only libc and the Linux device ABI (<xensim/uapi.h>),
 * never libxensim, and checks plumbing, not restrict semantics: where an
 * errno depends on the profile it compares two descriptors' answers
 * instead of naming one.
 *
 * Every check runs in a child of its own (a crash fails that check only,
 * and each child gets a fresh simulated machine on its first open).
 */
#ifndef XSIM_PRELOAD_CHECK_H
#define XSIM_PRELOAD_CHECK_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <xensim/uapi.h>

/* ---- harness (main.c) ---- */

struct check {
	const char *name;
	void (*fn)(void);
};

extern const struct check fd_checks[], evtchn_checks[], mmap_checks[],
	thread_checks[], efault_checks[], hcbuf_checks[];

/* Record a failure with a diagnostic; the check goes on. */
void check_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define expect(cond, ...)						\
	do {								\
		if (!(cond))						\
			check_fail(__FILE__, __LINE__, __VA_ARGS__);	\
	} while (0)

/* expr (an int or long call) must succeed: >= 0. */
#define expect_ok(expr)							\
	({								\
		long r_ = (long)(expr);					\
		int e_ = errno;						\
		expect(r_ >= 0, "%s = %ld, errno %d (%s)", #expr, r_,	\
		       e_, strerror(e_));				\
		r_;							\
	})

/* expr must fail with -1 and errno err. */
#define expect_errno(expr, err)						\
	do {								\
		long r_;						\
		int e_;							\
		errno = 0;						\
		r_ = (long)(expr);					\
		e_ = errno;						\
		expect(r_ == -1 && e_ == (err),				\
		       "%s = %ld errno %d (%s); want -1 errno %d (%s)",	\
		       #expr, r_, e_, strerror(e_), (err),		\
		       strerror(err));					\
	} while (0)

/* A pointer the compiler cannot reason about (NULL, wild ones). */
void *opaque(uintptr_t v);

/* Run fn in a child; its exit status (0 = no failure), or -signal. */
int run_in_child(void (*fn)(void *), void *arg);
/* The path of this program (for the exec checks). */
extern const char *self_path;
/* Failures recorded so far in this process. */
extern int check_failures;

/* ---- the device ABI (xen.c) ---- */

#define PAGE	4096u

/* Each 8-byte word of guest memory: domid << 48 | gfn << 12 | offset. */
static inline uint64_t pattern(uint16_t domid, uint64_t gfn, unsigned off)
{
	return (uint64_t)domid << 48 | gfn << 12 | off;
}

int dev_open(const char *path, int flags);
int privcmd_restrict(int fd, domid_t domid);
/* IOCTL_PRIVCMD_MMAPBATCH_V2 of one gfn at addr; *err the frame's error. */
int privcmd_map_gfn(int fd, domid_t dom, void *addr, xen_pfn_t gfn, int *err);
int evtchn_restrict(int fd, domid_t domid);
/* The ioctls return the local port (>= 0), or -1. */
int evtchn_bind_unbound(int fd, unsigned remote_dom);
int evtchn_bind_interdomain(int fd, unsigned remote_dom, unsigned port);
int evtchn_unbind(int fd, unsigned port);
int evtchn_notify(int fd, unsigned port);
/* A loop-back channel in dom0: *pa on fd a, *pb on fd b, bound together. */
bool evtchn_pair(int a, int b, unsigned *pa, unsigned *pb);
/* Wait up to ms for POLLIN on fd: true if readable. */
bool readable_within(int fd, int ms);
/* IOCTL_GNTDEV_MAP_GRANT_REF of one ref: the mmap offset, or -1. */
long long gntdev_map_ref(int fd, uint32_t domid, uint32_t ref);

#endif /* XSIM_PRELOAD_CHECK_H */
