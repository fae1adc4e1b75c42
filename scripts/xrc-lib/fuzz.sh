# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: libFuzzer campaigns on the restrict audits (fuzz/)
#
# `xrc fuzz`: build and run the libFuzzer targets of fuzz/ (the four
# device models and the differential against a port), keep their corpora
# and findings in XRC_FUZZ_DIR (default fuzz-work/ at the top of the
# tree, outside build/, so that `make clean` keeps a campaign's work),
# minimize and save what they find, replay it, merge a corpus, prove the
# oracles on planted defects, and print the speed figures.
#
# Exit codes, as `xrc run`'s: 0 nothing found, 1 a finding, 2 a campaign
# that did not run (a build that failed, a fuzzer that would not start)
# or a bad command line.  A campaign that broke decides over a finding.

xrc_fuzz_help() {
	cat <<-EOF
	usage: xrc fuzz TARGET... | --all   [--time S] [--jobs N] [--profile P]
	                                    [-- LIBFUZZER-FLAG...]
	       xrc fuzz --merge TARGET [--profile P] [-- LIBFUZZER-FLAG...]
	       xrc fuzz --selftest [--time S]
	       xrc fuzz --smoke [--time S]
	       xrc fuzz --repro FILE
	       xrc fuzz --port FILE.c [--time S] [--profile P]
	       xrc fuzz --figures [--time S]

	Runs libFuzzer campaigns (BUILD/fuzz/bin/fuzz-TARGET, ASan+UBSan) on the
	restrict audits.  Targets: privcmd, evtchn, gntdev, gntalloc (programs
	of open/dup/fork/restrict/ioctl/mmap/close on that device of the sim,
	in-process), diff (the differential target with the reference as the
	port), diff-lax (fuzz/ports/lax.c, a port with deliberate mistakes:
	always finds something).  --all: every target but diff-lax.  The
	targets are built on first use (make; it says so) and rebuilt when
	their sources change.

	  --time S      seconds per target (default 10; --smoke 3, --selftest 60
	                as the limit to find each planted defect, --figures 5)
	  --jobs N      N fuzzing processes per target, on one corpus; the
	                progress lines and the summary add them up
	  --profile P   the profile the sim follows (see 'xrc profiles'); 'all':
	                each in turn; default: each input picks one (its first
	                byte)
	  -- FLAG...    libFuzzer flags for every fuzzing process, after xrc's
	                own (so they win): -max_len=64 -dict=FILE -seed=N ...

	Work goes to XRC_FUZZ_DIR (default: fuzz-work/ at the top of the tree;
	'make clean' keeps it, 'make distclean' removes it): corpora grow in
	corpus/TARGET/ (seeded from fuzz/corpus/), findings are minimized into
	crashes/TARGET/ with a .repro file (the command that reproduces it,
	the minimized input's size and finding), the fuzzers' logs are in
	logs/.  Each target ends with one line: 'TARGET: N execs, R exec/s,
	C crashes'.

	  --merge TARGET minimizes TARGET's corpus (libFuzzer -merge=1): keeps
	                the inputs that add coverage, prints 'TARGET: corpus
	                merged: N -> M inputs'
	  --selftest    builds the sim with planted defects (BUILD/fuzz-planted/)
	                and proves that each relevant target finds each one, and
	                that the differential target catches the lax port;
	                exit 0 only if all do (prints TAP and the time to find)
	  --smoke       every target for a few seconds (prints TAP; for CI)
	  --repro FILE  replays a saved finding; exit 1 if it still fails
	  --port FILE.c builds the differential target with your port (see
	                fuzz/include/xrc-fuzz/port.h) and fuzzes it
	  --figures     exec/s per target with and without sanitizers, and the
	                harness alone (no libFuzzer), one core each, with the
	                goals next to them and the load average

	exit: 0 nothing found (selftest: everything found), 1 a finding (or a
	missed plant), 2 a campaign that did not run (a build that failed, a
	fuzzer that would not start: this wins over a finding) or a usage
	error.
	EOF
}

XRC_FUZZ_TARGETS="privcmd evtchn gntdev gntalloc diff"

# Where campaigns keep their work (absolute).
XRC_FUZZ_WORK=${XRC_FUZZ_DIR:-$XRC_ROOT/fuzz-work}
case $XRC_FUZZ_WORK in
/*) ;;
*) XRC_FUZZ_WORK="$PWD/$XRC_FUZZ_WORK" ;;
esac

# libFuzzer flags from after "--", space-separated (checked: no blanks).
_XF_EXTRA=''

# _xf_build VARIANT TARGET: bring the libFuzzer binary up to date; its
# path in _XF_BIN.  Not in a command substitution: a build that fails
# must be seen (status 2, make's tail on stderr), not lost in $(...).
_xf_build() {
	_XF_BIN="$XRC_BUILD/$1/bin/fuzz-$2"
	( xrc_ensure_built "$_XF_BIN" \
		"xrc fuzz: building fuzz-$2 ($1; clang, libFuzzer: the first build takes a while)" )
}

# _xf_worst RC RC: the exit code of both: 2 (broke) over 1 (found) over 0.
_xf_worst() {
	if [ "$1" -eq 2 ] || [ "$2" -eq 2 ]; then
		echo 2
	elif [ "$1" -eq 1 ] || [ "$2" -eq 1 ]; then
		echo 1
	else
		echo 0
	fi
}

# _xf_dict TARGET: its dictionary.
_xf_dict() {
	case $1 in
	diff*) echo "$XRC_ROOT/fuzz/dict/all.dict" ;;
	*) echo "$XRC_ROOT/fuzz/dict/$1.dict" ;;
	esac
}

_xf_seeds() {
	case $1 in
	diff*) echo "$XRC_ROOT/fuzz/corpus/diff" ;;
	*) echo "$XRC_ROOT/fuzz/corpus/$1" ;;
	esac
}

# _xf_stat LOG KEY: a stat:: value of libFuzzer's final report (0 if none).
_xf_stat() {
	_xf_v=$(sed -n "s/^stat::$2: *//p" "$1" 2>/dev/null | tail -n 1)
	echo "${_xf_v:-0}"
}

