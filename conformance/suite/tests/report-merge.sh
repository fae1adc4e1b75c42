#!/bin/sh
# SPDX-License-Identifier: MIT
# `xrc report` merging report folders made by separate `xrc run`
# invocations (what the last job of a CI matrix does, docs/ci/), and
# `xrc matrix` running combinations in parallel with one that cannot be
# fetched: the column headers say what each run tested, the section of
# assertions whose outcome differs lists exactly those, runs without the
# new header keys merge as they always did, a broken run is a column that
# says so.  Sim backends stand for the versions (no VM, no network).
# awk programs are in single quotes on purpose.
# shellcheck disable=SC2016
set -eu
# shellcheck source=conformance/suite/tests/_lib.sh disable=SC1091
. "$(dirname "$0")/_lib.sh"
# Set by _lib.sh's t_xrc (named here for shellcheck without -x).
t_rc=${t_rc-}

ONLY='evtchn.*,privcmd.restrict.*'

# add_keys DIR KEY=VALUE...: "# KEY: VALUE" lines after the first line of
# DIR/results.tsv (what a run of a real kernel carries).
add_keys() {
	_d=$1
	shift
	for _kv in "$@"; do
		printf '# %s: %s\n' "${_kv%%=*}" "${_kv#*=}"
	done >"$T_WORK/keys"
	awk -v keys="$T_WORK/keys" 'NR == 1 { print; while ((getline l < keys) > 0) print l; next } { print }' \
		"$_d/results.tsv" >"$_d/results.tsv.new"
	mv "$_d/results.tsv.new" "$_d/results.tsv"
}

# observed DIR: "id<TAB>observed" sorted, from DIR/results.tsv.
observed() {
	awk -F '\t' '!/^#/ && NF >= 3 { print $1 "\t" $3 }' "$1/results.tsv" |
		LC_ALL=C sort
}

