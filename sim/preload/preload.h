/* SPDX-License-Identifier: MIT */
/*
 * Private to the LD_PRELOAD transport (sim/preload/): the pieces its
 * interposers share.  See DESIGN.md beside this file for the why.
 *
 *   real.c      libc's own entry points (dlsym RTLD_NEXT)
 *   world.c     the world, created or attached on first need; private fds
 *   sockname.c  a handle's socket: its path name, liveness, wake-ups
 *   sockdir.c   the directory those sockets live in (0700, per world)
 *   fdtable.c   per-process map fd -> {unknown, not ours, handle}
 *   vma.c       mappings made on device fds; the uaccess the models use
 *   hcbuf.c     hypercall buffers, copied through a private alias
 *   open.c, fdops.c, io.c, mmap.c: the interposers themselves
 *   exit.c      releasing this process's handles at exit()
 *
 * Every function here returns 0 / a result, or a negative errno, unless
 * it says otherwise.  Internal code calls libc through xp_libc, never by
 * the plain name: the plain name is our own interposer.
 */
#ifndef XENSIM_PRELOAD_H
#define XENSIM_PRELOAD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>

#include <xensim/device.h>
#include <xensim/handle_name.h>

#define XP_EXPORT	__attribute__((visibility("default")))

/* ---- real.c ---- */

struct xp_libc {
	int (*open)(const char *path, int flags, ...);
	int (*open64)(const char *path, int flags, ...);
	int (*openat)(int dirfd, const char *path, int flags, ...);
	int (*openat64)(int dirfd, const char *path, int flags, ...);
	int (*open_2)(const char *path, int flags);
	int (*open64_2)(const char *path, int flags);
	int (*openat_2)(int dirfd, const char *path, int flags);
	int (*openat64_2)(int dirfd, const char *path, int flags);
	int (*close)(int fd);
	int (*close_range)(unsigned int first, unsigned int last, int flags);
	void (*closefrom)(int lowfd);
	int (*dup)(int fd);
	int (*dup2)(int fd, int fd2);
	int (*dup3)(int fd, int fd2, int flags);
	int (*fcntl)(int fd, int cmd, ...);
	int (*fcntl64)(int fd, int cmd, ...);
	int (*ioctl)(int fd, unsigned long req, ...);
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off);
	void *(*mmap64)(void *addr, size_t len, int prot, int flags, int fd,
			off_t off);
	int (*munmap)(void *addr, size_t len);
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*write)(int fd, const void *buf, size_t len);
	ssize_t (*readv)(int fd, const struct iovec *iov, int iovcnt);
	ssize_t (*writev)(int fd, const struct iovec *iov, int iovcnt);
	ssize_t (*recvmsg)(int fd, struct msghdr *msg, int flags);
	int (*recvmmsg)(int fd, struct mmsghdr *vec, unsigned int vlen,
			int flags, struct timespec *timeout);
};

/* libc's functions, resolved once (thread-safe, from any constructor). */
const struct xp_libc *xp_real(void);

/* ---- world.c ---- */

/*
 * The world this process serves, created or attached on first call; NULL
 * with *err (a positive errno) when that failed (reason printed once).
 */
struct xsim_world *xp_world(int *err);
/* The world if it is already up, else NULL; never initialises. */
struct xsim_world *xp_world_peek(void);
uint64_t xp_world_id(void);
uint16_t xp_caller_domid(void);
/* Process-private descriptors: the memfd that backs reservations. */
int xp_reserve_fd(void);
int xp_wake_fd(void);
/* The world file opened read-only, or -1 (then map from xsim_world_fd). */
int xp_world_ro_fd(void);
/* Is fd one of ours (world, wake socket, reservation memfd, ...)? */
bool xp_is_private_fd(int fd);
/* Move our private fd away from fd before the app dup2()s over it. */
void xp_private_fd_evict(int fd);
/* The ascending list of private fds (for close_range); returns count.
 * out needs XP_MAX_PRIVATE_FDS entries. */