# _xf_progress LOG...: the workers' last status lines added up: execs and
# exec/s summed, coverage the best of them ("#1000 NEW cov: 10 ... exec/s:
# 100" in each log).
_xf_progress() {
	for _xf_l in "$@"; do
		tr '\r' '\n' <"$_xf_l" 2>/dev/null | grep '^#[0-9]' | tail -n 1
	done | awk -v n=$# '
		{
			sum += substr($1, 2) + 0
			for (i = 2; i < NF; i++) {
				if ($i == "cov:" && $(i + 1) + 0 > cov)
					cov = $(i + 1) + 0
				if ($i == "exec/s:")
					rate += $(i + 1)
			}
		}
		END {
			printf "%d execs, cov %d, %d exec/s (%d worker%s)\n",
				sum, cov, rate, n, n == 1 ? "" : "s"
		}'
}

# _xf_is_profile NAME
_xf_is_profile() {
	xrc_profile_names | grep -qxF -- "$1"
}

# _xf_what LOG: the first line saying what a run found: the oracle's
# FINDING line, else a sanitizer's or libFuzzer's error.
_xf_what() {
	grep -m 1 'xrc-fuzz: FINDING\|ERROR: \(Address\|Undefined\|Leak\|libFuzzer\)\|runtime error' \
		"$1" 2>/dev/null
}

