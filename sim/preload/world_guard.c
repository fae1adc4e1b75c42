/* SPDX-License-Identifier: MIT */
/*
 * The preload's end of the corrupted-world contract (sim/WORLDS.md, "A
 * corrupted world"): each device call runs under a recovery point, so
 * that corruption found in the world, or a SIGBUS on it because another
 * process truncated the file, fails that call with EIO (what Linux 6.1
 * fs/xfs answers once a corrupted filesystem is shut down) and the
 * machine lock is not left held.  Cost: one sigsetjmp without a signal
 * mask (no system call) and two thread-local stores per call.
 *
 * The transport's entry points call these instead of xsim_dev_*.
 */
#include <errno.h>
#include <setjmp.h>

#include <xensim/world.h>
#include <xensim/world_guard.h>

#include "world_guard.h"

/* rc is only read on the path that did not longjmp: no -Wclobbered risk. */
#define GUARDED(w, call)						\
	do {								\
		struct xsim_world_guard g_;				\
									\
		if (xsim_world_guard_enter((w), &g_))			\
			return -EIO;					\
		if (sigsetjmp(g_.jb, 0))				\
			return -EIO;					\
		rc = (call);						\
		xsim_world_guard_leave(&g_);				\
	} while (0)

long xp_guarded_ioctl(struct xsim_world *w, struct xsim_file f,
		      unsigned long cmd, uint64_t arg,
		      const struct xsim_uaccess *ua)
{
	long rc;

	GUARDED(w, xsim_dev_ioctl(w, f, cmd, arg, ua));
	return rc;
}

ssize_t xp_guarded_read(struct xsim_world *w, struct xsim_file f,
			uint64_t ubuf, size_t len,
			const struct xsim_uaccess *ua)
{
	ssize_t rc;

	GUARDED(w, xsim_dev_read(w, f, ubuf, len, ua));
	return rc;
}

ssize_t xp_guarded_write(struct xsim_world *w, struct xsim_file f,
			 uint64_t ubuf, size_t len,
			 const struct xsim_uaccess *ua)
{
	ssize_t rc;

	GUARDED(w, xsim_dev_write(w, f, ubuf, len, ua));
	return rc;
}

int xp_guarded_mmap(struct xsim_world *w, struct xsim_file f, uint64_t addr,
		    uint64_t len, uint64_t pgoff, int prot,
		    const struct xsim_uaccess *ua)
{
	int rc;

	GUARDED(w, xsim_dev_mmap(w, f, addr, len, pgoff, prot, ua));
	return rc;
}

int xp_guarded_open(struct xsim_world *w, enum xsim_dev_kind dev,
		    uint16_t caller_domid, struct xsim_file *f)
{
	int rc;

	GUARDED(w, xsim_dev_open(w, dev, caller_domid, f));
	return rc;
}
