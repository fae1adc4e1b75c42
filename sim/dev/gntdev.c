/* SPDX-License-Identifier: MIT */
/* STUB: replaced by the gntdev device model. */
#include "devpriv.h"
const struct xsim_dev_ops xsim_gntdev_ops = { .dev = XSIM_DEV_GNTDEV };