# _xf_save LOG TARGET PROFILE VARIANT PLANT BIN: minimize the artifact the
# log names, replay the minimized input to learn what it finds (it may
# differ from the original's finding), write its .repro.  Prints the saved
# path on stdout.
_xf_save() {
	_xf_art=$(sed -n "s/.*Test unit written to //p" "$1" | tail -n 1)
	[ -n "$_xf_art" ] && [ -f "$_xf_art" ] || return 0
	_xf_min="$_xf_art-min"
	# Minimizing runs the input many times; 10 s is plenty for programs.
	env ${3:+XRC_FUZZ_PROFILE=$3} ${5:+XENSIM_PLANT=$5} \
		"$6" -minimize_crash=1 -max_total_time=10 \
		-exact_artifact_path="$_xf_min" "$_xf_art" \
		>"$_xf_art.minimize.log" 2>&1 || true
	[ -f "$_xf_min" ] || cp "$_xf_art" "$_xf_min"
	# Its own report: what the summary and the .repro describe.  Failing
	# is what it is there for, so its exit code is not a breakage.
	env ${3:+XRC_FUZZ_PROFILE=$3} ${5:+XENSIM_PLANT=$5} \
		"$6" "$_xf_min" >"$_xf_min.log" 2>&1 || true
	_xf_desc=$(_xf_what "$_xf_min.log" | sed 's/^xrc-fuzz: FINDING //')
	[ -n "$_xf_desc" ] ||
		_xf_desc="(the minimized input did not fail again; the original's: $(_xf_what "$1" | sed 's/^xrc-fuzz: FINDING //'))"
	{
		echo "# xrc fuzz finding: reproduce with scripts/xrc fuzz --repro $_xf_min"
		echo "target=$2"
		echo "profile=$3"
		echo "variant=$4"
		echo "plant=$5"
		echo "size=$(wc -c <"$_xf_min" | tr -d ' ')"
		echo "finding=$_xf_desc"
		grep -m 1 -A 1 'xrc-fuzz: FINDING' "$_xf_min.log" | sed 's/^/# /'
	} >"$_xf_min.repro"
	echo "$_xf_min"
}

# _xf_result TAP OK LINE: the campaign's line, as TAP or plain.
_xf_result() {
	if [ -z "$1" ]; then
		echo "$3"
		return
	fi
	_XF_TAP_N=$((_XF_TAP_N + 1))
	if [ "$2" = ok ]; then
		echo "ok $_XF_TAP_N - $3"
	else
		echo "not ok $_XF_TAP_N - $3"
	fi
}

