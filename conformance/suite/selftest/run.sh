#!/bin/sh
# SPDX-License-Identifier: MIT
# The runner's self-test: build/bin/xrc-conformance-selftest (the runner
# over conformance/suite/selftest/catalogue.c) run against the sim through the
# preload, checking that the runner can fail and reports honestly: every
# verdict and reason, the exit codes, TAP that prove parses, JUnit that
# xmllint accepts with the right counts, timeouts, crash isolation, and
# identical reports whatever --jobs is.
#
#   BUILD=build sh conformance/suite/selftest/run.sh
#
# Prints TAP and a last line "N passed, N failed".
set -u

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/../../.." && pwd -P)
BUILD=${BUILD:-build}
case $BUILD in
/*) ;;
*) BUILD="$ROOT/$BUILD" ;;
esac
BIN="$BUILD/bin/xrc-conformance-selftest"
REAL="$BUILD/bin/xrc-conformance"
PRELOAD="$BUILD/lib/libxensim-preload.so"
WORK="$BUILD/conformance-selftest"

# The profiles, read straight from the one list (not from the runner,
# whose --profiles output is under test): name of every
#   X(SYM, "name", BASE, 'c', ...
# entry of sim/include/xensim/profile-list.h, in order, comma-separated.
LIST_NAMES=$(awk -F'"' '/^[ \t]*X\([A-Z0-9_]+, "/ { printf "%s%s", sep, $2; sep = "," }' \
	"$ROOT/sim/include/xensim/profile-list.h")
[ -n "$LIST_NAMES" ] || { echo "Bail out! no profiles in profile-list.h"; exit 2; }
# The list without some names: names_except proposed -> "linux,...".
names_except() {
	printf '%s\n' "$LIST_NAMES" | tr ',' '\n' | grep -vxF "$(printf '%s\n' "$@")" |
		paste -sd, -
}

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}

skip() {
	_why=$1
	shift
	n=$((n + 1))
	echo "ok $n - $* # SKIP $_why"
}

# is DESCRIPTION GOT WANT
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   got '$2', want '$3'"
	fi
}

# has DESCRIPTION FILE FIXED-STRING
has() {
	if grep -qF -- "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   '$3' not in $2"
	fi
}

# st NAME [ENV=VALUE...] -- ARGS...: run the self-test runner on the sim;
# stdout in $WORK/NAME.out, stderr in $WORK/NAME.err, exit code in $rc.
st() {
	_name=$1
	shift
	_env="XENSIM_PROFILE=proposed"
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		_env="$_env $1"
		shift
	done
	shift
	rc=0
	# shellcheck disable=SC2086 # _env is a list of assignments
	env $_env LD_PRELOAD="$PRELOAD" "$BIN" "$@" \
		>"$WORK/$_name.out" 2>"$WORK/$_name.err" </dev/null || rc=$?
}

# field DIR ID COLUMN: a column (2 verdict .. 6 reason) of ID's line.
field() {
	awk -F'\t' -v id="$2" -v c="$3" '$1 == id { print $c }' \
		"$1/results.tsv"
}

if [ ! -x "$BIN" ] || [ ! -f "$PRELOAD" ]; then
	echo "1..0 # SKIP $BIN or $PRELOAD not built"
	echo "0 passed, 1 failed"
	exit 1
fi
# A folder of this run's own (two runs at once must not share one); kept
# when something failed, for the logs.
mkdir -p "$WORK"
WORK=$(mktemp -d "$WORK/run.XXXXXX") || exit 1

# ---- the whole self catalogue, judged as proposed ----
ALL=$(XENSIM_PROFILE=proposed LD_PRELOAD="$PRELOAD" "$BIN" --list | wc -l)
t0=$(date +%s)
st full -- --timeout 1 --jobs 4 --backend sim:proposed --out "$WORK/full"
t1=$(date +%s)
# FAILs and ERRORs together: the ERROR decides (the run broke), and the
# totals still count both.
is "a run with FAILs and ERRORs exits 2" "$rc" 2
is "--list shows the whole self catalogue" "$ALL" 28

while read -r id verdict reason; do
	got=$(field "$WORK/full" "$id" 2)
	is "$id: $verdict" "$got" "$verdict"
	if [ -n "$reason" ]; then
		why=$(field "$WORK/full" "$id" 6)
		case $why in
		*"$reason"*) ok "$id: reason says '$reason'" ;;
		*) not_ok "$id: reason says '$reason'"
		   echo "#   reason: $why" ;;
		esac
	fi
done <<'EOF'
self.verdict.pass PASS
self.verdict.fail FAIL expected EPERM, observed EBADF
self.verdict.unspecified PASS unspecified
self.verdict.result-where-absent FAIL expected the feature absent (SKIP)
self.verdict.skip SKIP no such feature here
self.verdict.skip-unexpected SKIP expected EPERM
self.verdict.error ERROR setup broke on purpose (catalogue.c:
self.verdict.setup-failed ERROR setup failed: close(-1): EBADF
self.crash.segv ERROR killed by SIGSEGV
self.crash.abort ERROR killed by SIGABRT
self.crash.after-observe ERROR killed by SIGSEGV (after observing 0)
self.hang.sleep ERROR timed out after 1 s
self.hang.grandchild PASS
self.body.observe-twice ERROR observed twice
self.body.never-observe ERROR no judged call
self.body.exit ERROR exited with status 3 without reporting
self.body.close-low-fds PASS
self.body.stdout-noise PASS
self.fixture.domains PASS
self.fixture.unbound-port PASS
self.fixture.grant PASS
self.restrict.privcmd PASS
self.restrict.gntdev PASS
self.transport.enotty-for-enosys FAIL expected ENOSYS, observed ENOTTY
self.transport.enotty-for-eperm FAIL expected EPERM, observed ENOTTY
self.mmap.privcmd-region PASS
self.mmap.world-grant SKIP privcmd can mmap here
self.mmap.world-grant-none SKIP privcmd can mmap here
EOF

# Two hangs cost one timeout each, at most; the rest is quick.
took=$((t1 - t0))
if [ "$took" -le 5 ]; then
	ok "the timeout fires: the run took ${took} s with --timeout 1"
else
	not_ok "the timeout fires: the run took ${took} s with --timeout 1"
fi
is "agreeing profiles are recorded" \
	"$(field "$WORK/full" self.verdict.fail 5)" linux
is "a skip agrees with the ABSENT cells" \
	"$(field "$WORK/full" self.verdict.skip-unexpected 5)" \
	"$(names_except proposed)"
is "an error agrees with no column" \
	"$(field "$WORK/full" self.crash.segv 5)" "-"
# A FAIL line points at the judged call and the body's file:line.
if grep -E '^FAIL +self\.verdict\.fail: .* \[close\(-1\) at conformance/suite/selftest/catalogue\.c:[0-9]+\]$' \
	"$WORK/full.out" >/dev/null; then
	ok "a FAIL line names the call and the body's file:line"
else
	not_ok "a FAIL line names the call and the body's file:line"
fi
has "the totals line ends the text output" "$WORK/full.out" \
	"11 passed, 4 failed, 4 skipped, 9 errors in"
has "stdout names the reports" "$WORK/full.out" \
	"reports: $WORK/full/results.{txt,tap,xml,md,tsv}"
has "the fixture line names the domains" "$WORK/full.out" \
	"fixture: a=1 (hvm) b=2 pv=3 absent=100"
has "results.txt has the totals" "$WORK/full/results.txt" \
	"11 passed, 4 failed, 4 skipped, 9 errors in"
for f in txt tap xml md tsv; do
	if [ -s "$WORK/full/results.$f" ]; then
		ok "results.$f written"
	else
		not_ok "results.$f written"
	fi
done
if grep -q '^not ok 999' "$WORK/full.out"; then
	not_ok "a body's stdout does not reach the runner's stdout"
else
	ok "a body's stdout does not reach the runner's stdout"
fi
rows=$(grep -c '^| `self\.' "$WORK/full/results.md")
is "the matrix has a row per assertion" "$rows" "$ALL"

# ---- TAP ----
st tap -- --timeout 1 --format tap --out "$WORK/tap"
is "--format tap exits 2 too" "$rc" 2
is "TAP starts with its version" "$(head -n 1 "$WORK/tap.out")" \
	"TAP version 13"
has "--format tap ends with the totals as a comment" "$WORK/tap.out" \
	"# 11 passed, 4 failed, 4 skipped, 9 errors in"
for tap in "$WORK/tap.out" "$WORK/full/results.tap"; do
	if command -v prove >/dev/null 2>&1; then
		prove -e cat "$tap" >"$WORK/prove.log" 2>&1
		if grep -q 'Parse errors' "$WORK/prove.log"; then
			not_ok "prove parses $(basename "$tap")"
			sed 's/^/#   /' "$WORK/prove.log"
		else
			ok "prove parses $(basename "$tap")"
		fi
		has "prove counts $ALL tests, 13 failed" "$WORK/prove.log" \
			"Tests: $ALL Failed: 13"
	else
		skip "no prove" "prove parses $(basename "$tap")"
	fi
done
has "a failure carries a YAML block with the source" \
	"$WORK/full/results.tap" '  source: "conformance/suite/selftest/catalogue.c"'
has "a skip is a TAP SKIP with its reason" "$WORK/full/results.tap" \
	"ok 5 - self.verdict.skip # SKIP no such feature here"

# ---- JUnit ----
xml="$WORK/full/results.xml"
if command -v xmllint >/dev/null 2>&1; then
	if xmllint --noout "$xml" 2>"$WORK/xmllint.log"; then
		ok "results.xml is well-formed"
	else
		not_ok "results.xml is well-formed"
		sed 's/^/#   /' "$WORK/xmllint.log"
	fi
	for c in tests:28 failures:4 errors:9 skipped:4; do
		a=${c%%:*}
		is "JUnit testsuite $a" \
			"$(xmllint --xpath "string(/testsuites/testsuite/@$a)" "$xml")" \
			"${c#*:}"
	done
	is "JUnit has a testcase per assertion" \
		"$(xmllint --xpath 'count(//testcase)' "$xml")" "$ALL"
	is "JUnit <failure> elements" \
		"$(xmllint --xpath 'count(//testcase/failure)' "$xml")" 4
	is "JUnit <error> elements" \
		"$(xmllint --xpath 'count(//testcase/error)' "$xml")" 9
	is "JUnit <skipped> elements" \
		"$(xmllint --xpath 'count(//testcase/skipped)' "$xml")" 4
	st junit -- --timeout 1 --format junit --only 'self.verdict.*'
	if xmllint --noout "$WORK/junit.out" 2>/dev/null; then
		ok "--format junit on stdout is well-formed XML alone"
	else
		not_ok "--format junit on stdout is well-formed XML alone"
	fi
	has "--format junit puts the totals on stderr" "$WORK/junit.err" \
		"2 passed, 2 failed, 2 skipped, 2 errors in"
else
	skip "no xmllint" "results.xml is well-formed"
fi

# ---- --jobs does not change the reports ----
st jobs1 -- --timeout 1 --jobs 1 --out "$WORK/jobs1"
st jobs8 -- --timeout 1 --jobs 8 --out "$WORK/jobs8"
for f in tsv tap; do
	if cmp -s "$WORK/jobs1/results.$f" "$WORK/jobs8/results.$f"; then
		ok "results.$f is the same with --jobs 1 and --jobs 8"
	else
		not_ok "results.$f is the same with --jobs 1 and --jobs 8"
		diff "$WORK/jobs1/results.$f" "$WORK/jobs8/results.$f" |
			head -n 10 | sed 's/^/#   /'
	fi
done
st isolated -- --timeout 1 --isolated --out "$WORK/isolated"
if cmp -s "$WORK/jobs1/results.tsv" "$WORK/isolated/results.tsv"; then
	ok "--isolated gives the same results"
else
	not_ok "--isolated gives the same results"
fi

# ---- exit codes ----
st x0 -- --only 'self.verdict.pass,self.verdict.unspecified'
is "exit 0 when everything passes" "$rc" 0
st x1 -- --only 'self.verdict.fail,self.verdict.pass'
is "exit 1 on a FAIL" "$rc" 1
st x1e -- --only 'self.verdict.fail,self.verdict.error'
is "exit 2 on a FAIL with an ERROR (the ERROR decides)" "$rc" 2
has "a FAIL with an ERROR: the totals count both" "$WORK/x1e.out" \
	"0 passed, 1 failed, 0 skipped, 1 errors in"
st x2 -- --only 'self.verdict.error' --only 'self.verdict.pass'
is "exit 2 on an ERROR without FAIL" "$rc" 2
st x2c -- --only 'self.crash.segv'
is "exit 2 on a crash" "$rc" 2
st x77 -- --only 'self.verdict.skip*'
is "exit 77 when everything skips" "$rc" 77
st nomatch -- --only 'nothing.matches.*'
is "exit 2 when --only matches nothing" "$rc" 2
has "--only matching nothing names the pattern" "$WORK/nomatch.err" \
	"no assertion matches --only 'nothing.matches.*'"
st listnomatch -- --list --only 'nothing.matches.*'
is "--list: exit 2 when --only matches nothing" "$rc" 2
has "--list: --only matching nothing names the pattern" "$WORK/listnomatch.err" \
	"no assertion matches --only 'nothing.matches.*'"
for bad in "--profile nosuch" "--format nosuch" "--jobs 0" "--timeout 0" \
	   "--timeout x" "--nosuch" "extra" "--out"; do
	# shellcheck disable=SC2086 # word splitting of $bad is intended
	st usage -- $bad
	is "exit 2 on bad usage: $bad" "$rc" 2
done
st help -- --help
is "--help exits 0" "$rc" 0
has "--help shows the usage" "$WORK/help.out" "usage: xrc-conformance"

# ---- judged as another profile ----
st linux -- --profile linux --only 'self.verdict.fail'
is "judged as linux, the fail row passes" "$rc" 0
st netbsd -- --profile netbsd --only 'self.verdict.fail'
is "judged as netbsd, the fail row fails" "$rc" 1

# ---- --transport: the one substitution CUSE needs, and nothing else ----
st cuse -- --timeout 1 --transport cuse --only 'self.transport.*' \
	--out "$WORK/cuse"
is "--transport cuse: the ENOTTY-for-EPERM row still fails (exit 1)" "$rc" 1
is "--transport cuse: ENOTTY where ENOSYS is expected passes" \
	"$(field "$WORK/cuse" self.transport.enotty-for-enosys 2)" PASS
is "--transport cuse: the pass says why" \
	"$(field "$WORK/cuse" self.transport.enotty-for-enosys 6)" \
	"ENOSYS seen as ENOTTY: FUSE maps it (fs/fuse/ioctl.c)"
is "--transport cuse: the columns wanting ENOSYS agree" \
	"$(field "$WORK/cuse" self.transport.enotty-for-enosys 5)" \
	"$LIST_NAMES"
is "--transport cuse: ENOTTY where EPERM is expected still fails" \
	"$(field "$WORK/cuse" self.transport.enotty-for-eperm 2)" FAIL
has "--transport cuse: the header says so" "$WORK/cuse.out" \
	"devdir /dev/xen, transport cuse;"
st native -- --timeout 1 --transport native --only 'self.transport.*'
has "--transport native: ENOTTY for ENOSYS fails" "$WORK/native.out" \
	"FAIL  self.transport.enotty-for-enosys: expected ENOSYS, observed ENOTTY"
st badtr -- --transport fuse
is "--transport fuse: bad usage (2)" "$rc" 2
has "--transport fuse: says which are known" "$WORK/badtr.err" \
	"unknown transport 'fuse' (native, cuse)"

# ---- a backend whose devices cannot be mmapped (ENODEV, as on CUSE) ----
# /dev/null has no mmap method: mmap answers ENODEV, as for a CUSE node.
mkdir -p "$WORK/nommap"
for d in privcmd gntdev gntalloc; do
	ln -s /dev/null "$WORK/nommap/$d"
done
st nommap -- --timeout 1 --devdir "$WORK/nommap" --only 'self.mmap.*' \
	--out "$WORK/nommap-res"
has "no mmap: the fixture line says which devices cannot" \
	"$WORK/nommap.out" "backend cannot mmap privcmd, gntdev, gntalloc (ENODEV)"
is "no mmap: a row needing a privcmd region skips" \
	"$(field "$WORK/nommap-res" self.mmap.privcmd-region 2)" SKIP
is "no mmap: the skip says why" \
	"$(field "$WORK/nommap-res" self.mmap.privcmd-region 6)" \
	"backend cannot mmap privcmd (ENODEV); expected 0"
is "no mmap: the fixture grants by the world's ref" \
	"$(field "$WORK/nommap-res" self.mmap.world-grant 2)" PASS
is "no mmap: no world grant fits: SKIP" \
	"$(field "$WORK/nommap-res" self.mmap.world-grant-none 2)" SKIP
has "no mmap: that skip names the gfn" "$WORK/nommap.out" \
	"the world offers no writable grant of domain 1's gfn 4"
st nommapc -- --timeout 1 --devdir "$WORK/nommap" --transport cuse \
	--only 'self.mmap.privcmd-region'
has "no mmap under --transport cuse: the skip names CUSE" \
	"$WORK/nommapc.out" \
	"SKIP  self.mmap.privcmd-region: backend cannot mmap privcmd (ENODEV: CUSE)"
is "a backend that can mmap says nothing of it" \
	"$(grep '^fixture:' "$WORK/full.out" | grep -c 'cannot mmap')" 0

# ---- --list and --profiles ----
st list -- --list --only 'self.crash.*'
is "--list --only lists the matches" "$(wc -l <"$WORK/list.out")" 3
has "--list prints id TAB statement" "$WORK/list.out" \
	"$(printf 'self.crash.abort\tthe body aborts')"
st profiles -- --profiles
is "--profiles names the list's profiles in order" \
	"$(cut -f1 "$WORK/profiles.out" | paste -sd, -)" "$LIST_NAMES"
is "--profiles: linux-xsa482 derives from linux, code x" \
	"$(awk -F'\t' '$1 == "linux-xsa482" { print $2 "/" $3 }' "$WORK/profiles.out")" \
	"linux/x"

# ---- the fixture ----
# No devices at all: nothing to test, so tests needing domains skip.
st nofx -- --devdir "$WORK/no-such-dir" --only 'self.fixture.domains'
is "no devices: everything skipped (77)" "$rc" 77
has "no devices: the skip names the fixture" "$WORK/nofx.out" \
	"SKIP  self.fixture.domains: fixture: no device $WORK/no-such-dir/privcmd: ENOENT"
st nofx2 -- --devdir "$WORK/no-such-dir" --only 'self.verdict.pass'
is "no devices: a test needing none still runs (exit 0)" "$rc" 0
has "no devices: the fixture line says so" "$WORK/nofx2.out" \
	"fixture: none: no device $WORK/no-such-dir/privcmd: ENOENT"
# A privcmd that cannot be opened (here a directory: EISDIR, even for
# root): the probe broke, so the run broke.
mkdir -p "$WORK/broken/privcmd"
st broken -- --devdir "$WORK/broken" --only 'self.fixture.domains,self.verdict.pass'
is "an unopenable privcmd: exit 2" "$rc" 2
has "an unopenable privcmd: a test needing domains is an ERROR" \
	"$WORK/broken.out" \
	"ERROR self.fixture.domains: fixture: cannot open $WORK/broken/privcmd: EISDIR"
has "an unopenable privcmd: the fixture line says it failed" \
	"$WORK/broken.out" "fixture: failed: cannot open $WORK/broken/privcmd: EISDIR"
# Too few guests: the tests needing domains are ERRORs.
printf 'domain 5 pv\n' >"$WORK/one-guest.world"
st oneguest XENSIM_WORLD="$WORK/one-guest.world" -- --only 'self.fixture.domains'
is "one guest: exit 2" "$rc" 2
has "one guest: the error says why" "$WORK/oneguest.out" \
	"fixture: no HVM guest: a is PV guest 5; found 1 guest(s), the tests need two"
printf 'domain 7 pv\ndomain 9 pv\ndomain 100 hvm\n' >"$WORK/pv-first.world"
st pvfirst XENSIM_WORLD="$WORK/pv-first.world" -- --only 'self.fixture.*'
is "PV guests first: the fixture still works" "$rc" 0
has "PV guests first: a is the HVM guest, b not the PV one" \
	"$WORK/pvfirst.out" "fixture: a=100 (hvm) b=9 pv=7 absent=101"

# ---- restrict helpers on other profiles ----
st gntlinux XENSIM_PROFILE=linux -- --profile linux \
	--only 'self.restrict.gntdev' --out "$WORK/gntlinux"
is "linux gntdev restrict: everything skipped (77)" "$rc" 77
case $(field "$WORK/gntlinux" self.restrict.gntdev 6) in
"gntdev has no restrict (it answers ENOTTY)") ok "linux gntdev: SKIP says ENOTTY" ;;
*) not_ok "linux gntdev: SKIP says ENOTTY"
   field "$WORK/gntlinux" self.restrict.gntdev 6 | sed 's/^/#   /' ;;
esac
st pcnetbsd XENSIM_PROFILE=netbsd -- --profile netbsd \
	--only 'self.restrict.privcmd' --out "$WORK/pcnetbsd"
is "netbsd privcmd restrict: everything skipped (77)" "$rc" 77
has "netbsd privcmd: EINVAL like an unknown ioctl is a SKIP" \
	"$WORK/pcnetbsd/results.tsv" "EINVAL, as for any unknown ioctl"
for p in linux freebsd; do
	st "fx-$p" XENSIM_PROFILE=$p -- --profile "$p" \
		--only 'self.fixture.*'
	is "the fixture works on the sim as $p" "$rc" 0
done

# ---- the runner under ASan+UBSan: same verdicts, no report ----
# (Not the crash rows: under ASan a fault ends in its report and abort.)
ASAN_BIN="$BUILD/asan/bin/xrc-conformance-selftest"
ASAN_PRELOAD="$BUILD/asan/lib/libxensim-preload.so"
SAFE='self.verdict.*,self.hang.*,self.body.*,self.fixture.*,self.restrict.*,self.transport.*,self.mmap.*'
if [ -x "$ASAN_BIN" ] && [ -f "$ASAN_PRELOAD" ]; then
	rc=0
	ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:verify_asan_link_order=0} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	XENSIM_PROFILE=proposed LD_PRELOAD="$ASAN_PRELOAD" "$ASAN_BIN" \
		--timeout 2 --only "$SAFE" --out "$WORK/asan" \
		>"$WORK/asan.out" 2>"$WORK/asan.err" </dev/null || rc=$?
	is "ASan: exit 2 (FAILs and ERRORs), as plain" "$rc" 2
	if grep -qE 'Sanitizer|runtime error' "$WORK/asan.err"; then
		not_ok "ASan: no sanitizer report"
		grep -E 'Sanitizer|runtime error|#[0-9]' "$WORK/asan.err" |
			head -n 20 | sed 's/^/#   /'
	else
		ok "ASan: no sanitizer report"
	fi
	cut -f1,2 "$WORK/asan/results.tsv" | grep -v '^#' >"$WORK/asan.v"
	cut -f1,2 "$WORK/full/results.tsv" | grep -v '^#' |
		grep -v '^self\.crash\.' >"$WORK/full.v"
	if cmp -s "$WORK/asan.v" "$WORK/full.v"; then
		ok "ASan: the same verdicts as the plain build"
	else
		not_ok "ASan: the same verdicts as the plain build"
		diff "$WORK/full.v" "$WORK/asan.v" | sed 's/^/#   /'
	fi
else
	skip "not built" "the runner under ASan+UBSan"
fi

# ---- the real catalogue obeys the catalogue rules ----
if [ -x "$REAL" ]; then
	rc=0
	"$REAL" --list >"$WORK/real-list.out" 2>"$WORK/real-list.err" || rc=$?
	is "the real catalogue: IDs well-formed and unique (--list exits 0)" \
		"$rc" 0
	sed 's/^/#   /' "$WORK/real-list.err"
fi

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
if [ "$failed" -eq 0 ]; then
	rm -rf "$WORK"
	exit 0
fi
echo "# work kept in $WORK"
exit 1
