# shellcheck shell=sh
# SPDX-License-Identifier: MIT
#
# `xrc run --port PORT`: a patched kernel's drivers from ports/PORT/,
# built with `make ports` and given to the xen-vm backend as if by one
# --module NAME=FILE.ko option per driver.  Sourced by run.sh.
#
# A port is a folder ports/PORT/ with a ports.mk whose build leaves
# BUILD/ports/PORT/NAME.ko for each driver it names in XRC_PORT_DRIVERS.

XRC_PORT_DRIVERS="xen-privcmd xen-evtchn xen-gntdev xen-gntalloc"
# What every port of this tree implements: the 2016 contract.  The client
# programs in dom0 expect it (XRC_CLIENT_PROFILE), and the host compares
# them with the same programs on sim:proposed.
# shellcheck disable=SC2034 # read by run.sh
XRC_PORT_PROFILE=proposed

# xrc_port_names: the ports of this tree, one a line.
xrc_port_names() {
	for _pn_mk in "$XRC_ROOT"/ports/*/ports.mk; do
		[ -f "$_pn_mk" ] || continue
		basename "$(dirname "$_pn_mk")"
	done
}

# xrc_port_modules PORT: build PORT's modules (make ports; quietly when
# they are up to date) and print one NAME=FILE line per driver; exit 2
# for a port this tree does not have or a build that fails.
xrc_port_modules() {
	case $1 in
	'' | */* | .*) xrc_usage_error run "--port wants a port name (one of: $(xrc_port_names | tr '\n' ' ' | sed 's/ $//')), not '$1'" ;;
	esac
	xrc_port_names | grep -qxF -- "$1" ||
		xrc_usage_error run "unknown port '$1' (one of: $(xrc_port_names | tr '\n' ' ' | sed 's/ $//'))"
	_pm_dir="$XRC_BUILD/ports/$1"
	# Any one of the modules brings all of them up to date (ports.mk).
	# shellcheck disable=SC2086 # the list is words
	set -- "$1" $XRC_PORT_DRIVERS
	xrc_ensure_built "$_pm_dir/$2.ko" \
		"xen-vm: port $1: make ports (the Debian packages are fetched once, the drivers patched and built: about 30 s)"
	_pm_port=$1
	shift
	for _pm_m in "$@"; do
		[ -f "$_pm_dir/$_pm_m.ko" ] ||
			xrc_die "port $_pm_port: make ports did not produce $_pm_dir/$_pm_m.ko"
		echo "$_pm_m=$_pm_dir/$_pm_m.ko"
	done
}

# ---- xrc fidelity --port PORT: the port judged, compared, published ----

xrc_fidelity_port_help() {
	cat <<-HELP

	usage: xrc fidelity --port PORT [--sim DIR] [--real DIR] [--unpatched DIR]
	                    [--publish FILE]

	A port's patched drivers (ports/PORT/, e.g. linux-6.1) in the real dom0:
	runs the suite on sim:proposed and on xen-vm with the port's modules
	(xrc run --backend xen-vm --port PORT), both judged by proposed, and
	prints every assertion whose observed outcome differs.  The differences
	the port means are listed in ports/PORT/departures (ID<TAB>reason): shown,
	not counted; a listed one that no longer differs is counted.  The client
	programs' test cases in dom0 must have the same outcomes on sim:proposed.

	  --sim DIR        the sim:proposed results already in DIR
	  --real DIR       the port's xen-vm results already in DIR
	  --unpatched DIR  (with --publish) the xen-vm run of Debian's own
	                   drivers judged by proposed already in DIR; without
	                   it that run is booted
	  --publish FILE   write the page: the patched run's summary, the
	                   departures and their reasons, and the unpatched and
	                   patched runs side by side (xrc report)

	exit: 0 no unexplained difference, 1 some differ, 2 a run broke or a
	bad command line.
	HELP
}

