# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# Shared pieces of scripts/xrc, sourced before any subcommand.  Files in
# scripts/xrc-lib/ whose name starts with "_" are not subcommands.
#
# Set by the dispatcher: XRC_ROOT (the tree, or the installed data folder,
# absolute), XRC_LIB, XRC_SELF (xrc itself), XRC_INSTALLED (1 when
# installed, else empty) and, installed, XRC_INSTALLED_LIBEXEC and
# XRC_INSTALLED_LIBDIR.
#
# ---- where things are (docs/install.md) ----
#   XRC_BUILD    absolute: in the tree, the build folder ($BUILD as in the
#                Makefile, default build); installed, the work folder
#                ($XRC_WORKDIR, default $XDG_STATE_HOME/xenrestrict, i.e.
#                ~/.local/state/xenrestrict).  Results go under it.
#   XRC_BINDIR   the programs xrc runs: $XRC_BUILD/bin in the tree, the
#                libexec folder installed
#   XRC_RUNNER   the runner, xrc-conformance, in XRC_BINDIR
#   XRC_PRELOAD  the preload: $XRC_BUILD/lib/ in the tree, LIBDIR installed
if [ -n "${XRC_INSTALLED:-}" ]; then
	if [ -n "${XRC_WORKDIR:-}" ]; then
		XRC_BUILD=$XRC_WORKDIR
	elif [ -n "${XDG_STATE_HOME:-}" ]; then
		XRC_BUILD="$XDG_STATE_HOME/xenrestrict"
	elif [ -n "${HOME:-}" ]; then
		XRC_BUILD="$HOME/.local/state/xenrestrict"
	else
		XRC_BUILD="${TMPDIR:-/tmp}/xenrestrict-$(id -u)"
	fi
	case $XRC_BUILD in
	/*) ;;
	*) XRC_BUILD="$PWD/$XRC_BUILD" ;;
	esac
	XRC_BINDIR=$XRC_INSTALLED_LIBEXEC
	XRC_PRELOAD="$XRC_INSTALLED_LIBDIR/libxensim-preload.so"
else
	XRC_BUILD=${BUILD:-build}
	case $XRC_BUILD in
	/*) ;;
	*) XRC_BUILD="$XRC_ROOT/$XRC_BUILD" ;;
	esac
	XRC_BINDIR="$XRC_BUILD/bin"
	# shellcheck disable=SC2034 # used by run.sh
	XRC_PRELOAD="$XRC_BUILD/lib/libxensim-preload.so"
fi
XRC_RUNNER="$XRC_BINDIR/xrc-conformance"
# ---- end of where things are ----

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

# xrc_ensure_built TARGET [NOTE]: bring TARGET (a path under the build
# folder) up to date with its sources, as make sees them, before it runs:
# a program built before a source (a rows file, a body) changed must not
# run the old code.  make decides (a fraction of a second when nothing
# changed), quietly: its output is kept and its tail shown only when it
# fails (exit 2).  NOTE, if given, goes to stderr when `make -q` says
# something is to be built (a build that takes a while says so).  Not
# `make -q` alone: a target with a FORCE prerequisite (the runner's
# rows.inc) is never "up to date" for it.
xrc_ensure_built() {
	_xrc_target=$1
	# Installed: nothing is built; what is not installed needs the tree.
	if [ -n "${XRC_INSTALLED:-}" ]; then
		[ -e "$_xrc_target" ] ||
			xrc_die "$_xrc_target is not installed: this needs the source tree (run scripts/xrc from a clone)"
		return 0
	fi
	# Asked once per xrc process (xrc run asks for the runner three times).
	case " ${_XRC_FRESH:-} " in
	*" $_xrc_target "*) return 0 ;;
	esac
	# Name the target and the build folder as the Makefile does (relative
	# to the tree when inside it).
	_xrc_rel=${_xrc_target#"$XRC_ROOT"/}
	_xrc_bld=${XRC_BUILD#"$XRC_ROOT"/}
	if [ $# -ge 2 ] && ! { [ -e "$_xrc_target" ] &&
		make -C "$XRC_ROOT" -q BUILD="$_xrc_bld" "$_xrc_rel" \
			>/dev/null 2>&1; }; then
		echo "$2" >&2
	fi
	_xrc_log=$(mktemp "${TMPDIR:-/tmp}/xrc-make.XXXXXX")
	# One make at a time per build folder: xrc commands run side by side
	# (two make checks in one tree) would otherwise race on the files a
	# FORCE rule rewrites.  flock(1) is util-linux, essential in Debian.
	mkdir -p "$XRC_BUILD" 2>/dev/null || true
	if ! flock "$XRC_BUILD/.xrc-make.lock" make -C "$XRC_ROOT" -s \
		BUILD="$_xrc_bld" "$_xrc_rel" >"$_xrc_log" 2>&1; then
		tail -n 20 "$_xrc_log" >&2
		rm -f "$_xrc_log"
		xrc_die "could not build $_xrc_rel (make $_xrc_rel)"
	fi
	rm -f "$_xrc_log"
	[ -e "$_xrc_target" ] || xrc_die "make did not produce $_xrc_rel"
	_XRC_FRESH="${_XRC_FRESH:-} $_xrc_target"
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
