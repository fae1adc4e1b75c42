# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: compare the sim's linux profile with a real Linux dom0 (xen-vm)
#
# `xrc fidelity`: the real kernel is the truth.  Runs the catalogue on
# sim:linux and on xen-vm (or reads results already written), joins the
# two results.tsv on the assertion ID and prints every assertion whose
# observed outcome differs.  A difference the sim cannot model is recorded
# in conformance/suite/tests/fidelity.known with its reason; it is listed, not
# counted.  With --publish FILE, also writes the real dom0's matrix against
# every profile (docs/conformance/linux-6.1-xen-4.17.md).

# (XRC_FIDELITY_KNOWN: another list, for the fidelity --fuzz self-test.)
XRC_FIDELITY_KNOWN="${XRC_FIDELITY_KNOWN:-$XRC_ROOT/conformance/suite/tests/fidelity.known}"

xrc_fidelity_help() {
	cat <<-HELP
	usage: xrc fidelity [--sim DIR] [--real DIR] [--publish FILE]

	Runs the suite on sim:linux and on xen-vm (Xen 4.17 + Linux 6.1 dom0 in
	QEMU TCG), both judged by the linux profile, and prints every
	assertion whose observed outcome differs between the two.

	  --sim DIR      use the sim:linux results already in DIR (results.tsv)
	                 instead of running the sim
	  --real DIR     use the xen-vm results already in DIR instead of
	                 booting the VM (e.g. build/results/xen-vm after
	                 'xrc run --backend xen-vm --profile linux')
	  --publish FILE write the real dom0's matrix (results.md of the xen-vm
	                 run) to FILE with a header saying how it was made
	  --domu DIR     also compare a xen-domu[:TARGET] run already in DIR with
	                 the same rows on sim:linux-xsa482 from the same domU
	                 caller and target (repeatable); with neither --sim,
	                 --real nor --domu, xen-domu:5 and xen-domu are booted
	                 and compared too

	Known differences the sim cannot model are listed in
	conformance/suite/tests/fidelity.known (ID<TAB>reason); they are shown, not
	counted.  When the xen-vm results hold clients.tap (the client programs
	of conformance/clients/ run in dom0), each of their test cases must have
	the same ok / not ok / skip under the preload on sim:linux; a difference
	counts like an assertion's.

	exit: 0 no unexplained difference, 1 some differ, 2 a run broke or a
	bad command line.

	HELP
	xrc_fidelity_fuzz_help	# --- fidelity --fuzz ---
	# --- port: xrc fidelity --port PORT (scripts/xrc-lib/_port.sh) ---
	# shellcheck source=scripts/xrc-lib/_port.sh disable=SC1091
	. "$XRC_LIB/_port.sh"
	xrc_fidelity_port_help
	# --- end port ---
}

# xrc_fidelity_observed DIR: "id<TAB>observed" for every assertion, with
# the runner's ">=0" and "0" read as one outcome (success).
xrc_fidelity_observed() {
	awk -F '\t' '!/^#/ && NF >= 3 {
		o = $3
		if (o == ">=0" || o ~ /^[0-9]+$/)
			o = "success"
		print $1 "\t" o
	}' "$1/results.tsv" | sort
}

