/* SPDX-License-Identifier: MIT */
/*
 * Layout of the shared world file.  Private to sim/: the machine and the
 * device models use it, nothing outside sim/ may.
 *
 *   [header page(s)] [page metadata] [domains] [handles] [effect ring]
 *   [pages: guest RAM, grant frames and metadata pages, 4 KiB each]
 *
 * Everything is addressed by index or offset from the start of the file,
 * because every process maps it at a different address.
 */
#ifndef XENSIM_LAYOUT_H
#define XENSIM_LAYOUT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xensim/device.h>
#include <xensim/effect.h>
#include <xensim/fail.h>
#include <xensim/world.h>
#include <xensim/world_guard.h>

#define XSIM_MAGIC	0x78656e73696d3031ull	/* "xensim01" */
#define XSIM_VERSION	2u	/* 2: named worlds (creator, layout signature) */

/* Page index 0 is never allocated: 0 means "no page" everywhere. */
#define XSIM_NO_PAGE	0u

enum xsim_page_type {
	XSIM_PAGE_FREE = 0,
	XSIM_PAGE_RAM,		/* a domain's memory, in its p2m */
	XSIM_PAGE_GNTTAB,	/* a grant-table frame of its owner */
	XSIM_PAGE_META,		/* simulator bookkeeping, never mapped out */
	XSIM_PAGE_IOREQ,	/* an ioreq server's shared/buffered page */
};

struct xsim_page {
	uint16_t owner;		/* domid; DOMID_XEN for metadata */
	uint8_t type;		/* enum xsim_page_type */
	uint8_t pad;
	uint32_t next_free;	/* free list link */
	uint32_t maps;		/* mappings handed out (grant maps) */
	uint32_t gfn;		/* for RAM: where it sits in its owner's p2m */
};

/* p2m: 3-level radix of 1024-entry pages covers 2^30 gfns. */
#define XSIM_P2M_BITS	10u
#define XSIM_P2M_FANOUT	(1u << XSIM_P2M_BITS)
#define XSIM_P2M_LEVELS	3u
#define XSIM_GFN_LIMIT	(1ull << (XSIM_P2M_BITS * XSIM_P2M_LEVELS))

/* Event channel states: EVTCHNSTAT_* plus "reserved" (port 0). */
enum xsim_ecs {
	XSIM_ECS_FREE = 0,
	XSIM_ECS_UNBOUND = 1,
	XSIM_ECS_INTERDOMAIN = 2,
	XSIM_ECS_PIRQ = 3,
	XSIM_ECS_VIRQ = 4,
	XSIM_ECS_IPI = 5,
	XSIM_ECS_RESERVED = 6,
};

/* Who consumes a dom0 port's events (Linux: the irq the port is bound to). */
#define XSIM_NO_CONSUMER	0xFFFFFFFFu

struct xsim_port {
	uint8_t state;		/* enum xsim_ecs */
	uint8_t pending;
	uint8_t masked;
	uint8_t vcpu;
	uint16_t remote_dom;	/* UNBOUND: allowed remote; INTERDOMAIN: peer */
	uint16_t virq;		/* VIRQ number */
	uint32_t remote_port;	/* INTERDOMAIN: peer port */
	uint32_t consumer;	/* handle slot, or XSIM_NO_CONSUMER */
};

#define XSIM_PORTS_PER_BUCKET	(XSIM_PAGE_SIZE / sizeof(struct xsim_port))
#define XSIM_PORT_BUCKETS	(XSIM_EVTCHN_2L_NR / XSIM_PORTS_PER_BUCKET)

/* ioreq servers per domain (Xen's MAX_NR_IOREQ_SERVERS is 8). */
#define XSIM_MAX_IOREQ_SERVERS	8u
#define XSIM_MAX_IO_RANGES	32u

struct xsim_io_range {
	uint8_t used, type;
	uint16_t pad;
	uint32_t pad2;
	uint64_t start, end;
};

struct xsim_ioreq_server {
	uint8_t used, enabled, bufioreq_handling;
	uint8_t mem_access;	/* XEN_DMOP_IOREQ_MEM_ACCESS_* if it owns p2m_ioreq_server */
	uint32_t ioreq_page, bufioreq_page;	/* page indices */
	uint32_t bufioreq_port;
	uint32_t nr_ranges;
	uint16_t emulator;	/* the domain that created it (Xen: s->emulator) */
	uint8_t pages_as;	/* XSIM_IOREQ_PAGES_*: how Xen handed them out */
	uint8_t pad;
	uint32_t port_page;	/* META page: uint32_t per-vcpu ioreq ports */
	struct xsim_io_range range[XSIM_MAX_IO_RANGES];
};

