# SPDX-License-Identifier: MIT
# The conformance suite's own tests (conformance/suite/tests/, run by the
# conformance_selftest suite of scripts/run-tests.sh) drive scripts/xrc:
# they need the runner, the sim's preload and its planted-defect variant.
CHECK_DEPS += $(if $(wildcard conformance/suite/runner/*.c),$(BUILD)/bin/xrc-conformance) \
	      $(PRELOAD_SO) $(PLANTED_PRELOAD_SO)
