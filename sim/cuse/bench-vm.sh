#!/bin/sh
# SPDX-License-Identifier: MIT
#
# sim/cuse/bench-vm.sh: the CUSE round-trip table of `make bench`.
# xensim-cuse-bench has to run where the CUSE daemon serves real nodes,
# which is the cuse guest: one `xrc run --backend cuse-vm` (the suite,
# then xensim-cuse-bench /dev/xen, then the daemon stress check:
# vm-images/cuse/init), of which this prints only the bench's table,
# with the host's load average before and after the run (the guest's
# vCPUs are host threads under TCG: the host's load is what moves the
# figures; the table's own line has the guest's).
#
# Environment: BUILD (default build), as for scripts/xrc.  No QEMU: the
# table is skipped with a line saying so (exit 0, as make bench skips
# the QEMU-served ioreq figure).  A run that printed no table: its log's
# tail and exit 1.
set -eu

BUILD=${BUILD:-build}
log="$BUILD/results/cuse-bench.log"

if ! command -v "${XRC_QEMU:-qemu-system-x86_64}" >/dev/null 2>&1; then
	echo "CUSE round trips: skipped, no ${XRC_QEMU:-qemu-system-x86_64} (scripts/deps.sh installs qemu-system-x86)"
	exit 0
fi
mkdir -p "$BUILD/results"
loadavg() {
	cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown
}
before=$(loadavg)
rc=0
env BUILD="$BUILD" sh scripts/xrc run --backend cuse-vm --profile proposed \
	--out "$BUILD/results/cuse-bench" >"$log" 2>&1 || rc=$?
after=$(loadavg)
# The guest's lines come back as "cuse-vm...: TEXT" (scripts/xrc-lib/_vm.awk).
table=$(sed -n 's/^cuse-vm[^ ]*: //p' "$log" |
	sed -n '/^CUSE round trips /,/^goal: /p')
if [ -z "$table" ]; then
	tail -n 20 "$log" >&2
	echo "CUSE round trips: the cuse-vm run printed no table (exit $rc; log $log)" >&2
	exit 1
fi
printf '%s\n' "$table"
echo "(host load average: $before before the cuse-vm run, $after after; suite exit $rc; log $log)"
