/* SPDX-License-Identifier: MIT */
/*
 * The profile tables.  Each profile is one initialiser below; the devices
 * and audits read nothing else.  Sources are cited per profile; see
 * ../shared/reference/restrict-survey.md for the readings behind them.
 */
#include <errno.h>
#include <string.h>

#include <xensim/profile.h>
#include <xensim/xen-const.h>

/* Rule shorthands. */
#define OPEN		{ .kind = XSIM_RULE_OPEN }
#define ABSENT		{ .kind = XSIM_RULE_ABSENT }
#define RESTRICT	{ .kind = XSIM_RULE_RESTRICT }
#define DENY(e)		{ .kind = XSIM_RULE_DENY, .when = XSIM_AFTER_COPY, .err = (e) }
#define DENY_EARLY(e)	{ .kind = XSIM_RULE_DENY, .when = XSIM_BEFORE_COPY, .err = (e) }
#define TARGET(e)	{ .kind = XSIM_RULE_TARGET, .err = (e) }

#define __HYPERVISOR_xen_version	17
#define __HYPERVISOR_dm_op		41

/*
 * proposed: the 2016 contract (tools/libs: "Introduce APIs to restrict
 * handles to a specific domain", ../shared/reference/proposal-*.txt).
 *
 * - Not on the whitelist: ENOSYS.  Whitelisted but aimed elsewhere: EPERM.
 * - The whitelist is what an auditor can check from the arguments alone:
 *   structured ops that name their target (MMAPBATCH_V2, DM_OP,
 *   MMAP_RESOURCE, IRQFD, IOEVENTFD, evtchn binds, grant maps/copies/
 *   shares) and, as raw hypercalls, dm_op (domid in arg 0, the design
 *   of docs/designs/dmop.pandoc) and xen_version (touches no domain).
 * - "only allowing the newest/currently preferred" mapping ioctl: MMAP and
 *   MMAPBATCH (v1) are not whitelisted.
 * - Where the proposal is silent we choose, and the suite marks the
 *   clause "unspecified": restricting again to the same domid succeeds
 *   (xentoolcore.h: "may succeed, or it may fail"); to another fails with
 *   EPERM (it is aimed at another domain) and the first stays; reserved
 *   domids (>= DOMID_FIRST_RESERVED: DOMID_SELF, DOMID_INVALID, ...) are
 *   refused with EINVAL, because Linux's "DOMID_INVALID leaves the handle
 *   unrestricted" is a silent bypass; domain 0 is a valid target (a
 *   driver domain may serve dom0).
 * - Grant devices get the restrict the proposal names (xengnttab_restrict,
 *   xengntshr_restrict): not upstream, see IOCTL_GNTDEV_RESTRICT_DOMID.
 */
#define PROPOSED_RESTRICT {						\
	.again_same = 0, .again_other = EPERM, .again_when = XSIM_AFTER_COPY, \
	.reject_zero = false, .reject_reserved = true, .bad_err = EINVAL, \
}

