# shellcheck shell=sh
# ports/: the 2016 contract as a patch series for Linux 6.1's Xen drivers
# (ports/linux-6.1/README.md).  `make check` builds the modules (CHECK_DEPS
# in ports/linux-6.1/ports.mk); these tests check what was built, boot it
# in the xen-vm image judged by proposed (it must conform: exit 0), compare
# it with sim:proposed (xrc fidelity --port), and boot Debian's own drivers
# judged the same way (they must still depart where they always did).
# No QEMU is a failure, not a skip: deps.sh installs it.

PORTS_PORT=linux-6.1
PORTS_DRIVERS="xen-privcmd xen-evtchn xen-gntdev xen-gntalloc"

# ports_is N DESC GOT WANT: one TAP test point comparing two strings.
ports_is() {
	if [ "$3" = "$4" ]; then
		echo "ok $1 - $2"
	else
		echo "not ok $1 - $2"
		echo "#   got:  $3"
		echo "#   want: $4"
	fi
}

# ports_fails DIR: the IDs a run FAILed, sorted, one a line.
ports_fails() {
	awk -F '\t' '!/^#/ && $2 == "FAIL" { print $1 }' "$1/results.tsv" 2>/dev/null |
		LC_ALL=C sort
}

# ports_build: make ports, then each module: there, the driver it claims
# to be, built for the pinned kernel (vermagic equal to the pinned image's
# own module's), and the series: every patch listed, each a mailing-list
# patch (a "xen/DRIVER:" subject, a Signed-off-by).
ports_build() {
	_pb_dir="$BUILD/ports/$PORTS_PORT"
	_pb_rel=$(sed -n 's/^linux-image-\([^=]*\)=.*/\1/p' vm-images/packages.pin)
	_pb_stage="$BUILD/vm/stage/modules/$_pb_rel/kernel/drivers/xen"
	echo "1..13"
	_pb_t0=$(date +%s)
	_pb_rc=0
	make -s BUILD="$BUILD" ports >"$LOGS/ports-make.out" 2>&1 || _pb_rc=$?
	sed 's/^/# /' "$LOGS/ports-make.out" | tail -n 10
	ports_is 1 "make ports: exit 0 ($(($(date +%s) - _pb_t0)) s; log $LOGS/ports-make.out)" "$_pb_rc" 0
	_pb_n=1
	for _pb_m in $PORTS_DRIVERS; do
		_pb_f="$_pb_dir/$_pb_m.ko"
		_pb_n=$((_pb_n + 1))
		ports_is "$_pb_n" "$_pb_m.ko: modinfo name" \
			"$(modinfo -F name "$_pb_f" 2>/dev/null | tr _ -)" "$_pb_m"
		_pb_n=$((_pb_n + 1))
		ports_is "$_pb_n" "$_pb_m.ko: vermagic is the pinned kernel's ($_pb_rel), as Debian's $_pb_m.ko" \
			"$(modinfo -F vermagic "$_pb_f" 2>/dev/null)" \
			"$(modinfo -F vermagic "$_pb_stage/$_pb_m.ko" 2>/dev/null || echo "no $_pb_stage/$_pb_m.ko")"
	done
	_pb_n=$((_pb_n + 1))
	_pb_listed=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "ports/$PORTS_PORT/series" | grep -v '^$' | LC_ALL=C sort)
	_pb_there=$(find "ports/$PORTS_PORT/patches" -name '*.patch' -type f | sed 's#.*/##' | LC_ALL=C sort)
	ports_is "$_pb_n" "series lists every patch of patches/, and only those" \
		"$(echo "$_pb_listed" | tr '\n' ' ')" "$(echo "$_pb_there" | tr '\n' ' ')"
	_pb_bad=
	for _pb_p in $_pb_there; do
		_pb_f="ports/$PORTS_PORT/patches/$_pb_p"
		grep -Eq '^Subject: (\[PATCH[^]]*\] )?xen/[a-z]+: ' "$_pb_f" &&
			grep -q '^Signed-off-by: .* <.*>$' "$_pb_f" ||
			_pb_bad="$_pb_bad $_pb_p"
	done
	_pb_n=$((_pb_n + 1))
	ports_is "$_pb_n" "each patch has a 'xen/DRIVER:' subject and a Signed-off-by" "${_pb_bad# }" ""
	_pb_n=$((_pb_n + 1))
	ports_is "$_pb_n" "nothing of the kernel's source is in ports/$PORTS_PORT/ (only patches and the build)" \
		"$(find "ports/$PORTS_PORT" -name '*.c' -o -name '*.h' | tr '\n' ' ')" ""
	_pb_n=$((_pb_n + 1))
	ports_is "$_pb_n" "the license note is there" \
		"$(grep -c 'SPDX-License-Identifier: GPL-2.0' "ports/$PORTS_PORT/COPYING" 2>/dev/null)" 1
}

