/* SPDX-License-Identifier: MIT */
/*
 * xsim-world-client: one step of a toolstack, done with Debian's
 * unmodified libxenctrl / libxenevtchn, for the named-world tests
 * (scripts/suites/world.sh).  Each run is a separate process, so a test
 * that runs it twice under XENSIM_WORLD_NAME shows that unrelated
 * processes share one machine: what the first did, the second sees.
 *
 *   create-pv                 create a paused PV domain (1 vcpu, 16
 *                             pages; Xen needs max_vcpus set): its domid
 *   info DOMID                "domid N pv|hvm pages P paused|running"
 *   alloc-unbound DOM REMOTE  a port of DOM offered to REMOTE: its number
 *   status DOM PORT           "unbound REMOTE" / "interdomain DOM PORT" /...
 *   hold                      open privcmd and evtchn, print "ready",
 *                             keep them until stdin closes
 *   crash                     open them and die by SIGKILL (a leak)
 *
 * Prints one line; exit 0, or 1 with the failing call and errno on stderr.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>

static int die(const char *what)
{
	fprintf(stderr, "xsim-world-client: %s: %s\n", what, strerror(errno));
	return 1;
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "xsim-world-client: '%s' is not a number\n", s);
		exit(2);
	}
	return v;
}

static int create_pv(xc_interface *xch)
{
	struct xen_domctl_createdomain cfg = {
		.max_vcpus = 1,
		.max_evtchn_port = 1023,
		.max_grant_frames = -1,
		.max_maptrack_frames = -1,
		.grant_opts = XEN_DOMCTL_GRANT_version(1),
	};
	xen_pfn_t frames[16];
	uint32_t domid = 0;
	unsigned i;

	if (xc_domain_create(xch, &domid, &cfg))
		return die("xc_domain_create");
	for (i = 0; i < 16; i++)
		frames[i] = i;
	if (xc_domain_max_vcpus(xch, domid, 1) ||
	    xc_domain_setmaxmem(xch, domid, 32 * (XC_PAGE_SIZE / 1024)) ||
	    xc_domain_populate_physmap_exact(xch, domid, 16, 0, 0, frames)) {
		int e = errno;

		xc_domain_destroy(xch, domid);
		errno = e;
		return die("building the domain");
	}
	printf("%u\n", domid);
	return 0;
}

static int info(xc_interface *xch, uint32_t domid)
{
	xc_domaininfo_t di;

	if (xc_domain_getinfolist(xch, domid, 1, &di) != 1 ||
	    di.domain != domid) {
		errno = errno ? errno : ESRCH;
		return die("xc_domain_getinfolist");
	}
	printf("domid %u %s pages %llu %s\n", domid,
	       di.flags & XEN_DOMINF_hvm_guest ? "hvm" : "pv",
	       (unsigned long long)di.tot_pages,
	       di.flags & XEN_DOMINF_paused ? "paused" : "running");
	return 0;
}

static int status(xc_interface *xch, uint32_t dom, uint32_t port)
{
	xc_evtchn_status_t st = { .dom = (domid_t)dom, .port = port };

	if (xc_evtchn_status(xch, &st))
		return die("xc_evtchn_status");
	switch (st.status) {
	case EVTCHNSTAT_unbound:
		printf("unbound %u\n", st.u.unbound.dom);
		break;
	case EVTCHNSTAT_interdomain:
		printf("interdomain %u %u\n", st.u.interdomain.dom,
		       st.u.interdomain.port);
		break;
	case EVTCHNSTAT_closed:
		printf("closed\n");
		break;
	default:
		printf("status %u\n", st.status);
	}
	return 0;
}

/* Open both devices (privcmd through xc, evtchn) and keep them. */
static int hold(xc_interface *xch, bool crash)
{
	xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
	char buf[64];

	(void)xch;
	if (!xce)
		return die("xenevtchn_open");
	if (crash)
		kill(getpid(), SIGKILL);
	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	xenevtchn_close(xce);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	xc_interface *xch;
	int rc = 2;

	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch)
		return die("xc_interface_open");
	if (!strcmp(cmd, "create-pv") && argc == 2)
		rc = create_pv(xch);
	else if (!strcmp(cmd, "info") && argc == 3)
		rc = info(xch, (uint32_t)num(argv[2]));
	else if (!strcmp(cmd, "alloc-unbound") && argc == 4) {
		int port = xc_evtchn_alloc_unbound(xch, (uint32_t)num(argv[2]),
						   (uint32_t)num(argv[3]));

		rc = port < 0 ? die("xc_evtchn_alloc_unbound") : 0;
		if (port >= 0)
			printf("%d\n", port);
	} else if (!strcmp(cmd, "status") && argc == 4)
		rc = status(xch, (uint32_t)num(argv[2]), (uint32_t)num(argv[3]));
	else if (!strcmp(cmd, "hold") && argc == 2)
		rc = hold(xch, false);
	else if (!strcmp(cmd, "crash") && argc == 2)
		rc = hold(xch, true);
	else
		fprintf(stderr, "usage: xsim-world-client create-pv | info DOMID | alloc-unbound DOM REMOTE | status DOM PORT | hold | crash\n");
	xc_interface_close(xch);
	return rc;
}
