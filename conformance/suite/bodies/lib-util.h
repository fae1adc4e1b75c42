/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the library-level bodies (lib-*.c).  These bodies drive
 * Debian's libxen* 4.17 (the Linux builds), which open the nodes under
 * /dev/xen by themselves.  They include libxen-dev's headers and so must
 * never include <xensim/uapi.h> (the two clash over xen_pfn_t).
 *
 * What cannot be judged is skipped, never failed: a library handle that
 * does not open, or a hypercall the backend does not serve yet (the sim
 * has no domctl/sysctl), means "this backend cannot serve the library".
 */
#ifndef XRC_BODIES_LIB_UTIL_H
#define XRC_BODIES_LIB_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include <xrc/body.h>

/* The handles a body opened; NULL where not opened. */
struct lib_handles {
	xencall_handle *call;
	xenforeignmemory_handle *fmem;
	xendevicemodel_handle *dmod;
	xenevtchn_handle *xce;
	xengnttab_handle *xgt;
	xengntshr_handle *xgs;
};

/*
 * Every library body starts here: the libraries open the nodes under
 * /dev/xen and know nothing of --devdir, so another directory is a SKIP.
 */
void lib_begin(struct xrc_ctx *t);

/* A logger that drops the libraries' messages (errors are judged, not printed). */
xentoollog_logger *lib_quiet_logger(void);

/* Open one library handle; SKIP if the backend cannot serve it. */
xencall_handle *lib_open_call(struct xrc_ctx *t);
xenforeignmemory_handle *lib_open_fmem(struct xrc_ctx *t);
xendevicemodel_handle *lib_open_dmod(struct xrc_ctx *t);
xenevtchn_handle *lib_open_evtchn(struct xrc_ctx *t);
xengnttab_handle *lib_open_gnttab(struct xrc_ctx *t);
xengntshr_handle *lib_open_gntshr(struct xrc_ctx *t);
/* The same, but NULL (no SKIP) where the device is absent. */
xengnttab_handle *lib_try_gnttab(void);
xengntshr_handle *lib_try_gntshr(void);

/*
 * The handles QEMU holds when it restricts (xencall, foreignmemory,
 * devicemodel, evtchn, and the grant libraries where their devices
 * exist), opened in that order: the most recent handle is restricted
 * first (xentoolcore's list is head-inserted).
 */
void lib_open_all(struct xrc_ctx *t, struct lib_handles *h);

/* An errno a library passes up when the kernel has no restrict ioctl. */
bool lib_restrict_unsupported(int err);

/*
 * A restrict step that must succeed: 0, else SKIP where the backend has
 * no restriction to offer (lib_restrict_unsupported), else ERROR.
 */
void lib_restrict_all(struct xrc_ctx *t, uint16_t domid);
void lib_restrict_fmem(struct xrc_ctx *t, xenforeignmemory_handle *fmem,
		       uint16_t domid);
void lib_restrict_dmod(struct xrc_ctx *t, xendevicemodel_handle *dmod,
		       uint16_t domid);
void lib_restrict_evtchn(struct xrc_ctx *t, xenevtchn_handle *xce,
			 uint16_t domid);

/*
 * Calls returning a pointer, as 0 or -1 with errno (what XRC_OBSERVE
 * judges); each undoes what it made.  The four mappers SKIP on a backend
 * that cannot mmap the device the library maps (xrc_require_mmap): the
 * library mmaps before its ioctl, so nothing could be judged.
 */
/* Map gfn 0 of dom read-only through xenforeignmemory_map. */
int lib_map_gfn0(struct xrc_ctx *t, xenforeignmemory_handle *fmem,
		 uint16_t dom);
/* Map frame 0 of dom's grant-table resource. */
int lib_map_grant_frame(struct xrc_ctx *t, xenforeignmemory_handle *fmem,
			uint16_t dom);
/* Map dom's grant ref read-only through libxengnttab. */
int lib_map_grant(struct xrc_ctx *t, xengnttab_handle *xgt, uint16_t dom,
		  uint32_t ref);
/* Share one page with dom through libxengntshr. */
int lib_share_page(struct xrc_ctx *t, xengntshr_handle *xgs, uint16_t dom);
/* xendevicemodel_nr_vcpus of dom (a dm_op every HVM guest answers). */
int lib_nr_vcpus(xendevicemodel_handle *dmod, uint16_t dom);

#endif /* XRC_BODIES_LIB_UTIL_H */