# ports_refused N DESC WANT XRC-RUN-ARG...: bad --port input exits 2 with
# WANT in its message, and never starts QEMU.
ports_refused() {
	_pr_n=$1 _pr_desc=$2 _pr_want=$3
	shift 3
	rm -f "$_pr_dir/qemu-ran"
	_pr_rc=0
	env BUILD="$BUILD" XRC_QEMU="$_pr_dir/qemu" sh scripts/xrc run \
		--out "$_pr_dir/out" "$@" >"$_pr_dir/out.log" 2>&1 || _pr_rc=$?
	if [ "$_pr_rc" -eq 2 ] && grep -qF -- "$_pr_want" "$_pr_dir/out.log" &&
	   [ ! -e "$_pr_dir/qemu-ran" ]; then
		echo "ok $_pr_n - $_pr_desc: exit 2, QEMU not started"
	else
		echo "not ok $_pr_n - $_pr_desc: exit $_pr_rc, want 2 and '$_pr_want'"
		sed 's/^/# /' "$_pr_dir/out.log" | tail -n 3
	fi
}

ports_errors() {
	_pr_dir="$BUILD/ports/errors-test"
	rm -rf "$_pr_dir"
	mkdir -p "$_pr_dir"
	printf '#!/bin/sh\n: >"%s/qemu-ran"\n' "$_pr_dir" >"$_pr_dir/qemu"
	chmod +x "$_pr_dir/qemu"
	echo "1..4"
	ports_refused 1 "--port of no port" "unknown port 'nosuch' (one of: $PORTS_PORT" \
		--backend xen-vm --port nosuch
	ports_refused 2 "--port with the sim backend" "only for --backend xen-vm" \
		--backend sim --port "$PORTS_PORT"
	ports_refused 3 "--port with a path" "--port wants a port name" \
		--backend xen-vm --port ../ports
	ports_refused 4 "--port without a value" "--port needs a value" \
		--backend xen-vm --port
}

# ports_vm_patched: the port's modules in the real dom0, judged by
# proposed: exit 0, no FAIL, no ERROR, the reports naming the modules
# built, and every client program's case ok, as on sim:proposed.
ports_vm_patched() {
	_pv_out="$BUILD/results/xen-vm-port-$PORTS_PORT"
	_pv_log="$LOGS/ports-xen-vm-port.out"
	_pv_rc=0
	env BUILD="$BUILD" sh scripts/xrc run --backend xen-vm --port "$PORTS_PORT" \
		--out "$_pv_out" >"$_pv_log" 2>&1 || _pv_rc=$?
	echo "1..6"
	grep -E '^(xrc|xen-vm)[^ ]*: (QEMU start|[0-9]+ passed, |ERROR: |booting Linux|clients |port )' \
		"$_pv_log" | sed 's/^/# /'
	grep -E '^(FAIL|ERROR) ' "$_pv_log" | head -n 10 | sed 's/^/# /'
	ports_is 1 "xrc run --backend xen-vm --port $PORTS_PORT: exit 0 (log $_pv_log)" "$_pv_rc" 0
	ports_is 2 "no FAIL" "$(ports_fails "$_pv_out" | tr '\n' ' ')" ""
	ports_is 3 "no ERROR" \
		"$(awk -F '\t' '!/^#/ && $2 == "ERROR" { print $1 }' "$_pv_out/results.tsv" 2>/dev/null | tr '\n' ' ')" ""
	ports_is 4 "results.tsv: driver.xen-privcmd is the module make ports built" \
		"$(sed -n 's/^# driver.xen-privcmd: //p' "$_pv_out/results.tsv" 2>/dev/null)" \
		"module xen-privcmd.ko sha256:$(sha256sum "$BUILD/ports/$PORTS_PORT/xen-privcmd.ko" | cut -d' ' -f1)"
	ports_is 5 "the client programs ran in dom0, every case ok" \
		"$( [ -s "$_pv_out/clients.tsv" ] && awk -F '\t' '$3 != "ok" { print $1 ": " $2 " " $3 }' "$_pv_out/clients.tsv" | tr '\n' ' ')" ""
	ports_is 6 "the client programs' cases as on sim:proposed" \
		"$( [ -f "$_pv_out/clients.differ" ] && tr '\t\n' ' ;' <"$_pv_out/clients.differ")" ""
}

