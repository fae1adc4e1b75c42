# SPDX-License-Identifier: MIT
# Fidelity fuzzing (`scripts/xrc fidelity --fuzz`, docs/fuzzing.md):
#
#   $(BUILD)/bin/xrc-replay-real   runs fuzz programs through real system
#                                  calls on /dev/xen/* (fuzz/real/),
#                                  in the xen-vm dom0 and, under the
#                                  preload, on the host
#   $(BUILD)/fidelity-plant/lib/libxensim-preload.so
#                                  the preload with one cell of the linux
#                                  profile changed (FIDELITY_PLANT_SED), for
#                                  the self-test that the check can fail
#
# The executor links only the fuzz harness's decoder and argument
# builders (no sim): the same bytes make the same calls on both sides.

REPLAY_REAL      := $(BUILD)/bin/xrc-replay-real
REPLAY_REAL_SRCS := $(sort $(wildcard fuzz/real/*.c)) fuzz/src/input.c fuzz/src/arena.c \
		    fuzz/src/decode.c fuzz/src/build.c \
		    $(sort $(wildcard fuzz/src/build_*.c))

$(call objs,$(BUILD),$(REPLAY_REAL_SRCS)): BASE_CFLAGS += $(FUZZ_INC)

$(REPLAY_REAL): $(call objs,$(BUILD),$(REPLAY_REAL_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^

all: $(REPLAY_REAL)
CHECK_DEPS += $(REPLAY_REAL)

# The planted cell: linux's privcmd MMAPBATCH_V2 rule for another domain
# answers ENOSYS instead of Linux's (sim/dev/profiles.c, table_LINUX, is
# copied and edited here; the source is never changed).
FIDELITY_PLANT_DIR := $(BUILD)/fidelity-plant
FIDELITY_PLANT_SO  := $(FIDELITY_PLANT_DIR)/lib/libxensim-preload.so

$(FIDELITY_PLANT_DIR)/profiles.c: sim/dev/profiles.c fuzz/fidelity-plant.sed
	@mkdir -p $(dir $@)
	@echo "  PLANT   $@"
	$(Q)sed -f fuzz/fidelity-plant.sed sim/dev/profiles.c >$@.tmp
	$(Q)if cmp -s sim/dev/profiles.c $@.tmp; then \
		echo "fuzz/fidelity-plant.sed changed nothing in sim/dev/profiles.c" >&2; \
		rm -f $@.tmp; exit 1; fi
	$(Q)mv $@.tmp $@

$(FIDELITY_PLANT_DIR)/profiles.o: $(FIDELITY_PLANT_DIR)/profiles.c
	@echo "  CC      $@"
	$(Q)$(CC) $(BASE_CFLAGS) -Isim/dev $(CFLAGS) -c $< -o $@

$(FIDELITY_PLANT_SO): $(call objs,$(BUILD),$(PRELOAD_SRCS)) $(BUILD)/lib/libxensim.a \
		$(FIDELITY_PLANT_DIR)/profiles.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)cp $(BUILD)/lib/libxensim.a $(FIDELITY_PLANT_DIR)/libxensim.a
	$(Q)ar d $(FIDELITY_PLANT_DIR)/libxensim.a profiles.o
	$(Q)ar r $(FIDELITY_PLANT_DIR)/libxensim.a $(FIDELITY_PLANT_DIR)/profiles.o
	$(Q)$(CC) -shared -o $@ $(call objs,$(BUILD),$(PRELOAD_SRCS)) \
		-Wl,--whole-archive $(FIDELITY_PLANT_DIR)/libxensim.a -Wl,--no-whole-archive \
		-Wl,-z,defs -Wl,-z,now $(THREAD_LIBS) -ldl

CHECK_DEPS += $(FIDELITY_PLANT_SO)
