#!/bin/sh
# SPDX-License-Identifier: MIT
# Another user against a world's handle sockets (sim/preload/DESIGN.md,
# "Naming"; issue 14 defect #3): nothing a process of another uid does
# may affect a world it cannot open.  The attacker
# (build/tests/world/xsim-sockdir-attacker) runs as nobody through
# setpriv(1); the owner (xsim-sockdir-owner, under the preload) runs as
# us, in a named world and in a private one:
#
#   (a) the attacker pre-binds the names of handles not opened yet (the
#       old abstract names of every world id /proc/net/unix shows, and
#       whatever it can reach of the new paths); 800 opens succeed;
#   (b) it connects and sends to every live name; no handle polls
#       readable; a real event still does;
#   (c) it binds the names of closed handles; they are released.
#
# Then the world's socket directory is gone once the world is: at the
# private world's last exit, and at `xrc sim stop` for the named one.
# Needs root (to become another user); otherwise one skipped case.
# Prints TAP.
#
#   BUILD=build sh sim/tests/world-sockdir.sh
set -eu

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd -P)
BUILD=${BUILD:-build}
case $BUILD in
/*) ;;
*) BUILD="$ROOT/$BUILD" ;;
esac
export BUILD
XRC="$ROOT/scripts/xrc"
TOOL="$BUILD/bin/xensim-world"
PRELOAD="$BUILD/lib/libxensim-preload.so"
OWNER="$BUILD/tests/world/xsim-sockdir-owner"
ATTACKER="$BUILD/tests/world/xsim-sockdir-attacker"
NAME="tsockdir-$$"
HANDLES=800
NOBODY=65534

test_no=0
failed=0

ok() {
	test_no=$((test_no + 1))
	echo "ok $test_no - $1"
}

not_ok() {
	test_no=$((test_no + 1))
	failed=$((failed + 1))
	echo "not ok $test_no - $1"
}

if [ "$(id -u)" != 0 ]; then
	echo "ok 1 - another user's attack # SKIP needs root to run a second uid (setpriv)"
	echo "1..1"
	exit 0
fi
for f in "$TOOL" "$PRELOAD" "$OWNER" "$ATTACKER"; do
	if [ ! -x "$f" ] && [ ! -f "$f" ]; then
		echo "Bail out! $f is not built (make check builds it)"
		exit 2
	fi
done
command -v setpriv >/dev/null || {
	echo "Bail out! setpriv (util-linux) is missing"
	exit 2
}
# nobody must be able to run the attacker from our build tree (with no
# arguments it prints its usage and exits 2).
rc=0
setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$ATTACKER" \
	>/dev/null 2>&1 </dev/null || rc=$?
if [ "$rc" -ne 2 ]; then
	echo "ok 1 - another user's attack # SKIP nobody cannot run $ATTACKER (exit $rc: a private build directory?)"
	echo "1..1"
	exit 0
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/world-sockdir.XXXXXX")
cleanup() {
	"$TOOL" stop "$NAME" >/dev/null 2>&1 || :
	# What the attacker managed to make (only if a defence failed).
	find /dev/shm -maxdepth 1 -name 'xensim@*' -user "$NOBODY" \
		-exec rm -rf {} + 2>/dev/null || :
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# owner LABEL STATUS [env...]: run the owner; renumber its TAP as ours.
owner() {
	_label=$1
	_status=$2
	shift 2
	_rc=0
	# timeout: a hang guard only, not a timing check.
	env "$@" LD_PRELOAD="$PRELOAD" timeout 300 "$OWNER" "$HANDLES" "$_status" -- \
		setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		"$ATTACKER" >"$TMP/owner.out" 2>"$TMP/owner.err" || _rc=$?
	while IFS= read -r _l; do
		case $_l in
		"ok "*) ok "$_label: ${_l#* - }" ;;
		"not ok "*) not_ok "$_label: ${_l#* - }" ;;
		"#"*) echo "$_l" ;;
		esac
	done <"$TMP/owner.out"
	sed 's/^/# stderr: /' "$TMP/owner.err"
	if [ "$_rc" -ne 0 ] && ! grep -q '^not ok' "$TMP/owner.out"; then
		not_ok "$_label: the owner exited $_rc"
	fi
}

# The first handle's socket directory, as the owner printed it.
owner_dir() {
	sed -n 's|^# first handle.s name: \(/.*\)/[0-9]*-[0-9]*$|\1|p' \
		"$TMP/owner.out"
}

# ---- a named world
if "$TOOL" start --name "$NAME" >"$TMP/start.out" 2>&1; then
	ok "named world $NAME started"
else
	not_ok "named world $NAME started"
	sed 's/^/# /' "$TMP/start.out"
fi
owner "named" "env -u LD_PRELOAD $TOOL status $NAME" XENSIM_WORLD_NAME="$NAME"
dir=$(owner_dir)
if [ -n "$dir" ]; then
	mode=$(stat -c '%a %u' "$dir" 2>/dev/null || echo missing)
	if [ "$mode" = "700 0" ]; then
		ok "named: the socket directory $dir is 0700 and ours"
	else
		not_ok "named: the socket directory $dir is 0700 and ours ($mode)"
	fi
fi
BUILD="$BUILD" "$XRC" sim stop "$NAME" >"$TMP/stop.out" 2>&1 || :
# The keeper exits on SIGTERM: give it a moment, then tidy as gc does.
sleep 1
BUILD="$BUILD" "$XRC" sim gc >/dev/null 2>&1 || :
if [ -z "$dir" ] || [ ! -e "$dir" ]; then
	ok "named: the socket directory is gone after xrc sim stop"
else
	not_ok "named: the socket directory is gone after xrc sim stop"
	find "$dir" -mindepth 1 | sed 's/^/# left: /'
fi

# ---- a private world (a memfd: no name, reachable by inheritance only)
owner "private" "-" XENSIM_WORLD_NAME=
dir=$(owner_dir)
if [ -z "$dir" ] || [ ! -e "$dir" ]; then
	ok "private: the socket directory is gone at the world's last exit"
else
	not_ok "private: the socket directory is gone at the world's last exit"
	find "$dir" -mindepth 1 | sed 's/^/# left: /'
fi

echo "1..$test_no"
[ "$failed" -eq 0 ]
