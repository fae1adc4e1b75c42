/* SPDX-License-Identifier: MIT */
/*
 * /proc/xen/xsd_port and /proc/xen/xsd_kva as Linux 6.1 implements them
 * (drivers/xen/xenfs/xenstored.c): how a xenstored running in dom0 finds
 * dom0's own xenstore event channel and ring page.  xsd_port reads as the
 * port number in decimal; xsd_kva reads as the ring's kernel address and
 * maps, at offset 0 and at most one page long, the ring itself.  No ioctl,
 * nothing to restrict, the same in every profile; xenfs creates them in
 * dom0 only.
 *
 * /proc/xen/capabilities, the same kind of file (drivers/xen/xenfs/super.c,
 * capabilities_read): "control_d\n" in the initial domain, empty in any
 * other; xenfs creates it in every domain.  It is how a program tells dom0
 * from a domU without privcmd.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "devpriv.h"

/* The file's text, made at open as Linux's kasprintf in xsd_*_open. */
static int xsd_text(struct xsim_world *w, const struct xsim_handle *h,
		    char *buf, size_t len)
{
	struct xsim_caller c = { .w = w, .domid = h->caller_domid,
				 .handle = XSIM_EFF_NO_HANDLE };
	uint32_t page, port;
	int rc;

	if (h->dev == XSIM_DEV_CAPABILITIES) {
		/* xen_initial_domain(): the sim's dom0 is domain 0. */
		snprintf(buf, len, "%s", h->caller_domid ? "" : "control_d\n");
		return 0;
	}
	rc = xsim_dom0_store(&c, &page, &port);
	if (rc)
		return rc;
	/* "0x%p" of the ring: any stable address-like value will do. */
	if (h->dev == XSIM_DEV_XSD_KVA)
		snprintf(buf, len, "0x%016llx", 0xffff888000000000ull +
			 (unsigned long long)xsim_page_file_offset(w, page));
	else
		snprintf(buf, len, "%u", port);
	return 0;
}

static int xsd_open(struct xsim_world *w, struct xsim_file f,
		    struct xsim_handle *h)
{
	char text[32];

	(void)f;
	/* xenfs_fill_super: the xsd_* files exist in the initial domain only. */
	if (h->dev != XSIM_DEV_CAPABILITIES && h->caller_domid != 0)
		return -ENODEV;
	return xsd_text(w, h, text, sizeof(text));
}

/* simple_read_from_buffer(): the text from the file position on. */
static ssize_t xsd_read(struct xsim_world *w, struct xsim_file f,
			struct xsim_handle *h, uint64_t ubuf, size_t len,
			const struct xsim_uaccess *ua)
{
	char text[32];
	size_t n, pos = h->u.xsd.pos;
	int rc;

	(void)f;
	rc = xsd_text(w, h, text, sizeof(text));
	if (rc)
		return rc;
	n = strlen(text);
	if (pos >= n)
		return 0;
	n -= pos;
	if (n > len)
		n = len;
	if (xsim_copy_out(ua, ubuf, text + pos, n))
		return -EFAULT;
	h->u.xsd.pos += (uint32_t)n;
	return (ssize_t)n;
}

/* xsd_kva_mmap(): one page at most, offset 0, the ring page itself. */
static int xsd_kva_mmap(struct xsim_world *w, struct xsim_file f,
			struct xsim_handle *h, uint64_t addr, uint64_t len,
			uint64_t pgoff, int prot, const struct xsim_uaccess *ua)
{
	struct xsim_caller c = { .w = w, .domid = h->caller_domid,
				 .handle = XSIM_EFF_NO_HANDLE };
	uint32_t page, port;
	int rc;

	(void)f;
	if (len > XSIM_PAGE_SIZE || pgoff)
		return -EINVAL;
	if (!ua->map_page)
		return -ENODEV;
	rc = xsim_dom0_store(&c, &page, &port);
	if (rc)
		return rc;
	/* remap_pfn_range() failing is -EAGAIN in xsd_kva_mmap. */
	return ua->map_page(ua->ctx, addr, page, prot) ? -EAGAIN : 0;
}

const struct xsim_dev_ops xsim_xsd_port_ops = {
	.dev = XSIM_DEV_XSD_PORT,
	.open = xsd_open,
	.ioctl = xsim_ioctl_enotty,
	.read = xsd_read,
};

const struct xsim_dev_ops xsim_xsd_kva_ops = {
	.dev = XSIM_DEV_XSD_KVA,
	.open = xsd_open,
	.ioctl = xsim_ioctl_enotty,
	.read = xsd_read,
	.mmap = xsd_kva_mmap,
};

/* capabilities_read(): simple_read_from_buffer, no mmap, no ioctl. */
const struct xsim_dev_ops xsim_capabilities_ops = {
	.dev = XSIM_DEV_CAPABILITIES,
	.open = xsd_open,
	.ioctl = xsim_ioctl_enotty,
	.read = xsd_read,
};
