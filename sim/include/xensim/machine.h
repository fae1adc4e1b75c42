/* SPDX-License-Identifier: MIT */
/*
 * The simulated hypervisor: what Xen offers, at the level of its public
 * hypercall interface, with no knowledge of any device ABI.  Device models
 * call these the way Linux drivers call HYPERVISOR_*; the raw hypercall
 * dispatcher (xsim_hypercall) decodes Xen's structures onto them.
 *
 * Every function here expects the machine lock held (xsim_lock) and
 * returns 0 or a negative errno as Xen does, unless documented otherwise.
 * Every effect on a domain is recorded in the effect log against
 * caller->handle.
 */
#ifndef XENSIM_MACHINE_H
#define XENSIM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xensim/effect.h>
#include <xensim/uaccess.h>
#include <xensim/world.h>
#include <xensim/xen-const.h>

struct xsim_caller {
	struct xsim_world *w;
	uint16_t domid;		/* calling domain: 0 for a dom0 process */
	uint32_t handle;	/* for the effect log, or XSIM_EFF_NO_HANDLE */
};

/* ---- Domains (xen/common/domain.c, domctl.c) ---- */

struct xsim_domain_config {
	uint32_t domid;		/* wanted domid, or XSIM_DOMID_INVALID: pick one */
	bool hvm;
	uint32_t max_vcpus;	/* 0: set later (Xen's default before max_vcpus) */
	uint64_t max_pages;
	uint32_t max_evtchn_port;	/* 0: XSIM_EVTCHN_DEFAULT_MAX */
	uint32_t max_grant_frames;	/* 0: XSIM_GNTTAB_MAX_FRAMES */
	uint32_t ssidref;
	uint8_t handle[16];
};

struct xsim_domain_info {
	uint16_t domid;
	bool hvm, paused, dying, privileged;
	uint32_t max_vcpus;
	uint64_t tot_pages, max_pages;
	uint64_t max_gfn;
	uint8_t handle[16];
	uint32_t ssidref;
};

int xsim_domain_create(const struct xsim_caller *c,
		       const struct xsim_domain_config *cfg, uint16_t *domid);
int xsim_domain_destroy(const struct xsim_caller *c, uint32_t domid);
int xsim_domain_pause(const struct xsim_caller *c, uint32_t domid);
int xsim_domain_unpause(const struct xsim_caller *c, uint32_t domid);
int xsim_domain_set_max_vcpus(const struct xsim_caller *c, uint32_t domid,
			      uint32_t max);
int xsim_domain_set_max_pages(const struct xsim_caller *c, uint32_t domid,
			      uint64_t max);
int xsim_domain_set_target(const struct xsim_caller *c, uint32_t domid,
			   uint32_t target);
int xsim_domain_getinfo(const struct xsim_caller *c, uint32_t domid,
			struct xsim_domain_info *info);
/* First existing domid >= from, or -ESRCH (getdomaininfolist iteration). */
int xsim_domain_next(const struct xsim_world *w, uint32_t from);

/*
 * Resolve a domid as Xen's rcu_lock_domain_by_any_id does (DOMID_SELF is
 * the caller).  -ESRCH if it does not exist.
 */
int xsim_domain_resolve(const struct xsim_caller *c, uint32_t domid,
			uint16_t *out);
bool xsim_domain_exists(const struct xsim_world *w, uint32_t domid);

/* The XSA-482 xenstore "target" of a domain, or XSIM_DOMID_INVALID. */
uint32_t xsim_domain_xs_target(const struct xsim_world *w, uint32_t domid);
int xsim_domain_set_xs_target(struct xsim_world *w, uint32_t domid,
			      uint32_t target);

/*
 * What dom0 published in a domain's xenstore directory for it: the
 * event channel port (data/xrc-offer-port) and the grant ref
 * (data/xrc-offer-gref) dom0 offers it, as the xen-domu fixture does;
 * XSIM_XS_NO_OFFER when none.  Set once: -EEXIST after.
 */
#define XSIM_XS_NO_OFFER	0xFFFFFFFFu
enum xsim_xs_offer { XSIM_XS_OFFER_PORT, XSIM_XS_OFFER_GREF };
uint32_t xsim_domain_xs_offer(const struct xsim_world *w, uint32_t domid,
			      enum xsim_xs_offer what);
int xsim_domain_set_xs_offer(struct xsim_world *w, uint32_t domid,
			     enum xsim_xs_offer what, uint32_t value);

/* ---- Memory (xen/common/memory.c) ---- */

/* Populate [gfn, gfn + nr) of domid; -ENOMEM past max_pages or the pool. */
int xsim_mem_populate(const struct xsim_caller *c, uint32_t domid,
		      uint64_t gfn, uint64_t nr);
int xsim_mem_decrease(const struct xsim_caller *c, uint32_t domid,
		      uint64_t gfn, uint64_t nr);
