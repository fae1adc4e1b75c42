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
# (docs/reference/linux-6.1-observed.md).
xrc_vm_qemu_args() {
	_vm_stage="$XRC_VM_DIR/stage"
	# Clang 14's TSan runtime is built with -msse4.2 (compiler-rt's
	# TSAN_RTL_CFLAGS): on plain qemu64 the daemon dies of SIGILL at once.
	_vm_cpu_san=
	case " $2 " in
	*" xrc.cuse=tsan "*) _vm_cpu_san=",+ssse3,+sse4.1,+sse4.2,+popcnt" ;;
	esac
	case $1 in
	cuse)
		# RDRAND (emulated by TCG) seeds the guest kernel's random
		# pool at once: the sim's getrandom() in xensim-cuse would
		# otherwise wait a second or more for the pool.
		set -- "${XRC_QEMU:-qemu-system-x86_64}" -accel tcg \
			-cpu "qemu64,+rdrand$_vm_cpu_san" -m 1G -smp 2 \
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
	rm -f "$_vm_log" "$_vm_out"/results.* "$_vm_out"/clients.* \
		"$_vm_out"/clients-sim.tsv "$_vm_out"/stress.tap
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
	# What else the guest shipped: the client programs' TAP (xen), the
	# daemon stress TAP (cuse).
	if xrc_vm_unship "$_vm_log" clients "$_vm_tmp/clients"; then
		xrc_vm_clients "$_vm_label" "$_vm_tmp/clients" "$_vm_out"
	elif grep -qx '@@XRC-SHIP-BEGIN clients@@' "$_vm_log"; then
		echo "$_vm_label: the clients' TAP arrived garbled" >&2
	fi
	if xrc_vm_unship "$_vm_log" stress "$_vm_tmp/stress"; then
		xrc_vm_stress "$_vm_label" "$_vm_tmp/stress" "$_vm_out"
	elif grep -qx '@@XRC-SHIP-BEGIN stress@@' "$_vm_log"; then
		echo "$_vm_label: the daemon stress TAP arrived garbled" >&2
	fi
	xrc_vm_sanitizer "$_vm_label" "$_vm_log" "$_vm_out"
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

# xrc_vm_unship LOG NAME DIR: unpack what the guest shipped as NAME
# (xrc_ship in vm-images/guest/lib.sh) into DIR.  False when it did not
# ship it or it arrived garbled.
xrc_vm_unship() {
	grep -qx "@@XRC-SHIP-BEGIN $2@@" "$1" || return 1
	mkdir -p "$3"
	sed -n "/^@@XRC-SHIP-BEGIN $2@@\$/,/^@@XRC-SHIP-END $2@@\$/p" "$1" |
		grep -E '^[A-Za-z0-9+/=]+$' | base64 -d 2>/dev/null |
		tar -xzf - -C "$3" 2>/dev/null
}

