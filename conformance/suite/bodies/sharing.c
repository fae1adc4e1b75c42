/* SPDX-License-Identifier: MIT */
/*
 * sharing bodies: a restriction belongs to the open file description.
 * Each scenario is written once over a device and probed with aim_run
 * (one call aimed at another guest, bodies/sharing_io.c); the row bodies
 * pick the device.  Rows: conformance/suite/rows/sharing.rows.
 */
#include "bodies.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sharing_io.h"

/* The guest every scenario probes: b (the restriction is to a). */
static void aim_at_other(struct xrc_ctx *t, enum xrc_dev dev, struct aim *a)
{
	aim_prepare(t, dev, xrc_domains(t)->b, a);
}

static void restrict_to_target(struct xrc_ctx *t, int fd, enum xrc_dev dev)
{
	xrc_restrict(t, fd, dev, xrc_domains(t)->a);
}

static void dup_restricts_original(struct xrc_ctx *t, enum xrc_dev dev)
{
	int fd = xrc_open(t, dev, 0);
	int copy = (int)XRC_SETUP(t, dup(fd));
	struct aim a;

	aim_at_other(t, dev, &a);
	restrict_to_target(t, copy, dev);
	XRC_OBSERVE(t, aim_run(fd, &a));
}

static void dup2_copy_restricted(struct xrc_ctx *t, enum xrc_dev dev)
{
	int fd = xrc_open(t, dev, 0);
	int spot = (int)XRC_SETUP(t, open("/dev/null", O_RDONLY | O_CLOEXEC));
	struct aim a;

	aim_at_other(t, dev, &a);
	restrict_to_target(t, fd, dev);
	/* Over a descriptor that is in use: dup2 closes it first. */
	XRC_SETUP(t, dup2(fd, spot));
	XRC_OBSERVE(t, aim_run(spot, &a));
}

static void fork_child_inherits(struct xrc_ctx *t, enum xrc_dev dev)
{
	int fd = xrc_open(t, dev, 0);
	struct child_obs o;
	struct aim a;

	aim_at_other(t, dev, &a);
	restrict_to_target(t, fd, dev);
	o = run_in_child(t, aim_run, fd, &a);
	xrc_observe(t, o.rc, o.err, "aim_run(fd, &a) in a forked child");
}

struct restrict_req {
	enum xrc_dev dev;
	uint32_t domid;
};

static long restrict_in_child(int fd, const void *arg)
{
	const struct restrict_req *r = arg;

	return xrc_restrict_raw(fd, r->dev, r->domid);
}

static void fork_child_restricts_parent(struct xrc_ctx *t, enum xrc_dev dev)
{
	struct restrict_req req = { .dev = dev, .domid = xrc_domains(t)->a };
	struct child_obs o;
	struct aim a;
	int fd;

	xrc_require_restrict(t, dev);
	fd = xrc_open(t, dev, 0);
	aim_at_other(t, dev, &a);
	o = run_in_child(t, restrict_in_child, fd, &req);
	if (o.rc < 0)
		xrc_error(t, "the child's restrict failed: %s",
			  xrc_errno_name(o.err));
	XRC_OBSERVE(t, aim_run(fd, &a));
}

static void scm_rights_received(struct xrc_ctx *t, enum xrc_dev dev)
{
	int fd = xrc_open(t, dev, 0);
	struct aim a;
	int got;

	aim_at_other(t, dev, &a);
	restrict_to_target(t, fd, dev);
	got = fd_pass_scm(t, fd);
	XRC_OBSERVE(t, aim_run(got, &a));
}

static void scm_rights_restricts_sender(struct xrc_ctx *t, enum xrc_dev dev)
{
	int fd = xrc_open(t, dev, 0);
	int got = fd_pass_scm(t, fd);
	struct aim a;

	aim_at_other(t, dev, &a);
	restrict_to_target(t, got, dev);
	XRC_OBSERVE(t, aim_run(fd, &a));
}

