/* SPDX-License-Identifier: MIT */
/*
 * One fuzz program through real system calls (fuzz/real/main.c says why
 * and how): the operations decode.c reads, with the arguments the
 * builders lay out, on descriptors of DIR/TARGET; the program's slots,
 * handles and mappings kept as program.c keeps them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xensim/uapi.h>

#include "real.h"

#define MAX_CHILDREN	16u

/* Xen public xen.h hypercall numbers (as build_privcmd.c). */
#define HC_xen_version	17u
#define HC_sysctl	35u
#define HC_domctl	36u
#define HC_dm_op	41u

const char *devdir = "/dev/xen";
struct fz_arena arena;
void *real_arena;
enum xsim_dev_kind dev;
struct fz_in in;
const uint8_t *in_start;
struct rhandle h[FZ_MAX_HANDLES];
struct rvma vmas[FZ_MAX_VMAS];
struct labels ports, grefs;
static struct rfd fds[FZ_MAX_FDS];
static pid_t children[MAX_CHILDREN];
static unsigned nchildren;
static int child_pipe[2] = { -1, -1 };

const char *const dev_names[XSIM_NR_DEVS] = {
	[XSIM_DEV_PRIVCMD] = "privcmd", [XSIM_DEV_EVTCHN] = "evtchn",
	[XSIM_DEV_GNTDEV] = "gntdev", [XSIM_DEV_GNTALLOC] = "gntalloc",
};

/* ---- descriptors and handles ---- */

static void open_flags(bool open[FZ_MAX_FDS])
{
	unsigned i;

	for (i = 0; i < FZ_MAX_FDS; i++)
		open[i] = fds[i].fd >= 0;
}

static int pick(uint8_t b)
{
	bool open[FZ_MAX_FDS];

	open_flags(open);
	return fz_dec_pick(b, open);
}

static int free_slot(void)
{
	unsigned i;

	for (i = 0; i < FZ_MAX_FDS; i++)
		if (fds[i].fd < 0)
			return (int)i;
	return -1;
}

