/* SPDX-License-Identifier: MIT */
/*
 * xensim-fail-check: what `xrc faults` reads from a world after a run
 * (docs/faults.md).
 *
 *   xensim-fail-check --sites    the failure points: NAME ERRNO SOURCE
 *   xensim-fail-check            joins the world named by XENSIM_WORLD_NAME:
 *                                "hits SITE N FIRED" per site, then every
 *                                escape in its effect log, then "escapes N"
 *
 * The escape oracle is the project's one rule, <xensim/escape.h>, in its
 * per-handle view (as the fuzz escape oracle, fuzz/src/program.c): every
 * handle of every process, restricted from its own RESTRICT record on,
 * holding what it touched before.  A program under test may open fresh
 * handles after restricting one (the contract allows it); only what a
 * restricted handle does is judged.
 *
 * Exit: 0 no escape, 1 some escape, 2 no world or the log overran.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xensim/device.h>
#include <xensim/effect.h>
#include <xensim/escape.h>
#include <xensim/fail.h>
#include <xensim/world.h>

#define CHUNK		4096
#define HELD_SLOTS	64	/* a power of two */
/* Handle ids are slot | gen << 24 (effect.h). */
#define SLOT_BITS	24u

struct tracked {
	uint32_t id;		/* 0 with !used */
	bool used;
	struct xsim_escape_handle esc;
	struct xsim_escape_slot slot[HELD_SLOTS];
};

static struct tracked *table;
static size_t table_n;

/* The state of handle id, opened now if its OPEN record came first. */
static struct tracked *track(const struct xsim_effect *e)
{
	size_t slot = e->handle & ((1u << SLOT_BITS) - 1);
	struct tracked *t;

	if (slot >= table_n) {
		size_t n = table_n ? table_n : 256;
		struct tracked *nt;

		while (n <= slot)
			n *= 2;
		nt = realloc(table, n * sizeof(*nt));
		if (!nt)
			return NULL;
		memset(nt + table_n, 0, (n - table_n) * sizeof(*nt));
		/* Held sets point into their own entry: re-aim them. */
		for (size_t i = 0; i < table_n; i++)
			nt[i].esc.held.slot = nt[i].slot;
		table = nt;
		table_n = n;
	}
	t = &table[slot];
	if (e->kind == XSIM_EFF_OPEN || !t->used || t->id != e->handle) {
		/*
		 * A handle whose OPEN record the log no longer holds is
		 * judged from its first record on, device unknown.
		 */
		int dev = e->kind == XSIM_EFF_OPEN ? (int)e->subop : -1;
		uint16_t caller = e->kind == XSIM_EFF_OPEN ? e->domid : 0;

		t->used = true;
		t->id = e->handle;
		xsim_escape_handle_open(&t->esc, dev, caller, t->slot,
					HELD_SLOTS);
	}
	return t;
}

static int sites(void)
{
	for (unsigned s = 0; s < XSIM_FAIL_NR_SITES; s++)
		printf("%s %s %s\n", xsim_fail_site_name(s),
		       strerrorname_np(xsim_fail_site_errno(s)),
		       xsim_fail_site_source(s));
	return 0;
}

int main(int argc, char **argv)
{
	static struct xsim_effect buf[CHUNK];
	const char *name = getenv("XENSIM_WORLD_NAME");
	struct xsim_world *w;
	unsigned long escapes = 0;
	uint64_t from = 0, end;
	char why[256];
	int rc;

	if (argc == 2 && !strcmp(argv[1], "--sites"))
		return sites();
	if (argc != 1) {
		fprintf(stderr, "usage: xensim-fail-check [--sites]\n"
				"  (the world: XENSIM_WORLD_NAME)\n");
		return 2;
	}
	if (!name || !*name) {
		fprintf(stderr, "xensim-fail-check: XENSIM_WORLD_NAME is not set\n");
		return 2;
	}
	rc = xsim_world_attach_named(name, &w, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "xensim-fail-check: world '%s': %s\n", name,
			why[0] ? why : strerror(-rc));
		return 2;
	}
	for (unsigned s = 0; s < XSIM_FAIL_NR_SITES; s++)
		printf("hits %s %u %u\n", xsim_fail_site_name(s),
		       xsim_fail_hits((enum xsim_fail_site)s),
		       xsim_fail_fired((enum xsim_fail_site)s));
	end = xsim_effect_next(w);
	while (from < end) {
		long n = xsim_effect_read(w, from, buf, CHUNK);

		if (n < 0) {
			fprintf(stderr, "xensim-fail-check: effect log from #%llu: %s (the ring wrapped)\n",
				(unsigned long long)from, strerror((int)-n));
			xsim_world_detach(w);
			return 2;
		}
		if (n == 0)
			break;
		for (long i = 0; i < n; i++) {
			const struct xsim_effect *e = &buf[i];
			struct tracked *t;

			if (e->handle == XSIM_EFF_NO_HANDLE)
				continue;
			t = track(e);
			if (!t) {
				fprintf(stderr, "xensim-fail-check: out of memory\n");
				xsim_world_detach(w);
				return 2;
			}
			if (xsim_escape_handle_effect(&t->esc, e) !=
			    XSIM_ESCAPE_YES)
				continue;
			escapes++;
			printf("escape #%llu pid %u handle %#x restricted to %u: %s %s subop %u on domain %u detail %llu\n",
			       (unsigned long long)e->seq, e->pid, e->handle,
			       t->esc.target, xsim_effect_kind_name(e->kind),
			       xsim_effect_op_name(e->op), e->subop, e->domid,
			       (unsigned long long)e->detail);
		}
		from += (uint64_t)n;
	}
	printf("escapes %lu\n", escapes);
	xsim_world_detach(w);
	free(table);
	return escapes ? 1 : 0;
}
