/* SPDX-License-Identifier: MIT */
/*
 * Private to the device models (sim/dev/): the per-open handle as it sits
 * in the world's shared handle table, and the operations each device
 * implements.  Linux equivalent: struct file->private_data and the
 * file_operations of drivers/xen/{privcmd,evtchn,gntdev,gntalloc}.c.
 */
#ifndef XENSIM_DEVPRIV_H
#define XENSIM_DEVPRIV_H

#include <stdint.h>
#include <sys/types.h>

#include <xensim/device.h>
#include <xensim/machine.h>
#include <xensim/profile.h>

#include "../machine/layout.h"

/* evtchn: ring of fired ports, one metadata page (Linux: EVTCHN_RING). */
#define XSIM_EVTCHN_RING_SIZE	(XSIM_PAGE_SIZE / sizeof(uint32_t))

struct xsim_evtchn_state {
	uint32_t ring_page;		/* page index of uint32_t ring[RING_SIZE] */
	uint32_t ring_cons, ring_prod;
	uint8_t ring_overflow;
	uint8_t pad[3];
	uint32_t nr_bound;
	uint32_t ring_size;		/* grows with nr_bound, as Linux */
	uint32_t ports_page;		/* page index of uint8_t flags[port] */
};

/* gntdev: a map record per MAP_GRANT_REF, kept in one metadata page. */
struct xsim_gntdev_state {
	uint32_t max_grants;		/* SET_MAX_GRANTS; 0 = Linux default limit */
	uint32_t nr_mapped;		/* grants currently mapped */
	uint32_t maps_page;		/* page index of the map records */
	uint32_t next_index;		/* next offset (in pages) handed out */
};

/* gntalloc: pages this handle shares, kept in one metadata page. */
struct xsim_gntalloc_state {
	uint32_t grefs_page;		/* page index of the gref records */
	uint32_t nr_grefs;
	uint32_t next_index;		/* next offset (in pages) handed out */
	uint32_t vmas_page;		/* page index of the mmap records */
};

/*
 * privcmd: IRQFD/IOEVENTFD assignments (Linux keeps them in global lists
 * keyed by the eventfd).  The sim records them only; it does not watch
 * the eventfd.
 */
#define XSIM_PRIVCMD_IRQFDS	8u
#define XSIM_PRIVCMD_IOEVENTFDS	4u

struct xsim_privcmd_irqfd {
	uint32_t fd;
	uint16_t dom;
	uint8_t used, pad;
};

struct xsim_privcmd_ioeventfd {
	uint64_t ioreq;			/* the ioreq page's address in the caller */
	uint32_t fd;
	uint32_t vcpus;
	uint16_t dom;
	uint8_t used, pad;
};

struct xsim_privcmd_state {
	struct xsim_privcmd_irqfd irqfd[XSIM_PRIVCMD_IRQFDS];
	struct xsim_privcmd_ioeventfd ioeventfd[XSIM_PRIVCMD_IOEVENTFDS];
};

/* /proc/xen/xsd_*: the read position (Linux: file->f_pos). */
struct xsim_xsd_state {
	uint32_t pos;
};

/*
 * /dev/xen/xenbus (sim/dev/xenbus.c): the request being written (Linux:
 * u->u.buffer, one XENSTORE_PAYLOAD_MAX page) and the replies not yet
 * read (u->read_buffers), a byte ring over XSIM_XENBUS_REPLY_PAGES pages.
 */
#define XSIM_XENBUS_REPLY_PAGES	2u

struct xsim_xenbus_state {
	uint32_t msg_page;		/* page index of the partial request */
	uint32_t msg_len;		/* bytes of it written so far */
	uint32_t reply_page[XSIM_XENBUS_REPLY_PAGES];
	uint32_t reply_cons, reply_prod;	/* free-running byte counts */
};

struct xsim_handle {
	uint32_t gen;			/* bumped at every open and release */
	uint8_t in_use;
	uint8_t dev;			/* enum xsim_dev_kind */
	uint16_t caller_domid;		/* domain of the process that opened it */
	uint32_t next_free;		/* free list (1-based slot + 1), when unused */
	uint32_t opener_pid;
	struct xsim_restrict_state rs;
	union {
		struct xsim_evtchn_state evtchn;
		struct xsim_gntdev_state gntdev;
		struct xsim_gntalloc_state gntalloc;
		struct xsim_privcmd_state privcmd;
		struct xsim_xsd_state xsd;
		struct xsim_xenbus_state xenbus;
	} u;
};

_Static_assert(sizeof(struct xsim_handle) <= XSIM_HANDLE_BYTES,
	       "struct xsim_handle must fit a handle slot");

