/* SPDX-License-Identifier: MIT */
/*
 * The fuzzer's bytes as a stream of choices.  Reads past the end give 0,
 * so every prefix of an input is a valid (shorter) program and libFuzzer's
 * truncations and insertions stay meaningful.  Multi-byte values are
 * little-endian, as the dictionaries spell them.
 */
#include <xensim/xen-const.h>

#include "fuzz.h"

uint8_t fz_u8(struct fz_in *in)
{
	uint8_t v;

	if (!in->n)
		return 0;
	v = *in->p++;
	in->n--;
	return v;
}

uint16_t fz_u16(struct fz_in *in)
{
	uint16_t lo = fz_u8(in);

	return (uint16_t)(lo | fz_u8(in) << 8);
}

uint32_t fz_u32(struct fz_in *in)
{
	uint32_t lo = fz_u16(in);

	return lo | (uint32_t)fz_u16(in) << 16;
}

uint64_t fz_u64(struct fz_in *in)
{
	uint64_t lo = fz_u32(in);

	return lo | (uint64_t)fz_u32(in) << 32;
}

/*
 * One byte picks among the values an audit must get right: the guests
 * (1, 2 HVM; 3 PV), dom0, a domain that does not exist, the reserved
 * ids, and values that only match after truncation to 16 or 8 bits.
 * 0xF0 and above read a raw 16- or 32-bit value.
 */
uint32_t fz_domid(struct fz_in *in)
{
	static const uint32_t pick[] = {
		0, 1, 2, 3, 1, 2, 4, 0x7FEF,
		XSIM_DOMID_SELF, XSIM_DOMID_IO, XSIM_DOMID_XEN, XSIM_DOMID_COW,
		XSIM_DOMID_INVALID, XSIM_DOMID_IDLE, 0xFFFF, 0x10001,
		0x101, 0x102, 0x10002, 0xFFFFFFFFu,
	};
	uint8_t b = fz_u8(in);

	if (b >= 0xF8)
		return fz_u32(in);
	if (b >= 0xF0)
		return fz_u16(in);
	return pick[b % (sizeof(pick) / sizeof(pick[0]))];
}

uint32_t fz_count(struct fz_in *in, uint32_t max)
{
	uint8_t b = fz_u8(in);

	if (b == 0xFF)
		return fz_u32(in);
	return b % (max + 1);
}

/* ---- fault injection: the optional trailer (owner: faults) ---- */

/*
 * An input may end with FZ_FAIL_MAGIC0 FZ_FAIL_MAGIC1 SITE N: then those
 * four bytes are not part of the program, and the (N+1)th hit of failure
 * point SITE % XSIM_FAIL_NR_SITES fails while it runs (docs/faults.md,
 * "The fuzzers").  A trailer, not a leading byte, so that every input
 * without one (every corpus entry before it) means what it meant; the
 * magic keeps a program's own last bytes from reading as one by chance
 * except once in 65536.
 */
bool fz_fail_trailer(struct fz_in *in, struct fz_fail_pick *pick)
{
	const uint8_t *t;

	pick->armed = false;
	if (in->n < 4)
		return false;
	t = in->p + in->n - 4;
	if (t[0] != FZ_FAIL_MAGIC0 || t[1] != FZ_FAIL_MAGIC1)
		return false;
	pick->site = (enum xsim_fail_site)(t[2] % XSIM_FAIL_NR_SITES);
	pick->nth = 1u + t[3];
	pick->armed = true;
	in->n -= 4;
	return true;
}
/* ---- end of the fault-injection trailer ---- */
