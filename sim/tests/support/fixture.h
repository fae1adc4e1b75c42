/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers for the sim unit tests: worlds, callers and effect-log
 * assertions.  cmocka must be included before this header.
 */
#ifndef XENSIM_TEST_FIXTURE_H
#define XENSIM_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xensim/effect.h>
#include <xensim/machine.h>
#include <xensim/world.h>

/* A private world for one test; fails the test if it cannot be made. */
struct xsim_world *fx_world(const char *profile, bool empty);

/* A caller in domain domid with no handle. */
struct xsim_caller fx_caller(struct xsim_world *w, uint16_t domid);

/*
 * Effect-log scan from seq `from` to now: how many records touched a
 * domain other than `domid` (through handle `handle`, or any handle if
 * handle == XSIM_EFF_NO_HANDLE).  Fails the test if records were lost.
 */
unsigned fx_effects_elsewhere(struct xsim_world *w, uint64_t from,
			      uint32_t handle, uint16_t domid);
/* Records from `from` touching domid (any handle). */
unsigned fx_effects_on(struct xsim_world *w, uint64_t from, uint16_t domid);

/*
 * A page nothing may read or write (PROT_NONE, right after a writable one),
 * and a uaccess over this process that answers EFAULT for any copy
 * touching it without faulting: cmocka replaces the fault guard's SIGSEGV
 * handler around every test, so a test that wants EFAULT from a real bad
 * address uses these.  fx_fence() maps the page on first use.
 */
uint8_t *fx_fence(void);
int fx_fenced_copy_in(void *ctx, void *dst, uint64_t uaddr, size_t len);
int fx_fenced_copy_out(void *ctx, uint64_t uaddr, const void *src, size_t len);
extern const struct xsim_uaccess fx_fenced;

#endif
