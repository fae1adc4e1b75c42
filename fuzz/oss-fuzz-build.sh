#!/bin/sh
# SPDX-License-Identifier: MIT
# The fuzz targets built the way OSS-Fuzz and ClusterFuzzLite build them:
# the one build script .clusterfuzzlite/build.sh runs, and that make check
# runs too (scripts/suites/ossfuzz.sh, fuzz/oss-fuzz-check.sh).
#
#   OUT=DIR CC=.. CXX=.. CFLAGS=.. CXXFLAGS=.. LIB_FUZZING_ENGINE=.. \
#       sh fuzz/oss-fuzz-build.sh
#
# The conventions it follows (OSS-Fuzz new project guide,
# https://google.github.io/oss-fuzz/getting-started/new-project-guide/,
# "build.sh", "build.sh script environment", "build.sh requirements",
# "Seed Corpus", "Dictionaries"; ClusterFuzzLite build integration,
# https://google.github.io/clusterfuzzlite/build-integration/):
#  - compile with $CC $CFLAGS, link with $CXX $CXXFLAGS even for pure C,
#    and take the engine from $LIB_FUZZING_ENGINE: never a hard-coded
#    -fsanitize=fuzzer, so that the AFL, honggfuzz and coverage builds
#    work unchanged;
#  - one binary per target in $OUT, named with [A-Za-z0-9_-] only and no
#    extension (extensions are reserved for the files next to it);
#  - $OUT/TARGET_seed_corpus.zip, the seeds (a flat zip);
#  - $OUT/TARGET.dict, picked up by name;
#  - $OUT/TARGET.options, an INI file whose [libfuzzer] section becomes
#    libFuzzer flags (max_len, dict);
#  - intermediate files in $WORK; no source file removed (coverage
#    reports read them).
#
# Targets: privcmd evtchn gntdev gntalloc (programs on one device of the
# sim) and diff (the reference port against the reference).  diff-lax and
# the planted-defect builds are left out: they exist to produce findings
# (the oracles' self-tests), which a fuzzing service would file as bugs.
#
# Exit: 0 built; 2 a missing variable or tool, or a compile/link error.
set -eu

die() {
	echo "oss-fuzz-build: $*" >&2
	exit 2
}

# The tree: this script lives in fuzz/.
cd "$(dirname "$0")/.."

[ -n "${OUT:-}" ] || die "OUT is not set (the folder the targets go to)"
[ -n "${LIB_FUZZING_ENGINE:-}" ] ||
	die "LIB_FUZZING_ENGINE is not set (e.g. -fsanitize=fuzzer for libFuzzer)"
CC=${CC:-clang}
CXX=${CXX:-clang++}
CFLAGS=${CFLAGS:-}
CXXFLAGS=${CXXFLAGS:-}
command -v "$CC" >/dev/null 2>&1 || die "no C compiler '$CC'"
command -v "$CXX" >/dev/null 2>&1 || die "no C++ compiler (the linker) '$CXX'"
command -v zip >/dev/null 2>&1 || die "no zip (Debian package zip)"

# $WORK: OSS-Fuzz provides it; by hand, a folder of our own.
if [ -z "${WORK:-}" ]; then
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/xrc-oss-fuzz.XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$OUT" "$WORK" || die "cannot create $OUT or $WORK"
# Absolute: the seeds are zipped from inside their folder.
OUT=$(cd "$OUT" && pwd)
WORK=$(cd "$WORK" && pwd)
OBJ="$WORK/xrc-obj"
rm -rf "$OBJ"

TARGETS="privcmd evtchn gntdev gntalloc diff"
# As -max_len=128 in scripts/xrc-lib/fuzz.sh: a program of 16 operations
# fits well within it, and longer inputs only slow libFuzzer down.
MAX_LEN=128

# The Makefile's flags for the language and the include paths.  Warnings
# are on but not -Werror: the builder image brings its own, newer clang,
# whose new warnings must not stop the fuzzing (make builds these sources
# with -Werror on Debian's clang).
XRC_CFLAGS="-std=c11 -D_GNU_SOURCE -Isim/include -Isim/include/compat \
-Ifuzz/include -Wall -Wextra -Wno-missing-field-initializers"

# cc SOURCE: compile into $OBJ; prints the object.
cc() {
	_o="$OBJ/${1%.c}.o"
	mkdir -p "$(dirname "$_o")"
	# shellcheck disable=SC2086 # the flags are words
	$CC $XRC_CFLAGS $CFLAGS -c "$1" -o "$_o" ||
		die "compiling $1 failed"
	echo "$_o"
}

# The sim (machine and device models, as SIM_LIB_SRCS in sim/sim.mk) and
# the harness (fuzz/src, as FUZZ_SRCS in fuzz/fuzz.mk).
COMMON=""
for src in sim/machine/*.c sim/dev/*.c fuzz/src/*.c; do
	COMMON="$COMMON $(cc "$src")"
done

for t in $TARGETS; do
	# The entry, and for diff the port it compares (as fuzz_entry in
	# fuzz/fuzz.mk).
	objs=$(cc "fuzz/targets/$t.c")
	[ "$t" != diff ] || objs="$objs $(cc fuzz/ports/reference.c)"
	# shellcheck disable=SC2086 # the flags and objects are words
	$CXX $CXXFLAGS -o "$OUT/$t" $objs $COMMON $LIB_FUZZING_ENGINE \
		-pthread || die "linking $t failed"

	# Seeds: the corpus and the regressions, flat, under names that
	# keep where each came from (a regression and a seed may share one).
	seeds="$WORK/xrc-seeds/$t"
	rm -rf "$seeds"
	mkdir -p "$seeds"
	for f in fuzz/corpus/"$t"/*; do
		[ -f "$f" ] && cp "$f" "$seeds/corpus-${f##*/}"
	done
	for f in fuzz/regress/"$t"/*; do
		[ -f "$f" ] && cp "$f" "$seeds/regress-${f##*/}"
	done
	rm -f "$OUT/${t}_seed_corpus.zip"
	[ -n "$(ls "$seeds")" ] || die "no seeds for $t in fuzz/corpus/$t/"
	(cd "$seeds" && zip -q -X -j "$OUT/${t}_seed_corpus.zip" ./*) ||
		die "zipping the seeds of $t failed"

	# The dictionary: the device's, or every device's for diff (as
	# _xf_dict in scripts/xrc-lib/fuzz.sh).
	case $t in
	diff) dict=fuzz/dict/all.dict ;;
	*) dict=fuzz/dict/$t.dict ;;
	esac
	[ -f "$dict" ] || die "no dictionary $dict"
	cp "$dict" "$OUT/$t.dict"

	printf '[libfuzzer]\nmax_len = %s\ndict = %s.dict\n' \
		"$MAX_LEN" "$t" >"$OUT/$t.options"
	echo "oss-fuzz-build: $OUT/$t"
done
