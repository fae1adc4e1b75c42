/* SPDX-License-Identifier: MIT */
/*
 * The fixture server: a child of the test process with its own library
 * handles.  It builds domains as a toolstack does (libxenctrl's
 * xc_domain_create, max_vcpus, setmaxmem, populate_physmap_exact, as in
 * tools/libs/light/libxl_dom.c), writes grants into a guest's table as
 * xc_dom_gnttab_seed does, remembers every domain it made, and destroys
 * them all when the test process closes the connection.
 */
/* <xenctrl.h> needs GNU C; lift -std=c11's flag for builds that set it. */
#undef __STRICT_ANSI__

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xen/grant_table.h>
#include <xen/memory.h>

#include "proto.h"

/* Up to this many live fixture domains per test process. */
#define MAX_DOMAINS		64
/* The toolstack's own grant refs (GNTTAB_NR_RESERVED_ENTRIES). */
#define FIRST_FREE_REF		8
#define ENTRIES_PER_FRAME	(XC_PAGE_SIZE / sizeof(grant_entry_v1_t))
/* Largest populate: the sim's world holds 64 Ki pages by default. */
#define MAX_PAGES		(1u << 16)
/* HVM paging pool (p2m pages on a real Xen; kept only as a size on the sim). */
#define HVM_POOL_BYTES		(8u << 20)

struct fx_domain {
	uint32_t domid;
	bool used, hvm;
	uint32_t nr_frames;
	xen_pfn_t *frames;	/* what populate_physmap_exact gave back */
	uint32_t next_ref;
};

static struct {
	xc_interface *xch;
	xenforeignmemory_handle *fmem;
	struct fx_domain dom[MAX_DOMAINS];
	char log[160];		/* the libraries' last message */
} srv;

/* A logger that keeps the last message for the error text, quietly. */
static void keep_message(struct xentoollog_logger *logger,
			 xentoollog_level level, int errnoval,
			 const char *context, const char *format, va_list al)
{
	(void)logger;
	(void)level;
	(void)errnoval;
	(void)context;
	vsnprintf(srv.log, sizeof(srv.log), format, al);
}

static void keep_nothing(struct xentoollog_logger *logger)
{
	(void)logger;
}

static xentoollog_logger quiet = {
	.vmessage = keep_message,
	.destroy = keep_nothing,
};

__attribute__((format(printf, 3, 4)))
static int fail(struct xrc_lf_rsp *r, int err, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	n = strlen(r->msg);
	snprintf(r->msg + n, sizeof(r->msg) - n, ": %s", strerror(err));
	r->rc = -err;
	return -err;
}

static struct fx_domain *find(uint32_t domid)
{
	unsigned i;

	for (i = 0; i < MAX_DOMAINS; i++)
		if (srv.dom[i].used && srv.dom[i].domid == domid)
			return &srv.dom[i];
	return NULL;
}

static void forget(struct fx_domain *d)
{
	free(d->frames);
	memset(d, 0, sizeof(*d));
}

/*
 * When process pid started (clock ticks since boot, /proc/PID/stat field
 * 22), or 0 if it is gone or a zombie: with the pid it names one process
 * for good, whatever reuses the number later.
 */
static uint32_t started(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	char state;
	FILE *f;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold anything: fields start after its ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c", &state) != 1 || state == 'Z' ||
	    state == 'X')
		return 0;
	for (i = 0, p += 2; i < 19 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &t) != 1)
		return 0;
	return (uint32_t)t ? (uint32_t)t : 1;
}

/* The domain's UUID: the fixture's magic, the server's pid and start. */
static void mark(xen_domain_handle_t h)
{
	uint32_t id[2] = { (uint32_t)getpid(), started(getpid()) };

	memset(h, 0, sizeof(xen_domain_handle_t));
	memcpy(h, XRC_LF_MAGIC, XRC_LF_MAGIC_LEN);
	memcpy(h + XRC_LF_MAGIC_LEN, id, sizeof(id));
}

/* Does the server that marked handle h still run? */
static bool marker_alive(const uint8_t *h)
{
	uint32_t id[2];

	memcpy(id, h + XRC_LF_MAGIC_LEN, sizeof(id));
	return started((pid_t)id[0]) == id[1];
}

