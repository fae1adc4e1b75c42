/* SPDX-License-Identifier: MIT */
/*
 * The runner's private interfaces: options, the per-test context behind
 * struct xrc_ctx, the child scheduler, judging and the report writers.
 * Nothing here is seen by test bodies (they see <xrc/body.h> only).
 */
#ifndef XRC_RUNNER_H
#define XRC_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <xrc/body.h>
#include <xrc/catalogue.h>

#include "../setup/setup.h"

/* Exit codes (XTF / automake conventions). */
#define XRC_EXIT_CONFORMS	0
#define XRC_EXIT_FAIL		1
#define XRC_EXIT_BROKE		2
#define XRC_EXIT_ALL_SKIPPED	77

enum xrc_format {
	XRC_FMT_TEXT,
	XRC_FMT_TAP,
	XRC_FMT_JUNIT,
	XRC_FMT_MATRIX,
};

/*
 * How the devices reach the kernel's callers.  Under CUSE, the FUSE layer
 * itself changes one answer: an ioctl failing ENOSYS reaches the caller as
 * ENOTTY (Linux fs/fuse/ioctl.c, fuse_send_ioctl: "Translate ENOSYS, which
 * shouldn't be returned from fs"), and no CUSE device can be mmapped.
 */
enum xrc_transport {
	XRC_TR_NATIVE,		/* a kernel driver, or the preload: as-is */
	XRC_TR_CUSE,		/* a CUSE daemon (xensim-cuse) */
};

#define XRC_MAX_ONLY	32
/*
 * --meta KEY=VALUE: what the caller knows about the run (the booted
 * kernel, Xen, each driver), written into every report's header.
 */
#define XRC_MAX_META	32

struct xrc_meta {
	const char *key;		/* [a-z0-9.-]+ */
	const char *value;		/* one line */
};

struct xrc_options {
	const char *devdir;
	int profile;			/* enum xrc_profile: the judged column */
	enum xrc_format format;
	const char *out_dir;		/* NULL: no report files */
	const char *only[XRC_MAX_ONLY];	/* globs; none: everything */
	unsigned nr_only;
	unsigned jobs;
	double timeout;			/* seconds, per child */
	const char *backend;		/* a label for the reports */
	enum xrc_transport transport;	/* --transport */
	bool list;
	bool profiles;
	bool isolated;			/* no anchor handle (see main.c) */
	struct xrc_meta meta[XRC_MAX_META];	/* --meta, in the order given */
	unsigned nr_meta;
};

/* Parse argv; 0, or XRC_EXIT_BROKE after printing why (or -1 for --help). */
int xrc_parse_options(int argc, char **argv, struct xrc_options *o);

/* Does id pass the --only filter? */
bool xrc_selected(const struct xrc_options *o, const char *id);

/* Check IDs and fields of the catalogue; prints problems, returns count. */
unsigned xrc_check_catalogue(const struct xrc_assertion *cat, unsigned len,
			     FILE *err);

/* ---- the test context (what struct xrc_ctx is) ---- */

struct xrc_ctx {
	const struct xrc_assertion *a;
	const char *devdir;
	const struct xrc_setup_probe *fx;	/* the run's domain probe */
	int out_fd;			/* where the observation goes */
	int fx_privcmd;			/* the fixture's own handle, or -1 */
	enum xrc_transport transport;	/* --transport: for skip reasons */
	bool observed;
	struct xrc_obs obs;
};

/*
 * Child side: send t->obs to the parent and end the process at once
 * (_exit: no atexit handlers, no stdio flush of the parent's buffers).
 */
__attribute__((noreturn)) void xrc_child_finish(struct xrc_ctx *t);

/* The body of a test child: run the assertion's body, report, _exit. */
__attribute__((noreturn)) void xrc_child_run_test(struct xrc_ctx *t);

/* The body of the probe child: probe domains, send the result, _exit. */
__attribute__((noreturn)) void xrc_child_run_probe(const char *devdir,
						   int out_fd);

/* ---- the scheduler: one forked child per job, with a timeout ---- */

enum xrc_end {
	XRC_END_EXITED,		/* wstatus holds an exit code */
	XRC_END_SIGNALED,	/* wstatus holds a signal */
	XRC_END_TIMEOUT,	/* killed by us after the timeout */
	XRC_END_STUCK,		/* timed out and would not die: abandoned */
	XRC_END_FORK_FAILED,	/* could not start */
};

struct xrc_job {
	/* Set by the caller. */
	void (*run)(void *arg, int out_fd);	/* in the child; must not return */
	void *arg;
	void *msg;		/* the child's one message lands here */
	size_t msg_size;

	/* Set by the scheduler. */
	enum xrc_end end;
	int code;		/* exit code or signal */
	int sys_err;		/* errno when FORK_FAILED */
	size_t got;		/* msg_size once a whole message came */
	double secs;		/* child's wall time */

	/* Private to the scheduler. */
	unsigned char stage[512];	/* a message being received */
	size_t staged;
	pid_t pid;
	int fd;
	double start;
	double deadline;
	bool killed;
};

