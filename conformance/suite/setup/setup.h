/* SPDX-License-Identifier: MIT */
/*
 * The suite's setup layer (the run's fixture): what the suite learns
 * about, and builds on, the backend through an unrestricted privcmd
 * handle, before and during tests.
 *
 * Two kinds of translation unit meet here and must stay apart: the setup
 * (conformance/suite/setup/, builds hypercall arguments from Xen's public
 * headers) and the runner's uapi side (conformance/suite/runner/privcmd_io.c,
 * which owns the Linux ioctl numbers and structures).  Their headers clash
 * over xen_pfn_t, so this header includes neither and the calls between
 * them carry plain integers and pointers.
 */
#ifndef XRC_SETUP_H
#define XRC_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include <xrc/body.h>

/* What the run's domain probe found (sent from its child to the runner). */
struct xrc_setup_probe {
	bool ok;		/* dom.a and dom.b are usable */
	bool no_device;		/* there is no privcmd: nothing to test */
	bool broken;		/* privcmd is there, but the probe failed */
	bool a_hvm;		/* dom.a answered dm_op as an HVM guest */
	bool unmappable;	/* dom.a's memory cannot be mapped: the run stops */
	uint16_t nr_guests;	/* guests seen (domids other than 0) */
	uint8_t no_mmap;	/* bit 1 << enum xrc_dev: mmap answers ENODEV */
	struct xrc_domains dom;
	char reason[200];	/* why not ok (or notes when ok) */
};

/* First domid the probe offers as "absent" (brief: from 100 up). */
#define XRC_SETUP_ABSENT_FROM	100u
/* Domids the probe looks at: 1 .. DOMID_FIRST_RESERVED - 1. */
#define XRC_SETUP_DOMID_LIMIT	0x7FF0u

/*
 * Probe the guests behind devdir/privcmd (runs in a child of its own).
 * When a is chosen and privcmd can be mmapped, one page of a is mapped
 * too (MMAPBATCH_V2): a refusal sets unmappable and broken, and the
 * runner stops before any assertion (see probe.c, check_mappable).
 * No privcmd device at all (ENOENT, ENODEV, ENXIO) is no_device: tests
 * that need domains then SKIP, as tests of an absent device do.
 */
void xrc_setup_probe_domains(const char *devdir, struct xrc_setup_probe *p);

/*
 * Which devices under devdir cannot be mmapped at all (runner/mmap_probe.c):
 * sets bit 1 << dev of p->no_mmap when mmap of dev answers ENODEV, the
 * kernel's answer for a file without an mmap method (Linux mm/mmap.c,
 * do_mmap), as for every CUSE device (fs/fuse/cuse.c has no .mmap).
 */
void xrc_setup_probe_mmap(const char *devdir, struct xrc_setup_probe *p);

/*
 * The uapi side (runner/privcmd_io.c).  Each returns what the ioctl
 * returned: >= 0, or -1 with errno set.
 */
/* IOCTL_PRIVCMD_HYPERCALL: op with five arguments. */
long xrc_io_hypercall(int fd, uint64_t op, const uint64_t arg[5]);
/* IOCTL_PRIVCMD_MMAP_RESOURCE of num frames into addr (a privcmd mmap). */
long xrc_io_mmap_resource(int fd, uint16_t dom, uint32_t type, uint32_t id,
			  uint32_t idx, uint64_t num, void *addr);

/*
 * IOCTL_PRIVCMD_MMAPBATCH_V2 of one gfn of dom at addr (a one-page privcmd
 * region): the ioctl's answer (errno kept), the frame's error in *err0.
 */
long xrc_io_mmapbatch_v2(int fd, uint16_t dom, uint64_t gfn, void *addr,
			 int *err0);

/* open(devdir/privcmd, O_RDWR | O_CLOEXEC): fd, or -1 with errno. */
int xrc_io_open_privcmd(const char *devdir);
/* Does this open() errno say "no such device here"? */
bool xrc_io_absent(int err);

/*
 * The fixture's own handle in a test child: privcmd, opened unrestricted
 * on first use and kept for the test (SKIP if there is no privcmd device,
 * ERROR if it cannot be opened).
 */
int xrc_setup_privcmd(struct xrc_ctx *t);

/*
 * End the test as ERROR with exactly this note (xrc_error adds the source
 * location; fixture failures start their note with "fixture: ").
 */
__attribute__((noreturn, format(printf, 2, 3)))
void xrc_end_error(struct xrc_ctx *t, const char *fmt, ...);

#endif /* XRC_SETUP_H */
