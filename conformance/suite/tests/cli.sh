#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/xrc's command line: help for every subcommand, usage errors
# (exit 2), VM backends without QEMU (exit 2), list, profiles, the
# default report folder, report merging, and the scripts being POSIX sh
# (shellcheck, when installed).
# awk programs are in single quotes on purpose.
# Checks are functions called through t_check.
# shellcheck disable=SC2016,SC2317
set -eu
# shellcheck source=conformance/suite/tests/_lib.sh disable=SC1091
. "$(dirname "$0")/_lib.sh"
# Set by _lib.sh's t_xrc (named here for shellcheck without -x).
t_rc=${t_rc-}

# ---- help
t_xrc help --help
t_is "xrc --help exits 0" "$t_rc" 0
for c in run list profiles report; do
	t_check "xrc --help lists $c" grep -q "^  $c " "$T_WORK/help.out"
done
for f in "$T_ROOT"/scripts/xrc-lib/[!_]*.sh; do
	c=$(basename "$f" .sh)
	t_xrc "help-$c" "$c" --help
	t_is "xrc $c --help exits 0" "$t_rc" 0
	t_check "xrc $c --help prints a usage" \
		grep -qi "usage" "$T_WORK/help-$c.out"
	t_xrc "help2-$c" help "$c"
	t_is "xrc help $c exits 0" "$t_rc" 0
done
# --help anywhere before "--": after other words (even wrong ones), and
# after each of sim's subcommands.
for f in "$T_ROOT"/scripts/xrc-lib/[!_]*.sh; do
	c=$(basename "$f" .sh)
	t_xrc "help3-$c" "$c" no-such-word --help
	t_is "xrc $c no-such-word --help exits 0" "$t_rc" 0
	t_check "xrc $c no-such-word --help prints its usage" \
		grep -q "^usage: xrc $c" "$T_WORK/help3-$c.out"
done
for s in start status list stop gc; do
	t_xrc "help-sim-$s" sim "$s" --help
	t_is "xrc sim $s --help exits 0" "$t_rc" 0
	t_check "xrc sim $s --help prints sim's usage" \
		grep -q "^usage: xrc sim start" "$T_WORK/help-sim-$s.out"
done
t_xrc help-run-late run --backend sim --only 'evtchn.*' --help
t_is "xrc run --backend sim --only ... --help exits 0" "$t_rc" 0
t_xrc help-fuzz-late fuzz privcmd --time 2 -h
t_is "xrc fuzz privcmd --time 2 -h exits 0" "$t_rc" 0
t_check "xrc fuzz privcmd --time 2 -h prints fuzz's usage" \
	grep -q "^usage: xrc fuzz" "$T_WORK/help-fuzz-late.out"

# ---- usage errors and unavailable backends: exit 2 with a message
usage_error() {
	_name=$1
	shift
	t_xrc "$_name" "$@"
	if [ "$t_rc" -eq 2 ] && [ -s "$T_WORK/$_name.out" ]; then
		t_ok "xrc $*: exit 2 with a message"
	else
		t_not_ok "xrc $*: exit 2 with a message (exit $t_rc)"
	fi
}
usage_error noargs
usage_error unknown no-such-command
usage_error dotdot ../run
usage_error run-extra run extra
usage_error run-backend run --backend no-such-backend
usage_error run-backend-empty run --backend
usage_error run-devdir-empty run --backend devdir:
usage_error run-sim-profile run --backend sim:no-such-profile
usage_error run-profile run --profile no-such-profile
usage_error run-format run --format no-such-format
usage_error run-jobs run --jobs 0
usage_error run-jobs-word run --jobs many
usage_error run-timeout run --timeout -1
usage_error run-option run --no-such-option
usage_error run-out-empty run --out=
usage_error run-only-empty run --only=
usage_error list-extra list extra
usage_error profiles-extra profiles extra
# An --only that matches nothing is a mistake: exit 2, naming the pattern.
usage_error list-nomatch list --only 'nomatch*'
t_check "xrc list --only 'nomatch*': says no assertion matched it" \
	grep -qF "no assertion matches --only 'nomatch*'" "$T_WORK/list-nomatch.out"
usage_error run-nomatch run --backend sim --only 'nomatch*' --out "$T_WORK/nomatch"
t_check "xrc run --only 'nomatch*': says no assertion matched it" \
	grep -qF "no assertion matches --only 'nomatch*'" "$T_WORK/run-nomatch.out"
usage_error report-none report
usage_error report-nodir report /nonexistent
usage_error report-out report --out
usage_error run-cuse-vm-profile run --backend cuse-vm:no-such-profile
# The VM backends without QEMU (nothing is booted or built): exit 2, saying so.
XRC_QEMU=/nonexistent/qemu-system-x86_64
export XRC_QEMU
for b in cuse-vm cuse-vm:linux xen-vm; do
	usage_error "run-$b" run --backend "$b"
	t_check "xrc run --backend $b without QEMU: says it is not found" \
		grep -q "qemu-system-x86_64 not found" "$T_WORK/run-$b.out"
done
unset XRC_QEMU