# section FILE TITLE: the "| `id` |" rows under "## TITLE", up to the
# next heading, IDs only, sorted.
section_ids() {
	awk -v t="## $2" '$0 == t { on = 1; next } /^#/ { on = 0 }
		on && /^[|] `/ { s = $0; sub(/^[|] `/, "", s); sub(/`.*/, "", s); print s }' "$1" |
		LC_ALL=C sort
}

# ---- three runs, each its own xrc invocation and folder
# Two "versions" whose drivers answer alike (sim:linux) and one that
# answers as the proposal (sim:proposed), all judged by linux.
META=0
if sh "$T_XRC" run --help 2>/dev/null | grep -q '^ *--meta KEY'; then
	META=1
fi
i=0
for spec in "linux 6.1.0-47-amd64 4.17.5" "linux 6.1.0-52-amd64 4.17.5" \
	"proposed 6.1.0-57-amd64 4.17.7"; do
	i=$((i + 1))
	# shellcheck disable=SC2086 # three words
	set -- $spec
	if [ "$META" = 1 ]; then
		t_xrc "run$i" run --backend "sim:$1" --profile linux --only "$ONLY" \
			--meta "kernel=$2" --meta "xen=$3" --out "$T_WORK/run$i"
	else
		t_xrc "run$i" run --backend "sim:$1" --profile linux --only "$ONLY" \
			--out "$T_WORK/run$i"
		# No --meta in xrc run in this tree: the keys by hand.
		[ ! -f "$T_WORK/run$i/results.tsv" ] ||
			add_keys "$T_WORK/run$i" "kernel=$2" "xen=$3"
	fi
	case $1 in
	linux) want=0 ;;
	*) want=1 ;;
	esac
	t_is "run $i (sim:$1 vs linux, kernel $2) exits $want" "$t_rc" "$want"
done

# ---- the merge, as a CI's last job does it: the artifacts copied
# elsewhere, merged there.
mkdir -p "$T_WORK/artifacts"
for i in 1 2 3; do
	cp -R "$T_WORK/run$i" "$T_WORK/artifacts/xen-vm-job$i"
done
t_xrc merge report "$T_WORK/artifacts/xen-vm-job1" \
	"$T_WORK/artifacts/xen-vm-job2" "$T_WORK/artifacts/xen-vm-job3" \
	--out "$T_WORK/matrix.md"
m="$T_WORK/matrix.md"
t_is "xrc report of three artifact folders exits 0" "$t_rc" 0
t_check "the header names backend, profile, kernel and Xen per column, in order" \
	grep -qxF '| assertion | sim:linux vs linux, kernel 6.1.0-47-amd64, Xen 4.17.5 | sim:linux vs linux, kernel 6.1.0-52-amd64, Xen 4.17.5 | sim:proposed vs linux, kernel 6.1.0-57-amd64, Xen 4.17.7 |' "$m"
t_xrc merge-orig report "$T_WORK/run1" "$T_WORK/run2" "$T_WORK/run3"
t_check "the same page from the original folders (the folder names do not matter)" \
	cmp -s "$m" "$T_WORK/merge-orig.out"
n=$(observed "$T_WORK/run1" | grep -c . || true)
t_is "a row per assertion ($n)" \
	"$(awk '/^## /{ exit } /^[|] `/' "$m" | grep -c . || true)" "$n"

# The differing rows, found independently: the observations of run 1
# and run 3 joined on the ID (runs 1 and 2 answer alike).
observed "$T_WORK/run1" >"$T_WORK/run1.obs"
observed "$T_WORK/run3" >"$T_WORK/run3.obs"
want=$(LC_ALL=C join -t "$(printf '\t')" "$T_WORK/run1.obs" "$T_WORK/run3.obs" |
	awk -F '\t' '$2 != $3 { print $1 }' | LC_ALL=C sort)
t_check "some assertions differ between sim:linux and sim:proposed" \
	[ -n "$want" ]
t_check "the section 'Assertions whose outcome differs between columns' is there" \
	grep -qx '## Assertions whose outcome differs between columns' "$m"
got=$(section_ids "$m" "Assertions whose outcome differs between columns")
t_is "it lists exactly the assertions whose observed outcome differs ($(t_lines "$want"))" \
	"$got" "$want"
t_check "it says how many of how many" \
	grep -q "^$(t_lines "$want") of $n assertions" "$m"
t_check "the section 'What each column tested' has the kernel row" \
	grep -qxF '| kernel | 6.1.0-47-amd64 | 6.1.0-52-amd64 | 6.1.0-57-amd64 |' "$m"
t_check "... and the Xen row" \
	grep -qxF '| xen | 4.17.5 | 4.17.5 | 4.17.7 |' "$m"

# Two alike runs: the section says none differ.
t_xrc alike report "$T_WORK/run1" "$T_WORK/run2"
t_check "two runs that answer alike: 'None' under the section" \
	grep -q '^None: every assertion has the same observed outcome' \
	"$T_WORK/alike.out"

# ---- titles (what xrc matrix uses)
t_xrc titled report "$T_WORK/run1" "$T_WORK/run3" --title "Version matrix" \
	--differences-title "Assertions whose outcome changes across versions"
t_check "--title sets the first heading" \
	grep -qx '# Version matrix' "$T_WORK/titled.out"
t_check "--differences-title sets the section's" \
	grep -qx '## Assertions whose outcome changes across versions' \
	"$T_WORK/titled.out"

# ---- runs without the new keys: no new section unless asked
mkdir -p "$T_WORK/plain1" "$T_WORK/plain3"
grep -vE '^# (kernel|xen):' "$T_WORK/run1/results.tsv" >"$T_WORK/plain1/results.tsv"
grep -vE '^# (kernel|xen):' "$T_WORK/run3/results.tsv" >"$T_WORK/plain3/results.tsv"
t_xrc plain report "$T_WORK/plain1" "$T_WORK/plain3"
t_is "without the keys: no section after the matrix" \
	"$(grep -c '^## ' "$T_WORK/plain.out" || true)" 0
t_check "without the keys: the header is backend vs profile" \
	grep -qxF '| assertion | sim:linux vs linux | sim:proposed vs linux |' \
	"$T_WORK/plain.out"
t_is "without the keys: the totals are the last line" \
	"$(tail -n 1 "$T_WORK/plain.out" | cut -c1-14)" '| **totals** |'
t_xrc plain-diff report "$T_WORK/plain1" "$T_WORK/plain3" --differences
got=$(section_ids "$T_WORK/plain-diff.out" "Assertions whose outcome differs between columns")
t_is "--differences adds the section to any merge" "$got" "$want"

# ---- a broken column
mkdir -p "$T_WORK/gone"
printf '# no results, xrc matrix could not run this combination\n# backend: xen-vm\n# profile: linux\n# kernel: 6.1.0-40-amd64\n# broken: linux-image-6.1.0-40-amd64=6.1.0 is not in the archive (any more)\n' \
	>"$T_WORK/gone/results.tsv"
t_xrc broken report "$T_WORK/run1" "$T_WORK/gone"
t_is "a run with no rows merges (exit 0)" "$t_rc" 0
t_check "its totals cell says it broke" \
	grep -q '^| \*\*totals\*\* | [^|]* | \*\*broke\*\*: not run |$' "$T_WORK/broken.out"
t_check "its reason is in 'What each column tested'" \
	grep -q '^| broken |  | linux-image-6.1.0-40-amd64=6.1.0 is not in the archive' \
	"$T_WORK/broken.out"
t_check "its empty cells are not differences" \
	grep -qx 'One column: nothing to compare.\|None: every assertion has the same observed outcome in' \
	"$T_WORK/broken.out"

# ---- bad command lines
for bad in "--title" "--differences-title" "--title=" "--no-such"; do
	t_xrc bad report "$T_WORK/run1" "$bad"
	t_is "xrc report DIR $bad: exit 2" "$t_rc" 2
done

# ---- xrc matrix: two fetchable kernels, one gone, one Xen, --jobs 2.
# The packages are made here and put in the cache (so nothing is
# fetched); XRC_MATRIX_XRC runs each combination on the sim instead of
# booting it.
tag="xrct$$"
cache="$T_BUILD/vm/cache/versions"
mkdir -p "$cache"
mkdeb() { # PACKAGE VERSION: a package holding what fetch-version.sh takes
	_r="$T_WORK/deb-$1"
	mkdir -p "$_r/DEBIAN" "$_r/boot"
	printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: test <t@example.org>\nDescription: test\n' \
		"$1" "$2" >"$_r/DEBIAN/control"
	case $1 in
	linux-image-*)
		_k=${1#linux-image-}
		mkdir -p "$_r/lib/modules/$_k/kernel/drivers/xen"
		echo kernel >"$_r/boot/vmlinuz-$_k"
		echo config >"$_r/boot/config-$_k"
		echo ko >"$_r/lib/modules/$_k/kernel/drivers/xen/xen-privcmd.ko"
		for _f in modules.order modules.builtin modules.builtin.modinfo; do
			: >"$_r/lib/modules/$_k/$_f"
		done ;;
	*) echo xen | gzip >"$_r/boot/xen-4.17-amd64.gz" ;;
	esac
	dpkg-deb -Zgzip --build "$_r" "$cache/${1}_$2.deb" >/dev/null 2>&1
}
cleanup_cache() {
	rm -rf "${cache:?}"/*"$tag"* "${T_BUILD:?}"/vm/versions/*"$tag"*
}
if command -v dpkg-deb >/dev/null 2>&1; then
	mkdeb "linux-image-0.0.1-$tag" 1.0-1
	mkdeb "linux-image-0.0.2-$tag" 1.0-1
	mkdeb "xen-hypervisor-4.17-$tag" 4.17.9-1
	cat >"$T_WORK/fake-xrc" <<-'EOF'
	#!/bin/sh
	# xrc run for xrc matrix's test: a sim run per combination, the
	# kernel 0.0.1 answering as linux, 0.0.2 as the proposal.
	set -eu
	[ "$1" = run ] || exit 2
	shift
	case " $* " in
	*" --help "*) exec sh "$REAL_XRC" run --help ;;
	esac
	out= prof= kernel= mods= xen=
	while [ $# -gt 0 ]; do
		case $1 in
		--out) out=$2 ;; --profile) prof=$2 ;; --kernel) kernel=$2 ;;
		--modules) mods=$2 ;; --xen) xen=$2 ;;
		esac
		shift 2
	done
	[ -f "$kernel" ] && [ -d "$mods/kernel/drivers/xen" ] && [ -f "$xen" ] || {
		echo "fake xrc: kernel, modules or xen missing" >&2; exit 2; }
	case $kernel in
	*0.0.1-*) sim=linux ;;
	*) sim=proposed ;;
	esac
	exec sh "$REAL_XRC" run --backend "sim:$sim" --profile "$prof" \
		--only "$ONLY" --out "$out"
	EOF
	XRC_MATRIX_XRC=$T_WORK/fake-xrc REAL_XRC=$T_XRC
	export XRC_MATRIX_XRC REAL_XRC ONLY
	chmod +x "$T_WORK/fake-xrc"
	t_xrc matrix matrix --kernel-pkg "linux-image-0.0.1-$tag=1.0-1" \
		--kernel-pkg "linux-image-0.0.2-$tag=1.0-1" \
		--kernel-pkg "linux-image-0.0.3-$tag=1.0-1" \
		--xen-pkg "xen-hypervisor-4.17-$tag=4.17.9-1" --profile linux \
		--jobs 2 --out "$T_WORK/mx" --publish "$T_WORK/published.md"
	unset XRC_MATRIX_XRC
	t_is "xrc matrix with a package not in the archive exits 2" "$t_rc" 2
	mm="$T_WORK/mx/matrix.md"
	t_check "it says the package is not in the archive" \
		grep -q "linux-image-0.0.3-$tag=1.0-1 is not in the archive" "$T_WORK/matrix.out"
	t_check "the matrix has the three columns, versions in the headers" \
		grep -qE "^\| assertion \| [^|]*kernel 0\.0\.1-$tag, Xen 4\.17\.9 \| [^|]*kernel 0\.0\.2-$tag, Xen 4\.17\.9 \| [^|]*kernel 0\.0\.3-$tag, Xen 4\.17\.9 \|$" "$mm"
	t_check "the gone kernel's column broke, the others ran" \
		grep -qE '^\| \*\*totals\*\* \| [0-9]+ ✓[^|]* \| [0-9]+ ✓[^|]* \| \*\*broke\*\*: not run \|$' "$mm"
	got=$(section_ids "$mm" "Assertions whose outcome changes across versions")
	t_is "the versions section lists the differing assertions" "$got" "$want"
	t_is "each run's exit code is kept" \
		"$(cat "$T_WORK"/mx/xen-vm_0.0.[123]-"$tag"_xen-4.17.9-1/rc | tr '\n' ' ')" "0 1 2 "
	t_check "--publish: the page says how to regenerate it" \
		grep -q "^    scripts/xrc matrix --kernel-pkg linux-image-0.0.1-$tag=1.0-1 .* --publish $T_WORK/published.md\$" \
		"$T_WORK/published.md"
	t_check "--publish: a row per run with its exit code and the reason" \
		grep -q "^| 3 | xen-vm | \`linux-image-0.0.3-$tag=1.0-1\` | .* | 2: linux-image-0.0.3-$tag=1.0-1 is not in the archive" \
		"$T_WORK/published.md"
	t_check "--publish: the wall time" \
		grep -q '^Wall time: [0-9]* s for 3 runs with --jobs 2\.$' "$T_WORK/published.md"
	cleanup_cache
else
	t_skip "no dpkg-deb" "xrc matrix over made-up packages"
fi

# ---- the scripts are POSIX sh
if command -v shellcheck >/dev/null 2>&1; then
	t_check "shellcheck: report.sh, matrix.sh, fetch-version.sh, this test" \
		shellcheck -s sh -x "$T_ROOT/scripts/xrc-lib/report.sh" \
		"$T_ROOT/scripts/xrc-lib/matrix.sh" \
		"$T_ROOT/vm-images/fetch-version.sh" "$0"
else
	t_skip "shellcheck not installed" "shellcheck"
fi
t_done
