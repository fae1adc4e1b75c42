# shellcheck shell=sh
# SPDX-License-Identifier: MIT
#
# Shared pieces of scripts/xrc for the VM backends (cuse-vm, xen-vm):
# build the image (make, vm-images/vm.mk), boot it under
# qemu-system-x86_64 -accel tcg, follow its console (_vm.awk), enforce a
# hard time limit, and unpack the reports the guest ships between markers
# (vm-images/guest/lib.sh says what each marker means).
#
# Environment: XRC_VM_TIMEOUT (seconds for the whole VM run, default 600),
# XRC_QEMU (the QEMU binary, default qemu-system-x86_64).

XRC_VM_DIR="$XRC_BUILD/vm"

# xrc_vm_make IMAGE LABEL: bring $XRC_VM_DIR/IMAGE/initrd.gz up to date
# (fetching and unpacking the pinned packages on first use), showing the
# slow steps; exit 2 when it cannot.
xrc_vm_make() {
	_vm_target="$XRC_VM_DIR/$1/initrd.gz"
	_vm_rel=${_vm_target#"$XRC_ROOT"/}
	_vm_log=$(mktemp "${TMPDIR:-/tmp}/xrc-vm-make.XXXXXX")
	echo "$2: image: make $_vm_rel" >&2
	{
		_vm_rc=0
		make -C "$XRC_ROOT" -s BUILD="${XRC_BUILD#"$XRC_ROOT"/}" \
			"$_vm_rel" 2>&1 || _vm_rc=$?
		echo "@@make-rc=$_vm_rc"
	} | tee "$_vm_log" | awk -v label="$2" \
		'/^ +(FETCH|UNPACK|INITRD) / { sub(/^ +/, ""); print label ": " $0; fflush() }' >&2
	if ! grep -qx '@@make-rc=0' "$_vm_log"; then
		grep -v '^@@make-rc=' "$_vm_log" | tail -n 20 >&2
		rm -f "$_vm_log"
		xrc_die "$2: could not build the VM image (make $_vm_rel)"
	fi
	rm -f "$_vm_log"
	[ -s "$_vm_target" ] || xrc_die "$2: make did not produce $_vm_rel"
}

# xrc_vm_qemu_args IMAGE OPTIONS: set XRC_VM_ARGS to the QEMU command
# line, one argument a line, that boots IMAGE with OPTIONS (xrc.NAME=VALUE
# words) on the kernel command line.  Both boot lines are the ones observed to work
# (../shared/reference/linux-dom0-observed.md).
xrc_vm_qemu_args() {
	_vm_stage="$XRC_VM_DIR/stage"
	case $1 in
	cuse)
		# RDRAND (emulated by TCG) seeds the guest kernel's random
		# pool at once: the sim's getrandom() in xensim-cuse would
		# otherwise wait a second or more for the pool.
		set -- "${XRC_QEMU:-qemu-system-x86_64}" -accel tcg \
			-cpu qemu64,+rdrand -m 1G -smp 2 \
			-kernel "$_vm_stage/vmlinuz" \
			-initrd "$XRC_VM_DIR/cuse/initrd.gz" \
			-append "console=ttyS0 quiet loglevel=3 panic=-1 $2" ;;
	xen)
		# -cpu: qemu64 with SVM and nested paging, so that Xen can
		# run HVM guests (dm_op needs them); "max" kills dom0.
		# Multiboot modules are "file args,file": a "," in the
		# arguments is written ",,".
		_vm_dom0="$_vm_stage/vmlinuz console=hvc0 earlyprintk=xen loglevel=4 panic=-1 $(echo "$2" | sed 's/,/,,/g')"
		set -- "${XRC_QEMU:-qemu-system-x86_64}" -accel tcg \
			-cpu qemu64,+svm,+npt -m 1536M -smp 2 \
			-kernel "$_vm_stage/xen" \
			-append "console=com1 com1=115200,8n1 dom0_mem=512M,max:512M" \
			-initrd "$_vm_dom0,$XRC_VM_DIR/xen/initrd.gz" ;;
	esac
	# No network (no iPXE ROM to load); the console on stdio; QEMU
	# exits when the guest reboots.
	XRC_VM_ARGS=$(printf '%s\n' "$@" -nic none -nographic -no-reboot)
}

# xrc_vm_awk_flags: what makes this awk take lines from a pipe as they
# come, so that the progress and the time of the verdict are live: mawk
# (Debian's awk) fills its whole input buffer first unless told
# "-W interactive"; POSIX awk has no such flag, and needs none if it reads
# lines as they come.
xrc_vm_awk_flags() {
	_vm_err=$(awk -W interactive 'BEGIN { exit 0 }' </dev/null 2>&1) &&
		[ -z "$_vm_err" ] && echo "-W interactive"
	return 0
}

