# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: run the conformance suite against a backend, judged by a profile
#
# `xrc run`: resolve the backend into how to start the runner
# (build/bin/xrc-conformance), then run it and pass its exit code through.

xrc_run_help() {
	cat <<-EOF
	usage: xrc run [--backend BACKEND] [--profile EXPECTED] [--format FMT]
	               [--out DIR] [--only GLOB[,GLOB...]] [--jobs N]
	               [--timeout S]
	               [xen-vm: --kernel FILE] [--modules DIR] [--module NAME=FILE.ko]...
	               [--port PORT]
	               [--xen FILE] [--xen-cmdline ARGS] [--dom0-cmdline ARGS]
	               [--qemu-opt ARG]... [--mem MB]

	Runs every assertion of the catalogue against BACKEND and judges each
	outcome by the EXPECTED profile's column.

	  --backend BACKEND  what to test (default: sim)
	      sim[:PROFILE]    the sim behaving as PROFILE, through the preload
	                       (build/lib/libxensim-preload.so); sim = sim:proposed
	      devdir:PATH      the devices under PATH (privcmd, evtchn, gntdev,
	                       gntalloc), e.g. devdir:/dev/xen on a real dom0
	      cuse-vm[:PROFILE] the sim behaving as PROFILE (default proposed),
	                       served by CUSE (xensim-cuse) in a Linux VM
	      xen-vm           Xen 4.17 with Debian's Linux 6.1 as dom0, in a VM
	                       (the real drivers; paused target domains made
	                       through libxenctrl)
	      xen-domu[:TARGET] the same machine; the suite runs in a PV domU dom0
	                       makes (xl), whose xenstore "target" is TARGET (none
	                       without); by default only the domU rows (XSA-482)
	      The VM backends build their image on first use (make, from
	      vm-images/; the pinned Debian packages are fetched once into
	      BUILD/vm/cache/) and boot it under qemu-system-x86_64 -accel tcg;
	      the guest's console goes to OUT/console.log.
	  xen-vm only: what to boot (default: the pinned Debian packages,
	  vm-images/packages.pin); every file is checked before QEMU starts
	    --kernel FILE    dom0's kernel (a bzImage, e.g. boot/vmlinuz-*); its
	                     release is read from the setup header
	    --modules DIR    its modules: a lib/modules/RELEASE tree or a folder
	                     of .ko files; the Xen drivers found there are loaded
	                     with insmod, those built in (modules.builtin,
	                     /sys/module/NAME) are used as they are
	    --module NAME=FILE.ko  replace one driver (xen-privcmd, xenfs,
	                     xen-evtchn, xen-gntdev, xen-gntalloc); repeatable;
	                     its vermagic must name the kernel's release
	    --xen FILE       the hypervisor: xen-*.gz or the ELF
	    --xen-cmdline ARGS  appended to Xen's command line
	                     (console=com1 com1=115200,8n1 dom0_mem=512M,max:512M)
	    --dom0-cmdline ARGS appended to dom0's (console=hvc0 earlyprintk=xen
	                     loglevel=4 panic=-1 xrc.*)
	    --qemu-opt ARG   one more argument at the end of QEMU's command line;
	                     repeatable (--qemu-opt -cpu --qemu-opt qemu64: the
	                     last -cpu or -m wins)
	    --mem MB         the VM's memory (default 1536, at least 1024)
	    --port PORT      a patched kernel's drivers from ports/PORT/ (e.g.
	                     linux-6.1): built with 'make ports' first, then
	                     loaded as --module xen-privcmd=BUILD/ports/PORT/
	                     xen-privcmd.ko and so on for xen-evtchn, xen-gntdev,
	                     xen-gntalloc; a --module given too wins for its driver
	  The reports record what was booted (--meta: kernel, xen,
	  driver.NAME, booted.kernel, booted.xen).
	  --profile EXPECTED the column to judge by (default: proposed);
	                     see 'xrc profiles'
	  --format FMT       what to print: text (default), tap, junit, matrix
	  --out DIR          where the reports go (default:
	                     build/results/<backend, ':' -> '-', '/' -> '_'>/):
	                     results.txt, results.tap, results.xml, results.md,
	                     results.tsv
	  --only GLOB,...    only the assertions whose ID matches a GLOB
	                     (e.g. 'evtchn.*'; repeatable); see 'xrc list'
	  --jobs N           run N assertions at once
	  --timeout S        per-assertion timeout in seconds (runner default 10)

	exit: 0 conforms, 1 some assertion FAILed, 2 the run broke (an ERROR,
	a bad command line, a backend not available), 77 everything skipped.

	environment: BUILD (build directory, default build); XRC_SIM_PRELOAD
	(another preload for sim backends, e.g. the planted-defect build
	build/planted/lib/libxensim-preload.so; XENSIM_PLANT passes through);
	XRC_VM_TIMEOUT (seconds a VM run may take in all, default 600: then
	QEMU is killed and the run broke); XRC_QEMU (default
	qemu-system-x86_64); XRC_CUSE_SANITIZER (cuse-vm: asan or tsan serves
	the devices with xensim-cuse built with ASan+UBSan or TSan; any
	sanitizer report, symbolized into OUT/sanitizer.txt, breaks the run).
	EOF
}