static inline struct xsim_handle *xsim_handle_get(struct xsim_world *w,
						  uint32_t slot)
{
	return xsim_handle_bytes(w, slot);
}

/*
 * The handle f names, or NULL if it is stale (closed and reused).  Lock
 * held.
 */
struct xsim_handle *xsim_handle_lookup(struct xsim_world *w,
				       struct xsim_file f);

/* The caller context for machine calls made through handle f. */
static inline struct xsim_caller xsim_handle_caller(struct xsim_world *w,
						    struct xsim_file f,
						    const struct xsim_handle *h)
{
	struct xsim_caller c = {
		.w = w,
		.domid = h->caller_domid,
		.handle = xsim_file_effect_id(f),
	};
	return c;
}

/*
 * One device: its entry points, called with the machine lock held, the
 * handle already looked up.  Any may be NULL: read/write then answer
 * -EINVAL (Linux: no .read), mmap -ENODEV, poll "always ready".
 */
struct xsim_dev_ops {
	enum xsim_dev_kind dev;
	int (*open)(struct xsim_world *w, struct xsim_file f,
		    struct xsim_handle *h);
	void (*release)(struct xsim_world *w, struct xsim_file f,
			struct xsim_handle *h);
	long (*ioctl)(struct xsim_world *w, struct xsim_file f,
		      struct xsim_handle *h, unsigned long cmd, uint64_t arg,
		      const struct xsim_uaccess *ua);
	ssize_t (*read)(struct xsim_world *w, struct xsim_file f,
			struct xsim_handle *h, uint64_t ubuf, size_t len,
			const struct xsim_uaccess *ua);
	ssize_t (*write)(struct xsim_world *w, struct xsim_file f,
			 struct xsim_handle *h, uint64_t ubuf, size_t len,
			 const struct xsim_uaccess *ua);
	int (*mmap)(struct xsim_world *w, struct xsim_file f,
		    struct xsim_handle *h, uint64_t addr, uint64_t len,
		    uint64_t pgoff, int prot, const struct xsim_uaccess *ua);
	void (*munmap)(struct xsim_world *w, struct xsim_file f,
		       struct xsim_handle *h, uint64_t addr, uint64_t len);
	unsigned (*poll)(struct xsim_world *w, struct xsim_file f,
			 struct xsim_handle *h);
};

extern const struct xsim_dev_ops xsim_privcmd_ops;
extern const struct xsim_dev_ops xsim_evtchn_ops;
extern const struct xsim_dev_ops xsim_gntdev_ops;
extern const struct xsim_dev_ops xsim_gntalloc_ops;
extern const struct xsim_dev_ops xsim_hypercall_ops;
extern const struct xsim_dev_ops xsim_xsd_port_ops;
extern const struct xsim_dev_ops xsim_xsd_kva_ops;
extern const struct xsim_dev_ops xsim_capabilities_ops;
extern const struct xsim_dev_ops xsim_xenbus_ops;

/* Shorthands for the profile table of a handle's device. */
static inline const struct xsim_dev_policy *
xsim_policy(const struct xsim_world *w, enum xsim_dev_kind dev)
{
	return &xsim_world_profile(w)->dev[dev];
}

/*
 * .ioctl of a file with no .unlocked_ioctl in Linux (/dev/xen/hypercall,
 * /proc/xen/xsd_*): the VFS answers ENOTTY to every command.
 */
long xsim_ioctl_enotty(struct xsim_world *w, struct xsim_file f,
		       struct xsim_handle *h, unsigned long cmd, uint64_t arg,
		       const struct xsim_uaccess *ua);

/* The device's answer to an ioctl it does not know (a positive errno). */
static inline long xsim_unknown_ioctl(const struct xsim_world *w,
				      enum xsim_dev_kind dev)
{
	return -(long)xsim_policy(w, dev)->unknown_err;
}

/*
 * Restrict through the profile's rule (shared by every device's restrict
 * ioctl): validates, applies to h->rs, returns 0 or -errno.
 */
long xsim_dev_do_restrict(struct xsim_world *w, struct xsim_handle *h,
			  enum xsim_dev_kind dev, uint32_t domid,
			  enum xsim_when when);

/*
 * A dom0 port routed to evtchn handle `consumer` (a slot) fired: queue it
 * for read() and wake the transport (sim/dev/evtchn.c).  Lock held.
 */
void xsim_evtchn_dev_port_fired(struct xsim_world *w, uint32_t consumer,
				uint32_t port);

/* Wake the transport for handle f (evtchn has something to read). */
void xsim_dev_wake(struct xsim_world *w, struct xsim_file f);

#endif /* XENSIM_DEVPRIV_H */
