/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_dm_op: device-model operations on an HVM domain (Xen 4.17
 * xen/common/dm.c do_dm_op, xen/arch/x86/hvm/dm.c dm_op) and the ioreq
 * servers behind them (xen/common/ioreq.c, xen/arch/x86/hvm/ioreq.c).
 *
 * Arguments are validated as Xen validates them, in Xen's order; what the
 * sim has state for (ISA IRQ levels, PCI link routes, ioreq servers and
 * their ranges, memory types are not kept) is applied; every success is
 * recorded as an XSIM_OP_DM_OP effect on the target with subop XEN_DMOP_*.
 *
 * ioreq servers: the pages are allocated at creation (Xen allocates them
 * on first use) and are given out once, one way (pages_as): as guest
 * frames by get_ioreq_server_info without XEN_DMOP_no_gfns, which answers
 * the legacy gfns HVM_PARAM_IOREQ_PFN and BUFIOREQ_PFN as Xen does for a
 * domain whose toolstack set no ioreq gfn pool (hvm_alloc_legacy_ioreq_gfn;
 * the sim neither puts the pages in the p2m there nor keeps Xen's pool of
 * those gfns, so a second server is told the same ones), or as a resource
 * through XENMEM_acquire_resource; the other way then answers -EPERM.
 * `xrc fidelity --fuzz` found the sim answering EPERM to the first where
 * Xen 4.17 answers 0 (fuzz/regress-real/privcmd/dm-op-ioreq, ioreq-*).
 * One unbound event channel per vcpu (plus one for buffered ioreqs) is
 * allocated in the target, offered to the emulator, and published in the
 * shared page's vp_eport when the server is enabled.
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/ioreq.h>
#include <xen/hvm/params.h>

#include "hypercall.h"

/* struct dmop_args in xen/include/xen/dm.h has room for two buffers. */
#define DMOP_MAX_BUFS		2u
/* Guest physical address width the sim reports (Xen: paddr_bits). */
#define SIM_PADDR_BITS		52u
/* XEN_DMOP_track_dirty_vram: at most 1 GiB of frames. */
#define DIRTY_VRAM_MAX_FRAMES	((1u << 30) >> XSIM_PAGE_SHIFT)

_Static_assert(sizeof(ioreq_t) * 128 <= XSIM_PAGE_SIZE,
	       "one shared ioreq page serves 128 vcpus");

struct dm_args {
	const struct xsim_caller *c;
	const struct xsim_uaccess *ua;
	struct xsim_domain *d;
	const struct xsim_ubuf *buf;
	uint32_t nr_bufs;
};

/* xen/arch/x86/hvm/dm.c op_size[]; zero: not an x86 op (-EOPNOTSUPP). */
#define SZ(op, type)	[XEN_DMOP_##op] = sizeof(struct xen_dm_op_##type)
static const uint8_t op_size[] = {
	SZ(create_ioreq_server, create_ioreq_server),
	SZ(get_ioreq_server_info, get_ioreq_server_info),
	SZ(map_io_range_to_ioreq_server, ioreq_server_range),
	SZ(unmap_io_range_from_ioreq_server, ioreq_server_range),
	SZ(set_ioreq_server_state, set_ioreq_server_state),
	SZ(destroy_ioreq_server, destroy_ioreq_server),
	SZ(track_dirty_vram, track_dirty_vram),
	SZ(set_pci_intx_level, set_pci_intx_level),
	SZ(set_isa_irq_level, set_isa_irq_level),
	SZ(set_pci_link_route, set_pci_link_route),
	SZ(modified_memory, modified_memory),
	SZ(set_mem_type, set_mem_type),
	SZ(inject_event, inject_event),
	SZ(inject_msi, inject_msi),
	SZ(map_mem_type_to_ioreq_server, map_mem_type_to_ioreq_server),
	SZ(remote_shutdown, remote_shutdown),
	SZ(relocate_memory, relocate_memory),
	SZ(pin_memory_cacheattr, pin_memory_cacheattr),
	SZ(nr_vcpus, nr_vcpus),
};
#undef SZ

