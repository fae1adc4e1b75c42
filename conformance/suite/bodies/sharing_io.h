/* SPDX-License-Identifier: MIT */
/*
 * Device calls shared by the evtchn, gntdev, gntalloc and sharing bodies:
 * thin wrappers over the uapi ioctls (-1 and errno on failure, as the
 * syscall), event waits on an evtchn fd, page reads that cannot fault,
 * and the "aimed at a domain" probe each device offers for the sharing
 * scenarios.  Everything goes through the device ABI only.
 */
#ifndef XRC_BODIES_SHARING_IO_H
#define XRC_BODIES_SHARING_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xrc/body.h>

#define XRC_PAGE_SIZE		4096u

/* Xen ABI values (xen/include/public/grant_table.h, xen.h), Xen 4.17. */
#define XRC_GNTCOPY_SOURCE_GREF	(1u << 0)
#define XRC_GNTCOPY_DEST_GREF	(1u << 1)
#define XRC_GNTST_OKAY		0

/* Event waits: how long an expected event may take, and a quiet spell. */
#define XRC_EVENT_WAIT_MS	2000
#define XRC_QUIET_MS		200

/* ---- evtchn (include/uapi/xen/evtchn.h) ---- */

long evt_bind_interdomain(int fd, uint32_t dom, uint32_t port);
long evt_bind_unbound(int fd, uint32_t dom);
long evt_bind_virq(int fd, uint32_t virq);
long evt_bind_static(int fd, uint32_t port);
long evt_unbind(int fd, uint32_t port);
long evt_notify(int fd, uint32_t port);
long evt_reset(int fd);
/* An ioctl of the evtchn magic nobody defines. */
long evt_unknown_ioctl(int fd);

/* poll() for POLLIN: 1 readable, 0 not within timeout_ms, -1 error. */
long evt_poll(int fd, int timeout_ms);
/*
 * Read ports until `port` shows up: 0 when it does (every port read is
 * given back with write(), as libxenevtchn's unmask does), -1 with
 * ETIMEDOUT when nothing more arrives in timeout_ms, or with the read's
 * errno.
 */
long evt_wait_port(int fd, uint32_t port, int timeout_ms);
/* Read and unmask every port already queued on fd (setup; ERROR on failure). */
void evt_drain(struct xrc_ctx *t, int fd);
/*
 * A loop-back pair on fd: recv is BIND_UNBOUND_PORT(DOMID_SELF), send is
 * BIND_INTERDOMAIN(DOMID_SELF, recv); NOTIFY(send) raises recv.  The
 * bind's own pending event is drained.
 */
void evt_loopback(struct xrc_ctx *t, int fd, uint32_t *recv, uint32_t *send);
/*
 * NOTIFY(send), then wait for recv on fd: 0 when it arrives, else -1 with
 * NOTIFY's errno or evt_wait_port's.
 */
long evt_notify_wait(int fd, uint32_t send, uint32_t recv, int timeout_ms);
/* A global VIRQ nobody in this domain has bound (probed on a scratch fd). */
uint32_t evt_free_virq(struct xrc_ctx *t);
/* A port of dom offered to us, bound on fd through BIND_INTERDOMAIN (setup). */
uint32_t evt_bound_to(struct xrc_ctx *t, int fd, uint16_t dom);

/* ---- gntdev (include/uapi/xen/gntdev.h) ---- */

/* MAP_GRANT_REF of one grant; *index gets the file offset. */
long gnt_map(int fd, uint32_t dom, uint32_t ref, uint64_t *index);
/* MAP_GRANT_REF of two grants in one record. */
long gnt_map2(int fd, uint32_t dom0, uint32_t ref0, uint32_t dom1,
	      uint32_t ref1, uint64_t *index);
long gnt_unmap(int fd, uint64_t index, uint32_t count);
/* MAP_GRANT_REF then mmap of that one page; *page gets the mapping. */
long gnt_map_mmap(int fd, uint32_t dom, uint32_t ref, bool writable,
		  void **page);
/* GRANT_COPY of len bytes from (dom, ref, offset) into buf. */
long gnt_copy_from(int fd, uint32_t dom, uint32_t ref, uint16_t offset,
		   void *buf, uint16_t len, int16_t *status);
/* GRANT_COPY of len bytes from buf into (dom, ref, offset). */
long gnt_copy_to(int fd, uint32_t dom, uint32_t ref, uint16_t offset,
		 const void *buf, uint16_t len, int16_t *status);

/* ---- gntalloc (include/uapi/xen/gntalloc.h) ---- */

/* ALLOC_GREF of one writable page shared with dom. */
long gna_alloc(int fd, uint32_t dom, uint64_t *index, uint32_t *ref);
long gna_dealloc(int fd, uint64_t index, uint32_t count);

/* ---- privcmd (include/uapi/xen/privcmd.h) ---- */

/* DM_OP with no buffers aimed at dom: the cheapest call naming a domain. */
long pcmd_dm_op_empty(int fd, uint32_t dom);
/* MMAPBATCH_V2 of one gfn of dom at region (a one-page privcmd region). */
long pcmd_map_gfn(int fd, uint32_t dom, uint64_t gfn, void *region);
/* A page of dom read through a fresh unrestricted privcmd handle (setup). */
void pcmd_read_page(struct xrc_ctx *t, uint16_t dom, uint64_t gfn,
		    void *buf);

/* ---- memory ---- */

/* Copy len bytes from addr without faulting: 0, or -1 with EFAULT. */
long mem_read(const void *addr, void *buf, size_t len);
/* Copy len bytes to addr without faulting: 0, or -1 with EFAULT. */
long mem_write(void *addr, const void *buf, size_t len);
/* 0 when the len bytes at a and b agree, -1 with EILSEQ when not. */
long mem_same(const void *a, const void *b, size_t len);

/* ---- descriptors ---- */

/* fd passed to ourselves over an AF_UNIX socket with SCM_RIGHTS (setup). */
int fd_pass_scm(struct xrc_ctx *t, int fd);

/* What a child process observed, carried back to the body. */
struct child_obs {
	long rc;
	int err;
};

/*
 * Run fn(fd, arg) in a forked child and return what it saw.  fn must
 * make plain system calls only (no xrc_* calls).  ERROR when the child
 * dies.
 */
struct child_obs run_in_child(struct xrc_ctx *t,
			      long (*fn)(int fd, const void *arg), int fd,
			      const void *arg);

/* ---- the sharing probe: one call per device aimed at a domain ---- */

/*
 * Prepared in the body (fixture calls), run anywhere (plain syscalls):
 * privcmd DM_OP with no buffers, evtchn BIND_INTERDOMAIN of a fresh port
 * of dom, gntdev MAP_GRANT_REF of a grant of dom, gntalloc ALLOC_GREF for
 * dom.  A successful run undoes itself and returns 0.
 */
struct aim {
	enum xrc_dev dev;
	uint32_t dom;
	uint32_t port_or_ref;
};

void aim_prepare(struct xrc_ctx *t, enum xrc_dev dev, uint16_t dom,
		 struct aim *a);
long aim_run(int fd, const void *aim);

#endif /* XRC_BODIES_SHARING_IO_H */
