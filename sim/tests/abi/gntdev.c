/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/gntdev.  Sources of the expected answers:
 *  - linux (and xsa482 domU): Linux 6.1 drivers/xen/gntdev.c: no restrict
 *    ioctl at all (ENOTTY, implementations.md §1.4 and 5 #3); MAP_GRANT_REF only
 *    records the refs (count 0 or over the limit: EINVAL), the grants are
 *    mapped at mmap(), and any map failure makes mmap() fail with EINVAL
 *    (gntdev_map_grant_pages); UNMAP_GRANT_REF of an unknown index
 *    ENOENT; GRANT_COPY refuses local-to-local and page-crossing segments
 *    with EINVAL and reports Xen's per-segment status.
 *  - proposed: the not-upstream IOCTL_GNTDEV_RESTRICT_DOMID of
 *    <xensim/uapi.h> (xengnttab_restrict in the 2016 proposal): maps and
 *    copies naming another domain are EPERM (sim/dev/profiles.c).
 *  - freebsd: no grant restrict (implementations.md §2.1); netbsd: no gntdev node.
 * Xen 4.17 (xen/common/grant_table.c, _set_status_v1): an entry granted
 * to another domain (dom0's grants used by domU 1, the xsa482 column) or
 * a read-only entry pinned for writing is GNTST_general_error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi.h"
#include "xenabi.h"

/* The grant-device restrict exists in proposed only. */
#define RESTRICT(p)	EXPECT(.proposed = (p), .linux = -ENOTTY, \
			       .xsa482_domu = -ENOTTY, .freebsd = -ENOTTY, \
			       .netbsd = UNCHECKED)

struct map2 {
	struct ioctl_gntdev_map_grant_ref op;
	struct ioctl_gntdev_grant_ref more;	/* refs[1] */
};

static long map_refs(int fd, uint32_t dom0, uint32_t ref0, uint32_t dom1,
		     uint32_t ref1, unsigned count, uint64_t *index)
{
	struct map2 m;
	long rc;

	memset(&m, 0, sizeof(m));
	m.op.count = count;
	m.op.refs[0].domid = dom0;
	m.op.refs[0].ref = ref0;
	m.more.domid = dom1;
	m.more.ref = ref1;
	rc = xioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m);
	*index = m.op.index;
	return rc;
}

static long map_ref(int fd, uint32_t dom, uint32_t ref, uint64_t *index)
{
	return map_refs(fd, dom, ref, 0, 0, 1, index);
}

static long unmap_ref(int fd, uint64_t index, uint32_t count)
{
	struct ioctl_gntdev_unmap_grant_ref u = { .index = index,
						  .count = count };

	return xioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
}

static long restrict_to(int fd, domid_t dom)
{
	struct ioctl_gntdev_restrict_domid r = { .domid = dom };

	return xioctl(fd, IOCTL_GNTDEV_RESTRICT_DOMID, &r);
}

static const char *gntst_name(int st)
{
	switch (st) {
	case GNTST_okay: return "GNTST_okay";
	case GNTST_general_error: return "GNTST_general_error";
	case GNTST_permission_denied: return "GNTST_permission_denied";
	default: return "GNTST_?";
	}
}

/* A grant-copy segment's status (a GNTST_* code, not an errno). */
static void check_status(const char *name, struct expect e, long rc,
			 int16_t status)
{
	long want = expected(e);

	if (!applies(e))
		return;
	if (rc)
		check_true(name, false, "no status: the ioctl failed (%s)",
			   errno_name((int)-rc) ? errno_name((int)-rc) : "?");
	else
		check_true(name, status == want, "status %d %s (want %s)",
			   status, gntst_name(status), gntst_name((int)want));
}

/* One segment copying 16 bytes out of (dom, ref) at offset 16. */
static long copy_from_ref(int fd, domid_t dom, uint32_t ref, void *buf,
			  int16_t *status)
{
	struct gntdev_grant_copy_segment seg;
	struct ioctl_gntdev_grant_copy c = { .count = 1, .segments = &seg };
	long rc;

	memset(&seg, 0, sizeof(seg));
	seg.source.foreign.ref = ref;
	seg.source.foreign.offset = 16;
	seg.source.foreign.domid = dom;
	seg.dest.virt = buf;
	seg.len = 16;
	seg.flags = GNTCOPY_source_gref;
	seg.status = 0x55;
	rc = xioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &c);
	*status = seg.status;
	return rc;
}