# xrc_vm_tap_outcomes PROGRAM <TAP: "PROGRAM<TAB>case<TAB>outcome" for
# each test case of cmocka's TAP (outcome ok, not-ok or skip).
xrc_vm_tap_outcomes() {
	awk -v prog="$1" '
	/^(not )?ok [0-9]+/ {
		o = /^not / ? "not-ok" : "ok"
		if (toupper($0) ~ /# SKIP/)
			o = "skip"
		name = $0
		sub(/^(not )?ok [0-9]+ *(- )?/, "", name)
		sub(/^# *[Ss][Kk][Ii][Pp] */, "", name)
		sub(/ *# *[Ss][Kk][Ii][Pp].*$/, "", name)
		printf "%s\t%s\t%s\n", prog, name, o
	}'
}

# xrc_vm_clients_sim DIR: the client programs' outcomes on sim:linux
# (the preload, as scripts/suites/clients.sh runs them), each program's
# TAP in DIR/NAME.tap, all outcomes on stdout.
xrc_vm_clients_sim() {
	mkdir -p "$1"
	for _vc_t in "$XRC_BUILD"/tests/clients/test_*; do
		[ -x "$_vc_t" ] || continue
		_vc_n=${_vc_t##*/}
		env CMOCKA_MESSAGE_OUTPUT=TAP XENSIM_PROFILE=linux \
			LD_PRELOAD="$XRC_BUILD/lib/libxensim-preload.so" \
			timeout 120 "$_vc_t" >"$1/$_vc_n.tap" 2>/dev/null || true
		xrc_vm_tap_outcomes "$_vc_n" <"$1/$_vc_n.tap"
	done
}

# xrc_vm_clients_diff REAL SIM: the cases whose outcome differs, as
# "program<TAB>case<TAB>real<TAB>sim" ("absent": that side lacks it).
xrc_vm_clients_diff() {
	awk -F '\t' 'NR == FNR { real[$1 "\t" $2] = $3; next }
	{ sim[$1 "\t" $2] = $3 }
	END {
		for (k in real)
			if (!(k in sim) || sim[k] != real[k])
				print k "\t" real[k] "\t" ((k in sim) ? sim[k] : "absent")
		for (k in sim)
			if (!(k in real))
				print k "\tabsent\t" sim[k]
	}' "$1" "$2" | LC_ALL=C sort
}

# xrc_vm_clients LABEL DIR OUT: the client programs' TAP shipped from dom0
# (DIR/NAME.tap): OUT/clients.tap (one TAP, a test per program's case),
# OUT/clients.tsv, and a line per program comparing it with sim:linux.
xrc_vm_clients() {
	: >"$3/clients.tsv"
	for _vc_f in "$2"/test_*.tap; do
		[ -f "$_vc_f" ] || continue
		_vc_n=${_vc_f##*/}
		xrc_vm_tap_outcomes "${_vc_n%.tap}" <"$_vc_f" >>"$3/clients.tsv"
	done
	awk -F '\t' 'BEGIN { print "# the client programs in a real Linux 6.1 dom0 on Xen 4.17" }
	{ line[NR] = $0; o[NR] = $3; n[NR] = $1 ": " $2 }
	END {
		print "1.." NR
		for (i = 1; i <= NR; i++)
			printf "%s %d - %s%s\n", o[i] == "not-ok" ? "not ok" : "ok",
				i, n[i], o[i] == "skip" ? " # SKIP" : ""
	}' "$3/clients.tsv" >"$3/clients.tap"
	xrc_vm_clients_sim "$3/clients-sim" >"$3/clients-sim.tsv"
	xrc_vm_clients_diff "$3/clients.tsv" "$3/clients-sim.tsv" \
		>"$3/clients.differ"
	for _vc_f in "$2"/test_*.tap; do
		[ -f "$_vc_f" ] || continue
		_vc_n=${_vc_f##*/}
		_vc_n=${_vc_n%.tap}
		awk -F '\t' -v p="$_vc_n" -v label="$1" -v rc="$(cat "$2/$_vc_n.rc" 2>/dev/null)" '
		FILENAME == ARGV[1] && $1 == p { c[$3]++ }
		FILENAME == ARGV[2] && $1 == p { d++; w = w sprintf("%s %s: real %s, sim %s", d > 1 ? ";" : "", $2, $3, $4) }
		END {
			printf "%s: clients %s: %d ok, %d not ok, %d skip", label, p, c["ok"], c["not-ok"], c["skip"]
			if (rc != "" && rc != 0)
				printf " [exit %s]", rc
			printf " (sim:linux: %s)\n", d ? d " differ:" w : "same"
		}' "$3/clients.tsv" "$3/clients.differ" >&2
	done
}

# xrc_vm_stress LABEL DIR OUT: the daemon stress TAP shipped from the cuse
# guest, in OUT/stress.tap, and its summary line.
xrc_vm_stress() {
	[ -f "$2/stress.tap" ] || return 0
	cp "$2/stress.tap" "$3/stress.tap"
	grep '^not ok' "$3/stress.tap" | sed "s/^/$1: daemon stress: /" >&2 || true
	awk -v label="$1" '/^ok / { ok++ } /^not ok / { bad++ }
	END { printf "%s: daemon stress: %d ok, %d not ok\n", label, ok, bad }' \
		"$3/stress.tap" >&2
}

# xrc_vm_sanitizer LABEL LOG OUT: the sanitizer reports the cuse guest
# printed (between @@XRC-SAN-BEGIN BIN FILE@@ and @@XRC-SAN-END@@, see
# vm-images/cuse/init) into OUT/sanitizer.txt, each frame in the
# guest's /bin/xensim-cuse-VARIANT (ASan names it by path, TSan by name)
# symbolized from the host's build of it
# (BUILD/VARIANT/bin/xensim-cuse: the image holds no symbolizer), and
# the first lines on stderr.  The guest has already marked the run broken.
xrc_vm_sanitizer() {
	rm -f "$3/sanitizer.txt"
	grep -q '^@@XRC-SAN-BEGIN ' "$2" || return 0
	_vs_tmp=$(mktemp -d "${TMPDIR:-/tmp}/xrc-san.XXXXXX")
	sed -n '/^@@XRC-SAN-BEGIN /,/^@@XRC-SAN-END@@$/p' "$2" |
		tr -d '\r' >"$_vs_tmp/raw"
	: >"$_vs_tmp/map"
	for _vs_v in asan tsan; do
		_vs_bin="$XRC_BUILD/$_vs_v/bin/xensim-cuse"
		if [ ! -f "$_vs_bin" ] ||
		   ! command -v llvm-symbolizer >/dev/null 2>&1; then
			continue
		fi
		grep -oE "xensim-cuse-$_vs_v\+0x[0-9a-f]+\)" "$_vs_tmp/raw" |
			sed 's/.*+//; s/)$//' | sort -u >"$_vs_tmp/offs"
		[ -s "$_vs_tmp/offs" ] || continue
		# One answer per address: function, file:line:col, a blank.
		llvm-symbolizer --obj="$_vs_bin" --no-inlines <"$_vs_tmp/offs" |
			awk -v v="$_vs_v" -v offs="$_vs_tmp/offs" '
			NF == 0 { next }
			!f { f = $0; next }
			{ getline off <offs; print v "+" off "\t" f " " $0; f = "" }' \
			>>"$_vs_tmp/map"
	done
	awk -F '\t' 'NR == FNR { sym[$1] = $2; next }
	{
		line = $0
		if (match(line, /xensim-cuse-(asan|tsan)\+0x[0-9a-f]+\)/)) {
			k = substr(line, RSTART + 12, RLENGTH - 13)
			if (k in sym)
				line = line " in " sym[k]
		}
		print line
	}' "$_vs_tmp/map" "$_vs_tmp/raw" >"$3/sanitizer.txt"
	rm -rf "$_vs_tmp"
	grep -v '^@@XRC-SAN-' "$3/sanitizer.txt" | grep -v '^$' | head -n 40 |
		sed "s/^/$1: sanitizer: /" >&2
	echo "$1: sanitizer: the reports in full: $3/sanitizer.txt" >&2
}
