# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: run xen-vm for every Debian kernel x Xen version, merged into one matrix
#
# `xrc matrix`: fetch each --kernel-pkg and --xen-pkg once
# (vm-images/fetch-version.sh: apt-get download into BUILD/vm/cache/versions,
# unpacked into BUILD/vm/versions), then run `xrc run --backend xen-vm
# --kernel --modules --xen` (and xen-domu with --domu) for every
# combination, N at a time, each into a folder of its own, and merge the
# folders with `xrc report`.  Each combination is an independent run: a CI
# system can run one per job and merge the folders in a last job
# (docs/ci/github-actions-matrix.yml).

XRC_MATRIX_TITLE="Version matrix"
XRC_MATRIX_DIFFER="Assertions whose outcome changes across versions"

xrc_matrix_help() {
	cat <<-HELP
	usage: xrc matrix [--kernel-pkg PKG[=VER]]... [--xen-pkg PKG[=VER]]...
	                  [--profile P] [--jobs N] [--out DIR] [--domu]
	                  [--publish FILE]

	Runs the suite on xen-vm (Xen with a Debian Linux dom0, in QEMU TCG)
	for every kernel x Xen combination of Debian packages, and merges the
	runs into one matrix whose columns are the versions, with a section
	listing only the assertions whose outcome changes across versions.

	  --kernel-pkg PKG[=VER]  a linux-image-KVER package (e.g.
	                    linux-image-6.1.0-47-amd64), at VER or apt's
	                    candidate; repeatable (default: the pinned one,
	                    vm-images/packages.pin)
	  --xen-pkg PKG[=VER]  a xen-hypervisor-* package (e.g.
	                    xen-hypervisor-4.17-amd64=4.17.5+72-g01140da4e8-1);
	                    repeatable (default: the pinned one)
	  --profile P       the profile every run is judged by (default:
	                    proposed); see 'xrc profiles'
	  --jobs N          run N combinations at once (default 1); each is a
	                    QEMU with -smp 2
	  --out DIR         where the runs and the matrix go (default:
	                    build/results/matrix): DIR/BACKEND_KVER_xen-VER/
	                    per combination (its reports, run.out, rc),
	                    DIR/matrix.md
	  --domu            also run the xen-domu backend for each combination
	                    (skipped, saying so, while 'xrc run' has none)
	  --publish FILE    also write FILE: the matrix with a header saying how
	                    it was made, the command that regenerates it, each
	                    run's exit code and time, and the wall time

	Packages are fetched once with apt-get download (network needed once;
	'apt-cache madison PKG' lists the versions Debian serves).  A package
	that cannot be had (it left the archive, no network) makes its
	combinations' columns broken (exit 2, the reason in the matrix); the
	others still run.

	Prints one line per run and the matrix's path.  Environment: as for
	'xrc run' (XRC_VM_TIMEOUT bounds each run); XRC_MATRIX_XRC, the xrc
	that runs each combination (default: this one).

	exit: 2 a bad command line, or some run broke; else 1 some assertion
	FAILed; else 77 every run skipped everything; else 0.
	HELP
}

# xrc_matrix_pin KIND: the pinned linux-image-* or xen-hypervisor-*
# package, as PKG=VER.
xrc_matrix_pin() {
	sed -e 's/#.*//' -e 's/[[:space:]]//g' "$XRC_ROOT/vm-images/packages.pin" |
		grep -E "^$1-[^=]*=" | head -n 1
}

