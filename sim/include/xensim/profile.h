/* SPDX-License-Identifier: MIT */
/*
 * Restrict profiles: the reference restrict implementation's behaviour as
 * data.  A profile is one table (sim/dev/profiles.c): for every device it
 * says what each operation does on a restricted handle, how the restrict
 * ioctl itself validates and repeats, and what an unknown ioctl answers.
 * The devices' audits read nothing else.  Profiles are named in one list,
 * <xensim/profile-list.h>; a derived profile's table states only where it
 * departs from its base's (sim/dev/profiles.c resolves them).
 */
#ifndef XENSIM_PROFILE_H
#define XENSIM_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

enum xsim_dev_kind {
	XSIM_DEV_PRIVCMD,
	XSIM_DEV_EVTCHN,
	XSIM_DEV_GNTDEV,
	XSIM_DEV_GNTALLOC,
	XSIM_NR_DEVS,		/* the devices a profile describes */
	/*
	 * /dev/xen/hypercall (Linux drivers/xen/privcmd-buf.c): hypercall
	 * buffers only, no ioctl, nothing to restrict.  Outside the profile
	 * tables; present in every profile.
	 */
	XSIM_DEV_HYPERCALL = XSIM_NR_DEVS,
	/*
	 * /proc/xen/xsd_port and /proc/xen/xsd_kva (Linux
	 * drivers/xen/xenfs/xenstored.c): dom0's xenstore event channel and
	 * ring page, for a xenstored running in dom0.  Outside the profile
	 * tables; present in dom0 in every profile.
	 */
	XSIM_DEV_XSD_PORT,
	XSIM_DEV_XSD_KVA,
	/*
	 * /proc/xen/capabilities (Linux drivers/xen/xenfs/super.c) and
	 * /dev/xen/xenbus (drivers/xen/xenbus/xenbus_dev_frontend.c): who
	 * the caller is, and the xenstore keys the world gives it
	 * (sim/dev/xsd.c, sim/dev/xenbus.c).  Outside the profile tables;
	 * present in every profile, in every domain.
	 */
	XSIM_DEV_CAPABILITIES,
	XSIM_DEV_XENBUS,
	XSIM_NR_DEV_KINDS
};

/* Every operation of every device: one per ioctl of the uapi headers. */
enum xsim_op {
	/* privcmd (include/uapi/xen/privcmd.h) */
	XSIM_OP_PRIVCMD_HYPERCALL,
	XSIM_OP_PRIVCMD_MMAP,
	XSIM_OP_PRIVCMD_MMAPBATCH,
	XSIM_OP_PRIVCMD_MMAPBATCH_V2,
	XSIM_OP_PRIVCMD_DM_OP,
	XSIM_OP_PRIVCMD_RESTRICT,
	XSIM_OP_PRIVCMD_MMAP_RESOURCE,
	XSIM_OP_PRIVCMD_IRQFD,
	XSIM_OP_PRIVCMD_IOEVENTFD,
	XSIM_OP_PRIVCMD_PCIDEV_GET_GSI,
	/* evtchn (include/uapi/xen/evtchn.h) */
	XSIM_OP_EVTCHN_BIND_VIRQ,
	XSIM_OP_EVTCHN_BIND_INTERDOMAIN,
	XSIM_OP_EVTCHN_BIND_UNBOUND_PORT,
	XSIM_OP_EVTCHN_UNBIND,
	XSIM_OP_EVTCHN_NOTIFY,
	XSIM_OP_EVTCHN_RESET,
	XSIM_OP_EVTCHN_RESTRICT_DOMID,
	XSIM_OP_EVTCHN_BIND_STATIC,
	/* gntdev (include/uapi/xen/gntdev.h) */
	XSIM_OP_GNTDEV_MAP_GRANT_REF,
	XSIM_OP_GNTDEV_UNMAP_GRANT_REF,
	XSIM_OP_GNTDEV_GET_OFFSET_FOR_VADDR,
	XSIM_OP_GNTDEV_SET_MAX_GRANTS,
	XSIM_OP_GNTDEV_SET_UNMAP_NOTIFY,
	XSIM_OP_GNTDEV_GRANT_COPY,
	XSIM_OP_GNTDEV_DMABUF_EXP_FROM_REFS,
	XSIM_OP_GNTDEV_DMABUF_EXP_WAIT_RELEASED,
	XSIM_OP_GNTDEV_DMABUF_IMP_TO_REFS,
	XSIM_OP_GNTDEV_DMABUF_IMP_RELEASE,
	XSIM_OP_GNTDEV_RESTRICT,	/* proposal only: xengnttab_restrict */
	/* gntalloc (include/uapi/xen/gntalloc.h) */
	XSIM_OP_GNTALLOC_ALLOC_GREF,
	XSIM_OP_GNTALLOC_DEALLOC_GREF,
	XSIM_OP_GNTALLOC_SET_UNMAP_NOTIFY,
	XSIM_OP_GNTALLOC_RESTRICT,	/* proposal only: xengntshr_restrict */
	XSIM_NR_OPS
};

