/* SPDX-License-Identifier: MIT */
/*
 * gntdev bodies: the proposal's restrict ioctl, every ioctl on an
 * unrestricted handle, grants of the target / another guest / an absent
 * domain on a restricted one, and what a process keeps where gntdev has
 * no restrict.  Memory is checked by comparing the gntdev view of a page
 * with privcmd's view of the same gfn.  Rows: conformance/suite/rows/gntdev.rows.
 */
#include "bodies.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xensim/uapi.h>

#include "sharing_io.h"

/*
 * The gfn the bodies grant (any populated gfn of a guest would do; one
 * that the sim's default world already grants writable, for backends
 * where the fixture cannot write a grant table: see xrc_setup_grant).
 */
#define GFN		2
/* A ref number for a domain that has no grant table at all. */
#define ANY_REF		8
/* Where in the page grant copies read: away from both ends. */
#define COPY_OFF	128
#define COPY_LEN	64

static int open_restricted(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	xrc_restrict(t, fd, XRC_GNTDEV, xrc_domains(t)->a);
	return fd;
}

/*
 * Map (dom, ref) and compare the page with want: 0 when they agree, -1
 * with the failing call's errno, or EILSEQ when the bytes differ.
 */
static long map_and_compare(struct xrc_ctx *t, int fd, uint32_t dom,
			    uint32_t ref, const void *want)
{
	static uint8_t seen[XRC_PAGE_SIZE];
	uint64_t index = 0;
	void *page;

	/*
	 * MAP_GRANT_REF needs no mapping (Linux maps the grant at mmap time):
	 * its refusal is judged on any backend; what it let through can only
	 * be read, and so checked, through an mmap.
	 */
	if (!xrc_can_mmap(t, XRC_GNTDEV)) {
		if (gnt_map(fd, dom, ref, &index) < 0)
			return -1;
		xrc_skip(t, "MAP_GRANT_REF returned 0, and the bytes need a mapping: backend cannot mmap gntdev (ENODEV)");
	}
	if (gnt_map_mmap(fd, dom, ref, false, &page) < 0)
		return -1;
	if (mem_read(page, seen, sizeof(seen)) < 0)
		return -1;
	return mem_same(seen, want, sizeof(seen));
}

/*
 * GRANT_COPY COPY_LEN bytes at COPY_OFF of (dom, ref) and compare them
 * with the page privcmd saw: 0, or -1 with the ioctl's errno, EREMOTEIO
 * for a segment status other than GNTST_okay, EILSEQ for other bytes.
 */
static long copy_and_compare(int fd, uint32_t dom, uint32_t ref,
			     const uint8_t *want)
{
	uint8_t got[COPY_LEN];
	int16_t status = 0;

	if (gnt_copy_from(fd, dom, ref, COPY_OFF, got, sizeof(got),
			  &status) < 0)
		return -1;
	if (status != XRC_GNTST_OKAY) {
		errno = EREMOTEIO;
		return -1;
	}
	return mem_same(got, want + COPY_OFF, sizeof(got));
}

/*
 * The bytes of (dom, ref, gfn) that the grant-copy rows compare with: the
 * page as privcmd maps it, or, on a backend that cannot mmap privcmd, the
 * COPY_LEN bytes at COPY_OFF as an unrestricted gntdev handle copies them
 * (then what is checked is that a restricted copy reads what an
 * unrestricted one does).
 */
static void want_bytes(struct xrc_ctx *t, uint16_t dom, uint32_t ref,
		       uint64_t gfn, uint8_t *want)
{
	int16_t status = 0;
	int fd;

	if (xrc_can_mmap(t, XRC_PRIVCMD)) {
		pcmd_read_page(t, dom, gfn, want);
		return;
	}
	fd = xrc_open(t, XRC_GNTDEV, 0);
	XRC_SETUP(t, gnt_copy_from(fd, dom, ref, COPY_OFF, want + COPY_OFF,
				   COPY_LEN, &status));
	if (status != XRC_GNTST_OKAY)
		xrc_error(t, "setup failed: an unrestricted GRANT_COPY of domain %u's ref %u: status %d",
			  dom, ref, status);
	close(fd);
}

/* mmap one page of fd at index: 0, or -1 with mmap's errno. */
static long mmap_page(int fd, uint64_t index)
{
	void *p = mmap(NULL, XRC_PAGE_SIZE, PROT_READ, MAP_SHARED, fd,
		       (off_t)index);

	return p == MAP_FAILED ? -1 : 0;
}

