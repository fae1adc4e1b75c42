/* SPDX-License-Identifier: MIT */
/*
 * Opening, restricting and calling Debian's libxen* for the library-level
 * bodies, with "the backend cannot serve this" turned into a SKIP.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <xen/memory.h>

#include "lib-util.h"

#define DEVDIR		"/dev/xen"

void lib_begin(struct xrc_ctx *t)
{
	const char *dir = xrc_devdir(t);

	if (strcmp(dir, DEVDIR) != 0)
		xrc_skip(t, "the libraries open the nodes under " DEVDIR
			 " themselves; --devdir %s does not apply to them",
			 dir);
}

static void quiet_vmessage(struct xentoollog_logger *logger,
			   xentoollog_level level, int errnoval,
			   const char *context, const char *format, va_list al)
{
	(void)logger;
	(void)level;
	(void)errnoval;
	(void)context;
	(void)format;
	(void)al;
}

static void quiet_destroy(struct xentoollog_logger *logger)
{
	(void)logger;
}

xentoollog_logger *lib_quiet_logger(void)
{
	static xentoollog_logger quiet = {
		.vmessage = quiet_vmessage,
		.progress = NULL,
		.destroy = quiet_destroy,
	};

	return &quiet;
}

/* A handle that did not open: the backend cannot serve that library. */
__attribute__((noreturn))
static void cannot_open(struct xrc_ctx *t, const char *lib)
{
	xrc_skip(t, "%s_open failed (%s): the backend cannot serve %s", lib,
		 xrc_errno_name(errno), lib);
}

xencall_handle *lib_open_call(struct xrc_ctx *t)
{
	xencall_handle *h = xencall_open(lib_quiet_logger(), 0);

	if (!h)
		cannot_open(t, "xencall");
	return h;
}

xenforeignmemory_handle *lib_open_fmem(struct xrc_ctx *t)
{
	xenforeignmemory_handle *h = xenforeignmemory_open(lib_quiet_logger(),
							   0);

	if (!h)
		cannot_open(t, "xenforeignmemory");
	return h;
}

xendevicemodel_handle *lib_open_dmod(struct xrc_ctx *t)
{
	xendevicemodel_handle *h = xendevicemodel_open(lib_quiet_logger(), 0);

	if (!h)
		cannot_open(t, "xendevicemodel");
	return h;
}

xenevtchn_handle *lib_open_evtchn(struct xrc_ctx *t)
{
	xenevtchn_handle *h = xenevtchn_open(lib_quiet_logger(), 0);

	if (!h)
		cannot_open(t, "xenevtchn");
	return h;
}

xengnttab_handle *lib_try_gnttab(void)
{
	return xengnttab_open(lib_quiet_logger(), 0);
}

xengntshr_handle *lib_try_gntshr(void)
{
	return xengntshr_open(lib_quiet_logger(), 0);
}

xengnttab_handle *lib_open_gnttab(struct xrc_ctx *t)
{
	xengnttab_handle *h = lib_try_gnttab();

	if (!h)
		cannot_open(t, "xengnttab");
	return h;
}

xengntshr_handle *lib_open_gntshr(struct xrc_ctx *t)
{
	xengntshr_handle *h = lib_try_gntshr();

	if (!h)
		cannot_open(t, "xengntshr");
	return h;
}

void lib_open_all(struct xrc_ctx *t, struct lib_handles *h)
{
	memset(h, 0, sizeof(*h));
	h->call = lib_open_call(t);
	h->fmem = lib_open_fmem(t);
	h->dmod = lib_open_dmod(t);
	h->xce = lib_open_evtchn(t);
	/* FreeBSD has no gntalloc node, NetBSD no grant nodes at all. */
	h->xgt = lib_try_gnttab();
	h->xgs = lib_try_gntshr();
}

/*
 * The libraries pass the kernel's answer up raw (implementations.md §3.1): ENOTTY or
 * ENOSYS for a missing ioctl, EINVAL from kernels whose unknown ioctls are
 * EINVAL (NetBSD, Linux privcmd before 4.19); EOPNOTSUPP where the library
 * itself knows (devicemodel with no privcmd fd, non-Linux evtchn).
 */
bool lib_restrict_unsupported(int err)
{
	return err == ENOTTY || err == ENOSYS || err == EOPNOTSUPP ||
	       err == EINVAL;
}

