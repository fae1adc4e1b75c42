/* SPDX-License-Identifier: MIT */
/*
 * A recovery point around a call into a world (<xensim/world.h>, "A
 * corrupted world"): corruption found, or a fault on the world's memory,
 * during the call ends it with -EIO (Linux: the exception table).  For
 * transports; it needs POSIX's sigjmp_buf, so include it with
 * _POSIX_C_SOURCE or _GNU_SOURCE defined (<xensim/world.h> needs neither).
 *
 *	struct xsim_world_guard g;
 *
 *	if (xsim_world_guard_enter(w, &g))
 *		return -EIO;		// dead already
 *	if (sigsetjmp(g.jb, 0))
 *		return -EIO;		// found during the call; g is popped
 *	rc = xsim_dev_ioctl(w, ...);
 *	xsim_world_guard_leave(&g);
 *
 * Without one, the call carries on over zeroes and the next one fails.
 */
#ifndef XENSIM_WORLD_GUARD_H
#define XENSIM_WORLD_GUARD_H

#include <setjmp.h>

#include <xensim/world.h>

struct xsim_world_guard {
	sigjmp_buf jb;
	struct xsim_world *w;
	struct xsim_world_guard *prev;
};

int xsim_world_guard_enter(struct xsim_world *w, struct xsim_world_guard *g);
void xsim_world_guard_leave(struct xsim_world_guard *g);

#endif /* XENSIM_WORLD_GUARD_H */
