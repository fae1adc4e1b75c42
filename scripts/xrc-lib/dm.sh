# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: an unmodified QEMU as a (restricted) device model on the sim
#
# `xrc dm`: create an HVM guest on the sim, start Debian's qemu-system-xen
# as its device model the way libxl does (xrc-dm-toolstack, with Debian's
# own xenstored), wait for it to report "running", inject ioreqs and check
# the answers (xensim-ioreq), then show from the sim's effect log every
# domain the QEMU process touched before and after it restricted itself
# (xensim-dm-report).  Sources and design: conformance/dm/ (toolstack/,
# judge/, README.md); the injector is sim/tools/ioreq.c.

xrc_dm_help() {
	cat <<-EOF
	usage: xrc dm [--qemu PATH] [--restrict] [--ioreqs N] [--others N]
	              [--profile P] [--mem MB] [--vcpus N] [--timeout S]
	              [--xenstored PATH] [--pv-backend[=WHEN]]
	              [--keep] [--tap] [--time]

	Runs an unmodified QEMU as the device model of a new HVM guest on the
	sim, and judges what it did.  All processes (the toolstack, Debian's
	xenstored, QEMU, the injector, the report) join one named world,
	xrc-dm-PID ('xrc sim'), which is stopped on every way out:

	  --qemu PATH       the device model (default
	                    /usr/libexec/xen-qemu-system-i386, Debian's qemu-system-xen)
	  --restrict        start it with -xen-domid-restrict, as libxl does with
	                    dm_restrict=1: QEMU calls xentoolcore_restrict_all
	  --ioreqs N        inject N ioreqs (xensim-ioreq --builtin pc) and check
	                    every answer (default 0: only reach "running")
	  --others N        N more guests present that QEMU does not serve
	  --profile P       the restrict implementation the sim follows (any of
	                    'xrc profiles'; default proposed)
	  --mem MB          guest RAM (default 16), --vcpus N (default 1)
	  --timeout S       hard limit for the whole run (default 120)
	  --xenstored PATH  the xenstored to run (default: Debian's, fetched
	                    into \$BUILD/dm/ from the pin in vm-images/packages.pin)
	  --pv-backend[=after]
	                    once QEMU runs (and has restricted), add the vkbd
	                    device libxl gives an HVM guest, backend in QEMU
	                    (QEMU 7.2 restricted can no longer see it:
	                    conformance/dm/README.md)
	  --pv-backend=before
	                    add it before starting QEMU, as libxl does: QEMU
	                    sets it up, restricts, then opens and closes fresh
	                    evtchn handles that touch nothing
	                    (conformance/dm/README.md)
	  --keep            keep the run directory (QEMU's and xenstored's logs)
	  --tap             print TAP (what make check reads); the report and
	                    the injector's lines become TAP comments
	  --time            print the mean ioreq round trip with QEMU serving
	                    (make bench); the per-request lines are left out

	Verdict: PASS when QEMU reached "running", every ioreq was served with
	the right answer, and (with --restrict) after its first restrict QEMU
	touched no domain but its own.  A handle QEMU opens after restricting
	and leaves unrestricted is reported as a FINDING (the contract's "a new
	open() bypasses it"), not a failure.  With --restrict, QEMU exiting
	because it could not restrict itself (the backend offers a device
	model no way to drop privilege) is a FAIL.

	exit: 0 pass, 1 fail, 2 the run broke (QEMU died, timeout, no xenstored).
	EOF
}

# _dm_tap N OK TEXT: one TAP line when --tap.
_dm_tap() {
	[ "$_dm_tapmode" = 1 ] || return 0
	if [ "$2" = 1 ]; then
		echo "ok $1 - $3"
	else
		echo "not ok $1 - $3"
	fi
}

# ---- fault-injection hook (owner: xrc faults, docs/faults.md) ----------
# XENSIM_FAIL given to `xrc dm` is armed in QEMU only: a wrapper execs
# QEMU with it, and the toolstack, xenstored, the injector and the report
# run without it, so the failure points are QEMU's (its start-up through
# "running", and serving).  Under `xrc faults` (which exports
# XRC_FAULTS_WORLD and XRC_FAULTS_PRELOAD to the program it sweeps) the run
# also joins that world instead of starting its own and leaves it running
# (the sweep reads its hits and effect log afterwards), runs everything
# under the sweep's (ASan) preload, and prints only what the sweep can
# compare between runs: QEMU's own log (pids and the run directory
# masked), the toolstack's progress lines without numbers, the report's
# summary and the verdict.  Its exit tells the sweep what QEMU did: 128+N
# when QEMU was killed by signal N (a crash), 124 when it never reached
# "running" in time or the run timed out (a hang), else as usual.

# _dm_faults_init: after the command line; sets _dm_fmode, _dm_preload,
# and takes the joined world's profile.
_dm_faults_init() {
	_dm_fail=${XENSIM_FAIL:-}
	_dm_preload=$XRC_PRELOAD
	_dm_fmode=0
	_dm_fworld=
	[ -n "${XRC_FAULTS_WORLD:-}" ] || return 0
	_dm_fmode=1
	_dm_fworld=$XRC_FAULTS_WORLD
	# This shell needs no preload (each sim process below is given its
	# own), and a make that xrc_ensure_built runs must not get one.
	unset LD_PRELOAD
	# Nothing is rebuilt between the points of a sweep (a tree under
	# edit would change the programs, or fail to build, half-way): what
	# is built is used as it is (_XRC_FRESH: scripts/xrc-lib/_common.sh).
	for _dm_t in "$XRC_BINDIR/xrc-dm-toolstack" "$XRC_BINDIR/xensim-world" \
		"$XRC_BINDIR/xensim-dm-report" "$XRC_BINDIR/xensim-ioreq" \
		"$XRC_PRELOAD" "$XRC_BUILD/dm/xenstored"; do
		[ ! -e "$_dm_t" ] || _XRC_FRESH="${_XRC_FRESH:-} $_dm_t"
	done
	if [ -n "${_dm_pgiven:-}" ] && [ -n "${XENSIM_PROFILE:-}" ] &&
		[ "$_dm_profile" != "$XENSIM_PROFILE" ]; then
		xrc_usage_error dm "--profile $_dm_profile, but the world of xrc faults is $XENSIM_PROFILE (give xrc faults --profile $_dm_profile)"
	fi
	_dm_profile=${XENSIM_PROFILE:-$_dm_profile}
	_dm_preload=${XRC_FAULTS_PRELOAD:-$XRC_PRELOAD}
}

# _dm_faults_qemu: the QEMU to exec; a wrapper arming XENSIM_FAIL when set.
_dm_faults_qemu() {
	_dm_qemu_run=$_dm_qemu
	[ -n "$_dm_fail" ] || return 0
	_dm_q=$(printf '%s' "$_dm_qemu" | sed "s/'/'\\\\''/g")
	_dm_f=$(printf '%s' "$_dm_fail" | sed "s/'/'\\\\''/g")
	if ! printf "#!/bin/sh\nXENSIM_FAIL='%s' exec '%s' \"\$@\"\n" "$_dm_f" \
		"$_dm_q" >"$_dm_dir/qemu-faults" ||
		! chmod +x "$_dm_dir/qemu-faults"; then
		xrc_die "dm: cannot write $_dm_dir/qemu-faults"
	fi
	_dm_qemu_run=$_dm_dir/qemu-faults
}

# _dm_faults_output: what a sweep compares (stdout) and its diagnostics.
_dm_faults_output() {
	grep -E '^(device model running|vkbd device|summary: |# [0-9]+ served)' \
		"$_dm_dir/run.txt" || true
	for _dm_log in "$_dm_dir"/qemu-dm-*.log; do
		[ -f "$_dm_log" ] || continue
		sed -e "s|$_dm_dir|RUNDIR|g" -e 's/from pid [0-9]*/from pid N/' \
			"$_dm_log" | sed 's/^/qemu: /'
	done
	grep -v '^xrc-dm: exec ' "$_dm_dir/stderr.txt" >&2 || true
}

# _dm_faults_rc RC: the exit under a sweep (see above).
_dm_faults_rc() {
	_dm_sig=$(sed -n 's/^xrc-dm: QEMU killed by signal \([0-9][0-9]*\)$/\1/p' \
		"$_dm_dir/stderr.txt" | head -n 1)
	if [ -n "$_dm_sig" ]; then
		echo $((128 + _dm_sig))
	elif [ "$1" = 124 ] || [ "$1" = 137 ] ||
		grep -q '^xrc-dm: QEMU did not reach "running"' "$_dm_dir/stderr.txt"; then
		echo 124
	else
		echo "$1"
	fi
}
# ---- end of the fault-injection hook ----------------------------------

xrc_dm() {
	_dm_qemu=/usr/libexec/xen-qemu-system-i386
	_dm_restrict=
	_dm_ioreqs=0
	_dm_others=0
	_dm_profile=proposed
	_dm_pgiven=
	_dm_mem=16
	_dm_vcpus=1
	_dm_timeout=120
	_dm_xenstored=
	_dm_keep=0
	_dm_tapmode=0
	_dm_time=
	_dm_pv=
	while [ $# -gt 0 ]; do
		case $1 in
		--qemu) xrc_need_value dm "$@"; _dm_qemu=$2; shift ;;
		--restrict) _dm_restrict=--restrict ;;
		--ioreqs) xrc_need_value dm "$@"; _dm_ioreqs=$2; shift ;;
		--others) xrc_need_value dm "$@"; _dm_others=$2; shift ;;
		--profile) xrc_need_value dm "$@"; _dm_profile=$2; _dm_pgiven=1; shift ;;
		--mem) xrc_need_value dm "$@"; _dm_mem=$2; shift ;;
		--vcpus) xrc_need_value dm "$@"; _dm_vcpus=$2; shift ;;
		--timeout) xrc_need_value dm "$@"; _dm_timeout=$2; shift ;;
		--xenstored) xrc_need_value dm "$@"; _dm_xenstored=$2; shift ;;
		--keep) _dm_keep=1 ;;
		--tap) _dm_tapmode=1 ;;
		--time) _dm_time=--time ;;
		--pv-backend | --pv-backend=after) _dm_pv=--pv-backend=after ;;
		--pv-backend=before) _dm_pv=--pv-backend=before ;;
		-h | --help) xrc_dm_help; return 0 ;;
		*) xrc_usage_error dm "unknown argument '$1'" ;;
		esac
		shift
	done
	case $_dm_ioreqs in
	0) ;;
	*) xrc_is_count "$_dm_ioreqs" ||
		xrc_usage_error dm "--ioreqs wants a count, not '$_dm_ioreqs'" ;;
	esac
	case $_dm_others in
	0) ;;
	*) xrc_is_count "$_dm_others" ||
		xrc_usage_error dm "--others wants a count, not '$_dm_others'" ;;
	esac
	xrc_is_count "$_dm_mem" || xrc_usage_error dm "--mem wants MB, not '$_dm_mem'"
	xrc_is_count "$_dm_vcpus" ||
		xrc_usage_error dm "--vcpus wants a count, not '$_dm_vcpus'"
	xrc_is_count "$_dm_timeout" ||
		xrc_usage_error dm "--timeout wants whole seconds, not '$_dm_timeout'"
	[ -x "$_dm_qemu" ] || xrc_die "dm: no QEMU at $_dm_qemu (Debian: qemu-system-xen)"
	_dm_faults_init # the fault-injection hook (above)

	_dm_ts="$XRC_BINDIR/xrc-dm-toolstack"
	_dm_rep="$XRC_BINDIR/xensim-dm-report"
	_dm_inj="$XRC_BINDIR/xensim-ioreq"
	_dm_world_tool="$XRC_BINDIR/xensim-world"
	xrc_ensure_built "$_dm_ts"
	xrc_ensure_built "$_dm_world_tool"
	xrc_ensure_built "$_dm_rep"
	xrc_ensure_built "$XRC_PRELOAD"
	if [ -z "$_dm_xenstored" ]; then
		_dm_xenstored="$XRC_BUILD/dm/xenstored"
		# Fetched once (apt-get download): offline, make check skips.
		if ! ( xrc_ensure_built "$_dm_xenstored" ); then
			[ "$_dm_tapmode" = 1 ] || xrc_die "dm: no xenstored"
			printf '1..1\nok 1 # SKIP %s\n' \
				"Debian's xenstored could not be fetched"
			return 0
		fi
	fi
	[ -x "$_dm_xenstored" ] || xrc_die "dm: no xenstored at $_dm_xenstored"
	if [ "$_dm_ioreqs" -gt 0 ] && [ ! -x "$_dm_inj" ]; then
		( xrc_ensure_built "$_dm_inj" ) >/dev/null 2>&1 || true
		[ -x "$_dm_inj" ] ||
			xrc_die "dm: --ioreqs needs the injector $_dm_inj, which cannot be built yet"
	fi

	# A short path: AF_UNIX socket names (xenstored, QMP) hold 107 bytes.
	_dm_dir=$(mktemp -d "${TMPDIR:-/tmp}/xrc-dm.XXXXXX") ||
		xrc_die "dm: cannot make a run directory"
	# One machine, many processes: a named world that each of them joins
	# by name (XENSIM_WORLD_NAME), stopped on every way out of here.
	_dm_world=${_dm_fworld:-xrc-dm-$$} # xrc faults: its world (hook above)
	_dm_rm="'$_dm_dir'"
	[ "$_dm_keep" = 1 ] && _dm_rm=
	# shellcheck disable=SC2064 # expand now: name and path are fixed
	trap "[ $_dm_fmode = 1 ] || '$_dm_world_tool' stop '$_dm_world' >/dev/null 2>&1 || :
		[ -z \"$_dm_rm\" ] || rm -rf $_dm_rm" EXIT
	trap 'exit 2' INT TERM HUP
	if [ "$_dm_fmode" = 0 ] && ! env -u XENSIM_FAIL XENSIM_PROFILE="$_dm_profile" \
		"$_dm_world_tool" start \
		--name "$_dm_world" --profile "$_dm_profile" \
		>"$_dm_dir/world.txt" 2>&1; then
		cat "$_dm_dir/world.txt" >&2
		xrc_die "dm: cannot start the world $_dm_world"
	fi

	# What runs while QEMU serves (inside the toolstack, so that it shares
	# the machine): the injector, then the report.  Its exit status is the
	# verdict: 0 pass, 1 fail, 2 broke.
	# shellcheck disable=SC2016 # expanded by that shell, not this one
	_dm_then='
		set -u
		inj=$1 rep=$2 n=$3 restricted=$4 out=$5 time=$6
		rc=0
		if [ "$n" -gt 0 ]; then
			LD_PRELOAD= "$inj" --domid "$XRC_DM_DOMID" --count "$n" \
				--builtin pc $time >"$out/ioreq.txt" 2>&1 || rc=$?
			if [ -n "$time" ]; then
				grep -v "^ok " "$out/ioreq.txt" || :
			else
				cat "$out/ioreq.txt"
			fi
			[ "$rc" -le 1 ] || exit 2
		fi
		if [ "$restricted" = 1 ]; then
			LD_PRELOAD= "$rep" --pid "$XRC_DM_PID" --domid "$XRC_DM_DOMID" \
				>"$out/report.txt" 2>&1 || { r=$?; [ "$rc" -ge "$r" ] || rc=$r; }
		else
			LD_PRELOAD= "$rep" --pid "$XRC_DM_PID" --domid "$XRC_DM_DOMID" \
				--unrestricted >"$out/report.txt" 2>&1 ||
				{ r=$?; [ "$rc" -ge "$r" ] || rc=$r; }
		fi
		cat "$out/report.txt"
		exit "$rc"'
	_dm_rflag=0
	[ -n "$_dm_restrict" ] && _dm_rflag=1
	echo "xrc dm: QEMU $_dm_qemu, profile $_dm_profile, ${_dm_restrict:-no restrict}," \
		"$_dm_ioreqs ioreqs, $_dm_others other guests"
	_dm_faults_qemu # the fault-injection hook (above)
	_dm_rc=0
	# timeout signals its whole process group; QEMU and xenstored also die
	# with the toolstack (PR_SET_PDEATHSIG), the fixture destroys the guests.
	timeout -k 5 "$_dm_timeout" env -u XENSIM_WORLD_FD \
		-u XENSIM_FAIL XENSIM_WORLD_NAME="$_dm_world" \
		LD_PRELOAD="$_dm_preload" "$_dm_ts" --qemu "$_dm_qemu_run" \
		--rundir "$_dm_dir" --xenstored "$_dm_xenstored" $_dm_restrict \
		--mem "$_dm_mem" --vcpus "$_dm_vcpus" --others "$_dm_others" \
		--wait "$_dm_timeout" $_dm_pv -- \
		sh -c "$_dm_then" dm-then "$_dm_inj" "$_dm_rep" "$_dm_ioreqs" \
		"$_dm_rflag" "$_dm_dir" "$_dm_time" >"$_dm_dir/run.txt" \
		2>"$_dm_dir/stderr.txt" || _dm_rc=$?
	_dm_rc_raw=$_dm_rc # the fault-injection hook (above)
	# Under --tap the injector's and the report's lines are comments: the
	# TAP of this run is the three verdicts below.
	_dm_pfx=
	[ "$_dm_tapmode" = 1 ] && _dm_pfx='# '
	if [ "$_dm_fmode" = 1 ]; then # the fault-injection hook (above)
		_dm_faults_output
	else
	grep -v '^xrc-dm: exec ' "$_dm_dir/run.txt" | sed "s/^/$_dm_pfx/" || true
		grep -v '^xrc-dm: exec ' "$_dm_dir/stderr.txt" >&2 || true
	fi
	_dm_rt=$(sed -n 's/^# round trip: \([0-9.]*\) us mean over \([0-9]*\) served$/\1 us (mean over \2)/p' \
		"$_dm_dir/ioreq.txt" 2>/dev/null || :)
	[ -z "$_dm_time" ] || [ -z "$_dm_rt" ] ||
		echo "ioreq round trip, QEMU serving (preload): $_dm_rt"
	case $_dm_rc in
	0 | 1 | 2) ;;
	124 | 137)
		echo "xrc dm: timed out after ${_dm_timeout}s" >&2
		_dm_rc=2 ;;
	*) _dm_rc=2 ;;
	esac
	if [ "$_dm_rc" = 2 ]; then
		for _dm_log in "$_dm_dir"/qemu-dm-*.log "$_dm_dir/xenstored.log"; do
			[ -s "$_dm_log" ] || continue
			echo "--- $(basename "$_dm_log") (last lines)" >&2
			tail -n 15 "$_dm_log" >&2
		done
	fi

	# QEMU refusing to run because it could not restrict itself is a
	# verdict on the backend (it gives a device model no way to drop
	# privilege: e.g. no evtchn restrict on FreeBSD), not a broken run.
	if [ "$_dm_rc" = 2 ] && [ -n "$_dm_restrict" ]; then
		_dm_why=$(grep -h 'failed to restrict' "$_dm_dir"/qemu-dm-*.log \
			2>/dev/null | head -n 1 || :)
		if [ -n "$_dm_why" ]; then
			echo "xrc dm: QEMU could not restrict itself under profile" \
				"$_dm_profile: $_dm_why"
			_dm_rc=1
		fi
	fi

	_dm_running=0
	grep -q '^device model running$' "$_dm_dir/run.txt" && _dm_running=1
	_dm_tap_n=3
	[ "$_dm_tapmode" = 1 ] && echo "1..$_dm_tap_n"
	_dm_tap 1 "$_dm_running" "QEMU reached running (profile $_dm_profile)"
	if [ "$_dm_ioreqs" -gt 0 ]; then
		_dm_ok=0
		[ -s "$_dm_dir/ioreq.txt" ] &&
			grep -q "^# $_dm_ioreqs served, 0 wrong, 0 timed out" \
				"$_dm_dir/ioreq.txt" && _dm_ok=1
		_dm_tap 2 "$_dm_ok" "$_dm_ioreqs ioreqs served and answered right"
	else
		_dm_tap 2 "$_dm_running" "no ioreqs asked # SKIP --ioreqs 0"
	fi
	_dm_ok=0
	[ -s "$_dm_dir/report.txt" ] &&
		grep -q '^summary: 0 FAIL' "$_dm_dir/report.txt" && _dm_ok=1
	_dm_tap 3 "$_dm_ok" "effect log: after restricting, QEMU touched only its own domain"

	case $_dm_rc in
	0) echo "xrc dm: PASS" ;;
	1) echo "xrc dm: FAIL" ;;
	*) echo "xrc dm: BROKE (the run did not complete)" ;;
	esac
	[ "$_dm_keep" = 1 ] && echo "xrc dm: logs kept in $_dm_dir"
	[ "$_dm_fmode" = 0 ] || return "$(_dm_faults_rc "$_dm_rc_raw")" # hook
	return "$_dm_rc"
}
