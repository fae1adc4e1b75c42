# shellcheck shell=sh
# Fidelity fuzzing (docs/fuzzing.md, "Fidelity fuzzing"): the fuzz
# corpora run through real system calls in one xen-vm boot and on
# sim:linux, every difference reported (`xrc fidelity --fuzz`); the kept
# findings (fuzz/regress-real/) replayed on the sim against their stored
# real transcripts, no VM needed; and the self-test that a planted
# difference (one cell of linux's table changed in a scratch build of the
# preload, fuzz/fidelity-plant.sed) is reported with a cut reproducer.

# ff_run NAME LOG EXPECT-RC CMD...: one TAP test, the command's output
# as comments.
ff_run() {
	_ff_name=$1
	_ff_log="$LOGS/fidelity-fuzz-$2.out"
	_ff_want=$3
	shift 3
	_ff_rc=0
	env BUILD="$BUILD" "$@" >"$_ff_log" 2>&1 || _ff_rc=$?
	echo "1..1"
	sed 's/^/# /' "$_ff_log" | tail -n 40
	if [ "$_ff_rc" = "$_ff_want" ]; then
		echo "ok 1 - $_ff_name"
	else
		echo "not ok 1 - $_ff_name (exit $_ff_rc, want $_ff_want; log $_ff_log)"
	fi
}

# The planted cell must be reported: exit 1, the program's first
# differing operation, both outcomes, a reproducer cut short.
ff_planted() {
	_fp_log="$LOGS/fidelity-fuzz-planted.out"
	_fp_rc=0
	env BUILD="$BUILD" sh scripts/xrc fidelity --fuzz \
		--replay fuzz/regress-real \
		--sim-preload "$BUILD/fidelity-plant/lib/libxensim-preload.so" \
		>"$_fp_log" 2>&1 || _fp_rc=$?
	echo "1..4"
	sed 's/^/# /' "$_fp_log" | tail -n 20
	if [ "$_fp_rc" = 1 ]; then
		echo "ok 1 - the planted difference fails the check (exit 1)"
	else
		echo "not ok 1 - the planted difference: exit $_fp_rc, want 1 (log $_fp_log)"
	fi
	if grep -q '^  sim:linux: .* DM_OP dom=0x[0-9a-f]* .* = -ENOSYS$' "$_fp_log" &&
	   grep -q '^  real: .* DM_OP dom=0x[0-9a-f]* .* = -EPERM$' "$_fp_log"; then
		echo "ok 2 - the first differing operation, both outcomes"
	else
		echo "not ok 2 - no DM_OP line with sim ENOSYS and real EPERM (log $_fp_log)"
	fi
	if grep -q '^  reproducer: .* ([0-9]* of [0-9]* bytes: the program up to its operation [0-9]*; the sim alone still answers so)$' "$_fp_log"; then
		echo "ok 3 - a reproducer cut after that operation"
	else
		echo "not ok 3 - no cut reproducer (log $_fp_log)"
	fi
	if cmp -s sim/dev/profiles.c "$BUILD/fidelity-plant/profiles.c"; then
		echo "not ok 4 - the scratch copy of profiles.c has no planted cell"
	else
		echo "ok 4 - the planted cell lives in the scratch copy only"
	fi
}

# Bad command lines: exit 2 with a message, never a run.
ff_usage() {
	echo "1..8"
	_fu_n=0
	for _fu_args in "--fuzz --max 0" "--fuzz nosuchdev" "--fuzz --corpus /nonexistent" \
		"--fuzz --replay fuzz/regress-real privcmd" \
		"--fuzz privcmd --kernel /nonexistent" "--fuzz privcmd --mem 12" \
		"--fuzz --replay fuzz/regress-real --xen /nonexistent"; do
		_fu_n=$((_fu_n + 1))
		_fu_rc=0
		# shellcheck disable=SC2086 # words on purpose
		env BUILD="$BUILD" sh scripts/xrc fidelity $_fu_args >/dev/null 2>&1 || _fu_rc=$?
		if [ "$_fu_rc" = 2 ]; then
			echo "ok $_fu_n - xrc fidelity $_fu_args: exit 2"
		else
			echo "not ok $_fu_n - xrc fidelity $_fu_args: exit $_fu_rc, want 2"
		fi
	done
	_fu_rc=0
	"$BUILD/bin/xrc-replay-real" privcmd >/dev/null 2>&1 || _fu_rc=$?
	if [ "$_fu_rc" = 2 ]; then
		echo "ok 8 - xrc-replay-real TARGET without :FILE: exit 2"
	else
		echo "not ok 8 - xrc-replay-real privcmd: exit $_fu_rc, want 2"
	fi
}

# fidelity.known's fuzz lines: a program's difference by its name, or by
# the call of its first difference, is known (exit 0, "known:"); without
# the line it is not (exit 1).  The planted preload makes the difference.
ff_known() {
	_fk_tmp=$(mktemp -d "${TMPDIR:-/tmp}/xrc-ff-known.XXXXXX")
	_fk_so="$BUILD/fidelity-plant/lib/libxensim-preload.so"
	mkdir -p "$_fk_tmp/privcmd"
	cp fuzz/regress-real/privcmd/dup-fork-restrict \
		fuzz/regress-real/privcmd/dup-fork-restrict.real "$_fk_tmp/privcmd/"
	echo "1..3"
	_fk_n=0
	for _fk_case in "fuzz:privcmd/dup-fork-restrict	0" "fuzz:privcmd:DM_OP	0" \
		"fuzz:privcmd:MMAP	1"; do
		_fk_n=$((_fk_n + 1))
		_fk_id=${_fk_case%	*}
		_fk_want=${_fk_case##*	}
		printf '%s\tself-test\n' "$_fk_id" >"$_fk_tmp/known"
		_fk_rc=0
		env BUILD="$BUILD" XRC_FIDELITY_KNOWN="$_fk_tmp/known" \
			sh scripts/xrc fidelity --fuzz --replay "$_fk_tmp" \
			--sim-preload "$_fk_so" >"$_fk_tmp/out" 2>&1 || _fk_rc=$?
		sed 's/^/# /' "$_fk_tmp/out"
		if [ "$_fk_rc" = "$_fk_want" ]; then
			echo "ok $_fk_n - known line $_fk_id: exit $_fk_want"
		else
			echo "not ok $_fk_n - known line $_fk_id: exit $_fk_rc, want $_fk_want"
		fi
	done
	rm -rf "$_fk_tmp"
}

suite_fidelity_fuzz() {
	run_one "fidelity-fuzz/bad command lines" ff_usage
	run_one "fidelity-fuzz/fuzz/regress-real on sim:linux matches the stored real transcripts" \
		ff_run "fuzz/regress-real replayed on sim:linux" regress-real 0 \
		sh scripts/xrc fidelity --fuzz --replay fuzz/regress-real
	run_one "fidelity-fuzz/a planted linux cell is reported with a reproducer" ff_planted
	run_one "fidelity-fuzz/fidelity.known fuzz lines" ff_known
	run_one "fidelity-fuzz/xen-vm: four targets' corpora and regressions in one boot" \
		ff_run "xrc fidelity --fuzz: sim:linux answers as the real dom0" boot 0 \
		sh scripts/xrc fidelity --fuzz
}
