# shellcheck shell=sh
# Debian's unmodified QEMU (qemu-system-xen 7.2) as the restricted device
# model of an HVM guest on the sim (`xrc dm`, sim/DM.md): one guest alone,
# then with a second guest present that QEMU must leave alone; in each,
# QEMU serves 8 injected ioreqs (build/bin/xensim-ioreq) after restricting;
# in the second, a vkbd device (backend in QEMU) also appears after QEMU
# restricted, which QEMU can no longer see (its xenstore is cut, sim/DM.md).
# Skipped with the reason when QEMU or Debian's xenstored is not available.
# Then the report's judgement against made-up effect logs (a fresh handle
# after the restrict is a FINDING, another domain a FAIL), plain and ASan.
suite_dm() {
	_dm_q=/usr/libexec/xen-qemu-system-i386
	_dm_n=8
	for _dm_case in "one-guest 0" "two-guests 1 --pv-backend"; do
		# shellcheck disable=SC2086 # split on purpose: name, count, flags
		set -- $_dm_case
		_dm_name=$1 _dm_o=$2
		shift 2
		if [ ! -x "$_dm_q" ]; then
			run_one "dm/$_dm_name" printf '1..1\nok 1 # SKIP %s\n' \
				"no $_dm_q (Debian: qemu-system-xen)"
			continue
		fi
		run_one "dm/$_dm_name" env BUILD="$BUILD" sh scripts/xrc dm \
			--qemu "$_dm_q" --restrict --others "$_dm_o" \
			--ioreqs "$_dm_n" --timeout 90 --tap "$@"
	done
	for _dm_t in "$BUILD/tests/dmreport/test_judge" \
		"$BUILD/asan/tests/dmreport/test_judge"; do
		case $_dm_t in
		*/asan/*) _dm_name=dm/asan/judge ;;
		*) _dm_name=dm/judge ;;
		esac
		run_one "$_dm_name" env CMOCKA_MESSAGE_OUTPUT=TAP "$_dm_t"
	done
}