# xrc_port_run OUT XRC-RUN-ARG...: one xrc run into OUT, its report in
# OUT/run.out; a FAIL (exit 1) is an answer, a broken run (2) is fatal.
xrc_port_run() {
	_pr_out=$1
	shift
	mkdir -p "$_pr_out" || xrc_die "cannot create $_pr_out"
	_pr_rc=0
	"$XRC_SELF" run "$@" --out "$_pr_out" >"$_pr_out/run.out" || _pr_rc=$?
	[ "$_pr_rc" != 2 ] ||
		xrc_die "fidelity: xrc run $* broke (see $_pr_out/run.out)"
}

xrc_fidelity_port() {
	LC_ALL=C
	export LC_ALL
	[ $# -ge 1 ] || xrc_usage_error fidelity "--port needs a port name"
	_fp_port=$1
	shift
	xrc_port_names | grep -qxF -- "$_fp_port" ||
		xrc_usage_error fidelity "unknown port '$_fp_port' (one of: $(xrc_port_names | tr '\n' ' ' | sed 's/ $//'))"
	_fp_sim='' _fp_real='' _fp_unp='' _fp_pub=''
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) xrc_fidelity_port_help; return 0 ;;
		--*=) xrc_usage_error fidelity "${1%=} needs a value" ;;
		--sim=*) _fp_sim=${1#*=} ;;
		--real=*) _fp_real=${1#*=} ;;
		--unpatched=*) _fp_unp=${1#*=} ;;
		--publish=*) _fp_pub=${1#*=} ;;
		--sim | --real | --unpatched | --publish)
			xrc_need_value fidelity "$@"
			case $1 in
			--sim) _fp_sim=$2 ;;
			--real) _fp_real=$2 ;;
			--unpatched) _fp_unp=$2 ;;
			--publish) _fp_pub=$2 ;;
			esac
			shift ;;
		*) xrc_usage_error fidelity "--port: unexpected argument '$1'" ;;
		esac
		shift
	done
	[ -z "$_fp_unp" ] || [ -n "$_fp_pub" ] ||
		xrc_usage_error fidelity "--unpatched is only read with --publish"
	_fp_base="$XRC_BUILD/results/fidelity-$_fp_port"
	mkdir -p "$_fp_base" || xrc_die "cannot create $_fp_base"
	_fp_known="$XRC_ROOT/ports/$_fp_port/departures"

	if [ -z "$_fp_sim" ]; then
		_fp_sim="$_fp_base/sim-proposed"
		xrc_port_run "$_fp_sim" --backend sim:proposed --profile proposed
	fi
	if [ -z "$_fp_real" ]; then
		_fp_real="$_fp_base/xen-vm-$_fp_port"
		echo "fidelity: xrc run --backend xen-vm --port $_fp_port --profile proposed" >&2
		xrc_port_run "$_fp_real" --backend xen-vm --port "$_fp_port" --profile proposed
	fi
	for _fp_d in "$_fp_sim" "$_fp_real"; do
		[ -f "$_fp_d/results.tsv" ] || xrc_die "fidelity: no results.tsv in $_fp_d"
	done

	# The observed outcomes, joined; then split by the departures list.
	xrc_fidelity_observed "$_fp_sim" >"$_fp_base/sim.obs"
	xrc_fidelity_observed "$_fp_real" >"$_fp_base/real.obs"
	if [ -f "$_fp_known" ]; then
		grep -v '^#' "$_fp_known" | grep -v '^[[:space:]]*$' | sort >"$_fp_base/known"
	else
		: >"$_fp_base/known"
	fi
	_fp_tab=$(printf '\t')
	join -t "$_fp_tab" -a 1 -a 2 -e absent -o 0,1.2,2.2 \
		"$_fp_base/sim.obs" "$_fp_base/real.obs" |
		awk -F '\t' '$2 != $3' >"$_fp_base/differ"
	join -t "$_fp_tab" -v 1 "$_fp_base/differ" "$_fp_base/known" >"$_fp_base/unexplained"
	join -t "$_fp_tab" "$_fp_base/differ" "$_fp_base/known" >"$_fp_base/explained"
	# A departure listed that no longer differs: the list is stale.
	join -t "$_fp_tab" -v 2 "$_fp_base/differ" "$_fp_base/known" >"$_fp_base/stale"

	if [ -s "$_fp_base/explained" ]; then
		echo "departures the port means (ports/$_fp_port/departures):"
		awk -F '\t' '{ printf "  %-52s sim %-8s real %-8s %s\n", $1, $2, $3, $4 }' \
			"$_fp_base/explained"
	fi
	if [ -s "$_fp_base/unexplained" ]; then
		echo "differences (sim:proposed vs xen-vm --port $_fp_port, observed outcomes):"
		awk -F '\t' '{ printf "  %-60s sim %-10s real %s\n", $1, $2, $3 }' \
			"$_fp_base/unexplained"
	fi
	if [ -s "$_fp_base/stale" ]; then
		echo "listed in ports/$_fp_port/departures, but the outcomes are the same now:"
		cut -f 1 "$_fp_base/stale" | sed 's/^/  /'
	fi
	_fp_bad=$(($(wc -l <"$_fp_base/unexplained") + $(wc -l <"$_fp_base/stale")))
	echo "fidelity: port $_fp_port: $(wc -l <"$_fp_base/real.obs") assertions compared" \
		"with sim:proposed, $(wc -l <"$_fp_base/unexplained") differ," \
		"$(wc -l <"$_fp_base/explained") departures the port means," \
		"$(wc -l <"$_fp_base/stale") listed but gone"

	# The client programs in the patched dom0 against sim:proposed.
	if [ -f "$_fp_real/clients.tsv" ]; then
		# shellcheck source=scripts/xrc-lib/_vm.sh disable=SC1091
		. "$XRC_LIB/_vm.sh"
		# shellcheck disable=SC2034 # read by xrc_vm_clients_sim (_vm.sh)
		XRC_VM_CLIENTS=$XRC_PORT_PROFILE
		xrc_vm_clients_sim "$_fp_base/clients-sim" >"$_fp_base/clients-sim.tsv"
		xrc_vm_clients_diff "$_fp_real/clients.tsv" "$_fp_base/clients-sim.tsv" \
			>"$_fp_base/clients.differ"
		if [ -s "$_fp_base/clients.differ" ]; then
			echo "client programs' test cases that differ (xen-vm --port $_fp_port vs sim:proposed):"
			awk -F '\t' '{ printf "  %-50s real %-7s sim %s\n", $1 ": " $2, $3, $4 }' \
				"$_fp_base/clients.differ"
		fi
		_fp_cnok=$(awk -F '\t' '$3 == "not-ok"' "$_fp_real/clients.tsv" | wc -l)
		echo "fidelity: port $_fp_port: $(wc -l <"$_fp_real/clients.tsv") client test" \
			"cases compared, $(wc -l <"$_fp_base/clients.differ") differ, $_fp_cnok not ok"
		_fp_bad=$((_fp_bad + $(wc -l <"$_fp_base/clients.differ") + _fp_cnok))
	fi

	if [ -n "$_fp_pub" ]; then
		if [ -z "$_fp_unp" ]; then
			_fp_unp="$_fp_base/xen-vm-unpatched"
			echo "fidelity: xrc run --backend xen-vm --profile proposed (Debian's drivers)" >&2
			xrc_port_run "$_fp_unp" --backend xen-vm --profile proposed
		fi
		[ -f "$_fp_unp/results.tsv" ] || xrc_die "fidelity: no results.tsv in $_fp_unp"
		xrc_port_publish "$_fp_port" "$_fp_unp" "$_fp_real" "$_fp_base" "$_fp_pub" ||
			xrc_die "fidelity: cannot write $_fp_pub"
		echo "fidelity: wrote $_fp_pub"
	fi
	[ "$_fp_bad" -eq 0 ]
}

