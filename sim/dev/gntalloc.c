/* SPDX-License-Identifier: MIT */
/* STUB: replaced by the gntalloc device model. */
#include "devpriv.h"
const struct xsim_dev_ops xsim_gntalloc_ops = { .dev = XSIM_DEV_GNTALLOC };
