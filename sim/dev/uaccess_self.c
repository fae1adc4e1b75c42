/* SPDX-License-Identifier: MIT */
/*
 * Copies in the caller's own address space that cannot fault it: what the
 * preload (and the unit tests) use as copy_from_user/copy_to_user.
 *
 * Linux's copy_from_user never raises a signal in the caller: a fault on
 * a bad user address is fixed up by the exception table and the call
 * answers EFAULT (arch/x86/lib/copy_user_64.S, arch/x86/mm/extable.c,
 * Linux 6.1).  A signal-based guard cannot promise that in a program we
 * do not control: the program may set SIGSEGV back to SIG_DFL, install
 * its own handler (which then runs inside our call, maybe siglongjmp'ing
 * out with the machine lock held), block SIGSEGV, or call from a thread
 * created with every signal blocked (QEMU's qemu_thread_create,
 * util/qemu-thread-posix.c) -- a fault is then fatal (Linux
 * kernel/signal.c force_sig_info_to_task unblocks and resets the action).
 * So no access here ever faults:
 *
 *  - Slow path: the kernel copies, with process_vm_readv/process_vm_writev
 *    on our own pid.  A bad address on either side answers EFAULT, no
 *    signal (Linux mm/process_vm_access.c: pin_user_pages_remote without
 *    FOLL_FORCE, so PROT_NONE and read-only pages fail as a user access
 *    would; the local side goes through copy_to_user/copy_from_user).
 *    Our own process needs no ptrace permission: mm_access ->
 *    __ptrace_may_access returns 0 at once for the same thread group
 *    (kernel/ptrace.c), whatever Yama or the dumpable flag say.  One
 *    system call, a few microseconds (it pins the pages).
 *
 *  - Fast path: a range that lies on the calling thread's own stack,
 *    between where this function runs and the top of that stack, is
 *    mapped and writable (the thread's callers' frames live there), so
 *    it is copied directly.  Most ioctl arguments are structures in the
 *    caller's frame (libxencall's privcmd_hypercall_t, libxenevtchn's
 *    ioctl structs), so the common ioctl pays no system call.  The
 *    thread's stack is found once per thread in /proc/self/maps (raw
 *    system calls, no allocation: safe in a signal handler): the main
 *    thread's is the mapping holding the auxiliary vector's AT_RANDOM
 *    bytes (which the kernel puts on the initial stack, fs/binfmt_elf.c
 *    create_elf_tables); another thread's is the mapping holding its
 *    struct pthread, which glibc puts at the top of the thread's stack
 *    block (nptl/allocatestack.c), and the stack is taken to end there.
 *    A thread running on another stack (a coroutine, sigaltstack) takes
 *    the slow path.  Not covered: a program that unmaps or protects part
 *    of a thread's stack above the frame that thread is running in.
 *
 *  - Fast path for reads only: a range inside one readable segment of an
 *    object loaded before main() (string literals: open()'s path).
 *
 * There is no cheap test of an arbitrary address: mapping changes by
 * other threads (munmap, mprotect, malloc trimming through libc's
 * internal calls) are not seen by an interposer, so nothing but the
 * kernel can answer for the heap or a file mapping without a race.
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <xensim/uaccess.h>

/*
 * Addresses no user mapping can have: the first page and the
 * non-canonical / kernel half (x86-64, 47-bit user space).  Refused
 * without a system call, as access_ok() does.
 */
static int bad_range(uintptr_t a, size_t len)
{
	const uintptr_t user_top = (uintptr_t)1 << 47;

	return a < 4096 || len > user_top || a > user_top - len;
}

/* ---- the fast path: this thread's own stack ---- */

enum { STACK_UNKNOWN, STACK_KNOWN, STACK_NONE };

/* initial-exec: no __tls_get_addr call on the per-copy path. */
static __thread uintptr_t stack_lo, stack_hi
	__attribute__((tls_model("initial-exec")));
static __thread int stack_state __attribute__((tls_model("initial-exec")));

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * The read-write mapping of /proc/self/maps that contains anchor, parsed
 * as it streams in ("start-end perms ..." per line).  Raw system calls:
 * the preload interposes open/read/close, and nothing here allocates.
 */
