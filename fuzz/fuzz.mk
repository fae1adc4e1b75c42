# SPDX-License-Identifier: MIT
# fuzz/: libFuzzer campaigns on the argument audits.  Included from the
# top-level Makefile (after sim/sim.mk, whose SIM_LIB_SRCS it reuses).
#
# Variants (each compiles its own copy of the sim with its flags):
#   build/fuzz/         clang, libFuzzer + ASan + UBSan    build/fuzz/bin/fuzz-T
#   build/fuzz-nosan/   clang, libFuzzer only (figures)    build/fuzz-nosan/bin/fuzz-T
#   build/fuzz-planted/ as build/fuzz/, -DXSIM_PLANTED     (xrc fuzz --selftest)
#   replay (no libFuzzer), over the sim's own libraries:
#   build/fuzz-replay/bin/replay-T          gcc, build/lib/libxensim.a
#   build/fuzz-replay-asan/bin/replay-T     clang ASan+UBSan, build/asan/lib/
#   build/fuzz-replay-planted/bin/replay-T  gcc, build/planted/lib/
#
# T: privcmd evtchn gntdev gntalloc (the devices), diff (the reference
# port against the reference), diff-lax (fuzz/ports/lax.c).
#
#   make fuzz                 the libFuzzer binaries
#   make fuzz-port PORT=x.c   build/fuzz/bin/fuzz-diff-x for your port
#   make bench                adds the fuzz figures (scripts/xrc fuzz --figures)
#   make fuzz-seeds           rewrite the seeds (fuzz/corpus/), the oracle
#                             self-test inputs (fuzz/regress/planted/,
#                             fuzz/regress/diff-lax/) and fuzz/dict/ with
#                             build/bin/fuzz-mkseeds (fuzz/tools/mkseeds.c)

