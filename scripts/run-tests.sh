#!/bin/sh
# Run test programs, read their TAP, print one verdict line per program and
# a last line "N passed, N failed, N skipped" (counted per test case).
#
#   scripts/run-tests.sh SUITE...     suites: sim
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
PRELOAD="$PWD/$BUILD/lib/libxensim-preload.so"
ASAN_PRELOAD="$PWD/$BUILD/asan/lib/libxensim-preload.so"
PROFILES="proposed linux linux-xsa482 freebsd netbsd"

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

suite_sim() {
	for t in "$BUILD"/tests/sim/test_*; do
		[ -x "$t" ] && run_one "sim/$(basename "$t")" "$t"
	done
	for t in "$BUILD"/asan/tests/sim/test_*; do
		[ -x "$t" ] && run_one "sim/asan/$(basename "$t")" "$t"
	done
	for t in "$BUILD"/tsan/tests/sim/tsan_*; do
		[ -x "$t" ] && run_one "sim/tsan/$(basename "$t")" "$t"
	done
	if [ -x "$BUILD/bin/xsim-preload-check" ]; then
		run_one "sim/preload-check" env LD_PRELOAD="$PRELOAD" \
			"$BUILD/bin/xsim-preload-check"
	fi
	if [ -x "$BUILD/asan/bin/xsim-preload-check" ]; then
		run_one "sim/asan/preload-check" env LD_PRELOAD="$ASAN_PRELOAD" \
			"$BUILD/asan/bin/xsim-preload-check"
	fi
	if [ -x "$BUILD/bin/xsim-abi-check" ]; then
		for p in $PROFILES; do
			run_one "sim/abi-check profile=$p" env XENSIM_PROFILE="$p" \
				LD_PRELOAD="$PRELOAD" "$BUILD/bin/xsim-abi-check"
		done
		run_one "sim/abi-check profile=linux-xsa482 domU" \
			env XENSIM_PROFILE=linux-xsa482 XENSIM_CALLER_DOMID=1 \
			LD_PRELOAD="$PRELOAD" "$BUILD/bin/xsim-abi-check"
	fi
	if [ -x "$BUILD/asan/bin/xsim-abi-check" ]; then
		for p in proposed linux; do
			run_one "sim/asan/abi-check profile=$p" \
				env XENSIM_PROFILE="$p" LD_PRELOAD="$ASAN_PRELOAD" \
				"$BUILD/asan/bin/xsim-abi-check"
		done
	fi
}

[ $# -gt 0 ] || set -- sim
for s in "$@"; do
	case "$s" in
	sim) suite_sim ;;
	*) echo "run-tests: unknown suite '$s'" >&2; exit 2 ;;
	esac
done

if [ -n "$programs_failed" ]; then
	echo "failing programs:$programs_failed (logs in $LOGS/)"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
