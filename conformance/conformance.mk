# SPDX-License-Identifier: MIT
# conformance/: the contract suite.  Until the catalogue and scripts/xrc
# land, the main job checks the embedded sim, behaving as the 2016
# proposal, through the uapi ABI check under the preload.

.PHONY: conformance
conformance: $(ABI_BIN) $(PRELOAD_SO)
	$(Q)XENSIM_PROFILE=proposed LD_PRELOAD=$(abspath $(PRELOAD_SO)) $(ABI_BIN)
