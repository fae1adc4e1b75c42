#!/bin/sh
# SPDX-License-Identifier: MIT
# ClusterFuzzLite's (and OSS-Fuzz's) entry point, copied to $SRC/build.sh
# and run with $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE $OUT $WORK
# set, from the Dockerfile's WORKDIR, the top of the tree ("Working
# directory for build.sh":
# https://google.github.io/clusterfuzzlite/build-integration/#dockerfile).
# The build itself is fuzz/oss-fuzz-build.sh, so that make check runs the
# same script (scripts/suites/ossfuzz.sh, fuzz/oss-fuzz-check.sh).
set -eu
exec sh fuzz/oss-fuzz-build.sh
