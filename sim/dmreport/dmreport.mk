# SPDX-License-Identifier: MIT
# sim/dmreport/: xensim-dm-report, which reads one process's effects out of
# a world (before and after its first restrict) for `xrc dm`.

DM_REPORT_SRCS := sim/dmreport/dm_report.c sim/dmreport/judge.c
DM_REPORT      := $(BUILD)/bin/xensim-dm-report

$(DM_REPORT): $(call objs,$(BUILD),$(DM_REPORT_SRCS)) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(THREAD_LIBS)

all: $(DM_REPORT)
CHECK_DEPS += $(DM_REPORT)

# The judgement against made-up effect logs (a fresh handle after the
# restrict, a touch of another domain, no restrict at all), plain and
# ASan+UBSan; scripts/suites/dm.sh runs them.
DM_JUDGE_TEST      := $(BUILD)/tests/dmreport/test_judge
DM_JUDGE_TEST_ASAN := $(BUILD)/asan/tests/dmreport/test_judge

$(DM_JUDGE_TEST): $(call objs,$(BUILD),sim/dmreport/test_judge.c sim/dmreport/judge.c) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(CMOCKA_LIBS) $(THREAD_LIBS)

$(DM_JUDGE_TEST_ASAN): $(call objs,$(BUILD)/asan,sim/dmreport/test_judge.c sim/dmreport/judge.c) $(BUILD)/asan/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -o $@ $^ $(CMOCKA_LIBS) $(THREAD_LIBS)

CHECK_DEPS += $(DM_JUDGE_TEST) $(DM_JUDGE_TEST_ASAN)
