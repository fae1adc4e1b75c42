/* SPDX-License-Identifier: MIT */
/*
 * XENSIM_CALLER_DOMID, read the same way by every transport: the domain a
 * process's device opens come from (linux-xsa482 makes a domU's privcmd
 * handles born restricted).
 */
#include <errno.h>
#include <stdlib.h>

#include <xensim/device.h>
#include <xensim/xen-const.h>

int xsim_caller_domid_from_env(uint16_t *domid)
{
	const char *s = getenv("XENSIM_CALLER_DOMID");
	unsigned long v;
	char *end;

	*domid = 0;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || s[0] == '-' || v >= XSIM_DOMID_FIRST_RESERVED)
		return -EINVAL;
	*domid = (uint16_t)v;
	return 0;
}
