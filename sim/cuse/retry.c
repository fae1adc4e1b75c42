/* SPDX-License-Identifier: MIT */
/*
 * The CUSE ioctl retry engine (retry.h): fetched ranges, the copies a
 * model makes against them, and the decision after each run.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "retry.h"

#define XCR_MAX_BAD	16u	/* unreadable ranges remembered per call */
#define XCR_PAGE	4096u
#define XCR_MAX_SPANS	8u	/* whole pages kept from peeks, per call */
#define XCR_SPAN_BYTES	(8u * XCR_PAGE)

struct xcr_span {		/* caller pages read by one peek */
	uint64_t addr, len;
	size_t off;		/* in pages[] */
};

struct xcr_write {		/* one buffered copy_out, bytes follow */
	uint64_t addr;
	uint64_t len;
};

struct xcr_call {
	unsigned long cmd;
	uint64_t arg;
	unsigned rounds;		/* runs of the model */
	unsigned trips;			/* arrivals fed: FUSE round trips */

	/* What the kernel was asked for (set[], sorted, disjoint) and got. */
	unsigned nr;
	uint64_t set_bytes;
	uint8_t *img;			/* the fetched bytes, writes applied */
	size_t img_dirty;		/* img[0, img_dirty) must go back */

	/* This round's copy_in misses (miss[]). */
	unsigned nr_miss;
	bool too_big;			/* a miss beyond the kernel's limits */

	/* Every copy_out of the run that is stashed or running, in order. */
	uint8_t *log;
	size_t log_len, log_cap;

	bool stashed;
	long stash_result;

	unsigned nr_bad;		/* bad[] */
	xcr_probe_fn probe;
	void *probe_ctx;

	xcr_peek_fn peek;
	void *peek_ctx;
	bool peeked;			/* a read was served by peek */
	bool peek_off;			/* peek could not tell: kernel rounds */
	unsigned nr_spans;		/* spans[] */
	uint8_t *pages;			/* the spans' bytes */
	size_t pages_len;

	/*
	 * The arrays last, never read past their counts above: a new call
	 * zeroes only what precedes them (4 KiB less to clear per ioctl).
	 */
	struct xcr_range set[XCR_MAX_RANGES];
	struct xcr_range miss[XCR_MAX_RANGES];
	struct xcr_range bad[XCR_MAX_BAD];
	struct xcr_span spans[XCR_MAX_SPANS];
};

struct xcr_call *xcr_call_new(unsigned long cmd, uint64_t arg)
{
	struct xcr_call *c = malloc(sizeof(*c));

	if (c) {
		memset(c, 0, offsetof(struct xcr_call, set));
		c->cmd = cmd;
		c->arg = arg;
	}
	return c;
}

void xcr_call_free(struct xcr_call *c)
{
	if (!c)
		return;
	free(c->img);
	free(c->log);
	free(c->pages);
	free(c);
}

void xcr_call_set_probe(struct xcr_call *c, xcr_probe_fn fn, void *ctx)
{
	c->probe = fn;
	c->probe_ctx = ctx;
}

void xcr_call_set_peek(struct xcr_call *c, xcr_peek_fn fn, void *ctx)
{
	c->peek = fn;
	c->peek_ctx = ctx;
}

bool xcr_call_matches(const struct xcr_call *c, unsigned long cmd,
		      uint64_t arg, size_t in_len, size_t out_len)
{
	return c->nr && c->cmd == cmd && c->arg == arg &&
	       in_len == c->set_bytes && out_len == c->set_bytes;
}

unsigned xcr_rounds(const struct xcr_call *c)
{
	return c->rounds;
}

unsigned xcr_trips(const struct xcr_call *c)
{
	return c->trips;
}

bool xcr_stashed(const struct xcr_call *c)
{
	return c->stashed;
}

int xcr_feed(struct xcr_call *c, const void *in, size_t in_len)
{
	c->trips++;
	if (in_len != c->set_bytes)
		return -EPROTO;
	if (in_len) {
		uint8_t *img = realloc(c->img, in_len);

		if (!img)
			return -ENOMEM;
		memcpy(img, in, in_len);
		c->img = img;
	}
	c->img_dirty = 0;
	c->nr_miss = 0;
	c->too_big = false;
	if (!c->stashed)
		c->log_len = 0;
	return 0;
}

