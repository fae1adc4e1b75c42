/* SPDX-License-Identifier: MIT */
/*
 * Hypercall buffers (/dev/xen/hypercall mmaps) are copied through the
 * preload's private alias of their pages (sim/preload/hcbuf.c).  What
 * must hold whatever the program does to its mapping: the call works on
 * a live buffer, never crashes on a dead one (unmapped by libc, by a raw
 * system call, from another thread mid-call), answers EFAULT where the
 * preload saw the unmap, and never writes a dead buffer's pages when the
 * address now holds other memory the preload saw mapped.
 *
 * SIGSEGV and SIGBUS are set to SIG_DFL in every check: a fault of ours
 * kills the check's child, which fails it.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define HC_xen_version		17	/* xen/include/public/xen.h */
#define XENVER_extraversion	1	/* xen/include/public/version.h */
#define SENTINEL		0xa5

static void faults_kill(void)
{
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
}

/* A buffer as libxencall allocates one (osdep_alloc_pages). */
static uint8_t *hc_buffer(size_t len, int prot)
{
	int fd = dev_open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
	void *p;

	if (fd < 0) {
		check_fail(__FILE__, __LINE__, "open /dev/xen/hypercall: %s",
			   strerror(errno));
		return NULL;
	}
	p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		check_fail(__FILE__, __LINE__, "mmap hypercall: %s",
			   strerror(errno));
		return NULL;
	}
	return p;
}

/* HYPERCALL xen_version with its privcmd_hypercall_t at hc. */
static long version_at(int fd, void *hc)
{
	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, hc);
}

