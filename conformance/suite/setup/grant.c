/* SPDX-License-Identifier: MIT */
/*
 * Fixture: a grant reference by which a guest grants one of its gfns to
 * dom0, written straight into the guest's grant table (v1): its shared
 * frame 0 is mapped with XENMEM_acquire_resource (privcmd MMAP_RESOURCE,
 * XENMEM_resource_grant_table / id_shared, Xen xen/common/grant_table.c
 * gnttab_acquire_resource) and a free entry at ref >= 8 is claimed.
 *
 * The entry is written as one 8-byte compare-and-swap: frame and domid
 * can never be seen without the flags that make them live nor the other
 * way round (the guest-side rule "write frame and domid, barrier, then
 * flags", here in one store), and two tests claiming entries in one table
 * at once cannot take the same one.
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <stdint.h>	/* before Xen's headers, which assume it */
#include <string.h>
#include <sys/mman.h>

#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/grant_table.h>

#include "setup.h"

#define FRAME_SIZE	4096u
#define ENTRIES		(FRAME_SIZE / sizeof(grant_entry_v1_t))

_Static_assert(sizeof(grant_entry_v1_t) == sizeof(uint64_t),
	       "a v1 grant entry is one 8-byte word");

static uint64_t entry_word(const grant_entry_v1_t *e)
{
	uint64_t w;

	memcpy(&w, e, sizeof(w));
	return w;
}

/* Claim a free entry in the mapped frame; its ref, or 0 if none. */
static uint32_t claim(uint64_t *table, uint16_t flags, uint32_t frame)
{
	grant_entry_v1_t want = { .flags = flags, .domid = 0, .frame = frame };
	grant_entry_v1_t cur;
	uint64_t old;
	uint32_t ref;

	for (ref = GNTTAB_NR_RESERVED_ENTRIES; ref < ENTRIES; ref++) {
		old = __atomic_load_n(&table[ref], __ATOMIC_ACQUIRE);
		memcpy(&cur, &old, sizeof(cur));
		/* flags == 0: not in use (an ended grant may leave the rest). */
		if (cur.flags)
			continue;
		if (__atomic_compare_exchange_n(&table[ref], &old,
						entry_word(&want), false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return ref;
	}
	return 0;
}

/*
 * The sim's default world (sim/machine/worldfile.c): every guest grants
 * dom0 its gfns 0..3 by refs 8..11, ref 11 read-only.
 */
#define WORLD_FIRST_REF	GNTTAB_NR_RESERVED_ENTRIES
#define WORLD_NR_REFS	4u
#define WORLD_RO_GFN	3u

/*
 * Without a privcmd mmap no grant table can be written (the fixture has
 * no other way in: a guest writes its own table), so fall back to the
 * grants the world already offers.  A writable grant serves a read-only
 * request (it grants more).  No such grant: SKIP, naming the cause.
 */
static uint32_t world_grant(struct xrc_ctx *t, uint16_t dom, uint64_t gfn,
			    bool ro)
{
	if (gfn >= WORLD_NR_REFS || (!ro && gfn == WORLD_RO_GFN))
		xrc_skip(t, "backend cannot mmap privcmd (ENODEV): no fresh grant, and the world offers no %s grant of domain %u's gfn %llu",
			 ro ? "read-only" : "writable", dom,
			 (unsigned long long)gfn);
	return WORLD_FIRST_REF + (uint32_t)gfn;
}

uint32_t xrc_setup_grant(struct xrc_ctx *t, uint16_t dom, uint64_t gfn, bool ro)
{
	uint16_t flags = GTF_permit_access | (ro ? GTF_readonly : 0);
	void *frame;
	uint32_t ref;
	int fd;

	if (dom == XRC_NO_DOMAIN)
		xrc_end_error(t, "fixture: a grant from no domain");
	if (gfn > UINT32_MAX)
		xrc_end_error(t, "fixture: gfn %#llx does not fit a v1 grant entry",
			      (unsigned long long)gfn);
	if (!xrc_can_mmap(t, XRC_PRIVCMD))
		return world_grant(t, dom, gfn, ro);
	fd = xrc_setup_privcmd(t);
	frame = mmap(NULL, FRAME_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		     0);
	if (frame == MAP_FAILED)
		xrc_end_error(t, "fixture: grant: mmap of a privcmd region: %s",
			      xrc_errno_name(errno));
	if (xrc_io_mmap_resource(fd, dom, XENMEM_resource_grant_table,
				 XENMEM_resource_grant_table_id_shared, 0, 1,
				 frame) < 0)
		xrc_end_error(t, "fixture: MMAP_RESOURCE of domain %u's grant frame 0: %s",
			      dom, xrc_errno_name(errno));
	ref = claim(frame, flags, (uint32_t)gfn);
	munmap(frame, FRAME_SIZE);
	if (!ref)
		xrc_end_error(t, "fixture: no free entry in domain %u's grant frame 0",
			      dom);
	return ref;
}
