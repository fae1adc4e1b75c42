/* SPDX-License-Identifier: MIT */
/*
 * System-call wrappers that turn results into the kernel's convention
 * (>= 0 or -errno), fault-free memory probes, and the checks shared by
 * every section.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi.h"

long xioctl(int fd, unsigned long cmd, const void *arg)
{
	int rc = ioctl(fd, cmd, (void *)(uintptr_t)arg);

	return rc < 0 ? -errno : rc;
}

int xopen(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void *xmmap(int fd, size_t len, int prot, uint64_t off, int *err)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);

	if (p == MAP_FAILED) {
		*err = -errno;
		return NULL;
	}
	*err = 0;
	return p;
}

void xmunmap(void *addr, size_t len)
{
	if (addr)
		munmap(addr, len);
}

void xclose(int fd)
{
	if (fd >= 0)
		close(fd);
}

/*
 * The kernel copies from and to user memory with fault handling, so a
 * write() from a page that nothing backs fails with EFAULT where a plain
 * load would raise SIGBUS.  A pipe makes that a memory probe, with no
 * signal handler to fight the preload's own.
 */
static int probe_pipe[2] = { -1, -1 };

static bool probe_ready(void)
{
	return probe_pipe[0] >= 0 || pipe2(probe_pipe, O_CLOEXEC) == 0;
}

bool peek(const void *addr, void *buf, size_t len)
{
	if (!probe_ready() || len > 4096)
		return false;
	if (write(probe_pipe[1], addr, len) != (ssize_t)len)
		return false;
	return read(probe_pipe[0], buf, len) == (ssize_t)len;
}

bool poke(void *addr, const void *buf, size_t len)
{
	char drain[4096];

	if (!probe_ready() || len > sizeof(drain))
		return false;
	if (write(probe_pipe[1], buf, len) != (ssize_t)len)
		return false;
	if (read(probe_pipe[0], addr, len) == (ssize_t)len)
		return true;
	/* Leave the pipe empty for the next probe. */
	if (read(probe_pipe[0], drain, len) < 0)
		return false;
	return false;
}

void *inaccessible_page(void)
{
	static void *page;

	if (!page) {
		page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
		if (page == MAP_FAILED)
			page = NULL;
	}
	return page;
}

void check_pattern(const char *name, struct expect e, bool mapped,
		   const void *addr, unsigned domid, uint64_t gfn, unsigned off)
{
	uint64_t want = pattern_word(domid, gfn, off), got;

	if (!applies(e) || !wants_success(e))
		return;
	if (!mapped || !addr) {
		check_true(name, false, "nothing to read: the mapping failed");
		return;
	}
	if (!peek((const uint8_t *)addr + off, &got, sizeof(got))) {
		check_true(name, false,
			   "reading the mapping at +%#x faulted (not backed)",
			   off);
		return;
	}
	check_true(name, got == want, "word at +%#x is %#018llx%s%#018llx",
		   off, (unsigned long long)got,
		   got == want ? " = " : ", expected ",
		   (unsigned long long)want);
}

int open_section(const char *dev, const char *path, bool present)
{
	char name[64], section[64];
	int fd = xopen(path);

	snprintf(name, sizeof(name), "abi.%s.open", dev);
	snprintf(section, sizeof(section), "abi.%s", dev);
	if (present) {
		check_true(name, fd >= 0, "%s", fd >= 0 ? "opened" :
			   "open failed");
		if (fd < 0) {
			note("open(%s): %s", path, errno_name(-fd) ?
			     errno_name(-fd) : "error");
			skip(section, "cannot open the device");
			return -1;
		}
		return fd;
	}
	if (fd >= 0) {
		check_true(name, false, "opened, but %s has no %s device",
			   abi_profile, dev);
		xclose(fd);
	} else {
		check_true(name, fd == -ENOENT || fd == -ENODEV,
			   "absent (%s)", errno_name(-fd) ?
			   errno_name(-fd) : "error");
	}
	skip(section, "no such device under this profile");
	return -1;
}
