/* SPDX-License-Identifier: MIT */
/*
 * The AF_UNIX address of a handle of the preload transport (sim/preload/
 * sockname.c says why a handle is a socket):
 *
 *	/dev/shm/xensim@<world id, 16 hex digits>/<slot>-<gen>
 *
 * The directory is the world's socket directory: mode 0700, owned by the
 * world's owner, created by the first process of the world that binds a
 * handle (sim/preload/sockdir.c).  A path socket, unlike an abstract
 * name, is guarded by the file system: another user cannot bind, connect
 * to or send to anything inside (path resolution needs search permission
 * on the directory; Linux 6.1 net/unix/af_unix.c unix_find_bsd ->
 * kern_path + path_permission(MAY_WRITE) on the socket inode, and
 * unix_bind_bsd -> filename_create in the parent).  The name of the
 * directory cannot be guessed before it exists (the world id is 64 random
 * bits that only the world's file carries), and it is never removed while
 * the world can still use it, so nobody can take it first
 * (sim/preload/DESIGN.md, "Naming").
 *
 * Here, and only here, so that a tool outside the transport (the ioreq
 * injector waking a device model in another process, a world inspector
 * checking liveness) names a handle exactly as the transport binds it.
 *
 * Formatting is by hand: the transport calls this with the machine lock
 * held and possibly inside a signal handler's call, where snprintf is not
 * welcome.  The longest address is 16 + 16 + 1 + 10 + 1 + 10 = 54 bytes,
 * well inside sun_path's 108.
 */
#ifndef XENSIM_HANDLE_NAME_H
#define XENSIM_HANDLE_NAME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <xensim/device.h>
#include <xensim/world.h>

/* A world's socket directory is XSIM_HANDLE_DIR_PREFIX "<16 hex>". */
#define XSIM_HANDLE_DIR_PREFIX	XSIM_WORLD_DIR "/xensim@"
/* strlen(XSIM_HANDLE_DIR_PREFIX) + 16 hex digits */
#define XSIM_HANDLE_DIR_LEN	(sizeof(XSIM_HANDLE_DIR_PREFIX) - 1 + 16)

_Static_assert(XSIM_HANDLE_DIR_LEN + 1 + 10 + 1 + 10 <
	       sizeof(((struct sockaddr_un *)0)->sun_path),
	       "a handle's path fits sun_path with its NUL");

static inline char *xsim_handle_name_dec(char *p, uint32_t v)
{
	char tmp[10];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/*
 * Write world world_id's socket directory to buf (XSIM_HANDLE_DIR_LEN + 1
 * bytes, NUL-terminated); returns a pointer to the NUL.
 */
static inline char *xsim_handle_dir(char *buf, uint64_t world_id)
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;
	int i;

	memcpy(p, XSIM_HANDLE_DIR_PREFIX, sizeof(XSIM_HANDLE_DIR_PREFIX) - 1);
	p += sizeof(XSIM_HANDLE_DIR_PREFIX) - 1;
	for (i = 60; i >= 0; i -= 4)
		*p++ = hex[(world_id >> i) & 0xf];
	*p = '\0';
	return p;
}

/*
 * Write "<slot>-<gen>" (a handle's file in its world's directory) to p,
 * NUL-terminated; returns a pointer to the NUL.  22 bytes are enough.
 */
static inline char *xsim_handle_leaf(char *p, struct xsim_file f)
{
	p = xsim_handle_name_dec(p, f.slot);
	*p++ = '-';
	p = xsim_handle_name_dec(p, f.gen);
	*p = '\0';
	return p;
}

/*
 * Fill *sa with the address of handle f of world world_id; returns its
 * length (the path and its NUL, as getsockname reports it).
 */
static inline socklen_t xsim_handle_name(struct sockaddr_un *sa,
					 uint64_t world_id, struct xsim_file f)
{
	char *p;

	sa->sun_family = AF_UNIX;
	p = xsim_handle_dir(sa->sun_path, world_id);
	*p++ = '/';
	p = xsim_handle_leaf(p, f);
	return (socklen_t)(p + 1 - (char *)sa);
}

#endif /* XENSIM_HANDLE_NAME_H */
