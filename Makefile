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

# Keep objects that pattern rules build on the way to a program.
.SECONDARY:

# Every component brings its own fragment; each adds what `make check`
# needs built to CHECK_DEPS and its tests to scripts/suites/.
CHECK_DEPS :=
include sim/sim.mk
include $(sort $(wildcard sim/*/*.mk conformance/*.mk conformance/*/*.mk \
	fuzz/*.mk vm-images/*.mk))

check: $(CHECK_DEPS)
	$(Q)BUILD=$(BUILD) sh scripts/run-tests.sh

clean:
	rm -rf $(BUILD)

# Automatic header dependencies.
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
