/* SPDX-License-Identifier: MIT */
/*
 * libc's own entry points behind our interposers, found with
 * dlsym(RTLD_NEXT): the next definition after this library in lookup
 * order, which is libc's (or a sanitizer's interceptor in front of it).
 *
 * Resolved in a constructor, and on demand in case another library's
 * constructor calls open() or close() before ours has run.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload.h"

static struct xp_libc libc_fns;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;

/* Fallbacks for a libc older than the call (glibc < 2.34). */
static int sys_close_range(unsigned int first, unsigned int last, int flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

#define FIND(field, name)						\
	do {								\
		void *p = dlsym(RTLD_NEXT, name);			\
		__builtin_memcpy(&libc_fns.field, &p, sizeof(p));	\
	} while (0)

static void resolve(void)
{
	FIND(open, "open");
	FIND(open64, "open64");
	FIND(openat, "openat");
	FIND(openat64, "openat64");
	FIND(open_2, "__open_2");
	FIND(open64_2, "__open64_2");
	FIND(openat_2, "__openat_2");
	FIND(openat64_2, "__openat64_2");
	FIND(close, "close");
	FIND(close_range, "close_range");
	FIND(closefrom, "closefrom");
	FIND(dup, "dup");
	FIND(dup2, "dup2");
	FIND(dup3, "dup3");
	FIND(fcntl, "fcntl");
	FIND(fcntl64, "fcntl64");
	FIND(ioctl, "ioctl");
	FIND(mmap, "mmap");
	FIND(mmap64, "mmap64");
	FIND(munmap, "munmap");
	FIND(read, "read");
	FIND(write, "write");
	FIND(readv, "readv");
	FIND(writev, "writev");
	FIND(recvmsg, "recvmsg");
	FIND(recvmmsg, "recvmmsg");

	/* 64-bit names are aliases on LP64; fall back to the plain ones. */
	if (!libc_fns.open64)
		libc_fns.open64 = libc_fns.open;
	if (!libc_fns.openat64)
		libc_fns.openat64 = libc_fns.openat;
	if (!libc_fns.open64_2)
		libc_fns.open64_2 = libc_fns.open_2;
	if (!libc_fns.openat64_2)
		libc_fns.openat64_2 = libc_fns.openat_2;
	if (!libc_fns.fcntl64)
		libc_fns.fcntl64 = libc_fns.fcntl;
	if (!libc_fns.mmap64)
		libc_fns.mmap64 = libc_fns.mmap;
	if (!libc_fns.close_range)
		libc_fns.close_range = sys_close_range;
}

const struct xp_libc *xp_real(void)
{
	pthread_once(&resolved, resolve);
	return &libc_fns;
}

__attribute__((constructor)) static void resolve_early(void)
{
	xp_real();
}
