/* SPDX-License-Identifier: MIT */
/*
 * The world's socket directory, /dev/shm/xensim@<world id> (mode 0700,
 * owned by the world's owner), where every handle's socket is bound
 * (<xensim/handle_name.h>).  Inside it, nothing of another user can
 * reach a handle: bind, connect and sendto all need search permission on
 * the directory.  What remains is the directory's own name, which lives
 * in a world-writable /dev/shm: another user who read it in
 * /proc/net/unix could create it first if it were ever missing while the
 * world still needs it.  Hence the rules (DESIGN.md, "Naming"):
 *
 *   created  by the first bind of the world, in whichever process; before
 *            that the name is unknowable (64 random bits, in the world
 *            file only);
 *   trusted  only if it is a real directory (not a symlink), owned by us
 *            or by the world file's owner, mode exactly 0700;
 *   removed  only when no socket in it is live and the world can never
 *            need it again: no other process holds the world's file (a
 *            private world, a memfd, is reachable only by inheritance),
 *            and a named world's file was unlinked (`xrc sim stop`) so
 *            that nobody can join it any more.  xensim-world processes
 *            (keeper, status) do not count: they never bind.  A process
 *            of a stopped world never creates the directory again.
 *
 * It holds one marker, "private-<dev>-<ino>" or "named-<dev>-<ino>" (the
 * world file's st_dev and st_ino), so that a sweep that does not have the
 * world (a crashed world's leftovers; `xrc sim gc`) can tell whether the
 * world is gone.  The sweep runs when a process creates a directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "preload.h"

/* What this process knows of its world's file (set once, then read). */
struct world_file {
	dev_t dev;
	ino_t ino;
	uid_t uid;
	bool named;
};

static atomic_int dir_ok;	/* 1: validated (or created) in this process */
static atomic_int complained;

static int world_file(struct world_file *wf)
{
	struct xsim_world *w = xp_world_peek();
	char link[64], target[16];
	struct stat st;
	ssize_t n;

	if (!w || fstat(xsim_world_fd(w), &st) < 0)
		return -EINVAL;
	wf->dev = st.st_dev;
	wf->ino = st.st_ino;
	wf->uid = st.st_uid;
	/* A private world is a memfd (Linux mm/memfd.c: "memfd:<name>"). */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", xsim_world_fd(w));
	n = readlink(link, target, sizeof(target));
	wf->named = !(n >= 7 && !memcmp(target, "/memfd:", 7));
	return 0;
}

/* Is the world file still reachable by name (a named world not stopped)? */
static bool world_linked(void)
{
	struct xsim_world *w = xp_world_peek();
	struct stat st;

	return w && !fstat(xsim_world_fd(w), &st) && st.st_nlink > 0;
}

/* 0: st is a directory we may trust; -EACCES otherwise. */
static int trusted(const struct stat *st, uid_t world_uid)
{
	if (!S_ISDIR(st->st_mode) || (st->st_mode & 07777) != 0700 ||
	    (st->st_uid != geteuid() && st->st_uid != world_uid))
		return -EACCES;
	return 0;
}

static void complain(const char *dir, const struct stat *st)
{
	char msg[200];

	if (atomic_exchange(&complained, 1))
		return;
	snprintf(msg, sizeof(msg),
		 "%s is not this world's socket directory (uid %u, mode %o): refusing to use it",
		 dir, (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777));
	xp_complain(msg);
}

static void marker_name(char *buf, size_t len, const struct world_file *wf)
{
	snprintf(buf, len, "%s-%llu-%llu", wf->named ? "named" : "private",
		 (unsigned long long)wf->dev, (unsigned long long)wf->ino);
}

/* Parse a marker; false if name is not one. */
static bool marker_parse(const char *name, struct world_file *wf)
{
	unsigned long long dev, ino;
	int used = 0;

	if (!strncmp(name, "named-", 6))
		wf->named = true;
	else if (!strncmp(name, "private-", 8))
		wf->named = false;
	else
		return false;
	name += wf->named ? 6 : 8;
	if (sscanf(name, "%llu-%llu%n", &dev, &ino, &used) != 2 ||
	    name[used] || name[0] < '0' || name[0] > '9')
		return false;
	wf->dev = (dev_t)dev;
	wf->ino = (ino_t)ino;
	return true;
}

/* "<slot>-<gen>", decimal: a handle's socket. */
static bool handle_leaf(const char *name)
{
	const char *p = name;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != '-' || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return !*p;
}

