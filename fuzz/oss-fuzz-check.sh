#!/bin/sh
# SPDX-License-Identifier: MIT
# make check's test of the OSS-Fuzz/ClusterFuzzLite build (prints TAP):
# run fuzz/oss-fuzz-build.sh as the builder image would for libFuzzer and
# ASan, then check what it left in $OUT and run every target the way
# ClusterFuzz would start it: its seed corpus unzipped into a folder, its
# .options turned into flags, a few thousand inputs.
#
#   BUILD=build sh fuzz/oss-fuzz-check.sh      OUT: $BUILD/oss-fuzz/out
#
# XRC_OSSFUZZ_RUNS (default 4000): inputs per target.  The runs are seeded
# (-seed=1), so that a failure here reproduces.
set -eu

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${XRC_OSSFUZZ_RUNS:-4000}
case $RUNS in
'' | *[!0-9]* | 0*)
	echo "oss-fuzz-check: XRC_OSSFUZZ_RUNS wants a positive number, not '$RUNS'" >&2
	exit 2 ;;
esac
TARGETS="privcmd evtchn gntdev gntalloc diff"

top="$PWD/$BUILD/oss-fuzz"
rm -rf "$top"
mkdir -p "$top/out" "$top/work" "$top/run"

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }

# shellcheck disable=SC2086 # one word per target
set -- $TARGETS
echo "1..$((1 + 5 * $#))"

# The variables the builder image sets for a libFuzzer+ASan build
# (https://google.github.io/oss-fuzz/getting-started/new-project-guide/
# "build.sh requirements"), with Debian's clang.
if env OUT="$top/out" WORK="$top/work" CC=clang CXX=clang++ \
	CFLAGS=-fsanitize=address,fuzzer-no-link \
	CXXFLAGS=-fsanitize=address,fuzzer-no-link \
	LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
	sh fuzz/oss-fuzz-build.sh >"$top/build.log" 2>&1; then
	ok "build.sh with CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE OUT"
else
	notok "build.sh failed (log: $top/build.log)"
	sed 's/^/# /' "$top/build.log" | tail -n 20
fi

# The seed corpus must hold every seed and regression of the target.
nseeds() {
	_c=0
	for _f in fuzz/corpus/"$1"/* fuzz/regress/"$1"/*; do
		[ -f "$_f" ] && _c=$((_c + 1))
	done
	echo "$_c"
}

for t in $TARGETS; do
	out="$top/out"
	if [ -x "$out/$t" ]; then ok "$t: binary"; else notok "$t: no binary $out/$t"; fi

	dir="$top/run/$t"
	mkdir -p "$dir"
	want=$(nseeds "$t")
	if unzip -q "$out/${t}_seed_corpus.zip" -d "$dir" 2>"$top/run/$t.unzip" &&
		[ "$(find "$dir" -type f | wc -l)" -eq "$want" ]; then
		ok "$t: ${t}_seed_corpus.zip holds its $want seeds"
	else
		notok "$t: ${t}_seed_corpus.zip does not hold the $want seeds of fuzz/corpus/$t and fuzz/regress/$t"
	fi

	if cmp -s "$out/$t.dict" "fuzz/dict/$([ "$t" = diff ] && echo all || echo "$t").dict"; then
		ok "$t: $t.dict"
	else
		notok "$t: $t.dict is not its fuzz/dict/ dictionary"
	fi

	# [libfuzzer] key = value lines become -key=value, as ClusterFuzz
	# does; the dictionary is named relative to $OUT.
	opts=""
	if [ -f "$out/$t.options" ] && [ "$(sed -n 1p "$out/$t.options")" = "[libfuzzer]" ]; then
		max_len=$(sed -n 's/^max_len = \([0-9][0-9]*\)$/\1/p' "$out/$t.options")
		dict=$(sed -n 's/^dict = \(.*\)$/\1/p' "$out/$t.options")
		if [ -n "$max_len" ] && [ -f "$out/$dict" ]; then
			opts="-max_len=$max_len -dict=$out/$dict"
			ok "$t: $t.options sets max_len=$max_len dict=$dict"
		else
			notok "$t: $t.options lacks max_len or names no dictionary in OUT"
		fi
	else
		notok "$t: no $t.options with a [libfuzzer] section"
	fi

	# The run: exit 0, and libFuzzer's own count of what it executed.
	log="$top/run/$t.log"
	rc=0
	# shellcheck disable=SC2086 # the options are words
	(cd "$top/run" && "$out/$t" $opts -runs="$RUNS" -seed=1 \
		-print_final_stats=1 "$dir") >"$log" 2>&1 || rc=$?
	done_runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ] && [ "${done_runs:-0}" -ge "$RUNS" ]; then
		ok "$t: -runs=$RUNS from its seeds: done ${done_runs} runs"
	else
		notok "$t: -runs=$RUNS exited $rc after ${done_runs:-no} runs (log: $log)"
		grep -E 'ERROR|FINDING|Sanitizer|ParseDictionary' "$log" |
			head -n 10 | sed 's/^/# /'
	fi
done