/* Everything but the createdomain itself; the caller destroys on failure. */
static int build(struct xrc_lf_rsp *r, struct fx_domain *d, uint32_t vcpus,
		 uint32_t pages, uint32_t max_pages)
{
	uint32_t i;

	if (xc_domain_max_vcpus(srv.xch, d->domid, vcpus))
		return fail(r, errno, "xc_domain_max_vcpus(%u)", vcpus);
	/* A real Xen backs an HVM p2m from this pool; PV has none. */
	if (d->hvm && xc_set_paging_mempool_size(srv.xch, d->domid,
						 HVM_POOL_BYTES))
		return fail(r, errno, "xc_set_paging_mempool_size");
	if (xc_domain_setmaxmem(srv.xch, d->domid,
				(uint64_t)max_pages * (XC_PAGE_SIZE / 1024)))
		return fail(r, errno, "xc_domain_setmaxmem(%u pages)",
			    max_pages);
	d->frames = calloc(pages ? pages : 1, sizeof(*d->frames));
	if (!d->frames)
		return fail(r, ENOMEM, "frame list");
	for (i = 0; i < pages; i++)
		d->frames[i] = i;
	/* PV: Xen writes the machine frames back into the list. */
	if (pages && xc_domain_populate_physmap_exact(srv.xch, d->domid, pages,
						      0, 0, d->frames))
		return fail(r, errno, "xc_domain_populate_physmap_exact(%u)",
			    pages);
	d->nr_frames = pages;
	return 0;
}

static int create(const struct xrc_lf_req *q, struct xrc_lf_rsp *r)
{
	bool hvm = q->a;
	uint32_t vcpus = q->b ? q->b : 1, pages = q->c ? q->c : 16;
	uint32_t max_pages = q->d ? q->d : pages + 16;
	struct xen_domctl_createdomain cfg = {
		.flags = hvm ? XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap : 0,
		.max_vcpus = vcpus,
		.max_evtchn_port = 1023,
		.max_grant_frames = -1,
		.max_maptrack_frames = -1,
		.grant_opts = XEN_DOMCTL_GRANT_version(1),
		.arch.emulation_flags = hvm ? XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI :
					      0,
	};
	struct fx_domain *d;
	uint32_t domid = 0;
	unsigned i;
	int rc;

	if (pages > MAX_PAGES || max_pages < pages)
		return fail(r, EINVAL, "spec: %u pages, %u max", pages,
			    max_pages);
	for (i = 0; i < MAX_DOMAINS && srv.dom[i].used; i++)
		;
	if (i == MAX_DOMAINS)
		return fail(r, ENOSPC, "registry (%d domains)", MAX_DOMAINS);
	d = &srv.dom[i];
	mark(cfg.handle);
	if (xc_domain_create(srv.xch, &domid, &cfg))
		return fail(r, errno, "xc_domain_create(%s)", hvm ? "HVM" : "PV");
	*d = (struct fx_domain){ .domid = domid, .used = true, .hvm = hvm,
				 .next_ref = FIRST_FREE_REF };
	rc = build(r, d, vcpus, pages, max_pages);
	if (rc) {
		xc_domain_destroy(srv.xch, domid);
		forget(d);
		return rc;
	}
	r->value = domid;
	return 0;
}

static int destroy(uint32_t domid, struct xrc_lf_rsp *r)
{
	struct fx_domain *d = find(domid);

	if (!d)
		return fail(r, ENOENT, "domain %u is not the fixture's", domid);
	if (xc_domain_destroy(srv.xch, domid))
		return fail(r, errno, "xc_domain_destroy(%u)", domid);
	forget(d);
	return 0;
}

static int frame(const struct xrc_lf_req *q, struct xrc_lf_rsp *r)
{
	struct fx_domain *d = find(q->domid);

	if (!d)
		return fail(r, ENOENT, "domain %u is not the fixture's",
			    q->domid);
	if (q->a >= d->nr_frames)
		return fail(r, EINVAL, "page %u of %u", q->a, d->nr_frames);
	r->frame = d->frames[q->a];
	return 0;
}

static int unbound(const struct xrc_lf_req *q, struct xrc_lf_rsp *r)
{
	int port = xc_evtchn_alloc_unbound(srv.xch, q->domid, q->a);

	if (port < 0)
		return fail(r, errno, "xc_evtchn_alloc_unbound(%u, remote %u)",
			    q->domid, q->a);
	r->value = (uint32_t)port;
	return 0;
}

/* Write one v1 entry: frame and domid first, then the flags that enable it. */
static int grant(const struct xrc_lf_req *q, struct xrc_lf_rsp *r)
{
	struct fx_domain *d = find(q->domid);
	xenforeignmemory_resource_handle *res;
	grant_entry_v1_t *table = NULL, *e;
	uint32_t ref;
	uint16_t flags;

	if (!d)
		return fail(r, ENOENT, "domain %u is not the fixture's",
			    q->domid);
	if (q->a >= d->nr_frames)
		return fail(r, EINVAL, "page %u of %u", q->a, d->nr_frames);
	if (d->frames[q->a] > UINT32_MAX)
		return fail(r, ERANGE, "frame %#lx in a v1 entry",
			    (unsigned long)d->frames[q->a]);
	ref = d->next_ref;
	res = xenforeignmemory_map_resource(srv.fmem, (domid_t)d->domid,
					    XENMEM_resource_grant_table,
					    XENMEM_resource_grant_table_id_shared,
					    ref / ENTRIES_PER_FRAME, 1,
					    (void **)&table,
					    PROT_READ | PROT_WRITE, 0);
	if (!res)
		return fail(r, errno, "map_resource(d%u grant frame %zu)",
			    d->domid, ref / ENTRIES_PER_FRAME);
	e = &table[ref % ENTRIES_PER_FRAME];
	e->frame = (uint32_t)d->frames[q->a];
	e->domid = (domid_t)q->b;
	flags = GTF_permit_access | (q->c ? GTF_readonly : 0);
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
	xenforeignmemory_unmap_resource(srv.fmem, res);
	d->next_ref++;
	r->value = ref;
	return 0;
}