# _xf_campaign TARGET PROFILE SECONDS JOBS TAP: one campaign; prints the
# summary line; returns 0 nothing found, 1 a finding, 2 it did not run.
_xf_campaign() {
	_xf_t=$1 _xf_p=$2 _xf_s=$3 _xf_j=$4 _xf_tap=$5
	_xf_name=$_xf_t${_xf_p:+[$_xf_p]}
	if ! _xf_build fuzz "$_xf_t"; then
		_xf_result "$_xf_tap" no "$_xf_name: did not run: could not build fuzz-$_xf_t"
		return 2
	fi
	_xf_b=$_XF_BIN
	_xf_corpus="$XRC_FUZZ_WORK/corpus/$_xf_t"
	_xf_crashes="$XRC_FUZZ_WORK/crashes/$_xf_t"
	_xf_logs="$XRC_FUZZ_WORK/logs"
	mkdir -p "$_xf_corpus" "$_xf_crashes" "$_xf_logs" ||
		xrc_die "cannot create $XRC_FUZZ_WORK/"
	_xf_pids='' _xf_all=''
	_xf_i=0
	while [ "$_xf_i" -lt "$_xf_j" ]; do
		_xf_log="$_xf_logs/$_xf_t${_xf_p:+-$_xf_p}.$_xf_i.log"
		_xf_all="$_xf_all $_xf_log"
		# The flags from after "--" come last: libFuzzer takes the last.
		set -f
		# shellcheck disable=SC2086 # _XF_EXTRA is a list of flags
		env ${_xf_p:+XRC_FUZZ_PROFILE=$_xf_p} "$_xf_b" \
			-max_total_time="$_xf_s" -print_final_stats=1 \
			-max_len=128 -dict="$(_xf_dict "$_xf_t")" \
			-artifact_prefix="$_xf_crashes/${_xf_p:-any}-" $_XF_EXTRA \
			"$_xf_corpus" "$(_xf_seeds "$_xf_t")" >"$_xf_log" 2>&1 &
		_xf_pids="$_xf_pids $!"
		set +f
		_xf_i=$((_xf_i + 1))
	done
	# Progress every few seconds while they run (not in TAP mode), every
	# worker added up.
	_xf_start=$(date +%s)
	while :; do
		_xf_alive=0
		for _xf_pid in $_xf_pids; do
			kill -0 "$_xf_pid" 2>/dev/null && _xf_alive=1
		done
		[ "$_xf_alive" = 1 ] || break
		sleep 1
		_xf_el=$(($(date +%s) - _xf_start))
		if [ -z "$_xf_tap" ] && [ $((_xf_el % 3)) -eq 0 ]; then
			# shellcheck disable=SC2086 # _xf_all is a list of paths
			printf '  %s: %ss/%ss  %s\n' "$_xf_name" "$_xf_el" \
				"$_xf_s" "$(_xf_progress $_xf_all)" >&2
		fi
	done
	# Each worker's exit code: a fuzzer that stopped without a finding
	# and without its final report did not run (a bad flag, a binary
	# that would not start).
	_xf_codes=''
	for _xf_pid in $_xf_pids; do
		_xf_w=0
		wait "$_xf_pid" 2>/dev/null || _xf_w=$?
		_xf_codes="$_xf_codes $_xf_w"
	done
	_xf_execs=0 _xf_rate=0 _xf_found=0 _xf_saved='' _xf_broke=''
	_xf_i=0
	for _xf_w in $_xf_codes; do
		_xf_log="$_xf_logs/$_xf_t${_xf_p:+-$_xf_p}.$_xf_i.log"
		_xf_execs=$((_xf_execs + $(_xf_stat "$_xf_log" number_of_executed_units)))
		_xf_rate=$((_xf_rate + $(_xf_stat "$_xf_log" average_exec_per_sec)))
		if grep -q 'Test unit written to' "$_xf_log"; then
			_xf_found=$((_xf_found + 1))
			_xf_min=$(_xf_save "$_xf_log" "$_xf_t" "$_xf_p" fuzz "" "$_xf_b")
			_xf_saved="$_xf_saved $_xf_min"
			# What the minimized input finds (the saved one).
			grep -m 1 -A 1 'xrc-fuzz: FINDING\|ERROR: \(Address\|Undefined\|Leak\|libFuzzer\)\|runtime error' \
				"${_xf_min:-$_xf_log}.log" 2>/dev/null |
				sed 's/^/    | /' >&2
		elif [ "$_xf_w" -ne 0 ] || ! grep -q '^stat::number_of_executed_units\|^Done [0-9]* runs' "$_xf_log"; then
			_xf_broke="$_xf_broke worker $_xf_i exit $_xf_w ($_xf_log);"
			tail -n 3 "$_xf_log" | sed 's/^/    | /' >&2
		fi
		_xf_i=$((_xf_i + 1))
	done
	if [ -n "$_xf_broke" ]; then
		_xf_result "$_xf_tap" no "$_xf_name: did not run:${_xf_broke%;}"
		return 2
	fi
	_xf_line="$_xf_name: $_xf_execs execs, $_xf_rate exec/s, $_xf_found crashes"
	if [ "$_xf_found" -eq 0 ]; then
		_xf_result "$_xf_tap" ok "$_xf_line"
	else
		_xf_result "$_xf_tap" no "$_xf_line"
	fi
	for _xf_f in $_xf_saved; do
		echo "    saved $_xf_f"
		echo "    reproduce: scripts/xrc fuzz --repro $_xf_f"
	done
	[ "$_xf_found" -eq 0 ] || return 1
}

# _xf_merge TARGET PROFILE: minimize TARGET's corpus (libFuzzer -merge=1
# into a fresh folder, which then replaces it).
_xf_merge() {
	_xf_t=$1 _xf_p=$2
	_xf_build fuzz "$_xf_t" || return 2
	_xf_corpus="$XRC_FUZZ_WORK/corpus/$_xf_t"
	[ -d "$_xf_corpus" ] ||
		xrc_usage_error fuzz "--merge: no corpus at $_xf_corpus (run a campaign first)"
	_xf_new="$_xf_corpus.merge.$$"
	_xf_log="$XRC_FUZZ_WORK/logs/$_xf_t.merge.log"
	rm -rf "$_xf_new"
	mkdir -p "$_xf_new" "$XRC_FUZZ_WORK/logs" || xrc_die "cannot create $_xf_new"
	_xf_n0=$(find "$_xf_corpus" -type f | wc -l | tr -d ' ')
	_xf_rc=0
	set -f
	# shellcheck disable=SC2086 # _XF_EXTRA is a list of flags
	env ${_xf_p:+XRC_FUZZ_PROFILE=$_xf_p} "$_XF_BIN" -merge=1 $_XF_EXTRA \
		"$_xf_new" "$_xf_corpus" >"$_xf_log" 2>&1 || _xf_rc=$?
	set +f
	_xf_n1=$(find "$_xf_new" -type f | wc -l | tr -d ' ')
	if [ "$_xf_rc" -ne 0 ] || { [ "$_xf_n1" -eq 0 ] && [ "$_xf_n0" -gt 0 ]; }; then
		rm -rf "$_xf_new"
		tail -n 5 "$_xf_log" | sed 's/^/    | /' >&2
		echo "$_xf_t: the merge did not run (exit $_xf_rc; log $_xf_log); the corpus is as it was"
		return 2
	fi
	rm -rf "$_xf_corpus.old.$$"
	if ! { mv "$_xf_corpus" "$_xf_corpus.old.$$" &&
		mv "$_xf_new" "$_xf_corpus"; }; then
		xrc_die "could not replace $_xf_corpus with $_xf_new"
	fi
	rm -rf "$_xf_corpus.old.$$"
	echo "$_xf_t: corpus merged: $_xf_n0 -> $_xf_n1 inputs ($_xf_corpus)"
}

