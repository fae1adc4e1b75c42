/* SPDX-License-Identifier: MIT */
/*
 * The abstract AF_UNIX name of a handle of the preload transport:
 * "\0xensim-<world id, 16 hex digits>-<slot>-<gen>" (sim/preload/
 * sockname.c says why a handle is a socket).  Here, and only here, so
 * that a tool outside the transport (the ioreq injector waking a device
 * model in another process, a world inspector checking liveness) names a
 * handle exactly as the transport binds it.
 *
 * Formatting is by hand: the transport calls this with the machine lock
 * held and possibly inside a signal handler's call, where snprintf is not
 * welcome.
 */
#ifndef XENSIM_HANDLE_NAME_H
#define XENSIM_HANDLE_NAME_H

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <xensim/device.h>

#define XSIM_HANDLE_NAME_PREFIX	"xensim-"

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

/* Fill *sa with the name of handle f of world world_id; returns its length. */
static inline socklen_t xsim_handle_name(struct sockaddr_un *sa,
					 uint64_t world_id, struct xsim_file f)
{
	static const char hex[] = "0123456789abcdef";
	char *p = sa->sun_path;
	int i;

	sa->sun_family = AF_UNIX;
	*p++ = '\0';
	memcpy(p, XSIM_HANDLE_NAME_PREFIX, sizeof(XSIM_HANDLE_NAME_PREFIX) - 1);
	p += sizeof(XSIM_HANDLE_NAME_PREFIX) - 1;
	for (i = 60; i >= 0; i -= 4)
		*p++ = hex[(world_id >> i) & 0xf];
	*p++ = '-';
	p = xsim_handle_name_dec(p, f.slot);
	*p++ = '-';
	p = xsim_handle_name_dec(p, f.gen);
	return (socklen_t)(p - (char *)sa);
}

#endif /* XENSIM_HANDLE_NAME_H */