# ---- list and profiles
t_xrc list list
t_is "xrc list exits 0" "$t_rc" 0
n=$(grep -c . "$T_WORK/list.out" || true)
t_check "xrc list lists assertions ($n)" [ "$n" -gt 0 ]
t_check "xrc list: every line is an ID and a statement" \
	awk -F'\t' 'NF < 2 || $1 !~ /^[a-z0-9-]+(\.[a-z0-9-]+)+$/ { exit 1 }' \
	"$T_WORK/list.out"
t_is "xrc list: IDs are unique" \
	"$(cut -f1 "$T_WORK/list.out" | sort | uniq -d)" ""
t_xrc list-evtchn list --only 'evtchn.*'
t_check "xrc list --only 'evtchn.*': only evtchn IDs" \
	awk '$1 !~ /^evtchn\./ { exit 1 }' "$T_WORK/list-evtchn.out"

t_xrc profiles profiles
t_is "xrc profiles exits 0" "$t_rc" 0
for p in $(BUILD=$T_BUILD sh "$T_XRC" profiles --names); do
	t_check "xrc profiles lists $p with a summary" \
		grep -qE "^$p +[^ ]" "$T_WORK/profiles.out"
done

# ---- runs, the default report folder, and report merging
one=$(awk -F'\t' 'NR == 1 { print $1 }' "$T_WORK/list.out")
t_xrc sim-default run --backend sim:freebsd --profile freebsd --only "$one"
t_check "default --out is build/results/sim-freebsd/" \
	[ -s "$T_BUILD/results/sim-freebsd/results.tsv" ]

t_xrc proposed run --backend sim --profile proposed --out "$T_WORK/proposed"
t_is "sim (as proposed) vs proposed exits 0" "$t_rc" 0
t_xrc linux run --backend sim:linux --profile proposed --out "$T_WORK/linux"
t_is "sim:linux vs proposed exits 1" "$t_rc" 1
t_xrc linux-tap run --backend sim:linux --profile linux --format tap \
	--out "$T_WORK/linux-tap"
t_is "sim:linux vs linux --format tap exits 0" "$t_rc" 0
t_check "--format tap prints TAP" grep -q '^ok 1 ' "$T_WORK/linux-tap.out"

t_xrc report report "$T_WORK/proposed" "$T_WORK/linux" \
	--out "$T_WORK/matrix.md"
t_is "xrc report DIR DIR --out FILE exits 0" "$t_rc" 0
m="$T_WORK/matrix.md"
t_check "the matrix has a column per backend" \
	grep -qE '^\| assertion \| sim:proposed[^|]*\| sim:linux[^|]*\|$' "$m"
t_is "the matrix has a row per assertion" \
	"$(grep -c '^| `' "$m" || true)" "$n"
fails=$(t_ids "$T_WORK/linux" FAIL | grep -c . || true)
t_is "the linux column has a ✗ per FAIL ($fails)" \
	"$(awk -F' [|] ' '/^[|] `/ && $3 ~ /✗/' "$m" | grep -c . || true)" \
	"$fails"
t_is "the proposed column has no ✗" \
	"$(awk -F' [|] ' '/^[|] `/ && $2 ~ /✗/' "$m" | grep -c . || true)" 0
t_xrc report-stdout report "$T_WORK/proposed" "$T_WORK/linux"
t_check "xrc report without --out prints the same matrix" \
	cmp -s "$m" "$T_WORK/report-stdout.out"

# ---- POSIX sh
if command -v shellcheck >/dev/null 2>&1; then
	t_check "shellcheck: xrc and its tests are clean" \
		shellcheck -s sh -x "$T_ROOT/scripts/xrc" \
		"$T_ROOT"/scripts/xrc-lib/_common.sh \
		"$T_ROOT"/scripts/xrc-lib/run.sh \
		"$T_ROOT"/scripts/xrc-lib/list.sh \
		"$T_ROOT"/scripts/xrc-lib/sim.sh \
		"$T_ROOT"/scripts/xrc-lib/fuzz.sh \
		"$T_ROOT"/scripts/suites/fuzz.sh \
		"$T_ROOT"/scripts/xrc-lib/profiles.sh \
		"$T_ROOT"/scripts/xrc-lib/report.sh \
		"$T_ROOT"/scripts/suites/conformance_selftest.sh \
		"$T_ROOT"/conformance/suite/tests/*.sh
else
	t_skip "shellcheck not installed" "shellcheck"
fi
# dash is Debian's /bin/sh; the scripts must not need bash.
# The one assertion may conform or skip (0 or 77); the run must not break.
under_dash() {
	dash "$T_XRC" --help >/dev/null 2>&1 || return 1
	_rc=0
	dash "$T_XRC" run --backend sim --only "$one" \
		--out "$T_WORK/dash" >/dev/null 2>&1 || _rc=$?
	[ "$_rc" -eq 0 ] || [ "$_rc" -eq 77 ]
}
if command -v dash >/dev/null 2>&1; then
	t_check "runs under dash" under_dash
else
	t_skip "dash not installed" "runs under dash"
fi
t_done