# xrc_out_name BACKEND: the default report folder's name.
xrc_out_name() {
	echo "$1" | sed 's#^\(devdir:\)/*#\1#' | tr ':/' '-_'
}

xrc_run() {
	_backend=sim
	_profile=proposed
	_format=
	_out=
	_only=
	_jobs=
	_timeout=
	_xen_opts=
	# --- port: --port PORT (scripts/xrc-lib/_port.sh); the profile its
	# drivers claim, for the client programs (_vm.sh, guest lib.sh) ---
	_port='' XRC_VM_CLIENTS=''
	# shellcheck source=scripts/xrc-lib/_xenopts.sh disable=SC1091
	. "$XRC_LIB/_xenopts.sh"
	xrc_xen_opts_reset
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help)
			xrc_run_help
			return 0 ;;
		--*=)
			xrc_usage_error run "${1%=} needs a value" ;;
		--backend=*) _backend=${1#*=} ;;
		--profile=*) _profile=${1#*=} ;;
		--format=*) _format=${1#*=} ;;
		--out=*) _out=${1#*=} ;;
		--only=*) _only=${_only:+$_only,}${1#*=} ;;
		--jobs=*) _jobs=${1#*=} ;;
		--timeout=*) _timeout=${1#*=} ;;
		--backend | --profile | --format | --out | --only | --jobs | \
		--timeout)
			xrc_need_value run "$@"
			_opt=${1#--}
			case $_opt in
			backend) _backend=$2 ;;
			profile) _profile=$2 ;;
			format) _format=$2 ;;
			out) _out=$2 ;;
			only) _only=${_only:+$_only,}$2 ;;
			jobs) _jobs=$2 ;;
			timeout) _timeout=$2 ;;
			esac
			shift ;;
		# xen-vm: what to boot (xrc_xen_opt, _vm.sh).
		--kernel=* | --modules=* | --module=* | --xen=* | --xen-cmdline=* | \
		--dom0-cmdline=* | --qemu-opt=* | --mem=*)
			xrc_xen_opt run "${1%%=*}" "${1#*=}" ;;
		--kernel | --modules | --module | --xen | --xen-cmdline | \
		--dom0-cmdline | --qemu-opt | --mem)
			xrc_need_value run "$@"
			xrc_xen_opt run "$1" "$2"
			shift ;;
		# --- port ---
		--port=*) _port=${1#*=} _xen_opts="${_xen_opts:+$_xen_opts, }--port" ;;
		--port)
			xrc_need_value run "$@"
			_port=$2 _xen_opts="${_xen_opts:+$_xen_opts, }--port"
			shift ;;
		# --- end port ---
		*)
			xrc_usage_error run "unexpected argument '$1'" ;;
		esac
		shift
	done

	case $_format in
	'' | text | tap | junit | matrix) ;;
	*) xrc_usage_error run "unknown format '$_format' (text, tap, junit, matrix)" ;;
	esac
	if [ -n "$_jobs" ] && ! xrc_is_count "$_jobs"; then
		xrc_usage_error run "--jobs wants a positive number, not '$_jobs'"
	fi
	if [ -n "$_timeout" ] && ! xrc_is_seconds "$_timeout"; then
		xrc_usage_error run "--timeout wants a positive number of seconds, not '$_timeout'"
	fi

	# The backend: what to run the runner under.
	_devdir=
	_sim_profile=
	_vm=
	_domu=	# xen-domu: scripts/xrc-lib/_domu.sh
	case $_backend in
	sim) _sim_profile=proposed ;;
	sim:*) _sim_profile=${_backend#sim:} ;;
	devdir:*)
		_devdir=${_backend#devdir:}
		[ -n "$_devdir" ] ||
			xrc_usage_error run "devdir: needs a path (devdir:/dev/xen)" ;;
	cuse-vm) _vm=cuse _sim_profile=proposed ;;
	cuse-vm:*) _vm=cuse _sim_profile=${_backend#cuse-vm:} ;;
	xen-vm) _vm=xen ;;
	# --- xen-domu ---
	xen-domu | xen-domu:*)
		# shellcheck source=scripts/xrc-lib/_domu.sh disable=SC1091
		. "$XRC_LIB/_domu.sh"
		_vm=xen _domu=1
		xrc_domu_check "$_backend" ;;
	# --- end xen-domu ---
	*)
		xrc_usage_error run "unknown backend '$_backend' (sim[:PROFILE], devdir:PATH, cuse-vm[:PROFILE], xen-vm)" ;;
	esac
	[ -z "$_xen_opts" ] || [ "$_vm" = xen ] ||
		xrc_usage_error run "$_xen_opts: only for --backend xen-vm"
	# --- port: its modules go before any --module (the last one wins) ---
	if [ -n "$_port" ]; then
		[ -z "$_domu" ] || xrc_usage_error run "--port: only for --backend xen-vm"
		# shellcheck source=scripts/xrc-lib/_port.sh disable=SC1091
		. "$XRC_LIB/_port.sh"
		_port_mods=$(xrc_port_modules "$_port") || exit "$XRC_EXIT_BROKE"
		XRC_XEN_MODULE="$_port_mods${XRC_XEN_MODULE:+
