/* SPDX-License-Identifier: MIT */
/*
 * fuzz-mkseeds: writes the hand-made inputs of the fuzz campaigns and
 * their dictionaries:
 *
 *   fuzz/corpus/{privcmd,evtchn,gntdev,gntalloc,diff}/   seed corpora
 *   fuzz/regress/planted/PLANT/, fuzz/regress/diff-lax/  oracle self-tests
 *   fuzz/dict/{DEVICE,all}.dict                          dictionaries
 *
 * Regenerate them with `make fuzz-seeds` (runs build/bin/fuzz-mkseeds from
 * the top of the tree); `fuzz-mkseeds DIR` writes under DIR instead, to
 * compare.  Other files in those folders (the minimized findings in
 * fuzz/regress/TARGET/) are left alone.
 *
 * The bytes are choices read by the harness: fuzz/src/program.c (the
 * operations), build*.c (one ioctl's arguments) and input.c (domids,
 * counts, pointers).  This file is the readable spelling of that
 * encoding; see what a seed does with
 *   build/fuzz-replay/bin/replay-TARGET --trace fuzz/corpus/TARGET/FILE
 *
 * The seeds are the common paths of each device, restricted or not, under
 * each profile: a start the fuzzer mutates from.  None may trip a planted
 * defect, or the self-test (which starts from nothing) would prove less.
 *
 * Byte 0 of every input is its profile's stable code (p->code, from
 * <xensim/profile-list.h>).  The profiles come from the sim's list
 * (xsim_profiles(): name, code, base, which devices each has), so adding
 * a profile adds its seeds without an edit here; a profile is named only
 * where a seed is about that profile's behaviour.  That is the one thing
 * this program takes from the sim (it links build/lib/libxensim.a).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xensim/profile.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * fz_domid's table (input.c): a selector byte below 0xF0 picks entry
 * byte % 20.  1 and 2 appear twice; the first index is the one used.
 */
static const uint32_t domid_pick[] = {
	0, 1, 2, 3, 1, 2, 4, 0x7FEF, 0x7FF0, 0x7FF1, 0x7FF2, 0x7FF3,
	0x7FF4, 0x7FFF, 0xFFFF, 0x10001, 0x101, 0x102, 0x10002, 0xFFFFFFFFu,
};

/* Operation codes: program.c's step() switch (op % 14). */
enum {
	OP_OPEN = 0, OP_DUP = 1, OP_FORK = 2, OP_EXIT = 3, OP_CLOSE = 4,
	OP_RESTRICT = 5, OP_IOCTL = 6, OP_RAW = 9, OP_MMAP = 10,
	OP_MUNMAP = 11, OP_RW = 12, OP_GUEST = 13,
};

/* fz_ptr (arena.c): a byte below 0xE0 means the intended buffer. */
#define GOOD	0x00

/* A bug in this file: a value the harness cannot spell, a seed too long. */
static _Noreturn void bug(const char *what)
{
	fprintf(stderr, "fuzz-mkseeds: %s\n", what);
	exit(2);
}

static _Noreturn void fail(const char *what, const char *path)
{
	fprintf(stderr, "fuzz-mkseeds: %s %s: %s\n", what, path,
		strerror(errno));
	exit(1);
}

/* ---- the byte buffer every seed and argument body is built in ---- */

/* The longest seed is well under 200 bytes. */
#define BUF_MAX	512

struct buf {
	size_t len;
	uint8_t data[BUF_MAX];
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (n > BUF_MAX - b->len)
		bug("a seed outgrew BUF_MAX");
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void u8(struct buf *b, unsigned v)
{
	uint8_t c = (uint8_t)v;

	/* Catch a builder handed a value that is not one byte. */
	if (v > 0xFF)
		bug("byte value out of range");
	put(b, &c, 1);
}

static void u8s(struct buf *b, const unsigned *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		u8(b, v[i]);
}

/* BYTES(b, 4, 0, GOOD): bytes in a row, as the harness reads them. */
#define BYTES(b, ...)							\
	u8s((b), (const unsigned[]){ __VA_ARGS__ },			\
	    sizeof((const unsigned[]){ __VA_ARGS__ }) / sizeof(unsigned))

static void zeros(struct buf *b, size_t n)
{
	static const uint8_t zero[BUF_MAX];

	put(b, zero, n);
}

/* Multi-byte values are little-endian, as fz_u32 reads them. */
static void u32(struct buf *b, uint32_t v)
{
	BYTES(b, v & 0xFF, v >> 8 & 0xFF, v >> 16 & 0xFF, v >> 24);
}

/* The fz_domid selector that yields domid d. */
static void dom(struct buf *b, uint32_t d)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(domid_pick); i++)
		if (domid_pick[i] == d) {
			u8(b, i);
			return;
		}
	bug("domid not in fz_domid's table");
}

static void append(struct buf *b, const struct buf *body)
{
	put(b, body->data, body->len);
}

/* ---- the profiles ---- */

/* The profile called name (one a seed is about). */
static const struct xsim_profile *find_profile(const char *name)
{
	const struct xsim_profile *p = xsim_profile_find(name);

	if (!p)
		bug("no such profile");
	return p;
}

