/* SPDX-License-Identifier: MIT */
/*
 * xensim-ioreq: play a vcpu of an HVM guest of a running world and check
 * what its device model answers.  Each request goes through
 * xsim_ioreq_inject (sim/machine/ioreq_inject.c); the output is TAP, one
 * line per request, then "N served, N wrong, N timed out".
 *
 * Script lines (# starts a comment):
 *   pio|copy|pci  r|w  ADDR  SIZE  [VALUE]  [ptr PADDR]  [buf]  [expect V]
 * ADDR of pci is B:D.F+REG.  A write needs VALUE; `ptr` sends the data
 * through guest RAM (data_is_ptr); `buf` tries the buffered ring.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <xensim/device.h>
#include <xensim/handle_name.h>
#include <xensim/ioreq.h>
#include <xensim/world.h>

#include "ioreq_fakedm.h"

#define MAX_STEPS	256
#define LINE_MAX_LEN	256

struct step {
	struct xsim_ioreq r;
	bool has_expect;
	uint64_t expect;
	char text[LINE_MAX_LEN];
};

/*
 * The builtin `pc` script: what QEMU 7.2's xenfv machine (i440FX + PIIX3)
 * answers, for accesses real Xen 4.17 forwards to it.
 *  - 00:00.0 8086:1237: hw/pci-host/i440fx.c (PCI_DEVICE_ID_INTEL_82441),
 *    00:01.0 8086:7000: hw/isa/piix3.c (PCI_DEVICE_ID_INTEL_82371SB_0),
 *    IDs in include/hw/pci/pci_ids.h.  QEMU registers both with
 *    XEN_DMOP_IO_RANGE_PCI (hw/i386/xen/xen-hvm.c xen_device_realize), so
 *    Xen turns the 0xcfc reads into IOREQ_TYPE_PCI_CONFIG.
 *  - CMOS 0x15/0x16 = 640 KiB base memory: hw/i386/pc.c pc_cmos_init.
 *    Only indexes >= 0x0e reach QEMU: Xen's RTC answers the clock
 *    registers itself (xen/arch/x86/hvm/rtc.c handle_rtc_io).
 *  - The same CMOS access as a string instruction would make it
 *    (data_is_ptr): QEMU reads the index out of guest RAM and writes the
 *    answer into guest RAM (hw/i386/xen/xen-hvm.c cpu_ioreq_pio,
 *    read_phys_req_item / write_phys_req_item), i.e. it maps guest RAM
 *    through its mapcache (hw/i386/xen/xen-mapcache.c) after restricting.
 * No VGA: `xrc dm` starts QEMU with -vga none, as libxl does for
 * vga="none", so 0xa0000 and 0x3c0-0x3cf belong to no ioreq server.
 */
static const char *const pc_script[] = {
	"pio w 0xcf8 4 0x80000000",
	"pio r 0xcfc 2 expect 0x8086",
	"pio r 0xcfe 2 expect 0x1237",
	"pio w 0x70 1 0x15",
	"pio r 0x71 1 expect 0x80",
	"pio w 0x70 1 0x16 ptr 0x80008",
	"pio r 0x71 1 ptr 0x80000 expect 0x02",
	"pio w 0xcf8 4 0x80000800",
	"pio r 0xcfc 4 expect 0x70008086",
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xensim-ioreq --domid N [--vcpu V] [--count N] [--timeout S]\n"
		"                    [--script FILE | --builtin pc] [--world NAME] [--fake-dm]\n"
		"                    [--time]\n"
		"Inject ioreqs into an HVM domain of a world as its vcpu would, and\n"
		"check what the device model answers (TAP; exit 0 only if all were\n"
		"served and correct).\n"
		"  --domid N      the HVM guest\n"
		"  --vcpu V       the trapping vcpu (default 0)\n"
		"  --count N      requests to send, cycling through the script\n"
		"                 (default: the script once)\n"
		"  --timeout S    seconds to wait for each answer (default 5)\n"
		"  --script FILE  lines: pio|copy|pci r|w ADDR SIZE [VALUE] [ptr PADDR]\n"
		"                 [buf] [expect V]   (pci ADDR: B:D.F+REG)\n"
		"  --builtin pc   QEMU 7.2 xenfv answers (the default)\n"
		"  --world NAME   the named world (default $XENSIM_WORLD_NAME, else the\n"
		"                 inherited $XENSIM_WORLD_FD)\n"
		"  --fake-dm      serve the domain with an in-process fake device model\n"
		"                 (a private default world if none is named or inherited)\n"
		"  --time         print the mean round trip of the answered requests\n"
		"                 (for `make bench`; no verdict depends on it)\n");
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

