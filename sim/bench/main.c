/* SPDX-License-Identifier: MIT */
/*
 * xensim-bench (`make bench`): prints figures, asserts nothing.  See
 * README.md beside this file for what is measured and how to read it.
 */
#include <stdio.h>

#include "bench.h"

int main(void)
{
	double t0 = bench_now();

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("xensim-bench\n\n");
	bench_preload();
	bench_scale();
	printf("total %.1f s\n", bench_now() - t0);
	return 0;
}