/*
 * Whether p gets its own copy of the per-profile seeds of a device it
 * has: a derived profile only where its table for the device departs
 * from its base's (linux-xsa482's grant devices are linux's: the same
 * seeds would only repeat linux's under another byte 0).  A derived
 * profile's table is its base's, copied whole, with its departures
 * written over it (sim/dev/profiles.c), so equal bytes mean no
 * departure; unequal padding could only add seeds, never lose one.
 */
static bool own_seeds(const struct xsim_profile *p, enum xsim_dev_kind dev)
{
	const struct xsim_profile *base;

	if (!p->dev[dev].present)
		return false;
	if (!p->base)
		return true;
	base = find_profile(p->base);
	return memcmp(&p->dev[dev], &base->dev[dev], sizeof(p->dev[dev])) != 0;
}

/* ---- the program builder: one helper per operation of program.c ---- */

/* Byte 0: the profile's stable code. */
static struct buf prog_for(const struct xsim_profile *p)
{
	struct buf b = { .len = 0 };

	u8(&b, (unsigned char)p->code);
	return b;
}

static struct buf prog(const char *name)
{
	return prog_for(find_profile(name));
}

/* Open as dom0: any "who" byte below 0xC0. */
static void op_open(struct buf *b)
{
	BYTES(b, OP_OPEN, 0);
}

/* Open as guest d (1..3): 0xC0 and up pick 1 + who % 3. */
static void op_open_domu(struct buf *b, unsigned d)
{
	BYTES(b, OP_OPEN, 0xC0 + (d - 1));
}

static void op_restrict(struct buf *b, unsigned fd, uint32_t d)
{
	BYTES(b, OP_RESTRICT, fd);
	dom(b, d);
	BYTES(b, GOOD);
}

/* The new descriptor is the lowest free one, as fork's copies are. */
static void op_dup(struct buf *b, unsigned fd)
{
	BYTES(b, OP_DUP, fd);
}

static void op_fork(struct buf *b)
{
	BYTES(b, OP_FORK);
}

static void op_exit_child(struct buf *b)
{
	BYTES(b, OP_EXIT);
}

static void op_close(struct buf *b, unsigned fd)
{
	BYTES(b, OP_CLOSE, fd);
}

/* A structured ioctl: body is one of the device builders below. */
static void op_ioctl(struct buf *b, unsigned fd, struct buf body)
{
	BYTES(b, OP_IOCTL, fd);
	append(b, &body);
}

/* Any command number: selector 0xC0 says a literal u32 follows. */
static void op_raw(struct buf *b, unsigned fd, uint32_t cmd,
		   const uint8_t *arg, size_t len)
{
	BYTES(b, OP_RAW, fd, 0xC0, (unsigned)len);
	u32(b, cmd);
	put(b, arg, len);
	BYTES(b, GOOD);
}

/* index_sel picks among the offsets MAP_GRANT_REF/ALLOC_GREF returned. */
static void op_mmap(struct buf *b, unsigned fd, unsigned pages,
		    unsigned index_sel, bool writable)
{
	BYTES(b, OP_MMAP, fd, pages - 1, index_sel, writable ? 0 : 1);
}

/* Bit 7: the whole mapping, else only its last page. */
static void op_munmap(struct buf *b, unsigned vma, bool whole)
{
	BYTES(b, OP_MUNMAP, vma | (whole ? 0x80 : 0));
}

static void op_read(struct buf *b, unsigned fd, unsigned nbytes)
{
	BYTES(b, OP_RW, fd, 1, nbytes, GOOD);
}

/* Unmask nports ports (port selector 0 each), with an exact length. */
static void op_write(struct buf *b, unsigned fd, unsigned nports)
{
	BYTES(b, OP_RW, fd, 0, nports - 1);
	zeros(b, nports);
	BYTES(b, GOOD, 0);
}

static void op_guest_send(struct buf *b, unsigned d, unsigned port)
{
	BYTES(b, OP_GUEST, d - 1, port - 1);
}

/*
 * ---- privcmd argument bodies (build_privcmd.c) ----
 * The first byte picks the ioctl; a vma selector of 0 is the handle's
 * first mapping.
 */

/*
 * DM_OP on domain d with nbufs buffers; the first holds a xen_dm_op
 * {op, pad} and payload_len zero bytes, the others 8 zero bytes.
 */
static struct buf pc_dm_op_ex(uint32_t d, unsigned op, unsigned nbufs,
			      size_t payload_len)
{
	struct buf b = { .len = 0 };
	unsigned i;

	BYTES(&b, 4);
	dom(&b, d);
	BYTES(&b, nbufs, 0);
	for (i = 0; i < nbufs; i++) {
		if (i == 0) {
			BYTES(&b, (unsigned)payload_len, op, 0);
			zeros(&b, payload_len);
		} else {
			BYTES(&b, 8);
			zeros(&b, 8);
		}
		BYTES(&b, GOOD, 0);
	}
	BYTES(&b, GOOD, GOOD);
	return b;
}

/* The usual DM_OP: one buffer, op 20, 8 bytes of payload. */
static struct buf pc_dm_op(uint32_t d)
{
	return pc_dm_op_ex(d, 20, 1, 8);
}

static struct buf pc_mmapbatch(unsigned version, uint32_t d,
			       const uint8_t *gfns, size_t ngfns)
{
	struct buf b = { .len = 0 };

	BYTES(&b, version == 1 ? 2 : 3, 0);
	dom(&b, d);
	BYTES(&b, 0);
	put(&b, gfns, ngfns);
	BYTES(&b, GOOD);
	if (version == 2)
		BYTES(&b, GOOD);	/* V2's err array */
	BYTES(&b, GOOD);
	return b;
}

