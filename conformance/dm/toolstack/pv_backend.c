/* SPDX-License-Identifier: MIT */
/*
 * One PV device with its backend in QEMU, added the way libxl 4.17 adds
 * the vkbd an HVM guest gets by default (tools/libs/light/libxl_vkb.c
 * through libxl_device.c libxl__device_generic_add): the backend directory
 * under dom0, owned by dom0 and readable by the guest; the frontend
 * directory under the guest, owned by the guest and readable by dom0;
 * both in state Initialising.  QEMU's legacy backend core
 * (hw/xen/xen-legacy-backend.c) watches backend/vkbd/<domid> and opens an
 * evtchn handle for every device that appears there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xenstore.h>

#include "dm.h"

static int wr(struct xs_handle *xs, xs_transaction_t t, const char *dir,
	      const char *key, const char *val)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, key);
	return xs_write(xs, t, p, val, strlen(val)) ? 0 : -errno;
}

static int vkbd_entries(struct xs_handle *xs, xs_transaction_t t,
			uint32_t domid, unsigned dev)
{
	struct xs_permissions be_perm[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = domid, .perms = XS_PERM_READ },
	};
	struct xs_permissions fe_perm[2] = {
		{ .id = domid, .perms = XS_PERM_NONE },
		{ .id = 0, .perms = XS_PERM_READ },
	};
	char be[128], fe[128], id[16];
	int rc;

	snprintf(be, sizeof(be), "/local/domain/0/backend/vkbd/%u/%u", domid,
		 dev);
	snprintf(fe, sizeof(fe), "/local/domain/%u/device/vkbd/%u", domid, dev);
	snprintf(id, sizeof(id), "%u", domid);
	if (!xs_mkdir(xs, t, fe) || !xs_set_permissions(xs, t, fe, fe_perm, 2) ||
	    !xs_mkdir(xs, t, be) || !xs_set_permissions(xs, t, be, be_perm, 2))
		return -errno;
	rc = wr(xs, t, fe, "backend", be);
	if (!rc)
		rc = wr(xs, t, fe, "backend-id", "0");
	if (!rc)
		rc = wr(xs, t, fe, "state", "1");
	if (!rc)
		rc = wr(xs, t, be, "frontend", fe);
	if (!rc)
		rc = wr(xs, t, be, "frontend-id", id);
	if (!rc)
		rc = wr(xs, t, be, "online", "1");
	if (!rc)
		rc = wr(xs, t, be, "state", "1");
	return rc;
}

struct vkbd_args {
	uint32_t domid;
	unsigned dev;
};

static int fill_vkbd(struct xs_handle *xs, xs_transaction_t t, void *arg)
{
	const struct vkbd_args *v = arg;

	return vkbd_entries(xs, t, v->domid, v->dev);
}

int dm_xs_pv_backend(struct xs_handle *xs, uint32_t domid, unsigned dev)
{
	struct vkbd_args v = { .domid = domid, .dev = dev };

	return dm_xs_transact(xs, fill_vkbd, &v);
}
