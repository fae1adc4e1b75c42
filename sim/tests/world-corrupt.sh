#!/bin/sh
# SPDX-License-Identifier: MIT
# A corrupted or truncated named world fails its clients' calls with EIO
# and one "world corrupted: ..." line; it never kills them (sim/WORLDS.md,
# "A corrupted world").  For each case a fresh world is started, damaged
# by build/tests/world/xsim-world-corrupt under its own client, and
# stopped.  Prints TAP (the client's lines, numbered here).
#
#   BUILD=build sh sim/tests/world-corrupt.sh [asan]
#
# asan: the ASan preload and client (build/asan/...).
set -eu

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd -P)
BUILD=${BUILD:-build}
case $BUILD in
/*) ;;
*) BUILD="$ROOT/$BUILD" ;;
esac
TOOL="$BUILD/bin/xensim-world"
VARIANT=$BUILD
[ "${1:-}" = asan ] && VARIANT="$BUILD/asan"
PRELOAD="$VARIANT/lib/libxensim-preload.so"
CLIENT="$VARIANT/tests/world/xsim-world-corrupt"
# A hang guard only (a wedged lock would block forever), not a timing check.
GUARD="timeout 120"
CASES="header-offset free-list-head free-list-link page-meta domain-table
domain-domid effect-mask effect-seq handle-table truncate-tail truncate-all"

for f in "$TOOL" "$PRELOAD" "$CLIENT"; do
	if [ ! -e "$f" ]; then
		echo "world-corrupt: $f is missing (make check builds it)" >&2
		exit 2
	fi
done

n=0
for c in $CASES; do
	name="tcor-$$-$c"
	if ! "$TOOL" start --name "$name" >/dev/null; then
		n=$((n + 1))
		echo "not ok $n - $c: xensim-world start --name $name"
		continue
	fi
	out=$(XENSIM_WORLD_NAME=$name LD_PRELOAD=$PRELOAD $GUARD "$CLIENT" "$c" 2>&1) ||
		out="$out
not ok - $c: the test client itself failed (exit $?)"
	# The damaged client did not leave the machine lock held: another
	# process gets through it (status may report the damage; it must
	# neither hang nor crash).
	src=0
	timeout 60 "$TOOL" status "$name" >/dev/null 2>&1 || src=$?
	if [ "$src" -eq 124 ] || [ "$src" -ge 128 ]; then
		out="$out
not ok - $c: another process still gets the world's lock (xensim-world status: exit $src)"
	else
		out="$out
ok - $c: another process still gets the world's lock"
	fi
	"$TOOL" stop "$name" >/dev/null 2>&1 || true
	# Number the client's TAP lines; pass its diagnostics through.
	while IFS= read -r line; do
		case $line in
		"ok - "*)
			n=$((n + 1))
			echo "ok $n - ${line#ok - }"
			;;
		"not ok - "*)
			n=$((n + 1))
			echo "not ok $n - ${line#not ok - }"
			;;
		*) echo "# $line" ;;
		esac
	done <<EOT
$out
EOT
done
echo "1..$n"
