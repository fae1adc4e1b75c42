#!/bin/sh
# SPDX-License-Identifier: MIT
# The HTML report (results.html of every run, `xrc report --format html`,
# build/bin/xrc-report-html): one truth (the runner's page is the
# program's page of the same results.tsv), self-contained, everything
# escaped, bad input refused with exit 2 (also under ASan+UBSan), and the
# page as a browser renders it: Debian's chromium, headless, dumps the DOM
# after the page's JS ran; it must hold every assertion ID, and the
# filters given in the URL fragment (only=fail, area=..., differ=1) must
# leave exactly the rows they promise visible.  A screenshot is kept when
# a check fails.  Skipped (with the reason) only if chromium cannot start.
set -eu
# shellcheck source=conformance/suite/tests/_lib.sh disable=SC1091
. "$(dirname "$0")/_lib.sh"
# Set by _lib.sh's t_xrc (named here for shellcheck without -x).
t_rc=${t_rc-}

BIN="$T_BUILD/bin/xrc-report-html"
ASAN_BIN="$T_BUILD/asan/bin/xrc-report-html"
SELF="$T_BUILD/bin/xrc-conformance-selftest"
PRELOAD="$T_BUILD/lib/libxensim-preload.so"

if [ ! -x "$BIN" ] || [ ! -x "$SELF" ] || [ ! -f "$PRELOAD" ]; then
	t_not_ok "built: $BIN, $SELF, $PRELOAD (make)"
	t_done
fi

# self NAME ARGS...: the self-test catalogue on the sim, reports in
# $T_WORK/NAME (it has PASS, FAIL, SKIP and ERROR rows).
self() {
	_n=$1
	shift
	XENSIM_PROFILE=proposed LD_PRELOAD="$PRELOAD" "$SELF" --timeout 1 \
		--backend sim:proposed --out "$T_WORK/$_n" "$@" \
		>"$T_WORK/$_n.out" 2>&1 </dev/null || true
}

# ids TSV...: every assertion ID in the files, sorted, once.
ids() {
	awk -F'\t' '!/^#/ && NF > 1 { print $1 }' "$@" | sort -u
}

self p --profile proposed
self l --profile linux
for r in p l; do
	t_check "the runner writes results.html beside results.tsv ($r)" \
		test -s "$T_WORK/$r/results.html"
done

# ---- one truth: the runner's page is the program's page of its TSV ----
rc=0
"$BIN" "$T_WORK/p/results.tsv" >"$T_WORK/p-prog.html" 2>"$T_WORK/p-prog.err" ||
	rc=$?
t_is "xrc-report-html RESULTS.tsv: exit 0" "$rc" 0
t_check "results.html is what xrc-report-html makes of results.tsv" \
	cmp -s "$T_WORK/p-prog.html" "$T_WORK/p/results.html"
rc=0
"$BIN" "$T_WORK/p" >"$T_WORK/p-dir.html" 2>/dev/null || rc=$?
t_check "a run's folder reads as its results.tsv (exit $rc)" \
	cmp -s "$T_WORK/p-dir.html" "$T_WORK/p/results.html"

# ---- xrc report --format html ----
t_xrc report-html report --format html "$T_WORK/p" "$T_WORK/l" \
	--out "$T_WORK/merged.html"
t_is "xrc report --format html DIR DIR --out FILE: exit 0" "$t_rc" 0
"$BIN" "$T_WORK/p" "$T_WORK/l" >"$T_WORK/merged-prog.html" 2>/dev/null || true
t_check "xrc report --format html is xrc-report-html's page" \
	cmp -s "$T_WORK/merged.html" "$T_WORK/merged-prog.html"
t_xrc report-html2 report --format=html "$T_WORK/p" "$T_WORK/l"
t_check "--format=html to stdout: the same page" \
	cmp -s "$T_WORK/report-html2.out" "$T_WORK/merged.html"
