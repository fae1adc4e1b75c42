# SPDX-License-Identifier: MIT
# conformance/: the contract catalogue and its runner.  Included from the
# top-level Makefile (after sim/sim.mk, whose variant rules build objects).
#
#   build/bin/xrc-conformance           the catalogue + runner + fixture +
#                                       bodies, linked with Debian's libxen*
#   build/bin/xrc-conformance-selftest  the same runner over a tiny catalogue
#                                       of bodies that pass, fail, skip, error,
#                                       crash and hang (conformance/suite/selftest/)
#
# The runner judges any backend through the device ABI and libxen* only:
# nothing here links libxensim.

XRC_RUNNER_SRCS   := $(sort $(wildcard conformance/suite/runner/*.c conformance/suite/setup/*.c))
XRC_BODY_SRCS     := $(sort $(wildcard conformance/suite/bodies/*.c))
XRC_SRCS          := conformance/suite/catalogue.c $(XRC_RUNNER_SRCS) $(XRC_BODY_SRCS)
XRC_SELFTEST_SRCS := $(sort $(wildcard conformance/suite/selftest/*.c))

XRC_BIN           := $(BUILD)/bin/xrc-conformance
XRC_SELFTEST_BIN  := $(BUILD)/bin/xrc-conformance-selftest

# The library-level bodies (rows/lib.rows) call Debian's libraries.
XRC_LIBS := -lxenctrl -lxenforeignmemory -lxenevtchn -lxengnttab \
	    -lxendevicemodel -lxentoolcore -lxencall

XRC_OBJS          := $(call objs,$(BUILD),$(XRC_SRCS))
XRC_SELFTEST_OBJS := $(call objs,$(BUILD),$(XRC_RUNNER_SRCS) $(XRC_SELFTEST_SRCS))
# The runner under ASan+UBSan (clang), checked by the self-test too.
XRC_SELFTEST_ASAN      := $(BUILD)/asan/bin/xrc-conformance-selftest
XRC_SELFTEST_ASAN_OBJS := $(call objs,$(BUILD)/asan,$(XRC_RUNNER_SRCS) $(XRC_SELFTEST_SRCS))

# The suite's headers; the variant rule's recipe sees this at build time.
# The profile list is data shared with the sim (<xensim/profile-list.h>,
# already on the include path); nothing here links libxensim.
$(sort $(XRC_OBJS) $(XRC_SELFTEST_OBJS) $(XRC_SELFTEST_ASAN_OBJS)): \
	BASE_CFLAGS += -Iconformance/suite/include

# Every rows/<area>.rows, listed for catalogue.c: adding a row file is
# adding the file.  Rewritten only when the list changes, so that a
# rebuild follows a new or removed file and nothing else.  catalogue.c
# finds rows.inc in the build folder and the row files through
# -Iconformance/suite, so diagnostics name conformance/suite/rows/<area>.rows:LINE.
# -ftrack-macro-expansion=0 puts a row's cell errors at that line.
XRC_ROWS     := $(sort $(wildcard conformance/suite/rows/*.rows))
XRC_ROWS_INC := $(BUILD)/gen/conformance/suite/rows.inc
XRC_CATALOGUE_OBJ := $(call objs,$(BUILD),conformance/suite/catalogue.c)

$(XRC_ROWS_INC): FORCE
	@mkdir -p $(dir $@)
	$(Q)for f in $(XRC_ROWS); do echo "#include \"$${f#conformance/suite/}\""; done >$@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

# The bodies' prototypes (bodies/bodies.h) come from the same list.
XRC_ROWS_READERS := $(XRC_CATALOGUE_OBJ) $(call objs,$(BUILD),$(XRC_BODY_SRCS))
$(XRC_ROWS_READERS): $(XRC_ROWS_INC)
$(XRC_ROWS_READERS): BASE_CFLAGS += -I$(dir $(XRC_ROWS_INC)) -Iconformance/suite
$(XRC_CATALOGUE_OBJ): BASE_CFLAGS += \
	$(if $(findstring clang,$(CC)),-fmacro-backtrace-limit=1,-ftrack-macro-expansion=0)

.PHONY: FORCE
FORCE:

$(XRC_BIN): $(XRC_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(XRC_LIBS)

$(XRC_SELFTEST_BIN): $(XRC_SELFTEST_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^

$(XRC_SELFTEST_ASAN): $(XRC_SELFTEST_ASAN_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -shared-libasan $(ASAN_RT_RPATH) -o $@ $^

all: $(XRC_BIN) $(XRC_SELFTEST_BIN)

# The runner's self-tests drive the sim through the preload.
XRC_CHECK_DEPS := $(XRC_BIN) $(XRC_SELFTEST_BIN) $(PRELOAD_SO) \
		  $(XRC_SELFTEST_ASAN) $(ASAN_PRELOAD_SO)
CHECK_DEPS += $(XRC_CHECK_DEPS)

.PHONY: check-conformance
check-conformance: $(XRC_CHECK_DEPS)
	$(Q)BUILD=$(BUILD) sh scripts/run-tests.sh conformance

# The main job: the catalogue against the sim behaving as the proposal.
# scripts/xrc picks the preload and the report folder
# (build/results/sim-proposed/); without it, the same by hand.
conformance: $(XRC_BIN) $(PRELOAD_SO)
	$(Q)if [ -f scripts/xrc ]; then \
		BUILD=$(BUILD) sh scripts/xrc run --backend sim --profile proposed; \
	else \
		XENSIM_PROFILE=proposed LD_PRELOAD=$(abspath $(PRELOAD_SO)) \
			$(XRC_BIN) --backend sim:proposed --profile proposed \
			--out $(BUILD)/results/sim-proposed; \
	fi

# ---- xrc-report-html (issue 15): results.tsv files -> one HTML page ----
# `xrc report --format html` runs it; the runner's own results.html comes
# from the same conformance/suite/runner/report_html.c (only libc: the
# program links nothing else of the runner).  The ASan build is for
# conformance/suite/tests/html-report.sh's bad-input checks.
XRC_HTML_SRCS      := conformance/suite/report-html/main.c \
		      conformance/suite/runner/report_html.c
XRC_HTML_BIN       := $(BUILD)/bin/xrc-report-html
XRC_HTML_ASAN      := $(BUILD)/asan/bin/xrc-report-html

$(XRC_HTML_BIN): $(call objs,$(BUILD),$(XRC_HTML_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^

$(XRC_HTML_ASAN): $(call objs,$(BUILD)/asan,$(XRC_HTML_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -shared-libasan $(ASAN_RT_RPATH) -o $@ $^

all: $(XRC_HTML_BIN)
CHECK_DEPS += $(XRC_HTML_BIN) $(XRC_HTML_ASAN)
# ---- end xrc-report-html ----
