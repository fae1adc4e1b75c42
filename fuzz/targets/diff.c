/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the differential between a port's audit (linked in:
 * it defines xrc_port, see fuzz/include/xrc-fuzz/port.h) and the
 * reference (see fuzz/src/diff.c for the encoding).
 */
#include "../src/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run_diff(&xrc_port, data, size);
}