/* B:D.F+REG -> the IOREQ_TYPE_PCI_CONFIG address. */
static int parse_pci(const char *s, uint64_t *addr)
{
	unsigned b, d, f, reg;
	char tail;

	if (sscanf(s, "%x:%x.%x+%x%c", &b, &d, &f, &reg, &tail) != 4 ||
	    b > 0xff || d > 0x1f || f > 7 || reg > 0xfff)
		return -EINVAL;
	*addr = XSIM_IOREQ_PCI_ADDR(b, d, f, reg);
	return 0;
}

static int parse_step(const char *line, struct step *st, char *why,
		      size_t whylen)
{
	char buf[LINE_MAX_LEN], *tok[12], *save = NULL, *t;
	unsigned n = 0, i;
	uint64_t v;

	memset(st, 0, sizeof(*st));
	snprintf(st->text, sizeof(st->text), "%s", line);
	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " \t", &save); t && n < 12;
	     t = strtok_r(NULL, " \t", &save))
		tok[n++] = t;
	if (n < 4) {
		snprintf(why, whylen, "want TYPE DIR ADDR SIZE");
		return -EINVAL;
	}
	if (!strcmp(tok[0], "pio"))
		st->r.type = XSIM_IOREQ_TYPE_PIO;
	else if (!strcmp(tok[0], "copy"))
		st->r.type = XSIM_IOREQ_TYPE_COPY;
	else if (!strcmp(tok[0], "pci"))
		st->r.type = XSIM_IOREQ_TYPE_PCI_CONFIG;
	else {
		snprintf(why, whylen, "type %s: not pio, copy or pci", tok[0]);
		return -EINVAL;
	}
	if (!strcmp(tok[1], "r") || !strcmp(tok[1], "w")) {
		st->r.dir = tok[1][0] == 'r' ? XSIM_IOREQ_READ : XSIM_IOREQ_WRITE;
	} else {
		snprintf(why, whylen, "direction %s: not r or w", tok[1]);
		return -EINVAL;
	}
	if (st->r.type == XSIM_IOREQ_TYPE_PCI_CONFIG ?
	    parse_pci(tok[2], &st->r.addr) : parse_u64(tok[2], &st->r.addr)) {
		snprintf(why, whylen, "address %s", tok[2]);
		return -EINVAL;
	}
	if (parse_u64(tok[3], &v) || (v != 1 && v != 2 && v != 4 && v != 8)) {
		snprintf(why, whylen, "size %s: not 1, 2, 4 or 8", tok[3]);
		return -EINVAL;
	}
	st->r.size = (uint32_t)v;
	st->r.count = 1;
	i = 4;
	if (st->r.dir == XSIM_IOREQ_WRITE) {
		if (i >= n || parse_u64(tok[i], &st->r.data)) {
			snprintf(why, whylen, "a write needs a value");
			return -EINVAL;
		}
		i++;
	}
	for (; i < n; i++) {
		if (!strcmp(tok[i], "buf")) {
			st->r.buffered = true;
		} else if (!strcmp(tok[i], "ptr") && i + 1 < n &&
			   !parse_u64(tok[i + 1], &st->r.ptr)) {
			st->r.data_is_ptr = true;
			i++;
		} else if (!strcmp(tok[i], "expect") && i + 1 < n &&
			   !parse_u64(tok[i + 1], &st->expect)) {
			st->has_expect = true;
			i++;
		} else {
			snprintf(why, whylen, "unexpected %s", tok[i]);
			return -EINVAL;
		}
	}
	if (st->has_expect && st->r.dir != XSIM_IOREQ_READ) {
		snprintf(why, whylen, "expect on a write");
		return -EINVAL;
	}
	return 0;
}

