/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: programs on /dev/xen/privcmd (see fuzz/src/program.c for
 * the encoding and the oracles).
 */
#include "../src/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run_device(XSIM_DEV_PRIVCMD, data, size);
}