/* [addr, addr + len) wraps around: no user range can be that. */
static bool wraps(uint64_t addr, uint64_t len)
{
	return addr + len < addr;
}

static bool inside(const struct xcr_range *r, uint64_t addr, uint64_t len)
{
	return addr >= r->addr && addr + len <= r->addr + r->len;
}

/* The offset in img of [addr, addr + len), or -1 if not all fetched. */
static int64_t img_offset(const struct xcr_call *c, uint64_t addr,
			  uint64_t len)
{
	uint64_t off = 0;
	unsigned i;

	for (i = 0; i < c->nr; i++) {
		if (inside(&c->set[i], addr, len))
			return (int64_t)(off + addr - c->set[i].addr);
		off += c->set[i].len;
	}
	return -1;
}

static bool known_bad(const struct xcr_call *c, uint64_t addr, uint64_t len)
{
	unsigned i;

	for (i = 0; i < c->nr_bad; i++)
		if (addr < c->bad[i].addr + c->bad[i].len &&
		    c->bad[i].addr < addr + len)
			return true;
	return false;
}

/* Ask the probe; an unreadable range is remembered for later rounds. */
static bool probe_bad(struct xcr_call *c, uint64_t addr, uint64_t len)
{
	if (!c->probe || !c->probe(c->probe_ctx, addr, len))
		return false;
	if (c->nr_bad < XCR_MAX_BAD)
		c->bad[c->nr_bad++] = (struct xcr_range){ addr, len };
	return true;
}

/*
 * A peeked read sees the caller's memory, not this run's buffered
 * writes: lay those over it, in the order made, so that a model reading
 * back what it wrote sees it (as it would in Linux).
 */
static void overlay(const struct xcr_call *c, uint8_t *dst, uint64_t addr,
		    uint64_t len)
{
	size_t pos = 0;

	while (pos < c->log_len) {
		struct xcr_write wr;
		const uint8_t *src = c->log + pos + sizeof(wr);
		uint64_t lo, hi;

		memcpy(&wr, c->log + pos, sizeof(wr));
		pos += sizeof(wr) + wr.len;
		lo = addr > wr.addr ? addr : wr.addr;
		hi = addr + len < wr.addr + wr.len ? addr + len :
						     wr.addr + wr.len;
		if (lo < hi)
			memcpy(dst + (lo - addr), src + (lo - wr.addr),
			       hi - lo);
	}
}

/*
 * A kept span holding all of [addr, addr + len), or NULL.  Pages, not
 * ranges: a model chasing pointers reads the caller's structs and
 * buffers one by one, mostly from the same few pages (its stack, one
 * allocation), and each peek is a system call that costs about a
 * quarter of a whole FUSE round trip under TCG (sim/cuse/README.md).
 */
static const struct xcr_span *span_find(const struct xcr_call *c,
					uint64_t addr, uint64_t len)
{
	unsigned i;

	for (i = 0; i < c->nr_spans; i++)
		if (addr >= c->spans[i].addr &&
		    addr + len <= c->spans[i].addr + c->spans[i].len)
			return &c->spans[i];
	return NULL;
}

/*
 * Read the whole pages under [addr, addr + len) and keep them: 0, or
 * nonzero when they could not be read or kept (a neighbouring page
 * unmapped, no room): then the exact range is read instead.
 */
static int span_read(struct xcr_call *c, uint64_t addr, uint64_t len)
{
	uint64_t lo = addr & ~(uint64_t)(XCR_PAGE - 1);
	uint64_t hi = addr + len + XCR_PAGE - 1;
	uint8_t *pages;

	if (hi < addr || c->nr_spans == XCR_MAX_SPANS)
		return 1;
	hi &= ~(uint64_t)(XCR_PAGE - 1);
	if (c->pages_len + (hi - lo) > XCR_SPAN_BYTES)
		return 1;
	pages = realloc(c->pages, c->pages_len + (hi - lo));
	if (!pages)
		return 1;
	c->pages = pages;
	if (c->peek(c->peek_ctx, pages + c->pages_len, lo, hi - lo))
		return 1;
	c->spans[c->nr_spans++] = (struct xcr_span){ lo, hi - lo,
						     c->pages_len };
	c->pages_len += hi - lo;
	return 0;
}

