#!/bin/sh
# SPDX-License-Identifier: MIT
# The suite can fail: the sim behaving as Linux, judged by the proposal,
# exits 1, and the assertions that FAIL are exactly those listed in
# linux-vs-proposed.expected (derived from implementations.md section 5:
# every row where Linux departs from the proposal).
set -eu
# shellcheck source=conformance/suite/tests/_lib.sh disable=SC1091
. "$(dirname "$0")/_lib.sh"
# Set by _lib.sh's t_xrc (named here for shellcheck without -x).
t_rc=${t_rc-}

t_xrc run run --backend sim:linux --profile proposed --out "$T_WORK/run"
t_is "sim:linux vs proposed exits 1" "$t_rc" 1
[ "$t_rc" -eq 1 ] || tail -n 5 "$T_WORK/run.out" | t_diag

if [ -f "$T_WORK/run/results.tsv" ]; then
	t_compare_ids "FAILs" \
		"$(t_expected "$T_TESTS/linux-vs-proposed.expected")" \
		"$(t_ids "$T_WORK/run" FAIL)"
	errors=$(t_ids "$T_WORK/run" ERROR)
	t_is "no ERROR" "$errors" ""
else
	t_not_ok "results.tsv written"
fi
t_done
