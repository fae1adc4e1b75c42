/* SPDX-License-Identifier: MIT */
/*
 * The run's domain probe, through an unrestricted privcmd handle:
 *  - which guests exist: XENMEM_current_reservation answers a page count
 *    for a domain and -ESRCH for none (Xen xen/common/memory.c,
 *    do_memory_op);
 *  - which are HVM: dm_op(XEN_DMOP_nr_vcpus) answers 0 for an HVM guest
 *    and -EINVAL for a PV one (xen/arch/x86/hvm/dm.c, dm_op: "if
 *    (!is_hvm_domain(d)) goto out" with rc = -EINVAL).
 * a = the first HVM guest (else the first guest), b = another guest (HVM
 * if there is one), pv = the first PV guest, absent = the first free
 * domid from XRC_SETUP_ABSENT_FROM up.
 * Then, once a is chosen, whether dom0 can map a's memory at all (see
 * check_mappable): if not, no row that maps a guest page can say anything
 * about restrict, and the run stops with the reason.
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <stdint.h>	/* before Xen's headers, which assume it */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/hvm/dm_op.h>

#include "setup.h"

enum guest_kind { KIND_UNKNOWN, KIND_HVM, KIND_PV };

struct seen {
	uint16_t hvm[2], any[3], pv;
	unsigned nr_hvm, nr_any;
	enum guest_kind first_kind;
};

static long hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1,
		      uint64_t a2)
{
	const uint64_t arg[5] = { a0, a1, a2, 0, 0 };

	return xrc_io_hypercall(fd, op, arg);
}

/* >= 0: the domain's pages; -1 and errno (ESRCH: no such domain). */
static long current_reservation(int fd, domid_t dom)
{
	return hypercall(fd, __HYPERVISOR_memory_op,
			 XENMEM_current_reservation, (uintptr_t)&dom, 0);
}

static enum guest_kind guest_kind(int fd, domid_t dom)
{
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };
	xen_dm_op_buf_t buf = { .size = sizeof(op) };

	set_xen_guest_handle(buf.h, &op);
	if (hypercall(fd, __HYPERVISOR_dm_op, dom, 1, (uintptr_t)&buf) >= 0)
		return KIND_HVM;
	return errno == EINVAL ? KIND_PV : KIND_UNKNOWN;
}

/* Append "; " and a formatted note to p->reason. */
__attribute__((format(printf, 2, 3)))
static void note(struct xrc_setup_probe *p, const char *fmt, ...)
{
	size_t used = strlen(p->reason);
	va_list ap;

	if (used + 3 >= sizeof(p->reason))
		return;
	if (used) {
		p->reason[used++] = ';';
		p->reason[used++] = ' ';
	}
	va_start(ap, fmt);
	vsnprintf(p->reason + used, sizeof(p->reason) - used, fmt, ap);
	va_end(ap);
}

static void record(struct seen *s, uint16_t dom, enum guest_kind k)
{
	if (s->nr_any < 3)
		s->any[s->nr_any] = dom;
	if (!s->nr_any)
		s->first_kind = k;
	s->nr_any++;
	if (k == KIND_HVM && s->nr_hvm < 2)
		s->hvm[s->nr_hvm++] = dom;
	if (k == KIND_PV && s->pv == XRC_NO_DOMAIN)
		s->pv = dom;
}

static bool enough(const struct seen *s, const struct xrc_setup_probe *p)
{
	return s->nr_hvm >= 2 && s->pv != XRC_NO_DOMAIN &&
	       p->dom.absent != XRC_NO_DOMAIN;
}

/* A guest other than a, and other than pv too if there is such a one. */
static uint16_t other_guest(const struct seen *s, uint16_t a, uint16_t pv)
{
	uint16_t fallback = XRC_NO_DOMAIN;
	unsigned i, n = s->nr_any < 3 ? s->nr_any : 3;

	for (i = 0; i < n; i++) {
		if (s->any[i] == a)
			continue;
		if (s->any[i] != pv)
			return s->any[i];
		fallback = s->any[i];
	}
	return fallback;
}

static void choose(const struct seen *s, struct xrc_setup_probe *p)
{
	p->nr_guests = (uint16_t)s->nr_any;
	p->dom.pv = s->pv;
	if (s->nr_hvm) {
		p->dom.a = s->hvm[0];
		p->a_hvm = true;
	} else if (s->nr_any) {
		p->dom.a = s->any[0];
		note(p, "no HVM guest: a is %s guest %u",
		     s->first_kind == KIND_PV ? "PV" : "an unknown-kind",
		     s->any[0]);
	}
	if (s->nr_hvm >= 2)
		p->dom.b = s->hvm[1];
	else
		p->dom.b = other_guest(s, p->dom.a, p->dom.pv);
	if (p->dom.absent == XRC_NO_DOMAIN)
		note(p, "no free domid from %u up", XRC_SETUP_ABSENT_FROM);
	if (p->dom.a == XRC_NO_DOMAIN || p->dom.b == XRC_NO_DOMAIN) {
		/* Creating guests (libxenctrl) comes with the real clients. */
		note(p, "found %u guest(s), the tests need two", s->nr_any);
		return;
	}
	p->ok = p->dom.absent != XRC_NO_DOMAIN;
}