/* Map (dom, ref) with MAP_GRANT_REF + mmap and check what is seen. */
static void map_and_look(int fd, const char *name, struct expect mapping,
			 uint32_t dom, uint32_t ref, int prot)
{
	char n[96];
	uint64_t index = 0;
	void *p = NULL;
	long rc;
	int e = 0;

	snprintf(n, sizeof(n), "%s.map_grant_ref", name);
	rc = check(n, ALL(0), map_ref(fd, dom, ref, &index));
	if (rc == 0)
		p = xmmap(fd, PAGE, prot, index, &e);
	snprintf(n, sizeof(n), "%s.mmap", name);
	check(n, mapping, rc ? rc : e);
	snprintf(n, sizeof(n), "%s.pattern", name);
	check_pattern(n, mapping, p != NULL, p, dom, ref - FIRST_GREF, 0x20);
	xmunmap(p, PAGE);
	if (rc == 0)
		unmap_ref(fd, index, 1);
}

static void unrestricted(int fd)
{
	struct expect dom0_only = EXPECT(.proposed = 0, .linux = 0,
					 .xsa482_domu = -EINVAL, .freebsd = 0,
					 .netbsd = UNCHECKED);
	struct ioctl_gntdev_get_offset_for_vaddr off;
	uint64_t index = 0;
	int16_t status;
	uint8_t buf[16];
	long rc;
	void *p = NULL;
	int e = 0;

	check("abi.gntdev.unknown-ioctl", ALL(-ENOTTY),
	      xioctl(fd, _IOC(_IOC_NONE, 'G', 0x33, 0), NULL));

	map_and_look(fd, "abi.gntdev.guest1", dom0_only, TARGET, FIRST_GREF,
		     PROT_READ | PROT_WRITE);
	/* Read-only grant: a read-only mapping works, a writable one not. */
	map_and_look(fd, "abi.gntdev.readonly-ref", dom0_only, TARGET, RO_GREF,
		     PROT_READ);
	map_and_look(fd, "abi.gntdev.readonly-ref.writable", ALL(-EINVAL),
		     TARGET, RO_GREF, PROT_READ | PROT_WRITE);

	rc = check("abi.gntdev.map_grant_ref.get-offset-setup", ALL(0),
		   map_ref(fd, OTHER, FIRST_GREF + 1, &index));
	if (rc == 0)
		p = xmmap(fd, PAGE, PROT_READ, index, &e);
	memset(&off, 0, sizeof(off));
	off.vaddr = (uintptr_t)p;
	rc = check("abi.gntdev.get_offset_for_vaddr", dom0_only,
		   xioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &off));
	if (wants_success(dom0_only))
		check_true("abi.gntdev.get_offset_for_vaddr.offset",
			   rc == 0 && off.offset == index && off.count == 1,
			   "offset %#llx count %u (index %#llx)",
			   (unsigned long long)off.offset, off.count,
			   (unsigned long long)index);
	xmunmap(p, PAGE);
	check("abi.gntdev.unmap_grant_ref", ALL(0), unmap_ref(fd, index, 1));
	check("abi.gntdev.unmap_grant_ref.unknown", ALL(-ENOENT),
	      unmap_ref(fd, index, 1));

	check("abi.gntdev.map_grant_ref.count0", ALL(-EINVAL),
	      map_refs(fd, TARGET, FIRST_GREF, 0, 0, 0, &index));
	check("abi.gntdev.map_grant_ref.null-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, NULL));
	check("abi.gntdev.get_offset_for_vaddr.not-mapped", ALL(-EINVAL),
	      xioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &off));

	/* QEMU probes grant copy with count 0: 0 and nothing done. */
	{
		struct ioctl_gntdev_grant_copy c = { .count = 0 };

		check("abi.gntdev.grant_copy.count0", ALL(0),
		      xioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &c));
		c.count = 1;
		c.segments = NULL;
		check("abi.gntdev.grant_copy.null-segments", ALL(-EFAULT),
		      xioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &c));
	}
	check("abi.gntdev.grant_copy.null-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_GNTDEV_GRANT_COPY, NULL));
	memset(buf, 0, sizeof(buf));
	rc = check("abi.gntdev.grant_copy.from-guest1", ALL(0),
		   copy_from_ref(fd, TARGET, FIRST_GREF, buf, &status));
	check_status("abi.gntdev.grant_copy.from-guest1.status",
		     EXPECT(.proposed = GNTST_okay, .linux = GNTST_okay,
			    .xsa482_domu = GNTST_general_error,
			    .freebsd = GNTST_okay, .netbsd = UNCHECKED),
		     rc, status);
	if (wants_success(dom0_only)) {
		uint64_t w[2];

		memcpy(w, buf, sizeof(w));
		check_true("abi.gntdev.grant_copy.from-guest1.data",
			   w[0] == pattern_word(TARGET, 0, 16) &&
			   w[1] == pattern_word(TARGET, 0, 24),
			   "copied %#llx %#llx", (unsigned long long)w[0],
			   (unsigned long long)w[1]);
	}
	{
		struct gntdev_grant_copy_segment seg;
		struct ioctl_gntdev_grant_copy c = { .count = 1,
						     .segments = &seg };

		/* "Disallow local -> local copies" */
		memset(&seg, 0, sizeof(seg));
		seg.source.virt = buf;
		seg.dest.virt = buf + 8;
		seg.len = 8;
		check("abi.gntdev.grant_copy.local-to-local", ALL(-EINVAL),
		      xioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &c));
		/* "Can't cross page if source/dest is a grant ref." */
		memset(&seg, 0, sizeof(seg));
		seg.source.foreign.ref = FIRST_GREF;
		seg.source.foreign.domid = TARGET;
		seg.source.foreign.offset = PAGE - 8;
		seg.dest.virt = buf;
		seg.len = 16;
		seg.flags = GNTCOPY_source_gref;
		check("abi.gntdev.grant_copy.crosses-page", ALL(-EINVAL),
		      xioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &c));
		/* Writing into a read-only grant: Xen refuses the segment. */
		memset(&seg, 0, sizeof(seg));
		seg.source.virt = buf;
		seg.dest.foreign.ref = RO_GREF;
		seg.dest.foreign.domid = TARGET;
		seg.len = 8;
		seg.flags = GNTCOPY_dest_gref;
		rc = check("abi.gntdev.grant_copy.to-readonly-ref", ALL(0),
			   xioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &c));
		check_status("abi.gntdev.grant_copy.to-readonly-ref.status",
			     ALL(GNTST_general_error), rc, seg.status);
	}
}

