#!/bin/sh
# Run test programs, read their TAP, print one verdict line per program and
# a last line "N passed, N failed, N skipped" (counted per test case).
#
#   scripts/run-tests.sh [SUITE...]   default: every scripts/suites/*.sh
#
# A program is judged by what it printed and how it ended:
#  - every "ok" / "not ok" TAP line is a test case ("# SKIP" makes it a skip);
#  - a program that exits non-zero without a "not ok" line (a crash, a
#    sanitizer report, a broken fixture) adds one failure;
#  - a program that ran no test at all is a failure, never a pass.
# Logs go to $BUILD/test-logs/; the tail of a failing one is shown.
set -eu

BUILD=${BUILD:-build}
LOGS="$BUILD/test-logs"
# Used by the suites this script sources.
# shellcheck disable=SC2034
PRELOAD="$PWD/$BUILD/lib/libxensim-preload.so"
# shellcheck disable=SC2034
ASAN_PRELOAD="$PWD/$BUILD/asan/lib/libxensim-preload.so"
# The profiles, from the one list (scripts/xrc profiles reads it).
# shellcheck disable=SC2034
PROFILES=$(BUILD=$BUILD sh scripts/xrc profiles --names | tr '\n' ' ')
[ -n "$PROFILES" ] || { echo "run-tests: no profiles from xrc profiles" >&2; exit 2; }

# Sanitizers: fail hard, and keep reports readable.
ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:verify_asan_link_order=0"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS CMOCKA_MESSAGE_OUTPUT

passed=0
failed=0
skipped=0
programs_failed=""

mkdir -p "$LOGS"

# run_one NAME COMMAND...: run, count, report.
run_one() {
	name=$1
	shift
	log="$LOGS/$(echo "$name" | tr ' /:=' '____').log"
	rc=0
	"$@" >"$log" 2>&1 </dev/null || rc=$?
	ok=$(grep -c '^ok ' "$log" || true)
	skip=$(grep -c '^ok .*# [Ss][Kk][Ii][Pp]' "$log" || true)
	bad=$(grep -c '^not ok ' "$log" || true)
	ok=$((ok - skip))
	verdict=PASS
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		verdict="FAIL (exit $rc)"
	elif [ "$bad" -gt 0 ]; then
		verdict=FAIL
	elif [ $((ok + skip)) -eq 0 ]; then
		bad=1
		verdict="FAIL (ran no test)"
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	skipped=$((skipped + skip))
	printf '%-60s %s  (%d ok, %d failed, %d skipped)\n' "$name" \
		"$verdict" "$ok" "$bad" "$skip"
	if [ "$verdict" != PASS ]; then
		programs_failed="$programs_failed $name"
		grep -E '^not ok|ERROR|FAIL|Sanitizer|runtime error|Assertion' \
			"$log" | head -n 20 | sed 's/^/    | /'
		tail -n 15 "$log" | sed 's/^/    > /'
	fi
}

# Suites: scripts/suites/NAME.sh defines suite_NAME (using run_one).
for f in "$(dirname "$0")"/suites/*.sh; do
	# shellcheck source=/dev/null
	. "$f"
done

if [ $# -eq 0 ]; then
	for f in "$(dirname "$0")"/suites/*.sh; do
		set -- "$@" "$(basename "$f" .sh)"
	done
fi
for s in "$@"; do
	if ! command -v "suite_$s" >/dev/null 2>&1; then
		echo "run-tests: unknown suite '$s'" >&2
		exit 2
	fi
	"suite_$s"
done

if [ -n "$programs_failed" ]; then
	echo "failing programs:$programs_failed (logs in $LOGS/)"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