/*
 * Serve a read the kernel has not fetched from the caller's memory: 0
 * served, -EFAULT unreadable, 1 not served (no peek, or it cannot tell).
 * Only the first read of a call decides that peek is off for good: a run
 * that already read through peek and then meets a "cannot tell" (the
 * caller died) takes the miss, as without peek.  The pages read are kept
 * for the rest of the call, a snapshot as good as Linux's reads of a
 * caller that races with itself.
 */
static int peek_in(struct xcr_call *c, void *dst, uint64_t uaddr, size_t len)
{
	const struct xcr_span *sp;
	int rc;

	if (!c->peek || c->peek_off || len > XCR_MAX_BYTES)
		return 1;
	sp = span_find(c, uaddr, len);
	/* The first read exact: a flat argument needs no more. */
	if (!sp && c->peeked && !span_read(c, uaddr, len))
		sp = &c->spans[c->nr_spans - 1];
	if (sp) {
		memcpy(dst, c->pages + sp->off + (uaddr - sp->addr), len);
		rc = 0;
	} else {
		rc = c->peek(c->peek_ctx, dst, uaddr, len);
	}
	if (!rc) {
		c->peeked = true;
		overlay(c, dst, uaddr, len);
		return 0;
	}
	if (rc == -EFAULT) {
		if (c->nr_bad < XCR_MAX_BAD)
			c->bad[c->nr_bad++] = (struct xcr_range){ uaddr, len };
		return -EFAULT;
	}
	if (!c->peeked)
		c->peek_off = true;
	return 1;
}

static int xcr_copy_in(void *ctx, void *dst, uint64_t uaddr, size_t len)
{
	struct xcr_call *c = ctx;
	int64_t off;
	int rc;

	if (wraps(uaddr, len) || known_bad(c, uaddr, len))
		return -EFAULT;
	off = img_offset(c, uaddr, len);
	if (off >= 0) {
		memcpy(dst, c->img + off, len);
		return 0;
	}
	rc = peek_in(c, dst, uaddr, len);
	if (rc <= 0)
		return rc;
	if (probe_bad(c, uaddr, len))
		return -EFAULT;
	if (len > XCR_MAX_BYTES || c->nr_miss == XCR_MAX_RANGES)
		c->too_big = true;
	else
		c->miss[c->nr_miss++] = (struct xcr_range){ uaddr, len };
	return -EFAULT;
}

static int log_append(struct xcr_call *c, uint64_t addr, const void *src,
		      size_t len)
{
	struct xcr_write wr = { addr, len };
	size_t need = sizeof(wr) + len;

	if (c->log_len + need > c->log_cap) {
		size_t cap = c->log_cap ? c->log_cap : 256;
		uint8_t *log;

		while (cap < c->log_len + need)
			cap *= 2;
		log = realloc(c->log, cap);
		if (!log)
			return -ENOMEM;
		c->log = log;
		c->log_cap = cap;
	}
	memcpy(c->log + c->log_len, &wr, sizeof(wr));
	memcpy(c->log + c->log_len + sizeof(wr), src, len);
	c->log_len += need;
	return 0;
}

/* Put a write into img if its range was fetched; false if not. */
static bool img_write(struct xcr_call *c, uint64_t addr, const void *src,
		      size_t len)
{
	int64_t off = img_offset(c, addr, len);

	if (off < 0)
		return false;
	memcpy(c->img + off, src, len);
	if ((size_t)off + len > c->img_dirty)
		c->img_dirty = (size_t)off + len;
	return true;
}

static int xcr_copy_out(void *ctx, uint64_t uaddr, const void *src, size_t len)
{
	struct xcr_call *c = ctx;

	if (wraps(uaddr, len) || known_bad(c, uaddr, len))
		return -EFAULT;
	if (!img_write(c, uaddr, src, len) && probe_bad(c, uaddr, len))
		return -EFAULT;
	/* Past the kernel's limit: finish() answers E2BIG anyway. */
	if (len > XCR_MAX_BYTES) {
		c->too_big = true;
		return 0;
	}
	if (log_append(c, uaddr, src, len))
		c->too_big = true;
	return 0;
}

void xcr_uaccess(struct xcr_call *c, struct xsim_uaccess *ua)
{
	*ua = (struct xsim_uaccess){
		.copy_in = xcr_copy_in,
		.copy_out = xcr_copy_out,
		.ctx = c,
	};
}

