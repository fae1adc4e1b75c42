/* SPDX-License-Identifier: MIT */
/* STUB: replaced by the privcmd device model. */
#include "devpriv.h"
const struct xsim_dev_ops xsim_privcmd_ops = { .dev = XSIM_DEV_PRIVCMD };
