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
# xrc_xen_ident FILE: how a report names a file the user booted: its
# name and its sha256, which mean the same on every machine (a host path
# would not, in a published page or a merged matrix).
xrc_xen_ident() {
	_xi_sum=$(sha256sum "$1" 2>/dev/null | cut -d' ' -f1) ||
		xrc_die "cannot read $1"
	printf '%s sha256:%s\n' "$(basename "$1")" "$_xi_sum"
}

xrc_vm_make() {
	# An installed xrc has no tree to build the images from (docs/install.md).
	[ -z "${XRC_INSTALLED:-}" ] ||
		xrc_die "$2: the VM backends need the source tree (run scripts/xrc from a clone)"
	_vm_target="$XRC_VM_DIR/$1/initrd.gz"
	_vm_rel=${_vm_target#"$XRC_ROOT"/}
	_vm_log=$(mktemp "${TMPDIR:-/tmp}/xrc-vm-make.XXXXXX")
	echo "$2: image: make $_vm_rel" >&2
	{
		_vm_rc=0
		# The lock xrc_ensure_built takes: parallel runs (xrc matrix
		# --jobs, two make checks) must not rebuild one image at once.
		mkdir -p "$XRC_BUILD"
		flock "$XRC_BUILD/.xrc-make.lock" \
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
		# What to boot may be given (--kernel, ...): see below.
		xrc_xen_qemu_args "$2"
		return 0 ;;
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
	# xen-vm: the files given (--kernel, ...) are read before anything.
	[ "$_vm_img" != xen ] || xrc_xen_check "$_vm_label"
	xrc_vm_make "$_vm_img" "$_vm_label"
	[ "$_vm_img" != xen ] || xrc_xen_prepare "$_vm_label"

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
		[ "$_vm_img" != xen ] || xrc_xen_no_suite "$_vm_log"
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
	[ "$_vm_img" != xen ] || xrc_xen_booted "$_vm_label" "$_vm_out"
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
# TAP in DIR/NAME.tap, all outcomes on stdout.  --- port: on
# sim:$XRC_VM_CLIENTS when set (xrc run --port: the profile the port's
# drivers claim, which the guest's programs were told too). ---
xrc_vm_clients_sim() {
	mkdir -p "$1"
	for _vc_t in "$XRC_BUILD"/tests/clients/test_*; do
		[ -x "$_vc_t" ] || continue
		_vc_n=${_vc_t##*/}
		env CMOCKA_MESSAGE_OUTPUT=TAP XENSIM_PROFILE="${XRC_VM_CLIENTS:-linux}" \
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
		awk -F '\t' -v p="$_vc_n" -v label="$1" -v rc="$(cat "$2/$_vc_n.rc" 2>/dev/null)" \
			-v sim="sim:${XRC_VM_CLIENTS:-linux}" '
		FILENAME == ARGV[1] && $1 == p { c[$3]++ }
		FILENAME == ARGV[2] && $1 == p { d++; w = w sprintf("%s %s: real %s, sim %s", d > 1 ? ";" : "", $2, $3, $4) }
		END {
			printf "%s: clients %s: %d ok, %d not ok, %d skip", label, p, c["ok"], c["not-ok"], c["skip"]
			if (rc != "" && rc != 0)
				printf " [exit %s]", rc
			printf " (%s: %s)\n", sim, d ? d " differ:" w : "same"
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

# ---- xen-vm: what to boot (--kernel, --modules, --module, --xen, ...) ----
#
# scripts/xrc-lib/run.sh keeps the options in XRC_XEN_* (empty: the pinned
# Debian packages).  xrc_xen_check reads every file given before anything
# is built or booted; xrc_xen_prepare then puts what the run boots in a
# folder of its own (XRC_XEN_RUN: links to the kernel and Xen, Xen
# gunzipped) and, when a kernel, modules or Xen is given, the base image
# followed by a small gzipped cpio (the initramfs unpacks concatenated
# archives in turn, Linux init/initramfs.c, unpack_to_rootfs) holding
# under /lib/xrc/byo/ the module files to load (ko/NAME.ko), where each
# came from (origin: "NAME FILE"), the drivers built in (builtin) and the
# booted.* report lines (meta).  vm-images/xen/init loads them.

# The drivers the xen image loads, in dependency order (xenfs depends on
# xen-privcmd): vm-images/xen/modules.
xrc_xen_drivers() {
	sed -e 's/#.*//' "$XRC_ROOT/vm-images/xen/modules" | grep -v '^[[:space:]]*$'
}

# xrc_xen_release BZIMAGE: the kernel's release (6.1.0-56-amd64), read from
# its setup header: "HdrS" at 0x202, and at 0x20E the offset, less 0x200,
# of the kernel_version string (Linux Documentation/arch/x86/boot.rst;
# little-endian, as the host).  False for a file without one.
xrc_xen_release() {
	[ "$(dd if="$1" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] || return 1
	_xr_off=$(od -An -tu2 -j 526 -N 2 "$1" | tr -d ' ')
	[ -n "$_xr_off" ] && [ "$_xr_off" -gt 0 ] || return 1
	_xr_rel=$(dd if="$1" bs=1 skip=$((_xr_off + 512)) count=128 2>/dev/null |
		tr '\0' '\n' | head -n 1 | cut -d ' ' -f 1)
	case $_xr_rel in
	'' | *[!A-Za-z0-9._+~-]*) return 1 ;;
	esac
	echo "$_xr_rel"
}

# xrc_xen_file LABEL WHAT FILE: FILE can be read, or exit 2 naming it as
# WHAT (the option as given).
xrc_xen_file() {
	[ -e "$3" ] || xrc_die "$1: $2: no such file"
	[ -f "$3" ] || xrc_die "$1: $2: not a regular file"
	[ -r "$3" ] || xrc_die "$1: $2: cannot be read"
}

# xrc_xen_abs FILE: FILE's absolute path.
xrc_xen_abs() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$PWD/$1" ;;
	esac
}

# xrc_xen_check LABEL: every file given exists and can be read, before the
# image is built or anything boots.
xrc_xen_check() {
	[ -z "$XRC_XEN_KERNEL" ] || xrc_xen_file "$1" "--kernel $XRC_XEN_KERNEL" "$XRC_XEN_KERNEL"
	[ -z "$XRC_XEN_HV" ] || xrc_xen_file "$1" "--xen $XRC_XEN_HV" "$XRC_XEN_HV"
	if [ -n "$XRC_XEN_MODULES" ] && [ ! -d "$XRC_XEN_MODULES" ]; then
		xrc_die "$1: --modules $XRC_XEN_MODULES: no such folder"
	fi
	if [ -n "$XRC_XEN_MODULE" ]; then
		echo "$XRC_XEN_MODULE" | while IFS= read -r _xc_m; do
			_xc_n=${_xc_m%%=*}
			xrc_xen_drivers | grep -qx -- "$_xc_n" ||
				xrc_die "$1: --module $_xc_m: no driver '$_xc_n' (one of: $(xrc_xen_drivers | tr '\n' ' '| sed 's/ $//'))"
			xrc_xen_file "$1" "--module $_xc_m" "${_xc_m#*=}"
		done || exit "$XRC_EXIT_BROKE"
	fi
	if [ -n "$XRC_XEN_MODULE$XRC_XEN_MODULES" ] &&
	   ! command -v modinfo >/dev/null 2>&1 &&
	   [ ! -x /usr/sbin/modinfo ] && [ ! -x /sbin/modinfo ]; then
		xrc_die "$1: modinfo not found (scripts/deps.sh installs kmod)"
	fi
	return 0
}

# xrc_xen_modinfo FIELD FILE: modinfo -F FIELD FILE (kmod; in /usr/sbin).
xrc_xen_modinfo() {
	PATH="$PATH:/usr/sbin:/sbin" modinfo -F "$1" "$2" 2>/dev/null
}

# xrc_xen_module LABEL NAME FILE RELEASE ROOT HOW: check that FILE is the
# module NAME built for RELEASE (its vermagic's first word), then put it
# in ROOT/lib/xrc/byo/ko/NAME.ko, noting where it came from; HOW
# prefixes FILE in messages ("--module NAME=", "--modules DIR: ").  Its
# dependencies outside the driver list are loaded first, from --modules.
xrc_xen_module() {
	_xm_name=$(xrc_xen_modinfo name "$3") || _xm_name=
	[ -n "$_xm_name" ] ||
		xrc_die "$1: $6$3: not a kernel module (modinfo cannot read it)"
	[ "$(echo "$_xm_name" | tr _ -)" = "$(echo "$2" | tr _ -)" ] ||
		xrc_die "$1: $6$3: the file is module $_xm_name, not $2"
	_xm_magic=$(xrc_xen_modinfo vermagic "$3")
	_xm_rel=${_xm_magic%% *}
	[ "$_xm_rel" = "$4" ] ||
		xrc_die "$1: $6$3: vermagic '$_xm_magic' is for Linux ${_xm_rel:-?}, the kernel is $4"
	for _xm_dep in $(xrc_xen_modinfo depends "$3" | tr ',' ' '); do
		xrc_xen_drivers | grep -qx -- "$_xm_dep" && continue
		[ ! -f "$5/lib/xrc/byo/ko/$_xm_dep.ko" ] || continue
		_xm_f=
		[ -z "$XRC_XEN_MODULES" ] ||
			_xm_f=$(find "$XRC_XEN_MODULES" -name "$_xm_dep.ko" | head -n 1)
		[ -n "$_xm_f" ] ||
			xrc_die "$1: $6$3 needs module $_xm_dep, which no --modules folder holds"
		# (Recursion: only the arguments of this call are used after it.)
		xrc_xen_module "$1" "$_xm_dep" "$_xm_f" "$4" "$5" "--modules $XRC_XEN_MODULES: "
		echo "$_xm_dep" >>"$5/lib/xrc/byo/deps"
	done
	cp "$3" "$5/lib/xrc/byo/ko/$2.ko"
	printf '%s %s\n' "$2" "$(basename "$3")" >>"$5/lib/xrc/byo/origin"
}

# xrc_xen_plan LABEL RELEASE ROOT: the drivers the run loads from files
# given (--module, else --modules), into ROOT/lib/xrc/byo/; the drivers
# the --modules tree's modules.builtin names go in builtin.  A driver in
# neither is left to the guest: built in (/sys/module/NAME), else the
# pinned image's module when the release is the pinned one, else the
# run breaks there naming it.
xrc_xen_plan() {
	mkdir -p "$3/lib/xrc/byo/ko"
	: >"$3/lib/xrc/byo/origin"
	: >"$3/lib/xrc/byo/builtin"
	: >"$3/lib/xrc/byo/deps"
	for _xp_m in $(xrc_xen_drivers); do
		_xp_f=$(echo "$XRC_XEN_MODULE" | sed -n "s/^$_xp_m=//p" | tail -n 1)
		if [ -n "$_xp_f" ]; then
			xrc_xen_module "$1" "$_xp_m" "$_xp_f" "$2" "$3" "--module $_xp_m="
			continue
		fi
		[ -n "$XRC_XEN_MODULES" ] || continue
		if [ -f "$XRC_XEN_MODULES/modules.builtin" ] &&
		   grep -q "/$_xp_m\.ko\$" "$XRC_XEN_MODULES/modules.builtin"; then
			echo "$_xp_m" >>"$3/lib/xrc/byo/builtin"
			continue
		fi
		_xp_f=$(find "$XRC_XEN_MODULES" -name "$_xp_m.ko" | head -n 1)
		if [ -z "$_xp_f" ] && [ -n "$(find "$XRC_XEN_MODULES" -name "$_xp_m.ko.*" | head -n 1)" ]; then
			xrc_die "$1: --modules $XRC_XEN_MODULES: $_xp_m is compressed (.ko.xz/.ko.zst): unpack it first"
		fi
		[ -z "$_xp_f" ] ||
			xrc_xen_module "$1" "$_xp_m" "$_xp_f" "$2" "$3" "--modules $XRC_XEN_MODULES: "
	done
}

# xrc_xen_extra LABEL: fidelity --fuzz's programs (XRC_XEN_EXTRA, an
# archive fidelity.sh packs) appended to the initrd QEMU boots, whatever
# else the run boots.
xrc_xen_extra() {
	[ -n "${XRC_XEN_EXTRA:-}" ] || return 0
	cat "$XRC_XEN_IFILE" "$XRC_XEN_EXTRA" >"$XRC_XEN_EXTRA.initrd" ||
		xrc_die "$1: cannot write $XRC_XEN_EXTRA.initrd"
	XRC_XEN_IFILE="$XRC_XEN_EXTRA.initrd"
}

# xrc_xen_prepare LABEL: after the image is made, the run's folder
# (XRC_XEN_RUN, removed on exit) and what QEMU boots from it:
# XRC_XEN_KFILE, XRC_XEN_HFILE, XRC_XEN_IFILE.
xrc_xen_prepare() {
	_xx_stage="$XRC_VM_DIR/stage"
	XRC_XEN_KFILE="$_xx_stage/vmlinuz"
	XRC_XEN_HFILE="$_xx_stage/xen"
	XRC_XEN_IFILE="$XRC_VM_DIR/xen/initrd.gz"
	# Nothing else to boot: the image as it is (the guest names the pins),
	# with the fuzz programs if fidelity --fuzz gave them.
	if [ -z "$XRC_XEN_KERNEL$XRC_XEN_MODULES$XRC_XEN_MODULE$XRC_XEN_HV" ]; then
		xrc_xen_extra "$1"
		return 0
	fi
	XRC_XEN_RUN=$(mktemp -d "$XRC_VM_DIR/xen/run.XXXXXX")
	# Gone with the process, whether the run ends or dies (xrc_die).
	trap 'rm -rf "$XRC_XEN_RUN"' EXIT

	_xx_pinned=$(cat "$_xx_stage/kver")
	_xx_booted_k="pinned linux-image-$_xx_pinned"
	_xx_rel=$_xx_pinned
	if [ -n "$XRC_XEN_KERNEL" ]; then
		_xx_rel=$(xrc_xen_release "$XRC_XEN_KERNEL") ||
			xrc_die "$1: --kernel $XRC_XEN_KERNEL: not a bzImage (no setup header with a kernel_version string)"
		ln -s "$(xrc_xen_abs "$XRC_XEN_KERNEL")" "$XRC_XEN_RUN/vmlinuz"
		XRC_XEN_KFILE="$XRC_XEN_RUN/vmlinuz"
		_xx_booted_k=$(xrc_xen_ident "$XRC_XEN_KERNEL")
	fi
	_xx_booted_x="pinned $(sed -n 's/^\(xen-hypervisor-[^=]*\)=.*/\1/p' "$XRC_ROOT/vm-images/packages.pin")"
	if [ -n "$XRC_XEN_HV" ]; then
		case $(od -An -tx1 -N 4 "$XRC_XEN_HV" | tr -d ' ') in
		1f8b*)
			gunzip -c "$XRC_XEN_HV" >"$XRC_XEN_RUN/xen" 2>/dev/null ||
				xrc_die "$1: --xen $XRC_XEN_HV: gunzip failed" ;;
		7f454c46) ln -s "$(xrc_xen_abs "$XRC_XEN_HV")" "$XRC_XEN_RUN/xen" ;;
		*) xrc_die "$1: --xen $XRC_XEN_HV: neither gzip nor ELF (xen-*.gz or the gunzipped ELF)" ;;
		esac
		[ "$(od -An -tx1 -N 4 "$XRC_XEN_RUN/xen" | tr -d ' ')" = 7f454c46 ] ||
			xrc_die "$1: --xen $XRC_XEN_HV: gunzipped, it is not an ELF file"
		XRC_XEN_HFILE="$XRC_XEN_RUN/xen"
		_xx_booted_x=$(xrc_xen_ident "$XRC_XEN_HV")
	fi

	_xx_root="$XRC_XEN_RUN/root"
	xrc_xen_plan "$1" "$_xx_rel" "$_xx_root"
	printf 'booted.kernel=%s\nbooted.xen=%s\n' "$_xx_booted_k" "$_xx_booted_x" \
		>"$_xx_root/lib/xrc/byo/meta"
	# Owner root, as the base image (mkinitrd.sh); gzip -1: it is read once.
	(cd "$_xx_root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$XRC_XEN_RUN/byo.cpio.gz" ||
		xrc_die "$1: could not pack the modules given (cpio)"
	cat "$XRC_VM_DIR/xen/initrd.gz" "$XRC_XEN_RUN/byo.cpio.gz" >"$XRC_XEN_RUN/initrd.gz"
	XRC_XEN_IFILE="$XRC_XEN_RUN/initrd.gz"
	xrc_xen_extra "$1"
	echo "$1: booting Linux $_xx_rel ($_xx_booted_k), Xen $_xx_booted_x$(
		while read -r _xx_n _xx_o; do printf ', %s from %s' "$_xx_n" "$_xx_o"; done \
			<"$_xx_root/lib/xrc/byo/origin")" >&2
}

# xrc_xen_qemu_args OPTIONS: XRC_VM_ARGS for the xen image, one argument a
# line: qemu64 with SVM and nested paging, so that Xen can run HVM guests
# (dm_op needs them; "max" kills dom0); multiboot modules are "file
# args,file", so a "," in the arguments is written ",,".  The options
# given (--xen-cmdline, --dom0-cmdline) come after the defaults (the last
# value of a parameter wins), --qemu-opt at the very end (the last -cpu
# or -m wins).  Both boot lines are docs/reference/linux-6.1-observed.md's.
xrc_xen_qemu_args() {
	_xq_dom0="$XRC_XEN_KFILE console=hvc0 earlyprintk=xen loglevel=4 panic=-1 $1${XRC_XEN_DOM0_CMDLINE:+ $XRC_XEN_DOM0_CMDLINE}"
	set -- "${XRC_QEMU:-qemu-system-x86_64}" -accel tcg \
		-cpu qemu64,+svm,+npt -m "${XRC_XEN_MEM:-1536}M" -smp 2 \
		-kernel "$XRC_XEN_HFILE" \
		-append "console=com1 com1=115200,8n1 dom0_mem=512M,max:512M${XRC_XEN_CMDLINE:+ $XRC_XEN_CMDLINE}" \
		-initrd "$(echo "$_xq_dom0" | sed 's/,/,,/g'),$XRC_XEN_IFILE" \
		-nic none -nographic -no-reboot
	XRC_VM_ARGS=$(printf '%s\n' "$@")
	[ -z "$XRC_XEN_QEMU_OPTS" ] || XRC_VM_ARGS="$XRC_VM_ARGS
$XRC_XEN_QEMU_OPTS"
}

# xrc_xen_booted LABEL OUT: what the reports say was booted, on one line.
xrc_xen_booted() {
	[ -f "$2/results.tsv" ] || return 0
	awk -v label="$1" '
	/^# [a-z0-9.-]+: / { k = substr($2, 1, length($2) - 1); v = $0; sub(/^# [^:]*: /, "", v); m[k] = v }
	/^[^#]/ { exit }
	END {
		if (!("kernel" in m))
			exit
		printf "%s: booted Linux %s (%s), Xen %s (%s)", label, m["kernel"], m["booted.kernel"], m["xen"], m["booted.xen"]
		n = split("xen-privcmd xen-evtchn xen-gntdev xen-gntalloc", d, " ")
		for (i = 1; i <= n; i++)
			printf "%s %s: %s", i == 1 ? ";" : ",", d[i], m["driver." d[i]]
		printf "\n"
	}' "$2/results.tsv" >&2
}

# xrc_xen_no_suite LOG: after a run without the end marker, one line
# saying how far dom0 got.
xrc_xen_no_suite() {
	if ! grep -q '^(XEN) ' "$1"; then
		echo "xen-vm: Xen printed nothing: it did not boot (--xen, --qemu-opt?)" >&2
	elif ! grep -q 'Linux version ' "$1"; then
		echo "xen-vm: dom0's kernel never started (--kernel${XRC_XEN_KERNEL:+ $XRC_XEN_KERNEL}: not a kernel Xen can boot as dom0?)" >&2
	fi
}