/*
 * One page of target a (gfn 0), mapped through this unrestricted handle
 * with MMAPBATCH_V2, as the rows that read a guest's memory do.  Xen
 * refuses a dom0 foreign map of gfn 0 of a PV guest (its frame numbers are
 * machine frames, and frame 0 is not its own): seen on xen-vm with
 * Debian's Xen 4.17.7 under QEMU -cpu qemu64,+svm, where no HVM guest can
 * be made without nested paging and the targets fall back to PV (EPERM).
 * A Xen that shadow-pages HVM guests instead refuses the map of them.
 * A privcmd without mmap (ENODEV: CUSE, see runner/mmap_probe.c) cannot
 * be checked here: the rows SKIP there anyway.
 */
static void check_mappable(int fd, struct xrc_setup_probe *p)
{
	size_t len = (size_t)sysconf(_SC_PAGESIZE);
	void *region;
	long rc;
	int err0 = 0, err;

	region = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (region == MAP_FAILED)
		return;	/* the mmap probe and the rows say why */
	rc = xrc_io_mmapbatch_v2(fd, p->dom.a, 0, region, &err0);
	err = rc < 0 ? errno : err0 < 0 ? -err0 : 0;
	munmap(region, len);
	if (!err)
		return;
	p->ok = false;
	p->broken = true;
	p->unmappable = true;
	snprintf(p->reason, sizeof(p->reason),
		 "target a (domain %u, %s) cannot be mapped (MMAPBATCH_V2 of gfn 0: %s); "
		 "likely cause: %s", p->dom.a, p->a_hvm ? "HVM" : "PV",
		 xrc_errno_name(err), p->a_hvm ?
		 "no nested paging for HVM guests (QEMU -cpu without +npt)" :
		 "no HVM guests (QEMU -cpu without +svm,+npt)");
}

void xrc_setup_probe_domains(const char *devdir, struct xrc_setup_probe *p)
{
	struct seen s = { .pv = XRC_NO_DOMAIN };
	unsigned dom;
	int fd;

	memset(p, 0, sizeof(*p));
	p->dom.a = p->dom.b = p->dom.pv = p->dom.absent = XRC_NO_DOMAIN;
	fd = xrc_io_open_privcmd(devdir);
	if (fd < 0) {
		if (xrc_io_absent(errno))
			p->no_device = true;
		else
			p->broken = true;
		snprintf(p->reason, sizeof(p->reason),
			 "%s %s/privcmd: %s",
			 p->no_device ? "no device" : "cannot open", devdir,
			 xrc_errno_name(errno));
		return;
	}
	for (dom = 1; dom < XRC_SETUP_DOMID_LIMIT && !enough(&s, p); dom++) {
		if (current_reservation(fd, (domid_t)dom) >= 0) {
			record(&s, (uint16_t)dom, guest_kind(fd, (domid_t)dom));
			continue;
		}
		if (errno == ESRCH) {
			if (dom >= XRC_SETUP_ABSENT_FROM &&
			    p->dom.absent == XRC_NO_DOMAIN)
				p->dom.absent = (uint16_t)dom;
			continue;
		}
		/* --- xen-domu (rows/domu.rows) --- A domU's caller sees no
		 * domain: its privcmd handle is born restricted (XSA-482), or
		 * Xen's XSM refuses it another domain's reservation; both are
		 * EPERM.  Not a broken run: rows that need domains ERROR
		 * ("fixture: ..."), the domU rows need none. */
		if (errno == EPERM && !s.nr_any) {
			snprintf(p->reason, sizeof(p->reason),
				 "XENMEM_current_reservation(domain %u) through %s/privcmd: EPERM (a domU caller?)",
				 dom, devdir);
			close(fd);
			return;
		}
		/* --- end xen-domu --- */
		/* Refused, not absent: this handle cannot see domains. */
		p->broken = true;
		snprintf(p->reason, sizeof(p->reason),
			 "XENMEM_current_reservation(domain %u) through %s/privcmd: %s",
			 dom, devdir, xrc_errno_name(errno));
		close(fd);
		return;
	}
	choose(&s, p);
	if (p->ok)
		check_mappable(fd, p);
	close(fd);
}
