# shellcheck shell=sh
# `xrc faults` (docs/faults.md): every real-client program (Debian's
# libxen* 4.17, and libfixture through test_libfixture) swept over the
# sim's failure points under the ASan preload, at most FAULTS_MAX points
# per site so that the sweep stays within CI's budget; then `xrc dm`
# (Debian's QEMU, start-up through "running", restricted, profile
# proposed), at most FAULTS_DM_MAX points per site.  A crash, hang or
# escape not in conformance/clients/faults.known fails it; silent
# successes are listed.  One TAP line per program; its table goes to the
# log ($BUILD/test-logs/).
FAULTS_MAX=${FAULTS_MAX:-3}
FAULTS_DM_MAX=${FAULTS_DM_MAX:-3}

# faults_tap LABEL XRC-FAULTS-ARGS...: one sweep as one TAP test.
faults_tap() {
	_ft_label=$1
	shift
	echo "1..1"
	_ft_rc=0
	BUILD="$BUILD" sh scripts/xrc faults "$@" || _ft_rc=$?
	if [ "$_ft_rc" -eq 0 ]; then
		echo "ok 1 - faults $_ft_label"
	else
		echo "not ok 1 - faults $_ft_label (xrc faults exit $_ft_rc)"
	fi
}

suite_faults() {
	for t in "$BUILD"/tests/clients/test_*; do
		[ -x "$t" ] || continue
		run_one "faults/$(basename "$t")" faults_tap "$(basename "$t")" \
			--max "$FAULTS_MAX" --timeout 60 -- "$t"
	done
	# xrc dm joins the sweep's world (the hook in scripts/xrc-lib/dm.sh):
	# about 16 runs of 2 to 3 s.  Skipped as scripts/suites/dm.sh skips.
	_ft_q=/usr/libexec/xen-qemu-system-i386
	if [ ! -x "$_ft_q" ]; then
		run_one "faults/xrc-dm" printf '1..1\nok 1 # SKIP %s\n' \
			"no $_ft_q (Debian: qemu-system-xen)"
	elif [ ! -x "$BUILD/dm/xenstored" ]; then
		run_one "faults/xrc-dm" printf '1..1\nok 1 # SKIP %s\n' \
			"no $BUILD/dm/xenstored (Debian's, fetched by make)"
	else
		run_one "faults/xrc-dm" faults_tap xrc-dm --profile proposed \
			--name xrc-dm --max "$FAULTS_DM_MAX" --timeout 90 -- \
			sh scripts/xrc dm --qemu "$_ft_q" --restrict --timeout 60
	fi
	# The sweep's own checks: a bad command line, a broken run.
	run_one "faults/cli" env BUILD="$BUILD" sh sim/tests/faults-cli.sh
}
