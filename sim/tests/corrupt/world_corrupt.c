/* SPDX-License-Identifier: MIT */
/*
 * A corrupted world must fail calls, not kill their process
 * (sim/WORLDS.md, "A corrupted world").  Run under the preload in a named
 * world, with one case name:
 *
 *   XENSIM_WORLD_NAME=N LD_PRELOAD=.../libxensim-preload.so \
 *       xsim-world-corrupt CASE
 *
 * A forked child opens the devices (joining the world), makes a call that
 * must succeed, damages one structure of the world file through a mapping
 * of its own (not the preload's), then makes the call twice more.  The
 * parent prints TAP lines (unnumbered; sim/tests/world-corrupt.sh adds the
 * plan): the child was not killed, both calls failed with EIO, and its
 * stderr has exactly one "world corrupted: " line naming the structure.
 *
 * It reads the layout (offsets, struct sizes) from sim/machine/layout.h
 * but links nothing of the simulator: every call is a real ioctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xensim/uapi.h>

#include "../../machine/layout.h"

enum call { CALL_VERSION, CALL_ALLOC, CALL_BIND };

struct tcase {
	const char *name;
	enum call call;
	const char *expect;	/* in the message; NULL: the call must work */
};

static const struct tcase cases[] = {
	{ "header-offset", CALL_VERSION, "header: " },
	{ "free-list-head", CALL_ALLOC, "free list: " },
	{ "free-list-link", CALL_ALLOC, "free list: " },
	{ "page-meta", CALL_ALLOC, "page metadata: " },
	{ "domain-table", CALL_BIND, "domain table: domain 0: bad p2m root" },
	{ "domain-domid", CALL_BIND, "domain table: domain 0: bad domid" },
	{ "effect-mask", CALL_BIND, "effect ring: " },
	{ "effect-seq", CALL_BIND, NULL },
	{ "handle-table", CALL_VERSION, "handle table: " },
	{ "truncate-tail", CALL_VERSION, "the world file shrank to 4096 bytes" },
	{ "truncate-all", CALL_VERSION, "the world file shrank to 0 bytes" },
};

static int privcmd = -1, evtchn = -1, gntalloc = -1;

static int do_call(enum call c)
{
	switch (c) {
	case CALL_VERSION: {
		/* xen/include/public/xen.h: __HYPERVISOR_xen_version, XENVER_version */
		struct privcmd_hypercall h = { .op = 17 };

		return ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h) < 0 ? -1 : 0;
	}
	case CALL_ALLOC: {
		struct ioctl_gntalloc_alloc_gref a = {
			.domid = 1, .flags = GNTALLOC_FLAG_WRITABLE, .count = 1,
		};

		return ioctl(gntalloc, IOCTL_GNTALLOC_ALLOC_GREF, &a) < 0 ? -1 : 0;
	}
	case CALL_BIND: {
		struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = 1 };

		return ioctl(evtchn, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b) < 0 ? -1 : 0;
	}
	}
	return -1;
}

/* Damage one structure through our own shared mapping of the file. */
static int corrupt(const char *path, const char *name)
{
	struct xsim_shared *sh;
	struct stat st;
	uint8_t *b;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	if (!strcmp(name, "truncate-tail") || !strcmp(name, "truncate-all")) {
		int rc = ftruncate(fd, name[9] == 't' ? XSIM_PAGE_SIZE : 0);

		close(fd);
		return rc;
	}
	b = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	close(fd);
	if (b == MAP_FAILED)
		return -1;
	sh = (struct xsim_shared *)b;
	if (!strcmp(name, "header-offset")) {
		sh->domains_off += 1ull << 40;
	} else if (!strcmp(name, "free-list-head")) {
		sh->free_head = 0xFFFFFF00u;
	} else if (!strcmp(name, "free-list-link")) {
		struct xsim_page *pm = (void *)(b + sh->page_meta_off);

		pm[sh->free_head].next_free = 0x7FFFFFF0u;
	} else if (!strcmp(name, "page-meta")) {
		struct xsim_page *pm = (void *)(b + sh->page_meta_off);

		pm[sh->free_head].type = 0xEE;
	} else if (!strcmp(name, "domain-table")) {
		struct xsim_domain *d = (void *)(b + sh->domains_off);

		d[0].p2m_root = 0xFFFFFF00u;
	} else if (!strcmp(name, "domain-domid")) {
		struct xsim_domain *d = (void *)(b + sh->domains_off);

		d[0].domid = 7;
	} else if (!strcmp(name, "effect-mask")) {
		struct xsim_effect_ring *r = (void *)(b + sh->effect_off);

		r->mask = 0xFFFFFFFFu;
	} else if (!strcmp(name, "effect-seq")) {
		struct xsim_effect_ring *r = (void *)(b + sh->effect_off);

		atomic_store(&r->next_seq, 0xFFFFFFFFFFFFFF00ull);
	} else if (!strcmp(name, "handle-table")) {
		sh->handle_free_head = 0xFFFFFFF0u;
	} else {
		munmap(b, (size_t)st.st_size);
		return -1;
	}
	munmap(b, (size_t)st.st_size);
	return 0;
}

