/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/hypercall as Linux 6.1 implements it (drivers/xen/privcmd-buf.c):
 * an mmap() of zeroed, shareable pages that a hypercall may point into
 * (libxencall allocates its bounce buffers there).  No ioctl, no read or
 * write, nothing to restrict, the same in every profile.
 *
 * The pages are the caller's own memory, not the machine's: the
 * transport provides them (the preload maps MAP_SHARED anonymous memory
 * and refuses a private mapping with EINVAL, as privcmd_buf_mmap does,
 * since this interface carries no mapping flags).  The model only
 * answers whether the mapping may be made.
 */
#include <errno.h>

#include "devpriv.h"

/*
 * privcmd_buf_mmap(): any length, any offset.  A transport that cannot
 * make mappings (no map_page: CUSE) has no way to hand out the pages.
 */
static int hypercall_mmap(struct xsim_world *w, struct xsim_file f,
			  struct xsim_handle *h, uint64_t addr, uint64_t len,
			  uint64_t pgoff, int prot,
			  const struct xsim_uaccess *ua)
{
	(void)w;
	(void)f;
	(void)h;
	(void)addr;
	(void)len;
	(void)pgoff;
	(void)prot;
	return ua->map_page ? 0 : -ENODEV;
}

const struct xsim_dev_ops xsim_hypercall_ops = {
	.dev = XSIM_DEV_HYPERCALL,
	.ioctl = xsim_ioctl_enotty,
	.mmap = hypercall_mmap,
};
