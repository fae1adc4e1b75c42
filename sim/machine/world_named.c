/* SPDX-License-Identifier: MIT */
/*
 * Named worlds: the world file under a name in /dev/shm, so that unrelated
 * processes (a toolstack, a device model, the suite) join one machine.
 * The mechanism is the one a private world uses (a shared file every
 * process maps); only how a process finds the file differs.  See
 * sim/WORLDS.md.
 *
 * A world is built in an unnamed file (O_TMPFILE) and linked under its
 * name only when complete, so an attacher never sees half a machine, and
 * two creators racing for one name cannot both win (link fails EEXIST).
 * The header records the creator (pid and start time, so that a reused
 * pid is not mistaken for it): with no live handle either, a world
 * nobody serves is stale.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xensim/machine.h>

#include "layout.h"

static void say(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

int xsim_world_name_check(const char *name)
{
	size_t n;

	if (!name)
		return -EINVAL;
	n = strlen(name);
	if (n < 1 || n > XSIM_WORLD_NAME_MAX)
		return -EINVAL;
	/* "." and ".." would name the directory, not a file in it. */
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	if (strspn(name, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		return -EINVAL;
	return 0;
}

int xsim_world_path(const char *name, char *buf, size_t len)
{
	int n;

	if (xsim_world_name_check(name))
		return -EINVAL;
	n = snprintf(buf, len, "%s/%s%s", XSIM_WORLD_DIR, XSIM_WORLD_PREFIX,
		     name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * A process's start time in clock ticks after boot (/proc/PID/stat field
 * 22, proc(5)): with the pid, it names one process even after the pid is
 * reused.  0 if it cannot be read.  *zombie: it has exited (state Z or
 * X) but its parent has not reaped it; kill(pid, 0) still succeeds then.
 */
static uint64_t proc_start_time(uint32_t pid, bool *zombie)
{
	char path[32], buf[1024];
	unsigned long long start = 0;
	const char *p;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and ')': skip past the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	if (zombie)
		*zombie = p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
	for (field = 2; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (sscanf(p, "%llu", &start) != 1)
		return 0;
	return start;
}

void xsim_world_record_creator(struct xsim_shared *sh)
{
	uint32_t pid = (uint32_t)getpid();

	sh->creator_pid = pid;
	sh->creator_start = proc_start_time(pid, NULL);
	sh->created_at = (int64_t)time(NULL);
}

void xsim_world_set_creator(struct xsim_world *w)
{
	xsim_lock(w);
	xsim_world_record_creator(w->sh);
	xsim_unlock(w);
}

bool xsim_world_creator_alive(const struct xsim_world *w)
{
	uint32_t pid = w->sh->creator_pid;
	bool zombie = false;
	uint64_t start;

	if (!pid || (kill((pid_t)pid, 0) < 0 && errno == ESRCH))
		return false;
	start = proc_start_time(pid, &zombie);
	if (zombie)
		return false;
	/* Unreadable /proc: trust kill(); else the pid must not be reused. */
	return !start || !w->sh->creator_start || start == w->sh->creator_start;
}

void xsim_world_info(struct xsim_world *w, struct xsim_world_info *out)
{
	memset(out, 0, sizeof(*out));
	xsim_lock(w);
	memcpy(out->name, w->sh->name, sizeof(out->name) - 1);
	memcpy(out->profile, w->sh->profile, sizeof(out->profile) - 1);
	out->world_id = w->sh->world_id;
	out->creator_pid = w->sh->creator_pid;
	out->creator_start = w->sh->creator_start;
	out->created_at = w->sh->created_at;
	out->lock_recoveries = w->sh->lock_recoveries;
	xsim_unlock(w);
}

/*
 * The part of the header every version since 1 starts with: enough to
 * tell "another build" from "not a world" before trusting the rest.
 */
struct header_prefix {
	uint64_t magic;
	uint32_t version;
	uint32_t header_bytes;
	uint64_t size;
};

int xsim_world_check_fd(int fd, char *why, size_t whylen)
{
	struct header_prefix pre;
	struct xsim_shared sh;
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int e = errno;

		say(why, whylen, "%s", strerror(e));
		return -e;
	}
	if ((uint64_t)st.st_size < sizeof(pre) ||
	    pread(fd, &pre, sizeof(pre), 0) != (ssize_t)sizeof(pre) ||
	    pre.magic != XSIM_MAGIC) {
		say(why, whylen, "not a xensim world (no xensim header)");
		return -EINVAL;
	}
	if (pre.version != XSIM_VERSION) {
		say(why, whylen,
		    "made by another build of xensim (world format version %u, this build reads version %u)",
		    pre.version, XSIM_VERSION);
		return -EPROTO;
	}
	if (pre.header_bytes != sizeof(sh) ||
	    pread(fd, &sh, sizeof(sh), 0) != (ssize_t)sizeof(sh) ||
	    sh.layout_sig != xsim_layout_sig()) {
		say(why, whylen,
		    "made by another build of xensim (same format version %u, different layout of the shared structures)",
		    pre.version);
		return -EPROTO;
	}
	if (sh.size != (uint64_t)st.st_size) {
		say(why, whylen,
		    "damaged: the file has %llu bytes, its header says %llu",
		    (unsigned long long)st.st_size,
		    (unsigned long long)sh.size);
		return -EINVAL;
	}
	return 0;
}

int xsim_world_create_named(const char *name,
			    const struct xsim_world_config *cfg,
			    struct xsim_world **out)
{
	struct xsim_world *w;
	int fd, rc;

	if (xsim_world_name_check(name))
		return -EINVAL;
	/*
	 * Unnamed until complete.  0600: the machine is root's, as a
	 * hypervisor is; a user's world is that user's (sim/WORLDS.md).
	 */
	fd = open(XSIM_WORLD_DIR, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = xsim_world_create_in(fd, cfg, &w);
	if (rc)
		return rc;
	xsim_lock(w);
	strncpy(w->sh->name, name, sizeof(w->sh->name) - 1);
	xsim_unlock(w);
	*out = w;
	return 0;
}

int xsim_world_publish(struct xsim_world *w)
{
	char path[128], self[40];

	if (xsim_world_path(w->sh->name, path, sizeof(path)))
		return -EINVAL;
	/* linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; /proc does not. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", xsim_world_fd(w));
	if (linkat(AT_FDCWD, self, AT_FDCWD, path, AT_SYMLINK_FOLLOW) < 0)
		return -errno;
	return 0;
}

int xsim_world_attach_named(const char *name, struct xsim_world **out,
			    char *why, size_t whylen)
{
	char path[128], sub[200];
	int fd, rc;

	if (xsim_world_path(name, path, sizeof(path))) {
		say(why, whylen,
		    "not a world name (1 to %d characters of A-Z a-z 0-9 _ . -)",
		    XSIM_WORLD_NAME_MAX);
		return -EINVAL;
	}
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT)
			say(why, whylen, "no world called %s (%s)", name, path);
		else
			say(why, whylen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = xsim_world_check_fd(fd, sub, sizeof(sub));
	if (rc) {
		say(why, whylen, "%s: %s", path, sub);
		close(fd);
		return rc;
	}
	rc = xsim_world_attach_fd_why(fd, out, sub, sizeof(sub));
	close(fd);
	if (rc == -EIO)
		say(why, whylen, "%s: %s", path, sub);
	else if (rc)
		say(why, whylen, "%s: %s", path, strerror(-rc));
	return rc;
}

int xsim_world_unlink_named(const char *name)
{
	char path[128];

	if (xsim_world_path(name, path, sizeof(path)))
		return -EINVAL;
	return unlink(path) < 0 ? -errno : 0;
}
