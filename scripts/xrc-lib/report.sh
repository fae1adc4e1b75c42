# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: merge several runs' results into one Markdown matrix
#
# `xrc report`: rows = assertions, columns = backends; each cell is what the
# backend did and whether that met the profile it was judged by.  Input is
# each run's results.tsv, written by the runner; the merging is
# scripts/xrc-lib/_report.awk.

xrc_report_help() {
	cat <<-HELP
	usage: xrc report DIR... [--out FILE]

	Merges the results.tsv of several runs (each DIR an --out folder of
	'xrc run', e.g. build/results/sim-linux) into one Markdown matrix:
	one row per assertion, one column per backend (headed by the backend
	and the profile it was judged by).  A cell shows the observed outcome
	and its verdict against that profile:
	  ✓ PASS   ✗ FAIL   – SKIP   ! ERROR   (empty: not in that run)
	Writes to FILE (default: stdout).

	exit: 0 written, 2 a DIR without results.tsv or a bad command line.
	HELP
}

xrc_report() {
	_out=
	_want_out=0
	_n=0
	for _a in "$@"; do
		if [ "$_want_out" = 1 ]; then
			_out=$_a
			[ -n "$_out" ] ||
				xrc_usage_error report "--out needs a value"
			_want_out=0
			continue
		fi
		case $_a in
		-h | --help)
			xrc_report_help
			return 0 ;;
		--out=*)
			_out=${_a#*=}
			[ -n "$_out" ] ||
				xrc_usage_error report "--out needs a value" ;;
		--out) _want_out=1 ;;
		-*)
			xrc_usage_error report "unknown option '$_a'" ;;
		*)
			[ -f "$_a/results.tsv" ] ||
				xrc_usage_error report "no results.tsv in '$_a'"
			_n=$((_n + 1)) ;;
		esac
	done
	[ "$_want_out" = 0 ] ||
		xrc_usage_error report "--out needs a value"
	[ "$_n" -gt 0 ] || xrc_usage_error report "no result folder given"

	# Keep only the folders, as the awk program's input files (the word
	# list of a for loop is fixed when it starts, so shifting is safe).
	_want_out=0
	for _a in "$@"; do
		shift
		if [ "$_want_out" = 1 ]; then
			_want_out=0
			continue
		fi
		case $_a in
		--out) _want_out=1 ;;
		-*) ;;
		/*) set -- "$@" "$_a/results.tsv" ;;
		# "./": awk would take "name=value" for an assignment.
		*) set -- "$@" "./$_a/results.tsv" ;;
		esac
	done

	if [ -n "$_out" ]; then
		_tmp="$_out.tmp.$$"
		awk -f "$XRC_LIB/_report.awk" "$@" >"$_tmp" ||
			{ rm -f "$_tmp"; xrc_die "report: could not merge"; }
		mv "$_tmp" "$_out"
		echo "xrc report: $_n runs merged into $_out" >&2
	else
		awk -f "$XRC_LIB/_report.awk" "$@"
	fi
}