static void restricted(int fd)
{
	struct expect other = EXPECT(.proposed = -EPERM, .linux = 0,
				     .xsa482_domu = 0, .freebsd = 0,
				     .netbsd = UNCHECKED);
	uint64_t index = 0;
	int16_t status;
	uint8_t buf[16];
	long rc;

	map_and_look(fd, "abi.gntdev.restricted.target",
		     EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = -EINVAL,
			    .freebsd = 0, .netbsd = UNCHECKED),
		     TARGET, FIRST_GREF, PROT_READ | PROT_WRITE);
	rc = check("abi.gntdev.restricted.other.map_grant_ref", other,
		   map_ref(fd, OTHER, FIRST_GREF, &index));
	if (rc == 0) {
		int e;
		void *p = xmmap(fd, PAGE, PROT_READ | PROT_WRITE, index, &e);

		check("abi.gntdev.restricted.other.mmap",
		      EXPECT(.proposed = UNCHECKED, .linux = 0,
			     .xsa482_domu = -EINVAL, .freebsd = 0,
			     .netbsd = UNCHECKED), e);
		check_pattern("abi.gntdev.restricted.other.pattern",
			      EXPECT(.proposed = UNCHECKED, .linux = 0,
				     .xsa482_domu = -EINVAL, .freebsd = 0,
				     .netbsd = UNCHECKED), p != NULL, p,
			      OTHER, 0, 0x20);
		xmunmap(p, PAGE);
		unmap_ref(fd, index, 1);
	}
	/* Every ref's domain is audited, not just the first. */
	rc = check("abi.gntdev.restricted.mixed.map_grant_ref", other,
		   map_refs(fd, TARGET, FIRST_GREF, OTHER, FIRST_GREF + 1, 2,
			    &index));
	if (rc == 0)
		unmap_ref(fd, index, 2);

	rc = check("abi.gntdev.restricted.grant_copy.target", ALL(0),
		   copy_from_ref(fd, TARGET, FIRST_GREF, buf, &status));
	check_status("abi.gntdev.restricted.grant_copy.target.status",
		     EXPECT(.proposed = GNTST_okay, .linux = GNTST_okay,
			    .xsa482_domu = GNTST_general_error,
			    .freebsd = GNTST_okay, .netbsd = UNCHECKED),
		     rc, status);
	rc = check("abi.gntdev.restricted.grant_copy.other", other,
		   copy_from_ref(fd, OTHER, FIRST_GREF, buf, &status));
	check_status("abi.gntdev.restricted.grant_copy.other.status",
		     EXPECT(.proposed = UNCHECKED, .linux = GNTST_okay,
			    .xsa482_domu = GNTST_general_error,
			    .freebsd = GNTST_okay, .netbsd = UNCHECKED),
		     rc, status);
	{
		struct ioctl_gntdev_grant_copy c = { .count = 0 };

		check("abi.gntdev.restricted.grant_copy.count0", ALL(0),
		      xioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &c));
	}
}

