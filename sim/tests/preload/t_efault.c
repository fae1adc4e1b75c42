/* SPDX-License-Identifier: MIT */
/*
 * A bad pointer handed to a device call is -1/EFAULT whatever the
 * program did with its signals (issue 14, defect #1).  Linux's
 * copy_from_user/copy_to_user never raise a signal in the caller (their
 * exception table, arch/x86/lib/copy_user_64.S, Linux 6.1), so neither
 * may the preload: not when the program set SIGSEGV back to SIG_DFL,
 * installed its own handler (which must not run), blocked SIGSEGV, called
 * from a thread created with every signal blocked (QEMU's
 * qemu_thread_create, util/qemu-thread-posix.c), or has a handler that
 * siglongjmps out.  After each bad call the next call of the process and
 * a call from another process of the same machine must work: the
 * machine lock was not left held.
 *
 * Each (signal setup, bad pointer) pair runs in a child of its own, whose
 * exit status is checked: a crash fails that pair only.  The other
 * process is a fork of that child made before any bad call, which
 * shares the machine (and joins the named world XSIM_CHECK_WORLD_NAME by
 * name when that is set: scripts/suites/sim.sh starts one).
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define HC_xen_version		17	/* xen/include/public/xen.h */
#define XENVER_extraversion	1	/* xen/include/public/version.h */

/* ---- the bad pointers ---- */

enum bad { BAD_NULL, BAD_UNMAPPED, BAD_PROT_NONE, BAD_CROSSING,
	   BAD_READ_ONLY, NR_BAD };

static const char *const bad_name[NR_BAD] = {
	"NULL", "an unmapped page", "a PROT_NONE page",
	"a range crossing into an unmapped page", "a read-only page",
};

/*
 * Where an argument of size len goes for bad pointer b, made right
 * before the call: an unmapped page made earlier could be reused by any
 * mmap in between (the kernel fills single-page holes).  Two fresh pages,
 * the second unmapped or PROT_NONE.  A crossing argument starts 8 bytes
 * (half its size, when shorter) before the unmapped page: its first bytes
 * are readable, so a copy that checked only the start would go on.  A
 * read-only argument holds the valid bytes good (copy in works, copy out
 * cannot).
 */
/* The page the last unmapped-page pointer points into (diagnostics). */
static uint8_t *last_hole;

static void *bad_ptr(enum bad b, const void *good, size_t len)
{
	uint8_t *p;
	size_t in;

	if (b == BAD_NULL)
		return opaque(0);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		check_fail(__FILE__, __LINE__, "mmap: %s", strerror(errno));
		exit(1);
	}
	switch (b) {
	case BAD_UNMAPPED:
		munmap(p + PAGE, PAGE);
		last_hole = p + PAGE;
		return opaque((uintptr_t)(p + PAGE));
	case BAD_PROT_NONE:
		mprotect(p + PAGE, PAGE, PROT_NONE);
		return opaque((uintptr_t)(p + PAGE));
	case BAD_CROSSING:
		in = len > 8 ? 8 : len / 2;
		memcpy(p + PAGE - in, good, in);
		munmap(p + PAGE, PAGE);
		last_hole = p + PAGE;
		return opaque((uintptr_t)(p + PAGE - in));
	case BAD_READ_ONLY:
	default:
		memcpy(p, good, len);
		mprotect(p, PAGE, PROT_READ);
		return p;
	}
}

/* ---- the program's signal setups ---- */

enum setup { SET_DFL, SET_HANDLER, SET_BLOCKED, SET_THREAD, SET_LONGJMP,
	     NR_SETUP };

static const char *const setup_name[NR_SETUP] = {
	"SIGSEGV/SIGBUS = SIG_DFL after the first device call",
	"the program's own SIGSEGV/SIGBUS handler",
	"SIGSEGV/SIGBUS blocked in the calling thread",
	"a thread created with every signal blocked",
	"a handler that siglongjmps out",
};

static volatile sig_atomic_t handler_runs;
static sigjmp_buf escape;
static volatile sig_atomic_t escape_armed;

static void count_handler(int sig)
{
	handler_runs++;
	/* Returning would run the faulting access again, forever. */
	signal(sig, SIG_DFL);
}

static void jump_handler(int sig)
{
	(void)sig;
	handler_runs++;
	if (escape_armed)
		siglongjmp(escape, 1);
	signal(sig, SIG_DFL);
}

