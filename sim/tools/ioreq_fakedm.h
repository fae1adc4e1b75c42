/* SPDX-License-Identifier: MIT */
/*
 * A fake device model for xensim-ioreq --fake-dm: a thread of the tool
 * that serves one HVM domain's ioreqs the way QEMU 7.2's xenfv machine
 * would answer the builtin `pc` script (i440FX and PIIX3 config space
 * IDs, CMOS bytes, VGA sequencer and memory), so that the injector can be
 * shown and checked end to end without QEMU.  It sets itself up through
 * the machine API (dm_op, acquire_resource, bind_interdomain), not
 * through a device: a stand-in, not a client.
 */
#ifndef XENSIM_TOOLS_IOREQ_FAKEDM_H
#define XENSIM_TOOLS_IOREQ_FAKEDM_H

#include <stdint.h>

#include <xensim/world.h>

struct fakedm;

/* Create, map and enable a server on domid and start serving: 0 or -errno. */
int fakedm_start(struct xsim_world *w, uint32_t domid, struct fakedm **out);
/* Stop serving, destroy the server; returns how many requests it served. */
unsigned fakedm_stop(struct fakedm *dm);

#endif