#define XP_MAX_PRIVATE_FDS	5
int xp_private_fds(int *out, int max);
/* Write "xensim: <msg>\n" to stderr. */
void xp_complain(const char *msg);
/* Duplicate fd to a number above what an application normally uses. */
int xp_fd_move_high(int fd, bool cloexec);

/*
 * Re-entry guard.  A signal handler that interrupts this thread inside a
 * device call (the machine lock held) and calls into the device layer
 * again would deadlock; such a nested call is refused with EINTR instead.
 */
extern __thread volatile sig_atomic_t xp_in_machine
	__attribute__((tls_model("initial-exec")));

static inline bool xp_enter(void)
{
	if (xp_in_machine)
		return false;
	xp_in_machine = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return true;
}

static inline void xp_leave(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	xp_in_machine = 0;
}

/* ---- sockname.c ---- */

#define XP_NAME_PREFIX	XSIM_HANDLE_NAME_PREFIX

/* The abstract address of handle f of world id: returns its length. */
socklen_t xp_name(struct sockaddr_un *sa, uint64_t world_id,
		  struct xsim_file f);
/* Parse an address of ours; false if it is not one. */
bool xp_name_parse(const struct sockaddr_un *sa, socklen_t len,
		   uint64_t *world_id, struct xsim_file *f);
/*
 * A new descriptor for handle f: an AF_UNIX datagram socket bound to its
 * name, with the open flags' O_CLOEXEC / O_NONBLOCK and access mode.
 */
int xp_handle_socket(struct xsim_file f, int oflags);
/* Does some descriptor, in any process, still hold f?  (connect probe) */
bool xp_handle_alive(struct xsim_file f);
/* Queue one wake-up datagram on f's socket (never blocks). */
void xp_handle_wake(struct xsim_file f);
/* The same, sent from fd (f's own descriptor, for a self-wake). */
void xp_handle_wake_from(int fd, struct xsim_file f);
/* xsim_dev_set_wake / xsim_dev_gc callbacks. */
void xp_wake_cb(struct xsim_world *w, struct xsim_file f, void *arg);
bool xp_alive_cb(struct xsim_world *w, struct xsim_file f, void *arg);
/* f's last descriptor may be gone: release it if so. */
void xp_release_if_dead(struct xsim_file f);

/* ---- sockdir.c (the world's socket directory, /dev/shm/xensim@ID) ---- */

/*
 * Make sure the directory exists (make: create it if missing) and is one
 * we trust (ours, 0700, not a symlink): 0, or -errno.  Cached.
 */
int xp_sockdir_ready(bool make);
/* The directory was found missing: check it again next time. */
void xp_sockdir_forget(void);
/* At exit: drop dead sockets' files; remove it if the world is done. */
void xp_sockdir_exit(void);

/* ---- fdtable.c ---- */

/*
 * One 64-bit word per fd:
 *   0           unknown: not seen yet, or invalidated (identify on use)
 *   1           not a device fd of this world
 *   ...10       a handle: bits 2-5 device, 6-7 access mode (O_ACCMODE),
 *               8-31 slot, 32-63 generation
 */
typedef uint64_t xp_fdent;

#define XP_FD_UNKNOWN	((xp_fdent)0)
#define XP_FD_OTHER	((xp_fdent)1)
_Static_assert(XSIM_NR_DEV_KINDS <= 16, "device kinds fit 4 bits");
#define XP_SLOT_LIMIT	(1u << 24)

static inline bool xp_fd_is_sim(xp_fdent e)
{
	return (e & 3) == 2;
}

static inline xp_fdent xp_fd_make(struct xsim_file f, unsigned dev,
				  unsigned acc)
{
	return (xp_fdent)f.gen << 32 | (xp_fdent)(f.slot & (XP_SLOT_LIMIT - 1))
		<< 8 | (xp_fdent)(acc & 3) << 6 | (xp_fdent)(dev & 15) << 2 | 2;
}

static inline struct xsim_file xp_fd_file(xp_fdent e)
{
	struct xsim_file f = {
		.slot = (uint32_t)(e >> 8) & (XP_SLOT_LIMIT - 1),
		.gen = (uint32_t)(e >> 32),
	};
	return f;
}

