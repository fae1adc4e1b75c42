/* SPDX-License-Identifier: MIT */
/*
 * privcmd ioctls with structured arguments (include/uapi/xen/privcmd.h):
 * the nested buffers (gfn and error arrays, dm_op buffer lists and the
 * buffers they point at, mapping entries) are laid out in the arena with
 * sizes and pointers that mostly agree, so that the audits and the
 * machine behind them are reached, and now and then do not.
 */
#include <string.h>

#include <xensim/uapi.h>

#include "fuzz.h"

/* Xen public xen.h hypercall numbers (not includable next to the uapi). */
#define HC_memory_op		12u
#define HC_xen_version		17u
#define HC_grant_table_op	20u
#define HC_event_channel_op	32u
#define HC_hvm_op		34u
#define HC_sysctl		35u
#define HC_domctl		36u
#define HC_dm_op		41u
/* XEN_DMOP_nr_vcpus is the last op of Xen 4.17's dm_op.h. */
#define DMOP_LAST		20u

struct dm_buf {			/* privcmd_dm_op_buf == xen_dm_op_buf_t */
	uint64_t ptr;
	uint64_t size;
};

/* A buffer of n input bytes; returns its address. */
static uint64_t raw_buffer(struct fz_build *b, size_t n)
{
	uint64_t at = fz_alloc(b->a, n);
	uint8_t *p = fz_host(b->a, at, n);
	size_t i;

	for (i = 0; p && i < n; i++)
		p[i] = fz_u8(b->in);
	return at;
}

/*
 * A dm_op buffer list of nr entries: the first holds struct xen_dm_op
 * (op, pad, then the op's payload), the others raw bytes.
 */
static uint64_t dm_buffers(struct fz_build *b, uint32_t nr)
{
	uint32_t i, n = nr > 4 ? 4 : nr;
	uint64_t at = fz_alloc(b->a,
			       (size_t)(nr ? nr : 1) * sizeof(struct dm_buf));
	struct dm_buf *list = fz_host(b->a, at, (size_t)n * sizeof(*list));

	for (i = 0; list && i < n; i++) {
		uint32_t size = i == 0 ? 8 + fz_u8(b->in) % 64 :
					 fz_u8(b->in) % 48;
		uint64_t buf = fz_alloc(b->a, size);
		uint32_t *hdr = fz_host(b->a, buf, 8);
		size_t j;

		if (i == 0 && hdr) {
			uint8_t op = fz_u8(b->in);

			hdr[0] = op < 0xF0 ? op % (DMOP_LAST + 1) : op;
			hdr[1] = fz_u8(b->in) == 0xFF;	/* pad */
			for (j = 8; j < size; j++)
				((uint8_t *)hdr)[j] = fz_u8(b->in);
		} else if (!hdr || i) {
			uint8_t *p = fz_host(b->a, buf, size);

			for (j = 0; p && j < size; j++)
				p[j] = fz_u8(b->in);
		}
		list[i].ptr = fz_ptr(b->in, buf);
		/* Sizes now and then disagree with the buffer. */
		list[i].size = fz_u8(b->in) < 0xF0 ? size : fz_count(b->in, 8192);
	}
	return at;
}

static void hypercall(struct fz_build *b, struct fz_call *c)
{
	static const uint64_t ops[] = {
		HC_xen_version, HC_dm_op, HC_memory_op, HC_event_channel_op,
		HC_grant_table_op, HC_hvm_op, HC_domctl, HC_sysctl,
	};
	uint64_t at = fz_alloc(b->a, sizeof(struct privcmd_hypercall));
	struct privcmd_hypercall *hc = fz_host(b->a, at, sizeof(*hc));
	uint8_t sel = fz_u8(b->in);
	uint32_t dom, nr;

	c->name = "HYPERCALL";
	if (!hc)
		return;
	hc->op = sel < 0xF0 ? ops[sel % (sizeof(ops) / sizeof(ops[0]))] :
			      fz_u64(b->in);
	switch (hc->op) {
	case HC_xen_version:
		hc->arg[0] = fz_u8(b->in) % 12;
		hc->arg[1] = fz_ptr(b->in, fz_alloc(b->a, 1024));
		break;
	case HC_dm_op:
		dom = fz_domid(b->in);
		nr = fz_count(b->in, 4);
		hc->arg[0] = dom;
		hc->arg[1] = nr;
		hc->arg[2] = fz_ptr(b->in, dm_buffers(b, nr));
		c->target = dom;
		fz_name(b, dom);
		break;
	default:
		/* (cmd, pointer to a struct the fuzzer writes), as Xen's ABI. */
		hc->arg[0] = fz_u8(b->in);
		hc->arg[1] = fz_ptr(b->in, raw_buffer(b, fz_u8(b->in) % 128));
		hc->arg[2] = fz_u8(b->in);
		break;
	}
	c->arg = fz_ptr(b->in, at);
}