xrc_fidelity() {
	# join(1) and sort(1) must agree on the order.
	LC_ALL=C
	export LC_ALL
	_sim=
	_real=
	_publish=
	_domu=	# xen-domu runs to compare, one a line (or "boot")
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help)
			xrc_fidelity_help
			return 0 ;;
		--fuzz)	# --- fidelity --fuzz (below) ---
			shift
			xrc_fidelity_fuzz "$@"
			return ;;
		--port | --port=*)	# --- port (scripts/xrc-lib/_port.sh) ---
			# shellcheck source=scripts/xrc-lib/_port.sh disable=SC1091
			. "$XRC_LIB/_port.sh"
			case $1 in
			--port=*) _fp_1=${1#*=}; shift; xrc_fidelity_port "$_fp_1" "$@" ;;
			*) shift; xrc_fidelity_port "$@" ;;
			esac
			return ;;
		--*=)
			xrc_usage_error fidelity "${1%=} needs a value" ;;
		--sim=*) _sim=${1#*=} ;;
		--domu=*) _domu="${_domu:+$_domu
}${1#*=}" ;;
		--real=*) _real=${1#*=} ;;
		--publish=*) _publish=${1#*=} ;;
		--sim | --real | --publish | --domu)
			xrc_need_value fidelity "$@"
			case $1 in
			--sim) _sim=$2 ;;
			--real) _real=$2 ;;
			--publish) _publish=$2 ;;
			--domu) _domu="${_domu:+$_domu
}$2" ;;
			esac
			shift ;;
		*)
			xrc_usage_error fidelity "unexpected argument '$1'" ;;
		esac
		shift
	done

	# xen-domu: a plain `xrc fidelity` compares the domU runs too.
	[ -n "$_sim$_real$_domu" ] || _domu=boot
	_base="$XRC_BUILD/results/fidelity"
	mkdir -p "$_base" || xrc_die "cannot create $_base"
	# --- xen-domu: --domu alone compares the domU runs only. ---
	if [ -n "$_domu" ] && [ -z "$_sim$_real" ]; then
		if [ -f "$XRC_FIDELITY_KNOWN" ]; then
			grep -v "^#" "$XRC_FIDELITY_KNOWN" | sort >"$_base/known"
		else
			: >"$_base/known"
		fi
		xrc_fidelity_domu_all "$_base" "$_domu"
		return
	fi
	# --- end xen-domu ---

	# A FAIL (exit 1) is an answer, not a broken run: only 2 stops us.
	if [ -z "$_sim" ]; then
		_sim="$_base/sim-linux"
		_rc=0
		"$XRC_SELF" run --backend sim:linux --profile linux \
			--out "$_sim" >/dev/null || _rc=$?
		[ "$_rc" != 2 ] || xrc_die "fidelity: the sim:linux run broke"
	fi
	if [ -z "$_real" ]; then
		_real="$_base/xen-vm"
		_rc=0
		# Its progress (stderr) shows; its report goes to a file.
		mkdir -p "$_real" || xrc_die "cannot create $_real"
		"$XRC_SELF" run --backend xen-vm --profile linux \
			--out "$_real" >"$_real/run.out" || _rc=$?
		[ "$_rc" != 2 ] ||
			xrc_die "fidelity: the xen-vm run broke (see $_real/run.out)"
	fi
	for _d in "$_sim" "$_real"; do
		[ -f "$_d/results.tsv" ] || xrc_die "fidelity: no results.tsv in $_d"
	done

	xrc_fidelity_observed "$_sim" >"$_base/sim.obs"
	xrc_fidelity_observed "$_real" >"$_base/real.obs"
	if [ -f "$XRC_FIDELITY_KNOWN" ]; then
		grep -v '^#' "$XRC_FIDELITY_KNOWN" | sort >"$_base/known"
	else
		: >"$_base/known"
	fi

	# id, sim, real for every ID in either run that differs; "absent" when
	# one run lacks it.  Then split by the known list.
	join -t "$(printf '\t')" -a 1 -a 2 -e absent -o 0,1.2,2.2 \
		"$_base/sim.obs" "$_base/real.obs" |
		awk -F '\t' '$2 != $3' >"$_base/differ"
	join -t "$(printf '\t')" -v 1 "$_base/differ" "$_base/known" \
		>"$_base/unexplained"
	join -t "$(printf '\t')" "$_base/differ" "$_base/known" \
		>"$_base/explained"

	_n_all=$(wc -l <"$_base/real.obs")
	_n_unexp=$(wc -l <"$_base/unexplained")
	_n_exp=$(wc -l <"$_base/explained")
	if [ "$_n_exp" -gt 0 ]; then
		echo "known differences (conformance/suite/tests/fidelity.known):"
		awk -F '\t' '{ printf "  %-60s sim %-10s real %-10s %s\n",
			$1, $2, $3, $4 }' "$_base/explained"
	fi
	if [ "$_n_unexp" -gt 0 ]; then
		echo "differences (sim:linux vs xen-vm, observed outcomes):"
		awk -F '\t' '{ printf "  %-60s sim %-10s real %s\n",
			$1, $2, $3 }' "$_base/unexplained"
	fi
	echo "fidelity: $_n_all assertions compared, $_n_unexp differ," \
		"$_n_exp known differences"

	# The client programs (conformance/clients/), when the real run has
	# their outcomes in dom0: each test case's ok / not ok / skip must be
	# the same under the preload on sim:linux.
	_n_cdiff=0
	if [ -f "$_real/clients.tap" ]; then
		# shellcheck source=scripts/xrc-lib/_vm.sh disable=SC1091
		. "$XRC_LIB/_vm.sh"
		awk '/^(not )?ok [0-9]+ - / {
			o = /^not / ? "not-ok" : "ok"
			if ($0 ~ / # SKIP$/)
				o = "skip"
			s = $0
			sub(/^(not )?ok [0-9]+ - /, "", s)
			sub(/ # SKIP$/, "", s)
			i = index(s, ": ")
			printf "%s\t%s\t%s\n", substr(s, 1, i - 1), substr(s, i + 2), o
		}' "$_real/clients.tap" >"$_base/clients-real.tsv"
		xrc_vm_clients_sim "$_base/clients-sim" >"$_base/clients-sim.tsv"
		xrc_vm_clients_diff "$_base/clients-real.tsv" \
			"$_base/clients-sim.tsv" >"$_base/clients.differ"
		_n_cdiff=$(wc -l <"$_base/clients.differ")
		if [ "$_n_cdiff" -gt 0 ]; then
			echo "client programs' test cases that differ (xen-vm vs sim:linux):"
			awk -F '\t' '{ printf "  %-50s real %-7s sim %s\n",
				$1 ": " $2, $3, $4 }' "$_base/clients.differ"
		fi
		echo "fidelity: $(wc -l <"$_base/clients-real.tsv") client test" \
			"cases compared, $_n_cdiff differ"
	fi

	if [ -n "$_publish" ]; then
		xrc_fidelity_publish "$_real" "$_publish" ||
			xrc_die "fidelity: cannot write $_publish"
		echo "fidelity: wrote $_publish"
	fi
	# --- xen-domu ---
	_n_domu=0
	if [ -n "$_domu" ]; then
		xrc_fidelity_domu_all "$_base" "$_domu" || _n_domu=1
	fi
	# --- end xen-domu ---
	[ "$_n_unexp" -eq 0 ] && [ "$_n_cdiff" -eq 0 ] && [ "$_n_domu" -eq 0 ]
}

