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
	stop and gc also remove the socket directories (/dev/shm/xensim@ID,
	one per world, 0700) of worlds nobody holds any more.

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
	_xrc_tool="$XRC_BINDIR/xensim-world"
	xrc_ensure_built "$_xrc_tool"
	# Joining needs the preload: build it with the world it serves.
	[ "$1" = start ] && xrc_ensure_built "$XRC_PRELOAD"
	# The tool's exit codes are xrc's: 0 done, 1 not found, 2 refused.
	_xrc_rc=0
	"$_xrc_tool" "$@" || _xrc_rc=$?
	case $1 in
	stop | gc) xrc_sim_tidy_sockdirs ;;
	esac
	return "$_xrc_rc"
}

# xrc_sim_holders DEV-INO: pids of the processes (of this user: others'
# fds cannot be read, and cannot hold a 0600 world) holding a descriptor
# of that file, xensim-world itself (keeper, status) excepted: it never
# binds a handle.
xrc_sim_holders() {
	find /proc/[0-9]*/fd -type l \
		-exec stat -L -c '%d-%i %n' {} + 2>/dev/null |
		awk -v di="$1" '$1 == di { split($2, p, "/"); print p[3] }' |
		sort -u | while read -r _pid; do
			[ "$(cat "/proc/$_pid/comm" 2>/dev/null)" = xensim-world ] ||
				echo "$_pid"
		done
}

# xrc_sim_tidy_sockdirs: remove the socket directories of worlds that are
# gone (/dev/shm/xensim@ID, sim/preload/DESIGN.md "Naming"), as the
# preload does at its last process's exit: ours, no socket in it bound
# (/proc/net/unix lists every bound path), and its world (the marker
# named-DEV-INO / private-DEV-INO) held by no process and, if named, no
# longer linked in /dev/shm.  Anything else in it, or any doubt: kept.
xrc_sim_tidy_sockdirs() {
	_xrc_uid=$(id -u)
	for _xrc_d in /dev/shm/xensim@*; do
		if [ ! -d "$_xrc_d" ] || [ -L "$_xrc_d" ]; then
			continue
		fi
		[ "$(stat -c %u "$_xrc_d")" = "$_xrc_uid" ] || continue
		if awk -v d="$_xrc_d/" 'index($NF, d) == 1 { f = 1 }
			END { exit !f }' /proc/net/unix; then
			continue
		fi
		_xrc_m=$(find "$_xrc_d" -mindepth 1 -maxdepth 1 -type f \
			\( -name 'named-*' -o -name 'private-*' \) | head -n 1)
		_xrc_m=${_xrc_m##*/}
		[ -n "$_xrc_m" ] || continue
		_xrc_di=${_xrc_m#*-}
		[ -z "$(xrc_sim_holders "$_xrc_di")" ] || continue
		case $_xrc_m in
		named-*)
			if find /dev/shm -maxdepth 1 -name 'xensim-*' \
				-exec stat -c '%d-%i' {} + | grep -qFx "$_xrc_di"; then
				continue
			fi ;;
		esac
		# Only dead sockets' files and the marker may be in it.
		if [ -n "$(find "$_xrc_d" -mindepth 1 ! -name "$_xrc_m" \
			! \( -type s -name '[0-9]*-[0-9]*' \))" ]; then
			continue
		fi
		if find "$_xrc_d" -mindepth 1 -delete; then
			rmdir "$_xrc_d" 2>/dev/null || :
		fi
	done
}
