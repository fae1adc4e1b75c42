# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# Shared pieces of scripts/xrc, sourced before any subcommand.  Files in
# scripts/xrc-lib/ whose name starts with "_" are not subcommands.
#
# Set by the dispatcher: XRC_ROOT (the tree, absolute), XRC_LIB.

# The build directory, absolute ($BUILD as in the Makefile, default build).
XRC_BUILD=${BUILD:-build}
case $XRC_BUILD in
/*) ;;
*) XRC_BUILD="$XRC_ROOT/$XRC_BUILD" ;;
esac
XRC_RUNNER="$XRC_BUILD/bin/xrc-conformance"
# shellcheck disable=SC2034 # used by run.sh
XRC_PRELOAD="$XRC_BUILD/lib/libxensim-preload.so"

# Exit code for a bad command line or a run that broke (the runner's own
# codes, which `xrc run` passes through: 0 conforms, 1 FAIL, 2 broke, 77
# all skipped).
XRC_EXIT_BROKE=2

# xrc_die MSG...: a run that cannot go on (exit 2, "broke").
xrc_die() {
	echo "xrc: $*" >&2
	exit "$XRC_EXIT_BROKE"
}

# xrc_usage_error CMD MSG...: a bad command line (exit 2).
xrc_usage_error() {
	_xrc_cmd=$1
	shift
	echo "xrc $_xrc_cmd: $*" >&2
	echo "try 'xrc $_xrc_cmd --help'" >&2
	exit "$XRC_EXIT_BROKE"
}

# xrc_need_value CMD "$@": the option in $1 (which takes a value) has one
# in $2.  Call it with the option still first: xrc_need_value run "$@".
xrc_need_value() {
	_xrc_cmd=$1
	_xrc_opt=$2
	shift
	if [ $# -lt 2 ] || [ -z "$2" ]; then
		xrc_usage_error "$_xrc_cmd" "$_xrc_opt needs a value"
	fi
}

# xrc_is_count STRING: a positive decimal integer?
xrc_is_count() {
	case $1 in
	'' | *[!0-9]* | 0*) return 1 ;;
	esac
	return 0
}

# xrc_is_seconds STRING: a positive decimal number (10, 0.5)?
xrc_is_seconds() {
	case $1 in
	'' | *[!0-9.]* | *.*.* | .* | *.)
		return 1 ;;
	esac
	awk -v s="$1" 'BEGIN { exit !(s + 0 > 0) }'
}

# xrc_ensure_built TARGET: make TARGET (a path under the tree) if it is
# missing, quietly; on failure show the tail of make's output and exit 2.
xrc_ensure_built() {
	_xrc_target=$1
	[ -e "$_xrc_target" ] && return 0
	_xrc_log=$(mktemp "${TMPDIR:-/tmp}/xrc-make.XXXXXX")
	# Name the target and the build folder as the Makefile does (relative
	# to the tree when inside it).
	_xrc_rel=${_xrc_target#"$XRC_ROOT"/}
	if ! make -C "$XRC_ROOT" -s BUILD="${XRC_BUILD#"$XRC_ROOT"/}" \
		"$_xrc_rel" >"$_xrc_log" 2>&1; then
		tail -n 20 "$_xrc_log" >&2
		rm -f "$_xrc_log"
		xrc_die "could not build $_xrc_rel (make $_xrc_rel)"
	fi
	rm -f "$_xrc_log"
	[ -e "$_xrc_target" ] || xrc_die "make did not produce $_xrc_rel"
}

# xrc_profile_info: the profiles, one a line: name, base ("-": none),
# stable code, summary, tab-separated.  The one list is
# sim/include/xensim/profile-list.h; the runner is its reader (built on
# demand), so no script keeps a copy.
xrc_profile_info() {
	xrc_ensure_built "$XRC_RUNNER"
	"$XRC_RUNNER" --profiles
}

# xrc_profile_names: the profile names, one a line, in the list's order.
xrc_profile_names() {
	xrc_profile_info | cut -f1
}

# xrc_is_profile NAME
xrc_is_profile() {
	xrc_profile_names | grep -qxF -- "$1"
}