static void survives_close_original(struct xrc_ctx *t, enum xrc_dev dev)
{
	int fd = xrc_open(t, dev, 0);
	int copy = (int)XRC_SETUP(t, dup(fd));
	struct aim a;

	aim_at_other(t, dev, &a);
	restrict_to_target(t, fd, dev);
	XRC_SETUP(t, close(fd));
	XRC_OBSERVE(t, aim_run(copy, &a));
}

static void fresh_open_unrestricted(struct xrc_ctx *t, enum xrc_dev dev)
{
	int fd = xrc_open(t, dev, 0);
	int fresh;
	struct aim a;

	aim_at_other(t, dev, &a);
	restrict_to_target(t, fd, dev);
	fresh = xrc_open(t, dev, 0);
	XRC_OBSERVE(t, aim_run(fresh, &a));
}

#define SCENARIOS(dev, DEV)						\
void sharing_##dev##_dup_restricts_original(struct xrc_ctx *t)		\
{									\
	dup_restricts_original(t, DEV);					\
}									\
void sharing_##dev##_dup2_copy_restricted(struct xrc_ctx *t)		\
{									\
	dup2_copy_restricted(t, DEV);					\
}									\
void sharing_##dev##_fork_child_inherits(struct xrc_ctx *t)		\
{									\
	fork_child_inherits(t, DEV);					\
}									\
void sharing_##dev##_fork_child_restricts_parent(struct xrc_ctx *t)	\
{									\
	fork_child_restricts_parent(t, DEV);				\
}									\
void sharing_##dev##_scm_rights_received(struct xrc_ctx *t)		\
{									\
	scm_rights_received(t, DEV);					\
}									\
void sharing_##dev##_scm_rights_restricts_sender(struct xrc_ctx *t)	\
{									\
	scm_rights_restricts_sender(t, DEV);				\
}									\
void sharing_##dev##_survives_close_original(struct xrc_ctx *t)		\
{									\
	survives_close_original(t, DEV);				\
}									\
void sharing_##dev##_fresh_open_unrestricted(struct xrc_ctx *t)		\
{									\
	fresh_open_unrestricted(t, DEV);				\
}

SCENARIOS(privcmd, XRC_PRIVCMD)
SCENARIOS(evtchn, XRC_EVTCHN)
SCENARIOS(gntdev, XRC_GNTDEV)
SCENARIOS(gntalloc, XRC_GNTALLOC)

/* ---- re-restricting to another guest through a shared copy ---- */

static void restrict_other_via_dup(struct xrc_ctx *t, enum xrc_dev dev)
{
	int fd = xrc_open(t, dev, 0);
	int copy;

	restrict_to_target(t, fd, dev);
	copy = (int)XRC_SETUP(t, dup(fd));
	XRC_OBSERVE(t, xrc_restrict_raw(copy, dev, xrc_domains(t)->b));
}

static void restrict_other_via_scm(struct xrc_ctx *t, enum xrc_dev dev)
{
	int fd = xrc_open(t, dev, 0);
	int got;

	restrict_to_target(t, fd, dev);
	got = fd_pass_scm(t, fd);
	XRC_OBSERVE(t, xrc_restrict_raw(got, dev, xrc_domains(t)->b));
}

void sharing_privcmd_dup_restrict_other(struct xrc_ctx *t)
{
	restrict_other_via_dup(t, XRC_PRIVCMD);
}

void sharing_privcmd_scm_rights_restrict_other(struct xrc_ctx *t)
{
	restrict_other_via_scm(t, XRC_PRIVCMD);
}

void sharing_evtchn_dup_restrict_other(struct xrc_ctx *t)
{
	restrict_other_via_dup(t, XRC_EVTCHN);
}

void sharing_evtchn_scm_rights_restrict_other(struct xrc_ctx *t)
{
	restrict_other_via_scm(t, XRC_EVTCHN);
}

/* ---- mappings made before the restrict ---- */

