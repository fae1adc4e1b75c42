#!/bin/sh
# SPDX-License-Identifier: MIT
# Everything skipped is exit 77, never a pass: a run whose --only keeps
# only assertions of an absent feature, and device directories where no
# device exists (a missing path, an empty folder) -- handled cleanly, with
# every report written.
# The checks are functions called through t_check.
# shellcheck disable=SC2317
set -eu
# shellcheck source=conformance/suite/tests/_lib.sh disable=SC1091
. "$(dirname "$0")/_lib.sh"
# Set by _lib.sh's t_xrc (named here for shellcheck without -x).
t_rc=${t_rc-}

# no_crash NAME: the run's output shows no crash or sanitizer report.
no_crash() {
	! grep -qiE 'segmentation|core dumped|sanitizer|runtime error|abort' \
		"$T_WORK/$1.out"
}

# not_grep STRING FILE: FILE does not hold STRING.
not_grep() {
	! grep -qF -- "$1" "$2"
}

# all_reports DIR: every report file is there.
all_reports() {
	for _f in results.tap results.xml results.md results.txt results.tsv; do
		[ -s "$1/$_f" ] || return 1
	done
}

# only_na NAME PROFILE GLOB WHY: the sim as PROFILE, judged by PROFILE, on
# assertions that are all NA there, exits 77 with every one SKIPped.
only_na() {
	_n=$(sh "$T_XRC" list --only "$3" | grep -c . || true)
	if [ "$_n" -eq 0 ]; then
		t_skip "no assertion matches $3" "sim:$2 --only '$3': exit 77"
		return
	fi
	t_xrc "$1" run --backend "sim:$2" --profile "$2" --only "$3" \
		--out "$T_WORK/$1"
	t_is "sim:$2 --only '$3' ($_n rows, $4): exit 77" "$t_rc" 77
	t_is "sim:$2 --only '$3': every one SKIPs" \
		"$(t_ids "$T_WORK/$1" SKIP | grep -c . || true)" "$_n"
	t_check "sim:$2 --only '$3': no note of missing device nodes" \
		not_grep "no device node" "$T_WORK/$1.out"
}
only_na na-netbsd netbsd 'gntalloc.*' "NetBSD has no grant device nodes"
only_na na-linux linux 'gntdev.restricted.*' "Linux gntdev has no restrict"

for d in /nonexistent /nonexistent-dir/sub "$T_WORK/empty"; do
	[ "$d" != "$T_WORK/empty" ] || mkdir -p "$d"
	name=$(echo "$d" | tr '/' '_')
	t_xrc "$name" run --backend "devdir:$d" --out "$T_WORK/$name"
	t_is "devdir:$d: everything absent, exit 77" "$t_rc" 77
	[ "$t_rc" -eq 77 ] || tail -n 5 "$T_WORK/$name.out" | t_diag
	t_check "devdir:$d: no crash" no_crash "$name"
	t_check "devdir:$d: a note says no device node was found" \
		grep -q "note: no device node .* under $d" "$T_WORK/$name.out"
	t_check "devdir:$d: every report written" all_reports "$T_WORK/$name"
	bad=$(awk -F'\t' '$2 == "FAIL" || $2 == "ERROR" { print $2 ": " $6 }' \
		"$T_WORK/$name/results.tsv" | sort | uniq -c)
	t_is "devdir:$d: no FAIL or ERROR" "$bad" ""
done
t_done