# ports_fidelity: xrc fidelity --port on the run just written.
ports_fidelity() {
	_pf_log="$LOGS/ports-fidelity.out"
	_pf_rc=0
	env BUILD="$BUILD" sh scripts/xrc fidelity --port "$PORTS_PORT" \
		--real "$BUILD/results/xen-vm-port-$PORTS_PORT" >"$_pf_log" 2>&1 || _pf_rc=$?
	echo "1..1"
	sed 's/^/# /' "$_pf_log"
	if [ "$_pf_rc" -eq 0 ]; then
		echo "ok 1 - xrc fidelity --port $PORTS_PORT: every outcome as sim:proposed, or a departure ports/$PORTS_PORT/departures explains"
	else
		echo "not ok 1 - xrc fidelity --port $PORTS_PORT (exit $_pf_rc; log $_pf_log)"
	fi
}

# ports_vm_unpatched: Debian's own drivers judged by proposed: exit 1,
# the FAILs exactly the known departures of Linux 6.1
# (conformance/suite/tests/linux-vs-proposed.expected): the patch changed
# the outcome, not the yardstick.
ports_vm_unpatched() {
	_pu_out="$BUILD/results/xen-vm-proposed"
	_pu_log="$LOGS/ports-xen-vm-unpatched.out"
	_pu_rc=0
	env BUILD="$BUILD" sh scripts/xrc run --backend xen-vm --profile proposed \
		--out "$_pu_out" >"$_pu_log" 2>&1 || _pu_rc=$?
	_pu_want=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' \
		conformance/suite/tests/linux-vs-proposed.expected | grep -v '^$' | LC_ALL=C sort)
	echo "1..3"
	grep -E '^(xrc|xen-vm)[^ ]*: (QEMU start|[0-9]+ passed, |ERROR: )' "$_pu_log" | sed 's/^/# /'
	ports_is 1 "xrc run --backend xen-vm --profile proposed (Debian's drivers): exit 1 (log $_pu_log)" "$_pu_rc" 1
	ports_is 2 "$(echo "$_pu_want" | wc -l) FAILs, those of linux-vs-proposed.expected" \
		"$(ports_fails "$_pu_out" | tr '\n' ' ')" "$(echo "$_pu_want" | tr '\n' ' ')"
	ports_is 3 "no ERROR" \
		"$(awk -F '\t' '!/^#/ && $2 == "ERROR" { print $1 }' "$_pu_out/results.tsv" 2>/dev/null | tr '\n' ' ')" ""
}

suite_ports() {
	run_one "ports/make ports: $PORTS_PORT modules for the pinned kernel" ports_build
	run_one "ports/--port bad input: refused before QEMU" ports_errors
	run_one "ports/xen-vm --port $PORTS_PORT judged as proposed" ports_vm_patched
	run_one "ports/fidelity --port $PORTS_PORT vs sim:proposed" ports_fidelity
	run_one "ports/xen-vm with Debian's drivers judged as proposed" ports_vm_unpatched
}