static const struct xsim_profile proposed = {
	.name = "proposed",
	.summary = "the 2016 contract: ENOSYS off the whitelist, EPERM for another domain",
	.mirrors = "xen-devel 2016, [PATCH XEN v8 28/29] tools/libs/...: Introduce APIs to restrict handles to a specific domain",
	.dev[XSIM_DEV_PRIVCMD] = {
		.present = true,
		.unknown_err = ENOTTY,
		.restrict_rule = PROPOSED_RESTRICT,
		.op = {
			[XSIM_OP_PRIVCMD_HYPERCALL] = TARGET(EPERM),
			[XSIM_OP_PRIVCMD_MMAP] = DENY(ENOSYS),
			[XSIM_OP_PRIVCMD_MMAPBATCH] = DENY(ENOSYS),
			[XSIM_OP_PRIVCMD_MMAPBATCH_V2] = TARGET(EPERM),
			[XSIM_OP_PRIVCMD_DM_OP] = TARGET(EPERM),
			[XSIM_OP_PRIVCMD_RESTRICT] = RESTRICT,
			[XSIM_OP_PRIVCMD_MMAP_RESOURCE] = TARGET(EPERM),
			[XSIM_OP_PRIVCMD_IRQFD] = TARGET(EPERM),
			[XSIM_OP_PRIVCMD_IOEVENTFD] = TARGET(EPERM),
			[XSIM_OP_PRIVCMD_PCIDEV_GET_GSI] = DENY(ENOSYS),
		},
	},
	.dev[XSIM_DEV_EVTCHN] = {
		.present = true,
		.unknown_err = ENOTTY,
		.restrict_rule = PROPOSED_RESTRICT,
		.op = {
			[XSIM_OP_EVTCHN_BIND_VIRQ] = DENY(ENOSYS),
			[XSIM_OP_EVTCHN_BIND_INTERDOMAIN] = TARGET(EPERM),
			[XSIM_OP_EVTCHN_BIND_UNBOUND_PORT] = TARGET(EPERM),
			[XSIM_OP_EVTCHN_UNBIND] = OPEN,
			[XSIM_OP_EVTCHN_NOTIFY] = OPEN,
			[XSIM_OP_EVTCHN_RESET] = OPEN,
			[XSIM_OP_EVTCHN_RESTRICT_DOMID] = RESTRICT,
			[XSIM_OP_EVTCHN_BIND_STATIC] = DENY(ENOSYS),
		},
	},
	.dev[XSIM_DEV_GNTDEV] = {
		.present = true,
		.unknown_err = ENOTTY,
		.restrict_rule = PROPOSED_RESTRICT,
		.op = {
			[XSIM_OP_GNTDEV_MAP_GRANT_REF] = TARGET(EPERM),
			[XSIM_OP_GNTDEV_UNMAP_GRANT_REF] = OPEN,
			[XSIM_OP_GNTDEV_GET_OFFSET_FOR_VADDR] = OPEN,
			[XSIM_OP_GNTDEV_SET_MAX_GRANTS] = OPEN,
			[XSIM_OP_GNTDEV_SET_UNMAP_NOTIFY] = OPEN,
			[XSIM_OP_GNTDEV_GRANT_COPY] = TARGET(EPERM),
			/* dma-buf export/import is not modelled (see sim/README.md). */
			[XSIM_OP_GNTDEV_RESTRICT] = RESTRICT,
		},
	},
	.dev[XSIM_DEV_GNTALLOC] = {
		.present = true,
		.unknown_err = ENOTTY,
		.restrict_rule = PROPOSED_RESTRICT,
		.op = {
			[XSIM_OP_GNTALLOC_ALLOC_GREF] = TARGET(EPERM),
			[XSIM_OP_GNTALLOC_DEALLOC_GREF] = OPEN,
			[XSIM_OP_GNTALLOC_SET_UNMAP_NOTIFY] = OPEN,
			[XSIM_OP_GNTALLOC_RESTRICT] = RESTRICT,
		},
	},
	.hypercall_default = { .kind = XSIM_RULE_DENY, .err = ENOSYS },
	.hypercall = {
		[__HYPERVISOR_xen_version] = { .kind = XSIM_RULE_OPEN },
		[__HYPERVISOR_dm_op] = { .kind = XSIM_RULE_TARGET, .domid_arg = 0, .err = EPERM },
	},
};

/*
 * linux: Linux 6.1 (Debian 12's 6.1.0), drivers/xen/privcmd.c, evtchn.c,
 * gntdev.c, gntalloc.c; restrict-survey.md section 1, checked against a
 * real dom0 in linux-dom0-observed.md.
 *
 * privcmd: raw HYPERCALL refused with EPERM before the copy; structured
 * ops EPERM on a domid mismatch after the copy; RESTRICT stores any domid
 * (same again: 0, other: EINVAL; DOMID_INVALID is its "unrestricted");
 * unknown ioctls ENOTTY.  6.1 has no IRQFD, IOEVENTFD or PCIDEV_GET_GSI.
 * evtchn: EACCES for a second restrict (any domid, before the copy), for
 * VIRQ and unbound-port binds (before the copy) and for an interdomain
 * bind elsewhere (after); restrict to 0 or >= DOMID_FIRST_RESERVED is
 * EINVAL; unknown ioctls ENOSYS; 6.1 has no BIND_STATIC.
 * gntdev/gntalloc: no restrict at all; SET_MAX_GRANTS is in the header
 * only (gntdev_ioctl has no case for it).
 */
