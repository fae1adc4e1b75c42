/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/gntalloc.  Sources of the expected answers:
 *  - linux (and xsa482 domU): Linux 6.1 drivers/xen/gntalloc.c: no
 *    restrict ioctl (ENOTTY, implementations.md §1.4; "xengntshr is never
 *    restricted", implementations.md §5 #3); ALLOC_GREF past the module's limit (1024
 *    grants) ENOSPC; DEALLOC_GREF of an unknown index EINVAL.  Sharing a
 *    page writes only the caller's own grant table, so Xen does not ask
 *    whether the grantee exists.
 *  - proposed: the not-upstream IOCTL_GNTALLOC_RESTRICT_DOMID of
 *    <xensim/uapi.h> (xengntshr_restrict in the 2016 proposal): sharing
 *    with another domain is EPERM (sim/dev/profiles.c).
 *  - freebsd and netbsd have no gntalloc device (implementations.md §2.1, 2.2).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi.h"

#define RESTRICT(p)	EXPECT(.proposed = (p), .linux = -ENOTTY, \
			       .xsa482_domu = -ENOTTY, .freebsd = UNCHECKED, \
			       .netbsd = UNCHECKED)

static long alloc_gref(int fd, uint16_t dom, uint32_t count, uint64_t *index,
		       uint32_t *gref)
{
	struct ioctl_gntalloc_alloc_gref a = { .domid = dom,
		.flags = GNTALLOC_FLAG_WRITABLE, .count = count };
	long rc = xioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &a);

	*index = a.index;
	*gref = a.gref_ids[0];
	return rc;
}

static long dealloc_gref(int fd, uint64_t index, uint32_t count)
{
	struct ioctl_gntalloc_dealloc_gref d = { .index = index,
						 .count = count };

	return xioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d);
}

static long restrict_to(int fd, domid_t dom)
{
	struct ioctl_gntdev_restrict_domid r = { .domid = dom };

	return xioctl(fd, IOCTL_GNTALLOC_RESTRICT_DOMID, &r);
}

/* Share one page with dom; give it back if that worked. */
static void share(int fd, const char *name, struct expect e, uint16_t dom)
{
	uint64_t index;
	uint32_t gref;

	if (check(name, e, alloc_gref(fd, dom, 1, &index, &gref)) == 0)
		dealloc_gref(fd, index, 1);
}

static void unrestricted(int fd)
{
	static const uint8_t mark[8] = "gntshr!";
	uint8_t back[8];
	uint64_t index = 0;
	uint32_t gref = 0;
	void *p = NULL;
	long rc;
	int e = 0;

	check("abi.gntalloc.unknown-ioctl", ALL(-ENOTTY),
	      xioctl(fd, _IOC(_IOC_NONE, 'G', 0x33, 0), NULL));

	rc = check("abi.gntalloc.alloc_gref", ALL(0),
		   alloc_gref(fd, TARGET, 1, &index, &gref));
	if (rc == 0) {
		/* Refs 0..7 are the toolstack's (GNTTAB_NR_RESERVED_ENTRIES). */
		check_true("abi.gntalloc.alloc_gref.gref", gref >= 8,
			   "gref %u", gref);
		p = xmmap(fd, PAGE, PROT_READ | PROT_WRITE, index, &e);
		check("abi.gntalloc.mmap", ALL(0), e);
		if (p)
			check_true("abi.gntalloc.mmap.write-read",
				   poke(p, mark, sizeof(mark)) &&
				   peek(p, back, sizeof(back)) &&
				   !memcmp(mark, back, sizeof(mark)),
				   "a write to the shared page reads back");
		xmunmap(p, PAGE);
		check("abi.gntalloc.dealloc_gref", ALL(0),
		      dealloc_gref(fd, index, 1));
		check("abi.gntalloc.dealloc_gref.unknown", ALL(-EINVAL),
		      dealloc_gref(fd, index, 1));
	}
	share(fd, "abi.gntalloc.alloc_gref.absent-domain", ALL(0), ABSENT);
	/* gref_size + op.count > limit (1024 by default): ENOSPC. */
	check("abi.gntalloc.alloc_gref.over-limit", ALL(-ENOSPC),
	      alloc_gref(fd, TARGET, 2000, &index, &gref));
	check("abi.gntalloc.alloc_gref.null-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, NULL));
	check("abi.gntalloc.dealloc_gref.null-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, NULL));
}

static void restrict_values(const char *path)
{
	int fd;

	fd = xopen(path);
	check("abi.gntalloc.restrict.domid0", RESTRICT(0), restrict_to(fd, 0));
	xclose(fd);
	fd = xopen(path);
	check("abi.gntalloc.restrict.domid-self", RESTRICT(-EINVAL),
	      restrict_to(fd, DOMID_SELF));
	xclose(fd);
	fd = xopen(path);
	check("abi.gntalloc.restrict.null-arg", RESTRICT(-EFAULT),
	      xioctl(fd, IOCTL_GNTALLOC_RESTRICT_DOMID, NULL));
	xclose(fd);
}

void gntalloc_checks(void)
{
	static const char path[] = "/dev/xen/gntalloc";
	struct expect other = EXPECT(.proposed = -EPERM, .linux = 0,
				     .xsa482_domu = 0, .freebsd = UNCHECKED,
				     .netbsd = UNCHECKED);
	int fd, r, d;

	fd = open_section("gntalloc", path,
			  abi_col != COL_FREEBSD && abi_col != COL_NETBSD);
	if (fd < 0)
		return;
	unrestricted(fd);
	xclose(fd);

	restrict_values(path);

	r = xopen(path);
	check("abi.gntalloc.restrict.first", RESTRICT(0),
	      restrict_to(r, TARGET));
	check("abi.gntalloc.restrict.same-domid", RESTRICT(0),
	      restrict_to(r, TARGET));
	check("abi.gntalloc.restrict.other-domid", RESTRICT(-EPERM),
	      restrict_to(r, OTHER));
	share(r, "abi.gntalloc.restricted.alloc_gref.target", ALL(0), TARGET);
	share(r, "abi.gntalloc.restricted.alloc_gref.other", other, OTHER);

	d = dup(r);
	share(d, "abi.gntalloc.dup.alloc_gref.other", other, OTHER);
	xclose(d);
	xclose(r);

	r = xopen(path);
	share(r, "abi.gntalloc.reopen.unrestricted", ALL(0), OTHER);
	xclose(r);
}