/*
 * Is pid xensim-world (a named world's keeper, or `xrc sim status`)?  It
 * holds the world but never binds a handle, so it does not keep the
 * directory: `xrc sim stop` removes the world before its keeper exits.
 */
static bool world_tool(long pid)
{
	const struct xp_libc *c = xp_real();
	char path[40], comm[16] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	fd = c->open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = c->read(fd, comm, sizeof(comm) - 1);
	c->close(fd);
	return n > 0 && !strcmp(comm, "xensim-world\n");
}

/*
 * Does a process other than us (and other than a world tool) hold a
 * descriptor of file (dev, ino)?  Another user's processes cannot be
 * looked at, and cannot hold a world of ours either: its file is 0600.
 */
static bool held_elsewhere(dev_t dev, ino_t ino)
{
	const struct xp_libc *c = xp_real();
	DIR *proc = opendir("/proc");
	struct dirent *pe, *fe;
	pid_t self = getpid();
	bool held = false;

	if (!proc)
		return true;	/* cannot tell: keep it */
	while (!held && (pe = readdir(proc))) {
		char path[64];
		char *end;
		long pid = strtol(pe->d_name, &end, 10);
		DIR *fds;
		int fd;

		if (*end || end == pe->d_name || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
		fd = c->open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		fds = fdopendir(fd);
		if (!fds) {
			c->close(fd);
			continue;
		}
		while (!held && (fe = readdir(fds))) {
			struct stat st;

			if (fe->d_name[0] != '.' &&
			    !fstatat(fd, fe->d_name, &st, 0) &&
			    st.st_dev == dev && st.st_ino == ino)
				held = !world_tool(pid);
		}
		closedir(fds);
	}
	closedir(proc);
	return held;
}

/* Is a named world's file (dev, ino) still linked in XSIM_WORLD_DIR? */
static bool named_world_exists(dev_t dev, ino_t ino)
{
	DIR *d = opendir(XSIM_WORLD_DIR);
	struct dirent *de;
	bool found = false;

	if (!d)
		return true;	/* cannot tell: keep it */
	while (!found && (de = readdir(d))) {
		struct stat st;

		if (!strncmp(de->d_name, XSIM_WORLD_PREFIX,
			     sizeof(XSIM_WORLD_PREFIX) - 1) &&
		    !fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
		    st.st_dev == dev && st.st_ino == ino)
			found = true;
	}
	closedir(d);
	return found;
}

/* Is the socket at path (in a trusted directory) held by anyone? */
static bool socket_live(const char *path)
{
	const struct xp_libc *c = xp_real();
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s, rc, e;

	if (strlen(path) >= sizeof(sa.sun_path))
		return true;
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return true;
	rc = connect(s, (struct sockaddr *)&sa, sizeof(sa));
	e = errno;
	c->close(s);
	return rc == 0 || (e != ECONNREFUSED && e != ENOENT);
}

/*
 * Empty directory dir of its dead sockets; remove it if nothing in it is
 * live and gone(world) says the world can never bind there again.  self:
 * dir is this process's own world's (wf from world_file).
 */
static void tidy(const char *dir, const struct world_file *self)
{
	const struct xp_libc *c = xp_real();
	struct world_file wf = { 0 };
	char marker[sizeof(((struct dirent *)0)->d_name)] = "";
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool busy = false, have = false, gone;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	fd = c->open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || trusted(&st, self ? self->uid : geteuid()) ||
	    !(d = fdopendir(fd))) {
		c->close(fd);
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!have && marker_parse(de->d_name, &wf)) {
			have = true;
			snprintf(marker, sizeof(marker), "%s", de->d_name);
		} else if (handle_leaf(de->d_name) &&
			   (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
					    de->d_name) < sizeof(path) &&
			   !socket_live(path)) {
			(void)unlinkat(fd, de->d_name, 0);
		} else {
			busy = true;	/* live, or not ours to judge */
		}
	}
	if (self && !have) {
		wf = *self;	/* a marker lost in a race: judge by ours */
		have = true;
	}
	if (!busy && have) {
		/*
		 * A process of the world could still bind there: it must not
		 * find the directory gone.  A named world can also be joined
		 * while its file is linked.
		 */
		gone = true;
		/* The cheap test first: a named world still linked stays,
		 * without the walk over every process's descriptors. */
		if (wf.named)
			gone = self ? !world_linked() :
				      !named_world_exists(wf.dev, wf.ino);
		if (gone)
			gone = !held_elsewhere(wf.dev, wf.ino);
		if (gone) {
			if (marker[0])
				(void)unlinkat(fd, marker, 0);
			/* ENOTEMPTY: a socket was bound meanwhile: keep it. */
			(void)rmdir(dir);
		}
	}
	closedir(d);
}