#define LINUX_PRIVCMD {							\
	.present = true,						\
	.unknown_err = ENOTTY,						\
	.restrict_rule = {						\
		.again_same = 0, .again_other = EINVAL,			\
		.again_when = XSIM_AFTER_COPY, .invalid_is_noop = true,	\
	},								\
	.op = {								\
		[XSIM_OP_PRIVCMD_HYPERCALL] = DENY_EARLY(EPERM),	\
		[XSIM_OP_PRIVCMD_MMAP] = TARGET(EPERM),			\
		[XSIM_OP_PRIVCMD_MMAPBATCH] = TARGET(EPERM),		\
		[XSIM_OP_PRIVCMD_MMAPBATCH_V2] = TARGET(EPERM),		\
		[XSIM_OP_PRIVCMD_DM_OP] = TARGET(EPERM),		\
		[XSIM_OP_PRIVCMD_RESTRICT] = RESTRICT,			\
		[XSIM_OP_PRIVCMD_MMAP_RESOURCE] = TARGET(EPERM),	\
	},								\
}

#define LINUX_EVTCHN {							\
	.present = true,						\
	.unknown_err = ENOSYS,						\
	.restrict_rule = {						\
		.again_same = EACCES, .again_other = EACCES,		\
		.again_when = XSIM_BEFORE_COPY,				\
		.reject_zero = true, .reject_reserved = true,		\
		.bad_err = EINVAL,					\
	},								\
	.op = {								\
		[XSIM_OP_EVTCHN_BIND_VIRQ] = DENY_EARLY(EACCES),	\
		[XSIM_OP_EVTCHN_BIND_INTERDOMAIN] = TARGET(EACCES),	\
		[XSIM_OP_EVTCHN_BIND_UNBOUND_PORT] = DENY_EARLY(EACCES), \
		[XSIM_OP_EVTCHN_UNBIND] = OPEN,				\
		[XSIM_OP_EVTCHN_NOTIFY] = OPEN,				\
		[XSIM_OP_EVTCHN_RESET] = OPEN,				\
		[XSIM_OP_EVTCHN_RESTRICT_DOMID] = RESTRICT,		\
	},								\
}

#define LINUX_GNTDEV {							\
	.present = true,						\
	.unknown_err = ENOTTY,						\
	.op = {								\
		[XSIM_OP_GNTDEV_MAP_GRANT_REF] = OPEN,			\
		[XSIM_OP_GNTDEV_UNMAP_GRANT_REF] = OPEN,		\
		[XSIM_OP_GNTDEV_GET_OFFSET_FOR_VADDR] = OPEN,		\
		[XSIM_OP_GNTDEV_SET_UNMAP_NOTIFY] = OPEN,		\
		[XSIM_OP_GNTDEV_GRANT_COPY] = OPEN,			\
	},								\
}

#define LINUX_GNTALLOC {						\
	.present = true,						\
	.unknown_err = ENOTTY,						\
	.op = {								\
		[XSIM_OP_GNTALLOC_ALLOC_GREF] = OPEN,			\
		[XSIM_OP_GNTALLOC_DEALLOC_GREF] = OPEN,			\
		[XSIM_OP_GNTALLOC_SET_UNMAP_NOTIFY] = OPEN,		\
	},								\
}