static int do_open(unsigned op, uint16_t caller)
{
	char path[4096];
	int slot = free_slot(), hi = -1, fd;
	unsigned i;

	if (slot < 0)
		return -1;
	for (i = 0; i < FZ_MAX_HANDLES && hi < 0; i++)
		if (!h[i].live && h[i].refs == 0)
			hi = (int)i;
	if (hi < 0)
		return -1;
	if (caller) {
		printf("%u open as dom%u: not run (dom0 cannot open as a guest)",
		       op, caller);
		eol();
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", devdir, dev_names[dev]);
	/* Non-blocking: an evtchn read with nothing pending answers EAGAIN. */
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	printf("%u open d%d", op, slot);
	result(fd < 0 ? -1 : 0, errno);
	eol();
	if (fd < 0)
		return -1;
	h[hi] = (struct rhandle){ .refs = 1, .live = 1 };
	fds[slot] = (struct rfd){ .fd = fd, .h = hi };
	return slot;
}

static void put_handle(int hi)
{
	if (--h[hi].refs <= 0) {
		h[hi].live = 0;
		h[hi].refs = 0;
	}
}

static void do_close(const char *op, int slot)
{
	int rc = close(fds[slot].fd);

	printf("%s close d%d", op, slot);
	result(rc, errno);
	eol();
	fds[slot].fd = -1;
	put_handle(fds[slot].h);
}

static void do_dup(unsigned op, int slot, bool child)
{
	int nslot = free_slot(), fd;

	if (nslot < 0)
		return;
	fd = fcntl(fds[slot].fd, F_DUPFD_CLOEXEC, 0);
	printf("%u %s d%d -> d%d", op, child ? "fork" : "dup", slot, nslot);
	result(fd < 0 ? -1 : 0, errno);
	eol();
	if (fd < 0)
		return;
	fds[nslot] = (struct rfd){ .fd = fd, .h = fds[slot].h, .child = child };
	h[fds[slot].h].refs++;
}

/*
 * fork(): a real child holds every descriptor (and waits); the program's
 * child slots are the parent's duplicates of the same open files, as the
 * interpreter keeps them.
 */
static void do_fork(unsigned op)
{
	unsigned i;
	pid_t pid;

	if (child_pipe[0] < 0 && pipe(child_pipe))
		child_pipe[0] = child_pipe[1] = -1;
	fflush(stdout);
	pid = nchildren < MAX_CHILDREN ? fork() : -1;
	if (pid == 0) {
		char c;

		close(child_pipe[1]);
		while (read(child_pipe[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	if (pid > 0)
		children[nchildren++] = pid;
	for (i = 0; i < FZ_MAX_FDS; i++)
		if (fds[i].fd >= 0 && !fds[i].child)
			do_dup(op, (int)i, true);
}

static void end_children(void)
{
	unsigned i;

	if (child_pipe[1] >= 0) {
		close(child_pipe[1]);
		close(child_pipe[0]);
		child_pipe[0] = child_pipe[1] = -1;
	}
	for (i = 0; i < nchildren; i++)
		while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR)
			;
	nchildren = 0;
}

static void do_exit_child(unsigned op)
{
	char what[32];
	unsigned i;

	snprintf(what, sizeof(what), "%u", op);
	for (i = 0; i < FZ_MAX_FDS; i++)
		if (fds[i].fd >= 0 && fds[i].child)
			do_close(what, (int)i);
	end_children();
}

/* ---- ioctl ---- */

/*
 * Why a call is not run on a real dom0, or NULL.  Raw hypercalls other
 * than these could shut dom0 down, take its memory or close its event
 * channels (the console's among them): the whole run would be lost.
 */
static const char *not_run(const struct fz_call *c)
{
	struct privcmd_hypercall hc;

	if (dev != XSIM_DEV_PRIVCMD || c->cmd != IOCTL_PRIVCMD_HYPERCALL)
		return NULL;
	if (fz_copy_in(&arena, &hc, c->arg, sizeof(hc)))
		return NULL;		/* faults before any hypercall */
	if (hc.op == HC_xen_version || hc.op == HC_dm_op)
		return NULL;
	if ((hc.op == HC_sysctl || hc.op == HC_domctl) && hc.arg[0] < 0x10000)
		return NULL;		/* its one argument faults in Xen */
	return "a hypercall that could change dom0 or Xen";
}

static bool maps(unsigned long cmd)
{
	return cmd == IOCTL_PRIVCMD_MMAP || cmd == IOCTL_PRIVCMD_MMAPBATCH ||
	       cmd == IOCTL_PRIVCMD_MMAPBATCH_V2 ||
	       cmd == IOCTL_PRIVCMD_MMAP_RESOURCE;
}

static void do_ioctl(unsigned op, int slot, enum fz_opk kind)
{
	int hi = fds[slot].h;
	struct rhandle *rh = &h[hi];
	struct fz_build b = {
		.a = &arena, .in = &in,
		.ports = rh->ports, .nports = rh->nports,
		.indices = rh->indices, .nindices = rh->nindices,
	};
	struct fz_call c = {
		.arg = FZ_ARENA_BASE + FZ_ARENA_SIZE, .name = "?",
		.target = XSIM_NO_TARGET,
	};
	const char *why;
	unsigned i;
	long rc;
	int err;

	arena.cursor = 0;
	for (i = 0; i < FZ_MAX_VMAS; i++)
		if (vmas[i].h == hi && b.nvmas < FZ_MAX_VMAS) {
			b.vma_addr[b.nvmas] = vmas[i].addr;
			b.vma_pages[b.nvmas] = vmas[i].pages;
			b.nvmas++;
		}
	if (kind == FZ_OP_RESTRICT)
		fz_build_restrict(dev, &b, &c);
	else if (kind == FZ_OP_IOCTL)
		fz_build_ioctl(dev, &b, &c);
	else
		fz_build_raw(dev, &b, &c);
	printf("%u ioctl d%d %s", op, slot, c.name);
	if (kind == FZ_OP_RAW)
		printf(" cmd=%#lx", c.cmd);
	if (c.target != XSIM_NO_TARGET)
		printf(" dom=%#x", c.target);
	arguments(&c);
	why = not_run(&c);
	if (why) {
		printf(": not run (%s)", why);
		eol();
		return;
	}
	memcpy(real_arena, arena.mem, FZ_ARENA_SIZE);
	errno = 0;
	rc = ioctl(fds[slot].fd, c.cmd, (unsigned long)c.arg);
	err = errno;
	memcpy(arena.mem, real_arena, FZ_ARENA_SIZE);
	/* What the call wrote must be cleared too (fz_arena_clear). */
	arena.high = FZ_ARENA_SIZE;
	/* A bound port is the result: named, not numbered (see the top). */
	if (rc >= 0 && dev == XSIM_DEV_EVTCHN &&
	    (c.cmd == IOCTL_EVTCHN_BIND_VIRQ ||
	     c.cmd == IOCTL_EVTCHN_BIND_INTERDOMAIN ||
	     c.cmd == IOCTL_EVTCHN_BIND_UNBOUND_PORT))
		printf(" = %s", label(&ports, 'p', (uint64_t)rc));
	else
		result(rc < 0 ? -1 : rc, err);
	outputs(rh, &c, rc < 0 ? -err : rc);
	if (maps(c.cmd))
		probe_handle(hi);
	eol();
}

/* ---- mmap, munmap, read, write ---- */

static void do_mmap(unsigned op, int slot)
{
	int hi = fds[slot].h;
	struct fz_dec_mmap m;
	uint64_t addr;
	unsigned i;
	void *p;

	fz_dec_mmap(&in, h[hi].indices, h[hi].nindices, &m);
	for (i = 0; i < FZ_MAX_VMAS && vmas[i].h >= 0; i++)
		;
	if (i == FZ_MAX_VMAS)
		return;
	addr = FZ_VMA_BASE + i * FZ_VMA_STRIDE;
	p = mmap((void *)(uintptr_t)addr, (size_t)m.pages << 12, m.prot,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, fds[slot].fd,
		 (off_t)(m.pgoff << 12));
	printf("%u mmap d%d v%u pages=%u pgoff=%#llx %s", op, slot, i, m.pages,
	       (unsigned long long)m.pgoff,
	       m.prot & PROT_WRITE ? "rw" : "r");
	if (p == MAP_FAILED) {
		result(-1, errno);
	} else if ((uint64_t)(uintptr_t)p != addr) {
		/* Not where the builders will aim: count it as refused. */
		munmap(p, (size_t)m.pages << 12);
		printf(" = -moved");
	} else {
		vmas[i] = (struct rvma){ .h = hi, .pages = m.pages,
					 .live = m.pages, .addr = addr };
		h[hi].refs++;
		printf(" = 0");
		probe_handle(hi);
	}
	eol();
}

static void do_munmap(const char *op, unsigned i, bool whole)
{
	struct rvma *v = &vmas[i];
	uint32_t n = whole ? v->live : 1;
	uint64_t addr = v->addr + ((uint64_t)(v->live - n) << 12);
	int rc = munmap((void *)(uintptr_t)addr, (size_t)n << 12);

	printf("%s munmap v%u pages=%u", op, i, n);
	result(rc, errno);
	eol();
	v->live -= n;
	if (v->live)
		return;
	put_handle(v->h);
	v->h = -1;
}

static void do_rw(unsigned op, int slot)
{
	struct rhandle *rh = &h[fds[slot].h];
	struct fz_dec_rw rw;
	ssize_t rc;
	int err;
	uint32_t port;
	long i;

	fz_dec_rw(&in, &arena, rh->ports, rh->nports, &rw);
	memcpy(real_arena, arena.mem, FZ_ARENA_SIZE);
	errno = 0;
	rc = rw.read ? read(fds[slot].fd, (void *)(uintptr_t)rw.at, rw.len) :
		       write(fds[slot].fd, (const void *)(uintptr_t)rw.at,
			     rw.len);
	err = errno;
	memcpy(arena.mem, real_arena, FZ_ARENA_SIZE);
	arena.high = FZ_ARENA_SIZE;
	printf("%u %s d%d len=%u", op, rw.read ? "read" : "write", slot,
	       rw.len);
	result(rc < 0 ? -1 : rc, err);
	/* evtchn's read gives pending ports: name them. */
	if (rw.read && rc > 0 && dev == XSIM_DEV_EVTCHN)
		for (i = 0; i + 4 <= rc; i += 4)
			if (!fz_copy_in(&arena, &port, rw.at + (uint64_t)i, 4))
				printf("%s%s", i ? "," : " ports=",
				       label(&ports, 'p', port));
	eol();
}

/* ---- one program ---- */

static int need(unsigned op)
{
	int slot = pick(fz_u8(&in));

	return slot >= 0 ? slot : do_open(op, 0);
}

static void step(unsigned op)
{
	enum fz_opk k = fz_dec_op(&in);
	uint32_t dom, port;
	unsigned i;
	bool whole;
	int slot;

	switch (k) {
	case FZ_OP_OPEN:
		do_open(op, fz_dec_caller(&in));
		break;
	case FZ_OP_DUP:
		if ((slot = need(op)) >= 0)
			do_dup(op, slot, false);
		break;
	case FZ_OP_FORK:
		do_fork(op);
		break;
	case FZ_OP_EXIT_CHILD:
		do_exit_child(op);
		break;
	case FZ_OP_CLOSE:
		if ((slot = pick(fz_u8(&in))) >= 0) {
			char what[16];

			snprintf(what, sizeof(what), "%u", op);
			do_close(what, slot);
		}
		break;
	case FZ_OP_RESTRICT:
	case FZ_OP_IOCTL:
	case FZ_OP_RAW:
		if ((slot = need(op)) >= 0)
			do_ioctl(op, slot, k);
		break;
	case FZ_OP_MMAP:
		if ((slot = need(op)) >= 0)
			do_mmap(op, slot);
		break;
	case FZ_OP_MUNMAP:
		fz_dec_munmap(&in, &i, &whole);
		if (vmas[i].h >= 0) {
			char what[16];

			snprintf(what, sizeof(what), "%u", op);
			do_munmap(what, i, whole);
		}
		break;
	case FZ_OP_RW:
		if ((slot = need(op)) >= 0)
			do_rw(op, slot);
		break;
	default:
		fz_dec_guest(&in, &dom, &port);
		printf("%u guest-send dom%u port %u: not run (dom0 cannot "
		       "act as a guest)", op, dom, port);
		eol();
		break;
	}
}

void run_program(const uint8_t *data, size_t size, size_t upto)
{
	unsigned i, op;

	in = (struct fz_in){ .p = data, .n = size };
	in_start = data;
	fz_arena_clear(&arena);
	memset(h, 0, sizeof(h));
	for (i = 0; i < FZ_MAX_FDS; i++)
		fds[i].fd = -1;
	for (i = 0; i < FZ_MAX_VMAS; i++)
		vmas[i].h = -1;
	ports.n = grefs.n = 0;
	/*
	 * A fault-injection trailer (input.c) chooses a failure point of the
	 * sim, which a real kernel does not have: stripped on both sides.
	 */
	if (fz_fail_trailer(&in, &(struct fz_fail_pick){ 0 })) {
		printf("fail-nth: not run (a failure point of the sim)");
		eol();
	}
	(void)fz_u8(&in);		/* the interpreter's profile code */
	for (op = 0; op < FZ_MAX_OPS && !fz_done(&in); op++) {
		if (upto && op >= upto)
			break;
		step(op);
	}
	/* Exit: every mapping, then every descriptor (program.c's order). */
	for (i = 0; i < FZ_MAX_VMAS; i++)
		if (vmas[i].h >= 0)
			do_munmap("exit", i, true);
	for (i = 0; i < FZ_MAX_FDS; i++)
		if (fds[i].fd >= 0)
			do_close("exit", (int)i);
	end_children();
	printf("end ops=%u\n", op);
}