static struct buf pc_hypercall_version(unsigned cmd)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 0, 0, cmd, GOOD, GOOD);
	return b;
}

/* HYPERCALL carrying a one-buffer dm_op for domain d. */
static struct buf pc_hypercall_dm_op(uint32_t d)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 0, 1);
	dom(&b, d);
	BYTES(&b, 1, 8, 20, 0);
	zeros(&b, 8);
	BYTES(&b, GOOD, 0, GOOD, GOOD);
	return b;
}

/* MMAP_RESOURCE of type 0; a query asks the size without mapping. */
static struct buf pc_mmap_resource(uint32_t d, bool query)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 6, 0);
	dom(&b, d);
	BYTES(&b, 0, 0, 0, query ? 0 : 0x80, GOOD);
	return b;
}

static struct buf pc_irqfd(uint32_t d, unsigned flags)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 7, 8);
	zeros(&b, 8);
	BYTES(&b, GOOD, 0, 1, flags);
	dom(&b, d);
	BYTES(&b, GOOD);
	return b;
}

static struct buf pc_mmap_v1(uint32_t d)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 1, 1, 0);
	dom(&b, d);
	BYTES(&b, 0, 0, GOOD, GOOD);
	return b;
}

/*
 * ---- evtchn argument bodies (build_evtchn.c) ----
 * A port selector of 0 is the handle's first bound port.
 */

static struct buf ev_bind_unbound(uint32_t d)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 2);
	dom(&b, d);
	BYTES(&b, GOOD);
	return b;
}

static struct buf ev_bind_interdomain(uint32_t d, unsigned port)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 1);
	dom(&b, d);
	BYTES(&b, port, GOOD);
	return b;
}

static struct buf ev_bind_virq(unsigned virq)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 0, virq, GOOD);
	return b;
}

static struct buf ev_notify(void)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 4, 0, GOOD);
	return b;
}

static struct buf ev_unbind(void)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 3, 0, GOOD);
	return b;
}

static struct buf ev_reset(void)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 5);
	return b;
}

/*
 * ---- gntdev argument bodies (build_gntdev.c) ----
 * Grant refs are spelled as the world grants them (8..11) and encoded
 * as ref - 8.
 */

struct grant {
	uint32_t domid;
	unsigned ref;
};

static struct buf gd_map(const struct grant *grants, size_t n)
{
	struct buf b = { .len = 0 };
	size_t i;

	BYTES(&b, 0, (unsigned)n);
	for (i = 0; i < n; i++) {
		/* Past the first, 0xC0 reads a domid of its own. */
		if (i)
			BYTES(&b, 0xC0);
		dom(&b, grants[i].domid);
		BYTES(&b, grants[i].ref - 8);
	}
	BYTES(&b, GOOD);
	return b;
}

static struct buf gd_unmap(void)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 1, 0, 1, GOOD);
	return b;
}

/* One copy segment between a local buffer and grant (d, ref). */
static struct buf gd_copy(uint32_t d, unsigned ref, bool to_grant)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 5, 1, to_grant ? 0x60 : 0x00, 0);	/* which side is foreign */
	if (to_grant) {
		BYTES(&b, GOOD);
		dom(&b, d);
		BYTES(&b, ref - 8, 0);
	} else {
		dom(&b, d);
		BYTES(&b, ref - 8, 0, GOOD);
	}
	BYTES(&b, GOOD, GOOD);
	return b;
}

/* SET_UNMAP_NOTIFY on the first mapping's index, event port 1. */
static struct buf gd_notify(unsigned action)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 4, 0, 0, action, 1, GOOD);
	return b;
}

static struct buf gd_get_offset(void)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 2, 0, 0, GOOD);
	return b;
}

/* ---- gntalloc argument bodies (build_gntalloc.c) ---- */

static struct buf ga_alloc(uint32_t d, unsigned count, bool writable)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 0, count);
	dom(&b, d);
	BYTES(&b, writable ? 1 : 0, GOOD);
	return b;
}

static struct buf ga_dealloc(void)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 1, 0, 1, GOOD);
	return b;
}

/* SET_UNMAP_NOTIFY on the first grant's index, action 1, port 1. */
static struct buf ga_notify(void)
{
	struct buf b = { .len = 0 };

	BYTES(&b, 2, 0, 0, 1, 1, GOOD);
	return b;
}

/*
 * ---- the differential input (diff.c) ----
 * Three header bytes (profile code, device, caller), then calls, each a
 * kind byte: 0 restrict, 1-2 a structured ioctl, 3 a raw one.  The
 * profile byte must be a profile's code, but the calls are decided under
 * the profile the port claims (or XRC_FUZZ_PROFILE's): it names the
 * profile the input is about.
 */

enum { DEV_PRIVCMD, DEV_EVTCHN, DEV_GNTDEV, DEV_GNTALLOC };

static struct buf diff(const char *name, unsigned dev, unsigned who)
{
	struct buf b = prog(name);

	BYTES(&b, dev, who);
	return b;
}

static void diff_restrict(struct buf *b, uint32_t d)
{
	BYTES(b, 0);
	dom(b, d);
	BYTES(b, GOOD);
}