/* An event-channel device with no restrict (FreeBSD, NetBSD). */
#define UNRESTRICTED_EVTCHN(unknown) {					\
	.present = true,						\
	.unknown_err = (unknown),					\
	.op = {								\
		[XSIM_OP_EVTCHN_BIND_VIRQ] = OPEN,			\
		[XSIM_OP_EVTCHN_BIND_INTERDOMAIN] = OPEN,		\
		[XSIM_OP_EVTCHN_BIND_UNBOUND_PORT] = OPEN,		\
		[XSIM_OP_EVTCHN_UNBIND] = OPEN,				\
		[XSIM_OP_EVTCHN_NOTIFY] = OPEN,				\
		[XSIM_OP_EVTCHN_RESET] = OPEN,				\
	},								\
}

static const struct xsim_profile linux61 = {
	.name = "linux",
	.summary = "Linux 6.1 dom0: privcmd EPERM, evtchn EACCES, no grant restrict",
	.mirrors = "Linux 6.1 drivers/xen/{privcmd,evtchn,gntdev,gntalloc}.c",
	.dev = {
		[XSIM_DEV_PRIVCMD] = LINUX_PRIVCMD,
		[XSIM_DEV_EVTCHN] = LINUX_EVTCHN,
		[XSIM_DEV_GNTDEV] = LINUX_GNTDEV,
		[XSIM_DEV_GNTALLOC] = LINUX_GNTALLOC,
	},
};

/*
 * linux-xsa482: Linux 6.1 with the XSA-482 fix (stable 6.1.167; upstream
 * 453b8fb68f36 "xen/privcmd: restrict usage in unprivileged domU"): a
 * privcmd handle opened in a domU is born restricted to the domain's
 * xenstore "target", or DOMID_IDLE without one.  Observed on Debian's
 * 6.1.0-56 in a PV domU (linux-dom0-observed.md).
 */
static const struct xsim_profile linux_xsa482 = {
	.name = "linux-xsa482",
	.summary = "linux, plus domU privcmd handles born restricted (XSA-482)",
	.mirrors = "Linux 6.1.167+ drivers/xen/privcmd.c (XSA-482, CVE-2026-31788)",
	.born_restricted_in_domu = true,
	.dev = {
		[XSIM_DEV_PRIVCMD] = LINUX_PRIVCMD,
		[XSIM_DEV_EVTCHN] = LINUX_EVTCHN,
		[XSIM_DEV_GNTDEV] = LINUX_GNTDEV,
		[XSIM_DEV_GNTALLOC] = LINUX_GNTALLOC,
	},
};

/*
 * freebsd: FreeBSD's semantics carried onto the Linux ABI
 * (sys/dev/xen/privcmd/privcmd.c, sys/dev/xen/evtchn/evtchn_dev.c,
 * sys/xen/gntdev.h).  privcmd: HYPERCALL EPERM first; MMAPBATCH (v2
 * semantics), MMAP_RESOURCE and DM_OP EPERM on mismatch; RESTRICT again
 * with the same domid 0, another EINVAL (FreeBSD returns it negated,
 * which this ABI cannot express: we answer EINVAL); no v1 MMAP; unknown
 * ioctls ENOSYS.  evtchn: no restrict, unknown ioctls ENOTTY.  gntdev:
 * no restrict (the same ioctl answers as Linux's on this ABI).  No separate gntalloc device (FreeBSD's gntdev allocates).
 */
static const struct xsim_profile freebsd = {
	.name = "freebsd",
	.summary = "FreeBSD: privcmd restrict only; no evtchn or grant restrict",
	.mirrors = "FreeBSD sys/dev/xen/privcmd/privcmd.c, sys/dev/xen/evtchn/evtchn_dev.c",
	.dev[XSIM_DEV_PRIVCMD] = {
		.present = true,
		.unknown_err = ENOSYS,
		.restrict_rule = {
			.again_same = 0, .again_other = EINVAL,
			.again_when = XSIM_AFTER_COPY, .invalid_is_noop = true,
		},
		.op = {
			[XSIM_OP_PRIVCMD_HYPERCALL] = DENY_EARLY(EPERM),
			[XSIM_OP_PRIVCMD_MMAPBATCH_V2] = TARGET(EPERM),
			[XSIM_OP_PRIVCMD_DM_OP] = TARGET(EPERM),
			[XSIM_OP_PRIVCMD_RESTRICT] = RESTRICT,
			[XSIM_OP_PRIVCMD_MMAP_RESOURCE] = TARGET(EPERM),
		},
	},
	.dev[XSIM_DEV_EVTCHN] = UNRESTRICTED_EVTCHN(ENOTTY),
	.dev[XSIM_DEV_GNTDEV] = LINUX_GNTDEV,
	.dev[XSIM_DEV_GNTALLOC] = { .present = false },
};

