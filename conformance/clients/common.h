/* SPDX-License-Identifier: MIT */
/*
 * Shared by the client test programs (conformance/clients/test_*.c): each
 * drives one of Debian's unmodified libxen* 4.17 libraries, on the sim
 * under LD_PRELOAD=libxensim-preload.so or on a real dom0, with target
 * domains from libfixture.  cmocka must be included before this header.
 *
 * Expected results are Linux 6.1's on a real dom0 (docs/reference/
 * linux-6.1-observed.md); where the sim's "proposed" profile answers
 * otherwise, client_expect() picks that profile's answer.
 */
#ifndef XRC_CLIENTS_COMMON_H
#define XRC_CLIENTS_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <xrc/libfixture.h>

struct xentoollog_logger;

/* Which behaviour to expect (XENSIM_PROFILE; no sim: a real Linux dom0). */
enum client_profile {
	CP_LINUX,	/* "linux", or a real dom0 */
	CP_PROPOSED,	/* the sim's default profile */
	CP_OTHER,	/* any other sim profile: profile-specific checks skip */
};

enum client_profile client_profile(void);
const char *client_profile_name(void);
/* The errno to expect: Linux's, or the proposal's. */
int client_expect(int linux_err, int proposed_err);
/* Skip the calling test unless the profile is Linux or proposed. */
void client_require_known_profile(void);
/* Running on the simulator (the preload is loaded)? */
bool client_on_sim(void);

/* A logger that keeps the libraries quiet (their failures are expected). */
struct xentoollog_logger *client_logger(void);

/* libfixture wrappers that fail the test with the fixture's reason. */
void client_fixture_start(void);
/*
 * main's exit status: cmocka's count of failed tests, plus one if the
 * fixture's clean-up (xrc_lf_fini, run here rather than at exit) left a
 * domain; cmocka does not count a failed group teardown.
 */
int client_finish(int failed);
uint32_t client_domain(bool hvm, uint32_t pages);
uint64_t client_frame(uint32_t domid, uint32_t page);
uint32_t client_unbound(uint32_t domid, uint32_t remote);
uint32_t client_grant(uint32_t granter, uint32_t page, uint32_t grantee,
		      bool readonly);

/* A name for an errno value ("EPERM"), for messages. */
const char *client_errname(int err);

/* A call that must fail with -1 (or a negative value) and errno err. */
#define assert_fails(call, err)						\
	do {								\
		long cl_r_;						\
		int cl_e_, cl_w_ = (err);				\
		errno = 0;						\
		cl_r_ = (long)(call);					\
		cl_e_ = errno;						\
		if (cl_r_ >= 0 || cl_e_ != cl_w_)			\
			fail_msg("%s: %ld, errno %s; expected -1, %s",	\
				 #call, cl_r_, client_errname(cl_e_),	\
				 client_errname(cl_w_));		\
	} while (0)

/* A pointer-returning call that must give NULL with errno err. */
#define assert_null_errno(call, err)					\
	do {								\
		const void *cl_p_;					\
		int cl_e_, cl_w_ = (err);				\
		errno = 0;						\
		cl_p_ = (call);						\
		cl_e_ = errno;						\
		if (cl_p_ || cl_e_ != cl_w_)				\
			fail_msg("%s: %p, errno %s; expected NULL, %s",	\
				 #call, cl_p_, client_errname(cl_e_),	\
				 client_errname(cl_w_));		\
	} while (0)

/* A call that must succeed (>= 0); its value. */
#define assert_ok(call)							\
	({								\
		long cl_v_;						\
		errno = 0;						\
		cl_v_ = (long)(call);					\
		if (cl_v_ < 0)						\
			fail_msg("%s: %ld, errno %s", #call, cl_v_,	\
				 client_errname(errno));		\
		cl_v_;							\
	})

/* A pointer-returning call that must succeed. */
#define assert_ptr_ok(call)						\
	({								\
		void *cl_q_;						\
		errno = 0;						\
		cl_q_ = (void *)(call);					\
		if (!cl_q_)						\
			fail_msg("%s: NULL, errno %s", #call,		\
				 client_errname(errno));		\
		cl_q_;							\
	})

#endif /* XRC_CLIENTS_COMMON_H */