t_xrc report-bad report --format pdf "$T_WORK/p"
t_is "xrc report --format pdf: exit 2" "$t_rc" 2
t_xrc report-nodir report --format html "$T_WORK/nonexistent"
t_is "xrc report --format html on a folder without results: exit 2" "$t_rc" 2
t_xrc report-md report --format md "$T_WORK/p"
t_is "xrc report --format md is the Markdown matrix (exit 0)" \
	"$t_rc:$(grep -c '^| ' "$T_WORK/report-md.out" || true)" \
	"0:$(($(ids "$T_WORK/p/results.tsv" | grep -c .) + 2))"

# ---- what the page holds ----
page="$T_WORK/merged.html"
t_is "the page loads nothing (no src, href, link, @import or url())" \
	"$(grep -ciE ' (src|href)=|<link|@import|url\(' "$page" || true)" 0
t_check "a Content-Security-Policy forbids any other source" \
	grep -qF "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\"" "$page"
t_is "one script, inline" "$(grep -c '<script' "$page" || true)" 1
missing=
for id in $(ids "$T_WORK/p/results.tsv" "$T_WORK/l/results.tsv"); do
	grep -qF "data-id=\"$id\"" "$page" || missing="$missing $id"
done
t_is "a row per assertion ID of both runs" "$missing" ""

# A run that names its kernel and Xen (the runner's --meta lines), and a
# statement and source full of markup; first, as the first run to state a
# row names it.
awk -F'\t' -v OFS='\t' '
	/^# fixture:/ { print; print "# kernel: 6.1.0-test <b>&"; print "# xen: 4.17.5"; next }
	/^#/ { print; next }
	$1 == "self.verdict.fail" {
		$7 = "<script>alert(\"x\")</script> & '\''q'\''"
		$8 = "<img src=x onerror=alert(1)>"
	}
	{ print }' "$T_WORK/l/results.tsv" >"$T_WORK/meta.tsv"
rc=0
"$BIN" "$T_WORK/meta.tsv" "$T_WORK/p" --out "$T_WORK/meta.html" \
	2>"$T_WORK/meta.err" || rc=$?
t_is "a TSV with kernel, xen and markup: exit 0" "$rc" 0
t_check "the column head names the kernel (escaped)" \
	grep -qF '<div class="k">kernel 6.1.0-test &lt;b&gt;&amp;</div>' "$T_WORK/meta.html"
t_check "the column head names Xen" \
	grep -qF '<div class="k">Xen 4.17.5</div>' "$T_WORK/meta.html"
t_check "the statement is escaped" \
	grep -qF '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;' "$T_WORK/meta.html"
t_is "no markup from the TSV gets through" \
	"$(grep -c '<script>alert\|<img' "$T_WORK/meta.html" || true)" 0

# ---- bad input: exit 2 and one line saying why, plain and ASan ----
printf '' >"$T_WORK/empty.tsv"
printf '# id\tverdict\nself.x\tMAYBE\n' >"$T_WORK/badverdict.tsv"
printf '# id\tverdict\nself.x\tPASS\nself.x\tFAIL\n' >"$T_WORK/twice.tsv"
printf '# id\tobserved\nself.x\t0\n' >"$T_WORK/noverdict.tsv"
printf 'x\0y\n' >"$T_WORK/nul.tsv"
# bad NAME WANT-IN-MESSAGE ARGS...
bad() {
	_name=$1 _want=$2
	shift 2
	for _b in "$BIN" "$ASAN_BIN"; do
		[ -x "$_b" ] || continue
		_rc=0
		ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:verify_asan_link_order=0} \
			"$_b" "$@" >"$T_WORK/bad.out" 2>"$T_WORK/bad.err" || _rc=$?
		_tag=$([ "$_b" = "$BIN" ] && echo plain || echo ASan)
		if [ "$_rc" = 2 ] && [ "$(grep -c . "$T_WORK/bad.err")" -le 2 ] &&
		   grep -qF -- "$_want" "$T_WORK/bad.err" &&
		   ! grep -qE 'Sanitizer|runtime error' "$T_WORK/bad.err"; then
			t_ok "$_name ($_tag): exit 2, says '$_want'"
		else
			t_not_ok "$_name ($_tag): exit 2, says '$_want'"
			t_diag "exit $_rc"
			t_diag <"$T_WORK/bad.err"
		fi
	done
}
bad "no argument" "no run given"
bad "an unknown option" "unknown option --bogus" --bogus "$T_WORK/p"
bad "--out without a value" "--out needs a value" "$T_WORK/p" --out
bad "a missing file" "cannot read $T_WORK/nope.tsv" "$T_WORK/nope.tsv"
bad "an empty file" "empty: not a results.tsv" "$T_WORK/empty.tsv"
bad "a bad verdict" "badverdict.tsv:2: not PASS, FAIL, SKIP or ERROR: MAYBE" \
	"$T_WORK/badverdict.tsv"
