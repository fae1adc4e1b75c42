/* SPDX-License-Identifier: MIT */
/*
 * The open handles of a world, for tools that show who uses a machine
 * (xensim-world status).  Linux has no one list of a driver's open files;
 * this is the sim's /proc/PID/fd view, one copy under the lock.
 */
#include <xensim/device.h>

#include "devpriv.h"

int xsim_dev_handles(struct xsim_world *w, uint32_t *cursor,
		     struct xsim_handle_info *out, unsigned max)
{
	unsigned n = 0;
	uint32_t slot;

	xsim_lock(w);
	for (slot = *cursor; slot < w->sh->handles_used && n < max; slot++) {
		const struct xsim_handle *h = xsim_handle_get(w, slot);

		if (!h->in_use)
			continue;
		out[n].f.slot = slot;
		out[n].f.gen = h->gen;
		out[n].dev = (enum xsim_dev_kind)h->dev;
		out[n].opener_pid = h->opener_pid;
		out[n].caller_domid = h->caller_domid;
		out[n].rs = h->rs;
		n++;
	}
	*cursor = slot;
	xsim_unlock(w);
	return (int)n;
}
