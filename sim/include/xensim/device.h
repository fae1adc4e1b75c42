/* SPDX-License-Identifier: MIT */
/*
 * The device models: /dev/xen/{privcmd,evtchn,gntdev,gntalloc} as Linux
 * implements them (include/uapi/xen/ headers), with the reference restrict.
 * One model, many transports: the LD_PRELOAD shim, the CUSE daemon and the
 * fuzzers all call these and add no logic of their own.
 *
 * An open file description is a slot in the world's handle table plus a
 * generation; the transport keeps the mapping from its descriptors to it,
 * so dup(), fork() and SCM_RIGHTS share one handle as they share one
 * struct file in Linux.
 *
 * Every entry point takes the machine lock itself.  Results are Linux's:
 * >= 0, or a negative errno for the transport to put in errno.
 */
#ifndef XENSIM_DEVICE_H
#define XENSIM_DEVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <xensim/profile.h>
#include <xensim/uaccess.h>
#include <xensim/world.h>

struct xsim_file {
	uint32_t slot;
	uint32_t gen;
};

/* Device paths a transport serves, and which device each is. */
struct xsim_dev_path {
	const char *path;
	enum xsim_dev_kind dev;
};
extern const struct xsim_dev_path xsim_dev_paths[];	/* NULL-terminated */
/* The device for a path, or -1. */
int xsim_dev_by_path(const char *path);

/*
 * Open: a fresh handle, unrestricted, or born restricted where the profile
 * says so (XSA-482 for a domU caller).  -ENODEV if the profile's platform
 * lacks the device, -ENFILE if the handle table is full.
 */
int xsim_dev_open(struct xsim_world *w, enum xsim_dev_kind dev,
		  uint16_t caller_domid, struct xsim_file *f);
/* The last reference is gone (Linux: .release): undo bindings, grants, maps. */
void xsim_dev_release(struct xsim_world *w, struct xsim_file f);

long xsim_dev_ioctl(struct xsim_world *w, struct xsim_file f,
		    unsigned long cmd, uint64_t arg,
		    const struct xsim_uaccess *ua);
/* read()/write(): -EAGAIN when a read would block (the transport waits). */
ssize_t xsim_dev_read(struct xsim_world *w, struct xsim_file f,
		      uint64_t ubuf, size_t len, const struct xsim_uaccess *ua);
ssize_t xsim_dev_write(struct xsim_world *w, struct xsim_file f,
		       uint64_t ubuf, size_t len, const struct xsim_uaccess *ua);
/*
 * mmap(): the transport reserved [addr, addr + len) for this handle at
 * page offset pgoff; the model fills what it must through ua->map_page
 * (gntdev, gntalloc) or leaves it empty for later ioctls (privcmd).
 */
int xsim_dev_mmap(struct xsim_world *w, struct xsim_file f, uint64_t addr,
		  uint64_t len, uint64_t pgoff, int prot,
		  const struct xsim_uaccess *ua);
/* munmap() of part of a mapping this handle made (gntdev unmap notify). */
void xsim_dev_munmap(struct xsim_world *w, struct xsim_file f, uint64_t addr,
		     uint64_t len);
/* poll(): POLLIN/POLLOUT bits as Linux reports them. */
unsigned xsim_dev_poll(struct xsim_world *w, struct xsim_file f);

/*
 * The caller's domain from XENSIM_CALLER_DOMID (unset or empty: 0, dom0).
 * 0, or -EINVAL (and *domid 0) when it is not a domain id below the
 * reserved range; the transport says so in its own words.
 */
int xsim_caller_domid_from_env(uint16_t *domid);

/* Does f still name a live handle?  Its device kind in *dev. */
bool xsim_file_valid(struct xsim_world *w, struct xsim_file f,
		     enum xsim_dev_kind *dev);
/* The handle's restriction (tests, oracles, the effect report). */
int xsim_file_restrict_state(struct xsim_world *w, struct xsim_file f,
			     struct xsim_restrict_state *st);
/* The id the effect log records for this handle. */
uint32_t xsim_file_effect_id(struct xsim_file f);

/*
 * The transport's wake-up for a handle that became readable (evtchn has a
 * pending port).  Called with the machine lock held, from any process of
 * the world.
 */
/*
 * Wire this process's device layer to a world it created or attached
 * (event delivery to evtchn handles).  Idempotent; xsim_dev_open calls it.
 */
void xsim_dev_attach(struct xsim_world *w);

typedef void (*xsim_wake_fn)(struct xsim_world *w, struct xsim_file f,
			     void *arg);
void xsim_dev_set_wake(struct xsim_world *w, xsim_wake_fn fn, void *arg);

/*
 * Release every handle the transport says is dead (its last descriptor
 * closed, possibly in a process that crashed).  Returns how many.
 */
typedef bool (*xsim_alive_fn)(struct xsim_world *w, struct xsim_file f,
			      void *arg);
int xsim_dev_gc(struct xsim_world *w, xsim_alive_fn alive, void *arg);

/* One open handle, as a tool lists it (xsim_dev_handles). */
struct xsim_handle_info {
	struct xsim_file f;
	enum xsim_dev_kind dev;
	uint32_t opener_pid;		/* the process that opened it */
	uint16_t caller_domid;		/* the domain it was opened from */
	struct xsim_restrict_state rs;
};
/*
 * Up to max open handles from slot *cursor on (start at 0); *cursor moves
 * past them.  Returns how many (0: no more).
 */
int xsim_dev_handles(struct xsim_world *w, uint32_t *cursor,
		     struct xsim_handle_info *out, unsigned max);

#endif /* XENSIM_DEVICE_H */
