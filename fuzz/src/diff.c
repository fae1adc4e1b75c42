/* SPDX-License-Identifier: MIT */
/*
 * The differential run: an input is a short sequence of calls on one
 * handle (restrict, structured ioctls, any ioctl number), each decided by
 * the port under test and by the reference on the same argument bytes.
 * No world: both sides are pure functions of (state, arguments).
 *
 *   byte 0   a profile's stable code, as in every target ('p' proposed,
 *            'l' linux, ...: <xensim/profile-list.h>); a byte that is no
 *            profile's code rejects the input unless XRC_FUZZ_PROFILE is
 *            set.  The calls are decided under the profile the port
 *            claims (a port follows one), or XRC_FUZZ_PROFILE's
 *   byte 1   device
 *   byte 2   caller domain (mostly dom0)
 *   then     calls
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static struct fz_arena arena;

/* The profile the port claims. */
static unsigned port_profile(const struct xrc_port *port)
{
	unsigned i;

	for (i = 0; i < fz_nr_profiles(); i++)
		if (port->profile && !strcmp(fz_profile(i)->name, port->profile))
			return i;
	fprintf(stderr, "xrc-fuzz: port %s claims profile '%s', which does "
		"not exist (see xrc profiles)\n", port->name,
		port->profile ? port->profile : "(none)");
	exit(2);
}

/*
 * EFAULT on either side is an order detail, not a disagreement; so is a
 * port refusing a call the device refuses on its own anyway.
 */
static bool agree(int ref, const struct fz_ref *r, int port)
{
	return ref == port || ref == -EFAULT || port == -EFAULT ||
	       (!ref && r->device_fails && port < 0);
}

int fz_run_diff(const struct xrc_port *port, const uint8_t *data,
		size_t size)
{
	static char target[XSIM_NR_DEVS][64];
	static int claim = -1;
	struct fz_in in = { .p = data, .n = size };
	const struct xsim_profile *p;
	struct xrc_port_state rs, ps;
	struct fz_build b;
	enum xsim_dev_kind dev;
	uint16_t caller;
	unsigned ops;
	uint8_t who;

	if (port->abi != XRC_PORT_ABI) {
		fprintf(stderr, "xrc-fuzz: port %s was built for plug-in ABI "
			"%u, this fuzzer speaks %u\n", port->name, port->abi,
			XRC_PORT_ABI);
		exit(2);
	}
	/* The profile byte must name one; the port's claim rules. */
	if (fz_pick_profile(fz_u8(&in)) < 0)
		return -1;
	/* XRC_FUZZ_PROFILE overrides the port's claim. */
	if (claim < 0)
		claim = (int)port_profile(port);
	p = fz_profile(fz_forced_profile() >= 0 ? (unsigned)fz_forced_profile() :
					       (unsigned)claim);
	dev = (enum xsim_dev_kind)(fz_u8(&in) % XSIM_NR_DEVS);
	who = fz_u8(&in);
	caller = who < 0xC0 ? 0 : (uint16_t)(1 + who % 3);
	if (!target[dev][0])
		snprintf(target[dev], sizeof(target[dev]), "diff:%s/%s",
			 port->name, xsim_dev_name(dev));
	fz_trace.target = target[dev];
	fz_trace.profile = p->name;
	fz_trace.nops = 0;
	fz_trace.nsteps = 0;
	if (!p->dev[dev].present)
		return 0;
	fz_arena_clear(&arena);

	fz_ref_open(p, (enum xrc_port_dev)dev, caller, &rs);
	ps = (struct xrc_port_state){ .restricted = 0,
				      .domid = XSIM_DOMID_INVALID };
	if (port->open)
		port->open((enum xrc_port_dev)dev, caller, &ps);
	fz_step("open", 0, 0)->target = caller;
	if (ps.restricted != rs.restricted ||
	    (rs.restricted && ps.domid != rs.domid))
		fz_fail("differential", "a fresh %s handle of a dom%u caller: "
			"the reference has it %s %u, the port %s %u",
			xsim_dev_name(dev), caller,
			rs.restricted ? "restricted to" : "unrestricted",
			rs.domid, ps.restricted ? "restricted to" :
			"unrestricted", ps.domid);

	/*
	 * One builder state for the whole input, its counts set before each
	 * call: no port, no grant index, no vma (diff has no world), no
	 * domain named yet.  The arrays behind the counts are read only up
	 * to them, so they are not cleared: zero-initializing the 152-byte
	 * struct per call cost an __asan_memset and its shadow checks on
	 * every call under ASan (docs/figures.md).
	 */
	b.a = &arena;
	b.in = &in;
	b.ports = NULL;
	b.nports = 0;
	b.indices = NULL;
	b.nindices = 0;
	for (ops = 0; ops < FZ_MAX_OPS && !fz_done(&in); ops++) {
		struct fz_call c = {
			.arg = FZ_ARENA_BASE + FZ_ARENA_SIZE, .name = "?",
			.target = XSIM_NO_TARGET,
		};
		struct xrc_port_call pc;
		struct xrc_port_state before = rs;
		struct fz_ref r;
		struct fz_step *s;
		uint8_t kind = fz_u8(&in) % 4;
		int v, pv;

		arena.cursor = 0;
		b.nnamed = 0;
		b.nvmas = 0;
		if (kind == 0)
			fz_build_restrict(dev, &b, &c);
		else if (kind == 3)
			fz_build_raw(dev, &b, &c);
		else
			fz_build_ioctl(dev, &b, &c);
		pc = (struct xrc_port_call){
			.dev = (enum xrc_port_dev)dev, .caller_domid = caller,
			.cmd = c.cmd, .arg = c.arg, .copy_in = fz_copy_in,
			.ctx = &arena,
		};
		s = fz_step("ioctl", 0, 0);
		s->name = c.name;
		s->cmd = c.cmd;
		s->arg = c.arg;
		s->target = c.target;
		v = fz_ref_audit(p, &pc, &rs, &r);
		pv = port->audit(&pc, &ps);
		s->expected = v;
		s->result = pv;
		if (!agree(v, &r, pv))
			fz_fail("differential", "%s %s by a handle %s %u: the "
				"reference (profile %s) answers %s, port %s "
				"answers %s", xsim_dev_name(dev), c.name,
				before.restricted ? "restricted to" :
				"unrestricted", before.domid, p->name,
				v ? fz_errname(v) : "0 (let through)",
				port->name,
				pv ? fz_errname(pv) : "0 (let through)");
		if (ps.restricted != rs.restricted ||
		    (rs.restricted && ps.domid != rs.domid))
			fz_fail("differential", "after %s: the reference "
				"leaves the handle %s %u, port %s %s %u",
				c.name, rs.restricted ? "restricted to" :
				"unrestricted", rs.domid, port->name,
				ps.restricted ? "restricted to" :
				"unrestricted", ps.domid);
	}
	fz_trace.nops = ops;
	return 0;
}
