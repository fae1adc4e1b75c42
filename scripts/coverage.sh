#!/bin/sh
# SPDX-License-Identifier: MIT
# The runs and reports behind `make coverage` (coverage.mk builds
# $BUILD/cov/ first; docs/coverage.md).
#
#   scripts/coverage.sh            run, merge, report into $BUILD/coverage/
#   scripts/coverage.sh --figures  the two sim/dev/ figures of make bench,
#                                  from the last report
#
# Runs: the conformance suite on the sim for every profile of
# `xrc profiles --names` (the instrumented runner under the instrumented
# preload), then each fuzz target's corpus and regressions replayed under
# every profile.  Reports, per component (sim/dev sim/machine sim/preload
# conformance fuzz): $BUILD/coverage/COMPONENT/index.html (llvm-cov show)
# and COMPONENT/summary.txt (llvm-cov report); unreached.txt: the lines
# and regions of the audit code (sim/dev/audit.c, sim/dev/profiles.c) that
# neither reached.
#
# LLVM_PROFDATA, LLVM_COV: the tools (default: the ones next to $SAN_CC,
# default clang, which must be of the compiler's version).
# Exit: 0 reports written (a suite run that FAILs is reported, not fatal);
# 2 a missing build or tool, or a run that broke.
set -eu

die() {
	echo "coverage: $*" >&2
	exit 2
}

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
COV="$PWD/$BUILD/cov"
OUT="$PWD/$BUILD/coverage"
COMPONENTS="sim/dev sim/machine sim/preload conformance fuzz"
AUDIT_FILES="sim/dev/audit.c sim/dev/profiles.c"
TARGETS="privcmd evtchn gntdev gntalloc diff"

# figures: one line each for sim/dev/'s lines and regions, from the
# TOTAL line of llvm-cov report (regions, missed, cover, functions,
# missed, executed, lines, missed, cover, ...).
figures() {
	_s="$OUT/sim/dev/summary.txt"
	[ -f "$_s" ] || die "no $_s: run make coverage"
	awk '$1 == "TOTAL" {
		printf "coverage sim/dev: lines %s (%d of %d)\n", $10, $8 - $9, $8
		printf "coverage sim/dev: regions %s (%d of %d)\n", $4, $2 - $3, $2
	}' "$_s"
}

case ${1:-} in
--figures) figures; exit 0 ;;
'') ;;
*) echo "usage: scripts/coverage.sh [--figures]" >&2; exit 2 ;;
esac

SAN_CC=${SAN_CC:-clang}
LLVM_PROFDATA=${LLVM_PROFDATA:-$($SAN_CC -print-prog-name=llvm-profdata)}
LLVM_COV=${LLVM_COV:-$($SAN_CC -print-prog-name=llvm-cov)}
command -v "$LLVM_PROFDATA" >/dev/null 2>&1 ||
	die "no llvm-profdata ($LLVM_PROFDATA; Debian package llvm-14)"
command -v "$LLVM_COV" >/dev/null 2>&1 ||
	die "no llvm-cov ($LLVM_COV; Debian package llvm-14)"

RUNNER="$COV/bin/xrc-conformance"
PRELOAD="$COV/lib/libxensim-preload.so"
for f in "$RUNNER" "$PRELOAD"; do
	[ -x "$f" ] || [ -f "$f" ] || die "no $f: run make coverage"
done
set -- -object "$PRELOAD"
for t in $TARGETS; do
	r="$COV/fuzz-replay/bin/replay-$t"
	[ -x "$r" ] || die "no $r: run make coverage"
	set -- "$@" -object "$r"
done
OBJECTS="$*"

rm -rf "$OUT"
mkdir -p "$OUT/profraw" "$OUT/logs" "$OUT/runs"
# %c: continuous mode (see coverage.mk); %p: a file per process that is
# started (runner, replay), which its forked children share; %m: a file
# per instrumented module (the runner and the preload in one process).
LLVM_PROFILE_FILE="$OUT/profraw/%c%p-%m.profraw"
export LLVM_PROFILE_FILE

# The suite under every profile, judged by the same profile (each must
# conform: docs/contributing.md).
profiles=$(BUILD="$BUILD/cov" sh scripts/xrc profiles --names) ||
	die "xrc profiles failed"
[ -n "$profiles" ] || die "no profiles from xrc profiles"
for p in $profiles; do
	rc=0
	BUILD="$BUILD/cov" XRC_SIM_PRELOAD="$PRELOAD" sh scripts/xrc run \
		--backend "sim:$p" --profile "$p" --out "$OUT/runs/$p" \
		>"$OUT/logs/suite-$p.log" 2>&1 || rc=$?
	case $rc in
	0) echo "coverage: suite sim:$p conforms" ;;
	1) echo "coverage: suite sim:$p has FAILs (counted all the same; $OUT/logs/suite-$p.log)" ;;
	*) tail -n 5 "$OUT/logs/suite-$p.log" >&2
	   die "suite sim:$p broke (exit $rc; $OUT/logs/suite-$p.log)" ;;
	esac
