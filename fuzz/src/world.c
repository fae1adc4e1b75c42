/* SPDX-License-Identifier: MIT */
/*
 * One small world per profile per process, returned to its snapshot after
 * every input (creating a world costs far more than an input should).
 *
 * The world: dom0, guests 1 and 2 (HVM) and 3 (PV), each with 4 pages
 * (gfns 0..3), grant refs 8..11 granting them to dom0 (11 read-only) and
 * two unbound ports offered to dom0, of which dom0 has bound port 2 of
 * guests 1 and 2 (so that unmap notifications have ports to fire).
 * Guest 3's xenstore target is guest 1 (XSA-482: a privcmd handle opened
 * in dom3 is born restricted to 1); guests 1 and 2 have none (DOMID_IDLE).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xensim/machine.h>

#include "fuzz.h"

#define GUEST_PAGES	4u
#define FIRST_GREF	8u

struct fz_world {
	struct xsim_world *w;
	struct xsim_snapshot *snap;
};

static struct fz_world *worlds;	/* one per profile, made on first use */
static bool forked, atfork_set;	/* worlds belong to the parent */
static int forced = -2;		/* -2: not looked up; -1: none */
static int verify = -1;
/* By stable code: 1 + the profile's index, 0 for no profile. */
static uint16_t code_index[256];
static bool codes_indexed;

unsigned fz_nr_profiles(void)
{
	static unsigned n;

	if (!n)
		while (xsim_profiles()[n])
			n++;
	return n;
}

const struct xsim_profile *fz_profile(unsigned i)
{
	return xsim_profiles()[i];
}

static void pick_forced(void)
{
	const char *name = getenv("XRC_FUZZ_PROFILE");
	unsigned i;

	forced = -1;
	if (!name || !*name)
		return;
	for (i = 0; i < fz_nr_profiles(); i++)
		if (!strcmp(fz_profile(i)->name, name))
			forced = (int)i;
	if (forced < 0) {
		fprintf(stderr,
			"xrc-fuzz: XRC_FUZZ_PROFILE=%s: no such profile\n",
			name);
		exit(2);
	}
}

void fz_force_profile(unsigned i)
{
	forced = (int)i;
}

int fz_forced_profile(void)
{
	if (forced == -2)
		pick_forced();
	return forced;
}

/*
 * A table made once from the list, so that deciding an input's profile
 * runs none of the sim's (instrumented) code: an input rejected here
 * shows libFuzzer no coverage at all, so that it never enters a corpus
 * even where libFuzzer ignores the target's -1 (LLVM 14 does).
 */
int fz_profile_by_code(uint8_t b)
{
	unsigned i;

	if (!codes_indexed) {
		for (i = 0; i < fz_nr_profiles(); i++)
			code_index[(unsigned char)fz_profile(i)->code] =
				(uint16_t)(i + 1);
		codes_indexed = true;
	}
	return (int)code_index[b] - 1;
}

int fz_pick_profile(uint8_t b)
{
	if (forced == -2)
		pick_forced();
	return forced >= 0 ? forced : fz_profile_by_code(b);
}

bool fz_verify_reset(void)
{
	if (verify < 0) {
		const char *v = getenv("XRC_FUZZ_VERIFY_RESET");

		verify = v && *v && strcmp(v, "0");
	}
	return verify;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "xrc-fuzz: building the world: %s: %s\n", what,
		strerror(-rc));
	abort();
}

static void populate(struct xsim_world *w)
{
	struct xsim_caller dom0 = { .w = w, .domid = 0,
				    .handle = XSIM_EFF_NO_HANDLE };
	uint32_t d, r, port, local;
	uint16_t id;
	int rc = 0;

	xsim_lock(w);
	for (d = 1; d <= 3; d++) {
		struct xsim_domain_config cfg = {
			.domid = d, .hvm = d != 3, .max_vcpus = 1,
			.max_pages = GUEST_PAGES + 4,
			.max_grant_frames = 2,
		};
		struct xsim_caller self = { .w = w, .domid = (uint16_t)d,
					    .handle = XSIM_EFF_NO_HANDLE };

		cfg.handle[0] = (uint8_t)d;
		if ((rc = xsim_domain_create(&dom0, &cfg, &id)) ||
		    (rc = xsim_mem_populate(&dom0, d, 0, GUEST_PAGES)) ||
		    (rc = xsim_gnttab_setup(&dom0, d, 1)))
			die("domain", rc);
		for (r = 0; r < 4; r++)
			if ((rc = xsim_gnttab_grant(w, d, FIRST_GREF + r, 0, r,
						    r == 3)))
				die("grant", rc);
		for (r = 0; r < 2; r++)
			if ((rc = xsim_evtchn_alloc_unbound(&self,
							    XSIM_DOMID_SELF,
							    0, &port)))
				die("unbound port", rc);
		if (d != 3 &&
		    (rc = xsim_evtchn_bind_interdomain(&dom0, d, port, &local)))
			die("interdomain port", rc);
	}
	if ((rc = xsim_domain_set_xs_target(w, 3, 1)))
		die("xenstore target", rc);
	xsim_unlock(w);
}

static void note_fork(void)
{
	forked = true;
}

struct xsim_world *fz_world(unsigned i)
{
	struct xsim_world_config cfg = {
		.profile = fz_profile(i)->name,
		.nr_pages = 128,
		.max_handles = 32,
		.effect_log_entries = 4096,
		.empty = true,
	};
	struct fz_world *fw;
	int rc;

	if (forked) {
		/*
		 * A child forked after its parent made worlds (the replay's
		 * --expect-finding): they are the parent's, single-owner, so
		 * the child makes its own and leaves those alone.
		 */
		forked = false;
		free(worlds);
		worlds = NULL;
	}
	if (!worlds && !(worlds = calloc(fz_nr_profiles(), sizeof(*worlds))))
		die("one world per profile", -ENOMEM);
	if (!atfork_set) {
		atfork_set = true;
		if (pthread_atfork(NULL, NULL, note_fork))
			die("pthread_atfork", -ENOMEM);
	}
	fw = &worlds[i];
	if (fw->w)
		return fw->w;
	rc = xsim_world_create(&cfg, &fw->w);
	if (rc)
		die("create", rc);
	/*
	 * The process is the world's only user, from one thread: no
	 * process-shared lock to take on every call (<xensim/world.h>).
	 */
	rc = xsim_world_set_single_owner(fw->w);
	if (rc)
		die("single owner", rc);
	/* Wire up event delivery before the snapshot (it sets hooks). */
	xsim_dev_attach(fw->w);
	populate(fw->w);
	rc = xsim_snapshot_take(fw->w, &fw->snap);
	if (rc)
		die("snapshot", rc);
	return fw->w;
}

void fz_world_reset(unsigned i, const struct xsim_snapshot_extra *extra,
		    unsigned n, bool all)
{
	static const struct xsim_snapshot_extra none;
	struct fz_world *fw = &worlds[i];
	char what[64];

	xsim_snapshot_restore(fw->w, fw->snap, all ? NULL : n ? extra : &none,
			      n);
	if (fz_verify_reset() &&
	    xsim_snapshot_diff(fw->w, fw->snap, what, sizeof(what)))
		fz_fail("reset", "the world differs from its snapshot after "
			"the reset (%s): the reset missed a change", what);
}
