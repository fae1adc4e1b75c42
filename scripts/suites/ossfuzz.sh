# shellcheck shell=sh
# The OSS-Fuzz/ClusterFuzzLite build (fuzz/oss-fuzz-build.sh, which
# .clusterfuzzlite/build.sh runs): built with the builder's variables for
# libFuzzer+ASan into $BUILD/oss-fuzz/out, its seed corpora, dictionaries
# and .options checked, and every target run for a few thousand inputs
# from its unzipped seeds (fuzz/oss-fuzz-check.sh; docs/fuzzing.md).
suite_ossfuzz() {
	run_one "fuzz/oss-fuzz build and run" env BUILD="$BUILD" \
		sh fuzz/oss-fuzz-check.sh
}