static void sharing(const char *path, int restricted_fd)
{
	struct expect other = EXPECT(.proposed = -EPERM, .linux = 0,
				     .xsa482_domu = 0, .freebsd = 0,
				     .netbsd = UNCHECKED);
	uint64_t index = 0;
	int d, o;

	d = dup(restricted_fd);
	check("abi.gntdev.dup.restrict-other", RESTRICT(-EPERM),
	      restrict_to(d, OTHER));
	if (check("abi.gntdev.dup.map-other", other,
		  map_ref(d, OTHER, FIRST_GREF, &index)) == 0)
		unmap_ref(d, index, 1);
	xclose(d);

	o = xopen(path);
	if (check("abi.gntdev.reopen.unrestricted", ALL(0),
		  map_ref(o, OTHER, FIRST_GREF, &index)) == 0)
		unmap_ref(o, index, 1);
	xclose(o);
}

static void restrict_values(const char *path)
{
	int fd;

	fd = xopen(path);
	check("abi.gntdev.restrict.domid0", RESTRICT(0), restrict_to(fd, 0));
	xclose(fd);
	fd = xopen(path);
	check("abi.gntdev.restrict.domid-self", RESTRICT(-EINVAL),
	      restrict_to(fd, DOMID_SELF));
	xclose(fd);
	fd = xopen(path);
	check("abi.gntdev.restrict.domid-invalid", RESTRICT(-EINVAL),
	      restrict_to(fd, DOMID_INVALID));
	xclose(fd);
	fd = xopen(path);
	check("abi.gntdev.restrict.null-arg", RESTRICT(-EFAULT),
	      xioctl(fd, IOCTL_GNTDEV_RESTRICT_DOMID, NULL));
	xclose(fd);
}

void gntdev_checks(void)
{
	static const char path[] = "/dev/xen/gntdev";
	int fd, r;

	fd = open_section("gntdev", path, abi_col != COL_NETBSD);
	if (fd < 0)
		return;
	unrestricted(fd);
	xclose(fd);

	restrict_values(path);

	r = xopen(path);
	check("abi.gntdev.restrict.first", RESTRICT(0), restrict_to(r, TARGET));
	check("abi.gntdev.restrict.same-domid", RESTRICT(0),
	      restrict_to(r, TARGET));
	check("abi.gntdev.restrict.other-domid", RESTRICT(-EPERM),
	      restrict_to(r, OTHER));
	restricted(r);
	sharing(path, r);
	xclose(r);
}