done

# The corpora and regressions, every profile, as make check replays them.
for t in $TARGETS; do
	set -- "fuzz/corpus/$t"
	[ -d "fuzz/regress/$t" ] && set -- "$@" "fuzz/regress/$t"
	"$COV/fuzz-replay/bin/replay-$t" --all-profiles --verify-reset "$@" \
		>"$OUT/logs/replay-$t.log" 2>&1 ||
		die "replay-$t failed ($OUT/logs/replay-$t.log)"
	echo "coverage: replayed fuzz/corpus/$t${2:+ and $2}"
done

unset LLVM_PROFILE_FILE
"$LLVM_PROFDATA" merge -sparse -o "$OUT/all.profdata" "$OUT"/profraw/*.profraw ||
	die "llvm-profdata merge failed"
rm -rf "$OUT/profraw"

# cov ARGS...: llvm-cov on every instrumented binary.
cov() {
	_verb=$1
	shift
	# shellcheck disable=SC2086 # OBJECTS is one word per argument
	"$LLVM_COV" "$_verb" -instr-profile="$OUT/all.profdata" "$RUNNER" \
		$OBJECTS "$@"
}

for c in $COMPONENTS; do
	mkdir -p "$OUT/$c"
	cov show -format=html -show-regions -output-dir="$OUT/$c" "$c" ||
		die "llvm-cov show failed for $c"
	cov report "$c" >"$OUT/$c/summary.txt" ||
		die "llvm-cov report failed for $c"
	awk -v c="$c" '$1 == "TOTAL" {
		printf "coverage %s: lines %s, regions %s, functions %s\n", c, $10, $4, $7
	}' "$OUT/$c/summary.txt"
done

# What the audit code never ran: lines (lcov's DA:LINE,0) and code
# regions (kind 0) with a count of 0 in every function record that has
# them, from llvm-cov export.
{
	for f in $AUDIT_FILES; do
		awk -v f="$f" -v b="${f#sim/dev/}" '$1 == b || $1 == f {
			printf "%s: lines %s (%d of %d), regions %s (%d of %d)\n",
			f, $10, $8 - $9, $8, $4, $2 - $3, $2 }' "$OUT/sim/dev/summary.txt"
	done
	{
	# shellcheck disable=SC2086 # one word per file
	cov export -format=lcov $AUDIT_FILES |
		awk -F'[:,]' '/^SF:/ { f = $2; sub(".*/sim/dev/", "sim/dev/", f) }
			/^DA:/ && $3 == 0 { print f ":" $2 ": line not reached" }'
	# shellcheck disable=SC2086 # one word per file
	cov export -format=text $AUDIT_FILES | COV_TOP=$PWD perl -MJSON::PP -e '
		# A region inside a macro expansion is placed at the expansion
		# site (in the function'"'"'s file) and named with where the macro
		# puts it, so that each expansion counts on its own, as llvm-cov
		# report counts them.
		local $/; my $j = decode_json(<STDIN>); my %count;
		for my $fn (map { @{$_->{functions}} } @{$j->{data}}) {
			my @names = @{$fn->{filenames}}; my %site;
			for my $r (@{$fn->{regions}}) {
				$site{$r->[6]} = $r if $r->[7] == 1;
			}
			for my $r (@{$fn->{regions}}) {
				my ($l1, $c1, $l2, $c2, $n, $file, undef, $kind) = @$r;
				next if $kind != 0;
				my $k = "$names[$file]:$l1:$c1-$l2:$c2";
				my $f = $file;
				while (exists $site{$f}) {
					my $s = $site{$f};
					$k = "$names[$s->[5]]:$s->[0]:$s->[1]-$s->[2]:$s->[3]: in the macro at $k";
					$f = $s->[5];
				}
				$count{$k} = ($count{$k} // 0) + $n;
			}
		}
		for my $k (sort keys %count) {
			next if $count{$k};
			(my $s = $k) =~ s{\Q$ENV{COV_TOP}\E/}{}g;
			print "$s: region not reached\n" if $s =~ m{^sim/dev/(audit|profiles)\.c:};
		}'
	} | sort -t: -k1,1 -k2,2n -s
} >"$OUT/unreached.txt" || die "listing the unreached audit code failed"
echo "coverage: the audit code ($AUDIT_FILES):"
sed 's/^/  /' "$OUT/unreached.txt"
echo "coverage: reports in $OUT/COMPONENT/index.html and summary.txt"