/*
 * Run jobs[0..n) with at most parallel children at a time, each killed
 * after timeout seconds.  done(i, ctx) is called in index order, as soon
 * as job i and every job before it have ended.
 */
void xrc_run_jobs(struct xrc_job *jobs, unsigned n, unsigned parallel,
		  double timeout, void (*done)(unsigned i, void *ctx),
		  void *ctx);

/* snprintf for notes and reasons that may be cut short on purpose. */
__attribute__((format(printf, 3, 4)))
void xrc_fmt(char *buf, size_t len, const char *fmt, ...);

/* Seconds on the monotonic clock. */
double xrc_now(void);

/* ---- judging ---- */

enum xrc_verdict {		/* ordered as XTF's: worst last */
	XRC_V_PASS,
	XRC_V_SKIP,
	XRC_V_ERROR,
	XRC_V_FAIL,
	XRC_NR_VERDICTS
};

extern const char *const xrc_verdict_names[XRC_NR_VERDICTS];

struct xrc_result {
	uint8_t verdict;		/* enum xrc_verdict */
	bool unspecified;		/* passed because the column is UNSPEC */
	bool has_obs;			/* obs holds what the body reported */
	struct xrc_obs obs;
	unsigned agree;			/* bit p: column p agrees with obs */
	double secs;
	char reason[320];
};

/* Turn a finished job (and the observation it sent) into a result. */
/*
 * Under XRC_TR_CUSE, ENOTTY where the column wants exactly ENOSYS passes
 * (with a reason saying so): FUSE turns one into the other.  Nothing else
 * is relaxed, and never under another transport.
 */
void xrc_judge(const struct xrc_assertion *a, int profile,
	       enum xrc_transport transport, const struct xrc_job *job,
	       const struct xrc_obs *obs, double timeout,
	       struct xrc_result *r);

/* The reason a PASS by that substitution carries. */
#define XRC_ENOSYS_AS_ENOTTY \
	"ENOSYS seen as ENOTTY: FUSE maps it (fs/fuse/ioctl.c)"

/* Is o that substitution: ENOTTY under CUSE where x wants ENOSYS? */
bool xrc_enosys_as_enotty(const struct xrc_expect *x,
			  const struct xrc_obs *o,
			  enum xrc_transport transport);

/* Does column x agree with observation o (the matrix's tick)? */
bool xrc_column_agrees(const struct xrc_expect *x, const struct xrc_obs *o);

/* ---- reports ---- */

struct xrc_run {
	const struct xrc_options *opt;
	const struct xrc_setup_probe *fx;
	const struct xrc_assertion *cat;
	const unsigned *sel;		/* catalogue indices, in report order */
	unsigned nr;
	const struct xrc_result *res;	/* res[k] is for cat[sel[k]] */
	unsigned count[XRC_NR_VERDICTS];
	double wall;			/* seconds, whole run */
};

/* text: a header, one line per assertion, totals (results.txt: all). */
void xrc_report_text_header(FILE *f, const struct xrc_run *run);
void xrc_report_text_line(FILE *f, const struct xrc_run *run, unsigned k);
void xrc_report_text(FILE *f, const struct xrc_run *run);
void xrc_report_tap(FILE *f, const struct xrc_run *run);
void xrc_report_junit(FILE *f, const struct xrc_run *run);
void xrc_report_matrix(FILE *f, const struct xrc_run *run);
void xrc_report_tsv(FILE *f, const struct xrc_run *run);

/* "N passed, N failed, N skipped, N errors[ in X.XX s]" and a newline. */
void xrc_report_totals(FILE *f, const struct xrc_run *run, const char *prefix,
		       bool with_time);
/* "a=1 (hvm) b=2 pv=3 absent=100", or why the probe failed. */
const char *xrc_fixture_str(const struct xrc_run *run, char *buf, size_t len);
/* "backend B, judged as P, devdir D" */
const char *xrc_run_str(const struct xrc_run *run, char *buf, size_t len);
/* Each --meta as a line: prefix, "KEY: VALUE" (one line: no tab or newline). */
void xrc_report_meta(FILE *f, const struct xrc_run *run, const char *prefix);
/* The profiles whose column agrees with result k: "proposed,linux" or "-". */
const char *xrc_agree_str(const struct xrc_result *r, char *buf, size_t len);

/* Write every report file under opt->out_dir; 0 or -errno (printed). */
int xrc_write_reports(const struct xrc_run *run);

/* Escapers for the formats. */
void xrc_put_xml(FILE *f, const char *s);
void xrc_put_yaml_str(FILE *f, const char *s);
void xrc_put_md_cell(FILE *f, const char *s);
void xrc_put_field(FILE *f, const char *s);	/* no tab, no newline */

/*
 * What the body observed, as a short string ("none" if nothing came).  A
 * success on a row where no column wants an exact value reads ">=0": the
 * value (a port number, an fd) depends on what ran before, and reports
 * must diff equal across runs and --jobs.
 */
const char *xrc_result_observed(const struct xrc_assertion *a,
				const struct xrc_result *r, char *buf,
				unsigned len);

#endif /* XRC_RUNNER_H */