/*
 * Xen 4.17 gives a server's pages out once, one way: as guest frames
 * (get_ioreq_server_info without XEN_DMOP_no_gfns) or as a resource
 * (XENMEM_acquire_resource); the other way then answers EPERM
 * (xen/arch/x86/hvm/ioreq.c hvm_map_ioreq_gfn, hvm_ioreq_server_alloc_pages).
 */
enum {
	XSIM_IOREQ_PAGES_NONE = 0,
	XSIM_IOREQ_PAGES_GFNS = 1,
	XSIM_IOREQ_PAGES_RESOURCE = 2,
};

enum xsim_dom_flags {
	XSIM_DOM_HVM = 1u << 0,
	XSIM_DOM_PAUSED = 1u << 1,
	XSIM_DOM_DYING = 1u << 2,
	XSIM_DOM_PRIVILEGED = 1u << 3,
	XSIM_DOM_LOG_DIRTY = 1u << 4,	/* paging log-dirty mode (dm_op track_dirty_vram) */
};

#define XSIM_HVM_NR_PARAMS	40u	/* HVM_NR_PARAMS in Xen 4.17 is 39 */
#define XSIM_NR_ISA_IRQS	16u

struct xsim_domain {
	uint8_t exists;
	uint8_t pad0;
	uint16_t domid;
	uint32_t flags;		/* enum xsim_dom_flags */
	uint32_t max_vcpus;
	uint32_t ssidref;
	uint16_t target;	/* device-model target (XSM), or DOMID_INVALID */
	uint16_t xs_target;	/* xenstore "target" key for XSA-482, or DOMID_INVALID */
	uint32_t pause_count;
	uint64_t max_pages;
	uint64_t tot_pages;
	uint64_t max_gfn;	/* highest gfn ever populated */
	uint8_t handle[16];	/* xen_domain_handle_t (UUID) */
	uint32_t p2m_root;	/* page index of the radix root, or 0 */

	/* Event channels: buckets allocated on demand. */
	uint32_t max_evtchn_port;
	uint32_t evtchn_bucket[XSIM_PORT_BUCKETS];

	/* Grant table v1: frames hold grant_entry_v1, active page holds pins. */
	uint32_t gnttab_nr_frames;
	uint32_t gnttab_max_frames;
	uint32_t gnttab_frame[XSIM_GNTTAB_MAX_FRAMES];
	uint32_t gnttab_active[XSIM_GNTTAB_MAX_FRAMES];	/* u16 pin count per entry */

	uint64_t hvm_param[XSIM_HVM_NR_PARAMS];
	uint8_t isa_irq_level[XSIM_NR_ISA_IRQS];
	uint8_t pci_link_route[4];
	uint32_t nr_ioreq_servers;
	struct xsim_ioreq_server ioreq[XSIM_MAX_IOREQ_SERVERS];

	/*
	 * XEN_DOMCTL_createdomain inputs the machine API does not carry
	 * (sim/machine/hc_domctl.c); 0 for domains made through that API.
	 * vcpu_limit is Xen's d->max_vcpus, which XEN_DOMCTL_max_vcpus must
	 * repeat; max_vcpus above counts the vcpus that exist.
	 */
	uint32_t cdf;			/* XEN_DOMCTL_CDF_* */
	uint32_t vcpu_limit;
	uint32_t emulation_flags;	/* XEN_X86_EMU_* */
	uint32_t paging_pool_pages;	/* XEN_DOMCTL_set_paging_mempool_size */
	/*
	 * The last 4-byte write to port 0xcf8 (Xen: d->arch.hvm.pci_cf8,
	 * xen/arch/x86/hvm/ioreq.c hvm_access_cf8): the ioreq injector
	 * (sim/machine/ioreq_inject.c) decodes 0xcfc accesses with it.
	 */
	uint32_t pci_cf8;
	/*
	 * Dom0 only: the xenstore ring page and its unbound port that Linux
	 * allocates for a local xenstored (sim/machine/store_ring.c); 0 until
	 * first asked for.
	 */
	uint32_t store_page;
	uint32_t store_port;
	/*
	 * What dom0 published for this domain in its xenstore directory
	 * (world file "publish", docs/world-files.md), as the xen-domu
	 * fixture's dom0 does (vm-images/domu/dom0.sh): the event channel
	 * port and the grant ref dom0 offers it; XSIM_XS_NO_OFFER when none.
	 */
	uint32_t xs_offer_port;
	uint32_t xs_offer_gref;
};