static void diff_ioctl(struct buf *b, struct buf body)
{
	BYTES(b, 1);
	append(b, &body);
}

/* ---- output ---- */

/* Like mkdir -p: the output root need not exist either. */
static void make_dirs(const char *path)
{
	char p[4096];
	size_t i;

	if (strlen(path) >= sizeof(p))
		bug("path too long");
	strcpy(p, path);
	for (i = 1; p[i]; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0777) && errno != EEXIST)
			fail("cannot create", p);
		p[i] = '/';
	}
	if (mkdir(p, 0777) && errno != EEXIST)
		fail("cannot create", p);
}

static void join(char *out, size_t size, const char *root, const char *dir,
		 const char *name)
{
	int n = snprintf(out, size, "%s/%s%s%s", root, dir, name ? "/" : "",
			 name ? name : "");

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		fail("path too long under", root);
	}
}

static FILE *create(const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		fail("cannot write", path);
	return f;
}

static void finish(FILE *f, const char *path)
{
	bool bad = ferror(f);

	if (fclose(f) || bad)
		fail("error writing", path);
}

/* Where the seeds go: the output root and a folder under it. */
struct out {
	const char *root;
	const char *dir;
};

static struct out out_dir(const char *root, const char *dir)
{
	char path[4096];

	join(path, sizeof(path), root, dir, NULL);
	make_dirs(path);
	return (struct out){ .root = root, .dir = dir };
}

static void emit(const struct out *o, const char *name, const struct buf *b)
{
	char path[4096];
	FILE *f;

	join(path, sizeof(path), o->root, o->dir, name);
	f = create(path);
	fwrite(b->data, 1, b->len, f);
	finish(f, path);
}

/* A seed whose name is a prefix and the profile it runs under. */
static void emit_for(const struct out *o, const char *prefix,
		     const char *profile, const struct buf *b)
{
	char name[128];

	snprintf(name, sizeof(name), "%s-%s", prefix, profile);
	emit(o, name, b);
}

/* ---- the seeds: one function per corpus ---- */

static void privcmd_seeds(const char *root)
{
	static const uint8_t gfns01[] = { 0, 1 };
	static const uint8_t tcgets_arg[8], nr8_arg[32];
	struct out o = out_dir(root, "fuzz/corpus/privcmd");
	const struct xsim_profile *const *pp;
	struct buf s;

	/* The restrict paths of every profile (with the device). */
	for (pp = xsim_profiles(); *pp; pp++) {
		const struct xsim_profile *p = *pp;

		if (!p->dev[XSIM_DEV_PRIVCMD].present)
			continue;
		s = prog_for(p);
		op_open(&s);
		op_restrict(&s, 0, 1);
		op_ioctl(&s, 0, pc_dm_op(1));
		op_ioctl(&s, 0, pc_dm_op(2));
		emit_for(&o, "restrict-dm-op", p->name, &s);

		s = prog_for(p);
		op_open(&s);
		op_mmap(&s, 0, 2, 0, true);
		op_restrict(&s, 0, 1);
		op_ioctl(&s, 0, pc_mmapbatch(2, 1, gfns01, 2));
		op_ioctl(&s, 0, pc_mmapbatch(2, 2, gfns01, 2));
		op_ioctl(&s, 0, pc_mmapbatch(1, 1, gfns01, 2));
		emit_for(&o, "restrict-mmapbatch", p->name, &s);

		s = prog_for(p);
		op_open(&s);
		op_ioctl(&s, 0, pc_hypercall_version(0));
		op_restrict(&s, 0, 2);
		op_ioctl(&s, 0, pc_hypercall_version(1));
		op_ioctl(&s, 0, pc_hypercall_dm_op(2));
		op_ioctl(&s, 0, pc_hypercall_dm_op(3));
		emit_for(&o, "hypercalls", p->name, &s);
	}

	/* fd 1 dups fd 0, fds 2-3 are the child's: one handle behind all. */
	s = prog("proposed");
	op_open(&s);
	op_dup(&s, 0);
	op_fork(&s);
	op_restrict(&s, 1, 2);
	op_ioctl(&s, 2, pc_dm_op(1));
	op_exit_child(&s);
	op_ioctl(&s, 0, pc_dm_op(2));
	emit(&o, "dup-fork-restrict", &s);

	s = prog("linux");
	op_open(&s);
	op_restrict(&s, 0, 1);
	op_restrict(&s, 0, 1);
	op_restrict(&s, 0, 2);
	op_restrict(&s, 0, 0x7FF4);
	emit(&o, "restrict-again", &s);

	s = prog("linux");
	op_open(&s);
	op_restrict(&s, 0, 0x7FF4);
	op_ioctl(&s, 0, pc_dm_op(2));
	emit(&o, "restrict-invalid-linux", &s);

	/* Handles opened in guests: born restricted under this profile. */
	s = prog("linux-xsa482");
	op_open_domu(&s, 3);
	op_ioctl(&s, 0, pc_dm_op(1));
	op_ioctl(&s, 0, pc_dm_op(2));
	op_open_domu(&s, 1);
	op_ioctl(&s, 1, pc_dm_op(1));
	emit(&o, "xsa482-domu", &s);

	s = prog("proposed");
	op_open(&s);
	op_mmap(&s, 0, 1, 0, true);
	op_ioctl(&s, 0, pc_mmap_resource(1, true));
	op_ioctl(&s, 0, pc_mmap_resource(1, false));
	op_restrict(&s, 0, 1);
	op_ioctl(&s, 0, pc_irqfd(1, 0));
	op_ioctl(&s, 0, pc_irqfd(2, 0));
	op_ioctl(&s, 0, pc_irqfd(2, 2));
	op_ioctl(&s, 0, pc_mmap_resource(2, true));
	emit(&o, "resource-irqfd", &s);

	s = prog("linux");
	op_open(&s);
	op_mmap(&s, 0, 1, 0, true);
	op_ioctl(&s, 0, pc_mmap_v1(1));
	op_restrict(&s, 0, 1);
	op_ioctl(&s, 0, pc_mmap_v1(2));
	emit(&o, "mmap-v1", &s);

	/* dm_op 1 and 2: create an ioreq server, then ask about it. */
	s = prog("proposed");
	op_open(&s);
	op_restrict(&s, 0, 1);
	op_ioctl(&s, 0, pc_dm_op_ex(1, 1, 1, 8));
	op_ioctl(&s, 0, pc_dm_op_ex(1, 2, 1, 40));
	emit(&o, "dm-op-ioreq", &s);

	/* TCGETS, and a number in privcmd's range that no ioctl has. */
	s = prog("netbsd");
	op_open(&s);
	op_raw(&s, 0, 0x5401, tcgets_arg, sizeof(tcgets_arg));
	op_raw(&s, 0, 0x00305008, nr8_arg, sizeof(nr8_arg));
	emit(&o, "unknown-ioctls", &s);
}

