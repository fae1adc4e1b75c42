#!/bin/sh
# SPDX-License-Identifier: MIT
# Named worlds through the command line (`xrc sim`), with unrelated
# processes: every client below is its own program run, sharing nothing
# with the others but XENSIM_WORLD_NAME.  Prints TAP.
#
#   BUILD=build sh sim/tests/world-cli.sh
#
# Needs build/bin/xensim-world, build/lib/libxensim-preload.so and
# build/tests/world/xsim-world-client (make check builds them).
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
CLIENT="$BUILD/tests/world/xsim-world-client"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/world-cli.XXXXXX")
N="tcli-$$"
STALE="tcli-$$-stale"
ORPHAN="tcli-$$-orphan"
FOREIGN="tcli-$$-foreign"
# A hang guard only (a wedged lock would block forever), not a timing check.
GUARD="timeout 120"

test_no=0
failed=0
keepers=""
holder_pid=""

ok() {
	test_no=$((test_no + 1))
	echo "ok $test_no - $1"
}

not_ok() {
	test_no=$((test_no + 1))
	failed=$((failed + 1))
	echo "not ok $test_no - $1"
	shift
	for _l in "$@"; do
		echo "# $_l"
	done
}

# check NAME COMMAND...: a test case that passes when COMMAND succeeds.
check() {
	_name=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		ok "$_name"
	else
		not_ok "$_name" "command: $*"
		sed 's/^/# /' "$TMP/check.out"
	fi
}

# contains FILE TEXT
contains() {
	grep -qF -- "$2" "$1"
}

# run_in NAME ARGS...: the client in world NAME (stdout, stderr to files).
run_in() {
	_w=$1
	shift
	XENSIM_WORLD_NAME=$_w LD_PRELOAD=$PRELOAD $GUARD "$CLIENT" "$@" \
		>"$TMP/out" 2>"$TMP/err"
}

# start NAME: xrc sim start; remembers the keeper's pid.
start() {
	"$XRC" sim start --name "$1" >"$TMP/start.out" 2>"$TMP/start.err" ||
		return 1
	_k=$(sed -n 's/.*kept by pid \([0-9][0-9]*\).*/\1/p' "$TMP/start.out")
	[ -n "$_k" ] || return 1
	keepers="$keepers $_k"
	echo "$_k" >"$TMP/keeper.$1"
}

keeper_of() {
	cat "$TMP/keeper.$1"
}

# running PID: not exited (an exited child not yet reaped is a zombie, Z).
running() {
	[ -r "/proc/$1/stat" ] &&
		! sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^[ZX]'
}

# gone PID: wait (bounded) until PID has exited.
gone() {
	_i=0
	while running "$1"; do
		_i=$((_i + 1))
		[ "$_i" -le 600 ] || return 1
		sleep 0.1
	done
}

# hold NAME: a client holding privcmd and evtchn handles until released.
hold() {
	rm -f "$TMP/fifo" "$TMP/hold.out"
	mkfifo "$TMP/fifo"
	XENSIM_WORLD_NAME=$1 LD_PRELOAD=$PRELOAD "$CLIENT" hold \
		<"$TMP/fifo" >"$TMP/hold.out" 2>&1 &
	holder_pid=$!
	exec 3>"$TMP/fifo"
	_i=0
	until contains "$TMP/hold.out" ready; do
		_i=$((_i + 1))
		[ "$_i" -le 600 ] && kill -0 "$holder_pid" 2>/dev/null || return 1
		sleep 0.1
	done
}

release() {
	exec 3>&-
	[ -z "$holder_pid" ] || wait "$holder_pid" || true
	holder_pid=""
}

