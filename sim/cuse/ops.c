/* SPDX-License-Identifier: MIT */
/*
 * The CUSE file operations: each is one xsim_dev_* call.  An open file
 * (fi->fh) is a handle of the world's handle table; the kernel's struct
 * file carries it, so dup(), fork() and SCM_RIGHTS share it as they share
 * a Linux driver's file->private_data, and release comes once, at the
 * last close.  No mmap: CUSE has none (the kernel answers ENODEV).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cuse.h"

/* Where read/write buffers appear to the models: any non-NULL address. */
#define CD_FLAT_BASE	0x10000u

struct cd_flat {
	uint8_t *buf;
	size_t len;
};

static int flat_check(const struct cd_flat *fl, uint64_t uaddr, size_t len)
{
	return uaddr >= CD_FLAT_BASE && uaddr - CD_FLAT_BASE <= fl->len &&
	       len <= fl->len - (uaddr - CD_FLAT_BASE) ? 0 : -EFAULT;
}

static int flat_in(void *ctx, void *dst, uint64_t uaddr, size_t len)
{
	struct cd_flat *fl = ctx;

	if (flat_check(fl, uaddr, len))
		return -EFAULT;
	memcpy(dst, fl->buf + (uaddr - CD_FLAT_BASE), len);
	return 0;
}

static int flat_out(void *ctx, uint64_t uaddr, const void *src, size_t len)
{
	struct cd_flat *fl = ctx;

	if (flat_check(fl, uaddr, len))
		return -EFAULT;
	memcpy(fl->buf + (uaddr - CD_FLAT_BASE), src, len);
	return 0;
}

ssize_t cd_read_into(uint64_t fh, void *buf, size_t size)
{
	struct cd_flat fl = { buf, size };
	struct xsim_uaccess ua = { .copy_in = flat_in, .copy_out = flat_out,
				   .ctx = &fl };

	return xsim_dev_read(cd.w, cd_file(fh), CD_FLAT_BASE, size, &ua);
}

static struct cd_dev *dev_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static uint16_t caller_domid;

void cd_ops_set_caller(uint16_t domid)
{
	caller_domid = domid;
}

static void cd_open(fuse_req_t req, struct fuse_file_info *fi)
{
	struct xsim_file f;
	int rc;

	if (atomic_load(&cd.stopping)) {
		fuse_reply_err(req, ENODEV);
		return;
	}
	rc = xsim_dev_open(cd.w, dev_of(req)->kind, caller_domid, &f);
	if (rc) {
		fuse_reply_err(req, -rc);
		return;
	}
	fi->fh = cd_fh(f);
	fi->direct_io = 1;
	/* evtchn_open: stream_open (drivers/xen/evtchn.c). */
	fi->nonseekable = dev_of(req)->kind == XSIM_DEV_EVTCHN;
	if (fuse_reply_open(req, fi))
		xsim_dev_release(cd.w, f);	/* the opener is gone */
}

static void cd_release(fuse_req_t req, struct fuse_file_info *fi)
{
	cd_ioctl_forget(fi->fh);
	cd_waiter_forget(fi->fh);
	xsim_dev_release(cd.w, cd_file(fi->fh));
	fuse_reply_err(req, 0);
}

static void cd_read(fuse_req_t req, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	uint8_t *buf = malloc(size ? size : 1);
	ssize_t r;

	(void)off;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	r = cd_read_into(fi->fh, buf, size);
	if (r == -EAGAIN && !(fi->flags & O_NONBLOCK))
		cd_waiter_read(req, fi->fh, size);
	else if (r < 0)
		fuse_reply_err(req, (int)-r);
	else
		fuse_reply_buf(req, (const char *)buf, (size_t)r);
	free(buf);
}

static void cd_write(fuse_req_t req, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct cd_flat fl = { (uint8_t *)buf, size };
	struct xsim_uaccess ua = { .copy_in = flat_in, .copy_out = flat_out,
				   .ctx = &fl };
	ssize_t r;

	(void)off;
	r = xsim_dev_write(cd.w, cd_file(fi->fh), CD_FLAT_BASE, size, &ua);
	if (r < 0)
		fuse_reply_err(req, (int)-r);
	else
		fuse_reply_write(req, (size_t)r);
}

static void cd_poll(fuse_req_t req, struct fuse_file_info *fi,
		    struct fuse_pollhandle *ph)
{
	/* Keep the handle first: a wake-up after the check is not lost. */
	if (ph)
		cd_waiter_poll(fi->fh, ph);
	fuse_reply_poll(req, xsim_dev_poll(cd.w, cd_file(fi->fh)));
}

static void cd_init_done(void *userdata)
{
	cd_device_ready(userdata);
}

const struct cuse_lowlevel_ops cd_ops = {
	.init_done = cd_init_done,
	.open = cd_open,
	.release = cd_release,
	.read = cd_read,
	.write = cd_write,
	.ioctl = cd_ioctl,
	.poll = cd_poll,
};