/*
 * netbsd: no restriction anywhere (sys/arch/xen/xen/privcmd.c v1.66,
 * xenevt.c v1.65): no RESTRICT and no DM_OP; unknown ioctls EINVAL.
 * NetBSD has no gntdev/gntalloc nodes (privcmd carries grant ioctls).
 */
static const struct xsim_profile netbsd = {
	.name = "netbsd",
	.summary = "NetBSD: no restrict on any device",
	.mirrors = "NetBSD sys/arch/xen/xen/privcmd.c v1.66, xenevt.c v1.65",
	.dev[XSIM_DEV_PRIVCMD] = {
		.present = true,
		.unknown_err = EINVAL,
		.op = {
			[XSIM_OP_PRIVCMD_HYPERCALL] = OPEN,
			[XSIM_OP_PRIVCMD_MMAP] = OPEN,
			[XSIM_OP_PRIVCMD_MMAPBATCH] = OPEN,
			[XSIM_OP_PRIVCMD_MMAPBATCH_V2] = OPEN,
			[XSIM_OP_PRIVCMD_MMAP_RESOURCE] = OPEN,
		},
	},
	.dev[XSIM_DEV_EVTCHN] = UNRESTRICTED_EVTCHN(EINVAL),
	.dev[XSIM_DEV_GNTDEV] = { .present = false },
	.dev[XSIM_DEV_GNTALLOC] = { .present = false },
};

static const struct xsim_profile *const all[] = {
	&proposed, &linux61, &linux_xsa482, &freebsd, &netbsd, NULL,
};

const struct xsim_profile *const *xsim_profiles(void)
{
	return all;
}

