# shellcheck shell=sh
# The sim: unit tests (plain, ASan+UBSan, TSan), the transport check and
# the uapi ABI check under the preload for every profile.

# sim_abi_check COMMAND...: run xsim-abi-check.  For a profile (or caller)
# it has no column for it prints TAP's skip-all plan, "1..0 # SKIP why",
# and exits 0; run_one counts only "ok ... # SKIP" lines and would call
# that "ran no test", so it is restated as one skipped case.  A subshell,
# so that run_one's variables stay its own.
sim_abi_check() (
	rc=0
	out=$("$@" 2>&1) || rc=$?
	printf '%s\n' "$out"
	why=$(printf '%s\n' "$out" | sed -n 's/^1\.\.0 # SKIP //p')
	if [ "$rc" -eq 0 ] && [ -n "$why" ]; then
		printf 'ok 1 - xsim-abi-check # SKIP %s\n' "$why"
	fi
	exit "$rc"
)

# sim_abi_runs LABEL PROGRAM PRELOAD: every profile of the list
# ($PROFILES, from `xrc profiles`): each (profile, caller) the program has
# expectations for (its --runs), and one skipped run for a profile it has
# none for, which says so.
sim_abi_runs() {
	_runs=$("$2" --runs) || _runs=""
	for p in $PROFILES; do
		_callers=$(printf '%s\n' "$_runs" | awk -v p="$p" '$1 == p { print $2 }')
		[ -n "$_callers" ] || _callers=0
		for c in $_callers; do
			_label="$1 profile=$p"
			[ "$c" = 0 ] || _label="$_label domU $c"
			run_one "$_label" sim_abi_check env XENSIM_PROFILE="$p" \
				XENSIM_CALLER_DOMID="$c" LD_PRELOAD="$3" "$2"
		done
	done
}

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
	# The bad-pointer checks (sim/tests/preload/t_efault.c) have another
	# process of a named world make a call after each bad one: give them
	# a world of their own (without one, they use a forked process of a
	# private world, which shares the machine lock the same way).
	efault_world=""
	if [ -x "$BUILD/bin/xensim-world" ] &&
		"$BUILD/bin/xensim-world" start --name "efault-$$" --profile linux \
			>/dev/null 2>&1; then
		efault_world="efault-$$"
	fi
	if [ -x "$BUILD/bin/xsim-preload-check" ]; then
		run_one "sim/preload-check" env LD_PRELOAD="$PRELOAD" \
			XSIM_CHECK_WORLD_NAME="$efault_world" \
			"$BUILD/bin/xsim-preload-check"
	fi
	if [ -x "$BUILD/asan/bin/xsim-preload-check" ]; then
		run_one "sim/asan/preload-check" env LD_PRELOAD="$ASAN_PRELOAD" \
			XSIM_CHECK_WORLD_NAME="$efault_world" \
			"$BUILD/asan/bin/xsim-preload-check"
	fi
	if [ -n "$efault_world" ]; then
		"$BUILD/bin/xensim-world" stop "$efault_world" >/dev/null 2>&1 || true
	fi
	if [ -x "$BUILD/bin/xsim-abi-check" ]; then
		sim_abi_runs "sim/abi-check" "$BUILD/bin/xsim-abi-check" \
			"$PRELOAD"
	fi
	if [ -x "$BUILD/asan/bin/xsim-abi-check" ]; then
		sim_abi_runs "sim/asan/abi-check" \
			"$BUILD/asan/bin/xsim-abi-check" "$ASAN_PRELOAD"
	fi
}
