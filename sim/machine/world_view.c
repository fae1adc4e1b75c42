/* SPDX-License-Identifier: MIT */
/*
 * What a world holds, for tools that show it (xensim-world status).  An
 * observer must not change what it observes: unlike XEN_DOMCTL_
 * getdomaininfo (xsim_domain_getinfo), reading here logs no effect.
 */
#include <string.h>

#include <xensim/machine.h>

#include "layout.h"

int xsim_world_domains(struct xsim_world *w, uint32_t *cursor,
		       struct xsim_domain_info *out, unsigned max)
{
	unsigned n = 0;
	uint32_t id;

	xsim_lock(w);
	for (id = *cursor; id < XSIM_DOMID_FIRST_RESERVED && n < max; id++) {
		const struct xsim_domain *d = xsim_dom_slot(w, id);

		if (!d->exists)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].domid = d->domid;
		out[n].hvm = d->flags & XSIM_DOM_HVM;
		out[n].paused = d->flags & XSIM_DOM_PAUSED;
		out[n].dying = d->flags & XSIM_DOM_DYING;
		out[n].privileged = d->flags & XSIM_DOM_PRIVILEGED;
		out[n].max_vcpus = d->max_vcpus;
		out[n].tot_pages = d->tot_pages;
		out[n].max_pages = d->max_pages;
		out[n].max_gfn = d->max_gfn;
		out[n].ssidref = d->ssidref;
		memcpy(out[n].handle, d->handle, sizeof(out[n].handle));
		n++;
	}
	*cursor = id;
	xsim_unlock(w);
	return (int)n;
}
