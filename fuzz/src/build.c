/* SPDX-License-Identifier: MIT */
/*
 * What every device's argument builder shares: naming domids for the
 * reset, the restrict ioctl, raw command numbers, mapping addresses.
 */
#include <string.h>

#include <xensim/uapi.h>

#include "fuzz.h"

void fz_name(struct fz_build *b, uint32_t domid)
{
	uint16_t d = (uint16_t)domid;
	unsigned i;

	if (d >= XSIM_DOMID_FIRST_RESERVED)
		return;
	for (i = 0; i < b->nnamed; i++)
		if (b->named[i] == d)
			return;
	if (b->nnamed < sizeof(b->named) / sizeof(b->named[0]))
		b->named[b->nnamed++] = d;
}

uint64_t fz_vma_pick(struct fz_build *b, uint32_t *pages)
{
	uint8_t sel = fz_u8(b->in);

	if (b->nvmas && sel < 0xE0) {
		*pages = b->vma_pages[sel % b->nvmas];
		return b->vma_addr[sel % b->nvmas];
	}
	*pages = 1 + (sel & 3);
	return FZ_VMA_BASE + (uint64_t)(sel & 7) * FZ_VMA_STRIDE;
}

void fz_build_restrict(enum xsim_dev_kind dev, struct fz_build *b,
		       struct fz_call *c)
{
	static const unsigned long cmd[XSIM_NR_DEVS] = {
		[XSIM_DEV_PRIVCMD] = IOCTL_PRIVCMD_RESTRICT,
		[XSIM_DEV_EVTCHN] = IOCTL_EVTCHN_RESTRICT_DOMID,
		[XSIM_DEV_GNTDEV] = IOCTL_GNTDEV_RESTRICT_DOMID,
		[XSIM_DEV_GNTALLOC] = IOCTL_GNTALLOC_RESTRICT_DOMID,
	};
	uint32_t domid = fz_domid(b->in);
	uint64_t at = fz_alloc(b->a, sizeof(domid_t));
	domid_t *p = fz_host(b->a, at, sizeof(domid_t));

	/* Every restrict argument is one domid_t (alone or in a struct). */
	if (p)
		*p = (domid_t)domid;
	c->cmd = cmd[dev];
	c->arg = fz_ptr(b->in, at);
	c->name = "RESTRICT";
	c->target = (domid_t)domid;
}

void fz_build_unmap_notify(struct fz_build *b, struct fz_call *c,
			   unsigned long cmd)
{
	/* gntalloc's struct has the same layout (uapi gntalloc.h, gntdev.h). */
	struct ioctl_gntdev_unmap_notify *k;
	uint64_t at = fz_alloc(b->a, sizeof(*k));

	k = fz_host(b->a, at, sizeof(*k));
	c->cmd = cmd;
	c->name = "SET_UNMAP_NOTIFY";
	if (k) {
		k->index = fz_index_pick(b) + fz_u8(b->in);
		k->action = fz_u8(b->in) % 5;
		k->event_channel_port = fz_count(b->in, 4);
	}
	c->arg = fz_ptr(b->in, at);
}

/* Command numbers worth trying on any device: all four devices' ioctls. */
static const unsigned long known_cmds[] = {
	IOCTL_PRIVCMD_HYPERCALL, IOCTL_PRIVCMD_MMAP, IOCTL_PRIVCMD_MMAPBATCH,
	IOCTL_PRIVCMD_MMAPBATCH_V2, IOCTL_PRIVCMD_DM_OP, IOCTL_PRIVCMD_RESTRICT,
	IOCTL_PRIVCMD_MMAP_RESOURCE, IOCTL_PRIVCMD_IRQFD,
	IOCTL_PRIVCMD_IOEVENTFD, IOCTL_PRIVCMD_PCIDEV_GET_GSI,
	IOCTL_PRIVCMD_UNIMPLEMENTED,
	IOCTL_EVTCHN_BIND_VIRQ, IOCTL_EVTCHN_BIND_INTERDOMAIN,
	IOCTL_EVTCHN_BIND_UNBOUND_PORT, IOCTL_EVTCHN_UNBIND,
	IOCTL_EVTCHN_NOTIFY, IOCTL_EVTCHN_RESET, IOCTL_EVTCHN_RESTRICT_DOMID,
	IOCTL_EVTCHN_BIND_STATIC,
	IOCTL_GNTDEV_MAP_GRANT_REF, IOCTL_GNTDEV_UNMAP_GRANT_REF,
	IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, IOCTL_GNTDEV_SET_MAX_GRANTS,
	IOCTL_GNTDEV_SET_UNMAP_NOTIFY, IOCTL_GNTDEV_GRANT_COPY,
	IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS, IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED,
	IOCTL_GNTDEV_DMABUF_IMP_TO_REFS, IOCTL_GNTDEV_DMABUF_IMP_RELEASE,
	IOCTL_GNTDEV_RESTRICT_DOMID,
	IOCTL_GNTALLOC_ALLOC_GREF, IOCTL_GNTALLOC_DEALLOC_GREF,
	IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, IOCTL_GNTALLOC_RESTRICT_DOMID,
	0, 0x5401 /* TCGETS */,
};

void fz_build_raw(enum xsim_dev_kind dev, struct fz_build *b,
		  struct fz_call *c)
{
	uint8_t sel = fz_u8(b->in), len = fz_u8(b->in) % 96, i;
	uint64_t at;
	uint8_t *p;

	(void)dev;
	if (sel < 0xC0)
		c->cmd = known_cmds[sel % (sizeof(known_cmds) /
					    sizeof(known_cmds[0]))];
	else
		c->cmd = fz_u32(b->in);
	at = fz_alloc(b->a, len);
	p = fz_host(b->a, at, len);
	for (i = 0; p && i < len; i++)
		p[i] = fz_u8(b->in);
	c->arg = fz_ptr(b->in, at);
	c->name = "raw";
	c->target = XSIM_NO_TARGET;
}

void fz_build_ioctl(enum xsim_dev_kind dev, struct fz_build *b,
		    struct fz_call *c)
{
	switch (dev) {
	case XSIM_DEV_PRIVCMD:
		fz_build_privcmd(b, c);
		break;
	case XSIM_DEV_EVTCHN:
		fz_build_evtchn(b, c);
		break;
	case XSIM_DEV_GNTDEV:
		fz_build_gntdev(b, c);
		break;
	default:
		fz_build_gntalloc(b, c);
		break;
	}
}
