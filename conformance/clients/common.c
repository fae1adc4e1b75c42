/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xentoollog.h>

#include "common.h"

/*
 * A hung library call must fail the program, not stall the suite:
 * SIGALRM ends it after XRC_CLIENT_TIMEOUT seconds (default 120, 0: never).
 * The fixture server, which gets no alarm, then cleans up on its own.
 */
__attribute__((constructor)) static void watchdog(void)
{
	const char *t = getenv("XRC_CLIENT_TIMEOUT");

	alarm(t && *t ? (unsigned)strtoul(t, NULL, 10) : 120u);
}

bool client_on_sim(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p && strstr(p, "libxensim");
}

const char *client_profile_name(void)
{
	const char *p = getenv("XENSIM_PROFILE");

	if (!client_on_sim()) {
		/*
		 * --- port: a real dom0 whose drivers are a port's
		 * (xrc run --port, ports/) says which behaviour it claims;
		 * without it, a real dom0 is Debian's Linux. ---
		 */
		p = getenv("XRC_CLIENT_PROFILE");
		return p && *p ? p : "linux";
	}
	/* The preload's own default (sim/preload/DESIGN.md). */
	return p && *p ? p : "proposed";
}

enum client_profile client_profile(void)
{
	const char *p = client_profile_name();

	if (!strcmp(p, "linux"))
		return CP_LINUX;
	if (!strcmp(p, "proposed"))
		return CP_PROPOSED;
	return CP_OTHER;
}

int client_expect(int linux_err, int proposed_err)
{
	return client_profile() == CP_PROPOSED ? proposed_err : linux_err;
}

void client_require_known_profile(void)
{
	if (client_profile() == CP_OTHER)
		skip();
}

static void say_nothing(struct xentoollog_logger *logger,
			xentoollog_level level, int errnoval,
			const char *context, const char *format, va_list al)
{
	(void)logger;
	(void)level;
	(void)errnoval;
	(void)context;
	(void)format;
	(void)al;
}

static void keep_nothing(struct xentoollog_logger *logger)
{
	(void)logger;
}

static xentoollog_logger quiet = {
	.vmessage = say_nothing,
	.destroy = keep_nothing,
};

struct xentoollog_logger *client_logger(void)
{
	return &quiet;
}

const char *client_errname(int err)
{
	const char *s = err ? strerrorname_np(err) : "0";

	return s ? s : "?";
}

void client_fixture_start(void)
{
	if (xrc_lf_init())
		fail_msg("fixture: %s", xrc_lf_error());
}

int client_finish(int failed)
{
	if (xrc_lf_fini()) {
		fprintf(stderr, "%s\n", xrc_lf_error());
		return failed + 1;
	}
	return failed;
}

uint32_t client_domain(bool hvm, uint32_t pages)
{
	struct xrc_lf_spec spec = { .hvm = hvm, .vcpus = 1, .pages = pages };
	uint32_t domid = 0;

	client_fixture_start();
	if (xrc_lf_create(&spec, &domid))
		fail_msg("fixture: %s", xrc_lf_error());
	return domid;
}

uint64_t client_frame(uint32_t domid, uint32_t page)
{
	uint64_t frame = 0;

	if (xrc_lf_frame(domid, page, &frame))
		fail_msg("fixture: %s", xrc_lf_error());
	return frame;
}

uint32_t client_unbound(uint32_t domid, uint32_t remote)
{
	uint32_t port = 0;

	if (xrc_lf_unbound_port(domid, remote, &port))
		fail_msg("fixture: %s", xrc_lf_error());
	return port;
}

uint32_t client_grant(uint32_t granter, uint32_t page, uint32_t grantee,
		      bool readonly)
{
	uint32_t ref = 0;

	if (xrc_lf_grant(granter, page, grantee, readonly, &ref))
		fail_msg("fixture: %s", xrc_lf_error());
	return ref;
}
