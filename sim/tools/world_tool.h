/* SPDX-License-Identifier: MIT */
/*
 * xensim-world: create, show and remove named worlds (sim/WORLDS.md).
 * Private to sim/tools/.
 *
 *   world_main.c   the command line; start (and its keeper), stop, gc
 *   world_show.c   judging a world (live, stale, another build) and
 *                  printing it: status, list
 *   world_probe.c  a handle's liveness and wake-up, by the preload's
 *                  socket names (sim/preload/DESIGN.md)
 */
#ifndef XENSIM_WORLD_TOOL_H
#define XENSIM_WORLD_TOOL_H

#include <stdbool.h>
#include <stdint.h>

#include <xensim/device.h>
#include <xensim/world.h>

/* Exit codes: done; no such world; bad command line or refused. */
#define WT_OK		0
#define WT_NOT_FOUND	1
#define WT_REFUSED	2

/* ---- world_probe.c ---- */

/* Does some descriptor, in any process, still hold handle f of world w? */
bool wt_handle_alive(struct xsim_world *w, struct xsim_file f, void *arg);
/* Wake handle f (a release in this process may make another readable). */
void wt_handle_wake(struct xsim_world *w, struct xsim_file f, void *arg);
/* Wire w's device layer to this process: event delivery, wake-ups. */
void wt_attach_devices(struct xsim_world *w);

/* ---- world_show.c ---- */

enum wt_state {
	WT_LIVE,		/* its creator runs, or some handle is open */
	WT_STALE,		/* left behind: creator gone, no open handle */
	WT_FOREIGN,		/* made by another build: not judged */
	WT_UNREADABLE,		/* cannot be opened (permissions, ...) */
};

struct wt_view {
	char name[XSIM_WORLD_NAME_MAX + 1];
	enum wt_state state;
	char why[320];		/* WT_FOREIGN / WT_UNREADABLE: the reason */
	struct xsim_world *w;	/* attached (WT_LIVE, WT_STALE), else NULL */
	bool creator_alive;
	unsigned handles_open;
	int reclaimed;		/* dead handles released while judging */
};

/*
 * Attach name, release its dead handles and judge it.  -ENOENT if there
 * is no such world; else 0 with v filled (detach with wt_view_done).
 */
int wt_view(const char *name, struct wt_view *v);
void wt_view_done(struct wt_view *v);
const char *wt_state_name(enum wt_state s);
/*
 * Every world name in XSIM_WORLD_DIR, sorted, calling fn for each;
 * returns how many.
 */
int wt_each_world(void (*fn)(const char *name, void *arg), void *arg);

/* status NAME (or every world), list: exit code. */
int wt_cmd_status(int argc, char **argv);
int wt_cmd_list(int argc, char **argv);
/* build/bin/xensim-world -> build/lib/libxensim-preload.so, if built. */
const char *wt_preload_path(void);

#endif /* XENSIM_WORLD_TOOL_H */
