/* SPDX-License-Identifier: MIT */
/*
 * The Linux device ABI the simulator speaks: linux-libc-dev's
 * <xen/{privcmd,evtchn,gntdev,gntalloc}.h>, plus the ioctls those 6.1
 * headers lack.  Only device-model and transport code and ABI-level tests
 * include this; it must not meet libxen-dev's headers in one translation
 * unit (they clash over xen_pfn_t).
 */
#ifndef XENSIM_UAPI_H
#define XENSIM_UAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include <xen/interface/xen.h>	/* sim/include/compat: domid_t, xen_pfn_t, grant_ref_t */
#include <xen/privcmd.h>
#include <xen/evtchn.h>
#include <xen/gntdev.h>
#include <xen/gntalloc.h>

/*
 * Upstream ioctls newer than the 6.1 headers; numbers and layouts from
 * Linux include/uapi/xen/privcmd.h (IRQFD: 6.6, IOEVENTFD: 6.7),
 * include/uapi/xen/evtchn.h (BIND_STATIC: 6.2) and Xen's
 * tools/include/xen-sys/Linux/privcmd.h (PCIDEV_GET_GSI, UNIMPLEMENTED).
 */
#ifndef IOCTL_PRIVCMD_IRQFD
struct privcmd_irqfd {
	uint64_t dm_op;
	uint32_t size;
	uint32_t fd;
	uint32_t flags;
	domid_t dom;
	uint8_t pad[2];
};
#define PRIVCMD_IRQFD_FLAG_DEASSIGN	(1u << 0)
#define IOCTL_PRIVCMD_IRQFD	_IOW('P', 8, struct privcmd_irqfd)

struct privcmd_ioeventfd {
	uint64_t ioreq;
	uint64_t ports;
	uint64_t addr;
	uint32_t addr_len;
	uint32_t event_fd;
	uint32_t vcpus;
	uint32_t vq;
	uint32_t flags;
	domid_t dom;
	uint8_t pad[2];
};
#define PRIVCMD_IOEVENTFD_FLAG_DEASSIGN	(1u << 0)
#define IOCTL_PRIVCMD_IOEVENTFD	_IOW('P', 9, struct privcmd_ioeventfd)
#endif

#ifndef IOCTL_PRIVCMD_PCIDEV_GET_GSI
struct privcmd_pcidev_get_gsi {
	uint32_t sbdf;
	uint32_t gsi;
};
#define IOCTL_PRIVCMD_PCIDEV_GET_GSI \
	_IOC(_IOC_NONE, 'P', 10, sizeof(struct privcmd_pcidev_get_gsi))
#endif

#ifndef IOCTL_PRIVCMD_UNIMPLEMENTED
#define IOCTL_PRIVCMD_UNIMPLEMENTED	_IOC(_IOC_NONE, 'P', 0xFF, 0)
#endif

#ifndef IOCTL_EVTCHN_BIND_STATIC
struct ioctl_evtchn_bind {
	unsigned int port;
};
#define IOCTL_EVTCHN_BIND_STATIC \
	_IOC(_IOC_NONE, 'E', 7, sizeof(struct ioctl_evtchn_bind))
#endif

/*
 * NOT UPSTREAM.  The 2016 proposal's xengnttab_restrict() and
 * xengntshr_restrict() need a kernel interface that no kernel has.  The
 * reference ("proposed" profile) offers one so that the contract can be
 * tested on grant devices; numbers chosen from unused 'G' slots.
 */
struct ioctl_gntdev_restrict_domid {
	domid_t domid;
};
#define IOCTL_GNTDEV_RESTRICT_DOMID \
	_IOC(_IOC_NONE, 'G', 0x40, sizeof(struct ioctl_gntdev_restrict_domid))
#define IOCTL_GNTALLOC_RESTRICT_DOMID \
	_IOC(_IOC_NONE, 'G', 0x41, sizeof(struct ioctl_gntdev_restrict_domid))

#endif /* XENSIM_UAPI_H */
