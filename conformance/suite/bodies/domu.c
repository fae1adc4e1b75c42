/* SPDX-License-Identifier: MIT */
/*
 * What a domU caller can assert (rows: conformance/suite/rows/domu.rows):
 * privcmd handles born restricted by XSA-482, evtchn and the grant
 * devices unchanged.  Each body first learns who the caller is, without
 * privcmd (the device under test), through two files every Xen domain
 * has, on a real kernel and on the sim alike:
 *
 *  - /proc/xen/capabilities says "control_d" in dom0 and nothing in a
 *    domU (Linux drivers/xen/xenfs/super.c, capabilities_read);
 *  - in a domU, xenstore answers the relative keys "domid" and "target"
 *    through DEVDIR/xenbus, the wire protocol of
 *    xen/include/public/io/xs_wire.h that libxenstore speaks
 *    (tools/libs/store/xs.c) and Linux's xenbus_dev_frontend.c relays;
 *    relative paths are the caller's own /local/domain/<id>/.  "target"
 *    is parsed as privcmd's init_restrict parses it (kstrtouint base 10,
 *    kept in a 16-bit domid); unreadable or not a number: DOMID_IDLE.
 *
 * In dom0 every body SKIPs "caller is dom0: ..."; with neither file (not
 * a Xen domain, e.g. the CUSE guest) it SKIPs "caller unknown: ...".
 */
#include "bodies.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xensim/xen-const.h>

#include "privcmd_util.h"
#include "sharing_io.h"

/* xen/include/public/io/xs_wire.h */
#define XS_READ		2u
#define XS_ERROR	16u
#define XS_WAIT_MS	3000	/* no xenstored (a bare dom0) never answers */

struct xs_hdr {
	uint32_t type, req_id, tx_id, len;
};

struct caller {
	uint16_t domid;
	uint16_t target;	/* xenstore "target", or DOMID_IDLE */
};

/* Read exactly len bytes, each wait bounded: 0, or -1 and errno. */
static int xs_read_all(int fd, void *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		int rc = poll(&p, 1, XS_WAIT_MS);

		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			if (!rc)
				errno = ETIMEDOUT;
			return -1;
		}
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EPIPE;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

/*
 * XS_READ of path (relative: the caller's own directory) into val:
 * 0; -1 with errno (ENOENT: no such key; ETIMEDOUT: no answer).
 */
static int xs_read(int fd, const char *path, char *val, size_t size)
{
	char msg[sizeof(struct xs_hdr) + 64], err[32];
	struct xs_hdr h = { .type = XS_READ, .req_id = 1,
			    .len = (uint32_t)strlen(path) + 1 };

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), path, h.len);
	if (write(fd, msg, sizeof(h) + h.len) != (ssize_t)(sizeof(h) + h.len))
		return -1;
	if (xs_read_all(fd, &h, sizeof(h)))
		return -1;
	if (h.type == XS_ERROR) {
		size_t n = h.len < sizeof(err) ? h.len : sizeof(err) - 1;

		if (xs_read_all(fd, err, n))
			return -1;
		err[n] = '\0';
		errno = strncmp(err, "ENOENT", 6) ? EIO : ENOENT;
		return -1;
	}
	if (h.type != XS_READ || h.len >= size) {
		errno = EPROTO;
		return -1;
	}
	if (xs_read_all(fd, val, h.len))
		return -1;
	val[h.len] = '\0';
	return 0;
}

/* kstrtouint(s, 10, &v) as Linux lib/kstrtox.c: digits, one "\n" at most. */
static bool kstrtouint10(const char *s, unsigned *out)
{
	unsigned long long v = 0;

	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > 0xFFFFFFFFull)
			return false;
	}
	if (*s == '\n')
		s++;
	if (*s)
		return false;
	*out = (unsigned)v;
	return true;
}

/*
 * /proc/xen/capabilities: 1 when it says "control_d", 0 when it does not;
 * -1 and errno when it cannot be read.  open() and read(), not stdio: the
 * sim's LD_PRELOAD transport serves the file, and stdio opens through
 * libc's internal entry points, which no preload can interpose.
 */
