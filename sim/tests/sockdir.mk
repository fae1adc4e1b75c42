# SPDX-License-Identifier: MIT
# sim/tests/sockdir/: another user against a world's handle sockets
# (sim/preload/DESIGN.md, "Naming").  The owner is a uapi-only client run
# under the preload; the attacker is a plain program that
# sim/tests/world-sockdir.sh (suite world) runs as nobody.

SOCKDIR_OWNER    := $(BUILD)/tests/world/xsim-sockdir-owner
SOCKDIR_ATTACKER := $(BUILD)/tests/world/xsim-sockdir-attacker

$(SOCKDIR_OWNER): $(call objs,$(BUILD),sim/tests/sockdir/owner.c)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^

$(SOCKDIR_ATTACKER): $(call objs,$(BUILD),sim/tests/sockdir/attacker.c)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^

all: $(SOCKDIR_OWNER) $(SOCKDIR_ATTACKER)

CHECK_DEPS += $(SOCKDIR_OWNER) $(SOCKDIR_ATTACKER) $(PRELOAD_SO)
