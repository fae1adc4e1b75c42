# shellcheck shell=sh
# SPDX-License-Identifier: MIT
#
# Shared by the images' init scripts (busybox sh, PID 1, in the guest):
# the console protocol that scripts/xrc-lib/_vm.sh reads on the host.
#
# Every line the host acts on is a marker, alone on its line:
#   @@XRC-STAGE text@@        a boot stage, shown on the host's terminal
#   @@XRC-SHOW text@@         a line to show as it is (figures)
#   @@XRC-ERROR text@@        setup broke; the run's verdict is ERROR (2)
#   @@XRC-VERDICT rc=N@@      the suite ended with exit code N
#   @@XRC-REPORTS-BEGIN@@     then the report folder as base64 of a
#   @@XRC-REPORTS-END@@       tar.gz (gzip's CRC catches a garbled console)
#   @@XRC-SHIP-BEGIN NAME@@   more files (xrc_ship), the same way
#   @@XRC-SHIP-END NAME@@
#   @@XRC-END rc=N@@          last line before the guest powers off
# Anything else (the suite's streamed text lines, kernel messages) is
# only logged.

# Options from the kernel command line (xrc.NAME=VALUE), so one image
# serves every profile.
XRC_PROFILE=proposed
# shellcheck disable=SC2034 # read by cuse/init
XRC_SIM=proposed
XRC_BACKEND=
XRC_ONLY=
XRC_JOBS=
XRC_TIMEOUT=
# shellcheck disable=SC2034 # read by cuse/init: which xensim-cuse build
XRC_CUSE=plain
# --- port: the behaviour a port's drivers claim (xrc run --port: proposed),
# for the client programs (XRC_CLIENT_PROFILE); none: Debian's Linux.
# Exported: xrc_clients runs in a shell of its own (xrc-vm-domains). ---
XRC_CLIENTS=${XRC_CLIENTS:-}
# What the run booted, KEY=VALUE a line, for the runner's --meta (the
# xen init writes it; none: no --meta).
XRC_META_FILE=/tmp/xrc-meta

xrc_stage() {
	echo "@@XRC-STAGE $*@@"
}

# xrc_end RC: say so, then leave (the caller's power-off function).
xrc_end() {
	echo "@@XRC-END rc=$1@@"
	sync
	xrc_power_off
}

# xrc_fail MSG: setup broke before or around the suite.
xrc_fail() {
	echo "@@XRC-ERROR $*@@"
	xrc_end 2
}

# Mount what the programs need and read the options.
xrc_setup() {
	mkdir -p /proc /sys /dev /tmp /run
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	# devtmpfs makes the misc and CUSE device nodes (/dev/xen/*, /dev/cuse).
	mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
	# The kernel gave init the console only if the initramfs had a
	# /dev/console; devtmpfs has one.
	if [ -c /dev/console ]; then
		exec </dev/console >/dev/console 2>&1
	fi
	mount -t tmpfs tmpfs /tmp
	mount -t tmpfs tmpfs /run
	# Words, not lines, and no pathname expansion (--only globs).
	set -f
	# shellcheck disable=SC2013
	for w in $(cat /proc/cmdline); do
		# shellcheck disable=SC2034 # XRC_SIM: read by cuse/init
		case $w in
		xrc.profile=*) XRC_PROFILE=${w#*=} ;;
		xrc.sim=*) XRC_SIM=${w#*=} ;;
		xrc.backend=*) XRC_BACKEND=${w#*=} ;;
		xrc.only=*) XRC_ONLY=${w#*=} ;;
		xrc.jobs=*) XRC_JOBS=${w#*=} ;;
		xrc.timeout=*) XRC_TIMEOUT=${w#*=} ;;
		xrc.cuse=*) XRC_CUSE=${w#*=} ;;
		xrc.clients=*) XRC_CLIENTS=${w#*=}; export XRC_CLIENTS ;;	# --- port ---
		esac
	done
	set +f
}

# xrc_modprobe MODULE...: load each, or fail the run naming it.
xrc_modprobe() {
	for m in "$@"; do
		modprobe "$m" || xrc_fail "modprobe $m failed"
	done
}

# xrc_suite DEVDIR [WRAPPER...]: run the suite on DEVDIR (through WRAPPER,
# a command that takes the runner's command line after it), say its exit
# code, ship the reports.  Sets XRC_RC.
xrc_suite() {
	_devdir=$1
	shift
	set -- "$@" xrc-conformance --devdir "$_devdir" --format tap \
		--profile "$XRC_PROFILE" --backend "$XRC_BACKEND" --out /tmp/out
	[ -z "$XRC_ONLY" ] || set -- "$@" --only "$XRC_ONLY"
	[ -z "$XRC_JOBS" ] || set -- "$@" --jobs "$XRC_JOBS"
	[ -z "$XRC_TIMEOUT" ] || set -- "$@" --timeout "$XRC_TIMEOUT"
	# The transport the devices come through (cuse: ENOSYS arrives as
	# ENOTTY, see conformance/suite/README.md).
	[ -z "${XRC_TRANSPORT:-}" ] || set -- "$@" --transport "$XRC_TRANSPORT"
	# What was booted, into every report's header (read in this shell:
	# a redirect, not a pipe).
	if [ -s "$XRC_META_FILE" ]; then
		while IFS= read -r _m; do
			set -- "$@" --meta "$_m"
		done <"$XRC_META_FILE"
	fi
	mkdir -p /tmp/out
	xrc_stage "suite: $*"
	XRC_RC=0
	# The suite's TAP streams between these markers as it runs (the host
	# counts and shows it); the reports follow whole, below.
	echo "@@XRC-TAP-BEGIN@@"
	"$@" 2>&1 || XRC_RC=$?
	echo "@@XRC-TAP-END@@"
	echo "@@XRC-VERDICT rc=$XRC_RC@@"
	if [ ! -s /tmp/out/results.tsv ]; then
		echo "@@XRC-ERROR the suite wrote no reports (exit $XRC_RC)@@"
		XRC_RC=2
		return 0
	fi
	echo "@@XRC-REPORTS-BEGIN@@"
	tar -C /tmp/out -cf - . | gzip -9 | base64
	echo "@@XRC-REPORTS-END@@"
}

# xrc_ship NAME DIR: send DIR's files to the host between
# @@XRC-SHIP-BEGIN NAME@@ and @@XRC-SHIP-END NAME@@, as base64 of a
# tar.gz like the reports (scripts/xrc-lib/_vm.sh, xrc_vm_unship).
xrc_ship() {
	echo "@@XRC-SHIP-BEGIN $1@@"
	tar -C "$2" -cf - . | gzip -9 | base64
	echo "@@XRC-SHIP-END $1@@"
}

# xrc_clients OUTDIR: every client program (conformance/clients/, in /bin
# as test_*) with cmocka's TAP, each in OUTDIR/NAME.tap, ended after 120
# s; a program's exit code is in OUTDIR/NAME.rc.  Run while the suite's
# target domains exist (under xrc-vm-domains), as on the sim's default
# world.
xrc_clients() {
	mkdir -p "$1"
	for _t in /bin/test_*; do
		[ -x "$_t" ] || continue
		_n=${_t##*/}
		xrc_stage "clients: $_n"
		_rc=0
		CMOCKA_MESSAGE_OUTPUT=TAP XRC_CLIENT_PROFILE=$XRC_CLIENTS \
			timeout 120 "$_t" >"$1/$_n.tap" 2>"$1/$_n.err" || _rc=$?
		echo "$_rc" >"$1/$_n.rc"
	done
}