#define NR_DMOPS	(sizeof(op_size) / sizeof(op_size[0]))

/* ---- ioreq servers ---- */

static bool handles_bufioreq(const struct xsim_ioreq_server *s)
{
	return s->bufioreq_handling != HVM_IOREQSRV_BUFIOREQ_OFF;
}

/*
 * The domain acting for itself: Xen allocates and frees ioreq ports on
 * d's behalf (alloc_unbound_xen_event_channel).  They are recorded under
 * no handle: the dm_op's own effect on d stands for them, and the port
 * merely naming the emulator as its remote is no effect on the emulator.
 */
static struct xsim_caller as_domain(const struct xsim_caller *c,
				    const struct xsim_domain *d)
{
	struct xsim_caller dc = { .w = c->w, .domid = d->domid,
				  .handle = XSIM_EFF_NO_HANDLE };
	return dc;
}

static uint32_t *vcpu_ports(struct xsim_world *w,
			    const struct xsim_ioreq_server *s)
{
	return s->port_page ? xsim_page_va(w, s->port_page) : NULL;
}

/* Free what a server holds; its ports are closed unless the domain dies. */
static void server_free(struct xsim_world *w, const struct xsim_caller *dc,
			struct xsim_domain *d, struct xsim_ioreq_server *s)
{
	uint32_t *ports = vcpu_ports(w, s);
	uint32_t v;

	if (dc) {
		for (v = 0; ports && v < d->max_vcpus; v++)
			if (ports[v])
				xsim_evtchn_close(dc, XSIM_DOMID_SELF, ports[v]);
		if (s->bufioreq_port)
			xsim_evtchn_close(dc, XSIM_DOMID_SELF, s->bufioreq_port);
	}
	xsim_page_free(w, s->ioreq_page);
	xsim_page_free(w, s->bufioreq_page);
	xsim_page_free(w, s->port_page);
	memset(s, 0, sizeof(*s));
	d->nr_ioreq_servers--;
}

/* get_ioreq_server() plus the "only its emulator" check. */
static int server_lookup(const struct dm_args *a, uint32_t id,
			 struct xsim_ioreq_server **out)
{
	struct xsim_ioreq_server *s;

	if (id >= XSIM_MAX_IOREQ_SERVERS || !a->d->ioreq[id].used)
		return -ENOENT;
	s = &a->d->ioreq[id];
	if (s->emulator != a->c->domid)
		return -EPERM;
	*out = s;
	return 0;
}

