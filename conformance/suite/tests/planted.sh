#!/bin/sh
# SPDX-License-Identifier: MIT
# A sim with a deliberate defect is caught.  The planted build
# (build/planted/lib/libxensim-preload.so, sim/dev/planted.h) with no plant
# chosen conforms to the proposal; with XENSIM_PLANT=NAME the suite exits 1
# and the assertions listed for NAME in planted.expected FAIL.
set -eu
# shellcheck source=conformance/suite/tests/_lib.sh disable=SC1091
. "$(dirname "$0")/_lib.sh"
# Set by _lib.sh's t_xrc (named here for shellcheck without -x).
t_rc=${t_rc-}

expected="$T_TESTS/planted.expected"

if [ ! -f "$T_PLANTED_PRELOAD" ]; then
	t_skip "no $T_PLANTED_PRELOAD (make build/planted/lib/libxensim-preload.so)" \
		"planted sim"
	t_done
fi

# planted_run NAME PLANT: the suite against the planted sim as proposed
# (output in $T_WORK/NAME.out, reports in $T_WORK/NAME/, exit code in $t_rc).
planted_run() {
	t_rc=0
	env XRC_SIM_PRELOAD="$T_PLANTED_PRELOAD" XENSIM_PLANT="$2" \
		sh "$T_XRC" run --backend sim:proposed --profile proposed \
		--out "$T_WORK/$1" >"$T_WORK/$1.out" 2>&1 </dev/null || t_rc=$?
}

planted_run none ""
t_is "planted build, no plant: conforms (exit 0)" "$t_rc" 0

plants=$(sed 's/#.*//' "$expected" | awk 'NF { print $1 }' | sort -u)
for plant in $plants; do
	planted_run "$plant" "$plant"
	t_is "plant $plant: the suite exits 1" "$t_rc" 1
	t_is "plant $plant: no ERROR" "$(t_ids "$T_WORK/$plant" ERROR)" ""
	want=$(t_expected "$expected" "$plant")
	got=$(t_ids "$T_WORK/$plant" FAIL)
	for id in $want; do
		if printf '%s\n' "$got" | grep -qxF -- "$id"; then
			t_ok "plant $plant caught by $id"
		else
			t_not_ok "plant $plant caught by $id"
		fi
	done
	other=$(printf '%s\n' "$got" | grep -vxF -e "$(printf '%s\n' "$want")" ||
		true)
	[ -z "$other" ] || printf '%s\n' "$other" |
		sed "s/^/plant $plant also fails /" | t_diag
done
t_done
