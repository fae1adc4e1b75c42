/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fixture.h"

struct xsim_world *fx_world(const char *profile, bool empty)
{
	struct xsim_world_config cfg = {
		.profile = profile,
		.nr_pages = 8192,
		.max_handles = 256,
		.effect_log_entries = 16384,
		.empty = empty,
	};
	struct xsim_world *w = NULL;

	assert_int_equal(xsim_world_create(&cfg, &w), 0);
	assert_non_null(w);
	return w;
}

struct xsim_caller fx_caller(struct xsim_world *w, uint16_t domid)
{
	struct xsim_caller c = { .w = w, .domid = domid,
				 .handle = XSIM_EFF_NO_HANDLE };
	return c;
}

static unsigned scan(struct xsim_world *w, uint64_t from, uint32_t handle,
		     uint16_t domid, bool elsewhere)
{
	struct xsim_effect buf[256];
	unsigned hits = 0;
	long n;

	for (;;) {
		long i;

		n = xsim_effect_read(w, from, buf, 256);
		assert_true(n >= 0);	/* -ENOSPC: the ring overran */
		if (n == 0)
			return hits;
		for (i = 0; i < n; i++) {
			if (handle != XSIM_EFF_NO_HANDLE &&
			    buf[i].handle != handle)
				continue;
			if (elsewhere ? buf[i].domid != domid :
					buf[i].domid == domid)
				hits++;
		}
		from += (uint64_t)n;
	}
}

unsigned fx_effects_elsewhere(struct xsim_world *w, uint64_t from,
			      uint32_t handle, uint16_t domid)
{
	return scan(w, from, handle, domid, true);
}

unsigned fx_effects_on(struct xsim_world *w, uint64_t from, uint16_t domid)
{
	return scan(w, from, XSIM_EFF_NO_HANDLE, domid, false);
}
