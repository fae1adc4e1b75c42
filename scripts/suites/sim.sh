# shellcheck shell=sh
# The sim: unit tests (plain, ASan+UBSan, TSan), the transport check and
# the uapi ABI check under the preload for every profile.
suite_sim() {
	for t in "$BUILD"/tests/sim/test_*; do
		[ -x "$t" ] && run_one "sim/$(basename "$t")" "$t"
	done
	for t in "$BUILD"/asan/tests/sim/test_*; do
		[ -x "$t" ] && run_one "sim/asan/$(basename "$t")" "$t"
	done
	for t in "$BUILD"/tsan/tests/sim/tsan_*; do
		[ -x "$t" ] && run_one "sim/tsan/$(basename "$t")" "$t"
	done
	if [ -x "$BUILD/bin/xsim-preload-check" ]; then
		run_one "sim/preload-check" env LD_PRELOAD="$PRELOAD" \
			"$BUILD/bin/xsim-preload-check"
	fi
	if [ -x "$BUILD/asan/bin/xsim-preload-check" ]; then
		run_one "sim/asan/preload-check" env LD_PRELOAD="$ASAN_PRELOAD" \
			"$BUILD/asan/bin/xsim-preload-check"
	fi
	if [ -x "$BUILD/bin/xsim-abi-check" ]; then
		for p in $PROFILES; do
			run_one "sim/abi-check profile=$p" env XENSIM_PROFILE="$p" \
				LD_PRELOAD="$PRELOAD" "$BUILD/bin/xsim-abi-check"
		done
		run_one "sim/abi-check profile=linux-xsa482 domU" \
			env XENSIM_PROFILE=linux-xsa482 XENSIM_CALLER_DOMID=1 \
			LD_PRELOAD="$PRELOAD" "$BUILD/bin/xsim-abi-check"
	fi
	if [ -x "$BUILD/asan/bin/xsim-abi-check" ]; then
		for p in proposed linux; do
			run_one "sim/asan/abi-check profile=$p" \
				env XENSIM_PROFILE="$p" LD_PRELOAD="$ASAN_PRELOAD" \
				"$BUILD/asan/bin/xsim-abi-check"
		done
	fi
}

