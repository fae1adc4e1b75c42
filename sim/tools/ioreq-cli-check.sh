#!/bin/sh
# SPDX-License-Identifier: MIT
# xensim-ioreq's command line against its in-process fake device model:
# the builtin pc script passes, and each way of failing is reported with
# its exit code (1: an answer wrong or missing, 2: a usage or setup error).
# Usage: ioreq-cli-check.sh PATH-TO-xensim-ioreq; prints TAP.
set -eu

tool=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0

# check NAME WANT-RC GREP-PATTERN ARGS...
check() {
	name=$1 want=$2 pat=$3
	shift 3
	n=$((n + 1))
	rc=0
	env -u XENSIM_WORLD_FD -u XENSIM_WORLD_NAME "$tool" "$@" \
		>"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" -eq "$want" ] && grep -q -- "$pat" "$tmp/out"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (exit $rc, wanted $want and '$pat')"
		sed 's/^/# /' "$tmp/out"
		fails=$((fails + 1))
	fi
}

printf 'pio w 0x70 1 0x15\npio r 0x71 1 expect 0x81\n' >"$tmp/wrong"
printf 'pio r 0x71 1\ncopy r 0xa0000 3\n' >"$tmp/bad"
printf 'pio r 0x60 1 expect 0xff\n' >"$tmp/null"

echo "1..8"
check "builtin pc, 40 requests" 0 "40 served, 0 wrong, 0 timed out" \
	--domid 1 --fake-dm --count 40
check "a wrong answer fails" 1 "expected 0x81 got 0x80" \
	--domid 1 --fake-dm --script "$tmp/wrong"
check "no server: Xen's null handler reads all ones" 0 "null handler" \
	--domid 2 --fake-dm --script "$tmp/null"
check "a bad script line is named" 2 "bad:2: size 3" \
	--domid 1 --fake-dm --script "$tmp/bad"
check "a PV domain is refused" 2 "Invalid argument" --domid 3 --fake-dm
check "no such domain" 2 "No such process" --domid 9 --fake-dm
check "no world to attach" 2 "no world" --domid 1
check "a vcpu the domain lacks" 1 "Invalid argument" \
	--domid 1 --vcpu 4 --fake-dm --count 1
exit $((fails > 0))
