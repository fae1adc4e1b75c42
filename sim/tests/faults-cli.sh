#!/bin/sh
# SPDX-License-Identifier: MIT
# `xrc faults` judged on programs whose behaviour under a fault is known
# (docs/faults.md): the command line, a broken run, each verdict, the
# known list, and XENSIM_FAIL's own checks.  TAP.
set -eu

BUILD=${BUILD:-build}
P="$BUILD/tests/clients/test_evtchn"
PRELOAD="$PWD/$BUILD/lib/libxensim-preload.so"
d=$(mktemp -d "${TMPDIR:-/tmp}/faults-cli.XXXXXX")
trap 'rm -rf "$d"' EXIT
n=0
fail=0

# check NAME WANT_RC GREP_PATTERN COMMAND...: exit code and a line.
check() {
	_name=$1 _want=$2 _pat=$3
	shift 3
	n=$((n + 1))
	_rc=0
	"$@" >"$d/out" 2>&1 || _rc=$?
	if [ "$_rc" -eq "$_want" ] && grep -qE -- "$_pat" "$d/out"; then
		echo "ok $n - $_name"
	else
		echo "not ok $n - $_name (exit $_rc, want $_want and /$_pat/)"
		sed 's/^/# /' "$d/out" | tail -n 15
		fail=1
	fi
}

echo "1..15"
check "no command: exit 2" 2 "no command" \
	env BUILD="$BUILD" sh scripts/xrc faults --max 1
check "unknown site: exit 2" 2 "no failure point 'nosuch'" \
	env BUILD="$BUILD" sh scripts/xrc faults --only nosuch -- "$P"
check "--max 0: exit 2" 2 "--max wants a positive count" \
	env BUILD="$BUILD" sh scripts/xrc faults --max 0 -- "$P"
check "a program failing without a fault is a broken run: exit 2" 2 \
	"fails without any fault" env BUILD="$BUILD" sh scripts/xrc faults -- false
check "a program touching no device: nothing to fail, exit 0" 0 \
	"^total +0 +0 " env BUILD="$BUILD" sh scripts/xrc faults -- true
# A crash: the client's failure turned into SIGSEGV.
cat >"$d/crasher" <<EOT
#!/bin/sh
"$PWD/$P" >/dev/null 2>&1 || kill -SEGV \$\$
EOT
chmod +x "$d/crasher"
check "a crash is found, with its XENSIM_FAIL: exit 1" 1 \
	"FINDING crash +crasher XENSIM_FAIL=port:1 " \
	env BUILD="$BUILD" sh scripts/xrc faults --only port --max 2 -- "$d/crasher"
printf 'crasher port crash the test'"'"'s own\n' >"$d/known"
check "a known crash is listed with its reason: exit 0" 0 \
	"known: the test's own" env BUILD="$BUILD" sh scripts/xrc faults --only port \
	--max 1 --known "$d/known" -- "$d/crasher"
# A silent success: the client's failure swallowed.
cat >"$d/swallow" <<EOT
#!/bin/sh
"$PWD/$P" >/dev/null 2>&1
echo done
EOT
chmod +x "$d/swallow"
check "a swallowed failure is a silent success (not a failure): exit 0" 0 \
	"FINDING silent +swallow XENSIM_FAIL=port:1 " \
	env BUILD="$BUILD" sh scripts/xrc faults --only port --max 1 -- "$d/swallow"
check "a hang is ended and found: exit 1" 1 "FINDING hang +hanger" \
	sh -c "printf '#!/bin/sh\n\"$PWD/$P\" >/dev/null 2>&1 || sleep 30\n' >'$d/hanger' && chmod +x '$d/hanger' && BUILD='$BUILD' sh scripts/xrc faults --only port --max 1 --timeout 1 -- '$d/hanger'"
check "a bad XENSIM_FAIL is named on stderr, arms nothing" 0 \
	"xensim: XENSIM_FAIL='port:x': want SITE:N" \
	env XENSIM_FAIL=port:x LD_PRELOAD="$PRELOAD" "$P"
# ---- points in the known list, broken runs, xrc dm (owner: faults) ----
printf 'crasher port:1 crash the first point only\n' >"$d/known1"
check "a known list naming port:1 leaves port:2 a finding: exit 1" 1 \
	"FINDING crash +crasher XENSIM_FAIL=port:2 +\(exit" \
	env BUILD="$BUILD" sh scripts/xrc faults --only port --max 2 \
	--known "$d/known1" -- "$d/crasher"
printf 'crasher port:3,1-2 crash a list and a range\n' >"$d/known2"
check "a known list naming port:3,1-2 covers both: exit 0" 0 \
	"XENSIM_FAIL=port:2  known: a list and a range" \
	env BUILD="$BUILD" sh scripts/xrc faults --only port --max 2 \
	--known "$d/known2" -- "$d/crasher"
cat >"$d/flaky" <<EOT
#!/bin/sh
case \${XENSIM_FAIL:-} in *:2) exit 3 ;; esac
"$PWD/$P" >/dev/null 2>&1
exit 0
EOT
chmod +x "$d/flaky"
check "a run failing without its point firing is a broken run: exit 2" 2 \
	"XENSIM_FAIL=port:2, which never fired: a broken run" \
	env BUILD="$BUILD" sh scripts/xrc faults --only port --max 3 -- "$d/flaky"
if [ -x /usr/libexec/xen-qemu-system-i386 ]; then
	check "xrc dm in a sweep's world of another profile: exit 2" 2 \
		"the world of xrc faults is proposed" env BUILD="$BUILD" \
		XRC_FAULTS_WORLD=nosuch XENSIM_PROFILE=proposed \
		sh scripts/xrc dm --profile linux
	if [ -x "$BUILD/dm/xenstored" ]; then
		check "XENSIM_FAIL given to xrc dm fails QEMU's open, not the toolstack's" \
			2 "^--- qemu-dm-xrc-dm-guest.log" env BUILD="$BUILD" \
			XENSIM_FAIL=open:1 sh scripts/xrc dm --restrict --timeout 60
	else
		n=$((n + 1))
		echo "ok $n # SKIP no $BUILD/dm/xenstored"
	fi
else
	n=$((n + 1))
	echo "ok $n # SKIP no Debian QEMU"
	n=$((n + 1))
	echo "ok $n # SKIP no Debian QEMU"
fi
# ---- end (owner: faults) ----
exit "$fail"
