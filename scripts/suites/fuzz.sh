# shellcheck shell=sh
# fuzz/: the corpora and regressions replayed as tests (plain gcc build and
# ASan+UBSan, every profile, with the world reset verified), the oracles
# proven on known inputs (planted defects, the lax port), then a smoke
# run of every libFuzzer target and the libFuzzer self-test.
suite_fuzz() {
	_fz_replay="$BUILD/fuzz-replay/bin"
	_fz_asan="$BUILD/fuzz-replay-asan/bin"
	_fz_planted="$BUILD/fuzz-replay-planted/bin"
	for _fz_t in privcmd evtchn gntdev gntalloc diff; do
		set -- fuzz/corpus/"$_fz_t"
		[ -d fuzz/regress/"$_fz_t" ] && set -- "$@" fuzz/regress/"$_fz_t"
		[ -x "$_fz_replay/replay-$_fz_t" ] &&
			run_one "fuzz/replay $_fz_t" "$_fz_replay/replay-$_fz_t" \
				--all-profiles --verify-reset "$@"
		[ -x "$_fz_asan/replay-$_fz_t" ] &&
			run_one "fuzz/asan/replay $_fz_t" \
				"$_fz_asan/replay-$_fz_t" --all-profiles \
				--verify-reset "$@"
	done
	# The oracles must catch what they are there for.
	if [ -x "$_fz_replay/replay-diff-lax" ]; then
		run_one "fuzz/oracle diff-lax (must find)" \
			"$_fz_replay/replay-diff-lax" --expect-finding \
			fuzz/regress/diff-lax
	fi
	# --- port-b: the Linux 6.1 port's plug-in (fuzz/ports/linux-6.1-patch.c):
	# clean on the seeds and on its regressions, and, answering exactly as
	# the 6.1 modules do, it must report each departure listed there.
	if [ -x "$_fz_replay/replay-diff-linux-6.1-patch" ]; then
		run_one "fuzz/replay diff-linux-6.1-patch" \
			"$_fz_replay/replay-diff-linux-6.1-patch" \
			fuzz/corpus/diff fuzz/regress/diff-linux-6.1-patch
		run_one "fuzz/oracle diff-linux-6.1-patch as built (must find)" \
			env XRC_LINUX61_AS_BUILT=1 \
			"$_fz_replay/replay-diff-linux-6.1-patch" --expect-finding \
			fuzz/regress/diff-linux-6.1-patch
	fi
	# --- end port-b ---
	for _fz_p in dm-op-nr3:privcmd mmapbatch-v2:privcmd \
		evtchn-interdomain:evtchn evtchn-reset:evtchn; do
		_fz_plant=${_fz_p%%:*}
		_fz_t=${_fz_p#*:}
		[ -x "$_fz_planted/replay-$_fz_t" ] || continue
		run_one "fuzz/oracle planted $_fz_plant (must find)" \
			env XENSIM_PLANT="$_fz_plant" \
			"$_fz_planted/replay-$_fz_t" --expect-finding \
			fuzz/regress/planted/"$_fz_plant"
		# The same inputs on the real build: no finding.
		[ -x "$_fz_replay/replay-$_fz_t" ] &&
			run_one "fuzz/oracle unplanted $_fz_plant (clean)" \
				"$_fz_replay/replay-$_fz_t" --all-profiles \
				fuzz/regress/planted/"$_fz_plant"
	done
	# libFuzzer: a few seconds per target, then the self-test (each
	# planted defect found from an empty corpus within 60 s).
	# Their corpora and findings go under the build folder, not into an
	# operator's fuzz-work/.
	if [ -x "$BUILD/fuzz/bin/fuzz-privcmd" ]; then
		run_one "fuzz/smoke" env BUILD="$BUILD" \
			XRC_FUZZ_DIR="$BUILD/fuzz-work-check" sh scripts/xrc fuzz \
			--smoke --time 3
		run_one "fuzz/selftest" env BUILD="$BUILD" \
			XRC_FUZZ_DIR="$BUILD/fuzz-work-check" sh scripts/xrc \
			fuzz --selftest
	fi
}
