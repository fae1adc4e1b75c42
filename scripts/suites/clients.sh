# shellcheck shell=sh
# Debian's unmodified libxen* 4.17 as clients of the sim: every program of
# conformance/clients/ under the preload, for the linux profile (what a
# real dom0 answers) and the proposed one; the ASan builds with the ASan
# preload.
suite_clients() {
	for t in "$BUILD"/tests/clients/test_*; do
		[ -x "$t" ] || continue
		for p in linux proposed; do
			run_one "clients/$(basename "$t") profile=$p" \
				env XENSIM_PROFILE="$p" LD_PRELOAD="$PRELOAD" "$t"
		done
	done
	for t in "$BUILD"/asan/tests/clients/test_*; do
		[ -x "$t" ] || continue
		for p in linux proposed; do
			run_one "clients/asan/$(basename "$t") profile=$p" \
				env XENSIM_PROFILE="$p" LD_PRELOAD="$ASAN_PRELOAD" "$t"
		done
	done
}