const struct xsim_profile *xsim_profile_find(const char *name)
{
	const struct xsim_profile *const *p;

	for (p = all; *p; p++)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

static const struct {
	enum xsim_dev_kind dev;
	const char *name;
} op_info[XSIM_NR_OPS] = {
#define OPI(d, n) { XSIM_DEV_##d, n }
	[XSIM_OP_PRIVCMD_HYPERCALL] = OPI(PRIVCMD, "HYPERCALL"),
	[XSIM_OP_PRIVCMD_MMAP] = OPI(PRIVCMD, "MMAP"),
	[XSIM_OP_PRIVCMD_MMAPBATCH] = OPI(PRIVCMD, "MMAPBATCH"),
	[XSIM_OP_PRIVCMD_MMAPBATCH_V2] = OPI(PRIVCMD, "MMAPBATCH_V2"),
	[XSIM_OP_PRIVCMD_DM_OP] = OPI(PRIVCMD, "DM_OP"),
	[XSIM_OP_PRIVCMD_RESTRICT] = OPI(PRIVCMD, "RESTRICT"),
	[XSIM_OP_PRIVCMD_MMAP_RESOURCE] = OPI(PRIVCMD, "MMAP_RESOURCE"),
	[XSIM_OP_PRIVCMD_IRQFD] = OPI(PRIVCMD, "IRQFD"),
	[XSIM_OP_PRIVCMD_IOEVENTFD] = OPI(PRIVCMD, "IOEVENTFD"),
	[XSIM_OP_PRIVCMD_PCIDEV_GET_GSI] = OPI(PRIVCMD, "PCIDEV_GET_GSI"),
	[XSIM_OP_EVTCHN_BIND_VIRQ] = OPI(EVTCHN, "BIND_VIRQ"),
	[XSIM_OP_EVTCHN_BIND_INTERDOMAIN] = OPI(EVTCHN, "BIND_INTERDOMAIN"),
	[XSIM_OP_EVTCHN_BIND_UNBOUND_PORT] = OPI(EVTCHN, "BIND_UNBOUND_PORT"),
	[XSIM_OP_EVTCHN_UNBIND] = OPI(EVTCHN, "UNBIND"),
	[XSIM_OP_EVTCHN_NOTIFY] = OPI(EVTCHN, "NOTIFY"),
	[XSIM_OP_EVTCHN_RESET] = OPI(EVTCHN, "RESET"),
	[XSIM_OP_EVTCHN_RESTRICT_DOMID] = OPI(EVTCHN, "RESTRICT_DOMID"),
	[XSIM_OP_EVTCHN_BIND_STATIC] = OPI(EVTCHN, "BIND_STATIC"),
	[XSIM_OP_GNTDEV_MAP_GRANT_REF] = OPI(GNTDEV, "MAP_GRANT_REF"),
	[XSIM_OP_GNTDEV_UNMAP_GRANT_REF] = OPI(GNTDEV, "UNMAP_GRANT_REF"),
	[XSIM_OP_GNTDEV_GET_OFFSET_FOR_VADDR] = OPI(GNTDEV, "GET_OFFSET_FOR_VADDR"),
	[XSIM_OP_GNTDEV_SET_MAX_GRANTS] = OPI(GNTDEV, "SET_MAX_GRANTS"),
	[XSIM_OP_GNTDEV_SET_UNMAP_NOTIFY] = OPI(GNTDEV, "SET_UNMAP_NOTIFY"),
	[XSIM_OP_GNTDEV_GRANT_COPY] = OPI(GNTDEV, "GRANT_COPY"),
	[XSIM_OP_GNTDEV_DMABUF_EXP_FROM_REFS] = OPI(GNTDEV, "DMABUF_EXP_FROM_REFS"),
	[XSIM_OP_GNTDEV_DMABUF_EXP_WAIT_RELEASED] = OPI(GNTDEV, "DMABUF_EXP_WAIT_RELEASED"),
	[XSIM_OP_GNTDEV_DMABUF_IMP_TO_REFS] = OPI(GNTDEV, "DMABUF_IMP_TO_REFS"),
	[XSIM_OP_GNTDEV_DMABUF_IMP_RELEASE] = OPI(GNTDEV, "DMABUF_IMP_RELEASE"),
	[XSIM_OP_GNTDEV_RESTRICT] = OPI(GNTDEV, "RESTRICT_DOMID"),
	[XSIM_OP_GNTALLOC_ALLOC_GREF] = OPI(GNTALLOC, "ALLOC_GREF"),
	[XSIM_OP_GNTALLOC_DEALLOC_GREF] = OPI(GNTALLOC, "DEALLOC_GREF"),
	[XSIM_OP_GNTALLOC_SET_UNMAP_NOTIFY] = OPI(GNTALLOC, "SET_UNMAP_NOTIFY"),
	[XSIM_OP_GNTALLOC_RESTRICT] = OPI(GNTALLOC, "RESTRICT_DOMID"),
#undef OPI
};

enum xsim_dev_kind xsim_op_dev(enum xsim_op op)
{
	return (unsigned)op < XSIM_NR_OPS ? op_info[op].dev : XSIM_NR_DEVS;
}

const char *xsim_op_name(enum xsim_op op)
{
	return (unsigned)op < XSIM_NR_OPS ? op_info[op].name : "?";
}

const char *xsim_dev_name(enum xsim_dev_kind dev)
{
	static const char *const names[XSIM_NR_DEVS] = {
		"privcmd", "evtchn", "gntdev", "gntalloc",
	};

	return (unsigned)dev < XSIM_NR_DEVS ? names[dev] : "?";
}