static inline enum xsim_dev_kind xp_fd_dev(xp_fdent e)
{
	return (enum xsim_dev_kind)((e >> 2) & 15);
}

static inline bool xp_fd_readable(xp_fdent e)
{
	unsigned acc = (e >> 6) & 3;

	return acc == 0 /* O_RDONLY */ || acc == 2 /* O_RDWR */;
}

static inline bool xp_fd_writable(xp_fdent e)
{
	unsigned acc = (e >> 6) & 3;

	return acc == 1 /* O_WRONLY */ || acc == 2 /* O_RDWR */;
}

static inline unsigned xp_fd_accmode(xp_fdent e)
{
	return (e >> 6) & 3;
}

xp_fdent xp_fd_get(int fd);
void xp_fd_set(int fd, xp_fdent e);
/* Replace e_old by e_new unless someone changed the entry meanwhile. */
void xp_fd_replace(int fd, xp_fdent e_old, xp_fdent e_new);
/* The entry, identifying an unknown fd first (one getsockname). */
xp_fdent xp_fd_classify(int fd);
/* Highest fd the table can remember, plus one. */
unsigned xp_fd_limit(void);
/* Forget every entry in [first, last], calling on_handle for handles. */
void xp_fd_forget_range(unsigned int first, unsigned int last,
			void (*on_handle)(struct xsim_file f));

/* ---- vma.c ---- */

struct xp_vma {
	uintptr_t start;
	size_t len;
	struct xsim_file f;
	uint64_t pgoff;
	int prot;
	uint64_t priv;	/* the device's word (vm_private_data); kept on split */
};

/* A piece of a device mapping that went away: tell the device. */
struct xp_cut {
	uintptr_t start;
	size_t len;
	struct xsim_file f;
};

/* Cuts collected under the table lock, told to the devices after it. */
struct xp_cuts {
	struct xp_cut *v;	/* buf, or malloc'ed when buf overflowed */
	int n, cap;
	struct xp_cut buf[8];
};

/* The uaccess the device models reach this process's memory through. */
extern const struct xsim_uaccess xp_uaccess;

void xp_vma_lock(void);
void xp_vma_unlock(void);
/* Are there any device mappings at all?  (lock-free fast path) */
bool xp_vma_any(void);
/* Record v; lock held.  -ENOMEM if the table cannot grow. */
int xp_vma_add_locked(const struct xp_vma *v);
void xp_cuts_init(struct xp_cuts *cl);
/* Forget [start, start + len) from the table, adding the pieces to cl. */
void xp_vma_cut_locked(uintptr_t start, size_t len, struct xp_cuts *cl);
/* Tell the devices (table lock NOT held) and empty cl. */
void xp_vma_notify(struct xp_cuts *cl);
/* After fork, in the child: no device mapping was inherited. */
void xp_vma_forget_all(void);

/* ---- hcbuf.c (hypercall buffers with a private alias) ---- */

typedef void *(*xp_mmap_fn)(void *addr, size_t len, int prot, int flags,
			    int fd, off_t off);

/* Are there any aliased hypercall buffers?  (lock-free fast path) */
bool xp_hcbuf_any(void);
/*
 * Map a hypercall buffer of len (page-rounded) bytes where fn would put
 * a shared anonymous mapping, with its alias; MAP_FAILED and errno as
 * mmap.  VMA table lock held.
 */
void *xp_hcbuf_map(xp_mmap_fn fn, void *addr, size_t len, int prot,
		   int flags);
/* [start, start + len) was unmapped or mapped over; lock held. */
void xp_hcbuf_cut_locked(uintptr_t start, size_t len);
/*
 * Copy through the alias when one buffer holds the whole range with the
 * access needed: true if done, false to take the kernel path.
 */
bool xp_hcbuf_copy_in(void *dst, uintptr_t usrc, size_t len);
bool xp_hcbuf_copy_out(uintptr_t udst, const void *src, size_t len);

/* ---- io.c ---- */

ssize_t xp_sim_read(int fd, xp_fdent e, void *buf, size_t len);

#endif /* XENSIM_PRELOAD_H */
