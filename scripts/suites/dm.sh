# shellcheck shell=sh
# Debian's unmodified QEMU (qemu-system-xen 7.2) as the restricted device
# model of an HVM guest on the sim (`xrc dm`, conformance/dm/README.md):
# one guest alone, then with a second guest present that QEMU must leave
# alone; in each, QEMU serves 8 injected ioreqs (build/bin/xensim-ioreq)
# after restricting.
# In the second, a vkbd device (backend in QEMU) is present from the start
# (`--pv-backend=before`, as libxl writes it): after restricting, QEMU
# opens fresh evtchn handles for it and closes them at once; the report
# must show them as FINDINGs (the contract's "a new open() bypasses it")
# while the run passes (conformance/dm/README.md).
# Under the freebsd profile (no evtchn restrict) QEMU cannot restrict
# itself: `xrc dm` must say FAIL.
# Skipped with the reason when QEMU or Debian's xenstored is not available.
# Then the report's judgement against made-up effect logs (a fresh handle
# after the restrict is a FINDING, another domain a FAIL), plain and ASan.

# _dm_expect_finding CMD...: CMD's TAP (an `xrc dm --tap` run), plus one
# line: its report showed a fresh unrestricted handle as a FINDING and no
# FAIL.  The plan moves to the end, one larger.
_dm_expect_finding() {
	_dm_out=$(mktemp) || return 1
	_dm_rc=0
	"$@" >"$_dm_out" 2>&1 || _dm_rc=$?
	grep -v '^1\.\.[0-9][0-9]*$' "$_dm_out" || true
	_dm_plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$_dm_out" | head -n 1)
	_dm_k=$((${_dm_plan:-0} + 1))
	_dm_nf=$(grep -c '^# FINDING: .*fresh handle unrestricted' "$_dm_out" ||
		true)
	if ! grep -q '^# summary: ' "$_dm_out" &&
		grep -q '^ok [0-9]* # SKIP' "$_dm_out"; then
		echo "ok $_dm_k # SKIP the run was skipped"
	elif [ "$_dm_nf" -gt 0 ] &&
		grep -q '^# summary: 0 FAIL, [1-9][0-9]* FINDING$' "$_dm_out"; then
		echo "ok $_dm_k - report: $_dm_nf fresh unrestricted handles after the restrict, FINDINGs not FAILs"
	else
		echo "not ok $_dm_k - report: no FINDING for a fresh unrestricted handle after the restrict"
	fi
	echo "1..$_dm_k"
	rm -f "$_dm_out"
	return "$_dm_rc"
}

# _dm_expect_fail CMD...: one TAP test: CMD (an `xrc dm` run) ended with
# the FAIL verdict (exit 1) because QEMU could not restrict itself.
_dm_expect_fail() {
	_dm_out=$(mktemp) || return 1
	_dm_rc=0
	"$@" >"$_dm_out" 2>&1 || _dm_rc=$?
	echo "1..1"
	grep -E '^xrc dm: ' "$_dm_out" | sed 's/^/# /'
	if [ "$_dm_rc" = 1 ] &&
		grep -q '^xrc dm: QEMU could not restrict itself' "$_dm_out"; then
		echo "ok 1 - xrc dm: FAIL, QEMU could not restrict itself"
	else
		echo "not ok 1 - expected the FAIL verdict for a backend QEMU cannot restrict on (exit $_dm_rc)"
	fi
	rm -f "$_dm_out"
}

suite_dm() {
	_dm_q=/usr/libexec/xen-qemu-system-i386
	_dm_n=8
	for _dm_case in "one-guest 0" "two-guests 1 --pv-backend=before"; do
		# shellcheck disable=SC2086 # split on purpose: name, count, flags
		set -- $_dm_case
		_dm_name=$1 _dm_o=$2
		shift 2
		if [ ! -x "$_dm_q" ]; then
			run_one "dm/$_dm_name" printf '1..1\nok 1 # SKIP %s\n' \
				"no $_dm_q (Debian: qemu-system-xen)"
			continue
		fi
		_dm_wrap=
		[ $# -gt 0 ] && _dm_wrap=_dm_expect_finding
		run_one "dm/$_dm_name" $_dm_wrap env BUILD="$BUILD" sh \
			scripts/xrc dm --qemu "$_dm_q" --restrict \
			--others "$_dm_o" --ioreqs "$_dm_n" --timeout 90 --tap "$@"
	done
	# A backend with no evtchn restrict (the freebsd profile) must be
	# caught: QEMU cannot restrict itself there and `xrc dm` says FAIL.
	if [ -x "$_dm_q" ]; then
		run_one "dm/cannot-restrict (freebsd)" _dm_expect_fail \
			env BUILD="$BUILD" sh scripts/xrc dm --qemu "$_dm_q" \
			--restrict --profile freebsd --timeout 90
	fi
	for _dm_t in "$BUILD/tests/dmreport/test_judge" \
		"$BUILD/asan/tests/dmreport/test_judge"; do
		case $_dm_t in
		*/asan/*) _dm_name=dm/asan/judge ;;
		*) _dm_name=dm/judge ;;
		esac
		run_one "$_dm_name" env CMOCKA_MESSAGE_OUTPUT=TAP "$_dm_t"
	done
}
