/* SPDX-License-Identifier: MIT */
/*
 * Dom0's own xenstore ring.  When xenstored runs in dom0, Linux allocates
 * the ring page and an unbound event channel offered to dom0 itself at
 * boot (drivers/xen/xenbus/xenbus_probe.c xenstored_local_init), and
 * xenfs hands them to xenstored (/proc/xen/xsd_kva, /proc/xen/xsd_port).
 * The sim makes them on first request, once per world.
 */
#include <errno.h>
#include <string.h>

#include "layout.h"
#include <xensim/machine.h>

int xsim_dom0_store(const struct xsim_caller *c, uint32_t *page,
		    uint32_t *port)
{
	struct xsim_domain *d0 = xsim_dom_get(c->w, 0);
	/* The kernel allocates them, not the process that asks. */
	struct xsim_caller kernel = { .w = c->w, .domid = 0,
				      .handle = XSIM_EFF_NO_HANDLE };
	uint32_t p;
	int rc;

	if (!d0)
		return -ENODEV;
	if (!d0->store_page) {
		p = xsim_page_alloc(c->w, 0, XSIM_PAGE_META);
		if (!p)
			return -ENOMEM;
		memset(xsim_page_va(c->w, p), 0, XSIM_PAGE_SIZE);
		rc = xsim_evtchn_alloc_unbound(&kernel, XSIM_DOMID_SELF, 0,
					       &d0->store_port);
		if (rc) {
			xsim_page_free(c->w, p);
			return rc;
		}
		d0->store_page = p;
	}
	*page = d0->store_page;
	*port = d0->store_port;
	return 0;
}