# xrc_vm_run IMAGE LABEL OUT OPTIONS: boot IMAGE (cuse or xen), the
# console logged to OUT/console.log, the reports unpacked into OUT.
# Returns the suite's exit code; exits 2 when the run broke (no QEMU, no
# image, time limit, no end marker, garbled reports).
xrc_vm_run() {
	_vm_img=$1
	_vm_label=$2
	_vm_out=$3
	_vm_opts=$4
	_vm_limit=${XRC_VM_TIMEOUT:-600}
	xrc_is_seconds "$_vm_limit" ||
		xrc_die "XRC_VM_TIMEOUT wants a number of seconds, not '$_vm_limit'"
	_vm_qemu=${XRC_QEMU:-qemu-system-x86_64}
	command -v "$_vm_qemu" >/dev/null 2>&1 ||
		xrc_die "$_vm_label: $_vm_qemu not found (scripts/deps.sh installs qemu-system-x86)"
	case $XRC_VM_DIR in
	*,* | *' '*) xrc_die "$_vm_label: the build folder $XRC_VM_DIR has a ',' or a space, which QEMU's -initrd cannot take" ;;
	esac
	xrc_vm_make "$_vm_img" "$_vm_label"

	_vm_tmp=$(mktemp -d "${TMPDIR:-/tmp}/xrc-vm.XXXXXX")
	_vm_log="$_vm_out/console.log"
	# No report of an earlier run may pass for this one.
	rm -f "$_vm_log" "$_vm_out"/results.*
	mkfifo "$_vm_tmp/console"
	xrc_vm_qemu_args "$_vm_img" "$_vm_opts"
	# One argument a line (no argument holds a newline).
	_vm_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2086 # split on newlines only
	set -- $XRC_VM_ARGS
	IFS=$_vm_ifs

	echo "$_vm_label: booting $_vm_img image under QEMU TCG (time limit ${_vm_limit} s; console: $_vm_log)" >&2
	_vm_t0=$(date +%s.%N)
	"$@" </dev/null >"$_vm_tmp/console" 2>&1 &
	_vm_qpid=$!
	# The time limit: a watchdog that kills QEMU, itself ended (with
	# its sleep) when QEMU is done first.
	(
		_vm_spid=
		trap 'kill "$_vm_spid" 2>/dev/null; exit 0' TERM
		sleep "$_vm_limit" &
		_vm_spid=$!
		wait "$_vm_spid"
		echo timeout >"$_vm_tmp/timeout"
		kill "$_vm_qpid" 2>/dev/null
	) >/dev/null 2>&1 &
	_vm_wpid=$!
	trap 'kill "$_vm_qpid" "$_vm_wpid" 2>/dev/null; rm -rf "$_vm_tmp"; exit 2' INT TERM HUP
	# shellcheck disable=SC2046 # no flag or two words
	awk $(xrc_vm_awk_flags) -v label="$_vm_label" -v t0="$_vm_t0" \
		-v logfile="$_vm_log" -v verdict_time="$_vm_tmp/verdict" \
		-f "$XRC_LIB/_vm.awk" <"$_vm_tmp/console"
	wait "$_vm_qpid" || true
	kill "$_vm_wpid" 2>/dev/null || true
	wait "$_vm_wpid" 2>/dev/null || true
	trap - INT TERM HUP

	if [ -f "$_vm_tmp/timeout" ]; then
		rm -rf "$_vm_tmp"
		tail -n 15 "$_vm_log" >&2
		xrc_die "$_vm_label: no verdict within ${_vm_limit} s: QEMU killed (XRC_VM_TIMEOUT; console: $_vm_log)"
	fi
	_vm_rc=$(sed -n 's/^@@XRC-END rc=\([0-9][0-9]*\)@@$/\1/p' "$_vm_log" | tail -n 1)
	if [ -z "$_vm_rc" ]; then
		rm -rf "$_vm_tmp"
		tail -n 15 "$_vm_log" >&2
		xrc_die "$_vm_label: QEMU ended without the guest's end marker (crash or panic? console: $_vm_log)"
	fi
	# The reports: base64 lines only (a kernel message in between is
	# dropped; one spliced into a line makes gzip's CRC fail).
	mkdir -p "$_vm_tmp/reports"
	if grep -qx '@@XRC-REPORTS-BEGIN@@' "$_vm_log"; then
		sed -n '/^@@XRC-REPORTS-BEGIN@@$/,/^@@XRC-REPORTS-END@@$/p' "$_vm_log" |
			grep -E '^[A-Za-z0-9+/=]+$' | base64 -d 2>/dev/null |
			tar -xzf - -C "$_vm_tmp/reports" 2>/dev/null ||
			{
				rm -rf "$_vm_tmp"
				xrc_die "$_vm_label: the reports arrived garbled on the console ($_vm_log)"
			}
		for _vm_f in "$_vm_tmp"/reports/results.*; do
			[ -f "$_vm_f" ] && mv "$_vm_f" "$_vm_out/"
		done
	elif [ "$_vm_rc" -eq 0 ]; then
		_vm_rc=$XRC_EXIT_BROKE
	fi
	[ -s "$_vm_tmp/verdict" ] ||
		echo "$_vm_label: the guest ended before the suite's verdict" >&2
	case $_vm_rc in
	0 | 1 | 2 | 77) ;;
	*)
		echo "$_vm_label: the suite ended with exit $_vm_rc (a crash?): the run broke" >&2
		_vm_rc=$XRC_EXIT_BROKE ;;
	esac
	rm -rf "$_vm_tmp"
	return "$_vm_rc"
}

# xrc_vm_print OUT FORMAT: what the runner would have printed, from the
# reports in OUT (text, tap, junit or matrix; the totals line last).
xrc_vm_print() {
	[ -f "$1/results.txt" ] || return 0
	_vm_totals=$(tail -n 1 "$1/results.txt" 2>/dev/null || true)
	case ${2:-text} in
	text) cat "$1/results.txt" ;;
	tap) cat "$1/results.tap"; echo "# $_vm_totals" ;;
	junit) cat "$1/results.xml"; echo "$_vm_totals" >&2 ;;
	matrix) cat "$1/results.md"; echo; echo "$_vm_totals" ;;
	esac
	echo "reports: $1/results.{txt,tap,xml,md,tsv}" >&2
}