bad "an ID twice" "twice.tsv:3: a second line for self.x" "$T_WORK/twice.tsv"
bad "no verdict column" "the header names no 'verdict' column" \
	"$T_WORK/noverdict.tsv"
bad "a NUL byte" "a NUL byte" "$T_WORK/nul.tsv"
bad "an unwritable --out" "cannot write $T_WORK/no/such/dir/x.html" \
	"$T_WORK/p" --out "$T_WORK/no/such/dir/x.html"
if [ -x "$ASAN_BIN" ]; then
	_rc=0
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:verify_asan_link_order=0} \
		"$ASAN_BIN" "$T_WORK/meta.tsv" "$T_WORK/p" >"$T_WORK/asan.html" \
		2>"$T_WORK/asan.err" || _rc=$?
	t_check "ASan: two runs rendered, exit 0, no report (exit $_rc)" \
		sh -c "[ $_rc = 0 ] && cmp -s '$T_WORK/asan.html' '$T_WORK/meta.html' &&
			! grep -qE 'Sanitizer|runtime error' '$T_WORK/asan.err'"
else
	t_not_ok "built: $ASAN_BIN"
fi

# ---- in a real browser ----
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
# browse OUT ARGS...: chromium headless, its stdout in OUT.
browse() {
	_o=$1
	shift
	HOME="$T_WORK/home" XDG_CONFIG_HOME="$T_WORK/home" \
	XDG_CACHE_HOME="$T_WORK/home" timeout 120 "$CHROMIUM" --headless \
		--no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$T_WORK/chromium-profile" \
		"$@" >"$_o" 2>>"$T_WORK/chromium.err" </dev/null
}
# shown DOM: the IDs of the rows the page's filters left visible.
shown() {
	sed -n 's/.*<tr class="row" data-id="\([^"]*\)"[^>]*data-shown="yes".*/\1/p' \
		"$1" | sort
}
# dom NAME FRAGMENT: the DOM after the page's JS ran, in $T_WORK/NAME.dom.
dom() {
	browse "$T_WORK/$1.dom" --virtual-time-budget=5000 \
		--dump-dom "file://$page$2" || true
}

mkdir -p "$T_WORK/home"
if [ -z "$CHROMIUM" ]; then
	t_skip "chromium is not installed (scripts/deps.sh installs it)" \
		"the page in a browser"
	t_done
fi
printf '<!DOCTYPE html><title>t</title><p id=p>ok</p>\n' >"$T_WORK/probe.html"
if ! browse "$T_WORK/probe.dom" --dump-dom "file://$T_WORK/probe.html" ||
   ! grep -q 'id="p"' "$T_WORK/probe.dom"; then
	t_skip "chromium cannot start: $(grep -v '^\[' "$T_WORK/chromium.err" | head -n 1)" \
		"the page in a browser"
	t_done
fi

ALL=$(ids "$T_WORK/p/results.tsv" "$T_WORK/l/results.tsv")
dom all ""
t_check "rendered: the page's script ran" grep -qF 'data-ready="yes"' "$T_WORK/all.dom"
t_is "rendered: every assertion ID is there and shown" \
	"$(shown "$T_WORK/all.dom")" "$ALL"