static void evtchn_seeds(const char *root)
{
	static const uint8_t port2[] = { 2, 0, 0, 0 };	/* u32 port 2 */
	struct out o = out_dir(root, "fuzz/corpus/evtchn");
	const struct xsim_profile *const *pp;
	struct buf s;

	/* Every profile with the device, derived ones included. */
	for (pp = xsim_profiles(); *pp; pp++) {
		const struct xsim_profile *p = *pp;

		if (!p->dev[XSIM_DEV_EVTCHN].present)
			continue;
		s = prog_for(p);
		op_open(&s);
		op_ioctl(&s, 0, ev_bind_unbound(2));
		op_restrict(&s, 0, 1);
		op_ioctl(&s, 0, ev_bind_interdomain(1, 1));
		op_ioctl(&s, 0, ev_bind_interdomain(2, 1));
		op_ioctl(&s, 0, ev_bind_unbound(2));
		op_ioctl(&s, 0, ev_notify());
		op_ioctl(&s, 0, ev_bind_virq(0));
		emit_for(&o, "bind-restrict", p->name, &s);
	}

	/* The read/write side: an event from guest 1, then unmask it. */
	s = prog("proposed");
	op_open(&s);
	op_ioctl(&s, 0, ev_bind_interdomain(1, 1));
	op_guest_send(&s, 1, 1);
	op_read(&s, 0, 8);
	op_write(&s, 0, 1);
	op_ioctl(&s, 0, ev_notify());
	op_ioctl(&s, 0, ev_reset());
	op_ioctl(&s, 0, ev_unbind());
	emit(&o, "events", &s);

	s = prog("linux");
	op_open(&s);
	op_restrict(&s, 0, 2);
	op_restrict(&s, 0, 2);
	op_restrict(&s, 0, 0);
	op_ioctl(&s, 0, ev_bind_interdomain(2, 1));
	emit(&o, "restrict-twice-linux", &s);

	s = prog("proposed");
	op_open(&s);
	op_restrict(&s, 0, 0x7FF0);
	op_restrict(&s, 0, 0);
	op_ioctl(&s, 0, ev_bind_interdomain(3, 1));
	emit(&o, "restrict-reserved", &s);

	/* The child keeps the restricted handle after the parent closes. */
	s = prog("proposed");
	op_open(&s);
	op_restrict(&s, 0, 3);
	op_fork(&s);
	op_ioctl(&s, 1, ev_bind_interdomain(3, 1));
	op_close(&s, 0);
	op_ioctl(&s, 1, ev_bind_interdomain(2, 1));
	emit(&o, "fork-restricted", &s);

	s = prog("proposed");
	op_open(&s);
	op_raw(&s, 0, 0x00044507, port2, sizeof(port2));	/* BIND_STATIC */
	op_restrict(&s, 0, 1);
	op_ioctl(&s, 0, ev_notify());
	emit(&o, "bind-static", &s);
}

