# SPDX-License-Identifier: MIT
# sim/tests/corrupt/: a client that damages a named world under itself and
# checks that its calls fail with EIO and one message (sim/WORLDS.md, "A
# corrupted world").  Uapi only, run under the preload; plain and ASan, as
# the preload's own check (sim/sim.mk).  Driven by sim/tests/world-corrupt.sh
# (suite world).

CORRUPT_SRCS := sim/tests/corrupt/world_corrupt.c
CORRUPT_BIN      := $(BUILD)/tests/world/xsim-world-corrupt
CORRUPT_BIN_ASAN := $(BUILD)/asan/tests/world/xsim-world-corrupt

$(CORRUPT_BIN): $(call objs,$(BUILD),$(CORRUPT_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^

$(CORRUPT_BIN_ASAN): $(call objs,$(BUILD)/asan,$(CORRUPT_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -shared-libasan -o $@ $^ $(ASAN_RT_RPATH)

all: $(CORRUPT_BIN)

CHECK_DEPS += $(CORRUPT_BIN) $(CORRUPT_BIN_ASAN) $(PRELOAD_SO) $(ASAN_PRELOAD_SO)
