/* SPDX-License-Identifier: MIT */
/*
 * The world behind the devices, set up on first need:
 *
 *   XENSIM_WORLD_NAME=N attach the named world N (/dev/shm/xensim-N, made
 *                       by `xrc sim start`); never create one instead
 *   XENSIM_WORLD_FD=N   attach the world an ancestor created (inherited fd)
 *   else create one:    XENSIM_PROFILE (default "proposed"), and
 *                       XENSIM_WORLD=path for a world file instead of the
 *                       default machine; then export XENSIM_WORLD_FD so
 *                       that exec'd children share this machine.
 *   XENSIM_CALLER_DOMID the domain device opens come from (default 0).
 *
 * The descriptors the transport keeps for itself (the world file, the
 * wake-up socket, the reservation memfd) are moved to high numbers, so
 * that the application's fd numbering is what it would be on Linux, and
 * they are shielded from close()/close_range() by the application, which
 * does not know they exist.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <xensim/profile.h>
#include <xensim/world.h>
#include <xensim/xen-const.h>


#include "preload.h"

__thread volatile sig_atomic_t xp_in_machine
	__attribute__((tls_model("initial-exec")));

static pthread_once_t world_once = PTHREAD_ONCE_INIT;
static struct xsim_world *the_world;	/* published with release */
static int world_err;			/* positive errno if the_world is NULL */
static uint64_t world_id;
static uint16_t caller_domid;

/* Private descriptors; -1 until set up.  Read without a lock. */
static int world_fd = -1;	/* the world's own fd (xsim_world_fd) */
static int env_fd = -1;		/* the world fd children inherit */
static int wake_fd = -1;
static int reserve_fd = -1;
static int ro_fd = -1;		/* the world file again, read-only */

void xp_complain(const char *msg)
{
	const struct xp_libc *c = xp_real();
	struct iovec iov[3] = {
		{ (void *)"xensim: ", 8 },
		{ (void *)msg, strlen(msg) },
		{ (void *)"\n", 1 },
	};

	(void)!c->writev(STDERR_FILENO, iov, 3);
}

/*
 * Where private fds go: just under the usual 1024 ceiling (select()'s
 * FD_SETSIZE), or under a lower RLIMIT_NOFILE.  High enough not to
 * collide with what programs open, low enough that the kernel's fd table
 * does not grow for it.
 */
static int high_fd_base(void)
{
	struct rlimit rl;
	rlim_t lim = 1024;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < lim)
		lim = rl.rlim_cur;
	return lim > 64 ? (int)lim - 32 : 3;
}

int xp_fd_move_high(int fd, bool cloexec)
{
	const struct xp_libc *c = xp_real();
	int nfd;

	if (fd < 0)
		return fd;
	nfd = c->fcntl(fd, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, high_fd_base());
	if (nfd < 0)
		return fd;	/* keep the low number rather than fail */
	c->close(fd);
	return nfd;
}

static int load(int *fdp)
{
	return __atomic_load_n(fdp, __ATOMIC_RELAXED);
}

static void store(int *fdp, int fd)
{
	__atomic_store_n(fdp, fd, __ATOMIC_RELAXED);
}

static int *private_slot(int fd)
{
	struct xsim_world *w = xp_world_peek();

	if (fd < 0 || !w)
		return NULL;
	if (fd == load(&world_fd))
		return &world_fd;
	if (fd == load(&env_fd))
		return &env_fd;
	if (fd == load(&wake_fd))
		return &wake_fd;
	if (fd == load(&reserve_fd))
		return &reserve_fd;
	if (fd == load(&ro_fd))
		return &ro_fd;
	return NULL;
}

bool xp_is_private_fd(int fd)
{
	return private_slot(fd) != NULL;
}

static void export_env_fd(int fd)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", fd);
	setenv("XENSIM_WORLD_FD", num, 1);
}

void xp_private_fd_evict(int fd)
{
	const struct xp_libc *c = xp_real();
	struct xsim_world *w = xp_world_peek();
	int fdflags, nfd;

	if (!private_slot(fd))
		return;
	fdflags = c->fcntl(fd, F_GETFD);
	nfd = c->fcntl(fd, (fdflags > 0 && (fdflags & FD_CLOEXEC)) ?
		       F_DUPFD_CLOEXEC : F_DUPFD, high_fd_base());
	if (nfd < 0)
		return;
	/* One descriptor may fill two roles (created world: world_fd == env_fd). */
	if (w && load(&world_fd) == fd) {
		store(&world_fd, nfd);
		xsim_world_set_fd(w, nfd);
	}
	if (load(&env_fd) == fd) {
		store(&env_fd, nfd);
		export_env_fd(nfd);
	}
	if (load(&wake_fd) == fd)
		store(&wake_fd, nfd);
	if (load(&reserve_fd) == fd)
		store(&reserve_fd, nfd);
	if (load(&ro_fd) == fd)
		store(&ro_fd, nfd);
	/* The old number is left for the app's dup2 to replace atomically. */
}