/* A restrict step that failed: SKIP or ERROR (never returns). */
__attribute__((noreturn))
static void restrict_failed(struct xrc_ctx *t, const char *call,
			    uint16_t domid, int err)
{
	if (lib_restrict_unsupported(err))
		xrc_skip(t, "%s(%u): %s: the backend offers no restriction "
			 "there", call, domid, xrc_errno_name(err));
	xrc_error(t, "setup failed: %s(%u): %s", call, domid,
		  xrc_errno_name(err));
}

void lib_restrict_all(struct xrc_ctx *t, uint16_t domid)
{
	errno = 0;
	if (xentoolcore_restrict_all(domid) != 0)
		restrict_failed(t, "xentoolcore_restrict_all", domid, errno);
}

void lib_restrict_fmem(struct xrc_ctx *t, xenforeignmemory_handle *fmem,
		       uint16_t domid)
{
	errno = 0;
	if (xenforeignmemory_restrict(fmem, domid) != 0)
		restrict_failed(t, "xenforeignmemory_restrict", domid, errno);
}

void lib_restrict_dmod(struct xrc_ctx *t, xendevicemodel_handle *dmod,
		       uint16_t domid)
{
	errno = 0;
	if (xendevicemodel_restrict(dmod, domid) != 0)
		restrict_failed(t, "xendevicemodel_restrict", domid, errno);
}

void lib_restrict_evtchn(struct xrc_ctx *t, xenevtchn_handle *xce,
			 uint16_t domid)
{
	errno = 0;
	if (xenevtchn_restrict(xce, domid) != 0)
		restrict_failed(t, "xenevtchn_restrict", domid, errno);
}

int lib_map_gfn0(struct xrc_ctx *t, xenforeignmemory_handle *fmem,
		 uint16_t dom)
{
	xen_pfn_t gfn = 0;
	void *p;

	xrc_require_mmap(t, XRC_PRIVCMD);
	/* No err[]: any per-frame error fails the whole map, with its errno. */
	p = xenforeignmemory_map(fmem, dom, PROT_READ, 1, &gfn, NULL);
	if (!p)
		return -1;
	xenforeignmemory_unmap(fmem, p, 1);
	return 0;
}

int lib_map_grant_frame(struct xrc_ctx *t, xenforeignmemory_handle *fmem,
			uint16_t dom)
{
	xenforeignmemory_resource_handle *res;
	void *addr = NULL;

	xrc_require_mmap(t, XRC_PRIVCMD);
	res = xenforeignmemory_map_resource(fmem, dom,
					    XENMEM_resource_grant_table,
					    XENMEM_resource_grant_table_id_shared,
					    0, 1, &addr, PROT_READ, 0);
	if (!res)
		return -1;
	xenforeignmemory_unmap_resource(fmem, res);
	return 0;
}

int lib_map_grant(struct xrc_ctx *t, xengnttab_handle *xgt, uint16_t dom,
		  uint32_t ref)
{
	void *p;

	xrc_require_mmap(t, XRC_GNTDEV);
	p = xengnttab_map_grant_ref(xgt, dom, ref, PROT_READ);

	if (!p)
		return -1;
	xengnttab_unmap(xgt, p, 1);
	return 0;
}

int lib_share_page(struct xrc_ctx *t, xengntshr_handle *xgs, uint16_t dom)
{
	uint32_t ref;
	void *p;

	/*
	 * libxengntshr maps what it allocates: Xen 4.17
	 * tools/libs/gnttab/linux.c osdep_gntshr_share_pages makes the
	 * IOCTL_GNTALLOC_ALLOC_GREF call, then mmaps gntalloc at the offset
	 * it returned, and fails the share with the mmap's ENODEV where the
	 * device has no mmap (CUSE).  What the restriction does to the ioctl
	 * cannot be told from that: SKIP, as the other mappers do.
	 */
	xrc_require_mmap(t, XRC_GNTALLOC);
	p = xengntshr_share_pages(xgs, dom, 1, &ref, 0);
	if (!p)
		return -1;
	xengntshr_unshare(xgs, p, 1);
	return 0;
}

int lib_nr_vcpus(xendevicemodel_handle *dmod, uint16_t dom)
{
	unsigned int vcpus = 0;

	return xendevicemodel_nr_vcpus(dmod, dom, &vcpus) ? -1 : 0;
}
