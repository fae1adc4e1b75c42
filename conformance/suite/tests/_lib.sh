# shellcheck shell=sh
# The T_* variables and t_rc are for the tests that source this file.
# shellcheck disable=SC2034
# SPDX-License-Identifier: MIT
# Shared by the suite's self-tests (conformance/suite/tests/*.sh): TAP output,
# running scripts/xrc, and reading a run's results.tsv.
#
# Each self-test sources this, calls t_* and ends with t_done, which prints
# the plan and exits 1 if any check failed.  Work goes under
# $BUILD/conformance-tests/<test name>.XXXXXX/.

T_ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../../.." && pwd -P)
T_NAME=$(basename "$0" .sh)
T_BUILD=${BUILD:-build}
case $T_BUILD in
/*) ;;
*) T_BUILD="$T_ROOT/$T_BUILD" ;;
esac
T_TESTS="$T_ROOT/conformance/suite/tests"
T_XRC="$T_ROOT/scripts/xrc"
T_PLANTED_PRELOAD="$T_BUILD/planted/lib/libxensim-preload.so"
export BUILD="$T_BUILD"

t_n=0
t_failed=0

# A fresh folder per run, so that runs at the same time (two `make check`
# in one tree) do not share one; removed at the end when every check
# passed, kept (and named) otherwise.
mkdir -p "$T_BUILD/conformance-tests"
T_WORK=$(mktemp -d "$T_BUILD/conformance-tests/$T_NAME.XXXXXX")

t_ok() {
	t_n=$((t_n + 1))
	echo "ok $t_n - $*"
}

t_not_ok() {
	t_n=$((t_n + 1))
	t_failed=$((t_failed + 1))
	echo "not ok $t_n - $*"
}

t_skip() {
	_t_why=$1
	shift
	t_n=$((t_n + 1))
	echo "ok $t_n - $* # SKIP $_t_why"
}

# t_diag TEXT...: comment lines (indented input lines too, from stdin
# when no argument).
t_diag() {
	if [ $# -gt 0 ]; then
		echo "# $*"
	else
		sed 's/^/#   /'
	fi
}

# t_check DESCRIPTION COMMAND...: ok when COMMAND succeeds.
t_check() {
	_t_desc=$1
	shift
	if "$@"; then
		t_ok "$_t_desc"
	else
		t_not_ok "$_t_desc"
	fi
}

# t_is DESCRIPTION GOT WANT
t_is() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_not_ok "$1"
		t_diag "got '$2', want '$3'"
	fi
}

t_done() {
	echo "1..$t_n"
	if [ "$t_failed" -eq 0 ]; then
		rm -rf "$T_WORK"
		exit 0
	fi
	echo "# outputs and reports kept in $T_WORK"
	exit 1
}

# t_xrc NAME ARGS...: run `xrc ARGS...` with its output in
# $T_WORK/NAME.out (stdout and stderr); its exit code in $t_rc.
t_xrc() {
	_t_log="$T_WORK/$1.out"
	shift
	t_rc=0
	sh "$T_XRC" "$@" >"$_t_log" 2>&1 </dev/null || t_rc=$?
}

# t_out NAME: the output of the t_xrc run called NAME.
t_out() {
	cat "$T_WORK/$1.out"
}

# t_ids DIR VERDICT: the IDs with that verdict in DIR/results.tsv, sorted.
# The columns are found by the header's names (id, verdict).
t_ids() {
	awk -F'\t' -v want="$2" '
		/^#/ && !/\t/ { next }
		!cols {
			line = $0
			sub(/^#[ \t]*/, "", line)
			n = split(line, f, "\t")
			for (i = 1; i <= n; i++) {
				if (f[i] == "id") ci = i
				if (f[i] == "verdict") cv = i
			}
			if (ci && cv) { cols = 1; next }
			ci = 1; cv = 2; cols = 1
		}
		/^#/ { next }
		toupper($cv) == want { print $ci }
	' "$1/results.tsv" | sort
}

# t_expected FILE [KEY]: the IDs listed in an expectation file (comments
# and blank lines dropped), sorted.  With KEY, the file's lines are
# "KEY ID" and only KEY's are kept.
t_expected() {
	if [ $# -gt 1 ]; then
		sed 's/#.*//' "$1" | awk -v k="$2" '$1 == k { print $2 }'
	else
		sed 's/#.*//' "$1" | awk 'NF { print $1 }'
	fi | sort -u
}

# t_lines TEXT: number of non-empty lines.
t_lines() {
	printf '%s\n' "$1" | grep -c . || true
}

# t_compare_ids WHAT EXPECTED_IDS GOT_IDS: one check per expected ID that
# it is among GOT, then one that GOT has nothing more.
t_compare_ids() {
	_t_what=$1
	for _t_id in $2; do
		if printf '%s\n' "$3" | grep -qxF -- "$_t_id"; then
			t_ok "$_t_what: $_t_id"
		else
			t_not_ok "$_t_what: $_t_id"
		fi
	done
	_t_extra=
	for _t_id in $3; do
		printf '%s\n' "$2" | grep -qxF -- "$_t_id" ||
			_t_extra="$_t_extra $_t_id"
	done
	if [ -z "$_t_extra" ]; then
		t_ok "$_t_what: nothing else"
	else
		t_not_ok "$_t_what: nothing else"
		t_diag "also:$_t_extra"
	fi
}
