/* SPDX-License-Identifier: MIT */
/* STUB: replaced by the evtchn device model. */
#include "devpriv.h"
const struct xsim_dev_ops xsim_evtchn_ops = { .dev = XSIM_DEV_EVTCHN };
void xsim_evtchn_dev_port_fired(struct xsim_world *w, uint32_t consumer, uint32_t port) { (void)w; (void)consumer; (void)port; }