$XRC_XEN_MODULE}"
		XRC_VM_CLIENTS=$XRC_PORT_PROFILE
	fi
	# --- end port ---

	xrc_ensure_built "$XRC_RUNNER"
	xrc_is_profile "$_profile" ||
		xrc_usage_error run "unknown profile '$_profile' (see 'xrc profiles')"
	if [ -n "$_sim_profile" ]; then
		xrc_is_profile "$_sim_profile" ||
			xrc_usage_error run "unknown sim profile '$_sim_profile' (see 'xrc profiles')"
		if [ -n "$_vm" ]; then
			_backend=cuse-vm:$_sim_profile
		else
			_backend=sim:$_sim_profile
		fi
	fi

	[ -n "$_out" ] || _out="$XRC_BUILD/results/$(xrc_out_name "$_backend")"
	mkdir -p "$_out" || xrc_die "cannot create $_out"

	set -- --profile "$_profile" --backend "$_backend" --out "$_out"
	[ -z "$_format" ] || set -- "$@" --format "$_format"
	[ -z "$_only" ] || set -- "$@" --only "$_only"
	[ -z "$_jobs" ] || set -- "$@" --jobs "$_jobs"
	[ -z "$_timeout" ] || set -- "$@" --timeout "$_timeout"

	_rc=0
	if [ -n "$_vm" ]; then
		xrc_run_vm || _rc=$?
	elif [ -n "$_sim_profile" ]; then
		_preload=${XRC_SIM_PRELOAD:-$XRC_PRELOAD}
		[ -n "${XRC_SIM_PRELOAD:-}" ] || xrc_ensure_built "$_preload"
		[ -f "$_preload" ] || xrc_die "no preload at $_preload"
		case $_preload in
		/*) ;;
		*) _preload="$PWD/$_preload" ;;
		esac
		XENSIM_PROFILE=$_sim_profile \
			LD_PRELOAD="$_preload${LD_PRELOAD:+ $LD_PRELOAD}" \
			"$XRC_RUNNER" "$@" || _rc=$?
	else
		if [ ! -d "$_devdir" ]; then
			echo "xrc run: note: $_devdir is not a directory:" \
				"every device will be absent" >&2
		fi
		"$XRC_RUNNER" --devdir "$_devdir" "$@" || _rc=$?
	fi
	return "$_rc"
}

# The VM backends: the same options, as xrc.NAME=VALUE words on the
# guest's kernel command line (vm-images/guest/lib.sh reads them).
xrc_run_vm() {
	# shellcheck source=scripts/xrc-lib/_vm.sh disable=SC1091
	. "$XRC_LIB/_vm.sh"
	case $_only in
	*[[:space:]]*) xrc_usage_error run "--only globs for a VM backend cannot hold spaces" ;;
	esac
	_opts="xrc.profile=$_profile xrc.backend=$_backend"
	[ -z "$_domu" ] || xrc_domu_vm	# xen-domu: its machine and options
	[ -z "$_sim_profile" ] || _opts="$_opts xrc.sim=$_sim_profile"
	[ -z "$_only" ] || _opts="$_opts xrc.only=$_only"
	[ -z "$_jobs" ] || _opts="$_opts xrc.jobs=$_jobs"
	[ -z "$_timeout" ] || _opts="$_opts xrc.timeout=$_timeout"
	[ -z "$XRC_VM_CLIENTS" ] || _opts="$_opts xrc.clients=$XRC_VM_CLIENTS"	# --- port ---
	# Which build of xensim-cuse serves the cuse guest's devices.
	case ${XRC_CUSE_SANITIZER:-} in
	'' | plain) ;;
	asan | tsan)
		[ "$_vm" != cuse ] ||
			_opts="$_opts xrc.cuse=$XRC_CUSE_SANITIZER" ;;
	*) xrc_usage_error run "XRC_CUSE_SANITIZER wants asan or tsan, not '$XRC_CUSE_SANITIZER'" ;;
	esac
	# Xen keeps at most 1024 bytes of dom0's command line (Linux 2048),
	# and would cut the options short without a word.
	[ "${#_opts}" -le 768 ] ||
		xrc_usage_error run "the options are too long for a VM's kernel command line (${#_opts} bytes, at most 768): fewer --only globs"
	[ $((${#_opts} + ${#XRC_XEN_DOM0_CMDLINE})) -le 768 ] ||
		xrc_usage_error run "--dom0-cmdline is too long: with the run's options, dom0's command line would pass 768 bytes (Xen keeps 1024)"
	_vrc=0
	xrc_vm_run "$_vm" "$_backend" "$_out" "$_opts" || _vrc=$?
	xrc_vm_print "$_out" "$_format"
	return "$_vrc"
}

