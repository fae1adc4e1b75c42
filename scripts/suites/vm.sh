# shellcheck shell=sh
# vm-images/: the suite against the two VM backends under QEMU TCG, each
# VM run one test: Xen 4.17 with Debian's Linux 6.1 dom0 judged by the
# linux profile, and the sim served by CUSE in a Linux guest judged by the
# proposal.  The images are built by `make check` (CHECK_DEPS in
# vm-images/vm.mk).  No QEMU is a failure, not a skip: deps.sh installs it.

# vm_check BACKEND PROFILE: `xrc run` as one TAP test; its output goes to
# a log of its own, the lines worth reading become TAP comments.
vm_check() {
	_vc_log="$LOGS/vm-$(echo "$1-$2" | tr ':/' '--').out"
	_vc_rc=0
	env BUILD="$BUILD" sh scripts/xrc run --backend "$1" --profile "$2" \
		>"$_vc_log" 2>&1 || _vc_rc=$?
	echo "1..1"
	grep -E -e '^xrc: ' \
		-e '^(cuse|xen)-vm[^ ]*: (QEMU start|[0-9]+ passed, |ERROR: |cuse ioctl|clients |daemon stress)' \
		"$_vc_log" | sed 's/^/# /'
	if [ "$_vc_rc" -eq 0 ]; then
		echo "ok 1 - xrc run --backend $1 --profile $2"
	else
		grep -E '^(FAIL|ERROR) ' "$_vc_log" | head -n 10 | sed 's/^/# /'
		echo "not ok 1 - xrc run --backend $1 --profile $2 (exit $_vc_rc; log $_vc_log)"
	fi
}

# vm_fidelity: `xrc fidelity` on the xen-vm results just written (booting
# the VM again would only repeat them), as one TAP test.
vm_fidelity() {
	_vf_log="$LOGS/vm-fidelity.out"
	_vf_rc=0
	env BUILD="$BUILD" sh scripts/xrc fidelity \
		--real "$BUILD/results/xen-vm" >"$_vf_log" 2>&1 || _vf_rc=$?
	echo "1..1"
	sed 's/^/# /' "$_vf_log"
	if [ "$_vf_rc" -eq 0 ]; then
		echo "ok 1 - xrc fidelity: sim:linux observes what the real dom0 does"
	else
		echo "not ok 1 - xrc fidelity (exit $_vf_rc; log $_vf_log)"
	fi
}

# vm_stress DIR: the CUSE daemon's robustness check that the cuse-vm run
# brought back from the guest (sim/cuse/stress.c), its TAP as it is; none
# is a failure.
vm_stress() {
	if [ -s "$1/stress.tap" ]; then
		cat "$1/stress.tap"
	else
		echo "1..1"
		echo "not ok 1 - no $1/stress.tap (did the cuse-vm run ship it?)"
	fi
}

suite_vm() {
	run_one "vm/xen-vm judged as linux" vm_check xen-vm linux
	run_one "vm/fidelity sim:linux vs xen-vm" vm_fidelity
	run_one "vm/cuse-vm judged as proposed" vm_check cuse-vm proposed
	run_one "vm/cuse-vm daemon stress" vm_stress "$BUILD/results/cuse-vm-proposed"
}