# _xf_selftest_one NAME TARGET VARIANT PLANT SECONDS: must find within S;
# returns 0 found, 1 not found, 2 did not run.
_xf_selftest_one() {
	_xf_dir="$XRC_BUILD/fuzz/selftest/$1"
	rm -rf "$_xf_dir"
	mkdir -p "$_xf_dir/corpus" || xrc_die "cannot create $_xf_dir"
	_XF_TAP_N=$((_XF_TAP_N + 1))
	if ! _xf_build "$3" "$2"; then
		echo "not ok $_XF_TAP_N - $1: did not run: could not build $3/fuzz-$2"
		return 2
	fi
	_xf_log="$_xf_dir/log"
	# From an empty corpus: the seeds must not hand the defect over.
	_xf_t0=$(date +%s.%N)
	_xf_w=0
	env XRC_FUZZ_PROFILE=proposed ${4:+XENSIM_PLANT=$4} "$_XF_BIN" \
		-max_total_time="$5" -print_final_stats=1 -max_len=128 \
		-dict="$(_xf_dict "$2")" -artifact_prefix="$_xf_dir/" \
		"$_xf_dir/corpus" >"$_xf_log" 2>&1 || _xf_w=$?
	_xf_t1=$(date +%s.%N)
	_xf_secs=$(echo "$_xf_t0 $_xf_t1" | awk '{ printf "%.1f", $2 - $1 }')
	_xf_what=$(sed -n 's/^xrc-fuzz: FINDING //p' "$_xf_log" | head -n 1)
	if grep -q 'Test unit written to' "$_xf_log" && [ -n "$_xf_what" ]; then
		echo "ok $_XF_TAP_N - $1: fuzz-$2 found it in $_xf_secs s" \
			"($(_xf_stat "$_xf_log" number_of_executed_units) execs; $_xf_what)"
		return 0
	fi
	if [ "$_xf_w" -ne 0 ] || ! grep -q '^stat::number_of_executed_units\|^Done [0-9]* runs' "$_xf_log"; then
		echo "not ok $_XF_TAP_N - $1: fuzz-$2 did not run (exit $_xf_w; log: $_xf_log)"
		tail -n 3 "$_xf_log" | sed 's/^/# /'
		return 2
	fi
	echo "not ok $_XF_TAP_N - $1: fuzz-$2 did not find it in $5 s (log: $_xf_log)"
	grep -m 3 'ERROR\|runtime error' "$_xf_log" | sed 's/^/# /'
	return 1
}

# _xf_st NAME TARGET VARIANT PLANT SECONDS: one self-test case, its code
# folded into _xf_src.
_xf_st() {
	_xf_one=0
	_xf_selftest_one "$@" || _xf_one=$?
	_xf_src=$(_xf_worst "$_xf_src" "$_xf_one")
}

_xf_selftest() {
	_xf_lim=${1:-60}
	_XF_TAP_N=0
	_xf_src=0
	echo "1..5"
	echo "# planted defects (XENSIM_PLANT, sim/dev/planted.h) and the lax port;"
	echo "# each target starts from an empty corpus, profile proposed, limit $_xf_lim s"
	_xf_st dm-op-nr3 privcmd fuzz-planted dm-op-nr3 "$_xf_lim"
	_xf_st mmapbatch-v2 privcmd fuzz-planted mmapbatch-v2 "$_xf_lim"
	_xf_st evtchn-interdomain evtchn fuzz-planted evtchn-interdomain "$_xf_lim"
	_xf_st evtchn-reset evtchn fuzz-planted evtchn-reset "$_xf_lim"
	_xf_st lax-port diff-lax fuzz "" "$_xf_lim"
	return "$_xf_src"
}