/* Open device handles (Linux: struct file + its private_data). */
#define XSIM_HANDLE_BYTES	256u

struct xsim_handle_slot {
	uint8_t bytes[XSIM_HANDLE_BYTES];
};

struct xsim_effect_ring {
	_Atomic uint64_t next_seq;	/* sequence of the next record */
	uint32_t mask;
	uint32_t pad;
	struct xsim_effect rec[];
};

struct xsim_shared {
	uint64_t magic;
	uint32_t version;
	uint32_t header_bytes;
	uint64_t size;			/* bytes in the file */
	uint64_t world_id;
	char profile[32];

	pthread_mutex_t lock;

	uint32_t nr_pages;
	uint32_t free_pages;
	uint32_t free_head;
	uint32_t max_handles;
	uint32_t nr_domains;		/* existing domains */
	uint32_t next_domid;		/* hint for automatic domid allocation */

	uint64_t page_meta_off;		/* struct xsim_page[nr_pages] */
	uint64_t domains_off;		/* struct xsim_domain[DOMID_FIRST_RESERVED] */
	uint64_t handles_off;		/* struct xsim_handle_slot[max_handles] */
	uint64_t effect_off;		/* struct xsim_effect_ring */
	uint64_t pages_off;		/* page i at pages_off + i * 4096 */

	uint32_t handle_free_head;	/* free list of handle slots, 1-based */
	uint32_t handles_used;		/* slots ever used (high-water mark) */
	uint32_t handles_open;

	/*
	 * Version 2: who made the world and under what name (xrc sim
	 * status, staleness), a signature of the shared structures' sizes
	 * (a world made by another build is refused), and how often the
	 * lock was repaired after its owner died.
	 */
	uint64_t layout_sig;
	uint64_t creator_start;		/* /proc/PID/stat starttime, clock ticks */
	int64_t created_at;		/* CLOCK_REALTIME seconds */
	uint32_t creator_pid;
	uint32_t lock_recoveries;	/* EOWNERDEAD repairs */
	char name[XSIM_WORLD_NAME_MAX + 1];	/* "": a private world */
	/* Fault injection (fail.c): hits per failure point, per world. */
	struct xsim_fail_counters fail;
};

/*
 * The per-process view of a world.  The geometry (where each table is and
 * how big) is read from the header once, checked against the file at
 * attach (world_check.c), and then only these private copies are used to
 * compute an address: a header scribbled on later cannot redirect an
 * access, and xsim_lock notices the change (sim/WORLDS.md, "A corrupted
 * world").
 */
struct xsim_world {
	struct xsim_shared *sh;
	uint8_t *base;
	uint64_t size;
	int fd;
	const struct xsim_profile *profile;
	struct xsim_hooks hooks;
	xsim_wake_fn wake;
	void *wake_arg;

	uint32_t nr_pages;
	uint32_t max_handles;
	uint32_t effect_mask;
	_Atomic bool dead;		/* found corrupted: every call answers EIO */
	/*
	 * xsim_world_set_single_owner: this process (owner_pid) is the only
	 * user of this private world, so xsim_lock takes no mutex.
	 */
	bool single_owner;
	uint32_t owner_pid;
	struct xsim_page *page_meta;
	struct xsim_domain *domains;
	struct xsim_handle_slot *handles;
	struct xsim_effect_ring *effect;
	uint8_t *pages;
};

/*
 * Corruption found (world_guard.c): reports "world corrupted: WHAT" once
 * per process, releases the machine lock if held, quarantines the view and
 * unwinds to the transport's recovery point (struct xsim_world_guard).
 * Returns only when there is none; the caller then carries on with
 * meaningless but harmless data (xsim_world_quarantine).
 */
void xsim_world_corrupt(struct xsim_world *w, const char *fmt, ...)
	__attribute__((cold, format(printf, 2, 3)));
void *xsim_world_quarantine(void);
/* The fault handler covers w's view; set up at map, cleared at unmap. */
void xsim_world_watch(struct xsim_world *w);
void xsim_world_unwatch(struct xsim_world *w);
/* xsim_lock/xsim_unlock tell the guard which world's lock is held. */
void xsim_lock_note(struct xsim_world *w);
/* Did this thread hold w's lock?  Forgets it. */
bool xsim_lock_release_note(struct xsim_world *w);
/* Check a freshly mapped header and fill in the view's geometry. */
int xsim_world_adopt_geometry(struct xsim_world *w, char *why, size_t len);
/* Is the header still the one the view was set up from?  Lock held. */
void xsim_world_check_header(struct xsim_world *w);
/* A live domain slot is sane (counts, domid); reports it if not. */
bool xsim_dom_check(struct xsim_world *w, const struct xsim_domain *d,
		    uint32_t domid);
