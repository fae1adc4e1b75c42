# shellcheck shell=sh
# The conformance suite's own tests (conformance/suite/tests/*.sh): the suite can
# fail (Linux vs the proposal, planted defects), every profile's sim passes
# its own column, skips give 77, and scripts/xrc's command line.
suite_conformance_selftest() {
	for t in conformance/suite/tests/*.sh; do
		case $(basename "$t") in
		_*) continue ;;
		esac
		run_one "conformance/suite/selftest/$(basename "$t" .sh)" sh "$t"
	done
}