static void mmap_v1(struct fz_build *b, struct fz_call *c)
{
	uint64_t at = fz_alloc(b->a, sizeof(struct privcmd_mmap));
	struct privcmd_mmap *m = fz_host(b->a, at, sizeof(*m));
	uint32_t pages, num = fz_count(b->in, 3), i;
	uint64_t va = fz_vma_pick(b, &pages);
	uint64_t ents = fz_alloc(b->a, (size_t)(num > 3 ? 3 : num) *
					sizeof(struct privcmd_mmap_entry));
	struct privcmd_mmap_entry *e;

	c->name = "MMAP";
	if (!m)
		return;
	m->num = (int)num;
	m->dom = (domid_t)fz_domid(b->in);
	c->target = m->dom;
	/* Consecutive entries covering the mapping, as libxc lays them. */
	e = fz_host(b->a, ents, (size_t)(num > 3 ? 3 : num) * sizeof(*e));
	for (i = 0; e && i < num && i < 3; i++) {
		e[i].va = va;
		e[i].mfn = fz_u8(b->in) % 6;
		e[i].npages = i + 1 < num ? 1 : (pages > i ? pages - i : 1);
		if (fz_u8(b->in) >= 0xF0)
			e[i].npages = fz_u64(b->in);
		va += e[i].npages << 12;
	}
	m->entry = (struct privcmd_mmap_entry *)(uintptr_t)fz_ptr(b->in, ents);
	c->arg = fz_ptr(b->in, at);
}

/* A gfn array of num entries (at most 64 written). */
static uint64_t gfn_array(struct fz_build *b, uint32_t num)
{
	uint32_t n = num > 64 ? 64 : num, i;
	uint64_t at = fz_alloc(b->a, (size_t)n * sizeof(xen_pfn_t));
	xen_pfn_t *g = fz_host(b->a, at, (size_t)n * sizeof(*g));

	for (i = 0; g && i < n; i++) {
		uint8_t v = fz_u8(b->in);

		g[i] = v < 0xF0 ? v % 6 : fz_u64(b->in);
	}
	return at;
}

static void mmapbatch(struct fz_build *b, struct fz_call *c, int version)
{
	uint32_t pages, num;
	uint64_t addr = fz_vma_pick(b, &pages), at;
	uint32_t dom = fz_domid(b->in);

	num = fz_u8(b->in) < 0xE0 ? pages : fz_count(b->in, 64);
	c->target = (domid_t)dom;
	if (version == 1) {
		struct privcmd_mmapbatch *m;

		at = fz_alloc(b->a, sizeof(*m));
		m = fz_host(b->a, at, sizeof(*m));
		c->name = "MMAPBATCH";
		if (!m)
			return;
		m->num = (int)num;
		m->dom = (domid_t)dom;
		m->addr = addr;
		m->arr = (xen_pfn_t *)(uintptr_t)fz_ptr(b->in, gfn_array(b, num));
	} else {
		struct privcmd_mmapbatch_v2 *m;

		at = fz_alloc(b->a, sizeof(*m));
		m = fz_host(b->a, at, sizeof(*m));
		c->name = "MMAPBATCH_V2";
		if (!m)
			return;
		m->num = num;
		m->dom = (domid_t)dom;
		m->addr = addr;
		m->arr = (const xen_pfn_t *)(uintptr_t)fz_ptr(b->in,
							      gfn_array(b, num));
		m->err = (int *)(uintptr_t)fz_ptr(b->in,
				fz_alloc(b->a, (size_t)(num > 64 ? 64 : num) *
						sizeof(int)));
	}
	c->arg = fz_ptr(b->in, at);
}

static void dm_op(struct fz_build *b, struct fz_call *c)
{
	uint64_t at = fz_alloc(b->a, sizeof(struct privcmd_dm_op));
	struct privcmd_dm_op *k = fz_host(b->a, at, sizeof(*k));
	uint32_t dom = fz_domid(b->in);
	uint32_t num = fz_count(b->in, 4);

	c->name = "DM_OP";
	c->target = (domid_t)dom;
	/* Named: a dm_op failing half-way may change it and log nothing. */
	fz_name(b, dom);
	if (!k)
		return;
	k->dom = (domid_t)dom;
	k->num = (uint16_t)(fz_u8(b->in) == 0xFF ? 17 : num);
	k->ubufs = (const struct privcmd_dm_op_buf *)(uintptr_t)
		   fz_ptr(b->in, dm_buffers(b, k->num));
	c->arg = fz_ptr(b->in, at);
}

