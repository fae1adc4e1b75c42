# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: named simulated machines shared by unrelated processes (start, status, stop)

xrc_sim_help() {
	cat <<-HELP
	usage: xrc sim start [--name NAME] [--profile PROFILE] [--world FILE]
	       xrc sim status [NAME]
	       xrc sim list
	       xrc sim stop NAME
	       xrc sim stop --stale | xrc sim gc

	A named world is one simulated machine in /dev/shm/xensim-NAME that
	unrelated processes join (a toolstack creates a domain, QEMU serves
	it, the suite observes):

	  XENSIM_WORLD_NAME=NAME LD_PRELOAD=build/lib/libxensim-preload.so PROGRAM

	start    create it (default name 'default'; profile and world file as
	         XENSIM_PROFILE and XENSIM_WORLD) and keep it: a keeper process
	         stays as its creator.  A stale world of that name is replaced;
	         a live one is not (exit 2).
	status   each world (or NAME): live or stale, profile, creator, domains
	         (id, HVM/PV, pages, paused), open handles per process (device,
	         restriction), effect-log size, lock repairs.  Handles whose
	         processes died are reclaimed first.
	list     one line per world.
	stop     remove the name and tell its keeper to exit; processes still
	         attached keep their mapping until they exit, new joins fail.
	gc       remove every stale world: its creator is gone and no handle
	         is open.

	NAME: 1 to 64 characters of A-Z a-z 0-9 _ . -
	Exit codes: 0 done, 1 no such world, 2 bad command line or refused.
	More: sim/WORLDS.md.
	HELP
}

xrc_sim() {
	if [ $# -eq 0 ]; then
		xrc_usage_error sim "a subcommand is needed: start, status, list, stop, gc"
	fi
	case $1 in
	start | status | list | stop | gc) ;;
	*)
		xrc_usage_error sim "unknown subcommand '$1'" ;;
	esac
	_xrc_tool="$XRC_BUILD/bin/xensim-world"
	xrc_ensure_built "$_xrc_tool"
	# Joining needs the preload: build it with the world it serves.
	[ "$1" = start ] && xrc_ensure_built "$XRC_PRELOAD"
	# The tool's exit codes are xrc's: 0 done, 1 not found, 2 refused.
	"$_xrc_tool" "$@"
}
