#!/bin/sh
# SPDX-License-Identifier: MIT
# `xrc fuzz` as an operator sees it (scripts/xrc-lib/fuzz.sh): a build
# that fails or a fuzzer that does not run is exit 2, never "0 crashes";
# the first build says it is building; libFuzzer flags pass through after
# "--"; progress lines add up every --jobs worker; a finding's summary and
# .repro describe the minimized input; --merge minimizes a corpus; the
# work lives in XRC_FUZZ_DIR (default fuzz-work/), which `make clean`
# spares and `make distclean` removes.  Campaigns are a few seconds each;
# the fuzz binaries come from the build folder (make fuzz).
# The checks are functions called through t_check.
# shellcheck disable=SC2317
set -eu
# shellcheck source=conformance/suite/tests/_lib.sh disable=SC1091
. "$(dirname "$0")/_lib.sh"
# Set by _lib.sh's t_xrc (named here for shellcheck without -x).
t_rc=${t_rc-}

XRC_FUZZ_DIR="$T_WORK/fuzz-work"
export XRC_FUZZ_DIR

# has NAME STRING: the run NAME printed STRING (fixed string).
has() {
	grep -qF -- "$2" "$T_WORK/$1.out"
}
hasnt() {
	! grep -qF -- "$2" "$T_WORK/$1.out"
}

# ---- a build that fails: exit 2, and no campaign summary
# A build folder of its own, where nothing is built yet, and a compiler
# that does not exist: the first fuzz object fails at once.
nb="$T_WORK/nobuild"
rc=0
env BUILD="$nb" FUZZ_CC=no-such-clang sh "$T_XRC" fuzz privcmd --time 2 \
	>"$T_WORK/nocc.out" 2>&1 </dev/null || rc=$?
t_is "FUZZ_CC=no-such-clang xrc fuzz privcmd: exit 2" "$rc" 2
t_check "... says it could not build" has nocc "could not build"
t_check "... the first build said it was building" has nocc \
	"xrc fuzz: building fuzz-privcmd"
t_check "... prints no campaign summary" hasnt nocc "privcmd: 0 execs"
rc=0
env BUILD="$nb" FUZZ_CC=no-such-clang sh "$T_XRC" fuzz --smoke --time 1 \
	>"$T_WORK/nocc-smoke.out" 2>&1 </dev/null || rc=$?
t_is "FUZZ_CC=no-such-clang xrc fuzz --smoke: exit 2" "$rc" 2
t_is "... no target is ok" "$(grep -c '^ok' "$T_WORK/nocc-smoke.out" || true)" 0
t_is "... every target is not ok" \
	"$(grep -c '^not ok .*could not build' "$T_WORK/nocc-smoke.out" || true)" 5

# ---- progress lines add up the workers (the function, on two logs)
printf '#1000\tNEW    cov: 10 ft: 20 corp: 3/30b exec/s: 100 rss: 30Mb\n' \
	>"$T_WORK/w0.log"
printf '#500\tREDUCE cov: 12 ft: 21 corp: 4/31b exec/s: 50 rss: 31Mb\n' \
	>"$T_WORK/w1.log"
got=$(
	# XRC_ROOT is read by _common.sh, sourced below.
	# shellcheck disable=SC2034
	XRC_ROOT=$T_ROOT XRC_LIB="$T_ROOT/scripts/xrc-lib"
	# shellcheck source=scripts/xrc-lib/_common.sh disable=SC1091
	. "$XRC_LIB/_common.sh"
	# shellcheck source=scripts/xrc-lib/fuzz.sh disable=SC1091
	. "$XRC_LIB/fuzz.sh"
	_xf_progress "$T_WORK/w0.log" "$T_WORK/w1.log" 2>&1
) || got="(failed: $got)"
t_is "progress: the workers' execs and exec/s add up, cov is the best" \
	"$got" "1500 execs, cov 12, 150 exec/s (2 workers)"