# xrc_matrix_check LIST SPEC OPTION: SPEC is a package of the kind OPTION
# wants, not already in LIST (newline-separated); else a usage error.
xrc_matrix_check() {
	_ma_spec=$2
	case $_ma_spec in
	*=) xrc_usage_error matrix "$3 '$_ma_spec': an empty version" ;;
	*[!A-Za-z0-9.+~:=-]* | =*)
		xrc_usage_error matrix "$3 '$_ma_spec' is not PKG[=VER]" ;;
	esac
	case $3:$_ma_spec in
	--kernel-pkg:linux-image-[0-9]*) ;;
	--kernel-pkg:*)
		xrc_usage_error matrix "--kernel-pkg wants a linux-image-KVER package (e.g. linux-image-6.1.0-47-amd64), not '$_ma_spec'" ;;
	--xen-pkg:xen-hypervisor-[0-9]*) ;;
	--xen-pkg:*)
		xrc_usage_error matrix "--xen-pkg wants a xen-hypervisor-* package (e.g. xen-hypervisor-4.17-amd64), not '$_ma_spec'" ;;
	esac
	if printf '%s\n' "$1" | grep -qxF -- "$_ma_spec"; then
		xrc_usage_error matrix "$3 '$_ma_spec' is given twice"
	fi
}

# xrc_matrix_get FILE KEY: KEY's value in a KEY=VALUE file.
xrc_matrix_get() {
	sed -n "s/^$2=//p" "$1" | head -n 1
}

# xrc_matrix_now: seconds since the epoch, with a fraction.
xrc_matrix_now() {
	date +%s.%N
}

# xrc_matrix_secs T0 T1: whole seconds from T0 to T1.
xrc_matrix_secs() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%d\n", b - a + 0.5 }'
}

