/* SPDX-License-Identifier: MIT */
/*
 * The API a test body is written in.  A body runs in its own process (the
 * runner forks one per assertion, with a timeout), opens its own handles,
 * builds what it needs through the fixture, then makes exactly one judged
 * call with XRC_OBSERVE.  It talks to the backend only through the device
 * ABI (the Linux uapi, <xensim/uapi.h>) or Debian's libxen* — never by
 * linking the sim.
 *
 * Verdicts come from what the body reports:
 *   XRC_OBSERVE(t, call)  the outcome to judge against the profile's column
 *   xrc_skip(t, ...)      a feature probed absent (device missing, restrict
 *                         answers UNSUPPORTED): SKIP, with the reason
 *   xrc_error(t, ...)     setup or fixture broke: ERROR, never FAIL
 * xrc_skip and xrc_error do not return (the body's process ends).
 */
#ifndef XRC_BODY_H
#define XRC_BODY_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <xrc/catalogue.h>

/* The devices, named as under the device directory. */
enum xrc_dev {
	XRC_PRIVCMD,
	XRC_EVTCHN,
	XRC_GNTDEV,
	XRC_GNTALLOC,
	XRC_NR_DEVS
};

/* Domains the fixture found or made for this run (the same for every test). */
struct xrc_domains {
	uint16_t a;		/* the target: an existing guest, HVM if any */
	uint16_t b;		/* another existing guest */
	uint16_t pv;		/* an existing PV guest, or XRC_NO_DOMAIN */
	uint16_t absent;	/* a domid with no domain */
};
#define XRC_NO_DOMAIN	0xFFFFu

/*
 * The run's domains.  ERROR "fixture: ..." when the probe found fewer than
 * two guests or could not look; SKIP when there is no privcmd device at
 * all (nothing to test on this backend).
 */
const struct xrc_domains *xrc_domains(struct xrc_ctx *t);

/* The device directory under test (--devdir; default /dev/xen). */
const char *xrc_devdir(struct xrc_ctx *t);

/*
 * Open devdir/<name of dev> with flags (O_RDWR | O_CLOEXEC if 0).
 * ENOENT/ENODEV/ENXIO: SKIP "device absent"; other failures: ERROR.
 */
int xrc_open(struct xrc_ctx *t, enum xrc_dev dev, int flags);

/*
 * Restrict fd (a handle of dev) to domid with the device's restrict ioctl
 * (privcmd RESTRICT, evtchn RESTRICT_DOMID, and the proposal's gntdev /
 * gntalloc ioctls).  An UNSUPPORTED answer (ENOSYS, EOPNOTSUPP, ENOTTY, and
 * EINVAL from a driver without the ioctl, NetBSD-style) is a SKIP; any other
 * failure an ERROR.  Use xrc_restrict_raw to observe the call itself.
 */
void xrc_restrict(struct xrc_ctx *t, int fd, enum xrc_dev dev, uint32_t domid);
/* The restrict ioctl itself: its return value (-1 and errno on failure). */
long xrc_restrict_raw(int fd, enum xrc_dev dev, uint32_t domid);

/* Skip the body unless dev has a restrict ioctl (probed on a fresh handle). */
void xrc_require_restrict(struct xrc_ctx *t, enum xrc_dev dev);

__attribute__((noreturn, format(printf, 2, 3)))
void xrc_skip(struct xrc_ctx *t, const char *fmt, ...);
__attribute__((noreturn, format(printf, 4, 5)))
void xrc_error_at(struct xrc_ctx *t, const char *file, int line,
		  const char *fmt, ...);
#define xrc_error(t, ...)	xrc_error_at((t), __FILE__, __LINE__, __VA_ARGS__)

/*
 * Record the judged outcome (once per body): what was called, and where
 * (the body's file:line, named by a FAIL line of the text report).
 */
void xrc_observe_at(struct xrc_ctx *t, const char *file, int line, long rc,
		    int err, const char *what);
#define xrc_observe(t, rc, err, what)					\
	xrc_observe_at((t), __FILE__, __LINE__, (rc), (err), (what))

#define XRC_OBSERVE(t, call)						\
	do {								\
		long xrc_rc_;						\
		errno = 0;						\
		xrc_rc_ = (long)(call);					\
		xrc_observe((t), xrc_rc_, xrc_rc_ < 0 ? errno : 0, #call); \
	} while (0)

/* A setup step that must succeed (>= 0), else ERROR naming it and errno. */
#define XRC_SETUP(t, call)						\
	({								\
		long xrc_s_;						\
		errno = 0;						\
		xrc_s_ = (long)(call);					\
		if (xrc_s_ < 0)						\
			xrc_error((t), "setup failed: %s: %s", #call,	\
				  xrc_errno_name(errno));		\
		xrc_s_;							\
	})

/* ---- Fixture: built through the device ABI on any backend ---- */

/*
 * A fresh event channel port in domain dom, unbound and offered to dom0
 * (EVTCHNOP_alloc_unbound through an unrestricted privcmd handle).
 * ERROR if the backend cannot make one.
 */
uint32_t xrc_setup_unbound_port(struct xrc_ctx *t, uint16_t dom);

/*
 * A grant reference by which dom grants its gfn to dom0 (writing dom's
 * grant table through MMAP_RESOURCE of its grant-table frame).  ERROR if
 * the backend cannot make one.  On a backend that cannot mmap privcmd,
 * one of the grants the sim's default world offers (refs 8..11 of gfns
 * 0..3, ref 11 read-only), or SKIP if none fits.
 */
uint32_t xrc_setup_grant(struct xrc_ctx *t, uint16_t dom, uint64_t gfn, bool ro);

/*
 * The 8-byte word the sim's default world stores at (dom, gfn, offset):
 * dom << 48 | gfn << 12 | offset.  Only meaningful on the sim; bodies that
 * check memory contents read a page through two paths and compare instead.
 */
static inline uint64_t xrc_sim_pattern(uint16_t dom, uint64_t gfn,
				       unsigned off)
{
	return (uint64_t)dom << 48 | gfn << 12 | off;
}

/*
 * Can the backend mmap dev?  Probed once per run (mmap answering ENODEV:
 * the file has no mmap method, as on CUSE); true for a device the probe
 * could not open (opening it in the body says why).
 */
bool xrc_can_mmap(struct xrc_ctx *t, enum xrc_dev dev);
/* SKIP "backend cannot mmap <dev> (ENODEV...)" unless xrc_can_mmap. */
void xrc_require_mmap(struct xrc_ctx *t, enum xrc_dev dev);

/*
 * The per-test scratch: a privcmd mapping region of n pages.  SKIP when
 * the backend cannot mmap privcmd, ERROR when the mmap fails otherwise.
 */
void *xrc_privcmd_region(struct xrc_ctx *t, int fd, unsigned pages);

#endif /* XRC_BODY_H */
