/* SPDX-License-Identifier: MIT */
/*
 * xrc-vm-domu: what dom0 prepares for the xen-domu backend's PV domU
 * (vm-images/xen/init, "domU mode"), with Debian's libxenctrl and
 * libxenstore:
 *
 *   xrc-vm-domu guest DOMID          a paused PV guest with exactly that
 *                                    domid (the domU's xenstore target)
 *   xrc-vm-domu xs-write PATH VALUE  write one xenstore key, as libxl
 *                                    writes a stub domain's "target"
 *
 * The guest is made as libfixture makes its guests (max_vcpus always
 * set: Xen 4.17.7 panics when an event reaches a domain without vcpus,
 * docs/reference/linux-6.1-observed.md, "Creating target domains from
 * dom0"), but with a chosen domid: xc_domain_create takes *domid as the
 * id to use when it is not 0 (tools/libs/ctrl/xc_domain.c).  It outlives
 * this process (nothing destroys it before the VM ends).
 *
 * Exit: 0 done; 2 bad command line or the step failed (said on stderr).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xenstore.h>

#define EXIT_BROKE	2
#define GUEST_PAGES	16u

static void usage(FILE *f)
{
	fputs("usage: xrc-vm-domu guest DOMID\n"
	      "       xrc-vm-domu xs-write PATH VALUE\n", f);
}

static int guest(const char *arg)
{
	struct xen_domctl_createdomain cfg = {
		.max_vcpus = 1,
		.max_evtchn_port = 1023,
		.max_grant_frames = -1,
		.max_maptrack_frames = -1,
		.grant_opts = XEN_DOMCTL_GRANT_version(1),
	};
	xen_pfn_t frames[GUEST_PAGES];
	xc_interface *xch;
	unsigned long v;
	uint32_t domid, i;
	char *end;
	const char *step = NULL;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !v || v >= DOMID_FIRST_RESERVED) {
		fprintf(stderr, "xrc-vm-domu: guest: '%s' is not a domid (1..%u)\n",
			arg, DOMID_FIRST_RESERVED - 1);
		return EXIT_BROKE;
	}
	domid = (uint32_t)v;
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		perror("xrc-vm-domu: xc_interface_open");
		return EXIT_BROKE;
	}
	for (i = 0; i < GUEST_PAGES; i++)
		frames[i] = i;
	if (xc_domain_create(xch, &domid, &cfg))
		step = "xc_domain_create";
	else if (xc_domain_max_vcpus(xch, domid, 1))
		step = "xc_domain_max_vcpus";
	else if (xc_domain_setmaxmem(xch, domid,
				     2 * GUEST_PAGES * (XC_PAGE_SIZE / 1024)))
		step = "xc_domain_setmaxmem";
	else if (xc_domain_populate_physmap_exact(xch, domid, GUEST_PAGES, 0,
						  0, frames))
		step = "xc_domain_populate_physmap_exact";
	if (step) {
		fprintf(stderr, "xrc-vm-domu: guest %u: %s: %s\n", domid, step,
			strerror(errno));
		if (strcmp(step, "xc_domain_create"))
			xc_domain_destroy(xch, domid);
		xc_interface_close(xch);
		return EXIT_BROKE;
	}
	printf("xrc-vm-domu: guest %u (pv), paused\n", domid);
	xc_interface_close(xch);
	return 0;
}

static int xs_write_key(const char *path, const char *value)
{
	struct xs_handle *xs = xs_open(0);
	bool ok;

	if (!xs) {
		perror("xrc-vm-domu: xs_open");
		return EXIT_BROKE;
	}
	ok = xs_write(xs, XBT_NULL, path, value, strlen(value));
	if (!ok)
		fprintf(stderr, "xrc-vm-domu: xs_write %s: %s\n", path,
			strerror(errno));
	xs_close(xs);
	return ok ? 0 : EXIT_BROKE;
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "guest"))
		return guest(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "xs-write"))
		return xs_write_key(argv[2], argv[3]);
	usage(stderr);
	return EXIT_BROKE;
}