static void set_both(void (*h)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

static void apply_setup(enum setup s)
{
	sigset_t set;

	switch (s) {
	case SET_DFL:
		set_both(SIG_DFL);
		break;
	case SET_HANDLER:
		set_both(count_handler);
		break;
	case SET_BLOCKED:
		sigemptyset(&set);
		sigaddset(&set, SIGSEGV);
		sigaddset(&set, SIGBUS);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		break;
	case SET_LONGJMP:
		set_both(jump_handler);
		break;
	case SET_THREAD:
	default:
		break;	/* the thread is made around the call */
	}
}

/* ---- the calls: each copies in, or out, through the bad pointer ---- */

struct fds {
	int privcmd, evtchn, evtchn_b, gntdev, gntalloc;
	unsigned port_a;	/* notified: evtchn_b gets readable */
};

struct call {
	const char *what;
	/* Make the call with bad pointer b: its result, errno in *err. */
	long (*fn)(struct fds *d, enum bad b);
	bool copies_out;	/* the read-only page is bad for it */
};

static long hypercall_in(struct fds *d, enum bad b)
{
	struct privcmd_hypercall hc = { .op = HC_xen_version };

	return ioctl(d->privcmd, IOCTL_PRIVCMD_HYPERCALL,
		     bad_ptr(b, &hc, sizeof(hc)));
}

/* XENVER_extraversion writes 16 bytes to the hypercall's argument. */
static long hypercall_out(struct fds *d, enum bad b)
{
	static const uint8_t zero[16];
	struct privcmd_hypercall hc = {
		.op = HC_xen_version,
		.arg = { XENVER_extraversion,
			 (uint64_t)(uintptr_t)bad_ptr(b, zero, sizeof(zero)) },
	};

	return ioctl(d->privcmd, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

static long evtchn_in(struct fds *d, enum bad b)
{
	struct ioctl_evtchn_bind_unbound_port op = { .remote_domain = 0 };

	return ioctl(d->evtchn, IOCTL_EVTCHN_BIND_UNBOUND_PORT,
		     bad_ptr(b, &op, sizeof(op)));
}

/* read() copies the pending port out. */
static long evtchn_out(struct fds *d, enum bad b)
{
	static const uint32_t zero;

	expect_ok(evtchn_notify(d->evtchn, d->port_a));
	return read(d->evtchn_b, bad_ptr(b, &zero, sizeof(zero)),
		    sizeof(uint32_t));
}

static long gntdev_in(struct fds *d, enum bad b)
{
	struct ioctl_gntdev_map_grant_ref op = {
		.count = 1, .refs = { { .domid = 1, .ref = 8 } },
	};

	return ioctl(d->gntdev, IOCTL_GNTDEV_MAP_GRANT_REF,
		     bad_ptr(b, &op, sizeof(op)));
}

/* The op is read, then written back (its index): read-only fails there. */
static long gntalloc_inout(struct fds *d, enum bad b)
{
	struct ioctl_gntalloc_alloc_gref op = { .domid = 1, .count = 1 };

	return ioctl(d->gntalloc, IOCTL_GNTALLOC_ALLOC_GREF,
		     bad_ptr(b, &op, sizeof(op)));
}

static const struct call calls[] = {
	{ "privcmd HYPERCALL (copy in)", hypercall_in, false },
	{ "privcmd HYPERCALL extraversion (copy out)", hypercall_out, true },
	{ "evtchn BIND_UNBOUND_PORT (copy in)", evtchn_in, false },
	{ "evtchn read (copy out)", evtchn_out, true },
	{ "gntdev MAP_GRANT_REF (copy in)", gntdev_in, false },
	{ "gntalloc ALLOC_GREF (copy in and out)", gntalloc_inout, true },
};

#define NR_CALLS	(sizeof(calls) / sizeof(calls[0]))

static void open_all(struct fds *d)
{
	unsigned pb;

	d->privcmd = dev_open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	d->evtchn = dev_open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	d->evtchn_b = dev_open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	d->gntdev = dev_open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	d->gntalloc = dev_open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
	if (d->privcmd < 0 || d->evtchn < 0 || d->evtchn_b < 0 ||
	    d->gntdev < 0 || d->gntalloc < 0) {
		check_fail(__FILE__, __LINE__, "device open: %s",
			   strerror(errno));
		exit(1);
	}
	/* evtchn_out notifies port_a on evtchn, which fires on evtchn_b. */
	if (!evtchn_pair(d->evtchn, d->evtchn_b, &d->port_a, &pb)) {
		check_fail(__FILE__, __LINE__, "evtchn pair: %s",
			   strerror(errno));
		exit(1);
	}
}

/* A call that must work: the machine is usable (lock not held). */
static long good_call(struct fds *d)
{
	struct privcmd_hypercall hc = { .op = HC_xen_version };

	return ioctl(d->privcmd, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

/* ---- one case ---- */

struct one {
	enum setup setup;
	const struct call *call;
	enum bad bad;
	long rc;
	int err;
	struct fds *d;
};

static long good_call(struct fds *d);

/*
 * A new thread warms up with one good call first: the sanitizers' runtime
 * sets a thread up lazily and maps pages, which would fill the hole an
 * unmapped-page pointer points at (the kernel reuses the highest hole).
 */
static void *thread_call(void *p)
{
	struct one *o = p;

	if (o->setup == SET_THREAD && good_call(o->d) < 0)
		check_fail(__FILE__, __LINE__, "warm-up call in the thread: %s",
			   strerror(errno));
	errno = 0;
	o->rc = o->call->fn(o->d, o->bad);
	o->err = errno;
	return NULL;
}

/* The bad call, made under the setup; false if a handler escaped it. */
static bool bad_call(struct one *o)
{
	if (o->setup == SET_THREAD) {
		sigset_t all, old;
		pthread_t t;
		int rc;

		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		rc = pthread_create(&t, NULL, thread_call, o);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		expect(rc == 0, "pthread_create: %s", strerror(rc));
		if (rc == 0)
			pthread_join(t, NULL);
		return true;
	}
	if (o->setup == SET_LONGJMP) {
		if (sigsetjmp(escape, 1)) {
			escape_armed = 0;
			return false;
		}
		escape_armed = 1;
	}
	thread_call(o);
	escape_armed = 0;
	return true;
}

/* Another process of this machine makes a call within a few seconds. */
static void other_process_call(const int go[2], const int done[2])
{
	struct fds d;
	char c;

	/* Only the parent writes go: its exit (a crash) is EOF here. */
	close(go[1]);
	close(done[0]);
	alarm(60);
	/* Its own handle, opened before the bad call: then wait for go. */
	d.privcmd = dev_open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (read(go[0], &c, 1) != 1)
		_exit(3);
	alarm(3);	/* a stall (lock left held) is SIGALRM */
	if (d.privcmd < 0 || good_call(&d) < 0)
		_exit(4);
	(void)!write(done[1], "k", 1);
	_exit(0);
}

static void run_one(void *arg)
{
	struct one *o = arg;
	struct fds d;
	int go[2], done[2], status;
	bool returned;
	pid_t other;
	char c;

	open_all(&d);
	o->d = &d;
	/* The other process: forked before any bad call. */
	if (pipe(go) || pipe(done))
		exit(1);
	other = fork();
	if (other == 0)
		other_process_call(go, done);
	close(go[0]);
	close(done[1]);
	/* A first device call: the preload is set up before the program's
	 * signal changes (the SIG_DFL case is "after the first call"). */
	expect(good_call(&d) >= 0, "first call: %s", strerror(errno));
	apply_setup(o->setup);
	handler_runs = 0;
	returned = bad_call(o);
	expect(returned, "the program's handler escaped the call by "
	       "siglongjmp: the preload let its own fault reach it");
	expect(handler_runs == 0, "the program's SIGSEGV/SIGBUS handler ran "
	       "%d time(s) inside the call", (int)handler_runs);
	if (returned)
		expect(o->rc == -1 && o->err == EFAULT,
		       "%s with %s: %ld errno %d (%s); want -1 EFAULT%s",
		       o->call->what, bad_name[o->bad], o->rc, o->err,
		       strerror(o->err), last_hole &&
		       !msync(last_hole, PAGE, MS_ASYNC) ?
		       " (the hole was mapped meanwhile: by the call?)" : "");
	/* The machine is usable: this process, then the other one. */
	alarm(3);
	errno = 0;
	expect(good_call(&d) >= 0, "the next call in this process: %s",
	       strerror(errno));
	alarm(0);
	(void)!write(go[1], "g", 1);
	expect(read(done[0], &c, 1) == 1, "the other process's call did not "
	       "complete (machine lock left held?)");
	while (waitpid(other, &status, 0) < 0 && errno == EINTR)
		;
	expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "the other process: %s %d",
	       WIFEXITED(status) ? "exit" : "signal",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* Every call and bad pointer under setup s, each in a child. */
static void run_setup(enum setup s)
{
	const char *world = getenv("XSIM_CHECK_WORLD_NAME");
	unsigned i;
	int b;

	if (world && *world)
		setenv("XENSIM_WORLD_NAME", world, 1);
	for (i = 0; i < NR_CALLS; i++) {
		for (b = 0; b < NR_BAD; b++) {
			struct one o = { .setup = s, .call = &calls[i],
					 .bad = (enum bad)b };
			int rc;

			if (b == BAD_READ_ONLY && !calls[i].copies_out)
				continue;
			alarm(60);	/* per case: a stall takes 3 s */
			rc = run_in_child(run_one, &o);
			if (rc == 0)
				continue;
			check_fail(__FILE__, __LINE__, "%s; %s; %s: %s %d",
				   setup_name[s], calls[i].what, bad_name[b],
				   rc < 0 ? "killed by signal" : "exit",
				   rc < 0 ? -rc : rc);
		}
	}
}

static void efault_sig_dfl(void)
{
	run_setup(SET_DFL);
}

static void efault_own_handler(void)
{
	run_setup(SET_HANDLER);
}

static void efault_blocked(void)
{
	run_setup(SET_BLOCKED);
}

static void efault_thread_all_blocked(void)
{
	run_setup(SET_THREAD);
}

static void efault_siglongjmp_handler(void)
{
	run_setup(SET_LONGJMP);
}

const struct check efault_checks[] = {
	{ "bad pointer: EFAULT with SIGSEGV/SIGBUS set to SIG_DFL",
	  efault_sig_dfl },
	{ "bad pointer: EFAULT, the program's own handler does not run",
	  efault_own_handler },
	{ "bad pointer: EFAULT with SIGSEGV/SIGBUS blocked",
	  efault_blocked },
	{ "bad pointer: EFAULT from a thread created with all signals blocked",
	  efault_thread_all_blocked },
	{ "bad pointer: EFAULT, a siglongjmp handler does not run, lock free",
	  efault_siglongjmp_handler },
	{ NULL, NULL },
};
