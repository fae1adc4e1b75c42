/* SPDX-License-Identifier: MIT */
/*
 * libxenctrl after xentoolcore_restrict_all (rows/lib.rows).
 *
 * Xen's public headers under <xenctrl.h> (hvm/save.h, foreign/x86_64.h)
 * refuse a strict ISO mode for anonymous unions and aligned members, both
 * of which C11 with GCC or Clang supports: drop the strict flag for this
 * one translation unit, before any header reads it.
 */
#undef __STRICT_ANSI__

#include "bodies.h"

#include <errno.h>

#include <xenctrl.h>

#include "lib-util.h"

/*
 * A domctl through libxenctrl.  The call before restricting proves that
 * the backend serves domctl (the sim does not yet: SKIP) and leaves its
 * hypercall buffer in libxencall's cache, so that the call afterwards
 * fails at the ioctl (ENOTTY) rather than at mapping a new buffer from
 * the neutered /dev/xen/hypercall (EACCES).  Only libxenctrl's own
 * handles are open (xencall, foreignmemory, devicemodel; no evtchn), so
 * restrict_all also succeeds where evtchn has no restrict (FreeBSD).
 */
void lib_restrict_all_xenctrl_domctl(struct xrc_ctx *t)
{
	uint16_t a = xrc_domains(t)->a;
	xc_dominfo_t info;
	xc_interface *xch;
	int n;

	lib_begin(t);
	xch = xc_interface_open(lib_quiet_logger(), lib_quiet_logger(), 0);
	if (!xch)
		xrc_skip(t, "xc_interface_open failed (%s): the backend "
			 "cannot serve libxenctrl", xrc_errno_name(errno));
	errno = 0;
	n = xc_domain_getinfo(xch, a, 1, &info);
	if (n != 1 || info.domid != a)
		xrc_skip(t, "xc_domain_getinfo(%u) before restricting: %s: "
			 "the backend does not serve domctl getdomaininfo",
			 a, n < 0 ? xrc_errno_name(errno) : "no such domain");
	lib_restrict_all(t, a);
	XRC_OBSERVE(t, xc_domain_getinfo(xch, a, 1, &info));
}
