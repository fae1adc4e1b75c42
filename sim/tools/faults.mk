# SPDX-License-Identifier: MIT
# sim/tools/fail_check.c: what `xrc faults` reads from a world after a run
# (docs/faults.md).  Included from the top-level Makefile after sim/sim.mk,
# whose variant rules build objects.
#
#   build/bin/xensim-fail-check   hits per failure point, escapes

FAIL_CHECK := $(BUILD)/bin/xensim-fail-check

$(FAIL_CHECK): $(call objs,$(BUILD),sim/tools/fail_check.c) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(THREAD_LIBS)

all: $(FAIL_CHECK)

# The faults suite (scripts/suites/faults.sh) sweeps the client programs
# under the ASan preload.
CHECK_DEPS += $(FAIL_CHECK) $(ASAN_PRELOAD_SO)