static bool vma_of(uintptr_t anchor, uintptr_t *lo, uintptr_t *hi)
{
	char buf[2048];
	uintptr_t v[2] = { 0, 0 };
	int fd, field = 0, col = 0, d;
	bool rw = true, found = false;
	ssize_t n, i;

	fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/maps",
			  O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (!found && (n = syscall(SYS_read, fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n && !found; i++) {
			char c = buf[i];

			if (c == '\n') {
				found = rw && field >= 2 && v[0] <= anchor &&
					anchor < v[1];
				if (found)
					break;
				v[0] = v[1] = 0;
				field = col = 0;
				rw = true;
				continue;
			}
			if (field < 2) {
				d = hexval(c);
				if (d >= 0)
					v[field] = v[field] << 4 | (uintptr_t)d;
				else
					field++;	/* '-' or ' ' */
			} else if (field == 2) {
				/* perms "rw", then the rest of the line */
				if (col == 0 && c != 'r')
					rw = false;
				if (col == 1 && c != 'w')
					rw = false;
				if (++col == 2)
					field = 3;
			}
		}
	}
	syscall(SYS_close, fd);
	if (found) {
		*lo = v[0];
		*hi = v[1];
	}
	return found;
}

/* Once per thread: where its stack is (see the top of this file). */
static void stack_learn(void)
{
	uintptr_t anchor, lo, hi;
	bool main_thread = syscall(SYS_gettid) == getpid();

	stack_state = STACK_NONE;
	anchor = main_thread ? (uintptr_t)getauxval(AT_RANDOM) :
			       (uintptr_t)pthread_self();
	if (!anchor || !vma_of(anchor, &lo, &hi))
		return;
	stack_lo = lo;
	stack_hi = main_thread ? hi : anchor;
	stack_state = STACK_KNOWN;
}

/*
 * Is [a, a + len) on this thread's stack, above the frame running now?
 * noinline: the frame address must be one below the caller's frames.
 */
__attribute__((noinline))
static bool on_own_stack(uintptr_t a, size_t len)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	if (stack_state != STACK_KNOWN) {
		if (stack_state == STACK_NONE)
			return false;
		stack_learn();
		if (stack_state != STACK_KNOWN)
			return false;
	}
	return sp >= stack_lo && sp < stack_hi && a >= sp && a <= stack_hi &&
	       len <= stack_hi - a;
}

/*
 * Not instrumented: the fast path reads the program's frames, which the
 * sanitizers poison between variables.
 */
__attribute__((noinline, no_sanitize("address", "thread", "undefined")))
static void raw_copy(void *dst, const void *src, size_t len)
{
	volatile uint8_t *d = dst;
	const volatile uint8_t *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		for (; len >= 8; len -= 8, d += 8, s += 8)
			*(volatile uint64_t *)d = *(const volatile uint64_t *)s;
	}
	for (; len; len--)
		*d++ = *s++;
}

/* Our pid (see self_pid), in a MADV_WIPEONFORK page made at start-up. */
static pid_t *pid_page;
static pthread_once_t pid_once = PTHREAD_ONCE_INIT;

/* ---- the second fast path, reads only: the loaded images ---- */

/*
 * The readable segments of every object loaded before main() (the
 * program, the preload, libc and the libraries they link): string
 * literals (open()'s path) and constant tables live there.  Such an
 * object is never unloaded (glibc elf/dl-close.c keeps every dependency
 * of the main program), and its segments stay mapped and readable
 * (RELRO only drops write).  Recorded once, by a constructor, because
 * dl_iterate_phdr takes the loader's lock and must not run in a signal
 * handler.  Sorted, for a binary search.
 */
#define MAX_IMAGE_SEGS	256
static struct seg { uintptr_t lo, hi; } image_segs[MAX_IMAGE_SEGS];
static unsigned nr_image_segs;

static int note_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	unsigned i, j;

	(void)size;
	(void)arg;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		struct seg s;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_R) ||
		    !ph->p_memsz || nr_image_segs == MAX_IMAGE_SEGS)
			continue;
		s.lo = info->dlpi_addr + ph->p_vaddr;
		s.hi = s.lo + ph->p_memsz;
		for (j = nr_image_segs; j && image_segs[j - 1].lo > s.lo; j--)
			image_segs[j] = image_segs[j - 1];
		image_segs[j] = s;
		nr_image_segs++;
	}
	return 0;
}

static void pid_setup(void);

/*
 * Also makes the pid page now: a page mapped lazily, during a copy, could
 * land in the very hole a bad pointer points at.
 */
__attribute__((constructor)) static void note_images(void)
{
	dl_iterate_phdr(note_object, NULL);
	pthread_once(&pid_once, pid_setup);
}

