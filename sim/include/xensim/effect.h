/* SPDX-License-Identifier: MIT */
/*
 * The effect log: the oracle of the project.  Every machine operation that
 * reads or changes a domain's state appends one record naming that domain
 * and the device handle it came through.  A test proves that a restricted
 * handle touched nothing but its target by scanning the records between
 * two sequence numbers.  The device layer adds each handle's open,
 * restrict and close, so a report can tell a handle opened after a
 * restrict (a fresh open() is never restricted) even if it touched
 * nothing.
 *
 * The log is a ring in the world's shared memory; a reader that falls more
 * than a ring behind sees the loss (xsim_effect_read returns -ENOSPC).
 */
#ifndef XENSIM_EFFECT_H
#define XENSIM_EFFECT_H

#include <stdint.h>

struct xsim_world;

enum xsim_effect_kind {
	XSIM_EFF_READ = 1,	/* read the domain's state or memory */
	XSIM_EFF_WRITE = 2,	/* changed it */
	XSIM_EFF_MAP = 3,	/* handed out a mapping of its memory */
	XSIM_EFF_CREATE = 4,
	XSIM_EFF_DESTROY = 5,
	XSIM_EFF_EVENT = 6,	/* raised an event in it */
	XSIM_EFF_RESTRICT = 7,	/* the handle became restricted to domid */
	/*
	 * Handle life: opened from domid (the caller's own domain), closed.
	 * Neither touches a domain; readers that judge touches skip them
	 * (xsim_effect_touches_domain).  detail: the domain the handle is
	 * restricted to then (born restricted, XSA-482), or
	 * XSIM_EFF_UNRESTRICTED.
	 */
	XSIM_EFF_OPEN = 8,
	XSIM_EFF_CLOSE = 9,
	/*
	 * An effect the device refused when it was about to happen: a
	 * deferred effect of a restricted handle aimed at another domain
	 * (a gntdev mmap of a grant recorded before the restrict, a grant
	 * device's unmap notification; profile field deferred_err).
	 * Nothing was done: domid, op, subop and detail say what would
	 * have been.  Logged so that a refusal no call can report (munmap,
	 * close) is still seen; it touches no domain.
	 */
	XSIM_EFF_REFUSED = 10,
};

/* What was done: the hypercall family and sub-op, for humans and filters. */
enum xsim_effect_op {
	XSIM_OP_DOMAIN = 1,
	XSIM_OP_MEMORY,
	XSIM_OP_FOREIGN_MAP,
	XSIM_OP_EVTCHN,
	XSIM_OP_GNTTAB,
	XSIM_OP_DM_OP,
	XSIM_OP_HVM_OP,
	XSIM_OP_RESOURCE,
	XSIM_OP_VERSION,
	XSIM_OP_RESTRICT,	/* subop: enum xsim_dev_kind */
	XSIM_OP_HANDLE,		/* open/close; subop: enum xsim_dev_kind */
};

/* Handle identity in records: slot | gen << 24; XSIM_EFF_NO_HANDLE if none. */
#define XSIM_EFF_NO_HANDLE	0xFFFFFFFFu
/* detail of OPEN/CLOSE for a handle not restricted. */
#define XSIM_EFF_UNRESTRICTED	0xFFFFFFFFFFFFFFFFull

struct xsim_effect {
	uint64_t seq;		/* written last: a record is valid once seq matches */
	uint32_t handle;
	uint32_t pid;
	uint16_t domid;		/* the domain whose state was touched */
	uint8_t kind;		/* enum xsim_effect_kind */
	uint8_t op;		/* enum xsim_effect_op */
	uint32_t subop;
	uint64_t detail;	/* gfn, port, grant ref... */
};

/* Sequence number the next record will get. */
uint64_t xsim_effect_next(const struct xsim_world *w);

/*
 * Copy records [from, from + max) that exist into out; returns how many,
 * or -ENOSPC if some of them were already overwritten.
 */
long xsim_effect_read(const struct xsim_world *w, uint64_t from,
		      struct xsim_effect *out, uint32_t max);

/* Append a record (called by the machine; lock not required). */
void xsim_effect_add(struct xsim_world *w, uint32_t handle, uint16_t domid,
		     enum xsim_effect_kind kind, enum xsim_effect_op op,
		     uint32_t subop, uint64_t detail);

/*
 * Does the record stand for an operation on its domain?  Opens, closes
 * and restricts only mark a handle's life; a refusal did nothing.
 */
static inline int xsim_effect_touches_domain(unsigned kind)
{
	return kind != XSIM_EFF_RESTRICT && kind != XSIM_EFF_OPEN &&
	       kind != XSIM_EFF_CLOSE && kind != XSIM_EFF_REFUSED;
}

const char *xsim_effect_kind_name(unsigned kind);
const char *xsim_effect_op_name(unsigned op);

#endif /* XENSIM_EFFECT_H */
