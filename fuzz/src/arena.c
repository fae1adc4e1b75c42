/* SPDX-License-Identifier: MIT */
/*
 * The calling process's memory, as the device models reach it: a flat
 * arena at a fake user address.  Copies are bounds checks and memcpy (no
 * signals, nothing to fault), so a wild pointer costs nothing and always
 * answers -EFAULT, as copy_from_user does.  Mappings are bookkeeping only:
 * a device's map_page is checked to land inside a mapping the transport
 * made, but nothing is really mapped.
 */
#include <errno.h>
#include <string.h>

#include <xensim/xen-const.h>

#include "fuzz.h"

void *fz_host(struct fz_arena *a, uint64_t uaddr, size_t len)
{
	uint64_t off = uaddr - FZ_ARENA_BASE;

	if (uaddr < FZ_ARENA_BASE || off > FZ_ARENA_SIZE ||
	    len > FZ_ARENA_SIZE - off)
		return NULL;
	return a->mem + off;
}

int fz_copy_in(void *ctx, void *dst, uint64_t uaddr, size_t len)
{
	void *src = fz_host(ctx, uaddr, len);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

static int copy_out(void *ctx, uint64_t uaddr, const void *src, size_t len)
{
	struct fz_arena *a = ctx;
	void *dst = fz_host(a, uaddr, len);
	uint64_t end;

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	/* Bytes written past what was handed out must be cleared too. */
	end = uaddr - FZ_ARENA_BASE + len;
	if (end > a->high)
		a->high = (uint32_t)end;
	return 0;
}

static int vma_check(void *ctx, uint64_t addr, uint64_t len, uint32_t slot,
		     uint32_t gen)
{
	const struct fz_arena *a = ctx;
	unsigned i;

	for (i = 0; i < FZ_MAX_VMAS; i++) {
		const struct fz_vma *v = &a->vma[i];

		if (v->used && v->addr == addr && v->len == len &&
		    v->f.slot == slot && v->f.gen == gen)
			return 0;
	}
	return -EINVAL;
}

static int map_page(void *ctx, uint64_t addr, uint32_t page, int prot)
{
	struct fz_arena *a = ctx;
	unsigned i;

	(void)prot;
	for (i = 0; i < FZ_MAX_VMAS; i++) {
		const struct fz_vma *v = &a->vma[i];

		if (v->used && addr >= v->addr && addr - v->addr < v->len &&
		    page != 0) {
			a->pages_mapped++;
			return 0;
		}
	}
	a->bad_maps++;
	return -EINVAL;
}

void fz_arena_uaccess(struct fz_arena *a, struct xsim_uaccess *ua)
{
	ua->copy_in = fz_copy_in;
	ua->copy_out = copy_out;
	ua->vma_check = vma_check;
	ua->map_page = map_page;
	ua->ctx = a;
}

void fz_arena_clear(struct fz_arena *a)
{
	uint32_t used = a->high > a->cursor ? a->high : a->cursor;

	if (used)
		memset(a->mem, 0, used);
	a->cursor = a->high = 0;
	a->pages_mapped = a->bad_maps = 0;
	memset(a->vma, 0, sizeof(a->vma));
}

uint64_t fz_alloc(struct fz_arena *a, size_t len)
{
	uint64_t at = a->cursor;

	if (len > FZ_ARENA_SIZE - at)
		return FZ_ARENA_BASE + FZ_ARENA_SIZE;	/* faults */
	a->cursor = (uint32_t)((at + len + 7) & ~7ull);
	if (a->cursor > FZ_ARENA_SIZE)
		a->cursor = FZ_ARENA_SIZE;
	if (a->cursor > a->high)
		a->high = a->cursor;
	return FZ_ARENA_BASE + at;
}

uint64_t fz_ptr(struct fz_in *in, uint64_t good)
{
	uint8_t b = fz_u8(in);

	if (b < 0xE0)
		return good;
	switch (b & 7) {
	case 0:
		return 0;
	case 1:
		return 0x1000;				/* unmapped */
	case 2:
		return 0xffff888000000000ull;		/* kernel */
	case 3:
		return FZ_ARENA_BASE + FZ_ARENA_SIZE - 4;	/* straddles */
	case 4:
		return good + 1;
	case 5:
		return 0x0000800000000000ull;		/* non-canonical */
	case 6:
		return FZ_ARENA_BASE - 8;
	default:
		return good - 8;
	}
}
