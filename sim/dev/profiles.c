/* SPDX-License-Identifier: MIT */
/*
 * The profile tables.  <xensim/profile-list.h> names every profile; this
 * file gives each one a table function and resolves them once per process.
 * Sources are cited per profile; see docs/reference/implementations.md
 * for the readings behind them.
 *
 * How a profile states its table:
 *
 *	static void table_<SYM>(struct xsim_profile *p)
 *
 * is called with *p already holding its base's resolved table (all zero
 * for a ROOT) and writes what this profile says: a root assigns its whole
 * table, a derived profile assigns only the fields where it departs from
 * its base.  So linux-xsa482 is "linux, plus one flag" in the source as in
 * the list, and a correction to linux reaches it without being copied.
 * The identity fields (name, summary, mirrors, base, code) are written from
 * the list after the table function, so a table cannot contradict the list.
 *
 * The compiler checks the list against this file (-Werror):
 *  - a listed SYM without table_<SYM>: "'table_<SYM>' undeclared" in
 *    entries[] below;
 *  - a table_<SYM> no entry lists: an unused static function;
 *  - a BASE not listed before its profile: a _Static_assert naming both;
 *  - two profiles with one code: a duplicate case in xsim_profile_by_code.
 *
 * Resolution walks the list once, in order (every base is complete before
 * a profile is copied from it), into a static array.  pthread_once makes
 * it safe from any thread; a constructor runs it when the program or the
 * preload shim is loaded, before main, threads or fork(), so no child ever
 * inherits a resolution in progress.  The devices hold a pointer to their
 * resolved profile (the world's profile), so an audit reads its table
 * directly: nothing is walked per ioctl.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <xensim/profile.h>
#include <xensim/profile-list.h>
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
 * handles to a specific domain", docs/reference/implementations.md, "The 2016 proposal").
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
 * - "restricted to a specific domain" holds when an effect happens, not
 *   only when the call that arranged it is audited: a gntdev mmap of a
 *   grant recorded before the restrict, and a grant device's unmap
 *   notification, are refused with EPERM (deferred_err) if they would
 *   reach another domain.  The audit cannot decide them (the record or
 *   the port's peer is world state), so the device does, when they
 *   happen (sim/dev/grantmap.c).
 */
#define PROPOSED_RESTRICT {						\
	.again_same = 0, .again_other = EPERM, .again_when = XSIM_AFTER_COPY, \
	.reject_zero = false, .reject_reserved = true, .bad_err = EINVAL, \
}

static void table_PROPOSED(struct xsim_profile *p)
{
	*p = (struct xsim_profile){
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
			.deferred_err = EPERM,
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
			.deferred_err = EPERM,
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
}

/*
 * Linux 6.1's gntdev: no restrict at all; SET_MAX_GRANTS is in the header
 * only (gntdev_ioctl has no case for it).  FreeBSD's answers the same on
 * this ABI.
 */
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

/*
 * privcmd's restrict as Linux 6.1 (drivers/xen/privcmd.c
 * privcmd_ioctl_restrict) and FreeBSD (sys/dev/xen/privcmd/privcmd.c)
 * both write it: the domid is stored unchecked; the same domid again is
 * 0, another EINVAL, decided after the copy; DOMID_INVALID is the
 * "unrestricted" value, so restricting to it changes nothing.
 */
#define STORED_DOMID_RESTRICT {						\
	.again_same = 0, .again_other = EINVAL,				\
	.again_when = XSIM_AFTER_COPY, .invalid_is_noop = true,		\
}

/*
 * linux: Linux 6.1 (Debian 12's 6.1.0), drivers/xen/privcmd.c, evtchn.c,
 * gntdev.c, gntalloc.c; implementations.md section 1, checked against a
 * real dom0 in linux-6.1-observed.md.
 *
 * privcmd: raw HYPERCALL refused with EPERM before the copy; structured
 * ops EPERM on a domid mismatch after the copy; RESTRICT stores any domid
 * (same again: 0, other: EINVAL; DOMID_INVALID is its "unrestricted");
 * unknown ioctls ENOTTY.  6.1 has no IRQFD, IOEVENTFD or PCIDEV_GET_GSI.
 * evtchn: EACCES for a second restrict (any domid, before the copy), for
 * VIRQ and unbound-port binds (before the copy) and for an interdomain
 * bind elsewhere (after); restrict to 0 or >= DOMID_FIRST_RESERVED is
 * EINVAL; unknown ioctls ENOSYS; 6.1 has no BIND_STATIC.
 * gntdev/gntalloc: no restrict at all.
 */
