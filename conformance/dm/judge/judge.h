/* SPDX-License-Identifier: MIT */
/*
 * The judgement of xensim-dm-report, apart from where its records come
 * from (a world's effect log and handle table in the tool, a made-up log
 * in its unit test): what one process did to which domains through each
 * handle, before and after its first restrict, and the verdicts.
 */
#ifndef XRC_DM_JUDGE_H
#define XRC_DM_JUDGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <xensim/effect.h>
#include <xensim/escape.h>

#define DMJ_MAX_HANDLES	64
#define DMJ_MAX_DOMS	8
#define DMJ_MAX_OPS	24
/* Keys a handle held before the restrict (ports, grants); a power of two. */
#define DMJ_HELD_SLOTS	32

struct dmj_op_count {
	uint8_t op, kind;
	uint32_t subop;
	uint32_t n;
};

struct dmj_dom_use {
	uint16_t domid;
	uint32_t n;
	uint32_t nr_ops;
	struct dmj_op_count ops[DMJ_MAX_OPS];
};

struct dmj_handle {
	uint32_t id;		/* the effect log's handle id: slot | gen << 24 */
	bool restricted;	/* a RESTRICT record for it */
	bool flagged;		/* a FINDING was printed for it */
	uint16_t target;
	uint64_t restrict_seq;
	uint64_t first_seq;	/* its first record */
	bool opened, closed;	/* an OPEN / CLOSE record for it */
	uint64_t open_seq, close_seq;
	int dev;		/* enum xsim_dev_kind, or -1 if unknown */
	uint16_t caller;	/* the domain it was opened from */
	/* What it touched before the first restrict (<xensim/escape.h>). */
	struct xsim_escape_held held;
	struct xsim_escape_slot held_slot[DMJ_HELD_SLOTS];
	uint32_t nr_dom[2];
	struct dmj_dom_use dom[2][DMJ_MAX_DOMS];	/* [0] before, [1] after */
};

struct dm_judge {
	FILE *out;		/* FAIL / FINDING lines and the report */
	uint32_t pid;
	uint16_t own;
	uint64_t first_restrict;	/* UINT64_MAX: none */
	unsigned nr;
	struct dmj_handle h[DMJ_MAX_HANDLES];
	unsigned fails, findings;
	unsigned on_behalf;
	unsigned carried;	/* other-domain uses of what was held before */
	unsigned refused;	/* deferred effects the devices refused */
	unsigned dropped;	/* handles beyond DMJ_MAX_HANDLES */
};

void dmj_init(struct dm_judge *j, FILE *out, uint32_t pid, uint16_t own);
/* One record of the effect log, in sequence order. */
void dmj_effect(struct dm_judge *j, const struct xsim_effect *e);
/*
 * After the log: the handles the log shows the process opening or using
 * after its first restrict without ever restricting them (a fresh open()
 * is not restricted) become FINDINGs, even one closed again at once.
 */
void dmj_fresh_from_log(struct dm_judge *j);
/*
 * A handle the process holds now (the world's handle table): unrestricted
 * after the first restrict, it is a FINDING too, even if it did nothing.
 */
void dmj_live_handle(struct dm_judge *j, int dev, uint32_t slot,
		     uint32_t gen, bool restricted);
/* The per-handle report and the summary; returns the number of FAILs. */
unsigned dmj_report(struct dm_judge *j, bool expect_restrict);

#endif /* XRC_DM_JUDGE_H */
