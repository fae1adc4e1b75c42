/* SPDX-License-Identifier: MIT */
/*
 * xensim-bench-ioreq (`make bench`): what one ioreq round trip costs with
 * the injector and the in-process fake device model thread of
 * xensim-ioreq --fake-dm (a CMOS read: select, slot, notify, serve,
 * answer, collect).  Prints figures, asserts nothing.  Both threads poll,
 * so on a loaded 2-core machine the figure is mostly scheduling.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xensim/ioreq.h>
#include <xensim/world.h>

#include "../bench/bench.h"
#include "ioreq_fakedm.h"

static long round_trip(void *arg)
{
	struct xsim_world *w = arg;
	struct xsim_ioreq r = { .type = XSIM_IOREQ_TYPE_PIO,
				.dir = XSIM_IOREQ_READ, .addr = 0x71,
				.size = 1 };
	int rc = xsim_ioreq_inject(w, 1, 0, &r, 5000, NULL);

	return rc ? rc : (long)r.data;
}

int main(void)
{
	struct bench_result res;
	struct xsim_world *w;
	struct fakedm *dm;
	char buf[32];
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = xsim_world_create(NULL, &w);
	if (!rc)
		rc = fakedm_start(w, 1, &dm);
	if (rc) {
		printf("ioreq round trip: cannot set up (%s)\n", strerror(-rc));
		return 1;
	}
	bench_measure(round_trip, w, &res);
	printf("ioreq round trip, fake DM thread     %8.0f ns  (best batch %.0f, worst %.0f; answer %s)\n",
	       res.median_ns, res.min_ns, res.max_ns,
	       bench_result_str(res.result, buf, sizeof(buf)));
	fakedm_stop(dm);
	xsim_world_detach(w);
	return 0;
}