static void gntdev_seeds(const char *root)
{
	static const struct grant d1_8_9[] = { { 1, 8 }, { 1, 9 } };
	static const struct grant d1_10[] = { { 1, 10 } };
	static const struct grant d2_8[] = { { 2, 8 } };
	static const struct grant d1_8[] = { { 1, 8 } };
	static const struct grant d2_8_9[] = { { 2, 8 }, { 2, 9 } };
	static const struct grant d3_11[] = { { 3, 11 } };	/* read-only */
	struct out o = out_dir(root, "fuzz/corpus/gntdev");
	const struct xsim_profile *const *pp;
	struct buf s;

	/* netbsd has no gntdev; linux-xsa482's is linux's (own_seeds). */
	for (pp = xsim_profiles(); *pp; pp++) {
		const struct xsim_profile *p = *pp;

		if (!own_seeds(p, XSIM_DEV_GNTDEV))
			continue;
		s = prog_for(p);
		op_open(&s);
		op_ioctl(&s, 0, gd_map(d1_8_9, ARRAY_SIZE(d1_8_9)));
		op_restrict(&s, 0, 1);
		op_ioctl(&s, 0, gd_map(d1_10, ARRAY_SIZE(d1_10)));
		op_ioctl(&s, 0, gd_map(d2_8, ARRAY_SIZE(d2_8)));
		op_mmap(&s, 0, 2, 0, true);
		op_mmap(&s, 0, 1, 1, true);
		op_munmap(&s, 0, true);
		emit_for(&o, "map-restrict", p->name, &s);

		s = prog_for(p);
		op_open(&s);
		op_restrict(&s, 0, 2);
		op_ioctl(&s, 0, gd_copy(2, 8, false));
		op_ioctl(&s, 0, gd_copy(2, 9, true));
		op_ioctl(&s, 0, gd_copy(1, 8, false));
		emit_for(&o, "copy", p->name, &s);
	}

	s = prog("proposed");
	op_open(&s);
	op_ioctl(&s, 0, gd_map(d1_8, ARRAY_SIZE(d1_8)));
	op_ioctl(&s, 0, gd_notify(2));
	op_mmap(&s, 0, 1, 0, true);
	op_ioctl(&s, 0, gd_get_offset());
	op_restrict(&s, 0, 2);
	op_munmap(&s, 0, true);
	op_ioctl(&s, 0, gd_unmap());
	emit(&o, "notify", &s);

	s = prog("proposed");
	op_open(&s);
	op_ioctl(&s, 0, gd_map(d2_8_9, ARRAY_SIZE(d2_8_9)));
	op_restrict(&s, 0, 1);
	op_mmap(&s, 0, 2, 0, true);
	op_munmap(&s, 0, false);
	op_close(&s, 0);
	emit(&o, "map-before-restrict", &s);

	s = prog("proposed");
	op_open(&s);
	op_ioctl(&s, 0, gd_map(d3_11, ARRAY_SIZE(d3_11)));
	op_mmap(&s, 0, 1, 0, false);
	op_ioctl(&s, 0, gd_notify(1));
	emit(&o, "readonly", &s);
}

static void gntalloc_seeds(const char *root)
{
	struct out o = out_dir(root, "fuzz/corpus/gntalloc");
	const struct xsim_profile *const *pp;
	struct buf s;

	/*
	 * freebsd and netbsd have none; linux-xsa482's is linux's
	 * (own_seeds).
	 */
	for (pp = xsim_profiles(); *pp; pp++) {
		const struct xsim_profile *p = *pp;

		if (!own_seeds(p, XSIM_DEV_GNTALLOC))
			continue;
		s = prog_for(p);
		op_open(&s);
		op_ioctl(&s, 0, ga_alloc(1, 2, true));
		op_restrict(&s, 0, 2);
		op_ioctl(&s, 0, ga_alloc(2, 1, true));
		op_ioctl(&s, 0, ga_alloc(3, 1, true));
		op_mmap(&s, 0, 1, 0, true);
		op_ioctl(&s, 0, ga_dealloc());
		op_munmap(&s, 0, true);
		emit_for(&o, "alloc-restrict", p->name, &s);
	}

	s = prog("proposed");
	op_open(&s);
	op_ioctl(&s, 0, ga_alloc(1, 1, true));
	op_ioctl(&s, 0, ga_notify());
	op_mmap(&s, 0, 1, 0, true);
	op_ioctl(&s, 0, ga_dealloc());
	op_restrict(&s, 0, 1);
	op_munmap(&s, 0, true);
	emit(&o, "notify", &s);

	/* FreeBSD has no gntalloc device: the open fails, cleanly. */
	s = prog("freebsd");
	op_open(&s);
	op_ioctl(&s, 0, ga_alloc(1, 1, true));
	emit(&o, "freebsd-absent", &s);

	s = prog("proposed");
	op_open(&s);
	op_ioctl(&s, 0, ga_alloc(2, 1, false));
	op_fork(&s);
	op_restrict(&s, 1, 2);
	op_exit_child(&s);
	op_ioctl(&s, 0, ga_alloc(1, 1, true));
	emit(&o, "fork", &s);
}

static void diff_seeds(const char *root)
{
	static const uint8_t gfn0[] = { 0 };
	static const struct grant d1_8_d2_9[] = { { 1, 8 }, { 2, 9 } };
	struct out o = out_dir(root, "fuzz/corpus/diff");
	struct buf s;

	/* "proposed", which both ports claim. */
	s = diff("proposed", DEV_PRIVCMD, 0);
	diff_restrict(&s, 1);
	diff_ioctl(&s, pc_dm_op(2));
	diff_ioctl(&s, pc_mmapbatch(2, 2, gfn0, 1));
	diff_ioctl(&s, pc_hypercall_dm_op(2));
	emit(&o, "privcmd", &s);

	s = diff("proposed", DEV_EVTCHN, 0);
	diff_restrict(&s, 2);
	diff_ioctl(&s, ev_bind_interdomain(3, 1));
	diff_ioctl(&s, ev_bind_virq(1));
	emit(&o, "evtchn", &s);

	s = diff("proposed", DEV_GNTDEV, 0);
	diff_restrict(&s, 1);
	diff_ioctl(&s, gd_map(d1_8_d2_9, ARRAY_SIZE(d1_8_d2_9)));
	diff_ioctl(&s, gd_copy(3, 8, false));
	emit(&o, "gntdev", &s);

	s = diff("proposed", DEV_GNTALLOC, 0);
	diff_restrict(&s, 3);
	diff_ioctl(&s, ga_alloc(1, 1, true));
	emit(&o, "gntalloc", &s);

	/*
	 * Caller byte 0xC1: guest 1 + 0xC1 % 3 = 2.  About linux-xsa482,
	 * where that handle is born restricted.
	 */
	s = diff("linux-xsa482", DEV_PRIVCMD, 0xC1);
	diff_ioctl(&s, pc_dm_op(2));
	emit(&o, "domu-privcmd", &s);
}

