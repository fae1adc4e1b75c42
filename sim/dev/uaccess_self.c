/* SPDX-License-Identifier: MIT */
/*
 * Fault-guarded copies in the caller's own address space: what the preload
 * (and the unit tests) use as copy_from_user/copy_to_user.
 *
 * A bad user pointer must give EFAULT, never a crash, and the check must
 * cost no system call (an ioctl through the preload has to stay cheaper
 * than a real one).  So: a thread-local recovery point, and a SIGSEGV/SIGBUS
 * handler that jumps back to it.  SA_NODEFER keeps the signal unblocked
 * while the handler runs, so leaving it with siglongjmp needs no mask
 * restore (no sigprocmask call).  A fault outside a guarded copy goes to
 * whatever handler was installed before us, or to the default action.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include <xensim/uaccess.h>

static __thread sigjmp_buf *guard;
static struct sigaction prev_segv, prev_bus;
static pthread_once_t installed = PTHREAD_ONCE_INIT;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	struct sigaction *prev = sig == SIGSEGV ? &prev_segv : &prev_bus;
	sigjmp_buf *j = guard;

	if (j) {
		guard = NULL;
		siglongjmp(*j, 1);
	}
	if (prev->sa_flags & SA_SIGINFO) {
		prev->sa_sigaction(sig, si, uc);
		return;
	}
	if (prev->sa_handler == SIG_IGN)
		return;
	if (prev->sa_handler != SIG_DFL) {
		prev->sa_handler(sig);
		return;
	}
	/*
	 * Default action: re-arm it; a real fault recurs when the access runs
	 * again, a signal someone sent (raise, kill) must be sent again.
	 */
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

/* Put our handler in front of whatever is installed now, chaining to it. */
static void install_one(int sig, struct sigaction *prev)
{
	struct sigaction sa, cur;

	if (sigaction(sig, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
	    cur.sa_sigaction == on_fault)
		return;	/* already first: keep the recorded predecessor */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, prev);
}

static void install(void)
{
	install_one(SIGSEGV, &prev_segv);
	install_one(SIGBUS, &prev_bus);
}

void xsim_uaccess_rearm(void)
{
	pthread_once(&installed, install);
	install();
}

/*
 * Addresses no user mapping can have: the first page and the
 * non-canonical / kernel half (x86-64, 47-bit user space).  Refused
 * without touching them, as access_ok() does.
 */
static int bad_range(uintptr_t a, size_t len)
{
	const uintptr_t user_top = (uintptr_t)1 << 47;

	return a < 4096 || len > user_top || a > user_top - len;
}

/* Not instrumented: the sanitizers must not inspect a wild pointer first. */
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

int xsim_guarded_copy(void *dst, const void *src, size_t len)
{
	sigjmp_buf j;

	if (!len)
		return 0;
	if (bad_range((uintptr_t)dst, len) || bad_range((uintptr_t)src, len))
		return -EFAULT;
	pthread_once(&installed, install);
	if (sigsetjmp(j, 0))
		return -EFAULT;
	guard = &j;
	raw_copy(dst, src, len);
	guard = NULL;
	return 0;
}

static int self_copy_in(void *ctx, void *dst, uint64_t uaddr, size_t len)
{
	(void)ctx;
	return xsim_guarded_copy(dst, (const void *)(uintptr_t)uaddr, len);
}

static int self_copy_out(void *ctx, uint64_t uaddr, const void *src,
			 size_t len)
{
	(void)ctx;
	return xsim_guarded_copy((void *)(uintptr_t)uaddr, src, len);
}

const struct xsim_uaccess xsim_uaccess_self = {
	.copy_in = self_copy_in,
	.copy_out = self_copy_out,
};