int xp_private_fds(int *out, int max)
{
	struct xsim_world *w = xp_world_peek();
	int fds[5], n = 0, i, j;

	if (!w)
		return 0;
	fds[n++] = load(&world_fd);
	fds[n++] = load(&env_fd);
	fds[n++] = load(&wake_fd);
	fds[n++] = load(&reserve_fd);
	fds[n++] = load(&ro_fd);
	/* Sort ascending and drop -1 and duplicates. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];

			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	for (i = 0, j = 0; i < n && j < max; i++)
		if (fds[i] >= 0 && (j == 0 || out[j - 1] != fds[i]))
			out[j++] = fds[i];
	return j;
}

static void list_profiles(char *buf, size_t len)
{
	const struct xsim_profile *const *p;
	size_t used = 0;

	buf[0] = '\0';
	for (p = xsim_profiles(); *p && used < len; p++) {
		int n = snprintf(buf + used, len - used, "%s%s",
				 used ? ", " : "", (*p)->name);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	if (errno || end == s || *end || *out > max || s[0] == '-')
		return -EINVAL;
	return 0;
}

static int attach_inherited(const char *fdstr, struct xsim_world **w)
{
	char msg[160];
	unsigned long fd;
	int rc;

	rc = parse_uint(fdstr, 0x7fffffff, &fd);
	if (!rc)
		rc = xsim_world_attach_fd((int)fd, w);
	if (rc) {
		snprintf(msg, sizeof(msg),
			 "XENSIM_WORLD_FD=%s: no world to attach there (%s)",
			 fdstr, strerror(-rc));
		xp_complain(msg);
		return -EINVAL;
	}
	store(&env_fd, (int)fd);
	/* attach_fd dup'ed it at the lowest free number: move that away. */
	store(&world_fd, xp_fd_move_high(xsim_world_fd(*w), true));
	xsim_world_set_fd(*w, load(&world_fd));
	return 0;
}

/*
 * Join the world called name.  Asked for by name, a machine must not be
 * replaced by a private one: a missing world fails the device opens with
 * ENOENT (as a missing /dev/xen node would), anything else with EINVAL.
 */
static int attach_named(const char *name, struct xsim_world **w)
{
	const char *profile = getenv("XENSIM_PROFILE");
	const char *file = getenv("XENSIM_WORLD");
	char msg[512], why[320];
	int rc;

	rc = xsim_world_attach_named(name, w, why, sizeof(why));
	if (rc) {
		if (rc == -ENOENT)
			snprintf(msg, sizeof(msg),
				 "XENSIM_WORLD_NAME=%s: %s; start it with `xrc sim start --name %s`",
				 name, why, name);
		else
			snprintf(msg, sizeof(msg), "XENSIM_WORLD_NAME=%s: %s",
				 name, why);
		xp_complain(msg);
		return rc == -ENOENT ? -ENOENT : -EINVAL;
	}
	/* The world already has its profile and domains: say what is ignored. */
	if (profile && *profile &&
	    strcmp(profile, xsim_world_profile(*w)->name)) {
		snprintf(msg, sizeof(msg),
			 "XENSIM_PROFILE=%s ignored: world %s runs profile %s",
			 profile, name, xsim_world_profile(*w)->name);
		xp_complain(msg);
	}
	if (file && *file) {
		snprintf(msg, sizeof(msg),
			 "XENSIM_WORLD=%s ignored: world %s is already built",
			 file, name);
		xp_complain(msg);
	}
	/* Close-on-exec: children find the world by its name, as we did. */
	store(&world_fd, xp_fd_move_high(xsim_world_fd(*w), true));
	xsim_world_set_fd(*w, load(&world_fd));
	return 0;
}

