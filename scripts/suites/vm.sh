# shellcheck shell=sh
# vm-images/: the suite against the two VM backends under QEMU TCG, each
# VM run one test: Xen 4.17 with Debian's Linux 6.1 dom0 judged by the
# linux profile, and the sim served by CUSE in a Linux guest as each
# profile, judged by that profile.  The images are built by `make check`
# (CHECK_DEPS in vm-images/vm.mk).  No QEMU is a failure, not a skip: deps.sh installs it.

# vm_check BACKEND PROFILE: `xrc run` as one TAP test; its output goes to
# a log of its own, the lines worth reading become TAP comments.
vm_check() {
	_vc_log="$LOGS/vm-$(echo "$1-$2" | tr ':/' '--').out"
	_vc_rc=0
	env BUILD="$BUILD" sh scripts/xrc run --backend "$1" --profile "$2" \
		>"$_vc_log" 2>&1 || _vc_rc=$?
	echo "1..1"
	grep -E -e '^xrc: ' \
		-e '^(cuse-vm|xen-vm|xen-domu)[^ ]*: (QEMU start|[0-9]+ passed, |ERROR: |cuse ioctl|clients |daemon stress|\[.*\] dom0: )' \
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

# ---- xen-vm with the kernel, modules and Xen given (xrc run --kernel ...) ----

# vm_tap_is N DESC GOT WANT: one TAP test point comparing two strings.
vm_tap_is() {
	if [ "$3" = "$4" ]; then
		echo "ok $1 - $2"
	else
		echo "not ok $1 - $2"
		echo "#   got:  $3"
		echo "#   want: $4"
	fi
}

# vm_tsv_meta TSV KEY: the value of a "# KEY: VALUE" header line.
vm_tsv_meta() {
	sed -n "s/^# $2: //p" "$1" | head -n 1
}

# vm_tsv_rows TSV: id, verdict, observed of every row (no header).
vm_tsv_rows() {
	grep -v '^#' "$1" | cut -f 1-3
}

# vm_byo_files DIR: the pinned image's own files copied to DIR, as a
# user would give files of their own: DIR/vmlinuz, DIR/modules/RELEASE/,
# DIR/xen.gz (gzipped again: xrc gunzips it), DIR/privcmd-copy.ko.
vm_byo_files() {
	_vb_stage="$BUILD/vm/stage"
	_vb_rel=$(cat "$_vb_stage/kver")
	rm -rf "$1"
	mkdir -p "$1/modules"
	cp "$_vb_stage/vmlinuz" "$1/vmlinuz"
	cp -r "$_vb_stage/modules/$_vb_rel" "$1/modules/$_vb_rel"
	gzip -c "$_vb_stage/xen" >"$1/xen.gz"
	cp "$_vb_stage/modules/$_vb_rel/kernel/drivers/xen/xen-privcmd.ko" \
		"$1/privcmd-copy.ko"
}

# vm_byo_boot: one boot of the pinned kernel's files given explicitly
# (copied elsewhere), with xen-privcmd replaced by a copy of its own
# module: the verdicts and observations must be the pinned run's (the
# vm/xen-vm test before this one), and the reports must name the files.
vm_byo_boot() {
	_vb_dir="$BUILD/vm/byo-test"
	_vb_out="$BUILD/results/xen-vm-byo"
	_vb_log="$LOGS/vm-xen-vm-byo.out"
	vm_byo_files "$_vb_dir"
	_vb_rel=$(cat "$BUILD/vm/stage/kver")
	_vb_rc=0
	env BUILD="$BUILD" sh scripts/xrc run --backend xen-vm --profile linux \
		--kernel "$_vb_dir/vmlinuz" --modules "$_vb_dir/modules/$_vb_rel" \
		--xen "$_vb_dir/xen.gz" \
		--module xen-privcmd="$_vb_dir/privcmd-copy.ko" \
		--out "$_vb_out" >"$_vb_log" 2>&1 || _vb_rc=$?
	_vb_tsv="$_vb_out/results.tsv"
	echo "1..6"
	grep -E '^(xrc: |xen-vm: (QEMU start|booting Linux|booted|ERROR))' "$_vb_log" | sed 's/^/# /'
	vm_tap_is 1 "xrc run --backend xen-vm --kernel --modules --xen --module: exit 0 (log $_vb_log)" \
		"$_vb_rc" 0
	if [ -f "$BUILD/results/xen-vm/results.tsv" ] && [ -f "$_vb_tsv" ] &&
	   vm_tsv_rows "$BUILD/results/xen-vm/results.tsv" >"$_vb_dir/pinned.rows" &&
	   vm_tsv_rows "$_vb_tsv" >"$_vb_dir/byo.rows" &&
	   [ -s "$_vb_dir/byo.rows" ] && cmp -s "$_vb_dir/pinned.rows" "$_vb_dir/byo.rows"; then
		echo "ok 2 - the same verdicts and observations as the pinned run"
	else
		echo "not ok 2 - the same verdicts and observations as the pinned run ($_vb_tsv vs $BUILD/results/xen-vm/results.tsv)"
		diff "$_vb_dir/pinned.rows" "$_vb_dir/byo.rows" 2>&1 | head -n 10 | sed 's/^/# /'
	fi
	vm_tap_is 3 "results.tsv: booted.kernel names the file given" \
		"$(vm_tsv_meta "$_vb_tsv" booted.kernel)" \
		"vmlinuz sha256:$(sha256sum "$_vb_dir/vmlinuz" | cut -d' ' -f1)"
	vm_tap_is 4 "results.tsv: booted.xen names the file given" \
		"$(vm_tsv_meta "$_vb_tsv" booted.xen)" \
		"xen.gz sha256:$(sha256sum "$_vb_dir/xen.gz" | cut -d' ' -f1)"
	vm_tap_is 5 "results.tsv: kernel is the release booted" \
		"$(vm_tsv_meta "$_vb_tsv" kernel)" "$_vb_rel"
	vm_tap_is 6 "results.tsv: driver.xen-privcmd is the copy given, with its sha256" \
		"$(vm_tsv_meta "$_vb_tsv" driver.xen-privcmd)" \
		"module privcmd-copy.ko sha256:$(sha256sum "$_vb_dir/privcmd-copy.ko" | cut -d ' ' -f 1)"
}

# vm_byo_refused N DESC WANT XRC-RUN-ARG...: xrc run with bad input exits
# 2 with WANT in its message, and never starts QEMU (XRC_QEMU is a
# stand-in that leaves a mark).
vm_byo_refused() {
	_vr_n=$1 _vr_desc=$2 _vr_want=$3
	shift 3
	rm -f "$_vr_dir/qemu-ran"
	_vr_rc=0
	env BUILD="$BUILD" XRC_QEMU="$_vr_dir/qemu" sh scripts/xrc run \
		--backend xen-vm --out "$_vr_dir/out" "$@" >"$_vr_dir/out.log" 2>&1 || _vr_rc=$?
	if [ "$_vr_rc" -eq 2 ] && grep -qF -- "$_vr_want" "$_vr_dir/out.log" &&
	   [ ! -e "$_vr_dir/qemu-ran" ]; then
		echo "ok $_vr_n - $_vr_desc: exit 2, QEMU not started"
	else
		echo "not ok $_vr_n - $_vr_desc: exit $_vr_rc, want 2 and '$_vr_want'$([ ! -e "$_vr_dir/qemu-ran" ] || echo '; QEMU was started')"
	fi
	sed 's/^/# /' "$_vr_dir/out.log" | grep -v ': image: ' | tail -n 3
}

# vm_byo_errors: bad input to the xen-vm options, each refused before QEMU.
# A module of another vermagic is forged by patching the release in a
# copy's .modinfo, the same length (nothing else in the file moves).
vm_byo_errors() {
	_vr_dir="$BUILD/vm/byo-errors"
	rm -rf "$_vr_dir"
	mkdir -p "$_vr_dir"
	printf '#!/bin/sh\n: >"%s/qemu-ran"\n' "$_vr_dir" >"$_vr_dir/qemu"
	chmod +x "$_vr_dir/qemu"
	_vr_rel=$(cat "$BUILD/vm/stage/kver")
	_vr_ko="$BUILD/vm/stage/modules/$_vr_rel/kernel/drivers/xen"
	_vr_other=$(echo "$_vr_rel" | sed 's/^\([0-9]*\.[0-9]*\.[0-9]*-\)[0-9][0-9]/\199/')
	LC_ALL=C sed "s/vermagic=$_vr_rel /vermagic=$_vr_other /" \
		"$_vr_ko/xen-privcmd.ko" >"$_vr_dir/privcmd-other.ko"
	echo "1..7"
	echo "# forged: $(modinfo -F vermagic "$_vr_dir/privcmd-other.ko" 2>&1)"
	vm_byo_refused 1 "--kernel /nonexistent" \
		"--kernel /nonexistent: no such file" --kernel /nonexistent
	vm_byo_refused 2 "--module xen-privcmd= a module of vermagic $_vr_other" \
		"vermagic '$_vr_other " --module xen-privcmd="$_vr_dir/privcmd-other.ko"
	vm_byo_refused 3 "--module xen-privcmd= another driver's module" \
		"the file is module xen_evtchn, not xen-privcmd" \
		--module xen-privcmd="$_vr_ko/xen-evtchn.ko"
	vm_byo_refused 4 "--module of no driver the image loads" \
		"no driver 'xen-blkback'" --module xen-blkback="$_vr_ko/xen-evtchn.ko"
	vm_byo_refused 5 "--kernel that is no bzImage (Xen's ELF)" "not a bzImage" \
		--kernel "$BUILD/vm/stage/xen"
	vm_byo_refused 6 "--xen that is neither gzip nor ELF (a bzImage)" \
		"neither gzip nor ELF" --xen "$BUILD/vm/stage/vmlinuz"
	vm_byo_refused 7 "--kernel with another backend" \
		"only for --backend xen-vm" --backend sim --kernel "$BUILD/vm/stage/vmlinuz"
}

# vm_meta: the runner's --meta lines in every report, on the sim (whose
# targets' memory can be mapped: the fixture check passes).
vm_meta() {
	_vm_d="$BUILD/results/meta-test"
	_vm_rc=0
	env XENSIM_PROFILE=linux LD_PRELOAD="$PWD/$BUILD/lib/libxensim-preload.so" \
		"$BUILD/bin/xrc-conformance" --profile linux --backend sim:linux \
		--only 'privcmd.*' --out "$_vm_d" --meta kernel=6.1.0-99-amd64 \
		--meta "driver.xen-privcmd=module p.ko sha256:00" >/dev/null 2>&1 || _vm_rc=$?
	echo "1..6"
	vm_tap_is 1 "sim:linux with --meta: exit 0" "$_vm_rc" 0
	vm_tap_is 2 "results.tsv: # kernel: after # fixture:" \
		"$(sed -n '/^# fixture: /{n;p;}' "$_vm_d/results.tsv")" "# kernel: 6.1.0-99-amd64"
	vm_tap_is 3 "results.tsv: the value as given" \
		"$(vm_tsv_meta "$_vm_d/results.tsv" driver.xen-privcmd)" "module p.ko sha256:00"
	vm_tap_is 4 "results.tap: a comment" \
		"$(grep -c '^# driver.xen-privcmd: module p.ko sha256:00$' "$_vm_d/results.tap")" 1
	vm_tap_is 5 "results.xml: a property" \
		"$(grep -c '<property name="kernel" value="6.1.0-99-amd64"/>' "$_vm_d/results.xml")" 1
	vm_tap_is 6 "results.txt: a header line" \
		"$(grep -c '^kernel: 6.1.0-99-amd64$' "$_vm_d/results.txt")" 1
}

# vm_nested_paging: on a CPU without nested paging, dom0 cannot map the
# targets' memory (Debian's Xen 4.17.7 makes no HVM guest at all there:
# xrc-vm-domains falls back to PV guests, whose gfn 0 Xen refuses to map;
# a Xen that shadow-pages HVM guests refuses their maps instead): the run
# must stop at the fixture with exit 2 and the likely cause, before any
# assertion.
vm_nested_paging() {
	_vn_out="$BUILD/results/xen-vm-no-npt"
	_vn_log="$LOGS/vm-xen-vm-no-npt.out"
	_vn_rc=0
	env BUILD="$BUILD" sh scripts/xrc run --backend xen-vm --profile linux \
		--qemu-opt -cpu --qemu-opt qemu64,+svm --out "$_vn_out" \
		>"$_vn_log" 2>&1 || _vn_rc=$?
	echo "1..3"
	grep -E '^(xrc|xen-vm|xrc-conformance)[^ ]*: ' "$_vn_log" | grep -v '\[ *[0-9.]* s\]' | sed 's/^/# /' | tail -n 8
	vm_tap_is 1 "-cpu qemu64,+svm (no +npt): exit 2 (log $_vn_log)" "$_vn_rc" 2
	vm_tap_is 2 "the fixture names the likely cause" \
		"$(grep -cE '^# fixture: failed: target a .*cannot be mapped .*; likely cause: no (nested paging|HVM guests)' \
			"$_vn_out/results.tsv" 2>/dev/null)" 1
	vm_tap_is 3 "no assertion ran" \
		"$(grep -vc '^#' "$_vn_out/results.tsv" 2>/dev/null)" 0
}

# --- xen-domu (scripts/xrc-lib/_domu.sh) ---
# vm_domu BACKEND: the suite inside a PV domU of the real dom0, judged as
# linux-xsa482 (vm_check; its log names the domU's stages).
vm_domu() {
	vm_check "$1" linux-xsa482
}

# vm_domu_fidelity: `xrc fidelity` on the two domU runs just written.
vm_domu_fidelity() {
	_vdf_log="$LOGS/vm-domu-fidelity.out"
	_vdf_rc=0
	env BUILD="$BUILD" sh scripts/xrc fidelity \
		--domu "$BUILD/results/xen-domu-5" --domu "$BUILD/results/xen-domu" \
		>"$_vdf_log" 2>&1 || _vdf_rc=$?
	echo "1..1"
	sed "s/^/# /" "$_vdf_log"
	if [ "$_vdf_rc" -eq 0 ]; then
		echo "ok 1 - xrc fidelity: sim:linux-xsa482 from a domU observes what the real domU does"
	else
		echo "not ok 1 - xrc fidelity --domu (exit $_vdf_rc; log $_vdf_log)"
	fi
}
# --- end xen-domu ---

suite_vm() {
	run_one "vm/xen-vm judged as linux" vm_check xen-vm linux
	run_one "vm/fidelity sim:linux vs xen-vm" vm_fidelity
	# --- xen-domu ---
	run_one "vm/xen-domu:5 judged as linux-xsa482" vm_domu xen-domu:5
	run_one "vm/xen-domu judged as linux-xsa482" vm_domu xen-domu
	run_one "vm/fidelity sim:linux-xsa482 vs xen-domu" vm_domu_fidelity
	# --- end xen-domu ---
	# xen-vm with what to boot given (after the pinned run: same verdicts).
	run_one "vm/xen-vm runner --meta" vm_meta
	run_one "vm/xen-vm bad kernel, module, Xen: refused before QEMU" vm_byo_errors
	run_one "vm/xen-vm --kernel --modules --xen --module (pinned files copied)" vm_byo_boot
	run_one "vm/xen-vm without nested paging: the fixture says so" vm_nested_paging
	# The sim as each profile behind CUSE, judged by that profile: one
	# guest boot each (about 9 s).  A row CUSE cannot serve (a mapping:
	# no mmap on a CUSE node) must SKIP under every profile, not FAIL.
	for _vm_p in $PROFILES; do
		run_one "vm/cuse-vm:$_vm_p judged as $_vm_p" vm_check \
			"cuse-vm:$_vm_p" "$_vm_p"
	done
	run_one "vm/cuse-vm daemon stress" vm_stress "$BUILD/results/cuse-vm-proposed"
	# The daemon under the sanitizers: a report breaks the run.  TSan
	# with --jobs 2, so that clients overlap in the daemon.
	run_one "vm/cuse-vm xensim-cuse under ASan+UBSan" vm_cuse_san asan
	run_one "vm/cuse-vm xensim-cuse under TSan" vm_cuse_san tsan --jobs 2
}
