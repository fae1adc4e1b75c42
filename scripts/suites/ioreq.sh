# shellcheck shell=sh
# The ioreq injector's command line (sim/tools/ioreq.c) against its fake
# device model, plain and ASan+UBSan.  The injector's unit tests
# (test_ioreq_inject) run in suite sim.
suite_ioreq() {
	for t in "$BUILD/bin/xensim-ioreq" "$BUILD/asan/bin/xensim-ioreq"; do
		[ -x "$t" ] || continue
		case $t in
		*/asan/*) label=ioreq/asan/cli ;;
		*) label=ioreq/cli ;;
		esac
		run_one "$label" sh sim/tools/ioreq-cli-check.sh "$t"
	done
}