/*
 * Translate a foreign frame for mapping by the caller: the world page that
 * backs it.  The frame is a gfn of an HVM domain (its p2m) and a machine
 * frame of a PV domain (XSIM_MFN_BASE below).  -ESRCH no such domain,
 * -EPERM the caller may not map that domain's memory; per frame, HVM:
 * -EINVAL gfn not populated; PV: -EBUSY a machine frame the domain does
 * not own, -EPERM no RAM there (Xen's MMIO case).  Logs a MAP effect.
 */
int xsim_mem_map_gfn(const struct xsim_caller *c, uint32_t domid,
		     uint64_t frame, bool write, uint32_t *page);
/* Byte access to a domain's memory (tests, grant copy, the world file). */
int xsim_mem_access(const struct xsim_caller *c, uint32_t domid, uint64_t gfn,
		    uint32_t offset, void *buf, uint32_t len, bool write);

/* Where world page `page` sits in the world file (for a transport's mmap). */
uint64_t xsim_page_file_offset(const struct xsim_world *w, uint32_t page);
/* Is page a mappable page of domain domid (RAM, grant or ioreq frame)? */
bool xsim_page_owned_by(const struct xsim_world *w, uint32_t page,
			uint32_t domid);

/*
 * Machine frames.  Xen does not translate a PV domain's frame numbers: what
 * populate_physmap writes back for it, what a foreign map of it takes and
 * what its grant entries hold are machine frames (mfns).  World page i is
 * machine frame XSIM_MFN_BASE + i, for every page (guest RAM, grant and
 * ioreq frames).  The base keeps every mfn far above a guest's small gfns,
 * so a gfn used where Xen wants an mfn names no page of the guest and fails
 * loudly.  Frames below the base stand for RAM that Xen and the firmware
 * own: valid machine frames that no guest owns.  An HVM domain's frames
 * stay gfns, translated by its p2m.
 */
#define XSIM_MFN_BASE	0x10000u

/* The machine frame of world page `page`. */
uint64_t xsim_page_mfn(uint32_t page);
/* The world page of machine frame mfn, or 0 (XSIM_NO_PAGE) for none. */
uint32_t xsim_mfn_page(const struct xsim_world *w, uint64_t mfn);
/* One past the highest machine frame (Xen's max_page). */
uint64_t xsim_mfn_limit(const struct xsim_world *w);
/*
 * The frame number dom0 uses for page gfn of domid: the mfn for a PV
 * domain, gfn itself for HVM.  -ESRCH no such domain, -EINVAL not
 * populated (PV).
 */
int xsim_mem_frame_of_gfn(const struct xsim_world *w, uint32_t domid,
			  uint64_t gfn, uint64_t *frame);

/* ---- Event channels (xen/common/event_channel.c, 2-level ABI) ---- */

struct xsim_evtchn_status {
	uint32_t status;	/* EVTCHNSTAT_* */
	uint32_t vcpu;
	uint32_t remote_dom;	/* unbound: allowed remote; interdomain: peer */
	uint32_t remote_port;
	uint32_t virq;
};

int xsim_evtchn_alloc_unbound(const struct xsim_caller *c, uint32_t dom,
			      uint32_t remote_dom, uint32_t *port);
int xsim_evtchn_bind_interdomain(const struct xsim_caller *c,
				 uint32_t remote_dom, uint32_t remote_port,
				 uint32_t *local_port);
int xsim_evtchn_bind_virq(const struct xsim_caller *c, uint32_t virq,
			  uint32_t vcpu, uint32_t *port);
int xsim_evtchn_bind_ipi(const struct xsim_caller *c, uint32_t vcpu,
			 uint32_t *port);
/* Close a port of the caller's domain (dom = DOMID_SELF) or, for a
 * privileged caller, of another domain (EVTCHNOP_close is self only; the
 * domain-teardown path uses dom). */
int xsim_evtchn_close(const struct xsim_caller *c, uint32_t dom, uint32_t port);
int xsim_evtchn_send(const struct xsim_caller *c, uint32_t port);
int xsim_evtchn_status(const struct xsim_caller *c, uint32_t dom,
		       uint32_t port, struct xsim_evtchn_status *st);
int xsim_evtchn_unmask(const struct xsim_caller *c, uint32_t port);
int xsim_evtchn_reset(const struct xsim_caller *c, uint32_t dom);
/* Route a caller-domain port's events to a consumer (a device handle). */
int xsim_evtchn_set_consumer(const struct xsim_caller *c, uint32_t port,
			     uint32_t consumer);
/* A guest's side, for tests and injectors: send on / test a guest port. */
int xsim_evtchn_guest_send(struct xsim_world *w, uint32_t domid, uint32_t port);
int xsim_evtchn_guest_pending(struct xsim_world *w, uint32_t domid,
			      uint32_t port, bool clear);
int xsim_evtchn_raise_virq(struct xsim_world *w, uint32_t domid,
			   uint32_t virq);

/* ---- Grant tables, v1 (xen/common/grant_table.c) ---- */

