# shellcheck shell=sh
# conformance/: the runner's self-test (build/bin/xrc-conformance-selftest
# on the sim: verdicts, exit codes, reports, timeouts, --jobs).  It reports
# a failure itself when the binaries are not built.
suite_conformance() {
	run_one "conformance/suite/runner-selftest" \
		env BUILD="$BUILD" sh conformance/suite/selftest/run.sh
}
