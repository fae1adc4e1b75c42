/* SPDX-License-Identifier: MIT */
/*
 * xrc-dm-toolstack: the part of a toolstack that starts a device model,
 * done the way libxl 4.17 does it for an HVM guest with
 * device_model_version=qemu-xen, through Debian's libxenctrl and
 * libxenstore only.  It runs on any backend those libraries reach: the
 * sim under the preload, or a real dom0.
 */
#ifndef XRC_DM_H
#define XRC_DM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <xenstore.h>	/* struct xs_handle, xs_transaction_t */

/* When the toolstack adds the vkbd device (--pv-backend=WHEN). */
enum dm_pv {
	DM_PV_NONE,
	DM_PV_BEFORE,	/* before exec'ing QEMU, as libxl does */
	DM_PV_AFTER,	/* once QEMU is running (and has restricted) */
};

struct dm_opts {
	const char *qemu;	/* the device model binary */
	const char *rundir;	/* QMP sockets, QEMU's log */
	const char *xenstored;	/* start this xenstored, or NULL: one runs */
	bool restrict_dm;	/* -xen-domid-restrict */
	uint32_t mem_mb;	/* guest RAM (-m) */
	uint32_t vcpus;
	uint32_t others;	/* further guests present, not served */
	uint32_t wait_s;	/* how long QEMU may take to reach "running" */
	enum dm_pv pv_backend;	/* a vkbd with its backend in QEMU: when */
	char **then;		/* command run while QEMU serves, or NULL */
};

/* xs_entries.c: the xenstore entries libxl writes for guest and DM. */
int dm_xs_transact(struct xs_handle *xs,
		   int (*fill)(struct xs_handle *, xs_transaction_t, void *),
		   void *arg);
int dm_xs_guest(struct xs_handle *xs, uint32_t domid, const char *name,
		uint32_t mem_mb, uint32_t vcpus);
int dm_xs_device_model(struct xs_handle *xs, uint32_t domid);
void dm_xs_forget(struct xs_handle *xs, uint32_t domid);
/* pv_backend.c: libxl's vkbd device (backend in QEMU), state Initialising. */
int dm_xs_pv_backend(struct xs_handle *xs, uint32_t domid, unsigned dev);
/* Wait until device-model/<domid>/state reads `state`; 0, -ETIMEDOUT, -errno. */
int dm_xs_wait_state(struct xs_handle *xs, uint32_t domid, const char *state,
		     uint32_t seconds, pid_t dm_pid, int *dm_status);

/* xenstored.c: a private xenstored whose socket is RUNDIR/socket. */
pid_t dm_xenstored_start(const char *binary, const char *rundir);
void dm_xenstored_stop(pid_t pid);

/* qemu.c: the command line and the process. */
pid_t dm_qemu_spawn(const struct dm_opts *o, uint32_t domid, const char *name);
/* Stop it (SIGTERM, then SIGKILL); returns its wait status. */
int dm_qemu_stop(pid_t pid);

#endif /* XRC_DM_H */
