# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: merge several runs' results into one Markdown matrix
#
# `xrc report`: rows = assertions, columns = runs; each cell is what the
# backend did and whether that met the profile it was judged by.  Input is
# each run's results.tsv, written by the runner; the merging is
# scripts/xrc-lib/_report.awk.

xrc_report_help() {
	cat <<-HELP
	usage: xrc report DIR... [--out FILE] [--title TEXT] [--differences]
	                  [--differences-title TEXT]

	Merges the results.tsv of several runs (each DIR an --out folder of
	'xrc run', e.g. build/results/sim-linux) into one Markdown matrix:
	one row per assertion, one column per run, headed by the backend and
	the profile it was judged by, and by the kernel and Xen it tested
	when its results.tsv says ("# kernel:", "# xen:").  A cell shows the
	observed outcome and its verdict against that profile:
	  ✓ PASS   ✗ FAIL   – SKIP   ! ERROR   (empty: not in that run)

	  --out FILE        write to FILE (default: stdout)
	  --title TEXT      the first heading (default: Conformance matrix)
	  --differences     add the section "Assertions whose outcome differs
	                    between columns": the rows whose observed outcome
	                    is not the same in every column that ran them
	  --differences-title TEXT
	                    that section's heading (implies --differences)

	When a run's results.tsv carries more than backend, profile, devdir
	and fixture (kernel, xen, booted.*, driver.*, --meta keys, broken),
	the differences section is added by itself, and a last section lists
	every such key per column.  A "# broken: REASON" line marks a run
	that broke (xrc matrix writes one for a combination it could not run).

	exit: 0 written, 2 a DIR without results.tsv or a bad command line.
	HELP
}

xrc_report() {
	# ---- --format md|html (issue 15; html: xrc_report_html below) ----
	_rf_fmt=md
	_rf_want=0
	for _a in "$@"; do
		shift
		if [ "$_rf_want" = 1 ]; then
			_rf_fmt=$_a
			_rf_want=0
			continue
		fi
		case $_a in
		--format) _rf_want=1; continue ;;
		--format=*) _rf_fmt=${_a#*=}; continue ;;
		esac
		set -- "$@" "$_a"
	done
	[ "$_rf_want" = 0 ] || xrc_usage_error report "--format needs a value"
	case $_rf_fmt in
	md) ;;
	html) xrc_report_html "$@"; return ;;
	*) xrc_usage_error report "unknown format '$_rf_fmt' (md, html)" ;;
	esac
	# ---- end --format ----
	_out=
	_title=
	_differ=0
	_differ_title=
	_n=0
	# Pass 1: the options; the folders are checked and counted.
	_skip=0
	for _a in "$@"; do
		if [ "$_skip" = 1 ]; then
			_skip=0
			continue
		fi
		case $_a in
		-h | --help)
			xrc_report_help
			return 0 ;;
		--*=)
			xrc_usage_error report "${_a%=} needs a value" ;;
		--out=*) _out=${_a#*=} ;;
		--title=*) _title=${_a#*=} ;;
		--differences-title=*) _differ_title=${_a#*=} _differ=1 ;;
		--differences) _differ=1 ;;
		--out | --title | --differences-title)
			_skip=1 ;;
		-*)
			xrc_usage_error report "unknown option '$_a'" ;;
		*)
			[ -f "$_a/results.tsv" ] ||
				xrc_usage_error report "no results.tsv in '$_a'"
			_n=$((_n + 1)) ;;
		esac
	done
	# The values of the options given as two words.
	_want=
	for _a in "$@"; do
		case $_want in
		--out) _out=$_a ;;
		--title) _title=$_a ;;
		--differences-title) _differ_title=$_a _differ=1 ;;
		esac
		if [ -n "$_want" ]; then
			[ -n "$_a" ] || xrc_usage_error report "$_want needs a value"
			_want=
			continue
		fi
		case $_a in
		--out | --title | --differences-title) _want=$_a ;;
		esac
	done
	[ -z "$_want" ] || xrc_usage_error report "$_want needs a value"
	[ "$_n" -gt 0 ] || xrc_usage_error report "no result folder given"

	# Keep only the folders, as the awk program's input files (the word
	# list of a for loop is fixed when it starts, so shifting is safe).
	_want=
	for _a in "$@"; do
		shift
		if [ -n "$_want" ]; then
			_want=
			continue
		fi
		case $_a in
		--out | --title | --differences-title) _want=$_a ;;
		-*) ;;
		/*) set -- "$@" "$_a/results.tsv" ;;
		# "./": awk would take "name=value" for an assignment.
		*) set -- "$@" "./$_a/results.tsv" ;;
		esac
	done

	if [ -n "$_out" ]; then
		_tmp="$_out.tmp.$$"
		xrc_report_awk "$@" >"$_tmp" ||
			{ rm -f "$_tmp"; xrc_die "report: could not merge"; }
		mv "$_tmp" "$_out"
		echo "xrc report: $_n runs merged into $_out" >&2
	else
		xrc_report_awk "$@"
	fi
}

# xrc_report_awk FILE...: the merge, with the options read above.  awk -v
# takes backslash escapes in a value: doubled here so a title is printed
# as given.
xrc_report_awk() {
	awk -v title="$(printf '%s' "$_title" | sed 's/\\/\\\\/g')" \
		-v differ="$_differ" \
		-v differ_title="$(printf '%s' "$_differ_title" | sed 's/\\/\\\\/g')" \
		-f "$XRC_LIB/_report.awk" "$@"
}

# ---- xrc report --format html (issue 15) ----
# xrc_report_html DIR... [--out FILE]: one self-contained HTML page, by
# build/bin/xrc-report-html (conformance/suite/report-html/main.c), whose
# page is written by the code the runner's own results.html comes from
# (conformance/suite/runner/report_html.c).  It checks its arguments and
# exits 2 on a bad one, as the Markdown merge does.
xrc_report_html() {
	for _a in "$@"; do
		case $_a in
		-h | --help)
			xrc_report_help
			return 0 ;;
		esac
	done
	xrc_ensure_built "$XRC_BINDIR/xrc-report-html"
	"$XRC_BINDIR/xrc-report-html" "$@"
}
# ---- end --format html ----