/* ioreq_server_init(): one port per vcpu, one more for buffered ioreqs. */
static int server_ports(const struct dm_args *a, struct xsim_ioreq_server *s)
{
	struct xsim_caller dc = as_domain(a->c, a->d);
	uint32_t *ports = vcpu_ports(a->c->w, s);
	uint32_t v;
	int rc;

	for (v = 0; v < a->d->max_vcpus; v++) {
		rc = xsim_evtchn_alloc_unbound(&dc, XSIM_DOMID_SELF, s->emulator,
					       &ports[v]);
		if (rc)
			return rc;
		if (v == 0 && handles_bufioreq(s)) {
			rc = xsim_evtchn_alloc_unbound(&dc, XSIM_DOMID_SELF,
						       s->emulator,
						       &s->bufioreq_port);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int create_server(const struct dm_args *a,
			 struct xen_dm_op_create_ioreq_server *data)
{
	struct xsim_world *w = a->c->w;
	struct xsim_domain *d = a->d;
	struct xsim_caller dc = as_domain(a->c, d);
	struct xsim_ioreq_server *s = NULL;
	uint32_t i;
	int rc;

	if (data->pad[0] || data->pad[1] || data->pad[2])
		return -EINVAL;
	if (data->handle_bufioreq > HVM_IOREQSRV_BUFIOREQ_ATOMIC)
		return -EINVAL;
	for (i = 0; i < XSIM_MAX_IOREQ_SERVERS; i++) {
		if (!d->ioreq[i].used) {
			s = &d->ioreq[i];
			break;
		}
	}
	if (!s)
		return -ENOSPC;
	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->bufioreq_handling = data->handle_bufioreq;
	s->emulator = a->c->domid;
	d->nr_ioreq_servers++;
	/* shared_iopage_t and buffered_iopage_t start all zero. */
	s->ioreq_page = xsim_page_alloc(w, d->domid, XSIM_PAGE_IOREQ);
	if (handles_bufioreq(s))
		s->bufioreq_page = xsim_page_alloc(w, d->domid, XSIM_PAGE_IOREQ);
	if (d->max_vcpus)
		s->port_page = xsim_page_alloc(w, XSIM_DOMID_XEN, XSIM_PAGE_META);
	if (!s->ioreq_page || (handles_bufioreq(s) && !s->bufioreq_page) ||
	    (d->max_vcpus && !s->port_page)) {
		server_free(w, NULL, d, s);
		return -ENOMEM;
	}
	rc = server_ports(a, s);
	if (rc) {
		server_free(w, &dc, d, s);
		return rc;
	}
	data->id = (ioservid_t)i;
	return 0;
}

static int destroy_server(const struct dm_args *a,
			  const struct xen_dm_op_destroy_ioreq_server *data)
{
	struct xsim_caller dc = as_domain(a->c, a->d);
	struct xsim_ioreq_server *s;
	int rc;

	if (data->pad)
		return -EINVAL;
	rc = server_lookup(a, data->id, &s);
	if (rc)
		return rc;
	server_free(a->c->w, &dc, a->d, s);
	return 0;
}

static int server_info(const struct dm_args *a,
		       struct xen_dm_op_get_ioreq_server_info *data)
{
	struct xsim_ioreq_server *s;
	int rc;

	if (data->flags & ~XEN_DMOP_no_gfns)
		return -EINVAL;
	rc = server_lookup(a, data->id, &s);
	if (rc)
		return rc;
	/*
	 * Xen 4.17 xen/common/ioreq.c ioreq_server_get_info ->
	 * arch_ioreq_server_map_pages -> hvm_map_ioreq_gfn(): refused when
	 * the pages already serve as a resource, else the legacy gfns.
	 */
	if (!(data->flags & XEN_DMOP_no_gfns)) {
		if (s->pages_as == XSIM_IOREQ_PAGES_RESOURCE)
			return -EPERM;
		s->pages_as = XSIM_IOREQ_PAGES_GFNS;
		data->ioreq_gfn = a->d->hvm_param[HVM_PARAM_IOREQ_PFN];
		if (handles_bufioreq(s))
			data->bufioreq_gfn =
				a->d->hvm_param[HVM_PARAM_BUFIOREQ_PFN];
	}
	if (handles_bufioreq(s))
		data->bufioreq_port = s->bufioreq_port;
	return 0;
}

static int set_server_state(const struct dm_args *a,
			    const struct xen_dm_op_set_ioreq_server_state *data)
{
	struct xsim_ioreq_server *s;
	const uint32_t *ports;
	ioreq_t *shared;
	uint32_t v;
	int rc;

	if (data->pad)
		return -EINVAL;
	rc = server_lookup(a, data->id, &s);
	if (rc)
		return rc;
	if (!data->enabled || s->enabled) {
		s->enabled = !!data->enabled;
		return 0;
	}
	/* ioreq_server_enable(): tell each vcpu's slot its event channel. */
	s->enabled = 1;
	shared = xsim_page_va(a->c->w, s->ioreq_page);
	ports = vcpu_ports(a->c->w, s);
	for (v = 0; ports && v < a->d->max_vcpus; v++)
		shared[v].vp_eport = ports[v];
	return 0;
}

/* Index of a range of this type covering [start, end], or -1. */
static int range_find(const struct xsim_ioreq_server *s, uint32_t type,
		      uint64_t start, uint64_t end, bool overlap)
{
	uint32_t i;

	for (i = 0; i < XSIM_MAX_IO_RANGES; i++) {
		const struct xsim_io_range *r = &s->range[i];

		if (!r->used || r->type != type)
			continue;
		if (overlap ? (r->start <= end && start <= r->end) :
			      (r->start <= start && end <= r->end))
			return (int)i;
	}
	return -1;
}

static int range_slot(struct xsim_ioreq_server *s, uint32_t type,
		      uint64_t start, uint64_t end)
{
	uint32_t i;

	for (i = 0; i < XSIM_MAX_IO_RANGES; i++) {
		struct xsim_io_range *r = &s->range[i];

		if (r->used)
			continue;
		r->used = 1;
		r->type = (uint8_t)type;
		r->start = start;
		r->end = end;
		s->nr_ranges++;
		return 0;
	}
	/* rangeset alloc_range() past the limit. */
	return -ENOMEM;
}

static void range_drop(struct xsim_ioreq_server *s, uint32_t i)
{
	memset(&s->range[i], 0, sizeof(s->range[i]));
	s->nr_ranges--;
}

/* rangeset_add_range(): adjacent ranges of a type merge into one. */
static int range_add(struct xsim_ioreq_server *s, uint32_t type,
		     uint64_t start, uint64_t end)
{
	uint32_t i;

	for (i = 0; i < XSIM_MAX_IO_RANGES; i++) {
		struct xsim_io_range *r = &s->range[i];

		if (!r->used || r->type != type)
			continue;
		if (start && r->end == start - 1) {
			start = r->start;
			range_drop(s, i);
		} else if (end != UINT64_MAX && r->start == end + 1) {
			end = r->end;
			range_drop(s, i);
		}
	}
	return range_slot(s, type, start, end);
}

/* rangeset_remove_range() of a covered range: may split one in two. */
static int range_remove(struct xsim_ioreq_server *s, int i, uint64_t start,
			uint64_t end)
{
	struct xsim_io_range old = s->range[i];
	int rc = 0;

	if (old.start < start && end < old.end &&
	    s->nr_ranges >= XSIM_MAX_IO_RANGES)
		return -ENOMEM;	/* no room for the second half */
	range_drop(s, (uint32_t)i);
	if (old.start < start)
		rc = range_slot(s, old.type, old.start, start - 1);
	if (!rc && end < old.end)
		rc = range_slot(s, old.type, end + 1, old.end);
	return rc;
}

static int io_range(const struct dm_args *a,
		    const struct xen_dm_op_ioreq_server_range *data, bool map)
{
	struct xsim_ioreq_server *s;
	int rc, i;

	if (data->pad)
		return -EINVAL;
	if (data->start > data->end)
		return -EINVAL;
	rc = server_lookup(a, data->id, &s);
	if (rc)
		return rc;
	if (data->type != XEN_DMOP_IO_RANGE_PORT &&
	    data->type != XEN_DMOP_IO_RANGE_MEMORY &&
	    data->type != XEN_DMOP_IO_RANGE_PCI)
		return -EINVAL;
	if (map) {
		if (range_find(s, data->type, data->start, data->end, true) >= 0)
			return -EEXIST;
		return range_add(s, data->type, data->start, data->end);
	}
	i = range_find(s, data->type, data->start, data->end, false);
	if (i < 0)
		return -ENOENT;
	return range_remove(s, i, data->start, data->end);
}

static bool any_mem_type_server(const struct xsim_domain *d)
{
	uint32_t i;

	for (i = 0; i < XSIM_MAX_IOREQ_SERVERS; i++)
		if (d->ioreq[i].used && d->ioreq[i].mem_access)
			return true;
	return false;
}

/* ioreq_server_map_mem_type() + p2m_set_ioreq_server(); HAP assumed. */
static int map_mem_type(const struct dm_args *a,
			struct xen_dm_op_map_mem_type_to_ioreq_server *data)
{
	struct xsim_ioreq_server *s;
	int rc;

	/* A non-zero opaque is a continuation: nothing left to do. */
	if (data->opaque)
		return 0;
	if (data->type != HVMMEM_ioreq_server)
		return -EINVAL;
	if (data->flags & ~XEN_DMOP_IOREQ_MEM_ACCESS_WRITE)
		return -EINVAL;
	rc = server_lookup(a, data->id, &s);
	if (rc)
		return rc;
	if (!data->flags) {
		if (!s->mem_access)
			return -EINVAL;
		s->mem_access = 0;
		return 0;
	}
	if (any_mem_type_server(a->d))
		return -EBUSY;
	s->mem_access = (uint8_t)data->flags;
	return 0;
}

uint32_t xsim_ioreq_max_frames(const struct xsim_domain *d)
{
	/* One frame for the buf-ioreq ring, one per 128 vcpus. */
	if (!(d->flags & XSIM_DOM_HVM))
		return 0;
	return 1 + (d->max_vcpus * (uint32_t)sizeof(ioreq_t) +
		    XSIM_PAGE_SIZE - 1) / XSIM_PAGE_SIZE;
}

int xsim_ioreq_get_frame(const struct xsim_caller *c, struct xsim_domain *d,
			 uint32_t id, uint32_t idx, uint32_t *page)
{
	const struct dm_args a = { .c = c, .d = d };
	struct xsim_ioreq_server *s;
	int rc;

	if (!(d->flags & XSIM_DOM_HVM))
		return -EINVAL;
	rc = server_lookup(&a, id, &s);
	if (rc)
		return rc;
	/* hvm_ioreq_server_alloc_pages(): pages given out as gfns stay so. */
	if (s->pages_as == XSIM_IOREQ_PAGES_GFNS)
		return -EPERM;
	s->pages_as = XSIM_IOREQ_PAGES_RESOURCE;
	switch (idx) {
	case XENMEM_resource_ioreq_server_frame_bufioreq:
		if (!handles_bufioreq(s))
			return -ENOENT;
		*page = s->bufioreq_page;
		return 0;
	case XENMEM_resource_ioreq_server_frame_ioreq(0):
		*page = s->ioreq_page;
		return 0;
	default:
		return -EINVAL;
	}
}

void xsim_ioreq_teardown(struct xsim_world *w, struct xsim_domain *d)
{
	uint32_t i;

	/* The domain's event channels go with it: no port to close here. */
	for (i = 0; i < XSIM_MAX_IOREQ_SERVERS; i++)
		if (d->ioreq[i].used)
			server_free(w, NULL, d, &d->ioreq[i]);
	d->nr_ioreq_servers = 0;
}

/* ---- the other device-model operations ---- */

static int track_dirty_vram(const struct dm_args *a,
			    const struct xen_dm_op_track_dirty_vram *data)
{
	uint8_t bitmap[256];
	uint64_t size, off;

	if (data->pad || a->nr_bufs < 2)
		return -EINVAL;
	if (data->nr > DIRTY_VRAM_MAX_FRAMES)
		return -EINVAL;
	if (a->d->flags & XSIM_DOM_DYING)
		return -ESRCH;
	if (!a->d->max_vcpus)
		return -EINVAL;
	size = (data->nr + 7u) / 8u;
	if (size > a->buf[1].size)
		return -EINVAL;
	if (!data->nr)
		return 0;
	/*
	 * hap_track_dirty_vram(): tracking starts log-dirty mode, and a new
	 * range reports every frame dirty.  The sim does not see guest
	 * writes, so every call is a "new range".
	 */
	a->d->flags |= XSIM_DOM_LOG_DIRTY;
	memset(bitmap, 0xff, sizeof(bitmap));
	for (off = 0; off < size; off += sizeof(bitmap)) {
		uint64_t n = size - off < sizeof(bitmap) ? size - off :
							   sizeof(bitmap);

		if (xsim_copy_out(a->ua, a->buf[1].uaddr + off, bitmap, n))
			return -EFAULT;
	}
	return 0;
}

static int modified_memory(const struct dm_args *a,
			   const struct xen_dm_op_modified_memory *header)
{
	struct xen_dm_op_modified_memory_extent ext;
	uint32_t rem = header->nr_extents;
	/* opaque: pages of the first extent done by a previous continuation. */
	uint32_t done = header->opaque;

	if (a->nr_bufs != 2)
		return -EINVAL;
	/* Nothing to mark unless log-dirty mode is on. */
	if (!(a->d->flags & XSIM_DOM_LOG_DIRTY))
		return 0;
	if (a->buf[1].size / sizeof(ext) < rem)
		return -EINVAL;
	/* Xen walks the extents from the last one. */
	while (rem > 0) {
		uint64_t end;

		if (xsim_copy_in(a->ua, &ext, a->buf[1].uaddr +
				 (uint64_t)(rem - 1) * sizeof(ext), sizeof(ext)))
			return -EFAULT;
		if (ext.pad)
			return -EINVAL;
		end = ext.first_pfn + ext.nr;
		/* Xen compares with domain_get_maximum_gpfn(). */
		if (end <= ext.first_pfn || end > a->d->max_gfn)
			return -EINVAL;
		if (done >= ext.nr)
			return -EINVAL;
		done = 0;
		rem--;
	}
	return 0;
}

/* set_mem_type(): the sim keeps no p2m types, only checks the change. */
static int set_mem_type(const struct dm_args *a,
			const struct xen_dm_op_set_mem_type *data)
{
	uint64_t last = data->first_pfn + data->nr - 1, pfn;

	if (data->pad)
		return -EINVAL;
	if (data->first_pfn > last || last > a->d->max_gfn)
		return -EINVAL;
	if (data->mem_type > HVMMEM_ioreq_server ||
	    data->mem_type == HVMMEM_unused)
		return -EINVAL;
	if (data->mem_type == HVMMEM_ioreq_server && !any_mem_type_server(a->d))
		return -EINVAL;
	/* allow_p2m_type_change(): a hole may only become mmio_dm. */
	if (data->mem_type == HVMMEM_mmio_dm)
		return 0;
	for (pfn = data->first_pfn; pfn <= last; pfn++)
		if (xsim_p2m_get(a->c->w, a->d, pfn) == XSIM_NO_PAGE)
			return -EINVAL;
	return 0;
}

static int inject_msi(const struct xen_dm_op_inject_msi *data)
{
	uint32_t dest = ((uint32_t)data->addr >> 12) & 0xff;
	int64_t pirq = (int64_t)(((data->addr >> 32) & 0xffffff00u) | dest);

	if (data->pad)
		return -EINVAL;
	/* hvm_inject_msi(): vector 0 names a pirq, which must be positive. */
	if (!(data->data & 0xff) && pirq <= 0)
		return -ERANGE;
	return 0;
}

static int pin_cacheattr(const struct xen_dm_op_pin_memory_cacheattr *data)
{
	if (data->pad)
		return -EINVAL;
	if (data->end < data->start ||
	    (data->start | data->end) >> SIM_PADDR_BITS)
		return -EINVAL;
	switch (data->type) {
	case XEN_DMOP_DELETE_MEM_CACHEATTR:
		/* The sim keeps no pinned ranges: there is none to delete. */
		return -ENOENT;
	case XEN_DMOP_MEM_CACHEATTR_UC:
	case XEN_DMOP_MEM_CACHEATTR_WC:
	case XEN_DMOP_MEM_CACHEATTR_WT:
	case XEN_DMOP_MEM_CACHEATTR_WP:
	case XEN_DMOP_MEM_CACHEATTR_WB:
	case XEN_DMOP_MEM_CACHEATTR_UCM:
		return 0;
	default:
		return -EINVAL;
	}
}

/* relocate_memory: xenmem_add_to_physmap() of a XENMAPSPACE_gmfn_range. */
static int relocate(const struct dm_args *a,
		    const struct xen_dm_op_relocate_memory *data)
{
	uint64_t i;
	int rc;

	if (data->pad)
		return -EINVAL;
	if (data->dst_gfn == ~0ull)
		return -EINVAL;
	if (data->dst_gfn + data->size < data->dst_gfn ||
	    data->src_gfn + data->size < data->src_gfn)
		return -EOVERFLOW;
	for (i = 0; i < data->size; i++) {
		rc = xsim_hc_move_gfn(a->c, a->d, data->src_gfn + i,
				      data->dst_gfn + i);
		if (rc)
			return rc;
	}
	return 0;
}

static int level(uint8_t v)
{
	return v <= 1 ? 0 : -EINVAL;
}

/* The sub-op itself; *const_op false: copy op->u back to buf[0]. */
static int dispatch(const struct dm_args *a, struct xen_dm_op *op,
		    bool *const_op)
{
	struct xsim_domain *d = a->d;

	switch (op->op) {
	case XEN_DMOP_create_ioreq_server:
		*const_op = false;
		return create_server(a, &op->u.create_ioreq_server);
	case XEN_DMOP_get_ioreq_server_info:
		*const_op = false;
		return server_info(a, &op->u.get_ioreq_server_info);
	case XEN_DMOP_map_io_range_to_ioreq_server:
		return io_range(a, &op->u.map_io_range_to_ioreq_server, true);
	case XEN_DMOP_unmap_io_range_from_ioreq_server:
		return io_range(a, &op->u.unmap_io_range_from_ioreq_server,
				false);
	case XEN_DMOP_set_ioreq_server_state:
		return set_server_state(a, &op->u.set_ioreq_server_state);
	case XEN_DMOP_destroy_ioreq_server:
		return destroy_server(a, &op->u.destroy_ioreq_server);
	case XEN_DMOP_map_mem_type_to_ioreq_server:
		*const_op = false;
		return map_mem_type(a, &op->u.map_mem_type_to_ioreq_server);
	case XEN_DMOP_track_dirty_vram:
		return track_dirty_vram(a, &op->u.track_dirty_vram);
	case XEN_DMOP_set_pci_intx_level: {
		const struct xen_dm_op_set_pci_intx_level *p =
			&op->u.set_pci_intx_level;

		if (p->domain || p->bus || p->device > 0x1f || p->intx > 3)
			return -EINVAL;
		return level(p->level);
	}
	case XEN_DMOP_set_isa_irq_level: {
		const struct xen_dm_op_set_isa_irq_level *p =
			&op->u.set_isa_irq_level;

		if (p->isa_irq >= XSIM_NR_ISA_IRQS || level(p->level))
			return -EINVAL;
		d->isa_irq_level[p->isa_irq] = p->level;
		return 0;
	}
	case XEN_DMOP_set_pci_link_route: {
		const struct xen_dm_op_set_pci_link_route *p =
			&op->u.set_pci_link_route;

		if (p->link > 3 || p->isa_irq > 15)
			return -EINVAL;
		d->pci_link_route[p->link] = p->isa_irq;
		return 0;
	}
	case XEN_DMOP_modified_memory:
		return modified_memory(a, &op->u.modified_memory);
	case XEN_DMOP_set_mem_type:
		*const_op = false;
		return set_mem_type(a, &op->u.set_mem_type);
	case XEN_DMOP_inject_event: {
		const struct xen_dm_op_inject_event *p = &op->u.inject_event;

		if (p->pad0 || p->pad1)
			return -EINVAL;
		return p->vcpuid >= d->max_vcpus ? -EINVAL : 0;
	}
	case XEN_DMOP_inject_msi:
		return inject_msi(&op->u.inject_msi);
	case XEN_DMOP_remote_shutdown:
		/* domain_shutdown(): the sim has no shutdown state to set. */
		return 0;
	case XEN_DMOP_relocate_memory:
		return relocate(a, &op->u.relocate_memory);
	case XEN_DMOP_pin_memory_cacheattr:
		return pin_cacheattr(&op->u.pin_memory_cacheattr);
	case XEN_DMOP_nr_vcpus:
		*const_op = false;
		op->u.nr_vcpus.vcpus = d->max_vcpus;
		return 0;
	default:
		/* Op 0, and set_irq_level (Arm only): ioreq_server_dm_op(). */
		return -EOPNOTSUPP;
	}
}

static enum xsim_effect_kind effect_kind(uint32_t op)
{
	switch (op) {
	case XEN_DMOP_get_ioreq_server_info:
	case XEN_DMOP_nr_vcpus:
	case XEN_DMOP_track_dirty_vram:
		return XSIM_EFF_READ;
	case XEN_DMOP_set_pci_intx_level:
	case XEN_DMOP_set_isa_irq_level:
	case XEN_DMOP_inject_event:
	case XEN_DMOP_inject_msi:
		return XSIM_EFF_EVENT;
	default:
		return XSIM_EFF_WRITE;
	}
}

long xsim_dm_op(const struct xsim_caller *c, const struct xsim_uaccess *ua,
		uint32_t domid, const struct xsim_ubuf *bufs, uint32_t nr)
{
	const size_t offset = offsetof(struct xen_dm_op, u);
	struct dm_args a = { .c = c, .ua = ua, .buf = bufs, .nr_bufs = nr };
	struct xen_dm_op op;
	bool const_op = true;
	int rc;

	/* do_dm_op() */
	if (!nr)
		return -ENODATA;
	if (nr > DMOP_MAX_BUFS)
		return -E2BIG;
	/* dm_op(): remote domain, HVM, then XSM_DM_PRIV. */
	rc = xsim_hc_remote_domain(c, domid, &a.d);
	if (rc)
		return rc;
	if (!(a.d->flags & XSIM_DOM_HVM))
		return -EINVAL;
	if (!xsim_hc_dm_priv(c, a.d))
		return -EPERM;
	memset(&op, 0, sizeof(op));
	if (bufs[0].size < offset || xsim_copy_in(ua, &op, bufs[0].uaddr, offset))
		return -EFAULT;
	if (op.op >= NR_DMOPS)
		return -EOPNOTSUPP;
	if (bufs[0].size < offset + op_size[op.op] ||
	    xsim_copy_in(ua, &op.u, bufs[0].uaddr + offset, op_size[op.op]))
		return -EFAULT;
	if (op.pad)
		return -EINVAL;
	rc = dispatch(&a, &op, &const_op);
	if (!rc && !const_op &&
	    xsim_copy_out(ua, bufs[0].uaddr + offset, &op.u, op_size[op.op]))
		rc = -EFAULT;
	if (!rc)
		xsim_effect_add(c->w, c->handle, a.d->domid,
				effect_kind(op.op), XSIM_OP_DM_OP, op.op, 0);
	return rc;
}

long xsim_hc_dm_op(const struct xsim_caller *c,
		   const struct xsim_uaccess *ua, uint64_t domid,
		   uint64_t nr_bufs, uint64_t bufs)
{
	xen_dm_op_buf_t xb[DMOP_MAX_BUFS];
	struct xsim_ubuf ub[DMOP_MAX_BUFS];
	/* Xen's prototype: (domid_t, unsigned int, handle). */
	uint32_t nr = (uint32_t)nr_bufs, i;

	if (!nr)
		return -ENODATA;
	if (nr > DMOP_MAX_BUFS)
		return -E2BIG;
	if (xsim_copy_in(ua, xb, bufs, nr * sizeof(xb[0])))
		return -EFAULT;
	for (i = 0; i < nr; i++) {
		ub[i].uaddr = XSIM_HANDLE_ADDR(xb[i].h);
		ub[i].size = xb[i].size;
	}
	return xsim_dm_op(c, ua, (domid_t)domid, ub, nr);
}