/* GET_OFFSET_FOR_VADDR of vaddr; 0 only if it names (index, 1). */
static long offset_matches(int fd, void *vaddr, uint64_t index)
{
	struct ioctl_gntdev_get_offset_for_vaddr op = {
		.vaddr = (uint64_t)(uintptr_t)vaddr,
	};

	if (ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &op) < 0)
		return -1;
	if (op.offset != index || op.count != 1) {
		errno = EILSEQ;
		return -1;
	}
	return 0;
}

static long get_offset(int fd, void *vaddr)
{
	struct ioctl_gntdev_get_offset_for_vaddr op = {
		.vaddr = (uint64_t)(uintptr_t)vaddr,
	};

	return ioctl(fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &op);
}

static long set_unmap_notify(int fd, uint64_t index)
{
	struct ioctl_gntdev_unmap_notify op = {
		.index = index, .action = UNMAP_NOTIFY_CLEAR_BYTE,
	};

	return ioctl(fd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &op);
}

/* ---- the restrict ioctl ---- */

void gntdev_restrict_first(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	XRC_OBSERVE(t, xrc_restrict_raw(fd, XRC_GNTDEV, xrc_domains(t)->a));
}

void gntdev_restrict_other_domid_keeps_first(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t ref = xrc_setup_grant(t, d->b, GFN, false);
	uint64_t index;

	(void)xrc_restrict_raw(fd, XRC_GNTDEV, d->b);
	XRC_OBSERVE(t, gnt_map(fd, d->b, ref, &index));
}

/* ---- unrestricted ---- */

void gntdev_unrestricted_map_target(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	uint32_t ref = xrc_setup_grant(t, d->a, GFN, false);
	uint64_t index;

	XRC_OBSERVE(t, gnt_map(fd, d->a, ref, &index));
}

void gntdev_unrestricted_mmap_same_bytes(struct xrc_ctx *t)
{
	static uint8_t want[XRC_PAGE_SIZE];
	const struct xrc_domains *d = xrc_domains(t);
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	uint32_t ref = xrc_setup_grant(t, d->a, GFN, false);

	pcmd_read_page(t, d->a, GFN, want);
	XRC_OBSERVE(t, map_and_compare(t, fd, d->a, ref, want));
}

void gntdev_unrestricted_map_absent(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	uint64_t index;

	XRC_OBSERVE(t, gnt_map(fd, xrc_domains(t)->absent, ANY_REF, &index));
}

void gntdev_unrestricted_mmap_absent(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	uint64_t index = 0;

	xrc_require_mmap(t, XRC_GNTDEV);
	XRC_SETUP(t, gnt_map(fd, xrc_domains(t)->absent, ANY_REF, &index));
	XRC_OBSERVE(t, mmap_page(fd, index));
}

void gntdev_unrestricted_unmap(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	uint32_t ref = xrc_setup_grant(t, d->a, GFN, false);
	uint64_t index = 0;

	XRC_SETUP(t, gnt_map(fd, d->a, ref, &index));
	XRC_OBSERVE(t, gnt_unmap(fd, index, 1));
}

void gntdev_unrestricted_unmap_unknown(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	XRC_OBSERVE(t, gnt_unmap(fd, 0, 1));
}

void gntdev_unrestricted_get_offset(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	uint32_t ref = xrc_setup_grant(t, d->a, GFN, false);
	uint64_t index = 0;
	void *page;

	xrc_require_mmap(t, XRC_GNTDEV);
	XRC_SETUP(t, gnt_map(fd, d->a, ref, &index));
	page = mmap(NULL, XRC_PAGE_SIZE, PROT_READ, MAP_SHARED, fd,
		    (off_t)index);
	if (page == MAP_FAILED)
		xrc_error(t, "mmap of a mapped grant: %s",
			  xrc_errno_name(errno));
	XRC_OBSERVE(t, offset_matches(fd, page, index));
}

void gntdev_unrestricted_get_offset_unmapped(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	int local = 0;

	XRC_OBSERVE(t, get_offset(fd, &local));
}

void gntdev_unrestricted_set_max_grants(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	struct ioctl_gntdev_set_max_grants op = { .count = 1 };

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_SET_MAX_GRANTS, &op));
}