/*
 * ---- oracle self-tests: each input must produce a finding ----
 * fuzz/regress/planted/PLANT/: one per planted defect, which make check
 * replays against the planted build with --expect-finding.
 */
static void planted_inputs(const char *root)
{
	static const uint8_t gfn0[] = { 0 };
	struct out o;
	struct buf s;

	o = out_dir(root, "fuzz/regress/planted/dm-op-nr3");
	s = prog("proposed");
	op_open(&s);
	op_restrict(&s, 0, 1);
	op_ioctl(&s, 0, pc_dm_op_ex(2, 20, 3, 8));
	emit(&o, "restricted-dm-op-3-bufs-elsewhere", &s);

	o = out_dir(root, "fuzz/regress/planted/mmapbatch-v2");
	s = prog("proposed");
	op_open(&s);
	op_mmap(&s, 0, 1, 0, true);
	op_restrict(&s, 0, 1);
	op_ioctl(&s, 0, pc_mmapbatch(2, 2, gfn0, 1));
	emit(&o, "restricted-mmapbatch-v2-elsewhere", &s);

	o = out_dir(root, "fuzz/regress/planted/evtchn-interdomain");
	s = prog("proposed");
	op_open(&s);
	op_restrict(&s, 0, 1);
	op_ioctl(&s, 0, ev_bind_interdomain(2, 1));
	emit(&o, "restricted-bind-interdomain-elsewhere", &s);

	o = out_dir(root, "fuzz/regress/planted/evtchn-reset");
	s = prog("proposed");
	op_open(&s);
	op_restrict(&s, 0, 1);
	op_ioctl(&s, 0, ev_reset());
	emit(&o, "restricted-reset", &s);
}

/* fuzz/regress/diff-lax/: one per LAX mistake of fuzz/ports/lax.c. */
static void lax_inputs(const char *root)
{
	static const uint8_t gfn0[] = { 0 };
	struct out o = out_dir(root, "fuzz/regress/diff-lax");
	struct buf s;

	/* Domid 0x101 equals 1 only in its low byte. */
	s = diff("proposed", DEV_PRIVCMD, 0);
	diff_restrict(&s, 1);
	diff_ioctl(&s, pc_dm_op(0x101));
	emit(&o, "dm-op-low-byte", &s);

	s = diff("proposed", DEV_PRIVCMD, 0);
	diff_restrict(&s, 1);
	diff_ioctl(&s, pc_mmapbatch(1, 1, gfn0, 1));
	emit(&o, "mmapbatch-v1-not-refused", &s);

	s = diff("proposed", DEV_EVTCHN, 0);
	diff_restrict(&s, 1);
	diff_ioctl(&s, ev_bind_unbound(2));
	emit(&o, "unbound-not-audited", &s);
}

/* ---- dictionaries ---- */

struct word {
	const char *name;
	uint32_t value;
};

struct dev_ioctls {
	const char *dev;
	const struct word *cmds;
	size_t ncmds;
};

/* The ioctl numbers of include/uapi/xen/{privcmd,evtchn,gntdev,gntalloc}.h. */
static const struct word privcmd_cmds[] = {
	{ "HYPERCALL", 0x00305000 }, { "MMAP", 0x00105002 },
	{ "MMAPBATCH", 0x00185003 }, { "MMAPBATCH_V2", 0x00205004 },
	{ "DM_OP", 0x00105005 }, { "RESTRICT", 0x00025006 },
	{ "MMAP_RESOURCE", 0x00205007 }, { "IRQFD", 0x40185008 },
	{ "IOEVENTFD", 0x40305009 }, { "PCIDEV_GET_GSI", 0x0008500a },
};

static const struct word evtchn_cmds[] = {
	{ "BIND_VIRQ", 0x00044500 }, { "BIND_INTERDOMAIN", 0x00084501 },
	{ "BIND_UNBOUND_PORT", 0x00044502 }, { "UNBIND", 0x00044503 },
	{ "NOTIFY", 0x00044504 }, { "RESET", 0x00004505 },
	{ "RESTRICT_DOMID", 0x00024506 }, { "BIND_STATIC", 0x00044507 },
};

static const struct word gntdev_cmds[] = {
	{ "MAP_GRANT_REF", 0x00184700 }, { "UNMAP_GRANT_REF", 0x00104701 },
	{ "GET_OFFSET_FOR_VADDR", 0x00184702 },
	{ "SET_MAX_GRANTS", 0x00044703 },
	{ "SET_UNMAP_NOTIFY", 0x00104707 }, { "GRANT_COPY", 0x00104708 },
	{ "RESTRICT_DOMID", 0x00024740 },
};

