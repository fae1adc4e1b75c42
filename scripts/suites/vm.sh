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

# vm_cuse_san SANITIZER [XRC-RUN-OPTION...]: the cuse-vm run with
# xensim-cuse built with SANITIZER (asan: ASan+UBSan+LSan, tsan: TSan),
# the suite then the daemon stress, as TAP: the run (any sanitizer report
# breaks it: vm-images/cuse/init) and the stress check.
vm_cuse_san() {
	_vs_san=$1
	shift
	_vs_out="$BUILD/results/cuse-vm-proposed-$_vs_san"
	_vs_log="$LOGS/vm-cuse-vm-proposed-$_vs_san.out"
	_vs_rc=0
	env BUILD="$BUILD" XRC_CUSE_SANITIZER="$_vs_san" sh scripts/xrc run \
		--backend cuse-vm --profile proposed --out "$_vs_out" "$@" \
		>"$_vs_log" 2>&1 || _vs_rc=$?
	echo "1..2"
	grep -E -e '^xrc: ' \
		-e '^cuse-vm[^ ]*: (QEMU start|[0-9]+ passed, |ERROR: |daemon stress|sanitizer: )' \
		"$_vs_log" | head -n 60 | sed 's/^/# /'
	if [ "$_vs_rc" -eq 0 ]; then
		echo "ok 1 - xrc run --backend cuse-vm --profile proposed${*:+ $*}, xensim-cuse under $_vs_san"
	else
		grep -E '^(FAIL|ERROR) ' "$_vs_log" | head -n 10 | sed 's/^/# /'
		echo "not ok 1 - cuse-vm, xensim-cuse under $_vs_san (exit $_vs_rc; log $_vs_log)"
	fi
	# Every test point of its plan ok (a hang leaves the plan short).
	_vs_plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$_vs_out/stress.tap" 2>/dev/null | head -n 1)
	_vs_ok=$(grep -c '^ok' "$_vs_out/stress.tap" 2>/dev/null || true)
	if [ -n "$_vs_plan" ] && [ "$_vs_plan" -gt 0 ] &&
	   [ "$_vs_ok" = "$_vs_plan" ]; then
		echo "ok 2 - daemon stress under $_vs_san: $_vs_ok/$_vs_plan ok"
	else
		grep '^not ok' "$_vs_out/stress.tap" 2>/dev/null | sed 's/^/# /'
		echo "not ok 2 - daemon stress under $_vs_san: ${_vs_ok:-0}/${_vs_plan:-no plan} ok ($_vs_out/stress.tap)"
	fi
}

suite_vm() {
	run_one "vm/xen-vm judged as linux" vm_check xen-vm linux
	run_one "vm/fidelity sim:linux vs xen-vm" vm_fidelity
	run_one "vm/cuse-vm judged as proposed" vm_check cuse-vm proposed
	run_one "vm/cuse-vm daemon stress" vm_stress "$BUILD/results/cuse-vm-proposed"
	# The daemon under the sanitizers: a report breaks the run.  TSan
	# with --jobs 2, so that clients overlap in the daemon.
	run_one "vm/cuse-vm xensim-cuse under ASan+UBSan" vm_cuse_san asan
	run_one "vm/cuse-vm xensim-cuse under TSan" vm_cuse_san tsan --jobs 2
}
