# shellcheck shell=sh
# `xrc faults` (docs/faults.md): every real-client program (Debian's
# libxen* 4.17, and libfixture through test_libfixture) swept over the
# sim's failure points under the ASan preload, at most FAULTS_MAX points
# per site so that the sweep stays within CI's budget.  A crash, hang or
# escape not in conformance/clients/faults.known fails it; silent
# successes are listed.  One TAP line per program; its table goes to the
# log ($BUILD/test-logs/).
FAULTS_MAX=${FAULTS_MAX:-3}

# faults_tap PROGRAM: the sweep of one program as one TAP test.
faults_tap() {
	echo "1..1"
	_ft_rc=0
	BUILD="$BUILD" sh scripts/xrc faults --max "$FAULTS_MAX" \
		--timeout 60 -- "$1" || _ft_rc=$?
	if [ "$_ft_rc" -eq 0 ]; then
		echo "ok 1 - faults $(basename "$1")"
	else
		echo "not ok 1 - faults $(basename "$1") (xrc faults exit $_ft_rc)"
	fi
}

suite_faults() {
	for t in "$BUILD"/tests/clients/test_*; do
		[ -x "$t" ] || continue
		run_one "faults/$(basename "$t")" faults_tap "$t"
	done
	# The sweep's own checks: a bad command line, a broken run.
	run_one "faults/cli" env BUILD="$BUILD" sh sim/tests/faults-cli.sh
}
