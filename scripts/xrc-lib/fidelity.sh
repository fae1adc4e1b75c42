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

XRC_FIDELITY_KNOWN="$XRC_ROOT/conformance/suite/tests/fidelity.known"

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
