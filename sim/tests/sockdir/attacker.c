/* SPDX-License-Identifier: MIT */
/*
 * xsim-sockdir-attacker: another user's process against a world's handle
 * sockets (sim/preload/DESIGN.md, "Naming"; sim/tests/world-sockdir.sh
 * runs it as nobody).  It knows the names only from /proc/net/unix, which
 * every user can read, and tries both the old scheme (abstract
 * "\0xensim-<id>-<slot>-<gen>", each id it sees) and the new one (paths
 * under /dev/shm/xensim@<id>/):
 *
 *   prebind NAME SLOTS GENS  bind the names of the handles not opened
 *                       yet of the world NAME is a handle of (NAME as
 *                       /proc/net/unix shows it: "@xensim-..." or a path)
 *   poke NAME FILE      connect and send datagrams to every live name of
 *                       that world; remember the names in FILE
 *   rebind FILE         bind the names in FILE (handles now closed)
 *
 * prebind and rebind keep their sockets bound until stdin reaches EOF
 * (the owner closes the pipe), after printing one line with the counts.
 * Exit 0 unless the attack could not be mounted at all (exit 2).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_IDS		64
#define PATH_PREFIX	"/dev/shm/xensim@"

static uint64_t ids[MAX_IDS];
static int nr_ids;

static void add_id(uint64_t id)
{
	int i;

	for (i = 0; i < nr_ids; i++)
		if (ids[i] == id)
			return;
	if (nr_ids < MAX_IDS)
		ids[nr_ids++] = id;
}

/* Every name /proc/net/unix shows, as sockaddr text: "@..." or "/...". */
static int each_name(void (*fn)(const char *name, void *arg), void *arg)
{
	FILE *f = fopen("/proc/net/unix", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *name = strrchr(line, ' ');

		line[strcspn(line, "\n")] = '\0';
		if (!name || (strncmp(name + 1, "@xensim-", 8) &&
			      strncmp(name + 1, PATH_PREFIX,
				      sizeof(PATH_PREFIX) - 1)))
			continue;
		fn(name + 1, arg);
		n++;
	}
	fclose(f);
	return n;
}

/* The world id in a name of either scheme; false if there is none. */
static bool name_id(const char *name, uint64_t *id)
{
	const char *hex;
	char *end;

	if (!strncmp(name, "@xensim-", 8))
		hex = name + 8;
	else if (!strncmp(name, PATH_PREFIX, sizeof(PATH_PREFIX) - 1))
		hex = name + sizeof(PATH_PREFIX) - 1;
	else
		return false;
	*id = strtoull(hex, &end, 16);
	return end == hex + 16;
}

/* The sockaddr for name text ("@..." abstract, "/..." a path). */
static socklen_t addr(struct sockaddr_un *sa, const char *name)
{
	size_t len = strlen(name);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (len >= sizeof(sa->sun_path))
		len = sizeof(sa->sun_path) - 1;
	memcpy(sa->sun_path, name, len);
	if (name[0] == '@') {
		sa->sun_path[0] = '\0';
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

/* Bind a socket to name and keep it: 1 if that worked. */
static int take(const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = addr(&sa, name);
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (s < 0)
		return 0;
	if (bind(s, (struct sockaddr *)&sa, len) == 0)
		return 1;	/* kept open until exit */
	close(s);
	return 0;
}

static void hold_until_eof(void)
{
	char buf[64];

	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
}

static int prebind(const char *target, unsigned slots, unsigned gens)
{
	unsigned abs_ok = 0, path_ok = 0, dirs_ok = 0, tried = 0;
	uint64_t id;
	int i;

	if (!name_id(target, &id)) {
		printf("prebind: %s is no handle's name\n", target);
		return 2;
	}
	add_id(id);
	for (i = 0; i < nr_ids; i++) {
		char dir[64], name[128];
		unsigned s, g;

		snprintf(dir, sizeof(dir), PATH_PREFIX "%016" PRIx64, ids[i]);
		/* Take the directory first, if it were ever missing. */
		if (mkdir(dir, 0777) == 0)
			dirs_ok++;
		for (s = 0; s < slots; s++)
			for (g = 1; g <= gens; g++) {
				snprintf(name, sizeof(name),
					 "@xensim-%016" PRIx64 "-%u-%u", ids[i],
					 s, g);
				abs_ok += (unsigned)take(name);
				snprintf(name, sizeof(name), "%s/%u-%u", dir,
					 s, g);
				path_ok += (unsigned)take(name);
				tried++;
			}
	}
	printf("prebind: world %016" PRIx64 "; abstract names bound %u, path names bound %u, directories made %u, of %u\n",
	       id, abs_ok, path_ok, dirs_ok, tried);
	hold_until_eof();
	return 0;
}

struct poke {
	uint64_t id;
	FILE *save;
	unsigned names, sent, connected;
};

static void poke_one(const char *name, void *arg)
{
	struct poke *p = arg;
	struct sockaddr_un sa;
	socklen_t len = addr(&sa, name);
	int s, i;
	uint64_t id;

	if (!name_id(name, &id) || id != p->id)
		return;		/* another world's */
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	p->names++;
	fprintf(p->save, "%s\n", name);
	if (s < 0)
		return;
	/* A burst: more than one wake-up, in case one were coalesced. */
	for (i = 0; i < 4; i++)
		if (sendto(s, "x", 1, MSG_DONTWAIT,
			   (struct sockaddr *)&sa, len) == 1 && i == 0)
			p->sent++;
	if (connect(s, (struct sockaddr *)&sa, len) == 0)
		p->connected++;
	close(s);
}

static int poke(const char *target, const char *file)
{
	struct poke p = { .save = fopen(file, "w") };

	if (!name_id(target, &p.id)) {
		printf("poke: %s is no handle's name\n", target);
		return 2;
	}
	if (!p.save) {
		printf("cannot write %s: %s\n", file, strerror(errno));
		return 2;
	}
	each_name(poke_one, &p);
	fclose(p.save);
	printf("poke: %u names; sent to %u, connected to %u\n", p.names,
	       p.sent, p.connected);
	return p.names ? 0 : 2;
}

static int rebind(const char *file)
{
	FILE *f = fopen(file, "r");
	char line[256];
	unsigned n = 0, ok = 0;

	if (!f) {
		printf("cannot read %s: %s\n", file, strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		n++;
		ok += (unsigned)take(line);
	}
	fclose(f);
	printf("rebind: bound %u of %u closed handles' names\n", ok, n);
	hold_until_eof();
	return 0;
}

int main(int argc, char **argv)
{
	struct rlimit rl;

	/* Thousands of sockets held at once. */
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (argc == 5 && !strcmp(argv[1], "prebind"))
		return prebind(argv[2], (unsigned)strtoul(argv[3], NULL, 10),
			       (unsigned)strtoul(argv[4], NULL, 10));
	if (argc == 4 && !strcmp(argv[1], "poke"))
		return poke(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "rebind"))
		return rebind(argv[2]);
	fprintf(stderr, "usage: xsim-sockdir-attacker prebind NAME SLOTS GENS | poke NAME FILE | rebind FILE\n");
	return 2;
}
