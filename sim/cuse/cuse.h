/* SPDX-License-Identifier: MIT */
/*
 * xensim-cuse: the sim's device models served as real character devices
 * through CUSE (libfuse3's cuse_lowlevel).  Plumbing only: every answer
 * comes from sim/dev through xsim_dev_*; this daemon moves bytes between
 * the kernel's FUSE requests and those calls.
 *
 * One process, one world (sim/machine/world.c), one CUSE session and
 * a pool of worker threads per device, one waker thread that answers blocked reads and poll notifications.
 *
 * Names: the daemon's own symbols are cd_* ("CUSE daemon"), its state the
 * one global `cd`.  Not xc_*: that is libxenctrl's prefix (xc_interface,
 * xc_domain_create...), which the suite and the clients call, and this
 * daemon has nothing to do with it.  Not cuse_* either: that is
 * libfuse3's own CUSE API (cuse_lowlevel_ops, cuse_info,
 * cuse_lowlevel_setup), which this daemon calls.  The retry engine
 * (retry.h) keeps its own xcr_* prefix.
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

#define CD_WORKERS	4	/* request threads per device */

struct cd_dev {
	enum xsim_dev_kind kind;
	const char *name;		/* node name under the devdir */
	char devname[64];		/* CUSE DEVNAME (sysfs, devtmpfs) */
	char node[PATH_MAX];		/* the node we create */
	struct fuse_session *se;
	int cuse_fd;
	pthread_t workers[CD_WORKERS];
	unsigned nr_workers;
	/* Set by init_done under cd.mu. */
	bool ready;
	bool node_made;
	bool dead;			/* the loop ended */
	dev_t rdev;
	int err;			/* positive errno of a failed start */
};

struct cd_daemon {
	struct xsim_world *w;
	const char *devdir;
	bool made_devdir;
	struct cd_dev devs[XSIM_NR_DEVS];
	unsigned nr_devs;
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* a device became ready or failed */
	/*
	 * Set by the main thread at shutdown, read by workers without cd.mu:
	 * atomic, as a volatile int was a data race (TSan in the cuse guest).
	 */
	atomic_bool stopping;
};

extern struct cd_daemon cd;

/* A handle as FUSE's fh, and back. */
static inline uint64_t cd_fh(struct xsim_file f)
{
	return (uint64_t)f.slot << 32 | f.gen;
}

static inline struct xsim_file cd_file(uint64_t fh)
{
	return (struct xsim_file){ (uint32_t)(fh >> 32), (uint32_t)fh };
}

/* session.c */
int cd_session_start(struct cd_dev *d);
void cd_session_stop(struct cd_dev *d);
/* init_done: the kernel made the device; make its node. */
void cd_device_ready(struct cd_dev *d);

/* nodes.c: the CUSE device's numbers, the node in the devdir. */
int cd_node_rdev(const char *devname, dev_t *rdev);
int cd_node_create(const char *path, dev_t rdev);
void cd_node_remove(const char *path, dev_t rdev);

/* ops.c */
extern const struct cuse_lowlevel_ops cd_ops;
void cd_ops_set_caller(uint16_t domid);

/* ioctl.c */
void cd_ioctl(fuse_req_t req, int cmd, void *arg, struct fuse_file_info *fi,
	      unsigned flags, const void *in, size_t in_len, size_t out_len);
void cd_ioctl_forget(uint64_t fh);	/* the handle is released */
void cd_ioctl_fini(void);

/* waiter.c: blocked reads, poll handles, wake-ups. */
int cd_waiter_start(void);
void cd_waiter_stop(void);		/* answers pending reads, joins */
void cd_waiter_read(fuse_req_t req, uint64_t fh, size_t size);
void cd_waiter_poll(uint64_t fh, struct fuse_pollhandle *ph);
void cd_waiter_forget(uint64_t fh);
void cd_wake(struct xsim_world *w, struct xsim_file f, void *arg);

/* A read through a flat buffer: xsim_dev_read into buf. */
ssize_t cd_read_into(uint64_t fh, void *buf, size_t size);

#endif /* XENSIM_CUSE_H */