static const struct word gntalloc_cmds[] = {
	{ "ALLOC_GREF", 0x00184705 }, { "DEALLOC_GREF", 0x00104706 },
	{ "SET_UNMAP_NOTIFY", 0x00104707 },
	{ "RESTRICT_DOMID", 0x00024741 },
};

/* In this order in all.dict. */
static const struct dev_ioctls dev_ioctls[] = {
	{ "privcmd", privcmd_cmds, ARRAY_SIZE(privcmd_cmds) },
	{ "evtchn", evtchn_cmds, ARRAY_SIZE(evtchn_cmds) },
	{ "gntdev", gntdev_cmds, ARRAY_SIZE(gntdev_cmds) },
	{ "gntalloc", gntalloc_cmds, ARRAY_SIZE(gntalloc_cmds) },
};

/* The domids worth a raw spelling: the same set fz_domid picks from. */
static const struct word domid_words[] = {
	{ "dom0", 0 }, { "dom1", 1 }, { "dom2", 2 }, { "dom3", 3 },
	{ "dom4", 4 }, { "SELF", 0x7FF0 }, { "IO", 0x7FF1 },
	{ "XEN", 0x7FF2 }, { "COW", 0x7FF3 }, { "INVALID", 0x7FF4 },
	{ "IDLE", 0x7FFF }, { "trunc_257", 0x101 }, { "trunc_258", 0x102 },
	{ "all_ones", 0xFFFF },
};

/* Xen's hypercall numbers, for privcmd's HYPERCALL op field. */
static const struct word hypercalls[] = {
	{ "xen_version", 17 }, { "memory_op", 12 }, { "grant_table_op", 20 },
	{ "event_channel_op", 32 }, { "hvm_op", 34 }, { "sysctl", 35 },
	{ "domctl", 36 }, { "dm_op", 41 },
};

/* name="\xNN..." with value's nbytes bytes, little-endian. */
static void dict_entry(FILE *f, const char *prefix, const char *name,
		       uint64_t value, unsigned nbytes)
{
	unsigned i;

	fprintf(f, "%s%s=\"", prefix, name);
	for (i = 0; i < nbytes; i++)
		fprintf(f, "\\x%02x", (unsigned)(value >> (8 * i)) & 0xFF);
	fprintf(f, "\"\n");
}

/* The dictionary of devs[0..ndevs): their ioctls, domids, hypercalls. */
static void dictionary(const char *root, const char *file,
		       const struct dev_ioctls *devs, size_t ndevs)
{
	char path[4096];
	bool privcmd = false;
	size_t d, i;
	FILE *f;

	join(path, sizeof(path), root, "fuzz/dict", file);
	f = create(path);
	fprintf(f, "# xrc-fuzz dictionary (generated by "
		"fuzz/tools/mkseeds.c: make fuzz-seeds)\n");
	fprintf(f, "# ioctl numbers (little-endian u32, as a raw ioctl "
		"reads them)\n");
	for (d = 0; d < ndevs; d++) {
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "%s_", devs[d].dev);
		for (i = 0; i < devs[d].ncmds; i++)
			dict_entry(f, prefix, devs[d].cmds[i].name,
				   devs[d].cmds[i].value, 4);
		if (!strcmp(devs[d].dev, "privcmd"))
			privcmd = true;
	}
	fprintf(f, "# domids: raw u16 and u32 (after selector bytes "
		"0xF0/0xF8)\n");
	for (i = 0; i < ARRAY_SIZE(domid_words); i++) {
		dict_entry(f, "domid16_", domid_words[i].name,
			   domid_words[i].value, 2);
		dict_entry(f, "domid32_", domid_words[i].name,
			   domid_words[i].value, 4);
	}
	/* Truncates to dom1 in 16 bits. */
	dict_entry(f, "domid32_", "high", 0x00010001, 4);
	if (privcmd) {
		fprintf(f, "# hypercall numbers (u64)\n");
		for (i = 0; i < ARRAY_SIZE(hypercalls); i++)
			dict_entry(f, "hc_", hypercalls[i].name,
				   hypercalls[i].value, 8);
	}
	finish(f, path);
}

static void dictionaries(const char *root)
{
	char file[64];
	size_t i;

	out_dir(root, "fuzz/dict");
	for (i = 0; i < ARRAY_SIZE(dev_ioctls); i++) {
		snprintf(file, sizeof(file), "%s.dict", dev_ioctls[i].dev);
		dictionary(root, file, &dev_ioctls[i], 1);
	}
	dictionary(root, "all.dict", dev_ioctls, ARRAY_SIZE(dev_ioctls));
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : ".";

	if (argc > 2 || (argc > 1 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: fuzz-mkseeds [OUTPUT-ROOT]\n"
			"writes fuzz/corpus, fuzz/regress/{planted,diff-lax} "
			"and fuzz/dict under OUTPUT-ROOT (default .)\n");
		return 2;
	}
	privcmd_seeds(root);
	evtchn_seeds(root);
	gntdev_seeds(root);
	gntalloc_seeds(root);
	diff_seeds(root);
	planted_inputs(root);
	lax_inputs(root);
	dictionaries(root);
	return 0;
}
