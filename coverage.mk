# SPDX-License-Identifier: MIT
# make coverage: clang's source-based coverage of the sim, the preload,
# the conformance runner and the fuzz harness, from the suite on the sim
# under every profile and the fuzz corpora replayed (docs/coverage.md).
# Included from the top-level Makefile.
#
#   build/cov/          the instrumented build: the plain variant's rules
#                       (sim/sim.mk, conformance/suite/suite.mk,
#                       fuzz/fuzz.mk) run by a sub-make with BUILD=build/cov
#                       and a CC that instruments every compile and link
#   build/coverage/     the profiles, the runs' logs, and per component
#                       (sim/dev sim/machine sim/preload conformance fuzz)
#                       COMPONENT/index.html and COMPONENT/summary.txt;
#                       unreached.txt lists what the audit code
#                       (sim/dev/audit.c, sim/dev/profiles.c) never ran
#   make bench          adds the line and region coverage of sim/dev/
#
# -runtime-counter-relocation lets LLVM_PROFILE_FILE's %c (continuous
# mode) work on Linux: the counters live in the mmapped profile, so the
# runner's test processes, which fork and end in _exit() without the
# runtime's atexit write, still count (clang's SourceBasedCodeCoverage
# documentation, "Running the instrumented program").

COV_BUILD   := $(BUILD)/cov
COV_CC      := $(SAN_CC) -fprofile-instr-generate -fcoverage-mapping
COV_CFLAGS  := -O1 -mllvm -runtime-counter-relocation
COV_REPLAYS := $(patsubst %,$(COV_BUILD)/fuzz-replay/bin/replay-%,$(FUZZ_DEV_TARGETS) diff)
COV_BINS    := $(COV_BUILD)/bin/xrc-conformance \
               $(COV_BUILD)/lib/libxensim-preload.so $(COV_REPLAYS)

.PHONY: coverage coverage-build
# A sub-make, so that every rule and per-file flag of the plain variant
# applies unchanged; CC carries the instrumentation to the links too.
coverage-build:
	$(Q)$(MAKE) --no-print-directory BUILD=$(COV_BUILD) CC="$(COV_CC)" \
		CFLAGS="$(COV_CFLAGS)" $(COV_BINS)

coverage: coverage-build
	$(Q)BUILD=$(BUILD) sh scripts/coverage.sh

bench:: coverage
	$(Q)BUILD=$(BUILD) sh scripts/coverage.sh --figures

# make check builds it (a few seconds once, nothing after), so that the
# instrumented build keeps compiling; the runs stay in make coverage.
CHECK_DEPS += coverage-build