static void mmap_resource(struct fz_build *b, struct fz_call *c)
{
	uint64_t at = fz_alloc(b->a, sizeof(struct privcmd_mmap_resource));
	struct privcmd_mmap_resource *k = fz_host(b->a, at, sizeof(*k));
	uint32_t pages;
	uint64_t addr = fz_vma_pick(b, &pages);

	c->name = "MMAP_RESOURCE";
	if (!k)
		return;
	k->dom = (domid_t)fz_domid(b->in);
	c->target = k->dom;
	k->type = fz_u8(b->in) % 4;
	k->id = fz_u8(b->in) % 3;
	k->idx = fz_u8(b->in) % 3;
	if (fz_u8(b->in) < 0x40) {
		k->num = 0;	/* a size query */
		k->addr = 0;
	} else {
		k->num = pages;
		k->addr = addr;
	}
	c->arg = fz_ptr(b->in, at);
}

static void irqfd(struct fz_build *b, struct fz_call *c)
{
	uint64_t at = fz_alloc(b->a, sizeof(struct privcmd_irqfd));
	struct privcmd_irqfd *k = fz_host(b->a, at, sizeof(*k));
	uint32_t size = fz_u8(b->in) % 64;

	c->name = "IRQFD";
	if (!k)
		return;
	k->dm_op = fz_ptr(b->in, raw_buffer(b, size));
	k->size = fz_u8(b->in) < 0xF0 ? size : fz_u32(b->in);
	k->fd = fz_u8(b->in) % 4;
	k->flags = fz_u8(b->in) % 3;
	k->dom = (domid_t)fz_domid(b->in);
	c->target = k->dom;
	c->arg = fz_ptr(b->in, at);
}

static void ioeventfd(struct fz_build *b, struct fz_call *c)
{
	static const uint32_t lens[] = { 1, 2, 4, 8, 3, 0 };
	uint64_t at = fz_alloc(b->a, sizeof(struct privcmd_ioeventfd));
	struct privcmd_ioeventfd *k = fz_host(b->a, at, sizeof(*k));
	uint32_t vcpus = fz_count(b->in, 3), pages;

	c->name = "IOEVENTFD";
	if (!k)
		return;
	k->ioreq = fz_vma_pick(b, &pages);
	k->ports = fz_ptr(b->in, raw_buffer(b, (size_t)(vcpus > 3 ? 3 : vcpus) *
						  sizeof(uint32_t)));
	k->addr = fz_u8(b->in) < 0xF0 ? 0xfe000000u : fz_u64(b->in);
	k->addr_len = lens[fz_u8(b->in) % 6];
	k->event_fd = fz_u8(b->in) % 4;
	k->vcpus = vcpus;
	k->vq = fz_u8(b->in) % 2;
	k->flags = fz_u8(b->in) % 3;
	k->dom = (domid_t)fz_domid(b->in);
	c->target = k->dom;
	c->arg = fz_ptr(b->in, at);
}

static void pcidev_get_gsi(struct fz_build *b, struct fz_call *c)
{
	uint64_t at = fz_alloc(b->a, sizeof(struct privcmd_pcidev_get_gsi));
	struct privcmd_pcidev_get_gsi *k = fz_host(b->a, at, sizeof(*k));

	c->name = "PCIDEV_GET_GSI";
	if (k)
		k->sbdf = fz_u32(b->in);
	c->arg = fz_ptr(b->in, at);
}

void fz_build_privcmd(struct fz_build *b, struct fz_call *c)
{
	c->target = XSIM_NO_TARGET;
	switch (fz_u8(b->in) % 10) {
	case 0:
		hypercall(b, c);
		c->cmd = IOCTL_PRIVCMD_HYPERCALL;
		break;
	case 1:
		mmap_v1(b, c);
		c->cmd = IOCTL_PRIVCMD_MMAP;
		break;
	case 2:
		mmapbatch(b, c, 1);
		c->cmd = IOCTL_PRIVCMD_MMAPBATCH;
		break;
	case 3:
		mmapbatch(b, c, 2);
		c->cmd = IOCTL_PRIVCMD_MMAPBATCH_V2;
		break;
	case 4:
		dm_op(b, c);
		c->cmd = IOCTL_PRIVCMD_DM_OP;
		break;
	case 5:
		fz_build_restrict(XSIM_DEV_PRIVCMD, b, c);
		break;
	case 6:
		mmap_resource(b, c);
		c->cmd = IOCTL_PRIVCMD_MMAP_RESOURCE;
		break;
	case 7:
		irqfd(b, c);
		c->cmd = IOCTL_PRIVCMD_IRQFD;
		break;
	case 8:
		ioeventfd(b, c);
		c->cmd = IOCTL_PRIVCMD_IOEVENTFD;
		break;
	default:
		pcidev_get_gsi(b, c);
		c->cmd = IOCTL_PRIVCMD_PCIDEV_GET_GSI;
		break;
	}
}
