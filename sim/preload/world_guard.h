/* SPDX-License-Identifier: MIT */
/*
 * Device calls under a world recovery point (sim/machine/world_guard.c,
 * <xensim/world.h> struct xsim_world_guard): a corrupted or truncated
 * world ends the call with -EIO instead of killing the process.  Same
 * signatures as the xsim_dev_* calls they wrap.
 */
#ifndef XP_WORLD_GUARD_H
#define XP_WORLD_GUARD_H

#include <sys/types.h>

#include <xensim/device.h>
#include <xensim/uaccess.h>

long xp_guarded_ioctl(struct xsim_world *w, struct xsim_file f,
		      unsigned long cmd, uint64_t arg,
		      const struct xsim_uaccess *ua);
ssize_t xp_guarded_read(struct xsim_world *w, struct xsim_file f,
			uint64_t ubuf, size_t len,
			const struct xsim_uaccess *ua);
ssize_t xp_guarded_write(struct xsim_world *w, struct xsim_file f,
			 uint64_t ubuf, size_t len,
			 const struct xsim_uaccess *ua);
int xp_guarded_mmap(struct xsim_world *w, struct xsim_file f, uint64_t addr,
		    uint64_t len, uint64_t pgoff, int prot,
		    const struct xsim_uaccess *ua);
int xp_guarded_open(struct xsim_world *w, enum xsim_dev_kind dev,
		    uint16_t caller_domid, struct xsim_file *f);

#endif /* XP_WORLD_GUARD_H */