_xf_repro() {
	_xf_f=$1
	[ -f "$_xf_f" ] || xrc_usage_error fuzz "--repro: no file '$_xf_f'"
	_xf_t='' _xf_p='' _xf_v=fuzz _xf_plant=''
	if [ -f "$_xf_f.repro" ]; then
		_xf_t=$(sed -n 's/^target=//p' "$_xf_f.repro")
		_xf_p=$(sed -n 's/^profile=//p' "$_xf_f.repro")
		_xf_v=$(sed -n 's/^variant=//p' "$_xf_f.repro")
		_xf_plant=$(sed -n 's/^plant=//p' "$_xf_f.repro")
	fi
	# Without a .repro, the folder names the target (crashes/TARGET/).
	[ -n "$_xf_t" ] || _xf_t=$(basename "$(dirname "$_xf_f")")
	case " $XRC_FUZZ_TARGETS diff-lax " in
	*" $_xf_t "*) ;;
	*)	# A port's target (diff-NAME) exists once --port built it.
		[ -x "$XRC_BUILD/fuzz/bin/fuzz-$_xf_t" ] ||
			xrc_usage_error fuzz "--repro: cannot tell the target of '$_xf_f' (no .repro file, folder '$_xf_t')" ;;
	esac
	case $_xf_v in
	fuzz | fuzz-planted) ;;
	*) _xf_v=fuzz ;;
	esac
	_xf_build "$_xf_v" "$_xf_t" || return 2
	echo "xrc fuzz: replaying $_xf_f on $_XF_BIN${_xf_p:+ (profile $_xf_p)}${_xf_plant:+ (plant $_xf_plant)}"
	if env ${_xf_p:+XRC_FUZZ_PROFILE=$_xf_p} ${_xf_plant:+XENSIM_PLANT=$_xf_plant} \
		"$_XF_BIN" "$_xf_f"; then
		echo "xrc fuzz: $_xf_f passes now"
		return 0
	fi
	echo "xrc fuzz: $_xf_f still fails (report above)"
	return 1
}

# --- fuzz figures (issue 17: the speed goals printed next to the figures) ---
# _xf_rate BIN SECONDS TARGET: exec/s of one single-core run, from the
# seed corpus into an empty scratch corpus under $_XF_SCRATCH.
_xf_rate() {
	_xf_b=$1 _xf_s=$2 _xf_t=$3
	_xf_tmp="$_XF_SCRATCH/$_xf_t-$(basename "$(dirname "$(dirname "$_xf_b")")")"
	rm -rf "$_xf_tmp"
	mkdir -p "$_xf_tmp/corpus"
	_xf_w=0
	"$_xf_b" -max_total_time="$_xf_s" -print_final_stats=1 -max_len=128 \
		-dict="$(_xf_dict "$_xf_t")" -artifact_prefix="$_xf_tmp/" \
		"$_xf_tmp/corpus" "$(_xf_seeds "$_xf_t")" >"$_xf_tmp/log" 2>&1 || _xf_w=$?
	# A figure from a run that broke would be a wrong figure.
	if [ "$_xf_w" -ne 0 ] || ! grep -q '^stat::average_exec_per_sec' "$_xf_tmp/log"; then
		echo "?"
		return
	fi
	_xf_stat "$_xf_tmp/log" average_exec_per_sec
}

# _xf_goal FIGURE GOAL: "met" or "below" (a printed figure, never a
# verdict: speed goals are not tests).
_xf_goal() {
	case $1 in
	'' | *[!0-9]*) echo "?" ;;
	*) if [ "$1" -ge "$2" ]; then echo met; else echo below; fi ;;
	esac
}

# The goals of issue 17, exec/s: the device targets, then the audit
# (diff); ASan+UBSan, then no sanitizer.
_XF_GOAL_DEV_SAN=150000 _XF_GOAL_DEV_NOSAN=400000
_XF_GOAL_DIFF_SAN=500000 _XF_GOAL_DIFF_NOSAN=1500000

