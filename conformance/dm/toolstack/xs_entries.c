/* SPDX-License-Identifier: MIT */
/*
 * The xenstore side of starting a device model, as libxl 4.17 writes it:
 * the guest's directories and their permissions
 * (tools/libs/light/libxl_create.c libxl__domain_make), the memory and
 * libxl keys (libxl_dom.c libxl__build_post), the device model's directory
 * (libxl_dm.c libxl__spawn_local_dm), and the wait for QEMU to write
 * "running" into device-model/<domid>/state (libxl's xswait).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <xenstore.h>

#include "dm.h"

struct node {
	const char *fmt;	/* relative to /local/domain/<domid> */
	int perm;		/* 'r': dom0 owns, guest reads; 'w': guest owns */
};

/* libxl__domain_make's directories under dom_path. */
static const struct node guest_nodes[] = {
	{ "", 'r' }, { "/cpu", 'r' }, { "/memory", 'r' }, { "/device", 'r' },
	{ "/device/suspend/event-channel", 'w' }, { "/control", 'r' },
	{ "/hvmloader", 'r' }, { "/control/shutdown", 'w' },
	{ "/control/feature-poweroff", 'w' }, { "/control/feature-reboot", 'w' },
	{ "/control/feature-suspend", 'w' }, { "/control/feature-s3", 'w' },
	{ "/control/feature-s4", 'w' }, { "/control/sysrq", 'w' },
	{ "/data", 'w' }, { "/drivers", 'w' }, { "/feature", 'w' },
	{ "/attr", 'w' }, { "/error", 'w' },
};

static int mknod_perm(struct xs_handle *xs, xs_transaction_t t,
		      const char *path, int perm, uint32_t domid)
{
	struct xs_permissions ro[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = domid, .perms = XS_PERM_READ },
	};
	struct xs_permissions rw[1] = { { .id = domid, .perms = XS_PERM_NONE } };
	struct xs_permissions none[1] = { { .id = 0, .perms = XS_PERM_NONE } };

	if (!xs_write(xs, t, path, "", 0))
		return -errno;
	if (perm == 'r' && !xs_set_permissions(xs, t, path, ro, 2))
		return -errno;
	if (perm == 'w' && !xs_set_permissions(xs, t, path, rw, 1))
		return -errno;
	if (perm == 'n' && !xs_set_permissions(xs, t, path, none, 1))
		return -errno;
	return 0;
}