# xrc_matrix_annotate TSV KEY=VALUE...: add "# KEY: VALUE" header lines
# to a run's results.tsv for the keys it does not carry (what xrc report
# shows per column), after its own "# key: value" lines; make a
# results.tsv of header lines alone if the run left none.
xrc_matrix_annotate() {
	_mn_tsv=$1
	shift
	[ -f "$_mn_tsv" ] ||
		echo "# no results, xrc matrix could not run this combination" >"$_mn_tsv"
	for _mn_kv in "$@"; do
		printf '%s\n' "$_mn_kv"
	done | awk '
	FILENAME == "-" {
		k = $0; sub(/=.*/, "", k); v = substr($0, length(k) + 2)
		gsub(/[\t\r]/, " ", v)
		key[++n] = k; val[n] = v; next
	}
	/^# [a-z0-9.-]+: / { k = $2; sub(/:$/, "", k); have[k] = 1 }
	{ line[++m] = $0 }
	# Before the format line, the header row or the first result.
	at == 0 && (/^# columns:/ || /^#[ \t]*id\t/ || !/^#/) { at = m }
	END {
		if (at == 0)
			at = m + 1
		for (i = 1; i < at; i++)
			print line[i]
		for (i = 1; i <= n; i++)
			if (!(key[i] in have))
				print "# " key[i] ": " val[i]
		for (i = at; i <= m; i++)
			print line[i]
	}' - "$_mn_tsv" >"$_mn_tsv.tmp" && mv "$_mn_tsv.tmp" "$_mn_tsv"
}

# xrc_matrix_job I: run combination I (line I of $_m_jobs_f: index,
# backend, kernel index, xen index, folder), recording DIR/rc and
# DIR/seconds, one line on stderr when done.
xrc_matrix_job() {
	_mj_line=$(sed -n "${1}p" "$_m_jobs_f")
	_mj_ifs=$IFS
	IFS='	'
	# shellcheck disable=SC2086 # split on tabs
	set -- $_mj_line
	IFS=$_mj_ifs
	_mj_b=$2
	_mj_k="$_m_work/kernel.$3"
	_mj_x="$_m_work/xen.$4"
	_mj_dir=$5
	_mj_kpkg=$(xrc_matrix_get "$_mj_k" spec)
	_mj_xpkg=$(xrc_matrix_get "$_mj_x" spec)
	_mj_what="$_mj_b $(xrc_matrix_get "$_mj_k" kver) Xen $(xrc_matrix_get "$_mj_x" upstream)"
	mkdir -p "$_mj_dir"
	# Nothing of an earlier run in this folder may pass for this one.
	rm -f "$_mj_dir/rc" "$_mj_dir/seconds" "$_mj_dir"/results.*
	_mj_t0=$(xrc_matrix_now)
	_mj_broken=
	for _mj_f in "$_mj_k" "$_mj_x"; do
		_mj_e=$(xrc_matrix_get "$_mj_f" error)
		[ -z "$_mj_e" ] || _mj_broken="${_mj_broken:+$_mj_broken; }$_mj_e"
	done
	_mj_rc=0
	if [ -n "$_mj_broken" ]; then
		echo "xrc matrix: not run: $_mj_broken" >"$_mj_dir/run.out"
		_mj_rc=$XRC_EXIT_BROKE
	else
		"$_m_xrc" run --backend "$_mj_b" --profile "$_m_profile" \
			--kernel "$(xrc_matrix_get "$_mj_k" kernel)" \
			--modules "$(xrc_matrix_get "$_mj_k" modules)" \
			--xen "$(xrc_matrix_get "$_mj_x" xen)" \
			--out "$_mj_dir" </dev/null >"$_mj_dir/run.out" 2>&1 ||
			_mj_rc=$?
		if [ "$_mj_rc" = "$XRC_EXIT_BROKE" ]; then
			_mj_broken="the run broke (exit 2): $(grep -v '^ *$' "$_mj_dir/run.out" | tail -n 1)"
		fi
	fi
	# What each column tested, for xrc report; the run's own lines
	# (kernel, xen: what was booted) win.
	set -- "backend=$_mj_b" "profile=$_m_profile" \
		"kernel=$(xrc_matrix_get "$_mj_k" kver)" \
		"xen=$(xrc_matrix_get "$_mj_x" upstream)" \
		"kernel.package=$_mj_kpkg" "xen.package=$_mj_xpkg"
	[ -z "$_mj_broken" ] || set -- "$@" "broken=$_mj_broken"
	xrc_matrix_annotate "$_mj_dir/results.tsv" "$@"
	_mj_s=$(xrc_matrix_secs "$_mj_t0" "$(xrc_matrix_now)")
	echo "$_mj_rc" >"$_mj_dir/rc"
	echo "$_mj_s" >"$_mj_dir/seconds"
	_mj_tot=$(tail -n 1 "$_mj_dir/results.txt" 2>/dev/null || true)
	echo "xrc matrix: $_mj_what: exit $_mj_rc in $_mj_s s${_mj_broken:+: $_mj_broken}${_mj_tot:+ ($_mj_tot)}" >&2
}

# xrc_matrix_worker: take combinations not yet taken (mkdir is atomic)
# and run them, until none is left.
xrc_matrix_worker() {
	_mw_i=1
	while [ "$_mw_i" -le "$_m_n" ]; do
		if mkdir "$_m_work/claim.$_mw_i" 2>/dev/null; then
			xrc_matrix_job "$_mw_i"
		fi
		_mw_i=$((_mw_i + 1))
	done
}

# xrc_matrix_fetch KIND N SPEC: fetch and unpack SPEC into
# $_m_work/KIND.N (KEY=VALUE lines; "error=WHY" when it cannot be had).
xrc_matrix_fetch() {
	_mf_f="$_m_work/$1.$2"
	_mf_err="$_m_work/fetch.err"
	if sh "$XRC_ROOT/vm-images/fetch-version.sh" "$3" "$XRC_BUILD/vm/cache" \
		"$XRC_BUILD/vm/versions" >"$_mf_f" 2>"$_mf_err"; then
		grep '^  FETCH ' "$_mf_err" | sed 's/^ */xrc matrix: /' >&2 || true
	else
		{
			echo "error=$(grep -v '^  FETCH ' "$_mf_err" | tail -n 1 |
				sed 's/^vm-images\/fetch-version: //')"
			# What the column can still say: the names in SPEC.
			_mf_p=${3%%=*}
			echo "package=$_mf_p"
			[ "$_mf_p" = "$3" ] || echo "version=${3#*=}"
			echo "kver=${_mf_p#linux-image-}"
			_mf_v=${3#"$_mf_p"}
			_mf_v=${_mf_v#=}
			echo "upstream=$(echo "${_mf_v:-?}" | sed 's/^[0-9]*://; s/[+-].*//')"
		} >"$_mf_f"
		echo "xrc matrix: $(xrc_matrix_get "$_mf_f" error)" >&2
	fi
	_mf_v=$(xrc_matrix_get "$_mf_f" version)
	echo "spec=${3%%=*}${_mf_v:+=$_mf_v}" >>"$_mf_f"
	rm -f "$_mf_err"
}

xrc_matrix() {
	_m_kernels=
	_m_xens=
	_m_profile=proposed
	_m_jobs=1
	_m_out=
	_m_domu=0
	_m_publish=
	_m_cmd="scripts/xrc matrix"
	while [ $# -gt 0 ]; do
		case $1 in
		--*=)
			xrc_usage_error matrix "${1%=} needs a value" ;;
		--kernel-pkg=* | --xen-pkg=* | --profile=* | --jobs=* | \
		--out=* | --publish=*)
			_m_o=${1%%=*}
			_m_v=${1#*=}
			shift
			set -- "$_m_o" "$_m_v" "$@"
			continue ;;
		--kernel-pkg | --xen-pkg | --profile | --jobs | --out | --publish)
			xrc_need_value matrix "$@"
			case $1 in
			--kernel-pkg)
				xrc_matrix_check "$_m_kernels" "$2" "$1"
				_m_kernels="${_m_kernels:+$_m_kernels
}$2" ;;
			--xen-pkg)
				xrc_matrix_check "$_m_xens" "$2" "$1"
				_m_xens="${_m_xens:+$_m_xens
}$2" ;;
			--profile) _m_profile=$2 ;;
			--jobs) _m_jobs=$2 ;;
			--out) _m_out=$2 ;;
			--publish) _m_publish=$2 ;;
			esac
			case $1 in
			--out | --publish) ;;
			*) _m_cmd="$_m_cmd $1 $2" ;;
			esac
			shift ;;
		--domu)
			_m_domu=1
			_m_cmd="$_m_cmd --domu" ;;
		*)
			xrc_usage_error matrix "unexpected argument '$1'" ;;
		esac
		shift
	done
	xrc_is_count "$_m_jobs" ||
		xrc_usage_error matrix "--jobs wants a positive number, not '$_m_jobs'"
	xrc_is_profile "$_m_profile" ||
		xrc_usage_error matrix "unknown profile '$_m_profile' (see 'xrc profiles')"
	[ -n "$_m_kernels" ] || _m_kernels=$(xrc_matrix_pin linux-image)
	[ -n "$_m_xens" ] || _m_xens=$(xrc_matrix_pin xen-hypervisor)
	if [ -z "$_m_kernels" ] || [ -z "$_m_xens" ]; then
		xrc_die "matrix: vm-images/packages.pin pins no linux-image-* or xen-hypervisor-* package"
	fi
	[ -n "$_m_out" ] || _m_out="$XRC_BUILD/results/matrix"
	case $_m_out in
	/*) ;;
	*) _m_out="$PWD/$_m_out" ;;
	esac
	_m_xrc=${XRC_MATRIX_XRC:-$XRC_ROOT/scripts/xrc}

	# The backends: xen-vm, and xen-domu when asked for and 'xrc run'
	# has it.
	_m_help=$("$_m_xrc" run --help 2>/dev/null) ||
		xrc_die "matrix: '$_m_xrc run --help' failed"
	for _m_o in --kernel --modules --xen; do
		printf '%s\n' "$_m_help" | grep -q -- "$_m_o " ||
			xrc_die "matrix: 'xrc run' has no $_m_o option for xen-vm in this tree: cannot boot other versions"
	done
	_m_backends=xen-vm
	if [ "$_m_domu" = 1 ]; then
		if printf '%s\n' "$_m_help" | grep -q '^ *xen-domu'; then
			_m_backends="xen-vm xen-domu"
		else
			echo "xrc matrix: --domu: skipped: 'xrc run' has no xen-domu backend in this tree" >&2
		fi
	fi

	mkdir -p "$_m_out" || xrc_die "cannot create $_m_out"
	_m_work=$(mktemp -d "${TMPDIR:-/tmp}/xrc-matrix.XXXXXX")
	_m_wpids=
	trap 'kill $_m_wpids 2>/dev/null; rm -rf "$_m_work"; exit 2' INT TERM HUP
	_m_t0=$(xrc_matrix_now)

	# Fetch every package once, one after the other (apt's lock).
	_m_nk=0
	for _m_s in $_m_kernels; do
		_m_nk=$((_m_nk + 1))
		xrc_matrix_fetch kernel "$_m_nk" "$_m_s"
	done
	_m_nx=0
	for _m_s in $_m_xens; do
		_m_nx=$((_m_nx + 1))
		xrc_matrix_fetch xen "$_m_nx" "$_m_s"
	done

	# The combinations, kernel-major: index, backend, kernel, xen, folder.
	_m_jobs_f="$_m_work/jobs"
	: >"$_m_jobs_f"
	_m_n=0
	_m_k=1
	while [ "$_m_k" -le "$_m_nk" ]; do
		_m_x=1
		while [ "$_m_x" -le "$_m_nx" ]; do
			for _m_b in $_m_backends; do
				_m_n=$((_m_n + 1))
				_m_d="${_m_b}_$(xrc_matrix_get "$_m_work/kernel.$_m_k" kver)_xen-$(xrc_matrix_get "$_m_work/xen.$_m_x" version | sed 's/:/%3a/g')"
				printf '%d\t%s\t%d\t%d\t%s\n' "$_m_n" "$_m_b" \
					"$_m_k" "$_m_x" "$_m_out/$_m_d" >>"$_m_jobs_f"
			done
			_m_x=$((_m_x + 1))
		done
		_m_k=$((_m_k + 1))
	done
	_m_jobs_n=$_m_jobs
	[ "$_m_jobs_n" -le "$_m_n" ] || _m_jobs_n=$_m_n
	echo "xrc matrix: $_m_n runs ($_m_nk kernels x $_m_nx Xen x $_m_backends), $_m_jobs_n at once, into $_m_out" >&2

	# What every run shares (the runner, the tools in the image) is
	# built first, once, so that parallel runs do not race to build it.
	if [ "$_m_xrc" = "$XRC_ROOT/scripts/xrc" ]; then
		# shellcheck source=scripts/xrc-lib/_vm.sh disable=SC1091
		. "$XRC_LIB/_vm.sh"
		# Not fatal here: each run then says why it cannot start.
		(xrc_vm_make xen "xrc matrix") ||
			echo "xrc matrix: the shared image did not build; each run will try" >&2
	fi

	_m_w=0
	while [ "$_m_w" -lt "$_m_jobs_n" ]; do
		xrc_matrix_worker &
		_m_wpids="$_m_wpids $!"
		_m_w=$((_m_w + 1))
	done
	wait
	trap - INT TERM HUP
	_m_wall=$(xrc_matrix_secs "$_m_t0" "$(xrc_matrix_now)")

	# Merge, in the combinations' order; the overall exit code.
	set --
	_m_rc=0
	_m_all77=1
	_m_i=1
	while [ "$_m_i" -le "$_m_n" ]; do
		_m_d=$(sed -n "${_m_i}p" "$_m_jobs_f" | cut -f5)
		set -- "$@" "$_m_d"
		_m_r=$(cat "$_m_d/rc" 2>/dev/null || echo 2)
		case $_m_r in
		0) _m_all77=0 ;;
		77) ;;
		1) _m_all77=0; [ "$_m_rc" = 2 ] || _m_rc=1 ;;
		*) _m_all77=0; _m_rc=2 ;;
		esac
		_m_i=$((_m_i + 1))
	done
	[ "$_m_all77" = 0 ] || _m_rc=77
	"$XRC_ROOT/scripts/xrc" report "$@" --title "$XRC_MATRIX_TITLE" \
		--differences-title "$XRC_MATRIX_DIFFER" \
		--out "$_m_out/matrix.md" 2>/dev/null ||
		{ rm -rf "$_m_work"; xrc_die "matrix: could not merge the runs"; }
	echo "xrc matrix: $_m_n runs in $_m_wall s (--jobs $_m_jobs_n): $_m_out/matrix.md" >&2
	if [ -n "$_m_publish" ]; then
		xrc_matrix_publish "$_m_publish" "$_m_cmd" "$_m_wall" "$@" ||
			{ rm -rf "$_m_work"; xrc_die "matrix: cannot write $_m_publish"; }
		echo "xrc matrix: published $_m_publish" >&2
	fi
	rm -rf "$_m_work"
	return "$_m_rc"
}

# xrc_matrix_runs DIR...: the runs as a Markdown table (what ran, exit,
# seconds).
xrc_matrix_runs() {
	echo "| column | backend | kernel package | Xen package | exit | seconds |"
	echo "|---|---|---|---|---|---|"
	_mr_i=0
	for _mr_d in "$@"; do
		_mr_i=$((_mr_i + 1))
		awk -v i="$_mr_i" -v rc="$(cat "$_mr_d/rc" 2>/dev/null || echo 2)" \
			-v s="$(cat "$_mr_d/seconds" 2>/dev/null || echo '?')" '
		/^# [a-z0-9.-]+: / {
			k = $2; sub(/:$/, "", k)
			v = $0; sub(/^# [a-z0-9.-]+: /, "", v)
			if (!(k in m)) m[k] = v
		}
		END {
			e = rc
			if ("broken" in m) e = e ": " m["broken"]
			gsub(/\|/, "\\|", e)
			printf "| %d | %s | `%s` | `%s` | %s | %s |\n", i,
				m["backend"], m["kernel.package"], m["xen.package"], e, s
		}' "$_mr_d/results.tsv"
	done
}

# xrc_matrix_publish FILE CMD SECONDS DIR...: the published
# page: the matrix's heading, how it was made, the runs, the rest of the
# matrix.
xrc_matrix_publish() {
	_mp_file=$1
	_mp_cmd=$2
	_mp_wall=$3
	shift 3
	_mp_tmp="$_mp_file.tmp.$$"
	{
		sed -n '1p' "$_m_out/matrix.md"
		cat <<-EOF

		Generated; do not edit. The conformance suite ran inside a Debian
		12 dom0 booted under \`qemu-system-x86_64 -accel tcg\` on Xen, once
		per combination of the Debian kernel and Xen packages below (each
		fetched with \`apt-get download\`), against the real /dev/xen
		devices. Each column is one run; the section after the matrix
		lists only the assertions whose observed outcome changes across
		versions. Exit codes: 0 conforms, 1 some assertion failed, 2 the
		run broke (or could not run: the reason is given), 77 all skipped.

		Regenerate with:

		    $_mp_cmd --publish $_mp_file

		## Runs

		EOF
		xrc_matrix_runs "$@"
		echo
		echo "Wall time: $_mp_wall s for $# runs with --jobs ${_m_jobs_n}."
		sed -n '2,$p' "$_m_out/matrix.md"
	} >"$_mp_tmp" && mv "$_mp_tmp" "$_mp_file"
}
