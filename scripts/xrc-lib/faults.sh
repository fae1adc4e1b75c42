# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: run a program once per failure point of the sim (fault injection)
#
# `xrc faults`: the sim's failure points (sim/include/xensim/fail.h) made
# to fail one at a time under an unmodified program, judged for crashes,
# hangs, escapes and silent successes.  Design and definitions:
# docs/faults.md.  Each run gets a fresh named world (xensim-world), so
# that the program and every process it starts count hits on one counter,
# and that xensim-fail-check can read the world afterwards.

xrc_faults_help() {
	cat <<-EOF
	usage: xrc faults [--profile P] [--only SITE...] [--max N] [--timeout S]
	                  [--name LABEL] [--known FILE] -- COMMAND [ARG...]

	Runs COMMAND under the ASan preload once without a fault, then once per
	failure point: for each site, XENSIM_FAIL=SITE:N with N = 1, 2, ...
	until a run never reaches the Nth hit.  Each run is judged:
	  crash    a signal death or a sanitizer report
	  hang     still running after --timeout seconds
	  escape   a restricted handle touched another domain (the effect log,
	           judged by <xensim/escape.h>: xensim-fail-check)
	  silent   exit 0 with the fault-free run's output although the failed
	           call returned the error to the program
	and otherwise reported (non-zero exit), handled (exit 0, other output)
	or absorbed (exit 0, same output, the failure never reached a call's
	return).

	  --profile P    the world's profile (default linux)
	  --only SITE    sweep only SITE (repeatable, or SITE,SITE); sites:
	                 $(_faults_sites_line)
	  --max N        at most N points per site (default: all)
	  --timeout S    per run (default 60)
	  --name LABEL   the program's name in findings and the known list
	                 (default: COMMAND's basename)
	  --known FILE   known findings, "LABEL SITE KIND REASON" a line
	                 (SITE: SITE, SITE:N[,N|N-M...] or *; default
	                 conformance/clients/faults.known)

	Prints a table of sites with their counts, one line per finding with
	the XENSIM_FAIL value that reproduces it, and a totals line.
	A run that fails without reaching its point (three tries) is a broken
	run.  xrc dm can be swept: xrc faults --profile proposed --name xrc-dm
	-- sh scripts/xrc dm --restrict (docs/faults.md).
	exit: 0 no crash, hang or escape outside the known list; 1 some;
	2 a bad command line or a broken run (the fault-free run failed).
	EOF
}

_faults_sites_line() {
	if [ -x "$XRC_BINDIR/xensim-fail-check" ]; then
		"$XRC_BINDIR/xensim-fail-check" --sites | cut -d' ' -f1 |
			tr '\n' ' '
	else
		echo "(see docs/faults.md)"
	fi
}

# _faults_run SPEC: one run of the command with XENSIM_FAIL=SPEC in a
# fresh world.  Leaves out/err/rep/check in $_f_dir and sets _f_rc (the
# command's exit) and _f_crc (xensim-fail-check's).
_faults_run() {
	_f_spec=$1
	shift
	# A world per run: a process of the last run still exiting (a forked
	# server cleaning up) must not hold the next run's name.
	_f_runs=$((_f_runs + 1))
	_f_world="xrc-faults-$$-$_f_runs"
	rm -f "$_f_dir/out" "$_f_dir/err" "$_f_dir/rep" "$_f_dir/check"
	"$XRC_BINDIR/xensim-world" start --name "$_f_world" \
		--profile "$_f_profile" >"$_f_dir/start" 2>&1 ||
		xrc_die "faults: could not start a world: $(head -n 1 "$_f_dir/start")"
	_f_rc=0
	# XRC_FAULTS_*: for a program that starts its own machine (xrc dm,
	# scripts/xrc-lib/dm.sh) to join this world and use this preload.
	env XENSIM_WORLD_NAME="$_f_world" XENSIM_PROFILE="$_f_profile" \
		XRC_FAULTS_WORLD="$_f_world" XRC_FAULTS_PRELOAD="$_f_preload" \
		XENSIM_FAIL="$_f_spec" XENSIM_FAIL_REPORT="$_f_dir/rep" \
		ASAN_OPTIONS="$_f_asan" UBSAN_OPTIONS="$_f_ubsan" \
		LD_PRELOAD="$_f_preload" \
		timeout -k 5 "$_f_timeout" "$@" \
		>"$_f_dir/out" 2>"$_f_dir/err" </dev/null || _f_rc=$?
	_f_crc=0
	XENSIM_WORLD_NAME="$_f_world" LD_PRELOAD='' \
		"$XRC_BINDIR/xensim-fail-check" >"$_f_dir/check" \
		2>>"$_f_dir/err" || _f_crc=$?
	"$XRC_BINDIR/xensim-world" stop "$_f_world" >/dev/null 2>&1 ||
		_f_left="$_f_left $_f_world"
	[ "$_f_crc" -le 1 ] ||
		xrc_die "faults: could not read the world after XENSIM_FAIL=$_f_spec: $(tail -n 1 "$_f_dir/err")"
}

# _faults_cleanup: on every way out, the last run's world (a sweep ended
# half-way), the worlds a stop could not remove yet, and the files.
_faults_cleanup() {
	for _f_w in ${_f_world:-} $_f_left; do
		"$XRC_BINDIR/xensim-world" stop "$_f_w" >/dev/null 2>&1 || :
	done
	rm -rf "$_f_dir"
}

# _faults_crashed: did the last run die of a signal or a sanitizer?
_faults_crashed() {
	[ "$_f_rc" -gt 128 ] && [ "$_f_rc" -ne 137 ] && return 0
	grep -qE 'ERROR: [A-Za-z]+Sanitizer|runtime error:|^SUMMARY: [A-Za-z]+Sanitizer' \
		"$_f_dir/err" "$_f_dir/out" 2>/dev/null
}

# _faults_known LABEL SITE KIND N: the reason, if the known list has it.
# The list's SITE field is SITE (every point of it), SITE:N[,N|N-M...]
# (those points only) or * (any site).
_faults_known() {
	[ -f "$_f_known" ] || return 1
	awk -v l="$1" -v s="$2" -v k="$3" -v n="$4" '
		function point_ok(f,   c, i, r, m) {
			if (f == "*" || f == s)
				return 1
			if (index(f, s ":") != 1)
				return 0
			c = split(substr(f, length(s) + 2), r, ",")
			for (i = 1; i <= c; i++) {
				if (split(r[i], m, "-") == 2) {
					if (n + 0 >= m[1] + 0 && n + 0 <= m[2] + 0)
						return 1
				} else if (r[i] + 0 == n + 0)
					return 1
			}
			return 0
		}
		/^[ \t]*(#|$)/ { next }
		($1 == l || $1 == "*") && point_ok($2) && $3 == k {
			$1 = $2 = $3 = ""; sub(/^ +/, ""); print; found = 1; exit
		}
		END { exit !found }' "$_f_known"
}

# _faults_finding KIND SITE N: one finding line; counts the unknown ones.
_faults_finding() {
	if _f_why=$(_faults_known "$_f_label" "$2" "$1" "$3"); then
		printf 'FINDING %-6s %s XENSIM_FAIL=%s:%s  known: %s\n' \
			"$1" "$_f_label" "$2" "$3" "$_f_why" >>"$_f_dir/findings"
		_f_nknown=$((_f_nknown + 1))
	else
		printf 'FINDING %-6s %s XENSIM_FAIL=%s:%s  (%s)\n' \
			"$1" "$_f_label" "$2" "$3" "$4" >>"$_f_dir/findings"
		case $1 in
		crash | hang | escape) _f_nours=$((_f_nours + 1)) ;;
		esac
	fi
}

xrc_faults() {
	_f_profile=linux
	_f_only=
	_f_max=0
	_f_timeout=60
	_f_label=
	_f_known="$XRC_ROOT/conformance/clients/faults.known"
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) xrc_faults_help; return 0 ;;
		--profile) xrc_need_value faults "$@"; _f_profile=$2; shift 2 ;;
		--only) xrc_need_value faults "$@"
			_f_only="$_f_only $(echo "$2" | tr ',' ' ')"; shift 2 ;;
		--max) xrc_need_value faults "$@"
			xrc_is_count "$2" ||
				xrc_usage_error faults "--max wants a positive count, not '$2'"
			_f_max=$2; shift 2 ;;
		--timeout) xrc_need_value faults "$@"
			xrc_is_seconds "$2" ||
				xrc_usage_error faults "--timeout wants seconds, not '$2'"
			_f_timeout=$2; shift 2 ;;
		--name) xrc_need_value faults "$@"; _f_label=$2; shift 2 ;;
		--known) xrc_need_value faults "$@"; _f_known=$2; shift 2
			[ -f "$_f_known" ] ||
				xrc_usage_error faults "--known: no file '$_f_known'" ;;
		--) shift; break ;;
		*) xrc_usage_error faults "unknown argument '$1' (the command goes after --)" ;;
		esac
	done
	[ $# -gt 0 ] || xrc_usage_error faults "no command (xrc faults [OPTIONS] -- COMMAND [ARG...])"
	command -v "$1" >/dev/null 2>&1 ||
		xrc_usage_error faults "no such command: '$1'"
	[ -n "$_f_label" ] || _f_label=$(basename -- "$1")
	xrc_ensure_built "$XRC_BINDIR/xensim-world"
	xrc_ensure_built "$XRC_BINDIR/xensim-fail-check"
	if [ -n "${XRC_INSTALLED:-}" ]; then
		_f_preload=$XRC_PRELOAD
	else
		_f_preload="$XRC_BUILD/asan/lib/libxensim-preload.so"
		xrc_ensure_built "$_f_preload"
	fi
	_f_sites=$("$XRC_BINDIR/xensim-fail-check" --sites | cut -d' ' -f1 |
		tr '\n' ' ')
	for _f_s in $_f_only; do
		case " $_f_sites " in
		*" $_f_s "*) ;;
		*) xrc_usage_error faults "no failure point '$_f_s' (sites: $_f_sites)" ;;
		esac
	done
	[ -n "$_f_only" ] || _f_only=$_f_sites
	# Leaks in the program are not ours to judge, and a program not built
	# with ASan loads the runtime after libc (verify_asan_link_order).
	_f_asan=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=0:verify_asan_link_order=0}
	_f_ubsan=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

	_f_dir=$(mktemp -d "${TMPDIR:-/tmp}/xrc-faults.XXXXXX")
	_f_runs=0
	_f_left=
	trap _faults_cleanup EXIT
	trap 'exit 2' INT TERM HUP
	: >"$_f_dir/findings"
	_f_nours=0
	_f_nknown=0

	# The fault-free run: the output to compare with, the hits per site.
	_faults_run count "$@"
	cp "$_f_dir/out" "$_f_dir/base.out"
	cp "$_f_dir/check" "$_f_dir/base.check"
	if [ "$_f_rc" -ne 0 ] || _faults_crashed || [ "$_f_crc" -ne 0 ]; then
		tail -n 5 "$_f_dir/err" >&2
		grep '^escape' "$_f_dir/check" >&2 || :
		xrc_die "faults: $_f_label fails without any fault (exit $_f_rc, check $_f_crc): fix that first"
	fi

	printf '%-10s %-7s %7s %6s %9s %8s %9s %7s %6s %5s %7s\n' site errno \
		points tried reported handled absorbed silent crash hang escape
	_f_t_pts=0 _f_t_try=0 _f_t_rep=0 _f_t_han=0 _f_t_abs=0 _f_t_sil=0
	_f_t_cr=0 _f_t_hg=0 _f_t_es=0
	for _f_s in $_f_only; do
		_f_err=$("$XRC_BINDIR/xensim-fail-check" --sites |
			awk -v s="$_f_s" '$1 == s { print $2 }')
		_f_pts=$(awk -v s="$_f_s" '$1 == "hits" && $2 == s { print $3 }' \
			"$_f_dir/base.check")
		_f_try=0 _f_rep=0 _f_han=0 _f_abs=0 _f_sil=0 _f_cr=0 _f_hg=0 _f_es=0
		_f_n=1
		while [ "$_f_max" -eq 0 ] || [ "$_f_n" -le "$_f_max" ]; do
			_faults_run "$_f_s:$_f_n" "$@"
			# Not reached: the sweep of this site is complete, if the
			# run went as the fault-free one did.  One that failed
			# without a fault is a broken run (a program that is not
			# deterministic, or something rebuilt under the sweep), not
			# the end of the site.
			# It is run up to twice more first: a harness's start-up
			# race under load (xrc dm's xenstored not listening yet)
			# is not the program's.
			_f_again=0
			while [ "$_f_again" -lt 2 ] &&
				! grep -q "^fired $_f_s $_f_n " "$_f_dir/rep" 2>/dev/null &&
				{ [ "$_f_rc" -ne 0 ] || _faults_crashed; }; do
				_f_again=$((_f_again + 1))
				_faults_run "$_f_s:$_f_n" "$@"
			done
			if ! grep -q "^fired $_f_s $_f_n " "$_f_dir/rep" 2>/dev/null; then
				[ "$_f_rc" -eq 0 ] && ! _faults_crashed && break
				tail -n 5 "$_f_dir/err" >&2
				xrc_die "faults: $_f_label failed (exit $_f_rc) with XENSIM_FAIL=$_f_s:$_f_n, which never fired: a broken run"
			fi
			_f_try=$((_f_try + 1))
			_f_ret=$(awk -v s="$_f_s" -v n="$_f_n" \
				'$1 == "returned" && $2 == s && $3 == n { print $4; exit }' \
				"$_f_dir/rep")
			if [ "$_f_crc" -eq 1 ]; then
				_f_es=$((_f_es + 1))
				_faults_finding escape "$_f_s" "$_f_n" \
					"$(grep -m1 '^escape' "$_f_dir/check")"
			fi
			if [ "$_f_rc" -eq 124 ] || [ "$_f_rc" -eq 137 ]; then
				_f_hg=$((_f_hg + 1))
				_faults_finding hang "$_f_s" "$_f_n" \
					"still running after ${_f_timeout}s"
			elif _faults_crashed; then
				_f_cr=$((_f_cr + 1))
				_faults_finding crash "$_f_s" "$_f_n" "exit $_f_rc: $(grep -m1 -E 'Sanitizer|runtime error' "$_f_dir/err" || echo signal)"
			elif [ "$_f_rc" -ne 0 ]; then
				_f_rep=$((_f_rep + 1))
			elif ! cmp -s "$_f_dir/out" "$_f_dir/base.out"; then
				_f_han=$((_f_han + 1))
			elif [ -n "$_f_ret" ] && [ "$_f_ret" -lt 0 ]; then
				_f_sil=$((_f_sil + 1))
				_faults_finding silent "$_f_s" "$_f_n" \
					"a call returned $_f_ret, exit 0, output unchanged"
			else
				_f_abs=$((_f_abs + 1))
			fi
			_f_n=$((_f_n + 1))
		done
		printf '%-10s %-7s %7s %6d %9d %8d %9d %7d %6d %5d %7d\n' \
			"$_f_s" "$_f_err" "${_f_pts:-0}" "$_f_try" "$_f_rep" \
			"$_f_han" "$_f_abs" "$_f_sil" "$_f_cr" "$_f_hg" "$_f_es"
		_f_t_pts=$((_f_t_pts + ${_f_pts:-0})) _f_t_try=$((_f_t_try + _f_try))
		_f_t_rep=$((_f_t_rep + _f_rep)) _f_t_han=$((_f_t_han + _f_han))
		_f_t_abs=$((_f_t_abs + _f_abs)) _f_t_sil=$((_f_t_sil + _f_sil))
		_f_t_cr=$((_f_t_cr + _f_cr)) _f_t_hg=$((_f_t_hg + _f_hg))
		_f_t_es=$((_f_t_es + _f_es))
	done
	printf '%-10s %-7s %7d %6d %9d %8d %9d %7d %6d %5d %7d\n' total '' \
		"$_f_t_pts" "$_f_t_try" "$_f_t_rep" "$_f_t_han" "$_f_t_abs" \
		"$_f_t_sil" "$_f_t_cr" "$_f_t_hg" "$_f_t_es"
	cat "$_f_dir/findings"
	echo "faults: $_f_label: $_f_t_try points failed: $_f_t_cr crashes, $_f_t_hg hangs, $_f_t_es escapes, $_f_t_sil silent successes ($_f_nknown known, $_f_nours not known)"
	[ "$_f_nours" -eq 0 ] || return 1
	return 0
}