/* Is [a, a + len) inside one recorded readable segment? */
static bool in_image(uintptr_t a, size_t len)
{
	unsigned lo = 0, hi = nr_image_segs;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (image_segs[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* lo - 1: the last segment starting at or below a. */
	return lo && a < image_segs[lo - 1].hi &&
	       len <= image_segs[lo - 1].hi - a;
}

/* ---- the slow path: the kernel copies ---- */

/*
 * Our pid, without a getpid() per copy.  It lives in a MADV_WIPEONFORK
 * page, which every fork child sees zeroed (Linux mm/madvise.c, 4.14),
 * raw clone() and _Fork() included: a stale pid would make us copy
 * another process's memory.
 */
static void pid_setup(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	if (madvise(p, 4096, MADV_WIPEONFORK)) {
		munmap(p, 4096);
		return;
	}
	pid_page = p;
}

static pid_t self_pid(bool fresh)
{
	pid_t pid;

	pthread_once(&pid_once, pid_setup);
	if (!pid_page)
		return getpid();
	pid = __atomic_load_n(pid_page, __ATOMIC_RELAXED);
	if (!pid || fresh) {
		pid = getpid();
		__atomic_store_n(pid_page, pid, __ATOMIC_RELAXED);
	}
	return pid;
}

static void say_once(int err)
{
	static int said;
	static const char msg[] = "xensim: process_vm_readv/writev on this "
		"process refused (seccomp? a kernel without "
		"CONFIG_CROSS_MEMORY_ATTACH?): device calls with arguments "
		"off the stack fail with EFAULT\n";

	(void)err;
	if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		(void)!syscall(SYS_write, 2, msg, sizeof(msg) - 1);
}

/*
 * writing: local (ours, read) -> remote (theirs, written); else remote
 * (read) -> local (written).  Both sides are checked by the kernel.
 */
static int kernel_copy(void *local, void *remote, size_t len, bool writing)
{
	struct iovec l = { local, len }, r = { remote, len };
	int saved = errno, tries;
	ssize_t n = -1;

	for (tries = 0; tries < 2; tries++) {
		pid_t pid = self_pid(tries > 0);

		n = writing ? process_vm_writev(pid, &l, 1, &r, 1, 0) :
			      process_vm_readv(pid, &l, 1, &r, 1, 0);
		if (n >= 0 || errno == EFAULT || errno == ENOMEM)
			break;
		/* ESRCH/EPERM with a stale pid (a CLONE_VM child): retry. */
		if (tries == 0 && (errno == ESRCH || errno == EPERM) &&
		    getpid() != pid)
			continue;
		if (errno == ENOSYS || errno == EPERM)
			say_once(errno);
		break;
	}
	errno = saved;
	return n == (ssize_t)len ? 0 : -EFAULT;
}

/* ---- the interface ---- */

int xsim_guarded_copy(void *dst, const void *src, size_t len)
{
	if (!len)
		return 0;
	if (bad_range((uintptr_t)dst, len) || bad_range((uintptr_t)src, len))
		return -EFAULT;
	if (on_own_stack((uintptr_t)dst, len) &&
	    (on_own_stack((uintptr_t)src, len) ||
	     in_image((uintptr_t)src, len))) {
		raw_copy(dst, src, len);
		return 0;
	}
	return kernel_copy(dst, (void *)(uintptr_t)src, len, false);
}

int xsim_copy_from_self(void *dst, const void *usrc, size_t len)
{
	if (!len)
		return 0;
	if (bad_range((uintptr_t)usrc, len))
		return -EFAULT;
	if (on_own_stack((uintptr_t)usrc, len) ||
	    in_image((uintptr_t)usrc, len)) {
		raw_copy(dst, usrc, len);
		return 0;
	}
	return kernel_copy(dst, (void *)(uintptr_t)usrc, len, false);
}

int xsim_copy_to_self(void *udst, const void *src, size_t len)
{
	if (!len)
		return 0;
	if (bad_range((uintptr_t)udst, len))
		return -EFAULT;
	if (on_own_stack((uintptr_t)udst, len)) {
		raw_copy(udst, src, len);
		return 0;
	}
	return kernel_copy((void *)(uintptr_t)src, udst, len, true);
}

void xsim_uaccess_rearm(void)
{
	/* No signal handler any more: nothing to put back. */
}

static int self_copy_in(void *ctx, void *dst, uint64_t uaddr, size_t len)
{
	(void)ctx;
	return xsim_copy_from_self(dst, (const void *)(uintptr_t)uaddr, len);
}

static int self_copy_out(void *ctx, uint64_t uaddr, const void *src,
			 size_t len)
{
	(void)ctx;
	return xsim_copy_to_self((void *)(uintptr_t)uaddr, src, len);
}

const struct xsim_uaccess xsim_uaccess_self = {
	.copy_in = self_copy_in,
	.copy_out = self_copy_out,
};