static int load_script(const char *path, struct step *steps, unsigned *nr)
{
	char line[LINE_MAX_LEN], why[128];
	unsigned lineno = 0;
	FILE *f;

	*nr = 0;
	if (!path) {
		for (; *nr < sizeof(pc_script) / sizeof(pc_script[0]); (*nr)++)
			if (parse_step(pc_script[*nr], &steps[*nr], why,
				       sizeof(why)))
				return -EINVAL;
		return 0;
	}
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "xensim-ioreq: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *p = line;

		lineno++;
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			continue;
		if (*nr == MAX_STEPS || parse_step(p, &steps[*nr], why,
						     sizeof(why))) {
			fprintf(stderr, "xensim-ioreq: %s:%u: %s\n", path,
				lineno, *nr == MAX_STEPS ? "too many lines" :
				why);
			fclose(f);
			return -EINVAL;
		}
		(*nr)++;
	}
	fclose(f);
	if (!*nr) {
		fprintf(stderr, "xensim-ioreq: %s: no requests\n", path);
		return -EINVAL;
	}
	return 0;
}

/*
 * Wake a handle of the preload transport from outside it: one datagram
 * to its path (<xensim/handle_name.h>), so that a device model blocked
 * in poll() on its evtchn fd in another process sees its port.  The path
 * is in the world's 0700 socket directory: the injector runs as the
 * world's owner, as it must to open the world at all.
 */
static void preload_wake(struct xsim_world *w, struct xsim_file f, void *arg)
{
	struct sockaddr_un sa;
	socklen_t len = xsim_handle_name(&sa, xsim_world_id(w), f);
	int fd;

	(void)arg;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	(void)!sendto(fd, "", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
		      (struct sockaddr *)&sa, len);
	close(fd);
}

/* The world: by name, else inherited, else (fake-dm only) a private one. */
static int attach(const char *name, bool fake_dm, struct xsim_world **w)
{
	const char *fdstr = getenv("XENSIM_WORLD_FD");
	char why[256] = "";
	uint64_t fd;
	int rc;

	if (!name)
		name = getenv("XENSIM_WORLD_NAME");
	if (name && *name) {
		rc = xsim_world_attach_named(name, w, why, sizeof(why));
		if (rc)
			fprintf(stderr, "xensim-ioreq: world %s: %s\n", name,
				*why ? why : strerror(-rc));
		return rc;
	}
	if (fdstr && *fdstr) {
		if (parse_u64(fdstr, &fd) || fd > INT_MAX) {
			fprintf(stderr, "xensim-ioreq: XENSIM_WORLD_FD=%s: not a descriptor\n",
				fdstr);
			return -EINVAL;
		}
		rc = xsim_world_attach_fd((int)fd, w);
		if (rc)
			fprintf(stderr, "xensim-ioreq: XENSIM_WORLD_FD=%s: %s\n",
				fdstr, strerror(-rc));
		return rc;
	}
	if (!fake_dm) {
		fprintf(stderr, "xensim-ioreq: no world: set XENSIM_WORLD_NAME (or --world), "
			"run under a process that holds one (XENSIM_WORLD_FD), or use --fake-dm\n");
		return -ENOENT;
	}
	/* Not empty: dom0 and the default guests 1, 2 (HVM) and 3 (PV). */
	rc = xsim_world_create(NULL, w);
	if (rc)
		fprintf(stderr, "xensim-ioreq: cannot create a world: %s\n",
			strerror(-rc));
	return rc;
}

static const char *type_name(uint8_t type)
{
	return type == XSIM_IOREQ_TYPE_PIO ? "PIO" :
	       type == XSIM_IOREQ_TYPE_COPY ? "COPY" : "PCI_CONFIG";
}

struct tally {
	unsigned served, wrong, timed_out, failed;
	uint64_t served_ns;	/* time spent in the injections answered */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void run_step(struct xsim_world *w, uint32_t domid, uint32_t vcpu,
		     unsigned timeout_ms, unsigned n, const struct step *st,
		     struct tally *t)
{
	struct xsim_ioreq r = st->r;
	struct xsim_ioreq_outcome o;
	char where[64];
	uint64_t t0 = now_ns();
	int rc;