# xrc_fidelity_publish DIR FILE: the real dom0's matrix with a header.
xrc_fidelity_publish() {
	[ -f "$1/results.md" ] || return 1
	{
		echo "# Linux 6.1 dom0 on Xen 4.17 against the restrict contract"
		echo
		echo "Generated; do not edit. The conformance suite ran inside a"
		echo "Debian 12 dom0 (linux-image-6.1.0-56-amd64, Xen 4.17.7 from"
		echo "Debian, pinned in vm-images/) booted under"
		echo "\`qemu-system-x86_64 -accel tcg\`, against the real"
		echo "/dev/xen devices, and every observed outcome is set against"
		echo "each profile's column: ✓ the observation satisfies that"
		echo "column, ✗ it does not. The **bold** column is the one the run"
		echo "was judged by. Where the **proposed** column shows ✗, Linux"
		echo "departs from the 2016 contract."
		echo
		echo "Regenerate with:"
		echo
		echo '    scripts/xrc fidelity --publish docs/conformance/linux-6.1-xen-4.17.md'
		echo
		xrc_fidelity_departures "$1/results.md"
		echo
		echo "## Every assertion"
		sed '1{/^# /d}' "$1/results.md"
	} >"$2.tmp" && mv "$2.tmp" "$2"
}

# xrc_fidelity_departures MATRIX: from a results.md, how many assertions
# the observations satisfy per profile column, and the rows where the
# proposed column is not met (cell 2 of each row is that column).
xrc_fidelity_departures() {
	awk -F ' [|] ' '
	NR == 1 { next }
	/^[|] assertion [|]/ {
		n = split($0, h, " [|] ")
		for (i = 2; i <= n - 2; i++) {
			name[i] = h[i]
			gsub(/[*]/, "", name[i])
		}
		ncol = n - 2
		next
	}
	/^[|] `/ {
		rows++
		for (i = 2; i <= ncol; i++)
			if (index($i, "✓"))
				met[i]++
		if (index($2, "✗")) {
			cell = $2
			sub(/ ✗$/, "", cell)
			gsub(/[*]/, "", cell)
			id = $1
			sub(/^[|] /, "", id)
			dep[++ndep] = "| " id " | " cell " | " $(ncol + 1) " |"
		}
	}
	END {
		print "## Summary"
		print ""
		print "Assertions whose observed outcome meets each profile'"'"'s column (of " rows "):"
		print ""
		print "| profile | met |"
		print "|---|---|"
		for (i = 2; i <= ncol; i++)
			print "| " name[i] " | " met[i] + 0 " |"
		print ""
		print "## Where Linux departs from the 2016 contract (" ndep " assertions)"
		print ""
		print "SKIP: the feature is absent (no restrict ioctl on the grant"
		print "devices, no IRQFD/IOEVENTFD in 6.1), so what depends on it cannot"
		print "be checked."
		print ""
		print "| assertion | the proposal expects | Linux 6.1 answered |"
		print "|---|---|---|"
		for (i = 1; i <= ndep; i++)
			print dep[i]
	}' "$1"
}

# --- xen-domu: the domU runs (scripts/xrc-lib/_domu.sh) ---
# xrc_fidelity_domu REAL BASE: compare a xen-domu[:TARGET] run's results
# (REAL/results.tsv, judged by any profile) with the same rows on
# sim:linux-xsa482 from the same caller: XENSIM_CALLER_DOMID = the domU's
# id (xl gives the first free one, 1: the target is made with its own id
# first) and a world where that domain has xs-target=TARGET (none for
# xen-domu).  Prints the differences; false when one is not in
# fidelity.known.
XRC_FIDELITY_DOMU_ID=1
xrc_fidelity_domu() {
	_fd_be=$(sed -n 's/^# backend: //p' "$1/results.tsv" | head -n 1)
	case $_fd_be in
	xen-domu) _fd_t= ;;
	xen-domu:*) _fd_t=${_fd_be#xen-domu:} ;;
	*) xrc_die "fidelity: $1 holds a '$_fd_be' run, not xen-domu[:TARGET]" ;;
	esac
	_fd_dir="$2/sim-$(echo "$_fd_be" | tr ':/' '-_')"
	mkdir -p "$_fd_dir" || xrc_die "cannot create $_fd_dir"
	{
		echo "# the xen-domu run's machine, as the sim's world (docs/world-files.md)"
		[ -z "$_fd_t" ] || echo "domain $_fd_t pv pages=16"
		echo "domain $XRC_FIDELITY_DOMU_ID pv${_fd_t:+ xs-target=$_fd_t}"
		# What dom0 offers the domU (vm-images/domu/dom0.sh): a port, and
		# its page 0x100 (the fixture fills it with that frame's pattern).
		echo "unbound 0 $XRC_FIDELITY_DOMU_ID publish"
		echo "grant 0 8 $XRC_FIDELITY_DOMU_ID 0x100 publish"
	} >"$_fd_dir/world"
	_fd_ids=$(awk -F '\t' '!/^#/ && NF >= 3 { printf "%s%s", n++ ? "," : "", $1 }' "$1/results.tsv")
	[ -n "$_fd_ids" ] || xrc_die "fidelity: no assertion in $1/results.tsv"
	_fd_rc=0
	XENSIM_WORLD="$_fd_dir/world" XENSIM_CALLER_DOMID=$XRC_FIDELITY_DOMU_ID \
		"$XRC_SELF" run --backend sim:linux-xsa482 --profile linux-xsa482 \
		--only "$_fd_ids" --out "$_fd_dir" >/dev/null || _fd_rc=$?
	[ "$_fd_rc" != 2 ] || xrc_die "fidelity: the sim run for $_fd_be broke"
	xrc_fidelity_observed "$_fd_dir" >"$_fd_dir/sim.obs"
	xrc_fidelity_observed "$1" >"$_fd_dir/real.obs"
	join -t "$(printf '\t')" -a 1 -a 2 -e absent -o 0,1.2,2.2 \
		"$_fd_dir/sim.obs" "$_fd_dir/real.obs" |
		awk -F '\t' '$2 != $3' >"$_fd_dir/differ"
	join -t "$(printf '\t')" -v 1 "$_fd_dir/differ" "$2/known" \
		>"$_fd_dir/unexplained"
	join -t "$(printf '\t')" "$_fd_dir/differ" "$2/known" \
		>"$_fd_dir/explained"
	awk -F '\t' -v be="$_fd_be" '{ printf "  %s: %-55s sim %-10s real %-10s %s\n",
		be, $1, $2, $3, $4 }' "$_fd_dir/explained"
	if [ -s "$_fd_dir/unexplained" ]; then
		echo "differences (sim:linux-xsa482 caller $XRC_FIDELITY_DOMU_ID vs $_fd_be, observed outcomes):"
		awk -F '\t' '{ printf "  %-60s sim %-10s real %s\n", $1, $2, $3 }' \
			"$_fd_dir/unexplained"
	fi
	echo "fidelity: $_fd_be: $(wc -l <"$_fd_dir/real.obs") assertions compared" \
		"with sim:linux-xsa482 as domain $XRC_FIDELITY_DOMU_ID," \
		"$(wc -l <"$_fd_dir/unexplained") differ," \
		"$(wc -l <"$_fd_dir/explained") known differences"
	[ ! -s "$_fd_dir/unexplained" ]
}

# xrc_fidelity_domu_all BASE DIRS: every domU run named in DIRS (one a
# line); when DIRS is "boot", xen-domu:5 and xen-domu are run first.
xrc_fidelity_domu_all() {
	if [ "$2" = boot ]; then
		set -- "$1" "$1/xen-domu-5
$1/xen-domu"
		for _fa_be in xen-domu:5 xen-domu; do
			_fa_out="$1/$(echo "$_fa_be" | tr ':/' '-_')"
			mkdir -p "$_fa_out" || xrc_die "cannot create $_fa_out"
			_fa_rc=0
			"$XRC_SELF" run --backend "$_fa_be" --profile linux-xsa482 \
				--out "$_fa_out" >"$_fa_out/run.out" || _fa_rc=$?
			[ "$_fa_rc" != 2 ] ||
				xrc_die "fidelity: the $_fa_be run broke (see $_fa_out/run.out)"
		done
	fi
	_fa_ok=0
	_fa_ifs=$IFS
	IFS='
'
	for _fa_d in $2; do
		IFS=$_fa_ifs
		[ -f "$_fa_d/results.tsv" ] || xrc_die "fidelity: no results.tsv in $_fa_d"
		xrc_fidelity_domu "$_fa_d" "$1" || _fa_ok=1
	done
	IFS=$_fa_ifs
	return "$_fa_ok"
}
# --- end xen-domu ---

# --- fidelity --fuzz: the fuzz corpora on the real kernel and on sim:linux ---
# (docs/fuzzing.md, "Fidelity fuzzing").  One executor, xrc-replay-real
# (fuzz/real/), runs every program through real system calls: in one
# xen-vm boot on the real drivers (vm-images/xen/fidfuzz.sh), and on the
# host under the preload with XENSIM_PROFILE=linux in a world shaped like
# the VM's targets.  The two transcripts are compared program by program
# (_fidfuzz.awk); a program that differs is reported with its first
# differing operation, both outcomes, and a reproducer: the program cut
# after that operation (every prefix of an input is a program), kept only
# if the sim still differs there from what the real kernel answered.

xrc_fidelity_fuzz_help() {
	cat <<-HELP
	usage: xrc fidelity --fuzz [TARGET...] [--corpus DIR] [--max N]
	       xrc fidelity --fuzz [TARGET...] --real DIR
	       xrc fidelity --fuzz --replay DIR

	Runs the fuzz programs of each TARGET (privcmd, evtchn, gntdev,
	gntalloc; default all four): fuzz/corpus/TARGET and fuzz/regress/TARGET,
	in one xen-vm boot on the real Linux 6.1 drivers and on sim:linux on
	the host, through the same executor (xrc-replay-real), and reports each
	program whose transcripts differ: its first differing operation, both
	outcomes and a minimized reproducer.

	  --corpus DIR   programs from DIR/TARGET (or DIR itself, with one
	                 TARGET) instead of fuzz/corpus/TARGET
	  --max N        at most N programs per target (corpus first)
	  --real DIR     no boot: compare with the real transcript of an earlier
	                 run (DIR/results.fuzz.txt, its programs in DIR/progs)
	  --replay DIR   no boot: replay stored findings (DIR/TARGET/NAME with
	                 its real transcript NAME.real, as fuzz/regress-real/)
	                 on the sim and compare with the stored transcripts
	  --sim-preload SO   the preload the sim side runs under (default the
	                 build's; the self-test gives a planted one)
	  --kernel FILE, --modules DIR, --module NAME=FILE.ko, --xen FILE,
	  --xen-cmdline ARGS, --dom0-cmdline ARGS, --qemu-opt ARG, --mem MB
	                 what the VM boots, as for xrc run --backend xen-vm
	                 (another kernel or Xen release against sim:linux)

	Known differences: conformance/suite/tests/fidelity.known lines
	"fuzz:TARGET/NAME<TAB>reason" (one program) or "fuzz:TARGET:CALL<TAB>
	reason" (any program whose first difference is in CALL: an ioctl's name,
	or open, mmap, munmap, read, write, close, dup, fork).

	Results: BUILD/results/fidelity-fuzz/ (sim.txt, real.txt,
	compare.tsv, repro/).
	exit: 0 no unexplained difference, 1 some differ, 2 a run broke or a
	bad command line.
	HELP
}

XRC_FIDFUZZ_TARGETS="privcmd evtchn gntdev gntalloc"

# The VM's targets (xrc-vm-domains on a fresh machine) as a world file.
xrc_fidfuzz_world() {
	cat <<-WORLD
	# xen-vm's targets for fidelity fuzzing: what xrc-vm-domains makes on
	# a fresh Xen (vm-images/tools/domains.c): HVM 1 and 2, PV 3, 256
	# pages each, no ports or grants.
	domain 1 hvm pages=256
	domain 2 hvm pages=256
	domain 3 pv pages=256
	WORLD
}

# xrc_fidfuzz_sim OUT TARGET:FILE...: the sim's transcript into OUT
# (--seed on both sides: the VM's HVM guests get the sim's memory pattern).
xrc_fidfuzz_sim() {
	_fs_out=$1
	shift
	env -u XENSIM_WORLD_NAME -u XENSIM_WORLD_FD -u XENSIM_CALLER_DOMID \
		XENSIM_PROFILE=linux XENSIM_WORLD="$_fz_base/world" \
		LD_PRELOAD="$_fz_preload" \
		"$XRC_BINDIR/xrc-replay-real" --seed "$@" >"$_fs_out" ||
		xrc_die "fidelity --fuzz: xrc-replay-real failed on the sim (exit $?)"
}

# xrc_fidfuzz_args LIST: the TARGET:FILE arguments of a program list
# (NNNN<TAB>TARGET<TAB>ORIGIN, files in the list's folder/progs).
xrc_fidfuzz_args() {
	awk -F '\t' -v d="$(dirname "$1")/progs" '{ print $2 ":" d "/" $1 }' "$1"
}

# xrc_fidfuzz_stage TARGETS CORPUS MAX: the programs into $_fz_base/progs
# and $_fz_base/list.
xrc_fidfuzz_stage() {
	rm -rf "$_fz_base/progs"
	mkdir -p "$_fz_base/progs"
	: >"$_fz_base/list"
	_st_i=0
	for _st_t in $1; do
		if [ -z "$2" ]; then
			_st_dirs="$XRC_ROOT/fuzz/corpus/$_st_t $XRC_ROOT/fuzz/regress/$_st_t"
		elif [ -d "$2/$_st_t" ]; then
			_st_dirs="$2/$_st_t $XRC_ROOT/fuzz/regress/$_st_t"
		else
			_st_dirs="$2 $XRC_ROOT/fuzz/regress/$_st_t"
		fi
		_st_n=0
		for _st_d in $_st_dirs; do
			[ -d "$_st_d" ] || continue
			for _st_f in "$_st_d"/*; do
				[ -s "$_st_f" ] || continue
				[ -z "$3" ] || [ "$_st_n" -lt "$3" ] || break
				_st_i=$((_st_i + 1))
				_st_n=$((_st_n + 1))
				_st_id=$(printf '%04d' "$_st_i")
				cp "$_st_f" "$_fz_base/progs/$_st_id"
				printf '%s\t%s\t%s\n' "$_st_id" "$_st_t" \
					"${_st_f#"$XRC_ROOT"/}" >>"$_fz_base/list"
			done
		done
	done
	[ "$_st_i" -gt 0 ] || xrc_die "fidelity --fuzz: no programs for $1${2:+ in $2}"
}

# xrc_fidfuzz_boot OUT: run the staged programs in one xen-vm boot; the
# real transcript into OUT/results.fuzz.txt.
xrc_fidfuzz_boot() {
	# shellcheck source=scripts/xrc-lib/_vm.sh disable=SC1091
	. "$XRC_LIB/_vm.sh"
	_fb_root="$_fz_base/extra.root"
	rm -rf "$_fb_root"
	mkdir -p "$_fb_root/bin" "$_fb_root/lib/xrc" "$_fb_root/fidfuzz/progs"
	cp "$XRC_BINDIR/xrc-replay-real" "$_fb_root/bin/"
	cp "$XRC_ROOT/vm-images/xen/fidfuzz.sh" "$_fb_root/lib/xrc/fidfuzz.sh"
	cp "$_fz_base"/progs/* "$_fb_root/fidfuzz/progs/"
	cp "$_fz_base/list" "$_fb_root/fidfuzz/list"
	xrc_fidfuzz_args "$_fb_root/fidfuzz/list" |
		sed "s|:$_fb_root/|:/|" >"$_fb_root/fidfuzz/args"
	XRC_XEN_EXTRA="$_fz_base/extra.cpio.gz"
	(cd "$_fb_root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$XRC_XEN_EXTRA" ||
		xrc_die "fidelity --fuzz: could not pack the programs (cpio)"
	mkdir -p "$1"
	rm -f "$1/results.fuzz.txt" "$1/results.fuzz.err"
	_fb_rc=0
	xrc_vm_run xen xen-vm "$1" "xrc.fidfuzz=1" || _fb_rc=$?
	rm -rf "$_fb_root" "$XRC_XEN_EXTRA" "$XRC_XEN_EXTRA.initrd"
	[ -s "$1/results.fuzz.txt" ] ||
		xrc_die "fidelity --fuzz: the VM sent no transcript (exit $_fb_rc; console: $1/console.log)"
	[ "$_fb_rc" = 0 ] ||
		xrc_die "fidelity --fuzz: the programs did not all run in the VM (exit $_fb_rc; $1/results.fuzz.err)"
	# The programs name domains 1, 2 (HVM) and 3 (PV): they must be these.
	_fb_doms=$(head -n 1 "$1/results.fuzz.txt")
	[ "$_fb_doms" = "xrc-vm-domains: 1 (hvm) 2 (hvm) 3 (pv), paused" ] ||
		xrc_die "fidelity --fuzz: the VM's targets are not HVM 1, 2 and PV 3 as the sim's: '$_fb_doms'"
}

# xrc_fidfuzz_known: the known fuzz differences, "ID<TAB>reason".
xrc_fidfuzz_known() {
	[ -f "$XRC_FIDELITY_KNOWN" ] || return 0
	grep '^fuzz:' "$XRC_FIDELITY_KNOWN" || true
}

# xrc_fidfuzz_compare LIST SIM REAL: compare, report, minimize; returns
# 1 when some difference is not in fidelity.known.
xrc_fidfuzz_compare() {
	awk -f "$XRC_LIB/_fidfuzz.awk" "$2" "$3" >"$_fz_base/compare.tsv"
	xrc_fidfuzz_known >"$_fz_base/known"
	rm -rf "$_fz_base/repro"
	mkdir -p "$_fz_base/repro"
	_fc_unexp=0
	_fc_exp=0
	_fc_tab=$(printf '\t')
	while IFS="$_fc_tab" read -r _fc_k _fc_t _fc_n _fc_st _fc_lines _fc_at _fc_sim _fc_real _fc_off; do
		[ "$_fc_k" = program ] || continue
		[ "$_fc_st" != same ] || continue
		_fc_orig=$(awk -F '\t' -v n="$_fc_n" '$1 == n { print $3 }' "$1")
		_fc_name=${_fc_orig##*/}
		[ -n "$_fc_name" ] || _fc_name=$_fc_n
		if [ "$_fc_st" = absent ]; then
			echo "fidelity --fuzz: $_fc_t/$_fc_name ran on one side only (sim: $_fc_sim, real: $_fc_real)"
			_fc_unexp=$((_fc_unexp + 1))
			continue
		fi
		# The call of the first differing line: an ioctl's name, else the op.
		_fc_call=$(echo "$_fc_real" | awk '{ print ($2 == "ioctl") ? $4 : $2 }')
		_fc_why=$(awk -F '\t' -v a="fuzz:$_fc_t/$_fc_name" -v b="fuzz:$_fc_t:$_fc_call" \
			'$1 == a || $1 == b { print $2; exit }' "$_fz_base/known")
		if [ -n "$_fc_why" ]; then
			echo "known: $_fc_t/$_fc_name: $_fc_call: $_fc_why"
			_fc_exp=$((_fc_exp + 1))
			continue
		fi
		_fc_unexp=$((_fc_unexp + 1))
		echo "difference: $_fc_t/$_fc_name ($_fc_orig), transcript line $_fc_at:"
		echo "  sim:linux: $_fc_sim"
		echo "  real:      $_fc_real"
		xrc_fidfuzz_minimize "$(dirname "$1")/progs/$_fc_n" "$_fc_t" \
			"$_fc_name" "$_fc_at" "$_fc_off" "$_fc_sim" "$_fc_real"
	done <"$_fz_base/compare.tsv"
	_fc_total=$(awk -F '\t' '$1 == "total" { print $2 " programs, " $3 " operations compared" }' "$_fz_base/compare.tsv")
	echo "fidelity --fuzz: $_fc_total; $_fc_unexp differ, $_fc_exp known differences"
	[ "$_fc_unexp" -eq 0 ]
}

# xrc_fidfuzz_minimize FILE TARGET NAME LINE OFF SIM REAL: the program
# cut after the differing operation (OFF bytes: every prefix of an input
# is a program), kept when the sim, running it alone in a fresh world,
# still answers SIM at LINE (so it still differs from REAL, which the real
# kernel answered to the same operations).  Otherwise the whole program
# is the reproducer: what came before it on the machine mattered.
xrc_fidfuzz_minimize() {
	_fm_out="$_fz_base/repro/$2-$3"
	_fm_size=$(wc -c <"$1")
	_fm_cut=$_fm_size
	case $5 in
	'' | *[!0-9]*) ;;
	*) [ "$5" -ge "$_fm_size" ] || _fm_cut=$5 ;;
	esac
	head -c "$_fm_cut" "$1" >"$_fm_out"
	xrc_fidfuzz_sim "$_fm_out.sim" "$2:$_fm_out"
	_fm_sim=$(sed -n "$(($4 + 1))p" "$_fm_out.sim" | sed 's/ ;b=[0-9]*$//')
	if [ "$_fm_cut" -lt "$_fm_size" ] && [ "$_fm_sim" = "$6" ] &&
	   [ "$_fm_sim" != "$7" ]; then
		echo "  reproducer: ${_fm_out#"$XRC_ROOT"/} ($_fm_cut of $_fm_size bytes: the program up to its operation ${6%% *}; the sim alone still answers so)"
	else
		cp "$1" "$_fm_out"
		xrc_fidfuzz_sim "$_fm_out.sim" "$2:$_fm_out"
		_fm_sim=$(sed -n "$(($4 + 1))p" "$_fm_out.sim" | sed 's/ ;b=[0-9]*$//')
		if [ "$_fm_sim" = "$6" ]; then
			echo "  reproducer: ${_fm_out#"$XRC_ROOT"/} (the whole program, $_fm_size bytes)"
		else
			echo "  reproducer: none: alone, the sim answers '$_fm_sim' there: the programs before it on the machine matter (the whole sequence: $_fz_base/list)"
		fi
	fi
}

# xrc_fidfuzz_replay DIR: stored findings (DIR/TARGET/NAME, NAME.real) on
# the sim, each alone, against their stored real transcripts.
xrc_fidfuzz_replay() {
	[ -d "$1" ] || xrc_die "fidelity --fuzz --replay: no folder $1"
	rm -rf "$_fz_base/progs"
	mkdir -p "$_fz_base/progs"
	: >"$_fz_base/list"
	: >"$_fz_base/real.txt"
	_fr_i=0
	for _fr_t in $XRC_FIDFUZZ_TARGETS; do
		for _fr_f in "$1/$_fr_t"/*; do
			[ -f "$_fr_f" ] || continue
			case $_fr_f in *.real) continue ;; esac
			[ -f "$_fr_f.real" ] ||
				xrc_die "fidelity --fuzz --replay: $_fr_f has no stored transcript ($_fr_f.real)"
			_fr_i=$((_fr_i + 1))
			_fr_id=$(printf '%04d' "$_fr_i")
			cp "$_fr_f" "$_fz_base/progs/$_fr_id"
			printf '%s\t%s\t%s\n' "$_fr_id" "$_fr_t" "${_fr_f#"$XRC_ROOT"/}" >>"$_fz_base/list"
			# The stored transcript, under the staged name.
			sed "1s|^=== .*|=== $_fr_t $_fr_id|" "$_fr_f.real" >>"$_fz_base/real.txt"
		done
	done
	[ "$_fr_i" -gt 0 ] || xrc_die "fidelity --fuzz --replay: no programs in $1"
	# Each alone, in a world of its own, as when it was stored.
	: >"$_fz_base/sim.txt"
	xrc_fidfuzz_args "$_fz_base/list" >"$_fz_base/args"
	while read -r _fr_a; do
		xrc_fidfuzz_sim "$_fz_base/one.txt" "$_fr_a"
		cat "$_fz_base/one.txt" >>"$_fz_base/sim.txt"
	done <"$_fz_base/args"
	xrc_fidfuzz_compare "$_fz_base/list" "$_fz_base/sim.txt" "$_fz_base/real.txt"
}

xrc_fidelity_fuzz() {
	LC_ALL=C
	export LC_ALL
	_fz_targets=
	_fz_corpus=
	_fz_max=
	_fz_real=
	_fz_replay=
	_fz_preload=
	# shellcheck source=scripts/xrc-lib/_xenopts.sh disable=SC1091
	. "$XRC_LIB/_xenopts.sh"
	xrc_xen_opts_reset
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help)
			xrc_fidelity_fuzz_help
			return 0 ;;
		--*=)
			xrc_usage_error fidelity "${1%=} needs a value" ;;
		--corpus=*) _fz_corpus=${1#*=} ;;
		--max=*) _fz_max=${1#*=} ;;
		--real=*) _fz_real=${1#*=} ;;
		--replay=*) _fz_replay=${1#*=} ;;
		--sim-preload=*) _fz_preload=${1#*=} ;;
		# What the VM boots, as for xrc run --backend xen-vm (_xenopts.sh).
		--kernel=* | --modules=* | --module=* | --xen=* | --xen-cmdline=* | \
		--dom0-cmdline=* | --qemu-opt=* | --mem=*)
			xrc_xen_opt fidelity "${1%%=*}" "${1#*=}" ;;
		--kernel | --modules | --module | --xen | --xen-cmdline | \
		--dom0-cmdline | --qemu-opt | --mem)
			xrc_need_value fidelity "$@"
			xrc_xen_opt fidelity "$1" "$2"
			shift ;;
		--corpus | --max | --real | --replay | --sim-preload)
			xrc_need_value fidelity "$@"
			case $1 in
			--corpus) _fz_corpus=$2 ;;
			--max) _fz_max=$2 ;;
			--real) _fz_real=$2 ;;
			--replay) _fz_replay=$2 ;;
			--sim-preload) _fz_preload=$2 ;;
			esac
			shift ;;
		-*)
			xrc_usage_error fidelity "--fuzz: unknown option '$1'" ;;
		*)
			case " $XRC_FIDFUZZ_TARGETS " in
			*" $1 "*) _fz_targets="$_fz_targets $1" ;;
			*) xrc_usage_error fidelity "--fuzz: no target '$1' (one of: $XRC_FIDFUZZ_TARGETS)" ;;
			esac ;;
		esac
		shift
	done
	[ -z "$_fz_max" ] || xrc_is_count "$_fz_max" ||
		xrc_usage_error fidelity "--max wants a count above 0, not '$_fz_max'"
	[ -z "$_fz_corpus" ] || [ -d "$_fz_corpus" ] ||
		xrc_usage_error fidelity "--corpus $_fz_corpus: no such folder"
	[ -z "$_fz_real" ] || [ -f "$_fz_real/results.fuzz.txt" ] ||
		xrc_usage_error fidelity "--real $_fz_real: no results.fuzz.txt there"
	[ -z "$_fz_real" ] || [ -z "$_xen_opts" ] ||
		xrc_usage_error fidelity "--real reuses an earlier boot: $_xen_opts cannot apply"
	[ -z "$_fz_replay" ] || [ -z "$_fz_real$_fz_corpus$_fz_max$_fz_targets$_xen_opts" ] ||
		xrc_usage_error fidelity "--replay takes no TARGET, --corpus, --max, --real or what to boot"
	[ -n "$_fz_targets" ] || _fz_targets=$XRC_FIDFUZZ_TARGETS
	xrc_ensure_built "$XRC_BINDIR/xrc-replay-real"
	if [ -z "$_fz_preload" ]; then
		xrc_ensure_built "$XRC_PRELOAD"
		_fz_preload=$XRC_PRELOAD
	fi
	[ -f "$_fz_preload" ] || xrc_die "fidelity --fuzz: no preload $_fz_preload"
	_fz_base="$XRC_BUILD/results/fidelity-fuzz"
	mkdir -p "$_fz_base" || xrc_die "cannot create $_fz_base"
	xrc_fidfuzz_world >"$_fz_base/world"
	if [ -n "$_fz_replay" ]; then
		xrc_fidfuzz_replay "$_fz_replay"
		return
	fi
	if [ -n "$_fz_real" ]; then
		{ [ -f "$_fz_real/list" ] && [ -d "$_fz_real/progs" ]; } ||
			xrc_usage_error fidelity "--real $_fz_real: no list and progs/ of the run there"
		if [ "$(cd "$_fz_real" && pwd)" != "$(cd "$_fz_base" && pwd)" ]; then
			rm -rf "$_fz_base/progs"
			cp -r "$_fz_real/progs" "$_fz_base/progs"
			cp "$_fz_real/list" "$_fz_base/list"
			cp "$_fz_real/results.fuzz.txt" "$_fz_base/results.fuzz.txt"
		fi
	else
		xrc_fidfuzz_stage "$_fz_targets" "$_fz_corpus" "$_fz_max"
		xrc_fidfuzz_boot "$_fz_base"
	fi
	sed 1d "$_fz_base/results.fuzz.txt" >"$_fz_base/real.txt"
	# shellcheck disable=SC2046 # one argument a line, no spaces
	xrc_fidfuzz_sim "$_fz_base/sim.txt" $(xrc_fidfuzz_args "$_fz_base/list")
	xrc_fidfuzz_compare "$_fz_base/list" "$_fz_base/sim.txt" "$_fz_base/real.txt"
}
# --- end fidelity --fuzz ---