void gntdev_unrestricted_set_unmap_notify(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	uint32_t ref = xrc_setup_grant(t, d->a, GFN, false);
	uint64_t index = 0;

	/* Never mmapped, so unmapping it clears nothing in the guest. */
	XRC_SETUP(t, gnt_map(fd, d->a, ref, &index));
	XRC_OBSERVE(t, set_unmap_notify(fd, index));
}

void gntdev_unrestricted_set_unmap_notify_unknown(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	XRC_OBSERVE(t, set_unmap_notify(fd, 0));
}

void gntdev_unrestricted_grant_copy_count0(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	struct ioctl_gntdev_grant_copy op = { .count = 0 };

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &op));
}

void gntdev_unrestricted_grant_copy_target(struct xrc_ctx *t)
{
	static uint8_t want[XRC_PAGE_SIZE];
	const struct xrc_domains *d = xrc_domains(t);
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	uint32_t ref = xrc_setup_grant(t, d->a, GFN, false);

	pcmd_read_page(t, d->a, GFN, want);
	XRC_OBSERVE(t, copy_and_compare(fd, d->a, ref, want));
}

void gntdev_unrestricted_grant_copy_null(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_GRANT_COPY, NULL));
}

void gntdev_unrestricted_map_count0(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	struct ioctl_gntdev_map_grant_ref op;

	memset(&op, 0, sizeof(op));
	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &op));
}

void gntdev_unrestricted_map_null(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, NULL));
}

void gntdev_unrestricted_unknown_ioctl(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	/* 'G' 0x33: no gntdev or gntalloc ioctl has that number. */
	XRC_OBSERVE(t, ioctl(fd, _IOC(_IOC_NONE, 'G', 0x33, 0), NULL));
}

/* A NULL argument: a driver with the ioctl would answer EFAULT. */
void gntdev_unrestricted_dmabuf_exp_from_refs(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS, NULL));
}

void gntdev_unrestricted_dmabuf_exp_wait_released(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED, NULL));
}

void gntdev_unrestricted_dmabuf_imp_to_refs(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_DMABUF_IMP_TO_REFS, NULL));
}

void gntdev_unrestricted_dmabuf_imp_release(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_GNTDEV, 0);

	XRC_OBSERVE(t, ioctl(fd, IOCTL_GNTDEV_DMABUF_IMP_RELEASE, NULL));
}

/* ---- restricted ---- */

void gntdev_restricted_map_target(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t ref = xrc_setup_grant(t, d->a, GFN, false);
	uint64_t index;

	XRC_OBSERVE(t, gnt_map(fd, d->a, ref, &index));
}

void gntdev_restricted_mmap_target_same_bytes(struct xrc_ctx *t)
{
	static uint8_t want[XRC_PAGE_SIZE];
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t ref = xrc_setup_grant(t, d->a, GFN, false);

	pcmd_read_page(t, d->a, GFN, want);
	XRC_OBSERVE(t, map_and_compare(t, fd, d->a, ref, want));
}

void gntdev_restricted_map_other(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t ref = xrc_setup_grant(t, d->b, GFN, false);
	uint64_t index;

	XRC_OBSERVE(t, gnt_map(fd, d->b, ref, &index));
}

void gntdev_restricted_map_absent(struct xrc_ctx *t)
{
	int fd = open_restricted(t);
	uint64_t index;

	XRC_OBSERVE(t, gnt_map(fd, xrc_domains(t)->absent, ANY_REF, &index));
}

void gntdev_restricted_map_mixed(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t ref_a = xrc_setup_grant(t, d->a, GFN, false);
	uint32_t ref_b = xrc_setup_grant(t, d->b, GFN, false);
	uint64_t index;

	XRC_OBSERVE(t, gnt_map2(fd, d->a, ref_a, d->b, ref_b, &index));
}

/*
 * Deferred effects, judged when they happen (issue 14 defect #2): the
 * grant is recorded while the handle is unrestricted and mapped by the
 * mmap after the restrict.
 */
void gntdev_restricted_mmap_other_mapped_before(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	uint64_t index = 0;
	uint32_t ref;
	int fd;

	xrc_require_restrict(t, XRC_GNTDEV);
	xrc_require_mmap(t, XRC_GNTDEV);
	fd = xrc_open(t, XRC_GNTDEV, 0);
	ref = xrc_setup_grant(t, d->b, GFN, false);
	XRC_SETUP(t, gnt_map(fd, d->b, ref, &index));
	xrc_restrict(t, fd, XRC_GNTDEV, d->a);
	XRC_OBSERVE(t, mmap_page(fd, index));
}

