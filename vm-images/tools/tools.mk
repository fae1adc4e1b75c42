# SPDX-License-Identifier: MIT
# vm-images/tools/: small programs the VM images run inside the guest
# (included from vm-images/vm.mk, after conformance/clients/clients.mk,
# whose libfixture they link).
#
#   build/bin/xrc-vm-domains   creates the suite's paused target domains
#                              in a real dom0, then runs the suite

VMTOOLS_DOMAINS_SRCS := vm-images/tools/domains.c
VMTOOLS_DOMAINS      := $(BUILD)/bin/xrc-vm-domains

$(call objs,$(BUILD),$(VMTOOLS_DOMAINS_SRCS)): BASE_CFLAGS += $(LIBFIXTURE_INC)

$(VMTOOLS_DOMAINS): $(call objs,$(BUILD),$(VMTOOLS_DOMAINS_SRCS)) $(LIBFIXTURE)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ -lxenctrl -lxenforeignmemory -lxengnttab $(THREAD_LIBS)

all: $(VMTOOLS_DOMAINS)
