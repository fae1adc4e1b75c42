/* SPDX-License-Identifier: MIT */
/*
 * The escape rule: which effect-log record shows a restricted handle
 * causing an effect on another domain.  One rule, read by both judges of
 * the project (the fuzz escape oracle, fuzz/src/program.c, per handle;
 * xensim-dm-report, conformance/dm/judge/, per process), so that they
 * cannot disagree.  It reads effect records only, never the world, so it
 * lives next to the effect log (sim/machine/escape.c).
 *
 * The rule, judged when the effect happens (not when the call that
 * arranged it was made):
 *
 *   after the restriction, a handle causes no effect on a domain other
 *   than its target,
 *
 * except the use or release of what it held before the restriction and
 * that the contract leaves in place:
 *   - an event-channel handle's ports bound before (uapi evtchn.h:
 *     "Event channels which were bound before restricting remain bound
 *     afterwards, and can be notified as usual"): sends, unbinds, status;
 *   - a grant device's mappings and grants made before: unmapping them,
 *     ending the access (a restriction that leaked them would be worse).
 * Deferred effects are not carried: a gntdev mmap of a grant recorded by
 * MAP_GRANT_REF before the restriction maps it now, and a grant device's
 * unmap notification raises its event now, on a port the grant handle
 * never held; both are escapes if they reach another domain.
 *
 * What a judge keys the restriction on is its own business (a handle's
 * RESTRICT record, or a process's first one): it says so in the scope.
 */
#ifndef XENSIM_ESCAPE_H
#define XENSIM_ESCAPE_H

#include <stdbool.h>
#include <stdint.h>

#include <xensim/effect.h>

/* Something a handle holds, as the effect log names it. */
struct xsim_escape_key {
	uint16_t domid;
	uint8_t op;		/* enum xsim_effect_op */
	uint64_t detail;	/* port, grant ref */
};

/*
 * A set of keys in caller-provided slots (an open-addressing table whose
 * slots are valid only with the set's stamp, so clearing is O(1)).  Past
 * three quarters full, new keys keep (domain, family) only: less precise,
 * never a false escape.
 */
struct xsim_escape_slot {
	uint32_t stamp;
	uint16_t domid;
	uint8_t op;
	uint8_t pad;
	uint64_t detail;
};

struct xsim_escape_held {
	struct xsim_escape_slot *slot;
	uint32_t nslots;	/* a power of two */
	uint32_t n;
	uint32_t stamp;
};

void xsim_escape_held_init(struct xsim_escape_held *s,
			   struct xsim_escape_slot *slots, uint32_t nslots);
void xsim_escape_held_clear(struct xsim_escape_held *s);
void xsim_escape_held_add(struct xsim_escape_held *s,
			  const struct xsim_escape_key *k);
bool xsim_escape_held_has(const struct xsim_escape_held *s,
			  const struct xsim_escape_key *k);

/* What a judge knows of the handle behind a record. */
struct xsim_escape_scope {
	bool restricted;	/* the record comes after the restriction */
	uint16_t target;	/* the domain it is restricted to */
	uint16_t caller;	/* its own domain: DOMID_SELF means it */
	int dev;		/* enum xsim_dev_kind, -1 if unknown */
	/* Held from before the restriction (NULL: nothing). */
	const struct xsim_escape_held *held;
};

enum xsim_escape_verdict {
	XSIM_ESCAPE_NONE = 0,	/* no touch: open, close, restrict, no handle */
	XSIM_ESCAPE_REFUSED,	/* an effect the device refused (not made) */
	XSIM_ESCAPE_BEFORE,	/* not restricted yet */
	XSIM_ESCAPE_TARGET,	/* on its target */
	XSIM_ESCAPE_CARRIED,	/* use or release of what it held before */
	XSIM_ESCAPE_YES,	/* an escape */
};

/* The rule (above): the verdict on one record. */
enum xsim_escape_verdict xsim_escape_judge(const struct xsim_escape_scope *s,
					   const struct xsim_effect *e);

/*
 * Before the restriction: add what the record shows the handle acquiring
 * (its key) to held.  Every touch is remembered; the rule decides which
 * later records a held key excuses.
 */
void xsim_escape_note(struct xsim_escape_held *held,
		      const struct xsim_effect *e);

const char *xsim_escape_verdict_name(enum xsim_escape_verdict v);

/*
 * The per-handle view (the fuzz escape oracle): a handle is restricted
 * from its own RESTRICT record on, and holds what it touched before.
 * The per-process view (xensim-dm-report) builds its scope itself.
 */
struct xsim_escape_handle {
	bool restricted;
	uint16_t target;
	uint16_t caller;
	int dev;
	struct xsim_escape_held held;
};

/* A fresh handle of dev opened from domain caller; slots hold its keys. */
void xsim_escape_handle_open(struct xsim_escape_handle *h, int dev,
			     uint16_t caller, struct xsim_escape_slot *slots,
			     uint32_t nslots);
/*
 * One record of this handle, in sequence order: a RESTRICT record
 * restricts it (XSIM_ESCAPE_NONE), a touch before it is noted as held.
 */
enum xsim_escape_verdict
xsim_escape_handle_effect(struct xsim_escape_handle *h,
			  const struct xsim_effect *e);

#endif /* XENSIM_ESCAPE_H */