/* XENVER_extraversion: 16 bytes written to out. */
static long extraversion_to(int fd, void *out)
{
	struct privcmd_hypercall hc = {
		.op = HC_xen_version,
		.arg = { XENVER_extraversion, (uint64_t)(uintptr_t)out },
	};

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

static bool written(const uint8_t *p)
{
	unsigned i;

	for (i = 0; i < 16; i++)
		if (p[i] != SENTINEL)
			return true;
	return false;
}

/* The argument, and the hypercall's result, in a buffer: both work. */
static void hcbuf_in_and_out(void)
{
	int fd = dev_open("/dev/xen/privcmd", O_RDWR);
	uint8_t *b = hc_buffer(2 * PAGE, PROT_READ | PROT_WRITE);
	struct privcmd_hypercall *hc = (void *)b;
	long v;

	faults_kill();
	if (fd < 0 || !b)
		return;
	hc->op = HC_xen_version;
	v = expect_ok(version_at(fd, hc));
	expect(v > 0, "xen_version from a buffer: %ld", v);
	/* The result lands where the program sees it, across the pages. */
	memset(b + PAGE - 8, SENTINEL, 16);
	expect_ok(extraversion_to(fd, b + PAGE - 8));
	expect(written(b + PAGE - 8), "extraversion not seen in the buffer");
	/* A buffer mapped read-only is not written (EFAULT, as Linux). */
	{
		uint8_t *ro = hc_buffer(PAGE, PROT_READ);

		if (ro)
			expect_errno(extraversion_to(fd, ro), EFAULT);
	}
}

/* munmap() through libc: the preload saw it, so EFAULT as on Linux. */
static void hcbuf_libc_munmap_efault(void)
{
	int fd = dev_open("/dev/xen/privcmd", O_RDWR);
	uint8_t *b = hc_buffer(2 * PAGE, PROT_READ | PROT_WRITE);

	faults_kill();
	if (fd < 0 || !b)
		return;
	((struct privcmd_hypercall *)(void *)b)->op = HC_xen_version;
	expect_ok(version_at(fd, b));
	expect_ok(munmap(b, 2 * PAGE));
	expect_errno(version_at(fd, b), EFAULT);
	expect_errno(extraversion_to(fd, b + PAGE), EFAULT);
	/* Half of one: the other half still works. */
	b = hc_buffer(2 * PAGE, PROT_READ | PROT_WRITE);
	if (!b)
		return;
	((struct privcmd_hypercall *)(void *)(b + PAGE))->op = HC_xen_version;
	expect_ok(munmap(b, PAGE));
	expect_errno(version_at(fd, b), EFAULT);
	expect_ok(version_at(fd, b + PAGE));
}

/*
 * munmap by raw system call: the preload cannot see it.  No crash, and
 * the call answers (the old pages, or EFAULT); the documented gap is
 * that it may succeed.  Then a mapping the preload sees lands there:
 * the call reads and writes the new memory, not the dead buffer.
 */
static void hcbuf_raw_munmap_no_crash(void)
{
	int fd = dev_open("/dev/xen/privcmd", O_RDWR);
	uint8_t *b = hc_buffer(PAGE, PROT_READ | PROT_WRITE), *n;
	long rc;

	faults_kill();
	if (fd < 0 || !b)
		return;
	((struct privcmd_hypercall *)(void *)b)->op = HC_xen_version;
	expect_ok(version_at(fd, b));
	expect_ok(syscall(SYS_munmap, b, PAGE));
	errno = 0;
	rc = version_at(fd, b);
	expect(rc > 0 || (rc == -1 && errno == EFAULT),
	       "after a raw munmap: %ld errno %d", rc, errno);
	errno = 0;
	rc = extraversion_to(fd, b);
	expect(rc == 0 || (rc == -1 && errno == EFAULT),
	       "write after a raw munmap: %ld errno %d", rc, errno);
	/* Other memory at that address, mapped through libc. */
	n = mmap(b, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (n == MAP_FAILED) {
		check_fail(__FILE__, __LINE__, "mmap: %s", strerror(errno));
		return;
	}
	memset(n, SENTINEL, 16);
	expect_ok(extraversion_to(fd, n));
	expect(written(n), "the result went to the dead buffer, not the "
	       "memory now at its address");
}

struct racer {
	int fd;
	uint8_t *volatile cur;
	volatile int stop;
	unsigned long calls, efault, other;
	int other_err;
};

static void *call_loop(void *arg)
{
	struct racer *r = arg;

	while (!r->stop) {
		uint8_t *b = r->cur;
		long rc;

		errno = 0;
		rc = (r->calls & 1) ? version_at(r->fd, b) :
				      extraversion_to(r->fd, b + 64);
		r->calls++;
		/*
		 * EFAULT: b was unmapped.  ENOSYS: a new buffer took b's
		 * address and its op is not set yet (hypercall 0), as on
		 * Linux; the main thread sets it after the mmap.
		 */
		if (rc < 0 && (errno == EFAULT || errno == ENOSYS))
			r->efault++;
		else if (rc < 0) {
			r->other++;
			r->other_err = errno;
		}
	}
	return NULL;
}

/*
 * One thread calls with its arguments in a buffer while another unmaps
 * and remaps buffers under it, through libc and by raw system call, from
 * a thread with every signal blocked: no crash, EFAULT or success only.
 */
static void hcbuf_munmap_race(void)
{
	struct racer r = { .fd = dev_open("/dev/xen/privcmd", O_RDWR) };
	struct timespec t0, t;
	sigset_t all, old;
	pthread_t th;
	unsigned long rounds = 0;

	faults_kill();
	if (r.fd < 0)
		return;
	r.cur = hc_buffer(PAGE, PROT_READ | PROT_WRITE);
	if (!r.cur)
		return;
	((struct privcmd_hypercall *)(void *)r.cur)->op = HC_xen_version;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	expect(pthread_create(&th, NULL, call_loop, &r) == 0,
	       "pthread_create");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		uint8_t *old_b = r.cur, *nb = hc_buffer(PAGE,
						       PROT_READ | PROT_WRITE);

		if (!nb)
			break;
		((struct privcmd_hypercall *)(void *)nb)->op = HC_xen_version;
		r.cur = nb;
		if (rounds++ & 1)
			munmap(old_b, PAGE);
		else
			syscall(SYS_munmap, old_b, PAGE);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L +
		 (t.tv_nsec - t0.tv_nsec) < 500000000L);
	r.stop = 1;
	pthread_join(th, NULL);
	expect(r.calls > 0 && r.other == 0,
	       "%lu calls, %lu EFAULT/ENOSYS, %lu other errors (last errno %d) over %lu remaps",
	       r.calls, r.efault, r.other, r.other_err, rounds);
	check_note("%lu calls (%lu EFAULT/ENOSYS) over %lu unmaps", r.calls,
		   r.efault, rounds);
}

/* A fork child inherits the buffer: the same pages, both ways. */
static void hcbuf_fork_shares(void)
{
	int fd = dev_open("/dev/xen/privcmd", O_RDWR);
	uint8_t *b = hc_buffer(PAGE, PROT_READ | PROT_WRITE);
	int status = -1;
	pid_t pid;

	faults_kill();
	if (fd < 0 || !b)
		return;
	((struct privcmd_hypercall *)(void *)b)->op = HC_xen_version;
	memset(b + 128, SENTINEL, 16);
	pid = fork();
	if (pid == 0) {
		/* The inherited privcmd fd: the parent's open file. */
		_exit(version_at(fd, b) > 0 && extraversion_to(fd, b + 128) == 0
		      ? 0 : 1);
	}
	expect(pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "the child's calls on an inherited buffer: status %#x", status);
	expect(written(b + 128), "the child's result is not in the parent's "
	       "view of the buffer");
}

const struct check hcbuf_checks[] = {
	{ "hypercall buffer: argument and result through the alias",
	  hcbuf_in_and_out },
	{ "hypercall buffer: EFAULT after munmap, whole or half",
	  hcbuf_libc_munmap_efault },
	{ "hypercall buffer: raw munmap, then a call: no crash; new memory there is used",
	  hcbuf_raw_munmap_no_crash },
	{ "hypercall buffer: calls racing munmaps, all signals blocked: no crash",
	  hcbuf_munmap_race },
	{ "hypercall buffer: a fork child calls on the inherited buffer",
	  hcbuf_fork_shares },
	{ NULL, NULL },
};