/* What an operation does on a restricted handle. */
enum xsim_rule_kind {
	XSIM_RULE_ABSENT = 0,	/* no such ioctl: the device's unknown errno */
	XSIM_RULE_OPEN,		/* not checked at all */
	XSIM_RULE_DENY,		/* refused with err */
	XSIM_RULE_TARGET,	/* allowed iff its target domain is the restricted one, else err */
	XSIM_RULE_RESTRICT,	/* the restrict ioctl itself (see xsim_restrict_rule) */
};

/* When a refusal is decided relative to copying the arguments (EFAULT). */
enum xsim_when {
	XSIM_AFTER_COPY = 0,
	XSIM_BEFORE_COPY,
};

struct xsim_rule {
	uint8_t kind;		/* enum xsim_rule_kind */
	uint8_t when;		/* enum xsim_when */
	int16_t err;		/* positive errno for DENY/TARGET */
};

/* How the restrict ioctl of a device behaves. */
struct xsim_restrict_rule {
	/* Already restricted: errno for the same / another domid (0: succeed). */
	int16_t again_same;
	int16_t again_other;
	uint8_t again_when;	/* repeat refusal before or after the copy */
	/* Domids refused with bad_err: 0, >= DOMID_FIRST_RESERVED. */
	bool reject_zero;
	bool reject_reserved;
	int16_t bad_err;
	/* DOMID_INVALID accepted but leaves the handle unrestricted (Linux privcmd). */
	bool invalid_is_noop;
};

/* A raw HYPERCALL on a restricted privcmd handle: per hypercall number. */
struct xsim_hypercall_rule {
	uint8_t kind;		/* OPEN, DENY or TARGET */
	uint8_t domid_arg;	/* TARGET: which arg carries the domid */
	int16_t err;
};

#define XSIM_NR_HYPERCALLS	64u

struct xsim_dev_policy {
	bool present;			/* device node exists */
	int16_t unknown_err;		/* unknown ioctl */
	/*
	 * Deferred effects: what a call arranged and a later event carries
	 * out (a gntdev mmap of a grant MAP_GRANT_REF recorded, an unmap
	 * notification's event at the release).  On a restricted handle,
	 * one that would reach a domain other than the target is refused
	 * with this errno when it would happen (sim/dev/grantmap.c,
	 * xsim_deferred_check); 0: never checked.
	 */
	int16_t deferred_err;
	struct xsim_restrict_rule restrict_rule;
	struct xsim_rule op[XSIM_NR_OPS];
};

struct xsim_profile {
	/* From the list (<xensim/profile-list.h>), filled when resolved. */
	const char *name;
	const char *summary;
	const char *mirrors;		/* the source it follows */
	const char *base;		/* the profile it departs from, or NULL */
	char code;			/* stable one-byte identifier (fuzz inputs) */
	/* Handles opened from a domU are born restricted (XSA-482). */
	bool born_restricted_in_domu;
	struct xsim_dev_policy dev[XSIM_NR_DEVS];
	/* Raw hypercalls on a restricted privcmd: default + exceptions. */
	struct xsim_hypercall_rule hypercall_default;
	struct xsim_hypercall_rule hypercall[XSIM_NR_HYPERCALLS];
};

/* A handle's restriction (Linux: privcmd_data.domid, evtchn restrict_domid). */
struct xsim_restrict_state {
	bool restricted;
	uint16_t domid;
};

#define XSIM_NO_TARGET	0xFFFFFFFFu

const struct xsim_profile *xsim_profile_find(const char *name);
/* The profile whose stable identifier is code, or NULL. */
const struct xsim_profile *xsim_profile_by_code(int code);
/* NULL-terminated list of all profiles, in documentation order. */
const struct xsim_profile *const *xsim_profiles(void);
enum xsim_dev_kind xsim_op_dev(enum xsim_op op);
const char *xsim_op_name(enum xsim_op op);
const char *xsim_dev_name(enum xsim_dev_kind dev);

/*
 * The audit core, a pure function: may a handle in state st perform op
 * aimed at target (XSIM_NO_TARGET if the op names none), at this point
 * (before or after copying the arguments)?  0 or -errno.  Operations not
 * restricted by the table pass.  Every device audit ends here.
 */
int xsim_audit_rule(const struct xsim_profile *p, enum xsim_op op,
		    const struct xsim_restrict_state *st, uint32_t target,
		    enum xsim_when when);
/* The restrict ioctl: new state for a request to restrict to domid. */
int xsim_audit_restrict(const struct xsim_profile *p, enum xsim_dev_kind dev,
			struct xsim_restrict_state *st, uint32_t domid,
			enum xsim_when when);
/* A raw hypercall on privcmd. */
int xsim_audit_hypercall(const struct xsim_profile *p,
			 const struct xsim_restrict_state *st, uint64_t op,
			 const uint64_t arg[5]);

#endif /* XENSIM_PROFILE_H */
