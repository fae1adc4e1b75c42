/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "world_helpers.h"

struct xsim_world *wh_world(const char *profile, bool empty)
{
	struct xsim_world_config cfg = {
		.profile = profile,
		.nr_pages = 8192,
		.max_handles = 256,
		.effect_log_entries = 16384,
		.empty = empty,
	};
	struct xsim_world *w = NULL;

	assert_int_equal(xsim_world_create(&cfg, &w), 0);
	assert_non_null(w);
	return w;
}

struct xsim_caller wh_caller(struct xsim_world *w, uint16_t domid)
{
	struct xsim_caller c = { .w = w, .domid = domid,
				 .handle = XSIM_EFF_NO_HANDLE };
	return c;
}

static unsigned scan(struct xsim_world *w, uint64_t from, uint32_t handle,
		     uint16_t domid, bool elsewhere)
{
	struct xsim_effect buf[256];
	unsigned hits = 0;
	long n;

	for (;;) {
		long i;

		n = xsim_effect_read(w, from, buf, 256);
		assert_true(n >= 0);	/* -ENOSPC: the ring overran */
		if (n == 0)
			return hits;
		for (i = 0; i < n; i++) {
			/* Opens and closes touch no domain. */
			if (buf[i].kind == XSIM_EFF_OPEN ||
			    buf[i].kind == XSIM_EFF_CLOSE)
				continue;
			if (handle != XSIM_EFF_NO_HANDLE &&
			    buf[i].handle != handle)
				continue;
			if (elsewhere ? buf[i].domid != domid :
					buf[i].domid == domid)
				hits++;
		}
		from += (uint64_t)n;
	}
}

unsigned wh_effects_elsewhere(struct xsim_world *w, uint64_t from,
			      uint32_t handle, uint16_t domid)
{
	return scan(w, from, handle, domid, true);
}

unsigned wh_effects_on(struct xsim_world *w, uint64_t from, uint16_t domid)
{
	return scan(w, from, XSIM_EFF_NO_HANDLE, domid, false);
}

uint8_t *wh_fence(void)
{
	static uint8_t *fence;

	if (!fence) {
		/* A writable page, then the fence right after it. */
		uint8_t *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		assert_true(p != MAP_FAILED);
		assert_int_equal(mprotect(p + 4096, 4096, PROT_NONE), 0);
		fence = p + 4096;
	}
	return fence;
}

static int touches_fence(uint64_t a, size_t len)
{
	uint64_t f = (uint64_t)(uintptr_t)wh_fence();

	return a < f + 4096 && f < a + len;
}

int wh_fenced_copy_in(void *ctx, void *dst, uint64_t uaddr, size_t len)
{
	if (touches_fence(uaddr, len))
		return -EFAULT;
	return xsim_uaccess_self.copy_in(ctx, dst, uaddr, len);
}

int wh_fenced_copy_out(void *ctx, uint64_t uaddr, const void *src, size_t len)
{
	if (touches_fence(uaddr, len))
		return -EFAULT;
	return xsim_uaccess_self.copy_out(ctx, uaddr, src, len);
}

const struct xsim_uaccess wh_fenced = {
	.copy_in = wh_fenced_copy_in,
	.copy_out = wh_fenced_copy_out,
};