FUZZ_CC         ?= clang
FUZZ_TARGETS    := privcmd evtchn gntdev gntalloc diff diff-lax
FUZZ_DEV_TARGETS := privcmd evtchn gntdev gntalloc
FUZZ_SRCS       := $(sort $(wildcard fuzz/src/*.c))
FUZZ_INC        := -Ifuzz/include
FUZZ_COMMON     := -O2 -g -fno-omit-frame-pointer
FUZZ_SAN_FLAGS  := $(FUZZ_COMMON) -fsanitize=address,undefined \
                   -fno-sanitize-recover=all
FUZZ_LINK_SAN   := -fsanitize=fuzzer,address,undefined
FUZZ_LINK_NOSAN := -fsanitize=fuzzer

FUZZ_DIR         := $(BUILD)/fuzz
FUZZ_NOSAN_DIR   := $(BUILD)/fuzz-nosan
FUZZ_PLANTED_DIR := $(BUILD)/fuzz-planted
REPLAY_DIR         := $(BUILD)/fuzz-replay
REPLAY_ASAN_DIR    := $(BUILD)/fuzz-replay-asan
REPLAY_PLANTED_DIR := $(BUILD)/fuzz-replay-planted

# The objects a target needs besides the library: entry, port, harness.
fuzz_entry = fuzz/targets/$(if $(filter diff%,$(1)),diff,$(1)).c \
	$(if $(filter diff,$(1)),fuzz/ports/reference.c) \
	$(if $(filter diff-lax,$(1)),fuzz/ports/lax.c)

# ---- compile rules: $(1) dir, $(2) compiler, $(3) flags
define fuzz_compile
$(1)/obj/%.o: %.c
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$@"
	$$(Q)$(2) $$(BASE_CFLAGS) $$(FUZZ_INC) $(3) $$(FUZZ_COV) -MMD -MP -c $$< -o $$@
endef

# Coverage feedback where the audits are (sim/dev, the harness); the
# machine behind them runs uninstrumented, which keeps libFuzzer's
# per-input bookkeeping small (see docs/figures.md).
# The harness (fuzz/src) is not instrumented either: its branches are
# the builders' choices, which the device code's coverage already shows,
# and every instrumented edge costs libFuzzer time on every input.
# Within sim/dev, fuzz/coverage-scope.txt leaves out the machinery every
# call runs (record vectors, handle lookups) and the files no target
# reaches: FUZZ_COV_SCOPE= instruments all of sim/dev again.
FUZZ_COV_SCOPE ?= -fsanitize-coverage-ignorelist=fuzz/coverage-scope.txt
FUZZ_COV := -fsanitize=fuzzer-no-link $(FUZZ_COV_SCOPE)
$(foreach d,$(FUZZ_DIR) $(FUZZ_NOSAN_DIR) $(FUZZ_PLANTED_DIR),\
  $(eval $(d)/obj/sim/machine/%.o: FUZZ_COV := $$(FUZZ_MACHINE_COV))\
  $(eval $(d)/obj/fuzz/src/%.o: FUZZ_COV := $$(FUZZ_HARNESS_COV)))
$(foreach d,$(REPLAY_DIR) $(REPLAY_ASAN_DIR),$(eval $(d)/obj/%.o: FUZZ_COV :=))
# A change of scope recompiles what it scopes.
$(foreach d,$(FUZZ_DIR) $(FUZZ_NOSAN_DIR) $(FUZZ_PLANTED_DIR),\
  $(eval $(call objs,$(d),$(filter sim/dev/%,$(SIM_LIB_SRCS))): fuzz/coverage-scope.txt))

$(eval $(call fuzz_compile,$(FUZZ_DIR),$(FUZZ_CC),$(FUZZ_SAN_FLAGS)))
$(eval $(call fuzz_compile,$(FUZZ_NOSAN_DIR),$(FUZZ_CC),$(FUZZ_COMMON)))
$(eval $(call fuzz_compile,$(FUZZ_PLANTED_DIR),$(FUZZ_CC),$(FUZZ_SAN_FLAGS) -DXSIM_PLANTED))
$(eval $(call fuzz_compile,$(REPLAY_DIR),$(CC),$(CFLAGS)))
$(eval $(call fuzz_compile,$(REPLAY_ASAN_DIR),$(SAN_CC),$(ASAN_FLAGS)))

# ---- libFuzzer binaries: $(1) dir, $(2) target, $(3) link flags
define fuzz_binary
$(1)/bin/fuzz-$(2): $(call objs,$(1),$(call fuzz_entry,$(2)) $(FUZZ_SRCS) $(SIM_LIB_SRCS))
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	$$(Q)$$(FUZZ_CC) $(3) -o $$@ $$^ $$(THREAD_LIBS)
endef

$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_binary,$(FUZZ_DIR),$(t),$(FUZZ_LINK_SAN))))
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_binary,$(FUZZ_NOSAN_DIR),$(t),$(FUZZ_LINK_NOSAN))))
$(foreach t,privcmd evtchn,$(eval $(call fuzz_binary,$(FUZZ_PLANTED_DIR),$(t),$(FUZZ_LINK_SAN))))

# ---- replay binaries: $(1) out dir, $(2) obj dir, $(3) library,
# $(4) target, $(5) linker and flags
define fuzz_replay
$(1)/bin/replay-$(4): $(call objs,$(2),fuzz/replay/main.c $(call fuzz_entry,$(4)) $(FUZZ_SRCS)) $(3)
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	$$(Q)$(5) -o $$@ $$^ $$(THREAD_LIBS)
endef

$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_replay,$(REPLAY_DIR),$(REPLAY_DIR),$(BUILD)/lib/libxensim.a,$(t),$$(CC))))
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_replay,$(REPLAY_ASAN_DIR),$(REPLAY_ASAN_DIR),$(BUILD)/asan/lib/libxensim.a,$(t),$$(SAN_CC) $$(ASAN_FLAGS))))
$(foreach t,privcmd evtchn,$(eval $(call fuzz_replay,$(REPLAY_PLANTED_DIR),$(REPLAY_DIR),$(BUILD)/planted/lib/libxensim.a,$(t),$$(CC))))

FUZZ_BINS         := $(patsubst %,$(FUZZ_DIR)/bin/fuzz-%,$(FUZZ_TARGETS))
FUZZ_NOSAN_BINS   := $(patsubst %,$(FUZZ_NOSAN_DIR)/bin/fuzz-%,$(FUZZ_TARGETS))
FUZZ_PLANTED_BINS := $(patsubst %,$(FUZZ_PLANTED_DIR)/bin/fuzz-%,privcmd evtchn)
FUZZ_REPLAYS      := $(patsubst %,$(REPLAY_DIR)/bin/replay-%,$(FUZZ_TARGETS)) \
                     $(patsubst %,$(REPLAY_ASAN_DIR)/bin/replay-%,$(FUZZ_TARGETS)) \
                     $(patsubst %,$(REPLAY_PLANTED_DIR)/bin/replay-%,privcmd evtchn)

.PHONY: fuzz fuzz-port
fuzz: $(FUZZ_BINS) $(FUZZ_NOSAN_BINS) $(FUZZ_PLANTED_BINS) $(FUZZ_REPLAYS)

all: $(patsubst %,$(REPLAY_DIR)/bin/replay-%,$(FUZZ_TARGETS))

# make check: corpus replays (plain, ASan), the oracle self-tests on
# known inputs, a smoke run of every target and xrc fuzz --selftest.
CHECK_DEPS += $(FUZZ_REPLAYS) $(FUZZ_BINS) $(FUZZ_PLANTED_BINS)

# ---- a port of your own: make fuzz-port PORT=path/to/port.c
ifneq ($(PORT),)
FUZZ_PORT_NAME := $(basename $(notdir $(PORT)))
FUZZ_PORT_OBJ  := $(FUZZ_DIR)/port-obj/$(FUZZ_PORT_NAME).o
FUZZ_PORT_BIN  := $(FUZZ_DIR)/bin/fuzz-diff-$(FUZZ_PORT_NAME)
$(FUZZ_PORT_OBJ): $(PORT)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_INC) $(FUZZ_SAN_FLAGS) -MMD -MP -c $< -o $@
$(FUZZ_PORT_BIN): $(FUZZ_PORT_OBJ) $(call objs,$(FUZZ_DIR),fuzz/targets/diff.c $(FUZZ_SRCS) $(SIM_LIB_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_LINK_SAN) -o $@ $^ $(THREAD_LIBS)
fuzz-port: $(FUZZ_PORT_BIN)
else
fuzz-port:
	@echo "usage: make fuzz-port PORT=path/to/port.c" >&2; exit 2
endif

bench:: $(FUZZ_BINS) $(FUZZ_NOSAN_BINS)
	$(Q)BUILD=$(BUILD) sh scripts/xrc fuzz --figures

# ---- the seed generator: a host program, no sanitizer.  It takes the
# profiles (names, stable codes, devices) from the sim's library.  It
# writes relative to its argument; make runs it from the top of the tree.
FUZZ_MKSEEDS := $(BUILD)/bin/fuzz-mkseeds
$(FUZZ_MKSEEDS): fuzz/tools/mkseeds.c $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -MMD -MP -MF $@.d -MT $@ -o $@ $^ \
		$(THREAD_LIBS)

# Built with everything, so that it keeps compiling as the encoding moves.
all: $(FUZZ_MKSEEDS)

.PHONY: fuzz-seeds
fuzz-seeds: $(FUZZ_MKSEEDS)
	$(Q)$(FUZZ_MKSEEDS) .

# --- port-b: fuzz/ports/linux-6.1-patch.c, the Linux 6.1 port's audit ---
# diff-linux-6.1-patch: the differential target with the plug-in that
# restates ports/linux-6.1/patches (docs/fuzzing.md, "The Linux 6.1
# port").  The libFuzzer binary is the one `xrc fuzz --port
# fuzz/ports/linux-6.1-patch.c` builds (make fuzz-port); the replay runs
# its regressions in make check (scripts/suites/fuzz.sh).
FUZZ_LINUX61 := diff-linux-6.1-patch
FUZZ_LINUX61_SRC := fuzz/ports/linux-6.1-patch.c
$(eval $(call fuzz_replay,$(REPLAY_DIR),$(REPLAY_DIR),$(BUILD)/lib/libxensim.a,$(FUZZ_LINUX61),$$(CC)))
$(REPLAY_DIR)/bin/replay-$(FUZZ_LINUX61): $(call objs,$(REPLAY_DIR),$(FUZZ_LINUX61_SRC))
ifneq ($(notdir $(PORT)),$(notdir $(FUZZ_LINUX61_SRC)))
$(eval $(call fuzz_binary,$(FUZZ_DIR),$(FUZZ_LINUX61),$(FUZZ_LINK_SAN)))
$(FUZZ_DIR)/bin/fuzz-$(FUZZ_LINUX61): $(call objs,$(FUZZ_DIR),$(FUZZ_LINUX61_SRC))
fuzz: $(FUZZ_DIR)/bin/fuzz-$(FUZZ_LINUX61)
endif
all: $(REPLAY_DIR)/bin/replay-$(FUZZ_LINUX61)
CHECK_DEPS += $(REPLAY_DIR)/bin/replay-$(FUZZ_LINUX61)
# --- end port-b ---
