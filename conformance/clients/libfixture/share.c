/* SPDX-License-Identifier: MIT */
/*
 * libfixture: pages of the test process shared with a domain
 * (libxengntshr).  The handle is the fixture's own, opened on first use;
 * libxengntshr registers no xentoolcore handle, so the test's
 * xentoolcore_restrict_all neither sees nor changes it.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <xengnttab.h>
#include <xentoollog.h>

#include <xrc/libfixture.h>

#include "proto.h"

#define MAX_SHARED	256

static struct {
	pthread_mutex_t lock;
	xengntshr_handle *xgs;
	void *page[MAX_SHARED];
} sh = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void say_nothing(struct xentoollog_logger *logger,
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

static void keep_nothing(struct xentoollog_logger *logger)
{
	(void)logger;
}

static xentoollog_logger quiet = {
	.vmessage = say_nothing,
	.destroy = keep_nothing,
};

static int slot_of(const void *page)
{
	int i;

	for (i = 0; i < MAX_SHARED; i++)
		if (sh.page[i] == page)
			return i;
	return -1;
}

void *xrc_lf_share(uint32_t grantee, bool writable, uint32_t *ref)
{
	void *p = NULL;
	int i, err = 0;

	pthread_mutex_lock(&sh.lock);
	i = slot_of(NULL);
	if (i < 0) {
		err = xrc_lf_set_error(ENOSPC, "share: %d pages already shared",
				       MAX_SHARED);
		goto out;
	}
	if (!sh.xgs)
		sh.xgs = xengntshr_open(&quiet, 0);
	if (!sh.xgs) {
		err = xrc_lf_set_error(errno, "share: xengntshr_open: %s",
				       strerror(errno));
		goto out;
	}
	p = xengntshr_share_pages(sh.xgs, grantee, 1, ref, writable);
	if (!p) {
		err = xrc_lf_set_error(errno, "share: xengntshr_share_pages(to "
				       "%u): %s", grantee, strerror(errno));
		goto out;
	}
	sh.page[i] = p;
out:
	pthread_mutex_unlock(&sh.lock);
	if (err)
		errno = -err;
	return p;
}

int xrc_lf_unshare(void *page)
{
	int i, rc = 0;

	pthread_mutex_lock(&sh.lock);
	i = page ? slot_of(page) : -1;
	if (i < 0)
		rc = xrc_lf_set_error(ENOENT, "unshare: %p is not shared", page);
	else if (xengntshr_unshare(sh.xgs, page, 1))
		rc = xrc_lf_set_error(errno, "unshare: %s", strerror(errno));
	else
		sh.page[i] = NULL;
	pthread_mutex_unlock(&sh.lock);
	return rc;
}

void xrc_lf_share_fini(void)
{
	int i;

	pthread_mutex_lock(&sh.lock);
	for (i = 0; i < MAX_SHARED; i++) {
		if (sh.page[i])
			xengntshr_unshare(sh.xgs, sh.page[i], 1);
		sh.page[i] = NULL;
	}
	if (sh.xgs)
		xengntshr_close(sh.xgs);
	sh.xgs = NULL;
	pthread_mutex_unlock(&sh.lock);
}
