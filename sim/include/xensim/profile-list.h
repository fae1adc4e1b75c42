/* SPDX-License-Identifier: MIT */
/*
 * The list of profiles: the one place a profile is named.
 *
 * Everything else derives from it: the sim's tables (sim/dev/profiles.c
 * resolves each entry's table on top of its base), the catalogue's
 * columns (conformance/suite/include/xrc/catalogue.h), the fuzz inputs'
 * profile byte, and every script (through `xrc profiles`, which prints
 * this list).  It is data only: the suite includes it without linking the
 * sim.
 *
 *   X(SYM, "name", BASE, 'c', "summary", "what it mirrors")
 *
 * SYM    the C symbol (XSIM_PROFILE_<SYM>, XRC_P_<SYM>).
 * name   what XENSIM_PROFILE, --profile and sim:NAME take.
 * BASE   the SYM of the profile this one departs from, or ROOT.  A derived
 *        profile states only where it departs: in the sim's table (its
 *        departures are applied to its base's resolved table) and in the
 *        catalogue (a row without its cell takes the base's).  A base is
 *        listed before the profiles derived from it.
 * 'c'    the stable one-byte identifier: byte 0 of a fuzz input names its
 *        profile with it, so stored corpora keep their meaning when
 *        profiles are added.  Never reuse or change one (docs/profiles.md).
 *
 * Adding a profile: one line here, its table in sim/dev/profiles.c, and
 * the rows where it departs from its base (docs/contributing.md).
 */
#ifndef XSIM_PROFILE_LIST_H
#define XSIM_PROFILE_LIST_H

#define XSIM_PROFILE_LIST(X)						\
	X(PROPOSED, "proposed", ROOT, 'p',				\
	  "the 2016 contract: ENOSYS off the whitelist, EPERM for another domain", \
	  "xen-devel 2016, [PATCH XEN v8 28/29] tools/libs/...: Introduce APIs to restrict handles to a specific domain") \
	X(LINUX, "linux", ROOT, 'l',					\
	  "Linux 6.1 dom0: privcmd EPERM, evtchn EACCES, no grant restrict", \
	  "Linux 6.1 drivers/xen/{privcmd,evtchn,gntdev,gntalloc}.c")	\
	X(LINUX_XSA482, "linux-xsa482", LINUX, 'x',			\
	  "linux, plus domU privcmd handles born restricted (XSA-482)",	\
	  "Linux 6.1.167+ drivers/xen/privcmd.c (XSA-482, CVE-2026-31788)") \
	X(FREEBSD, "freebsd", ROOT, 'f',				\
	  "FreeBSD: privcmd restrict only (EPERM), no evtchn/grant restrict, no gntalloc", \
	  "FreeBSD sys/dev/xen/privcmd/privcmd.c, sys/dev/xen/evtchn/evtchn_dev.c") \
	X(NETBSD, "netbsd", ROOT, 'n',					\
	  "NetBSD: no restrict anywhere, no DM_OP, no grant nodes",	\
	  "NetBSD sys/arch/xen/xen/privcmd.c v1.66, xenevt.c v1.65")

#endif /* XSIM_PROFILE_LIST_H */