_xf_figures() {
	_xf_s=${1:-5}
	# The new inputs a run keeps go to a tmpfs when there is one: on a
	# disk file system, creating and unlinking the hundreds of files the
	# first seconds from the seeds produce costs as much as the fuzzing
	# (ext4 inode allocation under load), which is not what is measured.
	_XF_SCRATCH="$XRC_BUILD/fuzz/figures"
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		_XF_SCRATCH=$(mktemp -d /dev/shm/xrc-fuzz-figures.XXXXXX)
	fi
	echo "fuzz figures: exec/s, one process each, $_xf_s s from the seed corpus, -max_len=128"
	echo "(load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null); $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') cores; new inputs kept in $_XF_SCRATCH)"
	printf '%-10s %10s %9s %6s %12s %9s %6s %13s\n' target "ASan+UBSan" goal "" \
		"no sanitizer" goal "" "harness only"
	for _xf_t in $XRC_FUZZ_TARGETS; do
		_xf_build fuzz "$_xf_t" || exit "$XRC_EXIT_BROKE"
		_xf_a=$(_xf_rate "$_XF_BIN" "$_xf_s" "$_xf_t")
		_xf_build fuzz-nosan "$_xf_t" || exit "$XRC_EXIT_BROKE"
		_xf_n=$(_xf_rate "$_XF_BIN" "$_xf_s" "$_xf_t")
		# The harness without libFuzzer: gcc -O2 replay of the corpus.
		_xf_r="$XRC_BUILD/fuzz-replay/bin/replay-$_xf_t"
		xrc_ensure_built "$_xf_r"
		_xf_h=$("$_xf_r" --bench 2 "$_XF_SCRATCH/$_xf_t-fuzz-nosan/corpus" \
			"$(_xf_seeds "$_xf_t")" 2>/dev/null |
			sed -n 's/.* \([0-9]*\) inputs\/s.*/\1/p')
		case $_xf_t in
		diff*) _xf_ga=$_XF_GOAL_DIFF_SAN _xf_gn=$_XF_GOAL_DIFF_NOSAN ;;
		*) _xf_ga=$_XF_GOAL_DEV_SAN _xf_gn=$_XF_GOAL_DEV_NOSAN ;;
		esac
		printf '%-10s %10s %9s %6s %12s %9s %6s %13s\n' "$_xf_t" \
			"$_xf_a" ">=$_xf_ga" "$(_xf_goal "$_xf_a" "$_xf_ga")" \
			"$_xf_n" ">=$_xf_gn" "$(_xf_goal "$_xf_n" "$_xf_gn")" "${_xf_h:-?}"
	done
	echo "(load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))"
	case $_XF_SCRATCH in
	/dev/shm/*) rm -rf "$_XF_SCRATCH" ;;
	esac
}
# --- end fuzz figures ---

xrc_fuzz() {
	_xf_targets='' _xf_time='' _xf_jobs=1 _xf_profile='' _xf_mode=run
	_xf_arg=''
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help)
			xrc_fuzz_help
			return 0 ;;
		--all) _xf_targets=$XRC_FUZZ_TARGETS ;;
		--selftest) _xf_mode=selftest ;;
		--smoke) _xf_mode=smoke ;;
		--figures) _xf_mode=figures ;;
		--time=*) _xf_time=${1#*=} ;;
		--jobs=*) _xf_jobs=${1#*=} ;;
		--profile=*) _xf_profile=${1#*=} ;;
		--repro=*) _xf_mode=repro _xf_arg=${1#*=} ;;
		--merge=*) _xf_mode=merge _xf_arg=${1#*=} ;;
		--port=*) _xf_mode=port _xf_arg=${1#*=} ;;
		--)
			# libFuzzer's own flags, for every fuzzing process.
			shift
			for _xf_f in "$@"; do
				case $_xf_f in
				*[[:space:]]*)
					xrc_usage_error fuzz "a libFuzzer flag cannot hold blanks: '$_xf_f'" ;;
				-?*) _XF_EXTRA="$_XF_EXTRA $_xf_f" ;;
				*)	xrc_usage_error fuzz "after --, libFuzzer flags (-name=value), not '$_xf_f'" ;;
				esac
			done
			break ;;
		--time | --jobs | --profile | --repro | --port | --merge)
			xrc_need_value fuzz "$@"
			case $1 in
			--time) _xf_time=$2 ;;
			--jobs) _xf_jobs=$2 ;;
			--profile) _xf_profile=$2 ;;
			--repro) _xf_mode=repro _xf_arg=$2 ;;
			--port) _xf_mode=port _xf_arg=$2 ;;
			--merge) _xf_mode=merge _xf_arg=$2 ;;
			esac
			shift ;;
		-*)
			xrc_usage_error fuzz "unknown option '$1'" ;;
		*)
			case " $XRC_FUZZ_TARGETS diff-lax " in
			*" $1 "*) _xf_targets="$_xf_targets $1" ;;
			*) xrc_usage_error fuzz "unknown target '$1' ($XRC_FUZZ_TARGETS diff-lax)" ;;
			esac ;;
		esac
		shift
	done
	if [ -n "$_xf_time" ] && ! xrc_is_count "$_xf_time"; then
		xrc_usage_error fuzz "--time wants a positive number of seconds, not '$_xf_time'"
	fi
	xrc_is_count "$_xf_jobs" ||
		xrc_usage_error fuzz "--jobs wants a positive number, not '$_xf_jobs'"
	_xf_profiles=$_xf_profile
	case $_xf_profile in
	'') ;;
	all) _xf_profiles=$(xrc_profile_names) ;;
	*) _xf_is_profile "$_xf_profile" ||
		xrc_usage_error fuzz "unknown profile '$_xf_profile' (see 'xrc profiles')" ;;
	esac

	# An installed xrc has no tree to build the targets in (docs/install.md).
	[ -z "${XRC_INSTALLED:-}" ] ||
		xrc_die "fuzz builds its libFuzzer targets: it needs the source tree (run scripts/xrc from a clone)"
	case $_xf_mode in
	selftest)
		_xf_selftest "$_xf_time"
		return ;;
	repro)
		_xf_repro "$_xf_arg"
		return ;;
	merge)
		case " $XRC_FUZZ_TARGETS diff-lax " in
		*" $_xf_arg "*) ;;
		*) xrc_usage_error fuzz "--merge: unknown target '$_xf_arg' ($XRC_FUZZ_TARGETS diff-lax)" ;;
		esac
		case $_xf_profile in
		all) xrc_usage_error fuzz "--merge: one profile, or none (each input's own)" ;;
		esac
		_xf_merge "$_xf_arg" "$_xf_profile"
		return ;;
	figures)
		_xf_figures "$_xf_time"
		return ;;
	port)
		[ -f "$_xf_arg" ] || xrc_usage_error fuzz "--port: no file '$_xf_arg'"
		_xf_pname=$(basename "$_xf_arg" .c)
		make -C "$XRC_ROOT" -s BUILD="${XRC_BUILD#"$XRC_ROOT"/}" fuzz-port PORT="$(cd "$(dirname "$_xf_arg")" && pwd)/$(basename "$_xf_arg")" ||
			xrc_die "could not build the port (make fuzz-port PORT=$_xf_arg)"
		# The port's binary is a target like the others.
		XRC_FUZZ_TARGETS="$XRC_FUZZ_TARGETS diff-$_xf_pname"
		_xf_targets="diff-$_xf_pname"
		mkdir -p "$XRC_ROOT/fuzz/corpus/diff" ;;
	smoke)
		_xf_targets=$XRC_FUZZ_TARGETS
		_xf_time=${_xf_time:-3}
		_XF_TAP_N=0
		echo "1..$(echo "$_xf_targets" | wc -w)" ;;
	esac
	[ -n "$_xf_targets" ] ||
		xrc_usage_error fuzz "name a target ($XRC_FUZZ_TARGETS diff-lax) or --all"
	_xf_rc=0
	_xf_tapm=''
	[ "$_xf_mode" != smoke ] || _xf_tapm=tap
	for _xf_t in $_xf_targets; do
		for _xf_p in ${_xf_profiles:-"-"}; do
			[ "$_xf_p" != - ] || _xf_p=''
			_xf_c=0
			_xf_campaign "$_xf_t" "$_xf_p" "${_xf_time:-10}" "$_xf_jobs" \
				"$_xf_tapm" || _xf_c=$?
			_xf_rc=$(_xf_worst "$_xf_rc" "$_xf_c")
		done
	done
	return "$_xf_rc"
}