# xrc_port_totals DIR: a run's totals line, without its time.
xrc_port_totals() {
	tail -n 1 "$1/results.txt" 2>/dev/null | sed 's/ in [0-9.]* s$//'
}

# xrc_port_publish PORT UNPATCHED PATCHED BASE FILE: the port's page.
xrc_port_publish() {
	[ -f "$3/results.md" ] || return 1
	_pp_series=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$XRC_ROOT/ports/$1/series" | grep -v '^$')
	_pp_kver=$(sed -n 's/^# kernel: //p' "$3/results.tsv" | head -n 1)
	{
		echo "# Linux 6.1 with the restrict patch series on Xen 4.17 against the restrict contract"
		echo
		echo "Generated; do not edit. The conformance suite ran inside a"
		echo "Debian 12 dom0 (linux-image-${_pp_kver:-?}, Xen 4.17.7 from"
		echo "Debian, pinned in vm-images/) booted under"
		echo "\`qemu-system-x86_64 -accel tcg\`, twice, judged both times by"
		echo "the **proposed** column (the 2016 contract): with Debian's own"
		echo "Xen drivers, and with xen-privcmd, xen-evtchn, xen-gntdev and"
		echo "xen-gntalloc rebuilt out of tree from Debian's linux-source-6.1"
		echo "with the patch series of [ports/$1/](../../ports/$1/README.md)"
		echo "(\`make ports\`):"
		echo
		for _pp_p in $_pp_series; do
			# The Subject header, with its folded lines (RFC 5322).
			echo "- \`$_pp_p\`: $(awk '
				s && /^[ \t]/ { sub(/^[ \t]+/, " "); subj = subj $0; next }
				s { exit }
				/^Subject: / { s = 1; subj = $0 }
				END { sub(/^Subject: (\[[^]]*\] )?/, "", subj); print subj }' \
				"$XRC_ROOT/ports/$1/patches/$_pp_p")"
		done
		echo
		echo "Regenerate with:"
		echo
		echo "    scripts/xrc fidelity --port $1 --publish docs/conformance/linux-6.1-proposed-patch.md"
		echo
		echo "## The two runs"
		echo
		echo "| run | drivers | result (judged by proposed) |"
		echo "|---|---|---|"
		echo "| 1 | Debian's modules (linux-image-${_pp_kver:-?}) | $(xrc_port_totals "$2") |"
		echo "| 2 | \`make ports\`: ports/$1/ | $(xrc_port_totals "$3") |"
		echo
		echo "Each run's drivers, with their sha256, are in the last section."
		echo
		xrc_fidelity_departures "$3/results.md" | awk -v port="$1" '
		/^## Where Linux departs/ {
			n = $0
			sub(/^## Where Linux departs/, "## Where the patched drivers depart", n)
			print n
			print ""
			print "None FAILs. SKIP: the feature is absent from 6.1 and the series"
			print "does not add it (IRQFD, IOEVENTFD), or the row needs a domU"
			print "(the dom0 run skips it); the next section gives each reason."
			print ""
			skip = 1
			next
		}
		skip && /^[|] assertion [|]/ {
			skip = 0
			print "| assertion | the proposal expects | the patched drivers answered |"
			next
		}
		!skip'
		echo
		echo "## Where the patched drivers answer otherwise than sim:proposed"
		echo
		echo "Every observed outcome the patched dom0 and the sim's proposed"
		echo "profile do not share, with the reason from"
		echo "[ports/$1/departures](../../ports/$1/departures) (none is a FAIL:"
		echo "the proposed column is unspecified there, or the row SKIPs)."
		echo
		echo "| assertion | sim:proposed | patched Linux 6.1 | why |"
		echo "|---|---|---|---|"
		awk -F '\t' '{ printf "| `%s` | %s | %s | %s |\n", $1, $2, $3, $4 }' "$4/explained"
		awk -F '\t' '{ printf "| `%s` | %s | %s | (not explained) |\n", $1, $2, $3 }' "$4/unexplained"
		echo
		"$XRC_SELF" report "$2" "$3" \
			--title "Debian's drivers (1) next to the patched drivers (2)" \
			--differences-title "What the patch changed: the assertions whose outcome differs" |
			# Both columns are "xen-vm vs proposed, kernel ..., Xen ...":
			# name them by their drivers.
			awk -v port="$1" '
			/^[|] (assertion|key) [|]/ {
				split($0, h, " [|] ")
				printf "%s | 1: Debian'"'"'s drivers | 2: ports/%s |\n", h[1], port
				next
			}
			{ sub(/^#/, "##"); print }'
	} >"$5.tmp" && mv "$5.tmp" "$5"
}
