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
 *   xrc-vm-domu offer DOMID          dom0's offers to that domU: an
 *                                    unbound port and a granted page,
 *                                    published as its xenstore keys
 *                                    data/xrc-offer-{port,gref}, kept by
 *                                    a child until the VM ends
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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenstore.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntalloc.h>

#define EXIT_BROKE	2
#define GUEST_PAGES	16u

static void usage(FILE *f)
{
	fputs("usage: xrc-vm-domu guest DOMID\n"
	      "       xrc-vm-domu offer DOMID\n"
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

/* The frame number in the pattern dom0 fills its offered page with (the
 * sim's world file grants dom0's gfn 0x100: scripts/xrc-lib/fidelity.sh). */
#define OFFER_FRAME	0x100u

/* Write dom0's offer key, readable by the domU only (and dom0). */
static bool xs_offer_key(struct xs_handle *xs, unsigned domu, const char *key,
			 unsigned value)
{
	struct xs_permissions perms[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = domu, .perms = XS_PERM_READ },
	};
	char path[96], val[16];

	snprintf(path, sizeof(path), "/local/domain/%u/data/%s", domu, key);
	snprintf(val, sizeof(val), "%u", value);
	if (!xs_write(xs, XBT_NULL, path, val, strlen(val)) ||
	    !xs_set_permissions(xs, XBT_NULL, path, perms, 2)) {
		fprintf(stderr, "xrc-vm-domu: offer: %s: %s\n", path,
			strerror(errno));
		return false;
	}
	return true;
}

/*
 * offer DOMU: an unbound port of dom0 for DOMU (Linux evtchn.c
 * IOCTL_EVTCHN_BIND_UNBOUND_PORT: EVTCHNOP_alloc_unbound with remote =
 * DOMU) and one writable page of dom0 granted to DOMU (gntalloc.c
 * IOCTL_GNTALLOC_ALLOC_GREF), the page filled with the world's pattern
 * (docs/world-files.md: word at offset o = 0<<48 | OFFER_FRAME<<12 | o);
 * their numbers as DOMU's xenstore keys data/xrc-offer-port and
 * data/xrc-offer-gref.  Both live as long as their file: a child keeps
 * the two files open until the VM ends, and this process returns once
 * everything is in place.
 */
static int offer(const char *arg)
{
	struct ioctl_evtchn_bind_unbound_port unbound = { 0 };
	struct ioctl_gntalloc_alloc_gref alloc = {
		.flags = GNTALLOC_FLAG_WRITABLE, .count = 1,
	};
	struct xs_handle *xs;
	uint64_t *word;
	unsigned long v;
	char *end;
	int evt, gna, port;
	size_t i;
	pid_t pid;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !v || v >= DOMID_FIRST_RESERVED) {
		fprintf(stderr, "xrc-vm-domu: offer: '%s' is not a domid (1..%u)\n",
			arg, DOMID_FIRST_RESERVED - 1);
		return EXIT_BROKE;
	}
	unbound.remote_domain = (unsigned)v;
	alloc.domid = (uint16_t)v;
	evt = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	if (evt < 0) {
		perror("xrc-vm-domu: offer: /dev/xen/evtchn");
		return EXIT_BROKE;
	}
	port = ioctl(evt, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &unbound);
	if (port < 0) {
		perror("xrc-vm-domu: offer: IOCTL_EVTCHN_BIND_UNBOUND_PORT");
		return EXIT_BROKE;
	}
	gna = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
	if (gna < 0) {
		perror("xrc-vm-domu: offer: /dev/xen/gntalloc");
		return EXIT_BROKE;
	}
	if (ioctl(gna, IOCTL_GNTALLOC_ALLOC_GREF, &alloc)) {
		perror("xrc-vm-domu: offer: IOCTL_GNTALLOC_ALLOC_GREF");
		return EXIT_BROKE;
	}
	word = mmap(NULL, XC_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    gna, (off_t)alloc.index);
	if (word == MAP_FAILED) {
		perror("xrc-vm-domu: offer: mmap of the granted page");
		return EXIT_BROKE;
	}
	for (i = 0; i < XC_PAGE_SIZE / 8; i++)
		word[i] = (uint64_t)OFFER_FRAME << 12 | (uint64_t)i * 8;
	munmap(word, XC_PAGE_SIZE);
	xs = xs_open(0);
	if (!xs) {
		perror("xrc-vm-domu: offer: xs_open");
		return EXIT_BROKE;
	}
	if (!xs_offer_key(xs, (unsigned)v, "xrc-offer-port", (unsigned)port) ||
	    !xs_offer_key(xs, (unsigned)v, "xrc-offer-gref",
			  alloc.gref_ids[0])) {
		xs_close(xs);
		return EXIT_BROKE;
	}
	xs_close(xs);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("xrc-vm-domu: offer: fork");
		return EXIT_BROKE;
	}
	if (pid == 0) {
		/* The keeper: the port and the grant are its files'. */
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		setsid();
		for (;;)
			pause();
	}
	printf("xrc-vm-domu: offered domain %lu port %d, grant ref %u (kept by pid %d)\n",
	       v, port, alloc.gref_ids[0], (int)pid);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "guest"))
		return guest(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "offer"))
		return offer(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "xs-write"))
		return xs_write_key(argv[2], argv[3]);
	usage(stderr);
	return EXIT_BROKE;
}
