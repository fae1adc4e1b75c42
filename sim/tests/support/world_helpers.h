/* SPDX-License-Identifier: MIT */
/*
 * World helpers (wh_*) shared by the sim unit tests (sim/tests/): worlds,
 * callers, effect-log assertions and a fenced uaccess.  cmocka must be
 * included before this header.  Not a "fixture": that word belongs to the
 * conformance suite (conformance/suite/setup/, xrc_setup_*) and to libxrcfixture
 * (conformance/clients/libfixture/, xrc_lf_*).
 */
#ifndef XENSIM_TEST_WORLD_HELPERS_H
#define XENSIM_TEST_WORLD_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xensim/effect.h>
#include <xensim/machine.h>
#include <xensim/world.h>

/* A private world for one test; fails the test if it cannot be made. */
struct xsim_world *wh_world(const char *profile, bool empty);

/* A caller in domain domid with no handle. */
struct xsim_caller wh_caller(struct xsim_world *w, uint16_t domid);

/*
 * Effect-log scan from seq `from` to now: how many records touched a
 * domain other than `domid` (through handle `handle`, or any handle if
 * handle == XSIM_EFF_NO_HANDLE).  Fails the test if records were lost.
 */
unsigned wh_effects_elsewhere(struct xsim_world *w, uint64_t from,
			      uint32_t handle, uint16_t domid);
/* Records from `from` touching domid (any handle). */
unsigned wh_effects_on(struct xsim_world *w, uint64_t from, uint16_t domid);

/*
 * A page nothing may read or write (PROT_NONE, right after a writable one),
 * and a uaccess over this process that answers EFAULT for any copy
 * touching it without faulting: cmocka replaces the fault guard's SIGSEGV
 * handler around every test, so a test that wants EFAULT from a real bad
 * address uses these.  wh_fence() maps the page on first use.
 */
uint8_t *wh_fence(void);
int wh_fenced_copy_in(void *ctx, void *dst, uint64_t uaddr, size_t len);
int wh_fenced_copy_out(void *ctx, uint64_t uaddr, const void *src, size_t len);
extern const struct xsim_uaccess wh_fenced;

#endif