static int create_world(struct xsim_world **w)
{
	const char *profile = getenv("XENSIM_PROFILE");
	const char *path = getenv("XENSIM_WORLD");
	struct xsim_world_config cfg = { 0 };
	char msg[512], err[256];
	int rc;

	if (profile && *profile && !xsim_profile_find(profile)) {
		char names[256];

		list_profiles(names, sizeof(names));
		snprintf(msg, sizeof(msg),
			 "XENSIM_PROFILE=%s: unknown profile; profiles: %s",
			 profile, names);
		xp_complain(msg);
		return -EINVAL;
	}
	cfg.profile = profile && *profile ? profile : NULL;
	cfg.empty = path && *path;
	rc = xsim_world_create(&cfg, w);
	if (rc) {
		snprintf(msg, sizeof(msg), "cannot create the world: %s",
			 strerror(-rc));
		xp_complain(msg);
		return -EINVAL;
	}
	if (cfg.empty) {
		err[0] = '\0';
		rc = xsim_world_load_file(*w, path, err, sizeof(err));
		if (rc) {
			snprintf(msg, sizeof(msg), "%s", err[0] ? err :
				 strerror(-rc));
			xp_complain(msg);
			xsim_world_detach(*w);
			*w = NULL;
			return -EINVAL;
		}
	}
	/* Not close-on-exec: exec'd children attach it (XENSIM_WORLD_FD). */
	store(&world_fd, xp_fd_move_high(xsim_world_fd(*w), false));
	xsim_world_set_fd(*w, load(&world_fd));
	store(&env_fd, load(&world_fd));
	export_env_fd(load(&world_fd));
	return 0;
}

/*
 * A read-only description of the world file, for pages a device maps
 * without write access: mprotect() cannot then make them writable (no
 * VM_MAYWRITE), so a read-only grant stays read-only.  -1 without /proc.
 */
static int open_read_only(int fd)
{
	char path[40];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return xp_fd_move_high(xp_real()->open(path, O_RDONLY | O_CLOEXEC),
			       true);
}

static void init_world(void)
{
	const char *fdstr = getenv("XENSIM_WORLD_FD");
	const char *name = getenv("XENSIM_WORLD_NAME");
	struct xsim_world *w = NULL;
	uint16_t domid;
	int rc;

	if (xsim_caller_domid_from_env(&domid)) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "XENSIM_CALLER_DOMID=%s: not a domain id (0..%u)",
			 getenv("XENSIM_CALLER_DOMID"),
			 XSIM_DOMID_FIRST_RESERVED - 1);
		xp_complain(msg);
		world_err = EINVAL;
		return;
	}
	caller_domid = domid;

	/* A name is an explicit choice: it wins over an inherited world. */
	if (name && *name)
		rc = attach_named(name, &w);
	else if (fdstr && *fdstr)
		rc = attach_inherited(fdstr, &w);
	else
		rc = create_world(&w);
	if (rc) {
		world_err = -rc;
		return;
	}
	store(&wake_fd, xp_fd_move_high(socket(AF_UNIX, SOCK_DGRAM |
						SOCK_CLOEXEC, 0), true));
	store(&reserve_fd, xp_fd_move_high(memfd_create("xensim-reserve",
							MFD_CLOEXEC), true));
	if (load(&wake_fd) < 0 || load(&reserve_fd) < 0) {
		xp_complain("cannot create the transport's private descriptors");
		world_err = EMFILE;
		return;
	}
	store(&ro_fd, open_read_only(xsim_world_fd(w)));
	world_id = xsim_world_id(w);
	xsim_dev_attach(w);
	xsim_dev_set_wake(w, xp_wake_cb, NULL);
	__atomic_store_n(&the_world, w, __ATOMIC_RELEASE);
}

struct xsim_world *xp_world(int *err)
{
	struct xsim_world *w = __atomic_load_n(&the_world, __ATOMIC_ACQUIRE);

	if (w)
		return w;
	pthread_once(&world_once, init_world);
	w = __atomic_load_n(&the_world, __ATOMIC_ACQUIRE);
	if (!w && err)
		*err = world_err ? world_err : EINVAL;
	return w;
}

struct xsim_world *xp_world_peek(void)
{
	return __atomic_load_n(&the_world, __ATOMIC_ACQUIRE);
}

uint64_t xp_world_id(void)
{
	return world_id;
}

uint16_t xp_caller_domid(void)
{
	return caller_domid;
}

int xp_reserve_fd(void)
{
	return load(&reserve_fd);
}

int xp_wake_fd(void)
{
	return load(&wake_fd);
}

int xp_world_ro_fd(void)
{
	return load(&ro_fd);
}