/* Marked domains whose server no longer runs. */
static int sweep(struct xrc_lf_rsp *r)
{
	xc_domaininfo_t info[256];
	uint32_t next = 1, n = 0;
	int got, i;

	while ((got = xc_domain_getinfolist(srv.xch, next, 256, info)) > 0) {
		for (i = 0; i < got; i++) {
			next = info[i].domain + 1;
			if (memcmp(info[i].handle, XRC_LF_MAGIC,
				   XRC_LF_MAGIC_LEN) ||
			    marker_alive(info[i].handle))
				continue;
			/* One left behind fails the sweep (no smaller count). */
			if (xc_domain_destroy(srv.xch, info[i].domain)) {
				if (errno == ESRCH)
					continue;
				return fail(r, errno, "xc_domain_destroy(%u)",
					    info[i].domain);
			}
			n++;
		}
		if (got < 256)
			break;
	}
	if (got < 0)
		return fail(r, errno, "xc_domain_getinfolist");
	r->value = n;
	return 0;
}

static void handle(const struct xrc_lf_req *q, struct xrc_lf_rsp *r)
{
	memset(r, 0, sizeof(*r));
	srv.log[0] = '\0';
	switch (q->op) {
	case XRC_LF_CREATE:
		create(q, r);
		break;
	case XRC_LF_DESTROY:
		destroy(q->domid, r);
		break;
	case XRC_LF_FRAME:
		frame(q, r);
		break;
	case XRC_LF_UNBOUND:
		unbound(q, r);
		break;
	case XRC_LF_GRANT:
		grant(q, r);
		break;
	case XRC_LF_SWEEP:
		sweep(r);
		break;
	default:
		fail(r, EOPNOTSUPP, "request %u", q->op);
		break;
	}
	if (r->rc && srv.log[0]) {
		size_t n = strlen(r->msg);

		snprintf(r->msg + n, sizeof(r->msg) - n, " (%s)", srv.log);
	}
}

/*
 * Destroy every domain the test left.  The test has disconnected, so no
 * answer can carry a failure: it is said on stderr and in the server's
 * exit status, which the test's xrc_lf_fini() returns (client.c).  A
 * domain already gone (ESRCH: the test destroyed it itself) is no failure.
 * Returns how many domains are left.
 */
static unsigned destroy_all(void)
{
	unsigned i, left = 0;

	for (i = 0; i < MAX_DOMAINS; i++) {
		if (!srv.dom[i].used)
			continue;
		if (xc_domain_destroy(srv.xch, srv.dom[i].domid) &&
		    errno != ESRCH) {
			fprintf(stderr, "xrc-fixture: clean-up: "
				"xc_domain_destroy(%u): %s, domain left\n",
				srv.dom[i].domid, strerror(errno));
			left++;
		}
		forget(&srv.dom[i]);
	}
	return left;
}

/*
 * Keep only the connection and the standard streams: descriptors the test
 * process holds (pipes to its own children, device handles) must not be
 * kept alive by the server.
 */
static void close_others(int sock)
{
	if (sock > 3)
		close_range(3, (unsigned)sock - 1, 0);
	close_range((unsigned)sock + 1, ~0u, 0);
}

void xrc_lf_serve(int sock)
{
	struct xrc_lf_rsp r = { 0 };
	struct xrc_lf_req q;
	unsigned left;
	ssize_t n;

	/* Outlive the group's Ctrl-C or timeout long enough to clean up. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	close_others(sock);
	srv.xch = xc_interface_open(&quiet, &quiet, 0);
	if (!srv.xch)
		fail(&r, errno ? errno : ENODEV, "xc_interface_open");
	else if (!(srv.fmem = xenforeignmemory_open(&quiet, 0)))
		fail(&r, errno ? errno : ENODEV, "xenforeignmemory_open");
	r.value = XRC_LF_READY;
	if (send(sock, &r, sizeof(r), 0) != (ssize_t)sizeof(r) || r.rc)
		_exit(1);
	while ((n = recv(sock, &q, sizeof(q), 0)) == (ssize_t)sizeof(q)) {
		handle(&q, &r);
		if (send(sock, &r, sizeof(r), 0) != (ssize_t)sizeof(r))
			break;
	}
	left = destroy_all();
	xenforeignmemory_close(srv.fmem);
	xc_interface_close(srv.xch);
	/* exit(), not _exit(): the preload releases handles at exit. */
	exit(left ? XRC_LF_SERVER_LEFT : 0);
}
