/* SPDX-License-Identifier: MIT */
/*
 * A program's bytes read as operations: the one decoder both executors
 * share, the in-process interpreter (program.c) and the real-syscall
 * replay (fuzz/real/, xrc-replay-real).  What each operation does
 * is up to the executor; which operation, on which descriptor, with
 * which operands, is decided here, so that one input means the same
 * program on the sim's device models and on a real kernel.
 */
#include <sys/mman.h>

#include "fuzz.h"

enum fz_opk fz_dec_op(struct fz_in *in)
{
	static const enum fz_opk kind[14] = {
		FZ_OP_OPEN, FZ_OP_DUP, FZ_OP_FORK, FZ_OP_EXIT_CHILD,
		FZ_OP_CLOSE, FZ_OP_RESTRICT, FZ_OP_IOCTL, FZ_OP_IOCTL,
		FZ_OP_IOCTL, FZ_OP_RAW, FZ_OP_MMAP, FZ_OP_MUNMAP, FZ_OP_RW,
		FZ_OP_GUEST_SEND,
	};

	return kind[fz_u8(in) % 14];
}

uint16_t fz_dec_caller(struct fz_in *in)
{
	uint8_t who = fz_u8(in);

	return who < 0xC0 ? 0 : (uint16_t)(1 + who % 3);
}

int fz_dec_pick(uint8_t b, const bool open[FZ_MAX_FDS])
{
	unsigned i = b % FZ_MAX_FDS, j;

	if (open[i])
		return (int)i;
	for (j = 0; j < FZ_MAX_FDS; j++)
		if (open[j])
			return (int)j;
	return -1;
}

void fz_dec_mmap(struct fz_in *in, const uint64_t *indices, unsigned n,
		 struct fz_dec_mmap *m)
{
	uint8_t sel;

	m->pages = 1 + fz_u8(in) % 4;
	sel = fz_u8(in);
	m->prot = (fz_u8(in) & 1) ? PROT_READ : PROT_READ | PROT_WRITE;
	m->pgoff = 0;
	if (n && sel < 0xC0)
		m->pgoff = indices[sel % n] >> 12;
	else if (sel >= 0xC0)
		m->pgoff = sel & 7;
}

void fz_dec_munmap(struct fz_in *in, unsigned *vma, bool *whole)
{
	uint8_t sel = fz_u8(in);

	*vma = sel % FZ_MAX_VMAS;
	*whole = sel & 0x80;
}

/*
 * The pointer is read before the extra-byte flag: program.c once passed
 * both as arguments of one call, whose order C leaves open (clang reads
 * left to right, as the corpora were grown with).
 */
void fz_dec_rw(struct fz_in *in, struct fz_arena *a, const uint32_t *ports,
	       unsigned nports, struct fz_dec_rw *rw)
{
	uint32_t *p, i;
	uint64_t at;

	a->cursor = 0;
	rw->read = fz_u8(in) & 1;
	if (rw->read) {
		rw->len = fz_u8(in) % 33;
		rw->at = fz_ptr(in, fz_alloc(a, rw->len));
		return;
	}
	rw->len = 1 + fz_u8(in) % 3;
	at = fz_alloc(a, rw->len * 4);
	p = fz_host(a, at, rw->len * 4);
	for (i = 0; p && i < rw->len; i++)
		p[i] = nports ? ports[fz_u8(in) % nports] : fz_u8(in) % 4;
	rw->at = fz_ptr(in, at);
	rw->len = rw->len * 4 + (fz_u8(in) == 0xFF);
}

void fz_dec_guest(struct fz_in *in, uint32_t *dom, uint32_t *port)
{
	*dom = 1 + fz_u8(in) % 3;
	*port = 1 + fz_u8(in) % 3;
}

/*
 * What a handle learned that later operands pick from: grant-device
 * offsets (when full, a new one replaces a slot named by its value) and
 * ports (when full, new ones are dropped).  Both executors keep the same
 * lists, so the same bytes pick the same operands on both sides.
 */
void fz_dec_know_index(uint64_t *list, unsigned *n, uint64_t v)
{
	unsigned i;

	for (i = 0; i < *n; i++)
		if (list[i] == v)
			return;
	if (*n < FZ_MAX_KNOWN)
		list[(*n)++] = v;
	else
		list[v % FZ_MAX_KNOWN] = v;
}

void fz_dec_know_port(uint32_t *ports, unsigned *n, uint32_t port)
{
	unsigned i;

	for (i = 0; i < *n; i++)
		if (ports[i] == port)
			return;
	if (*n < FZ_MAX_KNOWN)
		ports[(*n)++] = port;
}