/*
 * /proc/net/unix, whole (malloc'ed, NUL-terminated), or NULL: the path of
 * every bound socket of this network namespace, one read for all the
 * directories instead of a connect() per socket.
 */
static char *bound_paths(void)
{
	const struct xp_libc *c = xp_real();
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap), *grown;
	ssize_t n;
	int fd = c->open("/proc/net/unix", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf)
		goto fail;
	for (;;) {
		if (cap - len < 4096) {
			grown = realloc(buf, cap * 2);
			if (!grown)
				goto fail;
			buf = grown;
			cap *= 2;
		}
		n = c->read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (!n)
			break;
		len += (size_t)n;
	}
	c->close(fd);
	buf[len] = '\0';
	return buf;
fail:
	if (fd >= 0)
		c->close(fd);
	free(buf);
	return NULL;
}

/*
 * Tidy other worlds' directories left by processes that died unseen.  A
 * directory with a bound socket is in use: skipped without a look.
 */
static void sweep(const char *mine)
{
	const size_t pre = sizeof("xensim@") - 1;
	char dir[XSIM_HANDLE_DIR_LEN + 2], *bound = bound_paths();
	DIR *d = opendir(XSIM_WORLD_DIR);
	struct dirent *de;

	if (!d || !bound)
		goto out;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "xensim@", pre) ||
		    strlen(de->d_name) != pre + 16)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s/", XSIM_WORLD_DIR,
			 de->d_name);
		if (strstr(bound, dir))
			continue;
		dir[strlen(dir) - 1] = '\0';
		if (strcmp(dir, mine))
			tidy(dir, NULL);
	}
out:
	if (d)
		closedir(d);
	free(bound);
}

/* Create dir (0700) with its marker; 0, or -errno. */
static int create(const char *dir, const struct world_file *wf)
{
	const struct xp_libc *c = xp_real();
	char marker[96];
	int fd;

	if (mkdir(dir, 0700) < 0)
		return -errno;
	fd = c->open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Not what the umask left: exactly 0700, checked by every user. */
	(void)fchmod(fd, 0700);
	marker_name(marker, sizeof(marker), wf);
	(void)mknodat(fd, marker, S_IFREG | 0600, 0);
	c->close(fd);
	sweep(dir);
	return 0;
}

int xp_sockdir_ready(bool make)
{
	char dir[XSIM_HANDLE_DIR_LEN + 1];
	struct world_file wf;
	struct stat st;
	int rc, tries;

	if (atomic_load_explicit(&dir_ok, memory_order_acquire))
		return 0;
	if (world_file(&wf))
		return -EINVAL;
	xsim_handle_dir(dir, xp_world_id());
	for (tries = 0; tries < 3; tries++) {
		if (!lstat(dir, &st)) {
			rc = trusted(&st, wf.uid);
			if (rc) {
				complain(dir, &st);
				return rc;
			}
			atomic_store_explicit(&dir_ok, 1, memory_order_release);
			return 0;
		}
		if (errno != ENOENT || !make)
			return -errno;
		/*
		 * A stopped named world: its name may be anybody's now, and
		 * new joins get ENOENT (sim/WORLDS.md): so do new opens.
		 */
		if (wf.named && !world_linked())
			return -ENOENT;
		rc = create(dir, &wf);
		if (!rc) {
			atomic_store_explicit(&dir_ok, 1, memory_order_release);
			return 0;
		}
		if (rc != -EEXIST)
			return rc;
		/* Another process of the world made it first: check it. */
	}
	return -EAGAIN;
}

void xp_sockdir_forget(void)
{
	atomic_store_explicit(&dir_ok, 0, memory_order_release);
}

void xp_sockdir_exit(void)
{
	char dir[XSIM_HANDLE_DIR_LEN + 1];
	struct world_file wf;

	if (!xp_world_peek() || world_file(&wf))
		return;
	xsim_handle_dir(dir, xp_world_id());
	tidy(dir, &wf);
}
