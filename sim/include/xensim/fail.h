/* SPDX-License-Identifier: MIT */
/*
 * Fault injection: make the Nth time the machine reaches one of its
 * failure points fail, with the errno Xen 4.17 or Linux 6.1 gives there
 * (docs/faults.md).  The model is Linux's fail_nth
 * (Documentation/fault-injection/fault-injection.rst, driven per task by
 * tools/testing/selftests/iommu/iommufd_fail_nth.c) and syzkaller's
 * fault-injection mode: count the hits of a site, fail exactly one.
 *
 * Armed by XENSIM_FAIL (docs/environment.md):
 *   XENSIM_FAIL=SITE:N[,SITE:N...]  the Nth hit (from 1) of SITE fails
 *   XENSIM_FAIL=count               count every site's hits, fail none
 * Unset (the default), a site costs one load and a branch.
 *
 * Hits are counted per world, in the world's shared header, so that every
 * process of one machine (a forked or exec'd child, the processes of a
 * named world) counts on one counter: "the 3rd page allocation" means the
 * same thing whichever process makes it.  A process with no world counts
 * in its own memory.  With XENSIM_FAIL_REPORT=FILE, each point that fires
 * appends a line to FILE (format in docs/faults.md).
 */
#ifndef XENSIM_FAIL_H
#define XENSIM_FAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(ID, name, errno Xen or Linux answers there, where it comes from) */
#define XSIM_FAIL_SITE_LIST(X)						\
	X(PAGE, "page", ENOMEM,						\
	  "xen/common/page_alloc.c alloc_domheap_pages: NULL, callers -ENOMEM") \
	X(PORT, "port", ENOSPC,						\
	  "xen/common/event_channel.c get_free_port: no port left, -ENOSPC") \
	X(GRANT, "grant", ENOSPC,					\
	  "Linux drivers/xen/grant-table.c get_free_entries: no ref left, -ENOSPC") \
	X(MAPTRACK, "maptrack", ENOSPC,					\
	  "xen/common/grant_table.c map_grant_ref: no maptrack handle, GNTST_no_space") \
	X(COPY, "copy", EFAULT,						\
	  "copy_{from,to}_user / copy_{from,to}_guest: -EFAULT")	\
	X(HYPERCALL, "hypercall", ENOMEM,				\
	  "a sub-operation's xmalloc failing in Xen (e.g. xen/common/domain.c domain_create): -ENOMEM") \
	X(OPEN, "open", ENOMEM,						\
	  "Linux drivers/xen/{privcmd,evtchn,gntdev,gntalloc}.c open: kzalloc, -ENOMEM")

enum xsim_fail_site {
#define XSIM_FAIL_ENUM(id, name, err, src) XSIM_FAIL_##id,
	XSIM_FAIL_SITE_LIST(XSIM_FAIL_ENUM)
#undef XSIM_FAIL_ENUM
	XSIM_FAIL_NR_SITES
};

/* Hits counted per site; lives in the world's header (layout.h). */
struct xsim_fail_counters {
	uint32_t hits[XSIM_FAIL_NR_SITES];
	uint32_t fired[XSIM_FAIL_NR_SITES];	/* armed points that failed */
};

struct xsim_world;

/*
 * A failure point: 0 to go on, or the negative errno to fail with.
 * The site's errno is the caller's to use; the return says only "fail".
 */
int xsim_fail_hit(enum xsim_fail_site site);

/* Fast path: nothing armed in this process (one load, no call). */
extern bool xsim_fail_on;

static inline int xsim_fail(enum xsim_fail_site site)
{
	return __builtin_expect(xsim_fail_on, 0) ? xsim_fail_hit(site) : 0;
}

/* Names and errnos of the sites; NULL / 0 past the end. */
const char *xsim_fail_site_name(unsigned site);
int xsim_fail_site_errno(unsigned site);
const char *xsim_fail_site_source(unsigned site);

/*
 * Parse a XENSIM_FAIL value.  0, or -EINVAL with a one-line reason in
 * why.  Arms this process (and resets the counters) on success.
 */
int xsim_fail_arm_spec(const char *spec, char *why, size_t whylen);
/* Arm one site programmatically (the fuzzers); nth 0: count only. */
void xsim_fail_arm(enum xsim_fail_site site, uint32_t nth);
void xsim_fail_disarm(void);

/* Count in this world's header (called when a process maps a world). */
void xsim_fail_bind(struct xsim_world *w, struct xsim_fail_counters *c);
void xsim_fail_unbind(struct xsim_world *w);
/* Hits so far of a site in the bound counters, and points that failed. */
uint32_t xsim_fail_hits(enum xsim_fail_site site);
uint32_t xsim_fail_fired(enum xsim_fail_site site);

/*
 * The end of a device call (sim/dev/device.c): if a point fired during
 * it, report what the call returned ("returned" line), so that the sweep
 * can tell a failure the program was told of from one the sim absorbed.
 */
void xsim_fail_call_end(const char *call, long rc);

#endif /* XENSIM_FAIL_H */