static int xenfs_says_dom0(void)
{
	char buf[64];
	size_t got = 0;
	ssize_t n;
	int fd = open("/proc/xen/capabilities", O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -1;
	while (got < sizeof(buf) - 1) {
		n = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			close(fd);
			errno = err;
			return -1;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return strstr(buf, "control_d") != NULL;
}

/* The domU's own keys, through xenstore. */
static void caller_by_xenstore(struct xrc_ctx *t, int fd, struct caller *c)
{
	char val[64];
	unsigned v;

	if (xs_read(fd, "domid", val, sizeof(val)))
		xrc_error(t, "fixture: xenstore read of \"domid\" through %s/xenbus: %s",
			  xrc_devdir(t), xrc_errno_name(errno));
	if (!kstrtouint10(val, &v) || v >= XSIM_DOMID_FIRST_RESERVED)
		xrc_error(t, "fixture: xenstore \"domid\" is '%s', not a domid", val);
	if (!v)
		xrc_skip(t, "caller is dom0: xenstore \"domid\" is 0 (XSA-482 applies to domUs only)");
	c->domid = (uint16_t)v;
	c->target = XSIM_DOMID_IDLE;
	if (!xs_read(fd, "target", val, sizeof(val)) && kstrtouint10(val, &v))
		c->target = (uint16_t)v;
	else if (errno == ETIMEDOUT)
		xrc_error(t, "fixture: xenstore read of \"target\": no answer");
}

/* Who calls: SKIP in dom0 or outside Xen, ERROR when it cannot be told. */
static struct caller domu_caller(struct xrc_ctx *t)
{
	struct caller c;
	char path[4096];
	int dom0 = xenfs_says_dom0(), caps_err = errno, fd;

	if (dom0 > 0)
		xrc_skip(t, "caller is dom0: /proc/xen/capabilities says control_d (XSA-482 applies to domUs only)");
	if (dom0 < 0 && caps_err != ENOENT)
		xrc_error(t, "fixture: read /proc/xen/capabilities: %s",
			  xrc_errno_name(caps_err));
	snprintf(path, sizeof(path), "%s/xenbus", xrc_devdir(t));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 && dom0 < 0 &&
	    (errno == ENOENT || errno == ENODEV || errno == ENXIO))
		xrc_skip(t, "caller unknown: no /proc/xen/capabilities and no %s (not a Xen domain)",
			 path);
	if (fd < 0)
		xrc_error(t, "fixture: /proc/xen/capabilities says a domU, but open %s: %s",
			  path, xrc_errno_name(errno));
	caller_by_xenstore(t, fd, &c);
	close(fd);
	return c;
}

/* A domid that is not the target: dom0, or 1 when the target is 0. */
static uint16_t other_than(uint16_t target)
{
	return target ? 0 : 1;
}

/* ---- privcmd ---- */

void privcmd_born_restricted_hypercall(struct xrc_ctx *t)
{
	(void)domu_caller(t);
	XRC_OBSERVE(t, pc_xen_version(pc_open(t)));
}

void privcmd_born_restricted_restrict_target(struct xrc_ctx *t)
{
	struct caller c = domu_caller(t);

	XRC_OBSERVE(t, pc_restrict(pc_open(t), c.target));
}

void privcmd_born_restricted_restrict_other(struct xrc_ctx *t)
{
	struct caller c = domu_caller(t);

	XRC_OBSERVE(t, pc_restrict(pc_open(t), other_than(c.target)));
}

void privcmd_born_restricted_restrict_invalid(struct xrc_ctx *t)
{
	(void)domu_caller(t);
	XRC_OBSERVE(t, pc_restrict(pc_open(t), XSIM_DOMID_INVALID));
}

void privcmd_born_restricted_dm_op_target(struct xrc_ctx *t)
{
	struct caller c = domu_caller(t);

	XRC_OBSERVE(t, pc_dm_op_num0(pc_open(t), c.target));
}

void privcmd_born_restricted_dm_op_other(struct xrc_ctx *t)
{
	struct caller c = domu_caller(t);

	XRC_OBSERVE(t, pc_dm_op_num0(pc_open(t), other_than(c.target)));
}

/* ---- evtchn, gntdev, gntalloc ---- */

void evtchn_born_unrestricted_bind_unbound(struct xrc_ctx *t)
{
	(void)domu_caller(t);
	XRC_OBSERVE(t, evt_bind_unbound(xrc_open(t, XRC_EVTCHN, 0), 0));
}

void evtchn_born_unrestricted_restrict_first(struct xrc_ctx *t)
{
	struct caller c = domu_caller(t);
	/* evtchn RESTRICT_DOMID refuses 0 and reserved domids (EINVAL). */
	uint16_t dom = c.target && c.target < XSIM_DOMID_FIRST_RESERVED ?
		       c.target : c.domid;

	XRC_OBSERVE(t, xrc_restrict_raw(xrc_open(t, XRC_EVTCHN, 0),
					XRC_EVTCHN, dom));
}

void gntdev_born_unrestricted_restrict(struct xrc_ctx *t)
{
	struct caller c = domu_caller(t);
	uint16_t dom = c.target && c.target < XSIM_DOMID_FIRST_RESERVED ?
		       c.target : c.domid;

	XRC_OBSERVE(t, xrc_restrict_raw(xrc_open(t, XRC_GNTDEV, 0),
					XRC_GNTDEV, dom));
}

void gntalloc_born_unrestricted_alloc_dom0(struct xrc_ctx *t)
{
	uint64_t index;
	uint32_t ref;

	(void)domu_caller(t);
	XRC_OBSERVE(t, gna_alloc(xrc_open(t, XRC_GNTALLOC, 0), 0, &index,
				 &ref));
}

/* ---- what dom0 offers the domU (vm-images/domu/dom0.sh) ---- */

/*
 * The number dom0 published for the caller as xenstore "data/<key>"
 * (vm-images/tools/domu.c offer; the sim: world file "publish").  A domU
 * without it cannot check the row: ERROR, the fixture is missing.
 */
static uint32_t domu_offer(struct xrc_ctx *t, const char *key)
{
	char path[4096], rel[64], val[64];
	unsigned v;
	int fd, err;

	snprintf(path, sizeof(path), "%s/xenbus", xrc_devdir(t));
	snprintf(rel, sizeof(rel), "data/%s", key);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		xrc_error(t, "fixture: open %s: %s", path, xrc_errno_name(errno));
	if (xs_read(fd, rel, val, sizeof(val))) {
		err = errno;
		close(fd);
		xrc_error(t, "fixture: dom0 offered nothing: xenstore read of \"%s\": %s",
			  rel, xrc_errno_name(err));
	}
	close(fd);
	if (!kstrtouint10(val, &v))
		xrc_error(t, "fixture: xenstore \"%s\" is '%s', not a number",
			  rel, val);
	return v;
}

/* A domain evtchn may be restricted to that is not dom0: the target, else the caller. */
static uint16_t restrict_dom(const struct caller *c)
{
	return c->target && c->target < XSIM_DOMID_FIRST_RESERVED ?
	       c->target : c->domid;
}

/*
 * dom0's page as the fixture fills it, the world's pattern
 * (docs/world-files.md): each 8-byte word at byte offset o holds
 * granter<<48 | frame<<12 | o, one frame for the whole page.  0, or -1
 * with EILSEQ when a word is not.
 */
static long check_pattern(const uint64_t *word, uint16_t granter)
{
	uint64_t frame = word[0] & 0x0000FFFFFFFFF000ull;
	size_t i;

	for (i = 0; i < XRC_PAGE_SIZE / sizeof(*word); i++) {
		if (word[i] != ((uint64_t)granter << 48 | frame | i * 8)) {
			errno = EILSEQ;
			return -1;
		}
	}
	return 0;
}

void evtchn_domu_offer_bind_dom0(struct xrc_ctx *t)
{
	uint32_t port;

	(void)domu_caller(t);
	port = domu_offer(t, "xrc-offer-port");
	XRC_OBSERVE(t, evt_bind_interdomain(xrc_open(t, XRC_EVTCHN, 0), 0,
					    port));
}

void evtchn_domu_offer_bind_dom0_restricted(struct xrc_ctx *t)
{
	struct caller c = domu_caller(t);
	uint32_t port = domu_offer(t, "xrc-offer-port");
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	xrc_restrict(t, fd, XRC_EVTCHN, restrict_dom(&c));
	XRC_OBSERVE(t, evt_bind_interdomain(fd, 0, port));
}

/* Map dom0's grant ref and check its pattern: 0, or -1 and errno. */
static long map_dom0_page(struct xrc_ctx *t, int fd, uint32_t ref)
{
	static uint64_t seen[XRC_PAGE_SIZE / sizeof(uint64_t)];
	uint64_t index = 0;
	void *page;

	/* As bodies/gntdev.c map_and_compare: the bytes need a mapping. */
	if (!xrc_can_mmap(t, XRC_GNTDEV)) {
		if (gnt_map(fd, 0, ref, &index) < 0)
			return -1;
		xrc_skip(t, "MAP_GRANT_REF returned 0, and the bytes need a mapping: backend cannot mmap gntdev (ENODEV)");
	}
	if (gnt_map_mmap(fd, 0, ref, false, &page) < 0)
		return -1;
	if (mem_read(page, seen, sizeof(seen)) < 0)
		return -1;
	return check_pattern(seen, 0);
}

void gntdev_domu_offer_map_dom0(struct xrc_ctx *t)
{
	uint32_t ref;

	(void)domu_caller(t);
	ref = domu_offer(t, "xrc-offer-gref");
	XRC_OBSERVE(t, map_dom0_page(t, xrc_open(t, XRC_GNTDEV, 0), ref));
}

void gntdev_domu_offer_map_dom0_restricted(struct xrc_ctx *t)
{
	struct caller c = domu_caller(t);
	uint32_t ref = domu_offer(t, "xrc-offer-gref");
	int fd = xrc_open(t, XRC_GNTDEV, 0);
	uint64_t index;

	xrc_restrict(t, fd, XRC_GNTDEV, restrict_dom(&c));
	XRC_OBSERVE(t, gnt_map(fd, 0, ref, &index));
}