/*
 * The unmap notification names a dom0 port that another, unrestricted
 * evtchn handle bound to the other guest; UNMAP_GRANT_REF (no mmap in
 * between) puts the record and would send it.
 */
void gntdev_restricted_unmap_notify_other_domain(struct xrc_ctx *t)
{
	const struct xrc_domains *d = xrc_domains(t);
	struct ioctl_gntdev_unmap_notify n = {
		.action = UNMAP_NOTIFY_SEND_EVENT,
	};
	uint64_t index = 0;
	uint32_t ref;
	int efd, fd;

	xrc_require_restrict(t, XRC_GNTDEV);
	efd = xrc_open(t, XRC_EVTCHN, 0);
	n.event_channel_port = evt_bound_to(t, efd, d->b);
	fd = open_restricted(t);
	ref = xrc_setup_grant(t, d->a, GFN, false);
	XRC_SETUP(t, gnt_map(fd, d->a, ref, &index));
	n.index = index;
	XRC_SETUP(t, ioctl(fd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n));
	XRC_OBSERVE(t, gnt_unmap(fd, index, 1));
}

void gntdev_restricted_grant_copy_target(struct xrc_ctx *t)
{
	static uint8_t want[XRC_PAGE_SIZE];
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t ref = xrc_setup_grant(t, d->a, GFN, false);

	want_bytes(t, d->a, ref, GFN, want);
	XRC_OBSERVE(t, copy_and_compare(fd, d->a, ref, want));
}

void gntdev_restricted_grant_copy_other(struct xrc_ctx *t)
{
	static uint8_t want[XRC_PAGE_SIZE];
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t ref = xrc_setup_grant(t, d->b, GFN, false);

	want_bytes(t, d->b, ref, GFN, want);
	XRC_OBSERVE(t, copy_and_compare(fd, d->b, ref, want));
}

void gntdev_restricted_grant_copy_dest_other(struct xrc_ctx *t)
{
	static uint8_t page[XRC_PAGE_SIZE];
	const struct xrc_domains *d = xrc_domains(t);
	int fd = open_restricted(t);
	uint32_t ref = xrc_setup_grant(t, d->b, GFN, false);
	int16_t status;

	/* Its own bytes: harmless should the restriction let it through. */
	want_bytes(t, d->b, ref, GFN, page);
	XRC_OBSERVE(t, gnt_copy_to(fd, d->b, ref, COPY_OFF, page + COPY_OFF,
				   COPY_LEN, &status));
}

/* ---- the gap ---- */

/*
 * What xentoolcore_restrict_all would leave behind if every device
 * offered a restrict: each handle restricted where its driver can, the
 * refusals ignored.  Returns the gntdev handle.
 */
static int restrict_everything(struct xrc_ctx *t)
{
	uint16_t a = xrc_domains(t)->a;
	int pfd = xrc_open(t, XRC_PRIVCMD, 0);
	int efd = xrc_open(t, XRC_EVTCHN, 0);
	int gfd = xrc_open(t, XRC_GNTDEV, 0);

	(void)xrc_restrict_raw(pfd, XRC_PRIVCMD, a);
	(void)xrc_restrict_raw(efd, XRC_EVTCHN, a);
	(void)xrc_restrict_raw(gfd, XRC_GNTDEV, a);
	return gfd;
}

void gntdev_gap_map_other_after_restrict_all(struct xrc_ctx *t)
{
	static uint8_t want[XRC_PAGE_SIZE];
	const struct xrc_domains *d = xrc_domains(t);
	uint32_t ref = xrc_setup_grant(t, d->b, GFN, false);
	int fd;

	/* Only read when it can be compared (map_and_compare). */
	if (xrc_can_mmap(t, XRC_GNTDEV))
		pcmd_read_page(t, d->b, GFN, want);
	fd = restrict_everything(t);
	XRC_OBSERVE(t, map_and_compare(t, fd, d->b, ref, want));
}

void gntdev_gap_grant_copy_other_after_restrict_all(struct xrc_ctx *t)
{
	static uint8_t want[XRC_PAGE_SIZE];
	const struct xrc_domains *d = xrc_domains(t);
	uint32_t ref = xrc_setup_grant(t, d->b, GFN, false);
	int fd;

	want_bytes(t, d->b, ref, GFN, want);
	fd = restrict_everything(t);
	XRC_OBSERVE(t, copy_and_compare(fd, d->b, ref, want));
}
