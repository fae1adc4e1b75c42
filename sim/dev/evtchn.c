/* SPDX-License-Identifier: MIT */
/* STUB: replaced by the evtchn device model. */
#include "devpriv.h"
const struct xsim_dev_ops xsim_evtchn_ops = { .dev = XSIM_DEV_EVTCHN };
