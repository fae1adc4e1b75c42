# shellcheck shell=sh
# SPDX-License-Identifier: MIT
#
# /lib/xrc/fidfuzz.sh: sourced by the xen image's /init when the kernel
# command line has xrc.fidfuzz=1 (`scripts/xrc fidelity --fuzz`,
# scripts/xrc-lib/fidelity.sh).  The host ships it, /bin/xrc-replay-real
# and the programs (/fidfuzz/NNNN, their TARGET:FILE arguments in
# /fidfuzz/args) in one more archive appended to the image.  The target
# guests are made as for the suite (xrc-vm-domains: HVM 1, 2 and PV 3 on a
# fresh machine), every program runs through the real drivers, and the
# transcript comes back as the run's report (results.fuzz.txt).

xrc_fidfuzz_run() {
	mkdir -p /tmp/out
	{ [ -x /bin/xrc-replay-real ] && [ -s /fidfuzz/args ]; } ||
		xrc_fail "fidelity fuzz: no xrc-replay-real or no programs in the image"
	xrc_stage "fidelity fuzz: $(wc -l </fidfuzz/args) programs on the real drivers"
	XRC_RC=0
	# shellcheck disable=SC2016 # expanded by the inner shell
	xrc-vm-domains -- sh -c 'xargs xrc-replay-real --seed </fidfuzz/args' \
		>/tmp/out/results.fuzz.txt 2>/tmp/out/results.fuzz.err ||
		XRC_RC=$?
	# Which domains the programs met (xrc-vm-domains says it first).
	head -n 1 /tmp/out/results.fuzz.txt
	echo "@@XRC-VERDICT rc=$XRC_RC@@"
	echo "@@XRC-REPORTS-BEGIN@@"
	tar -C /tmp/out -cf - . | gzip -9 | base64
	echo "@@XRC-REPORTS-END@@"
	xrc_end "$XRC_RC"
}
