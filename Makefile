# SPDX-License-Identifier: MIT
#
# xenrestrict: one Makefile tree, everything out of tree under build/.
#
#   make            build everything (libraries, preload, tests, tools)
#   make check      run every test: unit tests (plain, ASan+UBSan, TSan),
#                   the uapi ABI program under the preload for every profile
#   make bench      print the figures
#
# Build variants share the sources and differ in flags and output folder:
#   build/            plain   (-O2)
#   build/asan/       -fsanitize=address,undefined
#   build/tsan/       -fsanitize=thread (threaded tests only)

BUILD       := build
CC          ?= cc
SAN_CC      ?= clang
V           ?= 0
Q           := $(if $(filter 1,$(V)),,@)

WARN        := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
               -Wmissing-prototypes -Wno-missing-field-initializers
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -g -fPIC -fvisibility=hidden \
               -Isim/include -Isim/include/compat $(WARN)
CFLAGS      ?= -O2
ASAN_FLAGS  := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all
TSAN_FLAGS  := -O1 -fsanitize=thread

CMOCKA_LIBS := -lcmocka
THREAD_LIBS := -pthread

.PHONY: all check bench clean conformance
all:

# ---- build dependencies, checked before anything is built ----
# A machine missing one of the Debian packages scripts/deps.sh installs
# would stop on a raw compiler error.  Check first, once per build folder
# (a stamp) and again whenever scripts/deps.sh changes; the check reads
# dpkg's database only (no network), and an up-to-date stamp costs one
# test(1).  XRC_DEPS_CHECK is the command (a test stands in its own).
XRC_DEPS_CHECK ?= sh scripts/deps.sh --check
DEPS_STAMP     := $(BUILD)/.deps-checked
ifneq ($(filter-out clean distclean,$(or $(MAKECMDGOALS),all)),)
DEPS_STATE := $(shell if [ -f $(DEPS_STAMP) ] && \
	[ $(DEPS_STAMP) -nt scripts/deps.sh ]; then echo ok; \
	elif out=$$($(XRC_DEPS_CHECK) 2>&1); then \
	mkdir -p $(BUILD) && touch $(DEPS_STAMP) && echo ok; \
	else echo "$$out"; fi)
ifneq ($(DEPS_STATE),ok)
$(error a build dependency is missing ($(or $(DEPS_STATE),$(XRC_DEPS_CHECK) failed)): run scripts/deps.sh)
endif
endif

# Keep objects that pattern rules build on the way to a program.
.SECONDARY:

# Every component brings its own fragment; each adds what `make check`
# needs built to CHECK_DEPS and its tests to scripts/suites/.
CHECK_DEPS :=
include sim/sim.mk
include $(sort $(wildcard sim/*/*.mk conformance/*.mk conformance/*/*.mk \
	fuzz/*.mk vm-images/*.mk))
include $(wildcard ports/*/ports.mk) # --- ports: make ports (ports/linux-6.1/README.md) ---
# make coverage (clang source-based coverage; docs/coverage.md).
include coverage.mk
# make install, make uninstall, the version (docs/install.md).
include install.mk

check: $(CHECK_DEPS)
	$(Q)BUILD=$(BUILD) sh scripts/run-tests.sh

clean:
	rm -rf $(BUILD)

# distclean: clean, and the fuzzing campaigns' work in fuzz-work/ (corpora
# and findings, which clean keeps; an XRC_FUZZ_DIR elsewhere is left to
# its owner).
.PHONY: distclean
distclean: clean
	rm -rf fuzz-work

# Automatic header dependencies.
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