static void table_LINUX(struct xsim_profile *p)
{
	*p = (struct xsim_profile){
		.dev[XSIM_DEV_PRIVCMD] = {
			.present = true,
			.unknown_err = ENOTTY,
			.restrict_rule = STORED_DOMID_RESTRICT,
			.op = {
				[XSIM_OP_PRIVCMD_HYPERCALL] = DENY_EARLY(EPERM),
				[XSIM_OP_PRIVCMD_MMAP] = TARGET(EPERM),
				[XSIM_OP_PRIVCMD_MMAPBATCH] = TARGET(EPERM),
				[XSIM_OP_PRIVCMD_MMAPBATCH_V2] = TARGET(EPERM),
				[XSIM_OP_PRIVCMD_DM_OP] = TARGET(EPERM),
				[XSIM_OP_PRIVCMD_RESTRICT] = RESTRICT,
				[XSIM_OP_PRIVCMD_MMAP_RESOURCE] = TARGET(EPERM),
			},
		},
		.dev[XSIM_DEV_EVTCHN] = {
			.present = true,
			.unknown_err = ENOSYS,
			.restrict_rule = {
				.again_same = EACCES, .again_other = EACCES,
				.again_when = XSIM_BEFORE_COPY,
				.reject_zero = true, .reject_reserved = true,
				.bad_err = EINVAL,
			},
			.op = {
				[XSIM_OP_EVTCHN_BIND_VIRQ] = DENY_EARLY(EACCES),
				[XSIM_OP_EVTCHN_BIND_INTERDOMAIN] = TARGET(EACCES),
				[XSIM_OP_EVTCHN_BIND_UNBOUND_PORT] = DENY_EARLY(EACCES),
				[XSIM_OP_EVTCHN_UNBIND] = OPEN,
				[XSIM_OP_EVTCHN_NOTIFY] = OPEN,
				[XSIM_OP_EVTCHN_RESET] = OPEN,
				[XSIM_OP_EVTCHN_RESTRICT_DOMID] = RESTRICT,
			},
		},
		.dev[XSIM_DEV_GNTDEV] = LINUX_GNTDEV,
		.dev[XSIM_DEV_GNTALLOC] = {
			.present = true,
			.unknown_err = ENOTTY,
			.op = {
				[XSIM_OP_GNTALLOC_ALLOC_GREF] = OPEN,
				[XSIM_OP_GNTALLOC_DEALLOC_GREF] = OPEN,
				[XSIM_OP_GNTALLOC_SET_UNMAP_NOTIFY] = OPEN,
			},
		},
	};
}

/*
 * linux-xsa482 (base: linux): Linux 6.1 with the XSA-482 fix (stable
 * 6.1.167; upstream 453b8fb68f36 "xen/privcmd: restrict usage in
 * unprivileged domU"): a privcmd handle opened in a domU is born
 * restricted to the domain's xenstore "target", or DOMID_IDLE without one.
 * Observed on Debian's 6.1.0-56 in a PV domU (linux-6.1-observed.md).
 * Everything else is linux's.
 */
static void table_LINUX_XSA482(struct xsim_profile *p)
{
	p->born_restricted_in_domu = true;
}

/*
 * freebsd: FreeBSD's semantics carried onto the Linux ABI
 * (sys/dev/xen/privcmd/privcmd.c, sys/dev/xen/evtchn/evtchn_dev.c,
 * sys/xen/gntdev.h).  privcmd: HYPERCALL EPERM first; MMAPBATCH (v2
 * semantics), MMAP_RESOURCE and DM_OP EPERM on mismatch; RESTRICT again
 * with the same domid 0, another EINVAL (FreeBSD returns it negated,
 * which this ABI cannot express: we answer EINVAL); no v1 MMAP; unknown
 * ioctls ENOSYS.  evtchn: no restrict, unknown ioctls ENOTTY.  gntdev:
 * no restrict (the same ioctl answers as Linux's on this ABI).  No
 * separate gntalloc device (FreeBSD's gntdev allocates).
 */
