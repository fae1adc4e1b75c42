/* SPDX-License-Identifier: MIT */
/*
 * Deliberate defects, for self-tests only: the conformance suite and the
 * fuzzers must prove that they catch an escape.  The code exists only in
 * the build/planted/ variant (compiled with -DXSIM_PLANTED); a normal build
 * cannot contain it.  At run time XENSIM_PLANT=NAME[,NAME...] picks which.
 *
 *   dm-op-nr3           privcmd DM_OP skips the domid audit when num == 3
 *   mmapbatch-v2        privcmd MMAPBATCH_V2 skips the domid audit
 *   evtchn-interdomain  evtchn BIND_INTERDOMAIN skips the domid audit
 *   evtchn-reset        evtchn RESET lifts the restriction
 */
#ifndef XENSIM_PLANTED_H
#define XENSIM_PLANTED_H

#include <stdbool.h>

#ifdef XSIM_PLANTED
bool xsim_planted(const char *name);
#define XSIM_PLANT(name)	xsim_planted(name)
#else
#define XSIM_PLANT(name)	false
#endif

#endif /* XENSIM_PLANTED_H */