/* The gfn of another guest mapped before restricting. */
#define PRIOR_GFN	4
/*
 * The writable-mapping row writes a marker: it uses its own page, so that
 * the rows comparing PRIOR_GFN's contents can run at the same time.
 */
#define PRIOR_WRITE_GFN	6
/* Where the write probe goes in that page. */
#define PROBE_OFF	256

/* 0 when the page at addr reads as want, else -1 (EFAULT or EILSEQ). */
static long page_reads_as(const void *addr, const void *want)
{
	static uint8_t seen[XRC_PAGE_SIZE];

	if (mem_read(addr, seen, sizeof(seen)) < 0)
		return -1;
	return mem_same(seen, want, sizeof(seen));
}

/*
 * Write a marker through old and read it back through fresh (another
 * mapping of the same page); the original bytes are put back.  0 when
 * fresh saw the marker.
 */
static long write_reaches(uint8_t *old, const uint8_t *fresh)
{
	static const uint8_t marker[8] = { 'x', 'r', 'c', '-', 'p', 'r', 'o', 'b' };
	uint8_t saved[sizeof(marker)], seen[sizeof(marker)];
	long rc;

	if (mem_read(old + PROBE_OFF, saved, sizeof(saved)) < 0 ||
	    mem_write(old + PROBE_OFF, marker, sizeof(marker)) < 0)
		return -1;
	rc = mem_read(fresh + PROBE_OFF, seen, sizeof(seen));
	if (rc == 0)
		rc = mem_same(seen, marker, sizeof(marker));
	(void)mem_write(old + PROBE_OFF, saved, sizeof(saved));
	return rc;
}

/* A privcmd handle with the other guest's gfn mapped, then restricted. */
static void *restricted_with_prior_mapping(struct xrc_ctx *t, uint64_t gfn)
{
	const struct xrc_domains *d = xrc_domains(t);
	int fd;
	void *region;

	xrc_require_restrict(t, XRC_PRIVCMD);
	fd = xrc_open(t, XRC_PRIVCMD, 0);
	region = xrc_privcmd_region(t, fd, 1);
	XRC_SETUP(t, pcmd_map_gfn(fd, d->b, gfn, region));
	xrc_restrict(t, fd, XRC_PRIVCMD, d->a);
	return region;
}

void sharing_privcmd_prior_mapping_readable(struct xrc_ctx *t)
{
	static uint8_t want[XRC_PAGE_SIZE];
	void *old = restricted_with_prior_mapping(t, PRIOR_GFN);

	pcmd_read_page(t, xrc_domains(t)->b, PRIOR_GFN, want);
	XRC_OBSERVE(t, page_reads_as(old, want));
}

void sharing_privcmd_prior_mapping_writable(struct xrc_ctx *t)
{
	void *old = restricted_with_prior_mapping(t, PRIOR_WRITE_GFN);
	int fd = xrc_open(t, XRC_PRIVCMD, 0);
	void *fresh = xrc_privcmd_region(t, fd, 1);

	XRC_SETUP(t, pcmd_map_gfn(fd, xrc_domains(t)->b, PRIOR_WRITE_GFN, fresh));
	XRC_OBSERVE(t, write_reaches(old, fresh));
}

void sharing_gntdev_prior_mapping_readable(struct xrc_ctx *t)
{
	static uint8_t want[XRC_PAGE_SIZE];
	const struct xrc_domains *d = xrc_domains(t);
	uint32_t ref;
	void *page;
	int fd;

	xrc_require_restrict(t, XRC_GNTDEV);
	xrc_require_mmap(t, XRC_GNTDEV);
	fd = xrc_open(t, XRC_GNTDEV, 0);
	ref = xrc_setup_grant(t, d->b, PRIOR_GFN, false);
	pcmd_read_page(t, d->b, PRIOR_GFN, want);
	XRC_SETUP(t, gnt_map_mmap(fd, d->b, ref, false, &page));
	xrc_restrict(t, fd, XRC_GNTDEV, d->a);
	XRC_OBSERVE(t, page_reads_as(page, want));
}
