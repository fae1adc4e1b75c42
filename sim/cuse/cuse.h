/* SPDX-License-Identifier: MIT */
/*
 * xensim-cuse: the sim's device models served as real character devices
 * through CUSE (libfuse3's cuse_lowlevel).  Plumbing only: every answer
 * comes from sim/dev through xsim_dev_*; this daemon moves bytes between
 * the kernel's FUSE requests and those calls.
 *
 * One process, one world (sim/machine/world.c), one CUSE session and
 * a pool of worker threads per device, one waker thread that answers blocked reads and poll notifications.
 */
#ifndef XENSIM_CUSE_H
#define XENSIM_CUSE_H

#define FUSE_USE_VERSION 35
#include <fuse3/cuse_lowlevel.h>

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <xensim/device.h>
#include <xensim/world.h>

#define XC_WORKERS	4	/* request threads per device */

struct xc_dev {
	enum xsim_dev_kind kind;
	const char *name;		/* node name under the devdir */
	char devname[64];		/* CUSE DEVNAME (sysfs, devtmpfs) */
	char node[PATH_MAX];		/* the node we create */
	struct fuse_session *se;
	int cuse_fd;
	pthread_t workers[XC_WORKERS];
	unsigned nr_workers;
	/* Set by init_done under xc.mu. */
	bool ready;
	bool node_made;
	bool dead;			/* the loop ended */
	dev_t rdev;
	int err;			/* positive errno of a failed start */
};

struct xc_daemon {
	struct xsim_world *w;
	const char *devdir;
	bool made_devdir;
	struct xc_dev devs[XSIM_NR_DEVS];
	unsigned nr_devs;
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* a device became ready or failed */
	/*
	 * Set by the main thread at shutdown, read by workers without xc.mu:
	 * atomic, as a volatile int was a data race (TSan in the cuse guest).
	 */
	atomic_bool stopping;
};

extern struct xc_daemon xc;

/* A handle as FUSE's fh, and back. */
static inline uint64_t xc_fh(struct xsim_file f)
{
	return (uint64_t)f.slot << 32 | f.gen;
}

static inline struct xsim_file xc_file(uint64_t fh)
{
	return (struct xsim_file){ (uint32_t)(fh >> 32), (uint32_t)fh };
}

/* session.c */
int xc_session_start(struct xc_dev *d);
void xc_session_stop(struct xc_dev *d);
/* init_done: the kernel made the device; make its node. */
void xc_device_ready(struct xc_dev *d);

/* nodes.c: the CUSE device's numbers, the node in the devdir. */
int xc_node_rdev(const char *devname, dev_t *rdev);
int xc_node_create(const char *path, dev_t rdev);
void xc_node_remove(const char *path, dev_t rdev);

/* ops.c */
extern const struct cuse_lowlevel_ops xc_ops;
void xc_ops_set_caller(uint16_t domid);

/* ioctl.c */
void xc_ioctl(fuse_req_t req, int cmd, void *arg, struct fuse_file_info *fi,
	      unsigned flags, const void *in, size_t in_len, size_t out_len);
void xc_ioctl_forget(uint64_t fh);	/* the handle is released */
void xc_ioctl_fini(void);

/* waiter.c: blocked reads, poll handles, wake-ups. */
int xc_waiter_start(void);
void xc_waiter_stop(void);		/* answers pending reads, joins */
void xc_waiter_read(fuse_req_t req, uint64_t fh, size_t size);
void xc_waiter_poll(uint64_t fh, struct fuse_pollhandle *ph);
void xc_waiter_forget(uint64_t fh);
void xc_wake(struct xsim_world *w, struct xsim_file f, void *arg);

/* A read through a flat buffer: xsim_dev_read into buf. */
ssize_t xc_read_into(uint64_t fh, void *buf, size_t size);

#endif /* XENSIM_CUSE_H */
