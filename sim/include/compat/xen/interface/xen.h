/* SPDX-License-Identifier: MIT */
/*
 * linux-libc-dev ships <xen/privcmd.h>, which includes the kernel-internal
 * <xen/interface/xen.h>; <xen/evtchn.h> and <xen/gntdev.h> use domid_t and
 * grant_ref_t without defining them.  This stands in for the types they
 * need (x86_64 sizes, include/xen/interface/xen.h and grant_table.h in
 * Linux).  Never include it next to libxen-dev's public headers.
 */
#ifndef XENSIM_COMPAT_XEN_INTERFACE_XEN_H
#define XENSIM_COMPAT_XEN_INTERFACE_XEN_H

#include <stdint.h>

typedef uint16_t domid_t;
typedef unsigned long xen_pfn_t;
typedef uint32_t grant_ref_t;

#endif