/* Write "xensim: world corrupted: WHAT" to stderr, once per process. */
void xsim_world_report_corrupt(const char *what);

/*
 * Accessors: every index comes from the shared file, so each is checked
 * against the view's private geometry before the address is formed.
 */
static inline struct xsim_page *xsim_page_meta(const struct xsim_world *w,
					       uint32_t page)
{
	if (__builtin_expect(page >= w->nr_pages, 0)) {
		xsim_world_corrupt((struct xsim_world *)w,
				   "page metadata: page index %u out of range (%u pages)",
				   page, w->nr_pages);
		return xsim_world_quarantine();
	}
	return w->page_meta + page;
}

static inline void *xsim_page_va(const struct xsim_world *w, uint32_t page)
{
	if (__builtin_expect(page >= w->nr_pages, 0)) {
		xsim_world_corrupt((struct xsim_world *)w,
				   "page index %u out of range (%u pages)",
				   page, w->nr_pages);
		return xsim_world_quarantine();
	}
	return w->pages + (uint64_t)page * XSIM_PAGE_SIZE;
}

static inline struct xsim_domain *xsim_dom_slot(const struct xsim_world *w,
						uint32_t domid)
{
	if (__builtin_expect(domid >= XSIM_DOMID_FIRST_RESERVED, 0)) {
		xsim_world_corrupt((struct xsim_world *)w,
				   "domain table: domid %u out of range", domid);
		return xsim_world_quarantine();
	}
	return w->domains + domid;
}

static inline struct xsim_effect_ring *xsim_effect_ring(const struct xsim_world *w)
{
	return w->effect;
}

static inline void *xsim_handle_bytes(const struct xsim_world *w, uint32_t slot)
{
	if (__builtin_expect(slot >= w->max_handles, 0)) {
		xsim_world_corrupt((struct xsim_world *)w,
				   "handle table: slot %u out of range (%u slots)",
				   slot, w->max_handles);
		return xsim_world_quarantine();
	}
	return w->handles[slot].bytes;
}

/* World set-up shared by world.c and world_named.c. */
uint64_t xsim_layout_sig(void);
/* Build a world in the empty file fd, which it owns from then on. */
int xsim_world_create_in(int fd, const struct xsim_world_config *cfg,
			 struct xsim_world **out);
/* Record the calling process as the creator (pid, start time, clock). */
void xsim_world_record_creator(struct xsim_shared *sh);

/* getpid(), cached (a system call in glibc 2.36); refreshed after fork. */
uint32_t xsim_current_pid(void);

/* Page allocator (sim/machine/page.c); lock held. */
uint32_t xsim_page_alloc(struct xsim_world *w, uint16_t owner, uint8_t type);
void xsim_page_free(struct xsim_world *w, uint32_t page);

/* Domain bookkeeping shared by the machine files; lock held. */
int xsim_domain_bootstrap_dom0(struct xsim_world *w);
/* The live domain, or NULL (no DOMID_SELF resolution). */
struct xsim_domain *xsim_dom_get(const struct xsim_world *w, uint32_t domid);
/* p2m (sim/machine/memory.c): page backing gfn, or XSIM_NO_PAGE. */
uint32_t xsim_p2m_get(const struct xsim_world *w, const struct xsim_domain *d,
		      uint64_t gfn);
/*
 * The page a frame of d names: a gfn in an HVM domain's p2m, a machine
 * frame a PV domain owns (machine.h, XSIM_MFN_BASE); or XSIM_NO_PAGE.
 */
uint32_t xsim_frame_page(const struct xsim_world *w,
			 const struct xsim_domain *d, uint64_t frame);
struct xsim_caller;
/* xsim_mem_access by frame (xsim_frame_page) rather than by gfn. */
int xsim_mem_frame_access(const struct xsim_caller *c, uint32_t domid,
			  uint64_t frame, uint32_t offset, void *buf,
			  uint32_t len, bool write);
/* Free every page a domain owns (teardown). */
void xsim_mem_teardown(struct xsim_world *w, struct xsim_domain *d);
void xsim_evtchn_teardown(struct xsim_world *w, struct xsim_domain *d);
void xsim_gnttab_teardown(struct xsim_world *w, struct xsim_domain *d);
void xsim_ioreq_teardown(struct xsim_world *w, struct xsim_domain *d);

#endif /* XENSIM_LAYOUT_H */