static int cmp_range(const void *a, const void *b)
{
	const struct xcr_range *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * set := set U add[], sorted, overlapping and touching ranges merged.
 * -E2BIG if that exceeds what the kernel accepts (set left unchanged).
 */
static int set_union(struct xcr_call *c, const struct xcr_range *add,
		     unsigned nr_add)
{
	struct xcr_range all[2 * XCR_MAX_RANGES];
	unsigned n = 0, i, out = 0;
	uint64_t bytes = 0;

	if (c->nr + nr_add > 2 * XCR_MAX_RANGES)
		return -E2BIG;
	memcpy(all, c->set, c->nr * sizeof(all[0]));
	memcpy(all + c->nr, add, nr_add * sizeof(all[0]));
	n = c->nr + nr_add;
	qsort(all, n, sizeof(all[0]), cmp_range);
	for (i = 0; i < n; i++) {
		struct xcr_range *last = out ? &all[out - 1] : NULL;

		if (last && all[i].addr <= last->addr + last->len) {
			uint64_t end = all[i].addr + all[i].len;

			if (end > last->addr + last->len)
				last->len = end - last->addr;
		} else {
			all[out++] = all[i];
		}
	}
	for (i = 0; i < out; i++)
		bytes += all[i].len;
	if (out > XCR_MAX_RANGES || bytes > XCR_MAX_BYTES)
		return -E2BIG;
	memcpy(c->set, all, out * sizeof(all[0]));
	c->nr = out;
	c->set_bytes = bytes;
	return 0;
}

static void done(struct xcr_call *c, long result, struct xcr_outcome *o)
{
	*o = (struct xcr_outcome){
		.kind = XCR_DONE,
		.result = result,
		.out = c->img,
		.out_len = c->img_dirty,
	};
}

static void fail(struct xcr_call *c, long err, struct xcr_outcome *o)
{
	c->img_dirty = 0;
	done(c, err, o);
	o->limited = true;
}

static void retry(struct xcr_call *c, struct xcr_outcome *o)
{
	*o = (struct xcr_outcome){
		.kind = XCR_RETRY,
		.ranges = c->set,
		.nr_ranges = c->nr,
	};
}

/* The ranges of logged writes that fall outside the fetched set. */
static unsigned outside_writes(const struct xcr_call *c,
			       struct xcr_range *out, unsigned max,
			       bool *too_many)
{
	size_t pos = 0;
	unsigned n = 0;

	*too_many = false;
	while (pos < c->log_len) {
		struct xcr_write wr;

		memcpy(&wr, c->log + pos, sizeof(wr));
		pos += sizeof(wr) + wr.len;
		if (img_offset(c, wr.addr, wr.len) >= 0)
			continue;
		if (n == max) {
			*too_many = true;
			break;
		}
		out[n++] = (struct xcr_range){ wr.addr, wr.len };
	}
	return n;
}

/* Replay the stashed writes onto this round's fetched bytes. */
static int replay(struct xcr_call *c)
{
	size_t pos = 0;

	while (pos < c->log_len) {
		struct xcr_write wr;

		memcpy(&wr, c->log + pos, sizeof(wr));
		pos += sizeof(wr);
		if (!img_write(c, wr.addr, c->log + pos, wr.len))
			return -EIO;
		pos += wr.len;
	}
	return 0;
}

void xcr_finish(struct xcr_call *c, long result, struct xcr_outcome *o)
{
	struct xcr_range out[XCR_MAX_RANGES];
	bool too_many;
	unsigned n;

	if (c->stashed) {
		if (replay(c))
			fail(c, -EIO, o);
		else
			done(c, c->stash_result, o);
		return;
	}
	c->rounds++;
	if (c->too_big) {
		fail(c, -E2BIG, o);
	} else if (c->nr_miss) {
		/* The run is void: ask for everything so far, run again. */
		if (c->rounds >= XCR_MAX_ROUNDS)
			fail(c, -EFAULT, o);
		else if (set_union(c, c->miss, c->nr_miss))
			fail(c, -E2BIG, o);
		else
			retry(c, o);
	} else if (!(n = outside_writes(c, out, XCR_MAX_RANGES, &too_many))) {
		done(c, result, o);
	} else if (too_many || set_union(c, out, n)) {
		fail(c, -E2BIG, o);
	} else {
		/* Finished: keep the answer, fetch where it goes. */
		c->stashed = true;
		c->stash_result = result;
		retry(c, o);
	}
}