/* GNTST_* status codes (xen/include/public/grant_table.h). */
#define XSIM_GNTST_okay			0
#define XSIM_GNTST_general_error	(-1)
#define XSIM_GNTST_bad_domain		(-2)
#define XSIM_GNTST_bad_gntref		(-3)
#define XSIM_GNTST_bad_handle		(-4)
#define XSIM_GNTST_bad_virt_addr	(-5)
#define XSIM_GNTST_bad_dev_addr		(-6)
#define XSIM_GNTST_no_device_space	(-7)
#define XSIM_GNTST_permission_denied	(-8)
#define XSIM_GNTST_bad_page		(-9)
#define XSIM_GNTST_bad_copy_arg		(-10)
#define XSIM_GNTST_address_too_big	(-11)
#define XSIM_GNTST_eagain		(-12)

/* Grow dom's table to at least nr frames; -EINVAL past its maximum. */
int xsim_gnttab_setup(const struct xsim_caller *c, uint32_t dom, uint32_t nr);
int xsim_gnttab_query_size(const struct xsim_caller *c, uint32_t dom,
			   uint32_t *nr_frames, uint32_t *max_frames);
/* World page of grant-table frame i of dom (for setup_table's frame list). */
int xsim_gnttab_frame(const struct xsim_caller *c, uint32_t dom, uint32_t i,
		      uint32_t *page);
/*
 * The granting side: what a guest does by writing its own table.  gfn is
 * the guest's page; a PV granter's entry gets its machine frame
 * (-EINVAL if that page is not populated), an HVM granter's the gfn.
 */
int xsim_gnttab_grant(struct xsim_world *w, uint32_t granter, uint32_t ref,
		      uint32_t grantee, uint64_t gfn, bool readonly);
/* Grant a world page directly (gntalloc's pages belong to dom0). */
int xsim_gnttab_grant_page(const struct xsim_caller *c, uint32_t ref,
			   uint32_t grantee, uint32_t page, bool readonly);
/* Find a free ref in the caller's table (growing it); -ENOSPC if full. */
int xsim_gnttab_alloc_ref(const struct xsim_caller *c, uint32_t *ref);
/* Revoke; -EBUSY while mapped. */
int xsim_gnttab_end_access(const struct xsim_caller *c, uint32_t ref);
/*
 * Revoke a ref made with xsim_gnttab_grant_page and free its page (Linux
 * 6.1 gnttab_end_foreign_access): 0 done, 1 deferred until the grantee's
 * last unmap, -EINVAL if ref was not granted with grant_page.  The caller
 * must not touch the page afterwards.
 */
int xsim_gnttab_end_access_page(const struct xsim_caller *c, uint32_t ref);
/*
 * Pages shared with grant_page are in no p2m: their page metadata names
 * the pseudo gfn XSIM_GNTALLOC_GFN_BASE + page, beyond any real gfn; the
 * grant entry itself shows the page's machine frame (xsim_page_mfn), as
 * a PV dom0's does.
 */
#define XSIM_GNTALLOC_GFN_BASE	0x80000000u

/* Map/unmap dom's grant ref by the caller: GNTST_* result. */
int xsim_gnttab_map(const struct xsim_caller *c, uint32_t dom, uint32_t ref,
		    bool readonly, uint32_t *page);
int xsim_gnttab_unmap(const struct xsim_caller *c, uint32_t dom, uint32_t ref);
/* Grant copy to/from a buffer of the caller: GNTST_* result. */
int xsim_gnttab_copy(const struct xsim_caller *c, uint32_t dom, uint32_t ref,
		     uint32_t offset, void *buf, uint32_t len, bool to_grant);

/*
 * Dom0's xenstore ring page and the unbound dom0 port that goes with it
 * (Linux xenstored_local_init), made on first call.
 */
int xsim_dom0_store(const struct xsim_caller *c, uint32_t *page,
		    uint32_t *port);

/* ---- Device-model operations and resources ---- */

struct xsim_ubuf {
	uint64_t uaddr;
	uint64_t size;
};

/* XEN_DMOP_* on domid with the caller's buffers (xen/arch/x86/hvm/dm.c). */
long xsim_dm_op(const struct xsim_caller *c, const struct xsim_uaccess *ua,
		uint32_t domid, const struct xsim_ubuf *bufs, uint32_t nr);

/*
 * XENMEM_acquire_resource: the world pages of resource (type, id) of domid,
 * frames [idx, idx + nr).  With nr == 0 reports the size in *total.
 */
int xsim_acquire_resource(const struct xsim_caller *c, uint32_t domid,
			  uint32_t type, uint32_t id, uint32_t idx,
			  uint32_t nr, uint32_t *pages, uint64_t *total);

/*
 * A raw hypercall as privcmd issues it: Xen's return value (>= 0 or a
 * negative errno; -ENOSYS for anything not modelled).
 */
long xsim_hypercall(const struct xsim_caller *c, const struct xsim_uaccess *ua,
		    uint64_t op, const uint64_t arg[5]);

#endif /* XENSIM_MACHINE_H */