/* The child: exit 0 and write "rc1 errno1 rc2 errno2" to out. */
static void child(const struct tcase *t, const char *path, int out)
{
	int rc1, e1, rc2, e2;
	char buf[64];

	privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	evtchn = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	gntalloc = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
	if (privcmd < 0 || evtchn < 0 || gntalloc < 0) {
		perror("open /dev/xen/*");
		_exit(3);
	}
	if (do_call(t->call)) {
		perror("the call before the damage");
		_exit(4);
	}
	if (corrupt(path, t->name)) {
		perror("damaging the world file");
		_exit(5);
	}
	rc1 = do_call(t->call);
	e1 = rc1 ? errno : 0;
	rc2 = do_call(t->call);
	e2 = rc2 ? errno : 0;
	snprintf(buf, sizeof(buf), "%d %d %d %d\n", rc1, e1, rc2, e2);
	if (write(out, buf, strlen(buf)) < 0)
		_exit(6);
	_exit(0);
}

static int count_lines(const char *file, const char *needle, char *first,
		       size_t len)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "world corrupted: "))
			continue;
		if (!n++)
			snprintf(first, len, "%s", line);
	}
	fclose(f);
	(void)needle;
	return n;
}

int main(int argc, char **argv)
{
	const char *name = getenv("XENSIM_WORLD_NAME");
	const struct tcase *t = NULL;
	char path[256], errfile[] = "/tmp/xsim-corrupt-XXXXXX", first[512] = "";
	char res[64] = "";
	int p[2], efd, status, rc1 = 0, e1 = 0, rc2 = 0, e2 = 0, lines;
	pid_t pid;
	size_t i;
	ssize_t n;

	for (i = 0; argc == 2 && i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(argv[1], cases[i].name))
			t = &cases[i];
	if (!t || !name) {
		fprintf(stderr, "usage: XENSIM_WORLD_NAME=N %s CASE\n", argv[0]);
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			fprintf(stderr, "  %s\n", cases[i].name);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/%s%s", XSIM_WORLD_DIR,
		 XSIM_WORLD_PREFIX, name);
	efd = mkstemp(errfile);
	if (efd < 0 || pipe(p) < 0) {
		perror("set-up");
		return 2;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		close(p[0]);
		dup2(efd, STDERR_FILENO);
		child(t, path, p[1]);
	}
	close(p[1]);
	n = read(p[0], res, sizeof(res) - 1);
	if (n > 0)
		res[n] = '\0';
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 2;
	}
	lines = count_lines(errfile, t->expect, first, sizeof(first));
	unlink(errfile);
	if (WIFSIGNALED(status))
		printf("not ok - %s: the client survives (killed by signal %d, %s)\n",
		       t->name, WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status))
		printf("not ok - %s: the client survives (exit %d)\n", t->name,
		       WEXITSTATUS(status));
	else
		printf("ok - %s: the client survives\n", t->name);
	sscanf(res, "%d %d %d %d", &rc1, &e1, &rc2, &e2);
	if (!t->expect) {
		printf("%s - %s: calls still work (%d/%s, %d/%s)\n",
		       !rc1 && !rc2 && *res ? "ok" : "not ok", t->name,
		       rc1, strerror(e1), rc2, strerror(e2));
		printf("%s - %s: no corruption reported (%d lines)\n",
		       lines == 0 ? "ok" : "not ok", t->name, lines);
		return 0;
	}
	printf("%s - %s: both calls fail with EIO (%d/%s, %d/%s)\n",
	       rc1 == -1 && e1 == EIO && rc2 == -1 && e2 == EIO ? "ok" : "not ok",
	       t->name, rc1, strerror(e1), rc2, strerror(e2));
	first[strcspn(first, "\n")] = '\0';
	printf("%s - %s: one \"world corrupted: %s...\" line (%d lines; \"%s\")\n",
	       lines == 1 && strstr(first, t->expect) ? "ok" : "not ok",
	       t->name, t->expect, lines, first);
	return 0;
}
