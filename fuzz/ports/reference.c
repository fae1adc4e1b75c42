/* SPDX-License-Identifier: MIT */
/*
 * The reference as a port: sim/dev/audit.c over the profile table, after
 * the device's target extraction (fuzz/src/refaudit.c).  Fuzzing it
 * against itself checks the differential machinery; it is also the port
 * `xrc fuzz diff` runs for every profile.
 */
#include <xrc-fuzz/port.h>

#include "../src/fuzz.h"

/* The profile the run forces (XRC_FUZZ_PROFILE), else "proposed". */
static const struct xsim_profile *claimed(void)
{
	static const struct xsim_profile *dflt;
	int forced = fz_forced_profile();

	if (forced >= 0)
		return fz_profile((unsigned)forced);
	if (!dflt)
		dflt = xsim_profile_find("proposed");
	return dflt;
}

static void ref_open(enum xrc_port_dev dev, uint16_t caller,
		     struct xrc_port_state *st)
{
	fz_ref_open(claimed(), dev, caller, st);
}

static int ref_audit(const struct xrc_port_call *call,
		     struct xrc_port_state *st)
{
	return fz_ref_audit(claimed(), call, st, NULL);
}

const struct xrc_port xrc_port = {
	.abi = XRC_PORT_ABI,
	.name = "reference",
	.profile = "proposed",
	.open = ref_open,
	.audit = ref_audit,
};