cleanup() {
	[ -z "$holder_pid" ] || kill "$holder_pid" 2>/dev/null || true
	for _n in "$N" "$STALE" "$ORPHAN" "$FOREIGN"; do
		"$TOOL" stop "$_n" >/dev/null 2>&1 || true
	done
	for _k in $keepers; do
		kill "$_k" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

for f in "$TOOL" "$PRELOAD" "$CLIENT"; do
	if [ ! -e "$f" ]; then
		echo "1..0 # SKIP $f is not built"
		exit 0
	fi
done
echo "1..27"

# ---- start, and what it refuses
if start "$N" && contains "$TMP/start.out" "started world $N" &&
	contains "$TMP/start.out" "XENSIM_WORLD_NAME=$N LD_PRELOAD="; then
	ok "xrc sim start creates a world and says how to join it"
else
	not_ok "xrc sim start creates a world and says how to join it" \
		"$(cat "$TMP/start.out" "$TMP/start.err")"
fi
mode=$(stat -c %a "/dev/shm/xensim-$N" 2>/dev/null || echo none)
check "its file is /dev/shm/xensim-$N, mode 0600 (got $mode)" \
	[ "$mode" = 600 ]

rc=0
"$XRC" sim start --name "$N" >"$TMP/out" 2>"$TMP/err" || rc=$?
if [ "$rc" -eq 2 ] && contains "$TMP/err" "is live"; then
	ok "starting a live world again is refused (exit 2)"
else
	not_ok "starting a live world again is refused (exit 2)" "exit $rc" \
		"$(cat "$TMP/err")"
fi

bad_ok=1
long=$(printf '%065d' 0)
for bad in 'a/b' '..' '' 'sp ace' "$long" 'x;y'; do
	rc=0
	"$XRC" sim start --name "$bad" >"$TMP/out" 2>"$TMP/err" || rc=$?
	if [ "$rc" -ne 2 ] || ! contains "$TMP/err" "not a world name"; then
		bad_ok=0
		echo "# start --name '$bad': exit $rc: $(cat "$TMP/err")"
	fi
done
rc=0
"$XRC" sim status '../x' >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || bad_ok=0
check "bad names are refused with a reason (exit 2)" [ "$bad_ok" -eq 1 ]

# ---- two unrelated processes see each other's effects
dom=""
if run_in "$N" create-pv; then
	dom=$(cat "$TMP/out")
fi
check "process A creates a PV domain with libxenctrl (domid ${dom:-none})" \
	[ -n "$dom" ]
run_in "$N" info "${dom:-0}" || true
check "process B sees that domain: $(cat "$TMP/out" "$TMP/err")" \
	[ "$(cat "$TMP/out")" = "domid ${dom:-x} pv pages 16 paused" ]
port=""
if run_in "$N" alloc-unbound "${dom:-0}" 0; then
	port=$(cat "$TMP/out")
fi
run_in "$N" status "${dom:-0}" "${port:-0}" || true
check "a port A allocates (${port:-none}) is unbound to dom0 for B" \
	[ "$(cat "$TMP/out")" = "unbound 0" ]
"$XRC" sim status "$N" >"$TMP/status" 2>&1 || true
check "status lists the domain (PV, 16 pages, paused) and the profile" \
	sh -c "grep -Eq '^ +$dom +PV +16 .* paused\$' '$TMP/status' &&
		grep -q 'profile  *proposed' '$TMP/status'"

# ---- a missing world: a clear message, ENOENT, never a private machine
rc=0
run_in "nosuch-$$" info 0 || rc=$?
if [ "$rc" -ne 0 ] && contains "$TMP/err" "XENSIM_WORLD_NAME=nosuch-$$: no world called" &&
	contains "$TMP/err" "No such file or directory"; then
	ok "joining a missing world fails: message, device opens ENOENT"
else
	not_ok "joining a missing world fails: message, device opens ENOENT" \
		"exit $rc" "$(cat "$TMP/err")"
fi

# ---- handles per process; leaked ones reclaimed, live ones kept
if hold "$N"; then
	ok "a client holds privcmd and evtchn handles (pid $holder_pid)"
else
	not_ok "a client holds privcmd and evtchn handles" "$(cat "$TMP/hold.out")"
fi
"$XRC" sim status "$N" >"$TMP/status" 2>&1 || true
check "status shows its handles: pid, device, not restricted" \
	sh -c "grep -Eq '^ +$holder_pid +running +privcmd +dom0 +no' '$TMP/status' &&
		grep -Eq '^ +$holder_pid +running +evtchn +dom0 +no' '$TMP/status'"
open1=$(sed -n 's/^  handles *\([0-9]*\) open.*/\1/p' "$TMP/status")
rc=0
run_in "$N" crash || rc=$?
"$XRC" sim status "$N" >"$TMP/status2" 2>&1 || true
reclaimed=$(sed -n 's/.* open, \([0-9]*\) reclaimed.*/\1/p' "$TMP/status2")
open2=$(sed -n 's/^  handles *\([0-9]*\) open.*/\1/p' "$TMP/status2")
yes=0
[ "$rc" -eq 137 ] && [ "${reclaimed:-0}" -ge 2 ] && yes=1
check "a SIGKILLed client's handles are reclaimed (exit $rc, ${reclaimed:-no} reclaimed)" \
	[ "$yes" -eq 1 ]
yes=0
[ -n "$open1" ] && [ "$open1" = "$open2" ] && yes=1
check "the live client's handles are kept (${open1:-?} before, ${open2:-?} after)" \
	[ "$yes" -eq 1 ]

# ---- a client killed holding the machine lock
rc=0
"$TOOL" lock-and-die "$N" 2>/dev/null || rc=$?
run_in "$N" info "${dom:-0}" || true
yes=0
[ "$rc" -eq 137 ] &&
	[ "$(cat "$TMP/out")" = "domid ${dom:-x} pv pages 16 paused" ] && yes=1
check "after a client died holding the lock, another still works" \
	[ "$yes" -eq 1 ]
"$XRC" sim status "$N" >"$TMP/status" 2>&1 || true
check "status counts the repair (EOWNERDEAD)" \
	contains "$TMP/status" "repaired 1 time after its owner died"

# ---- staleness
start "$STALE" || true
kill -9 "$(keeper_of "$STALE")" 2>/dev/null || true
gone "$(keeper_of "$STALE")" || true
"$XRC" sim status "$STALE" >"$TMP/status" 2>&1 || true
check "a world whose keeper died and that has no handle is stale" \
	contains "$TMP/status" "world $STALE: stale"
old=$(keeper_of "$STALE")
if start "$STALE" && [ "$(keeper_of "$STALE")" != "$old" ]; then
	ok "start on a stale world cleans it and recreates it"
else
	not_ok "start on a stale world cleans it and recreates it" \
		"$(cat "$TMP/start.out" "$TMP/start.err")"
fi

start "$ORPHAN" || true
release
hold "$ORPHAN" || true
kill -9 "$(keeper_of "$ORPHAN")" 2>/dev/null || true
gone "$(keeper_of "$ORPHAN")" || true
"$XRC" sim status "$ORPHAN" >"$TMP/status" 2>&1 || true
check "a world whose keeper died but with an open handle is live" \
	contains "$TMP/status" "world $ORPHAN: live"
release
"$XRC" sim list >"$TMP/list" 2>&1 || true
check "once the handle is closed it is stale (xrc sim list)" \
	grep -Eq "^$ORPHAN +stale " "$TMP/list"

kill -9 "$(keeper_of "$STALE")" 2>/dev/null || true
gone "$(keeper_of "$STALE")" || true
"$XRC" sim gc >"$TMP/gc" 2>&1 || true
check "gc removes every stale world" \
	sh -c "grep -q 'removed stale world $STALE' '$TMP/gc' &&
		grep -q 'removed stale world $ORPHAN' '$TMP/gc' &&
		[ ! -e /dev/shm/xensim-$STALE ] && [ ! -e /dev/shm/xensim-$ORPHAN ]"
check "gc leaves a live world alone" [ -e "/dev/shm/xensim-$N" ]

# ---- a world made by another build
start "$FOREIGN" || true
# Format version 1 where this build writes 2 (offset 8, little-endian).
printf '\001' | dd of="/dev/shm/xensim-$FOREIGN" bs=1 seek=8 count=1 \
	conv=notrunc 2>/dev/null
"$XRC" sim status "$FOREIGN" >"$TMP/status" 2>&1 || true
check "status marks a world of another build and says why" \
	sh -c "grep -q 'world $FOREIGN: other-build' '$TMP/status' &&
		grep -q 'made by another build of xensim (world format version 1' '$TMP/status'"
rc=0
run_in "$FOREIGN" info 0 || rc=$?
yes=0
[ "$rc" -ne 0 ] && contains "$TMP/err" "XENSIM_WORLD_NAME=$FOREIGN:" &&
	contains "$TMP/err" "made by another build" && yes=1
check "a client refuses to join it, with a message" [ "$yes" -eq 1 ]
rc=0
"$XRC" sim start --name "$FOREIGN" >"$TMP/out" 2>"$TMP/err" || rc=$?
check "start does not replace it (exit 2)" [ "$rc" -eq 2 ]
kill "$(keeper_of "$FOREIGN")" 2>/dev/null || true
check "stop removes it" "$XRC" sim stop "$FOREIGN"

# ---- stop
"$XRC" sim stop "$N" >"$TMP/out" 2>&1 || true
k=$(keeper_of "$N")
yes=0
[ ! -e "/dev/shm/xensim-$N" ] && contains "$TMP/out" "keeper told to exit" &&
	gone "$k" && yes=1
check "stop removes the name and its keeper exits" [ "$yes" -eq 1 ]
rc=0
run_in "$N" info 0 || rc=$?
rc2=0
"$XRC" sim stop "$N" >/dev/null 2>&1 || rc2=$?
yes=0
[ "$rc" -ne 0 ] && contains "$TMP/err" "no world called" && [ "$rc2" -eq 1 ] &&
	yes=1
check "after stop, joins fail and stop again says no such world (exit 1)" \
	[ "$yes" -eq 1 ]

[ "$failed" -eq 0 ]