if [ ! -x "$T_BUILD/fuzz/bin/fuzz-privcmd" ] ||
   [ ! -x "$T_BUILD/fuzz/bin/fuzz-diff-lax" ]; then
	t_skip "the fuzz binaries are not built (make fuzz)" "campaigns"
	t_done
fi

# ---- a campaign, with libFuzzer flags passed through
t_xrc seed fuzz privcmd --time 2 -- -seed=4242 -max_len=64
t_is "xrc fuzz privcmd -- -seed=4242 -max_len=64: exit 0" "$t_rc" 0
t_check "... the corpus is in XRC_FUZZ_DIR" \
	[ -d "$XRC_FUZZ_DIR/corpus/privcmd" ]
t_check "... libFuzzer got the flags" \
	grep -q 'Seed: 4242' "$XRC_FUZZ_DIR/logs/privcmd.0.log"
t_check "... the summary line" grep -qE '^privcmd: [1-9][0-9]* execs, ' \
	"$T_WORK/seed.out"
t_xrc badflag fuzz privcmd --time 2 -- -dict=/nonexistent/x.dict
t_is "a fuzzer that does not run (a bad -dict): exit 2" "$t_rc" 2
t_check "... says the campaign did not run" has badflag "did not run"
t_xrc notflag fuzz privcmd --time 2 -- corpus-dir
t_is "after --, only libFuzzer flags: exit 2" "$t_rc" 2

# ---- --jobs: the summary adds up the workers
t_xrc jobs fuzz privcmd --time 2 --jobs 2
t_is "xrc fuzz privcmd --jobs 2: exit 0" "$t_rc" 0
t_check "... two workers' logs" [ -s "$XRC_FUZZ_DIR/logs/privcmd.1.log" ]

# ---- a finding: the minimized input is what the summary describes
t_xrc lax fuzz diff-lax --time 20
t_is "xrc fuzz diff-lax: a finding, exit 1" "$t_rc" 1
min=$(sed -n 's/^ *saved //p' "$T_WORK/lax.out" | head -n 1)
t_check "... a minimized input is saved" [ -s "$min" ]
if [ -s "$min" ]; then
	t_is ".repro: size= is the minimized input's" \
		"$(sed -n 's/^size=//p' "$min.repro")" "$(wc -c <"$min" | tr -d ' ')"
	"$T_BUILD/fuzz/bin/fuzz-diff-lax" "$min" >"$T_WORK/replay.out" 2>&1 || true
	want=$(sed -n 's/^xrc-fuzz: FINDING //p' "$T_WORK/replay.out" | head -n 1)
	t_is ".repro: finding= is what the minimized input finds" \
		"$(sed -n 's/^finding=//p' "$min.repro")" "$want"
	t_check "the summary quotes the minimized input's finding" \
		has lax "| xrc-fuzz: FINDING $want"
	t_xrc repro fuzz --repro "$min"
	t_is "xrc fuzz --repro MIN: still fails (exit 1)" "$t_rc" 1
fi

# ---- --merge
n0=$(find "$XRC_FUZZ_DIR/corpus/privcmd" -type f | wc -l)
t_xrc merge fuzz --merge privcmd
t_is "xrc fuzz --merge privcmd: exit 0" "$t_rc" 0
n1=$(find "$XRC_FUZZ_DIR/corpus/privcmd" -type f | wc -l)
t_check "... says how many inputs before and after ($n0 -> $n1)" \
	has merge "privcmd: corpus merged: $n0 -> $n1 inputs"
t_check "... keeps something" [ "$n1" -gt 0 ]
t_xrc merge-none fuzz --merge
t_is "xrc fuzz --merge without a target: exit 2" "$t_rc" 2

# ---- make clean spares the campaigns' work, make distclean removes it
t_check "make clean leaves fuzz-work/ alone" \
	sh -c "make -C '$T_ROOT' -n clean | grep -v fuzz-work >/dev/null && ! make -C '$T_ROOT' -n clean | grep -q fuzz-work"
t_check "make distclean removes fuzz-work/" \
	sh -c "make -C '$T_ROOT' -n distclean | grep -q 'rm -rf .*fuzz-work'"
t_done