static void table_FREEBSD(struct xsim_profile *p)
{
	*p = (struct xsim_profile){
		.dev[XSIM_DEV_PRIVCMD] = {
			.present = true,
			.unknown_err = ENOSYS,
			.restrict_rule = STORED_DOMID_RESTRICT,
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
}

/*
 * netbsd: no restriction anywhere (sys/arch/xen/xen/privcmd.c v1.66,
 * xenevt.c v1.65): no RESTRICT and no DM_OP; unknown ioctls EINVAL.
 * NetBSD has no gntdev/gntalloc nodes (privcmd carries grant ioctls).
 */
static void table_NETBSD(struct xsim_profile *p)
{
	*p = (struct xsim_profile){
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
}

/* ---- the list, resolved ---- */

/* A profile's position in the list; ROOT sorts before every profile. */
enum profile_index {
	IDX_ROOT = -1,
#define X_INDEX(sym, name, base, code, summary, mirrors) IDX_##sym,
	XSIM_PROFILE_LIST(X_INDEX)
#undef X_INDEX
	NR_PROFILES
};

/* A base is resolved before the profiles that copy it. */
#define X_BASE_FIRST(sym, name, base, code, summary, mirrors)		\
	_Static_assert(IDX_##base < IDX_##sym, "profile " name		\
		       ": its base " #base " must be listed before it");
XSIM_PROFILE_LIST(X_BASE_FIRST)
#undef X_BASE_FIRST

static const struct entry {
	const char *name, *summary, *mirrors;
	enum profile_index base;
	char code;
	void (*table)(struct xsim_profile *p);
} entries[NR_PROFILES] = {
#define X_ENTRY(sym, name, base, code, summary, mirrors)		\
	[IDX_##sym] = { name, summary, mirrors, IDX_##base, code, table_##sym },
	XSIM_PROFILE_LIST(X_ENTRY)
#undef X_ENTRY
};

static struct xsim_profile resolved[NR_PROFILES];
/* xsim_profiles(): the resolved tables in list order, then NULL. */
static const struct xsim_profile *all[NR_PROFILES + 1];
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;

static void resolve(void)
{
	int i;

	for (i = 0; i < NR_PROFILES; i++) {
		const struct entry *e = &entries[i];
		struct xsim_profile *p = &resolved[i];

		if (e->base == IDX_ROOT)
			memset(p, 0, sizeof(*p));
		else
			*p = resolved[e->base];
		e->table(p);
		p->name = e->name;
		p->summary = e->summary;
		p->mirrors = e->mirrors;
		p->base = e->base == IDX_ROOT ? NULL : entries[e->base].name;
		p->code = e->code;
		all[i] = p;
	}
}

static void resolve_tables(void)
{
	pthread_once(&resolve_once, resolve);
}

/* At load: before main, any thread or any fork() (see the top). */
__attribute__((constructor)) static void resolve_at_load(void)
{
	resolve_tables();
}

const struct xsim_profile *const *xsim_profiles(void)
{
	resolve_tables();
	return all;
}

const struct xsim_profile *xsim_profile_find(const char *name)
{
	int i;

	resolve_tables();
	for (i = 0; i < NR_PROFILES; i++)
		if (!strcmp(resolved[i].name, name))
			return &resolved[i];
	return NULL;
}

const struct xsim_profile *xsim_profile_by_code(int code)
{
	resolve_tables();
	/* A switch, so that two profiles sharing a code do not compile. */
	switch (code) {
#define X_CODE(sym, name, base, c, summary, mirrors)			\
	case c:								\
		return &resolved[IDX_##sym];
	XSIM_PROFILE_LIST(X_CODE)
#undef X_CODE
	}
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
