#!/bin/sh
# SPDX-License-Identifier: MIT
# results.xml as CI servers read it: every JUnit report the runner writes
# validates (xmllint --schema) against junit-ci.xsd, the constraints of the
# Jenkins xunit plugin's junit-10.xsd that GitLab's reader follows too (see
# the schema's header for its origin).  The runs hold PASS, FAIL, SKIP and
# ERROR (the runner's self-test catalogue) and the real catalogue on the
# sim; and the schema is shown to reject what it must (a "skipped" on
# <testsuites>, a suite without "errors"), so the check can fail.
set -eu
# shellcheck source=conformance/suite/tests/_lib.sh disable=SC1091
. "$(dirname "$0")/_lib.sh"
# Set by _lib.sh's t_xrc (named here for shellcheck without -x).
t_rc=${t_rc-}

XSD="$T_TESTS/junit-ci.xsd"
SELF="$T_BUILD/bin/xrc-conformance-selftest"
PRELOAD="$T_BUILD/lib/libxensim-preload.so"

# valid NAME FILE: FILE validates; xmllint's complaints are shown if not.
valid() {
	if xmllint --noout --schema "$XSD" "$2" >"$T_WORK/$1.xmllint" 2>&1; then
		t_ok "$1: valid JUnit for CI (junit-ci.xsd)"
	else
		t_not_ok "$1: valid JUnit for CI (junit-ci.xsd)"
		grep -v 'validates$' "$T_WORK/$1.xmllint" | head -n 5 | t_diag
	fi
}

# invalid NAME FILE: the schema rejects FILE.
invalid() {
	if xmllint --noout --schema "$XSD" "$2" >"$T_WORK/$1.xmllint" 2>&1; then
		t_not_ok "the schema rejects $1"
	else
		t_ok "the schema rejects $1"
	fi
}

# count XML XPATH
count() {
	xmllint --xpath "count($2)" "$1" 2>/dev/null || echo "?"
}

if ! command -v xmllint >/dev/null 2>&1; then
	t_not_ok "xmllint is installed (libxml2-utils: scripts/deps.sh)"
	t_done
fi
t_check "the schema itself is well-formed" xmllint --noout "$XSD"

# ---- the self-test catalogue: every verdict ----
if [ -x "$SELF" ] && [ -f "$PRELOAD" ]; then
	for p in proposed linux; do
		rc=0
		XENSIM_PROFILE=proposed LD_PRELOAD="$PRELOAD" "$SELF" \
			--timeout 1 --profile "$p" --backend sim:proposed \
			--out "$T_WORK/self-$p" >"$T_WORK/self-$p.out" 2>&1 </dev/null ||
			rc=$?
		xml="$T_WORK/self-$p/results.xml"
		t_check "self-test judged as $p: results.xml written (exit $rc)" \
			test -s "$xml"
		[ -s "$xml" ] || continue
		valid "self-test judged as $p" "$xml"
		# Each verdict is there, so each element the schema checks is.
		# A PASS is a bare <testcase>.
		for e in 'not(*)' failure error skipped; do
			case $e in
			not*) n=$(count "$xml" '//testcase[not(*)]') what=PASS ;;
			*) n=$(count "$xml" "//testcase/$e") what="<$e>" ;;
			esac
			case $n in
			'' | '?' | 0) t_not_ok "self-test judged as $p: a $what"
			   t_diag "count of $e: '$n'" ;;
			*) t_ok "self-test judged as $p: a $what ($n)" ;;
			esac
		done
		t_is "self-test judged as $p: no skipped on <testsuites>" \
			"$(count "$xml" '/testsuites/@skipped')" 0
		t_is "self-test judged as $p: the skips are counted on <testsuite>" \
			"$(xmllint --xpath 'string(/testsuites/testsuite/@skipped)' "$xml")" \
			"$(count "$xml" '//testcase/skipped')"
	done

	# --format junit on stdout: the same document.
	rc=0
	XENSIM_PROFILE=proposed LD_PRELOAD="$PRELOAD" "$SELF" --timeout 1 \
		--format junit --only 'self.verdict.*' \
		>"$T_WORK/stdout.xml" 2>"$T_WORK/stdout.err" </dev/null || rc=$?
	valid "--format junit on stdout (exit $rc)" "$T_WORK/stdout.xml"

	# ---- the schema can say no ----
	xml="$T_WORK/self-proposed/results.xml"
	if [ -s "$xml" ]; then
		sed '2s/<testsuites /<testsuites skipped="4" /' "$xml" \
			>"$T_WORK/skipped-on-testsuites.xml"
		invalid 'skipped="N" on <testsuites>' "$T_WORK/skipped-on-testsuites.xml"
		sed '3s/ errors="[0-9]*"//' "$xml" >"$T_WORK/no-errors.xml"
		invalid 'a <testsuite> without errors="N"' "$T_WORK/no-errors.xml"
		sed 's/<skipped /<skipped><oops\/><\/skipped><skipped /' "$xml" \
			>"$T_WORK/element-in-skipped.xml"
		invalid 'an element inside <skipped>' "$T_WORK/element-in-skipped.xml"
	fi
else
	t_not_ok "the self-test runner and the preload are built ($SELF, $PRELOAD)"
fi

# ---- the real catalogue on the sim (through xrc run) ----
t_xrc sim run --backend sim:linux --profile proposed --out "$T_WORK/sim"
t_check "xrc run sim:linux judged as proposed: results.xml written (exit $t_rc)" \
	test -s "$T_WORK/sim/results.xml"
[ ! -s "$T_WORK/sim/results.xml" ] ||
	valid "sim:linux judged as proposed" "$T_WORK/sim/results.xml"
t_done
