/* SPDX-License-Identifier: MIT */
/*
 * Xen ABI constants the simulator's public headers need, under our own
 * names so that these headers can be included next to either Xen's public
 * headers (libxen-dev) or Linux's uapi headers (linux-libc-dev), which
 * clash with each other.  Values: xen/include/public/xen.h, grant_table.h,
 * event_channel.h.
 */
#ifndef XENSIM_XEN_CONST_H
#define XENSIM_XEN_CONST_H

#define XSIM_PAGE_SHIFT		12
#define XSIM_PAGE_SIZE		(1u << XSIM_PAGE_SHIFT)

#define XSIM_DOMID_FIRST_RESERVED	0x7FF0u
#define XSIM_DOMID_SELF			0x7FF0u
#define XSIM_DOMID_IO			0x7FF1u
#define XSIM_DOMID_XEN			0x7FF2u
#define XSIM_DOMID_COW			0x7FF3u
#define XSIM_DOMID_INVALID		0x7FF4u
#define XSIM_DOMID_IDLE			0x7FFFu

/* Xen 4.17 answers 0x40011 to XENVER_version. */
#define XSIM_XEN_MAJOR		4
#define XSIM_XEN_MINOR		17

/* 2-level event channel ABI, 64-bit guest: 64 * 64 ports (xen/common/event_2l.c). */
#define XSIM_EVTCHN_2L_NR	4096u
/* xl's default max_event_channels for a guest (tools/xl/xl_parse.c). */
#define XSIM_EVTCHN_DEFAULT_MAX	1023u

/* Grant table v1 (xen/include/public/grant_table.h). */
#define XSIM_GNTTAB_ENTRIES_PER_FRAME	(XSIM_PAGE_SIZE / 8u)
#define XSIM_GNTTAB_MAX_FRAMES		64u	/* Xen 4.17 gnttab_max_frames default */

#endif /* XENSIM_XEN_CONST_H */