# Rows with a FAIL or an ERROR in either run.
want=$(awk -F'\t' '!/^#/ && ($2 == "FAIL" || $2 == "ERROR") { print $1 }' \
	"$T_WORK/p/results.tsv" "$T_WORK/l/results.tsv" | sort -u)
dom only "#only=fail"
t_is "rendered #only=fail: exactly the rows with a FAIL or ERROR" \
	"$(shown "$T_WORK/only.dom")" "$want"
t_is "rendered #only=fail: the others are hidden" \
	"$(grep -c '<tr class="row"[^>]*data-shown="no" hidden' "$T_WORK/only.dom" || true)" \
	"$(($(printf '%s\n' "$ALL" | grep -c .) - $(printf '%s\n' "$want" | grep -c .)))"
t_check "rendered #only=fail: the box is ticked" \
	grep -qE '<label><input type="checkbox" id="f-only"' "$T_WORK/only.dom"

dom area "#area=self.crash"
t_is "rendered #area=self.crash: that group's rows only" \
	"$(shown "$T_WORK/area.dom")" "$(printf '%s\n' "$ALL" | grep '^self\.crash\.')"

# Rows whose verdict or observed outcome differs between the two runs.
want=$(awk -F'\t' '!/^#/ && NF > 2 {
		k = $2 " " $3
		if (FILENAME == ARGV[1]) a[$1] = k
		else if (!($1 in a) || a[$1] != k) print $1
		seen[$1]++
	}
	END { for (i in seen) if (seen[i] < 2) print i }' \
	"$T_WORK/p/results.tsv" "$T_WORK/l/results.tsv" | sort -u)
dom differ "#differ=1"
t_is "rendered #differ=1: exactly the rows that differ ($(printf '%s\n' "$want" | grep -c .))" \
	"$(shown "$T_WORK/differ.dom")" "$want"

dom both "#only=fail&area=self.verdict"
t_is "rendered #only=fail&area=self.verdict: both filters" \
	"$(shown "$T_WORK/both.dom")" \
	"$(shown "$T_WORK/only.dom" | grep '^self\.verdict\.')"

page="$T_WORK/meta.html"
dom meta ""
t_check "rendered with markup in a statement: the script still ran" \
	grep -qF 'data-ready="yes"' "$T_WORK/meta.dom"
t_is "rendered with markup in a statement: no element came from it" \
	"$(grep -c '<img\|<script>alert' "$T_WORK/meta.dom" || true)" 0

page="$T_WORK/merged.html"
browse "$T_WORK/browse.out" --screenshot="$T_WORK/page.png" \
	--window-size=1400,900 "file://$page" || true
t_check "a screenshot (PNG) of the page" \
	sh -c "head -c 8 '$T_WORK/page.png' | grep -q PNG"

# ---- the real catalogue: the runner's own results.html, rendered ----
t_xrc sim run --backend sim:linux --profile proposed --out "$T_WORK/sim"
if [ -s "$T_WORK/sim/results.html" ]; then
	page="$T_WORK/sim/results.html"
	dom sim "#only=fail"
	t_is "sim:linux judged as proposed, rendered #only=fail: its FAIL and ERROR rows" \
		"$(shown "$T_WORK/sim.dom")" \
		"$(awk -F'\t' '!/^#/ && ($2 == "FAIL" || $2 == "ERROR") { print $1 }' \
			"$T_WORK/sim/results.tsv" | sort)"
	missing=
	for id in $(ids "$T_WORK/sim/results.tsv"); do
		grep -qF "data-id=\"$id\"" "$T_WORK/sim.dom" || missing="$missing $id"
	done
	t_is "sim:linux judged as proposed, rendered: every assertion ID" "$missing" ""
else
	t_not_ok "xrc run sim:linux writes results.html (exit $t_rc)"
fi
t_done
