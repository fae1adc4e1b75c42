/* SPDX-License-Identifier: MIT */
/*
 * Bench-only ioctls of xensim-cuse, answered by the daemon itself on
 * every node it serves, before any device model sees them.  They exist
 * so that xensim-cuse-bench can measure the floor of the transport and
 * read how many FUSE round trips an ioctl took; no Linux driver has
 * them and no client should use them.
 *
 * Magic 0xE5 and numbers 0xB0-0xB2 are not Xen's ('P' privcmd, 'E'
 * evtchn, 'G' gntdev/gntalloc; Linux
 * Documentation/userspace-api/ioctl/ioctl-number.rst lists no 0xE5).
 * All are _IOC_NONE and read no memory (PEEK's arg is a plain number):
 * in unrestricted mode the first (data-less) arrival is answered at
 * once, no retry, so each costs exactly one round trip.
 *
 *   XSIM_CUSE_IOCTL_FLOOR   returns 0: the cheapest CUSE ioctl there is.
 *   XSIM_CUSE_IOCTL_TRIPS   returns the round trips the last ioctl that
 *                           this thread finished on this open file took
 *                           (0: none recorded).
 *   XSIM_CUSE_IOCTL_PEEK    arg 0: this open file's ioctls are served
 *                           from the kernel's fetches alone, one retry per
 *                           level of nesting (what the daemon did before
 *                           it read the caller's memory directly); arg 1:
 *                           back to the default.  Returns 0.  So that the
 *                           bench can show both on one daemon.
 */
#ifndef XENSIM_CUSE_PROBE_H
#define XENSIM_CUSE_PROBE_H

#include <sys/ioctl.h>

#define XSIM_CUSE_IOCTL_FLOOR	_IOC(_IOC_NONE, 0xE5, 0xB0, 0)
#define XSIM_CUSE_IOCTL_TRIPS	_IOC(_IOC_NONE, 0xE5, 0xB1, 0)
#define XSIM_CUSE_IOCTL_PEEK	_IOC(_IOC_NONE, 0xE5, 0xB2, 0)

#endif /* XENSIM_CUSE_PROBE_H */