	rc = xsim_ioreq_inject(w, domid, vcpu, &r, timeout_ms, &o);
	if (!rc)
		t->served_ns += now_ns() - t0;
	if (rc) {
		if (rc == -ETIMEDOUT)
			t->timed_out++;
		else
			t->failed++;
		printf("not ok %u - vcpu%u %s: %s\n", n, vcpu, st->text,
		       rc == -ETIMEDOUT ? "timed out" : strerror(-rc));
		return;
	}
	if (o.server < 0)
		snprintf(where, sizeof(where), "no server: Xen's null handler");
	else
		snprintf(where, sizeof(where), "server %d %s%s", o.server,
			 type_name(o.type), o.buffered ? " buffered" : "");
	t->served++;
	if (r.dir == XSIM_IOREQ_WRITE) {
		printf("ok %u - vcpu%u %s: sent 0x%llx (%s)\n", n, vcpu,
		       st->text, (unsigned long long)st->r.data, where);
		return;
	}
	if (st->has_expect && r.data != st->expect) {
		t->wrong++;
		printf("not ok %u - vcpu%u %s: expected 0x%llx got 0x%llx (%s)\n",
		       n, vcpu, st->text, (unsigned long long)st->expect,
		       (unsigned long long)r.data, where);
		return;
	}
	printf("ok %u - vcpu%u %s: got 0x%llx (%s)\n", n, vcpu, st->text,
	       (unsigned long long)r.data, where);
}

struct options {
	uint64_t domid, vcpu, count, timeout_s;
	const char *script, *world;
	bool fake_dm, time;
};

static int parse_args(int argc, char **argv, struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->domid = UINT64_MAX;
	o->timeout_s = 5;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--fake-dm")) {
			o->fake_dm = true;
			continue;
		} else if (!strcmp(a, "--time")) {
			o->time = true;
			continue;
		} else if (!v) {
			bad = 1;
		} else if (!strcmp(a, "--domid")) {
			bad = parse_u64(v, &o->domid) || o->domid >= 0x7ff0;
		} else if (!strcmp(a, "--vcpu")) {
			bad = parse_u64(v, &o->vcpu) || o->vcpu > UINT32_MAX;
		} else if (!strcmp(a, "--count")) {
			bad = parse_u64(v, &o->count) || !o->count ||
			      o->count > 100000000;
		} else if (!strcmp(a, "--timeout")) {
			bad = parse_u64(v, &o->timeout_s) || !o->timeout_s ||
			      o->timeout_s > 3600;
		} else if (!strcmp(a, "--script")) {
			o->script = v;
		} else if (!strcmp(a, "--builtin")) {
			bad = strcmp(v, "pc") != 0;
		} else if (!strcmp(a, "--world")) {
			o->world = v;
		} else {
			fprintf(stderr, "xensim-ioreq: unknown option %s\n", a);
			return -EINVAL;
		}
		if (bad) {
			fprintf(stderr, "xensim-ioreq: %s %s: bad value\n", a,
				v ? v : "(missing)");
			return -EINVAL;
		}
		i++;
	}
	if (o->domid == UINT64_MAX) {
		fprintf(stderr, "xensim-ioreq: --domid is required\n");
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct step steps[MAX_STEPS];
	struct fakedm *dm = NULL;
	struct xsim_world *w;
	struct options o;
	struct tally t = { 0 };
	unsigned nr, i, count;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	if (load_script(o.script, steps, &nr) || attach(o.world, o.fake_dm, &w))
		return 2;
	/* Events this process raises reach handles of other processes. */
	xsim_dev_attach(w);
	xsim_dev_set_wake(w, preload_wake, NULL);
	if (o.fake_dm) {
		rc = fakedm_start(w, (uint32_t)o.domid, &dm);
		if (rc) {
			fprintf(stderr, "xensim-ioreq: fake device model on domain %llu: %s\n",
				(unsigned long long)o.domid, strerror(-rc));
			xsim_world_detach(w);
			return 2;
		}
	}
	count = o.count ? (unsigned)o.count : nr;
	printf("1..%u\n", count);
	for (i = 0; i < count; i++)
		run_step(w, (uint32_t)o.domid, (uint32_t)o.vcpu,
			 (unsigned)o.timeout_s * 1000u, i + 1, &steps[i % nr],
			 &t);
	if (dm)
		fakedm_stop(dm);
	xsim_world_detach(w);
	printf("# %u served, %u wrong, %u timed out%s\n", t.served, t.wrong,
	       t.timed_out, t.failed ? ", some refused (see above)" : "");
	/* A figure for `make bench`, never a verdict: the machine is noisy. */
	if (o.time && t.served)
		printf("# round trip: %.1f us mean over %u served\n",
		       (double)t.served_ns / t.served / 1000.0, t.served);
	return t.wrong || t.timed_out || t.failed ? 1 : 0;
}
