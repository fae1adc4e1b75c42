/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/privcmd as Linux 6.1 implements it (drivers/xen/privcmd.c, a
 * PV dom0 kernel), plus the ioctls of later kernels (IRQFD 6.6, IOEVENTFD
 * 6.7, PCIDEV_GET_GSI) that a profile may offer.  Each ioctl follows
 * Linux's order of checks; the restriction checks come from the profile
 * (sim/dev/profiles.c) through the audit functions, with the target taken
 * from the one copy of the arguments.
 *
 * Mappings: the transport made the VMA at mmap() time and keeps, for the
 * device, a word per VMA (Linux: vma->vm_private_data) and which of its
 * pages are backed (Linux: present PTEs).  As in Linux 6.1, the first
 * ioctl that maps into a VMA marks it populated (PRIV_VMA_LOCKED): v1
 * MMAP then refuses it; MMAPBATCH takes a whole unpopulated VMA, or the
 * unmapped holes of a populated one; MMAP_RESOURCE marks it too.  Pages
 * are backed through ua->map_page.  A transport with no such records
 * (the fuzzers' arena) gets the older rule: the ioctl covers exactly one
 * whole mapping of this handle (ua->vma_check), and nothing is remembered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xensim/uapi.h>

#include "devpriv.h"
#include "planted.h"

/* Linux module parameters dm_op_max_nr_bufs and dm_op_buf_max_size. */
#define DM_OP_MAX_NR_BUFS	16u
#define DM_OP_BUF_MAX_SIZE	4096u
/* Linux PRIV_VMA_LOCKED: a mapping ioctl has populated the VMA. */
#define VMA_LOCKED		1u
/* Top of the x86-64 user address space: access_ok()'s range check. */
#define USER_TOP		((1ull << 47) - 4096)
/* Beyond this an array copy fails as the kernel's allocation would. */
#define GATHER_MAX		(64u << 20)
#define GATHER_CHUNK		(64u << 10)
/* kzalloc() of the irqfd and its dm_op buffer: KMALLOC_MAX_SIZE. */
#define KMALLOC_MAX		(4u << 20)
/* privcmd_ioeventfd_assign(): "4096 vcpus limit enough ?" */
#define IOEVENTFD_MAX_VCPUS	4096u

#define UADDR(p)		((uint64_t)(uintptr_t)(p))

static bool access_ok(uint64_t addr, uint64_t size)
{
	return size <= USER_TOP && addr <= USER_TOP - size;
}

static const struct xsim_profile *profile(const struct xsim_world *w)
{
	return xsim_world_profile(w);
}

static int audit(const struct xsim_world *w, const struct xsim_handle *h,
		 enum xsim_op op, uint32_t target, enum xsim_when when)
{
	return xsim_audit_rule(profile(w), op, &h->rs, target, when);
}

/*
 * gather_array(): copy nelem elements once into a buffer the caller
 * frees.  Copies in chunks so that a short array faults (-EFAULT) before
 * a huge count costs memory; past GATHER_MAX it fails like the kernel's
 * allocation (-ENOMEM).
 */
static int gather(const struct xsim_uaccess *ua, uint64_t uaddr,
		  uint64_t nelem, size_t size, void **out)
{
	uint64_t total = nelem * size, done = 0;
	uint8_t *buf = NULL;

	*out = NULL;
	while (done < total) {
		uint64_t chunk = total - done < GATHER_CHUNK ? total - done :
							       GATHER_CHUNK;
		uint8_t *nb;

		if (done + chunk > GATHER_MAX) {
			free(buf);
			return -ENOMEM;
		}
		nb = realloc(buf, done + chunk);
		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		if (xsim_copy_in(ua, buf + done, uaddr + done, chunk)) {
			free(buf);
			return -EFAULT;
		}
		done += chunk;
	}
	*out = buf;
	return 0;
}

/* clear_user(): zero len bytes of caller memory. */
static int clear_user(const struct xsim_uaccess *ua, uint64_t uaddr,
		      uint64_t len)
{
	static const uint8_t zero[4096];

	while (len) {
		uint64_t n = len < sizeof(zero) ? len : sizeof(zero);

		if (xsim_copy_out(ua, uaddr, zero, n))
			return -EFAULT;
		uaddr += n;
		len -= n;
	}
	return 0;
}

/* Is [addr, addr + npages) exactly one privcmd mapping of this handle? */
static int vma_ok(const struct xsim_uaccess *ua, struct xsim_file f,
		  uint64_t addr, uint64_t npages)
{
	/* A transport without mmap (CUSE) has no VMA to find. */
	if (!ua->vma_check || !ua->map_page)
		return -EINVAL;
	if (!npages || npages > (UINT64_MAX >> XSIM_PAGE_SHIFT))
		return -EINVAL;
	if (ua->vma_check(ua->ctx, addr, npages << XSIM_PAGE_SHIFT, f.slot,
			  f.gen))
		return -EINVAL;
	return 0;
}

/* Does the transport keep VMA records (vm_private_data, PTEs)? */
static bool vma_tracked(const struct xsim_uaccess *ua)
{
	return ua->vma_find && ua->vma_set_priv && ua->vma_range_mapped &&
	       ua->map_page;
}

static void vma_mark_populated(const struct xsim_uaccess *ua,
			       struct xsim_file f, uint64_t addr)
{
	if (vma_tracked(ua))
		(void)ua->vma_set_priv(ua->ctx, addr, f.slot, f.gen,
				       VMA_LOCKED);
}

/*
 * privcmd_ioctl_mmap_batch() (Linux 6.1): an unpopulated VMA must be
 * covered whole and is then marked populated; a populated one takes a
 * range inside it none of whose pages is mapped
 * (privcmd_vma_range_is_mapped), such as the frames an earlier batch
 * could not map.
 */
static int batch_vma(const struct xsim_uaccess *ua, struct xsim_file f,
		     uint64_t addr, uint64_t npages)
{
	struct xsim_vma v;
	uint64_t len;

	if (!vma_tracked(ua))
		return vma_ok(ua, f, addr, npages);
	if (!npages || npages > (UINT64_MAX >> XSIM_PAGE_SHIFT))
		return -EINVAL;
	len = npages << XSIM_PAGE_SHIFT;
	if (ua->vma_find(ua->ctx, addr, f.slot, f.gen, &v))
		return -EINVAL;
	if (!v.priv) {
		if (addr != v.start || len != v.len)
			return -EINVAL;
		vma_mark_populated(ua, f, addr);
		return 0;
	}
	if (len > v.len || addr - v.start > v.len - len)
		return -EINVAL;
	return ua->vma_range_mapped(ua->ctx, addr, len) ? -EINVAL : 0;
}

/* Map foreign gfn of dom at addr: 0 or the per-frame errno. */
static int map_frame(const struct xsim_caller *c,
		     const struct xsim_uaccess *ua, uint32_t dom, uint64_t gfn,
		     uint64_t addr)
{
	uint32_t page;
	int rc;

	rc = xsim_mem_map_gfn(c, dom, gfn, true, &page);
	if (rc)
		return rc;
	return ua->map_page(ua->ctx, addr, page, PROT_READ | PROT_WRITE);
}

/* XENFEAT_auto_translated_physmap of the kernel the handle lives in. */
static bool caller_translated(const struct xsim_world *w,
			      const struct xsim_handle *h)
{
	const struct xsim_domain *d = xsim_dom_get(w, h->caller_domid);

	return d && (d->flags & XSIM_DOM_HVM);
}

/* ---- IOCTL_PRIVCMD_HYPERCALL ---- */

static long do_hypercall(struct xsim_world *w, struct xsim_file f,
			 struct xsim_handle *h, uint64_t arg,
			 const struct xsim_uaccess *ua)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct privcmd_hypercall hc;
	uint64_t args[5];
	unsigned i;
	long rc;

	/* Linux: "Disallow arbitrary hypercalls if restricted", pre-copy. */
	rc = audit(w, h, XSIM_OP_PRIVCMD_HYPERCALL, XSIM_NO_TARGET,
		   XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	if (xsim_copy_in(ua, &hc, arg, sizeof(hc)))
		return -EFAULT;
	for (i = 0; i < 5; i++)
		args[i] = hc.arg[i];
	rc = xsim_audit_hypercall(profile(w), &h->rs, hc.op, args);
	if (rc)
		return rc;
	return xsim_hypercall(&c, ua, hc.op, args);
}

/* ---- IOCTL_PRIVCMD_MMAP (v1): ranges of gfns at consecutive addresses ---- */

/*
 * privcmd_ioctl_mmap() (Linux 6.1): the first entry's va must start a VMA
 * that no ioctl has populated (a set vm_private_data is EINVAL, before
 * any domain is looked at); the VMA is marked populated whatever the
 * remap then does.  mmap_gfn_range(): chunks contiguous from the VMA's
 * start, not wrapping, inside it (a prefix of the VMA is enough).
 */
static long mmap_v1_tracked(const struct xsim_caller *c,
			    const struct xsim_uaccess *ua, struct xsim_file f,
			    uint16_t dom, const struct privcmd_mmap_entry *e,
			    uint32_t num)
{
	struct xsim_vma v;
	uint64_t va, end, i, j;
	long rc;

	if (ua->vma_find(ua->ctx, e[0].va, f.slot, f.gen, &v) ||
	    e[0].va != v.start || v.priv)
		return -EINVAL;
	vma_mark_populated(ua, f, v.start);
	va = v.start;
	end = v.start + v.len;
	for (i = 0; i < num; i++) {
		if (e[i].npages > (INT64_MAX >> XSIM_PAGE_SHIFT) ||
		    (e[i].npages << XSIM_PAGE_SHIFT) >= -va)
			return -EINVAL;
		if (e[i].va != va || e[i].npages << XSIM_PAGE_SHIFT > end - va)
			return -EINVAL;
		for (j = 0; j < e[i].npages; j++) {
			rc = map_frame(c, ua, dom, e[i].mfn + j,
				       va + (j << XSIM_PAGE_SHIFT));
			if (rc)
				return rc;
		}
		va += e[i].npages << XSIM_PAGE_SHIFT;
	}
	return 0;
}

static long do_mmap(struct xsim_world *w, struct xsim_file f,
		    struct xsim_handle *h, uint64_t arg,
		    const struct xsim_uaccess *ua)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct privcmd_mmap m;
	struct privcmd_mmap_entry *e;
	uint64_t va, total = 0, i, j;
	long rc;

	rc = audit(w, h, XSIM_OP_PRIVCMD_MMAP, XSIM_NO_TARGET, XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	/*
	 * "We only support privcmd_ioctl_mmap_batch for non-auto-translated":
	 * a kernel in an HVM domain.  The sim's dom0 kernel is PV.
	 */
	if (caller_translated(w, h))
		return -ENOSYS;
	if (xsim_copy_in(ua, &m, arg, sizeof(m)))
		return -EFAULT;
	rc = audit(w, h, XSIM_OP_PRIVCMD_MMAP, m.dom, XSIM_AFTER_COPY);
	if (rc)
		return rc;
	/* gather_array() takes num as unsigned; nothing to map is success. */
	rc = gather(ua, UADDR(m.entry), (uint32_t)m.num, sizeof(*e),
		    (void **)&e);
	if (rc || !m.num)
		return rc;
	if (vma_tracked(ua)) {
		rc = mmap_v1_tracked(&c, ua, f, m.dom, e, (uint32_t)m.num);
		free(e);
		return rc;
	}
	/* mmap_gfn_range(): contiguous chunks that cannot wrap. */
	va = e[0].va;
	for (i = 0; i < (uint32_t)m.num; i++) {
		if (e[i].npages > (INT64_MAX >> XSIM_PAGE_SHIFT) ||
		    (e[i].npages << XSIM_PAGE_SHIFT) >= -va ||
		    e[i].va != va) {
			free(e);
			return -EINVAL;
		}
		va += e[i].npages << XSIM_PAGE_SHIFT;
		total += e[i].npages;
	}
	rc = vma_ok(ua, f, e[0].va, total);
	for (i = 0; !rc && i < (uint32_t)m.num; i++)
		for (j = 0; !rc && j < e[i].npages; j++)
			rc = map_frame(&c, ua, m.dom, e[i].mfn + j,
				       e[i].va + (j << XSIM_PAGE_SHIFT));
	free(e);
	return rc;
}

/* ---- IOCTL_PRIVCMD_MMAPBATCH and _V2 ---- */

struct batch {
	uint32_t num;
	uint16_t dom;
	uint64_t addr;
	uint64_t arr;	/* xen_pfn_t[num] */
	uint64_t err;	/* int[num], v2 only */
};

static int batch_copy(int version, uint64_t arg,
		      const struct xsim_uaccess *ua, struct batch *b)
{
	if (version == 1) {
		struct privcmd_mmapbatch m;

		if (xsim_copy_in(ua, &m, arg, sizeof(m)))
			return -EFAULT;
		*b = (struct batch){ (uint32_t)m.num, m.dom, m.addr,
				     UADDR(m.arr), 0 };
		/* Per-frame errors come back in arr[]. */
		if (!access_ok(b->arr, (uint64_t)b->num * sizeof(xen_pfn_t)))
			return -EFAULT;
	} else {
		struct privcmd_mmapbatch_v2 m;

		if (xsim_copy_in(ua, &m, arg, sizeof(m)))
			return -EFAULT;
		*b = (struct batch){ m.num, m.dom, m.addr, UADDR(m.arr),
				     UADDR(m.err) };
		if (!access_ok(b->err, (uint64_t)b->num * sizeof(int)))
			return -EFAULT;
	}
	return 0;
}

/* mmap_return_errors(): v1 tags the frame number, v2 fills err[]. */
static long batch_errors(int version, const struct batch *b,
			 const xen_pfn_t *gfns, const int *errs,
			 const struct xsim_uaccess *ua)
{
	bool paged = false;
	uint32_t i;

	for (i = 0; i < b->num; i++) {
		if (!errs[i])
			continue;
		paged |= errs[i] == -ENOENT;
		if (version == 1) {
			xen_pfn_t v = gfns[i] | (errs[i] == -ENOENT ?
						 PRIVCMD_MMAPBATCH_PAGED_ERROR :
						 PRIVCMD_MMAPBATCH_MFN_ERROR);

			if (xsim_copy_out(ua, b->arr + i * sizeof(v), &v,
					  sizeof(v)))
				return -EFAULT;
		} else if (xsim_copy_out(ua, b->err + i * sizeof(int), &errs[i],
					 sizeof(int))) {
			return -EFAULT;
		}
	}
	/* A paged-out frame asks the caller to retry (libxenforeignmemory). */
	return paged ? -ENOENT : 0;
}

static long do_mmapbatch(struct xsim_world *w, struct xsim_file f,
			 struct xsim_handle *h, uint64_t arg,
			 const struct xsim_uaccess *ua, int version)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	enum xsim_op op = version == 1 ? XSIM_OP_PRIVCMD_MMAPBATCH :
					 XSIM_OP_PRIVCMD_MMAPBATCH_V2;
	xen_pfn_t *gfns;
	struct batch b;
	int *errs;
	uint32_t i;
	long rc;

	rc = audit(w, h, op, XSIM_NO_TARGET, XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	rc = batch_copy(version, arg, ua, &b);
	if (rc)
		return rc;
	rc = audit(w, h, op, b.dom, XSIM_AFTER_COPY);
	if (rc && !(version == 2 && XSIM_PLANT("mmapbatch-v2")))
		return rc;
	if (!b.num)
		return -EINVAL;
	rc = gather(ua, b.arr, b.num, sizeof(xen_pfn_t), (void **)&gfns);
	if (rc)
		return rc;
	/* v2: zero err[] now so that only real errors are copied back. */
	if (version == 2 && clear_user(ua, b.err, (uint64_t)b.num * sizeof(int))) {
		free(gfns);
		return -EFAULT;
	}
	rc = batch_vma(ua, f, b.addr, b.num);
	if (rc) {
		free(gfns);
		return rc;
	}
	errs = calloc(b.num, sizeof(*errs));
	if (!errs) {
		free(gfns);
		return -ENOMEM;
	}
	for (i = 0; i < b.num; i++)
		errs[i] = map_frame(&c, ua, b.dom, gfns[i],
				    b.addr + ((uint64_t)i << XSIM_PAGE_SHIFT));
	rc = batch_errors(version, &b, gfns, errs, ua);
	free(errs);
	free(gfns);
	return rc;
}

/* ---- IOCTL_PRIVCMD_DM_OP ---- */

/* lock_pages(): the buffers must be there before Xen is asked. */
static int probe_buffer(const struct xsim_uaccess *ua, uint64_t uaddr,
			uint64_t size)
{
	uint8_t scratch[DM_OP_BUF_MAX_SIZE];

	return size && xsim_copy_in(ua, scratch, uaddr, size) ? -EFAULT : 0;
}

static long do_dm_op(struct xsim_world *w, struct xsim_file f,
		     struct xsim_handle *h, uint64_t arg,
		     const struct xsim_uaccess *ua)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct privcmd_dm_op_buf kbufs[DM_OP_MAX_NR_BUFS];
	struct xsim_ubuf bufs[DM_OP_MAX_NR_BUFS];
	struct privcmd_dm_op k;
	uint32_t i;
	long rc;

	rc = audit(w, h, XSIM_OP_PRIVCMD_DM_OP, XSIM_NO_TARGET,
		   XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	if (xsim_copy_in(ua, &k, arg, sizeof(k)))
		return -EFAULT;
	rc = audit(w, h, XSIM_OP_PRIVCMD_DM_OP, k.dom, XSIM_AFTER_COPY);
	if (rc && !(XSIM_PLANT("dm-op-nr3") && k.num == 3))
		return rc;
	/* No buffer: Linux returns before reaching Xen (Xen: -ENODATA). */
	if (k.num == 0)
		return 0;
	if (k.num > DM_OP_MAX_NR_BUFS)
		return -E2BIG;
	if (xsim_copy_in(ua, kbufs, UADDR(k.ubufs), k.num * sizeof(kbufs[0])))
		return -EFAULT;
	for (i = 0; i < k.num; i++) {
		if (kbufs[i].size > DM_OP_BUF_MAX_SIZE)
			return -E2BIG;
		if (!access_ok(UADDR(kbufs[i].uptr), kbufs[i].size))
			return -EFAULT;
		bufs[i].uaddr = UADDR(kbufs[i].uptr);
		bufs[i].size = kbufs[i].size;
	}
	for (i = 0; i < k.num; i++)
		if (probe_buffer(ua, bufs[i].uaddr, bufs[i].size))
			return -EFAULT;
	return xsim_dm_op(&c, ua, k.dom, bufs, k.num);
}

/* ---- IOCTL_PRIVCMD_RESTRICT ---- */

static long do_restrict(struct xsim_world *w, struct xsim_handle *h,
			uint64_t arg, const struct xsim_uaccess *ua)
{
	domid_t dom;
	long rc;

	rc = xsim_dev_do_restrict(w, h, XSIM_DEV_PRIVCMD, 0, XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	if (xsim_copy_in(ua, &dom, arg, sizeof(dom)))
		return -EFAULT;
	return xsim_dev_do_restrict(w, h, XSIM_DEV_PRIVCMD, dom,
				    XSIM_AFTER_COPY);
}

/* ---- IOCTL_PRIVCMD_MMAP_RESOURCE ---- */

static long do_mmap_resource(struct xsim_world *w, struct xsim_file f,
			     struct xsim_handle *h, uint64_t arg,
			     const struct xsim_uaccess *ua)
{
	struct xsim_caller c = xsim_handle_caller(w, f, h);
	struct privcmd_mmap_resource k;
	uint32_t *pages, i;
	uint64_t total = 0;
	long rc;

	rc = audit(w, h, XSIM_OP_PRIVCMD_MMAP_RESOURCE, XSIM_NO_TARGET,
		   XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	if (xsim_copy_in(ua, &k, arg, sizeof(k)))
		return -EFAULT;
	rc = audit(w, h, XSIM_OP_PRIVCMD_MMAP_RESOURCE, k.dom, XSIM_AFTER_COPY);
	if (rc)
		return rc;
	/* Both fields must be set or unset. */
	if (!!k.addr != !!k.num)
		return -EINVAL;
	if (!k.addr) {
		/* Size query: the frame count goes back in num. */
		rc = xsim_acquire_resource(&c, k.dom, k.type, k.id, 0, 0, NULL,
					   &total);
		if (rc)
			return rc;
		if (xsim_copy_out(ua, arg + offsetof(struct privcmd_mmap_resource,
						     num), &total, sizeof(total)))
			return -EFAULT;
		return 0;
	}
	rc = vma_ok(ua, f, k.addr, k.num);
	if (rc)
		return rc;
	/* Xen sees nr_frames, a 32-bit field: more cannot be satisfied. */
	if (k.num > UINT32_MAX)
		return -EINVAL;
	pages = calloc(k.num, sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	/* PV: vm_private_data = PRIV_VMA_LOCKED before Xen is asked. */
	vma_mark_populated(ua, f, k.addr);
	rc = xsim_acquire_resource(&c, k.dom, k.type, k.id, k.idx,
				   (uint32_t)k.num, pages, NULL);
	for (i = 0; !rc && i < k.num; i++)
		rc = ua->map_page(ua->ctx,
				  k.addr + ((uint64_t)i << XSIM_PAGE_SHIFT),
				  pages[i], PROT_READ | PROT_WRITE);
	free(pages);
	return rc;
}

/* ---- IOCTL_PRIVCMD_IRQFD and IOCTL_PRIVCMD_IOEVENTFD ---- */

/* Copy a buffer the kernel would keep (irqfd dm_op), for its faults only. */
static int consume(const struct xsim_uaccess *ua, uint64_t uaddr,
		   uint64_t size)
{
	uint8_t scratch[4096];

	while (size) {
		uint64_t n = size < sizeof(scratch) ? size : sizeof(scratch);

		if (xsim_copy_in(ua, scratch, uaddr, n))
			return -EFAULT;
		uaddr += n;
		size -= n;
	}
	return 0;
}

static long irqfd_assign(struct xsim_privcmd_state *st,
			 const struct xsim_uaccess *ua,
			 const struct privcmd_irqfd *k)
{
	struct xsim_privcmd_irqfd *slot = NULL;
	uint32_t i;

	if (k->size > KMALLOC_MAX)
		return -ENOMEM;
	if (consume(ua, k->dm_op, k->size))
		return -EFAULT;
	for (i = 0; i < XSIM_PRIVCMD_IRQFDS; i++) {
		if (st->irqfd[i].used && st->irqfd[i].fd == k->fd)
			return -EBUSY;
		if (!st->irqfd[i].used && !slot)
			slot = &st->irqfd[i];
	}
	if (!slot)
		return -ENOMEM;
	*slot = (struct xsim_privcmd_irqfd){ .fd = k->fd, .dom = k->dom,
					     .used = 1 };
	return 0;
}

static long do_irqfd(struct xsim_world *w, struct xsim_handle *h,
		     uint64_t arg, const struct xsim_uaccess *ua)
{
	struct xsim_privcmd_state *st = &h->u.privcmd;
	struct privcmd_irqfd k;
	uint32_t i;
	long rc;

	rc = audit(w, h, XSIM_OP_PRIVCMD_IRQFD, XSIM_NO_TARGET,
		   XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	if (xsim_copy_in(ua, &k, arg, sizeof(k)))
		return -EFAULT;
	/* Flags first, then the restriction (Linux privcmd_ioctl_irqfd). */
	if (k.flags & ~PRIVCMD_IRQFD_FLAG_DEASSIGN)
		return -EINVAL;
	rc = audit(w, h, XSIM_OP_PRIVCMD_IRQFD, k.dom, XSIM_AFTER_COPY);
	if (rc)
		return rc;
	if (!(k.flags & PRIVCMD_IRQFD_FLAG_DEASSIGN))
		return irqfd_assign(st, ua, &k);
	/* Linux: deassigning an eventfd that is not assigned is not an error. */
	for (i = 0; i < XSIM_PRIVCMD_IRQFDS; i++)
		if (st->irqfd[i].used && st->irqfd[i].fd == k.fd)
			memset(&st->irqfd[i], 0, sizeof(st->irqfd[i]));
	return 0;
}

static long ioeventfd_assign(struct xsim_privcmd_state *st,
			     const struct xsim_uaccess *ua,
			     const struct privcmd_ioeventfd *k)
{
	struct xsim_privcmd_ioeventfd *slot = NULL;
	bool known = false;
	uint32_t i;

	if (k->addr + k->addr_len < k->addr)
		return -EINVAL;
	/* Vhost requires lengths 1, 2, 4 and 8. */
	if (k->addr_len != 1 && k->addr_len != 2 && k->addr_len != 4 &&
	    k->addr_len != 8)
		return -EINVAL;
	if (!k->vcpus || k->vcpus > IOEVENTFD_MAX_VCPUS)
		return -EINVAL;
	/* get_ioreq(): one ioreq page belongs to one (dom, vcpus). */
	for (i = 0; i < XSIM_PRIVCMD_IOEVENTFDS; i++) {
		const struct xsim_privcmd_ioeventfd *e = &st->ioeventfd[i];

		if (!e->used) {
			slot = slot ? slot : &st->ioeventfd[i];
			continue;
		}
		if (e->ioreq != k->ioreq)
			continue;
		if (e->dom != k->dom || e->vcpus != k->vcpus)
			return -EINVAL;
		if (e->fd == k->event_fd)
			return -EBUSY;
		known = true;
	}
	/* alloc_ioreq() reads the per-vcpu ports once per ioreq page. */
	if (!known && consume(ua, k->ports, (uint64_t)k->vcpus * sizeof(uint32_t)))
		return -EFAULT;
	if (!slot)
		return -ENOMEM;
	*slot = (struct xsim_privcmd_ioeventfd){ .ioreq = k->ioreq,
		.fd = k->event_fd, .vcpus = k->vcpus, .dom = k->dom,
		.used = 1 };
	return 0;
}

static long do_ioeventfd(struct xsim_world *w, struct xsim_handle *h,
			 uint64_t arg, const struct xsim_uaccess *ua)
{
	struct xsim_privcmd_state *st = &h->u.privcmd;
	struct privcmd_ioeventfd k;
	uint32_t i;
	long rc;

	rc = audit(w, h, XSIM_OP_PRIVCMD_IOEVENTFD, XSIM_NO_TARGET,
		   XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	if (xsim_copy_in(ua, &k, arg, sizeof(k)))
		return -EFAULT;
	if (k.flags & ~PRIVCMD_IOEVENTFD_FLAG_DEASSIGN)
		return -EINVAL;
	rc = audit(w, h, XSIM_OP_PRIVCMD_IOEVENTFD, k.dom, XSIM_AFTER_COPY);
	if (rc)
		return rc;
	if (!(k.flags & PRIVCMD_IOEVENTFD_FLAG_DEASSIGN))
		return ioeventfd_assign(st, ua, &k);
	for (i = 0; i < XSIM_PRIVCMD_IOEVENTFDS; i++) {
		struct xsim_privcmd_ioeventfd *e = &st->ioeventfd[i];

		if (e->used && e->dom == k.dom && e->ioreq == k.ioreq &&
		    e->vcpus == k.vcpus && e->fd == k.event_fd) {
			memset(e, 0, sizeof(*e));
			return 0;
		}
	}
	/* Linux: "Ioeventfd isn't already assigned". */
	return -ENODEV;
}

/* ---- IOCTL_PRIVCMD_PCIDEV_GET_GSI ---- */

static long do_pcidev_get_gsi(struct xsim_world *w, struct xsim_handle *h,
			      uint64_t arg, const struct xsim_uaccess *ua)
{
	struct privcmd_pcidev_get_gsi k;
	long rc;

	rc = audit(w, h, XSIM_OP_PRIVCMD_PCIDEV_GET_GSI, XSIM_NO_TARGET,
		   XSIM_BEFORE_COPY);
	if (rc)
		return rc;
	if (xsim_copy_in(ua, &k, arg, sizeof(k)))
		return -EFAULT;
	rc = audit(w, h, XSIM_OP_PRIVCMD_PCIDEV_GET_GSI, XSIM_NO_TARGET,
		   XSIM_AFTER_COPY);
	if (rc)
		return rc;
	/* The sim has no PCI devices: no sbdf resolves to a GSI. */
	return -ENODEV;
}

static long privcmd_ioctl(struct xsim_world *w, struct xsim_file f,
			  struct xsim_handle *h, unsigned long cmd,
			  uint64_t arg, const struct xsim_uaccess *ua)
{
	switch (cmd) {
	case IOCTL_PRIVCMD_HYPERCALL:
		return do_hypercall(w, f, h, arg, ua);
	case IOCTL_PRIVCMD_MMAP:
		return do_mmap(w, f, h, arg, ua);
	case IOCTL_PRIVCMD_MMAPBATCH:
		return do_mmapbatch(w, f, h, arg, ua, 1);
	case IOCTL_PRIVCMD_MMAPBATCH_V2:
		return do_mmapbatch(w, f, h, arg, ua, 2);
	case IOCTL_PRIVCMD_DM_OP:
		return do_dm_op(w, f, h, arg, ua);
	case IOCTL_PRIVCMD_RESTRICT:
		return do_restrict(w, h, arg, ua);
	case IOCTL_PRIVCMD_MMAP_RESOURCE:
		return do_mmap_resource(w, f, h, arg, ua);
	case IOCTL_PRIVCMD_IRQFD:
		return do_irqfd(w, h, arg, ua);
	case IOCTL_PRIVCMD_IOEVENTFD:
		return do_ioeventfd(w, h, arg, ua);
	case IOCTL_PRIVCMD_PCIDEV_GET_GSI:
		return do_pcidev_get_gsi(w, h, arg, ua);
	default:
		return xsim_unknown_ioctl(w, XSIM_DEV_PRIVCMD);
	}
}

/* privcmd_mmap(): an empty region; ioctls fill it later. */
static int privcmd_mmap(struct xsim_world *w, struct xsim_file f,
			struct xsim_handle *h, uint64_t addr, uint64_t len,
			uint64_t pgoff, int prot, const struct xsim_uaccess *ua)
{
	(void)w;
	(void)f;
	(void)h;
	(void)addr;
	(void)len;
	(void)pgoff;
	(void)prot;
	(void)ua;
	return 0;
}

const struct xsim_dev_ops xsim_privcmd_ops = {
	.dev = XSIM_DEV_PRIVCMD,
	.ioctl = privcmd_ioctl,
	.mmap = privcmd_mmap,
};
