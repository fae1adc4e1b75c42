#!/bin/sh
# SPDX-License-Identifier: MIT
# Every profile's sim passes against its own column: `xrc run --backend
# sim:P --profile P` exits 0 for each profile P, with no FAIL and no ERROR.
set -eu
# shellcheck source=conformance/suite/tests/_lib.sh disable=SC1091
. "$(dirname "$0")/_lib.sh"
# Set by _lib.sh's t_xrc (named here for shellcheck without -x).
t_rc=${t_rc-}

profiles=$(sh "$T_XRC" profiles --names)
t_check "xrc profiles lists profiles" [ -n "$profiles" ]

for p in $profiles; do
	t_xrc "$p" run --backend "sim:$p" --profile "$p" --out "$T_WORK/$p"
	if [ "$t_rc" -eq 0 ]; then
		t_ok "sim:$p conforms to $p (exit 0)"
	else
		t_not_ok "sim:$p conforms to $p (exit $t_rc, want 0)"
		{
			t_ids "$T_WORK/$p" FAIL | sed 's/^/FAIL /'
			t_ids "$T_WORK/$p" ERROR | sed 's/^/ERROR /'
			tail -n 5 "$T_WORK/$p.out"
		} | t_diag
	fi
	pass=$(t_ids "$T_WORK/$p" PASS | grep -c . || true)
	t_check "sim:$p vs $p: some assertions PASS ($pass)" [ "$pass" -gt 0 ]
done
t_done
