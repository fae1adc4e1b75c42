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

echo "1..10"
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
exit "$fail"
