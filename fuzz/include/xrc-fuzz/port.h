/* SPDX-License-Identifier: MIT */
/*
 * xrc-fuzz port plug-in: fuzz your backend's restrict audit against the
 * reference profile it claims to follow.
 *
 * A "port" is the argument audit of a restrict implementation (a kernel
 * driver's, a CUSE daemon's, a hypervisor shim's) lifted into a pure
 * function: given the handle's restriction and the caller's ioctl, does
 * the restriction let the call through, and if not with which errno?  The
 * differential fuzzer (fuzz/targets/diff.c) generates calls, asks your
 * port and the reference (sim/dev/audit.c's xsim_audit_* over the profile
 * table, after the device's own target extraction) and aborts on the
 * first disagreement, naming the call.
 *
 * To plug a port in, write one C file that includes this header (and the
 * Linux uapi headers for the ioctl numbers and argument layouts:
 * <xen/privcmd.h>, <xen/evtchn.h>, <xen/gntdev.h>, <xen/gntalloc.h>, or
 * <xensim/uapi.h> for the ones newer than Linux 6.1 and the proposal's
 * grant-device restrict) and defines exactly one
 *
 *	const struct xrc_port xrc_port = { ... };
 *
 * then build and run it:
 *
 *	scripts/xrc fuzz --port path/to/port.c [--time S]
 *
 * which builds build/fuzz/bin/fuzz-diff-NAME (NAME: the file's basename)
 * and fuzzes it against the profile in .profile.  fuzz/ports/lax.c is a
 * worked example with deliberate mistakes that the fuzzer finds;
 * fuzz/ports/reference.c wraps the reference itself.
 *
 * What is compared.  For each call the verdicts must agree:
 *  - both 0 (let through); or
 *  - both the same -errno; or
 *  - either says -EFAULT (reading an argument or a nested array faulted
 *    on one side only: an order detail, the call fails either way); or
 *  - the reference lets through a call the device then refuses on its
 *    own before acting (a grant-copy segment it rejects, a map count out
 *    of range) and the port refuses it.
 * Any other pair is a finding; so is a restrict ioctl that leaves the two
 * states different, or a fresh handle born in a different state.  A
 * port's own refusals for reasons other than the restriction (bad flags,
 * bad counts) are otherwise out of scope: answer 0 and let the device
 * fail the call later, as the reference does.
 */
#ifndef XRC_FUZZ_PORT_H
#define XRC_FUZZ_PORT_H

#include <stddef.h>
#include <stdint.h>

#define XRC_PORT_ABI	1u

/* Which device node the handle is open on. */
enum xrc_port_dev {
	XRC_PORT_PRIVCMD = 0,	/* /dev/xen/privcmd */
	XRC_PORT_EVTCHN = 1,	/* /dev/xen/evtchn */
	XRC_PORT_GNTDEV = 2,	/* /dev/xen/gntdev */
	XRC_PORT_GNTALLOC = 3,	/* /dev/xen/gntalloc */
};

/* A handle's restriction (Linux: privcmd_data.domid, evtchn restrict_domid). */
struct xrc_port_state {
	uint8_t restricted;	/* 0 or 1; never goes back to 0 */
	uint16_t domid;		/* meaningful when restricted */
};

/* One ioctl, as the driver's ioctl handler receives it. */
struct xrc_port_call {
	enum xrc_port_dev dev;
	uint16_t caller_domid;	/* 0: the process runs in dom0 */
	unsigned long cmd;	/* the ioctl number, Linux uapi encoding */
	uint64_t arg;		/* its argument: a user address */
	/*
	 * copy_from_user: copy len bytes at user address uaddr into dst.
	 * Returns 0, or -EFAULT for memory the caller cannot read (never
	 * faults).  Read each argument once and decide on your copy.
	 */
	int (*copy_in)(void *ctx, void *dst, uint64_t uaddr, size_t len);
	void *ctx;
};

struct xrc_port {
	unsigned abi;		/* XRC_PORT_ABI */
	const char *name;	/* for reports */
	/*
	 * The reference profile the port claims to follow (a name from
	 * `xrc profiles`, e.g. "proposed").  XRC_FUZZ_PROFILE in the
	 * environment overrides it.  The inputs' profile byte does not:
	 * a port follows one profile.
	 */
	const char *profile;
	/*
	 * Optional: the state of a fresh handle (default: unrestricted).
	 * The reference gives a domU privcmd handle, under a profile with
	 * XSA-482, a restriction to DOMID_IDLE (0x7FFF): the fuzzer's
	 * domains have no xenstore target.
	 */
	void (*open)(enum xrc_port_dev dev, uint16_t caller_domid,
		     struct xrc_port_state *st);
	/*
	 * The restriction's decision on one call by a handle in state *st:
	 *   0       let it through (the device may still fail it later);
	 *   -errno  refused by the restriction; for an ioctl the device does
	 *           not have: the device's unknown-ioctl errno; -EFAULT when
	 *           reading the argument faulted before the decision.
	 * For the device's restrict ioctl, apply it to *st on success.  Must
	 * not keep state of its own between calls.
	 */
	int (*audit)(const struct xrc_port_call *call,
		     struct xrc_port_state *st);
};

/* The port object defines exactly one. */
extern const struct xrc_port xrc_port;

#endif /* XRC_FUZZ_PORT_H */