static int put(struct xs_handle *xs, xs_transaction_t t, const char *path,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int put(struct xs_handle *xs, xs_transaction_t t, const char *path,
	       const char *fmt, ...)
{
	char val[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return xs_write(xs, t, path, val, strlen(val)) ? 0 : -errno;
}

static int guest_entries(struct xs_handle *xs, xs_transaction_t t,
			 uint32_t domid, const char *name, uint32_t mem_mb,
			 uint32_t vcpus)
{
	char dom[64], vm[96], libxl[64], p[192];
	char uuid[40];
	unsigned i;
	int rc = 0;

	snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
	/* The guest's UUID: anything unique will do; this names the domid. */
	snprintf(uuid, sizeof(uuid), "00000000-0000-4000-8000-%012x", domid);
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	snprintf(libxl, sizeof(libxl), "/libxl/%u", domid);
	xs_rm(xs, t, dom);
	xs_rm(xs, t, vm);
	xs_rm(xs, t, libxl);
	for (i = 0; !rc && i < sizeof(guest_nodes) / sizeof(guest_nodes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", dom, guest_nodes[i].fmt);
		rc = mknod_perm(xs, t, p, guest_nodes[i].perm, domid);
	}
	if (!rc)
		rc = mknod_perm(xs, t, vm, 'r', domid);
	if (!rc)
		rc = mknod_perm(xs, t, libxl, 'n', domid);
#define PUT(path_fmt, arg, ...)						\
	do {								\
		if (!rc) {						\
			snprintf(p, sizeof(p), path_fmt, arg);		\
			rc = put(xs, t, p, __VA_ARGS__);		\
		}							\
	} while (0)
	PUT("%s/vm", dom, "%s", vm);
	PUT("%s/name", dom, "%s", name);
	PUT("%s/domid", dom, "%u", domid);
	PUT("%s/uuid", vm, "%s", uuid);
	PUT("%s/name", vm, "%s", name);
	PUT("%s/start_time", vm, "%ld.00", (long)time(NULL));
	/* libxl__build_post: the balloon target and limits, in KiB. */
	PUT("%s/memory/static-max", dom, "%u", mem_mb * 1024);
	PUT("%s/memory/target", dom, "%u", mem_mb * 1024);
	PUT("%s/memory/videoram", dom, "%u", 0);
	PUT("%s/cpu/0/availability", dom, "%s", "online");
	PUT("%s/dm-version", libxl, "%s", "qemu_xen");
	PUT("%s/type", libxl, "%s", "hvm");
#undef PUT
	(void)vcpus;
	return rc;
}

/*
 * Run fill() inside a transaction, retrying one that ends in EAGAIN as
 * libxl's libxl__xs_transaction_commit does.  0, or -errno.
 */
int dm_xs_transact(struct xs_handle *xs,
		   int (*fill)(struct xs_handle *, xs_transaction_t, void *),
		   void *arg)
{
	int rc, tries;

	for (tries = 0; tries < 16; tries++) {
		xs_transaction_t t = xs_transaction_start(xs);

		if (t == XBT_NULL)
			return -errno;
		rc = fill(xs, t, arg);
		if (rc) {
			xs_transaction_end(xs, t, true);
			return rc;
		}
		if (xs_transaction_end(xs, t, false))
			return 0;
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}

struct guest_args {
	uint32_t domid, mem_mb, vcpus;
	const char *name;
};

static int fill_guest(struct xs_handle *xs, xs_transaction_t t, void *arg)
{
	const struct guest_args *g = arg;

	return guest_entries(xs, t, g->domid, g->name, g->mem_mb, g->vcpus);
}

int dm_xs_guest(struct xs_handle *xs, uint32_t domid, const char *name,
		uint32_t mem_mb, uint32_t vcpus)
{
	struct guest_args g = { .domid = domid, .mem_mb = mem_mb,
				.vcpus = vcpus, .name = name };

	return dm_xs_transact(xs, fill_guest, &g);
}

int dm_xs_device_model(struct xs_handle *xs, uint32_t domid)
{
	char p[96];

	snprintf(p, sizeof(p), "/local/domain/0/device-model/%u", domid);
	xs_rm(xs, XBT_NULL, p);
	return xs_mkdir(xs, XBT_NULL, p) ? 0 : -errno;
}

void dm_xs_forget(struct xs_handle *xs, uint32_t domid)
{
	char p[96];

	/* libxl__destroy_domid's xenstore part. */
	snprintf(p, sizeof(p), "/local/domain/0/device-model/%u", domid);
	xs_rm(xs, XBT_NULL, p);
	snprintf(p, sizeof(p), "/local/domain/%u", domid);
	xs_rm(xs, XBT_NULL, p);
	snprintf(p, sizeof(p), "/vm/00000000-0000-4000-8000-%012x", domid);
	xs_rm(xs, XBT_NULL, p);
	snprintf(p, sizeof(p), "/libxl/%u", domid);
	xs_rm(xs, XBT_NULL, p);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

int dm_xs_wait_state(struct xs_handle *xs, uint32_t domid, const char *state,
		     uint32_t seconds, pid_t dm_pid, int *dm_status)
{
	char path[96];
	struct timespec t0;
	int rc = -ETIMEDOUT;

	snprintf(path, sizeof(path), "/local/domain/0/device-model/%u/state",
		 domid);
	/* A watch fires once at once, then on every change (xenstored). */
	if (!xs_watch(xs, path, "dm-state"))
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms_since(&t0) < (long)seconds * 1000) {
		struct pollfd pfd = { .fd = xs_fileno(xs), .events = POLLIN };
		unsigned n;
		char *val;

		/* Poll in short steps: QEMU may die instead of answering. */
		if (waitpid(dm_pid, dm_status, WNOHANG) == dm_pid) {
			rc = -ECHILD;
			break;
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		free(xs_read_watch(xs, &n));
		val = xs_read(xs, XBT_NULL, path, &n);
		if (val && !strcmp(val, state)) {
			free(val);
			rc = 0;
			break;
		}
		free(val);
	}
	xs_unwatch(xs, path, "dm-state");
	return rc;
}
