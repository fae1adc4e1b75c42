# SPDX-License-Identifier: MIT
# sim/tools/world*: named worlds (sim/WORLDS.md).  Included from the
# top-level Makefile after sim/sim.mk, whose variant rules build objects.
#
#   build/bin/xensim-world            start/status/list/stop/gc (xrc sim)
#   build/tests/world/xsim-world-client   a libxenctrl client for the
#                                     two-process tests (scripts/suites/world.sh)
#   build/bin/xensim-bench-named      `make bench`: one ioctl on a named world

WORLD_TOOL_SRCS   := $(sort $(wildcard sim/tools/world_*.c))
WORLD_CLIENT_SRCS := sim/tools/client_world.c
WORLD_BENCH_SRCS  := sim/tools/bench_named.c sim/bench/measure.c

WORLD_TOOL   := $(BUILD)/bin/xensim-world
WORLD_CLIENT := $(BUILD)/tests/world/xsim-world-client
WORLD_BENCH  := $(BUILD)/bin/xensim-bench-named

$(WORLD_TOOL): $(call objs,$(BUILD),$(WORLD_TOOL_SRCS)) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(THREAD_LIBS)

# GNU C for <xenctrl.h> (as conformance/clients/clients.mk).
$(call objs,$(BUILD),$(WORLD_CLIENT_SRCS)): BASE_CFLAGS += -std=gnu11
$(WORLD_CLIENT): $(call objs,$(BUILD),$(WORLD_CLIENT_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ -lxenctrl -lxenevtchn -lxentoollog

$(WORLD_BENCH): $(call objs,$(BUILD),$(WORLD_BENCH_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(THREAD_LIBS)

all: $(WORLD_TOOL) $(WORLD_CLIENT) $(WORLD_BENCH)

CHECK_DEPS += $(WORLD_TOOL) $(WORLD_CLIENT) $(PRELOAD_SO)

# One ioctl through the preload on a named world, next to a private one
# (the same mechanism: the figures should agree).
bench:: $(WORLD_BENCH) $(WORLD_TOOL) $(PRELOAD_SO)
	@echo "Named worlds: one ioctl, private vs named (ns/op: median, best, worst; ratio to native)"
	$(Q)name=bench-$$$$; \
	$(WORLD_TOOL) start --name $$name >/dev/null || exit 1; \
	LD_PRELOAD=$(abspath $(PRELOAD_SO)) $(WORLD_BENCH) private; \
	XENSIM_WORLD_NAME=$$name LD_PRELOAD=$(abspath $(PRELOAD_SO)) \
		$(WORLD_BENCH) "named ($$name)"; rc=$$?; \
	$(WORLD_TOOL) stop $$name >/dev/null; exit $$rc
