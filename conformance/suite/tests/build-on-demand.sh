#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/xrc runs what the sources say: before running a program it asks
# make (xrc_ensure_built in scripts/xrc-lib/_common.sh), so a program
# whose sources changed is rebuilt, an up-to-date one is left alone,
# make's chatter stays out of the output, and a build that fails is exit 2
# with make's last lines.  Done in a scratch tree with a Makefile of its
# own, so the real build folder is not touched while other tests use it.
# The checks are functions called through t_check.
# shellcheck disable=SC2317
set -eu
# shellcheck source=conformance/suite/tests/_lib.sh disable=SC1091
. "$(dirname "$0")/_lib.sh"

tree="$T_WORK/tree"
mkdir -p "$tree/src"
cat >"$tree/Makefile" <<'EOF'
BUILD := build
$(BUILD)/bin/prog: src/prog.in
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	cp src/prog.in $@
$(BUILD)/bin/broken: src/no-such-source.in
	cp $< $@
EOF
echo v1 >"$tree/src/prog.in"
prog="$tree/out/bin/prog"

# eb NAME TARGET [NOTE]: xrc_ensure_built on the scratch tree (BUILD=out);
# its output in $T_WORK/NAME.out, its exit code in $rc.
eb() {
	rc=0
	(
		# Read by _common.sh, sourced below.
		# shellcheck disable=SC2034
		XRC_ROOT=$tree
		XRC_LIB="$T_ROOT/scripts/xrc-lib"
		# shellcheck disable=SC2034
		BUILD=out
		# shellcheck source=scripts/xrc-lib/_common.sh disable=SC1091
		. "$XRC_LIB/_common.sh"
		xrc_ensure_built "$XRC_BUILD/$2" ${3:+"$3"}
	) >"$T_WORK/$1.out" 2>&1 </dev/null || rc=$?
}

# mtime FILE: seconds since the epoch.
mtime() {
	stat -c %Y "$1"
}

# empty NAME: the run printed nothing.
empty() {
	[ ! -s "$T_WORK/$1.out" ]
}

eb first bin/prog
t_is "a missing program is built (exit 0)" "$rc" 0
t_is "a missing program is built from its source" "$(cat "$prog" 2>/dev/null)" v1
t_check "building says nothing (make's chatter is kept out)" empty first

# The program is older than its source: an edited source.
echo v2 >"$tree/src/prog.in"
touch -d '2001-01-01' "$prog"
eb stale bin/prog
t_is "a stale program: exit 0" "$rc" 0
t_is "a stale program is rebuilt before it runs" "$(cat "$prog")" v2
t_check "rebuilding says nothing" empty stale

touch -d '2002-02-02' "$tree/src/prog.in" "$prog"
before=$(mtime "$prog")
eb fresh bin/prog
t_is "an up-to-date program: exit 0" "$rc" 0
t_is "an up-to-date program is not rebuilt" "$(mtime "$prog")" "$before"
t_check "an up-to-date program: nothing printed" empty fresh

# A note (xrc fuzz: the first build takes a while) only when building.
touch -d '2001-01-01' "$prog"
eb note bin/prog "building the thing"
t_check "a build with a note prints it" grep -qx "building the thing" \
	"$T_WORK/note.out"
eb nonote bin/prog "building the thing"
t_check "no build, no note" empty nonote

eb broken bin/broken
t_is "a build that fails: exit 2" "$rc" 2
t_check "a build that fails names the target" \
	grep -q "could not build out/bin/broken" "$T_WORK/broken.out"
t_check "a build that fails shows make's error" \
	grep -q "no-such-source.in" "$T_WORK/broken.out"

# ---- the top Makefile checks the build dependencies first
# (scripts/deps.sh --check, once per build folder, again when deps.sh
# changes), so that a missing package is a line saying what to run, not
# a compiler error.  XRC_DEPS_CHECK stands in for the check here; -n: no
# compiling.
db="$T_WORK/depsbuild"
runner="$db/bin/xrc-conformance"
# mk NAME CHECK: make -n of the runner in its own build folder.
mk() {
	rc=0
	make -C "$T_ROOT" -n BUILD="$db" XRC_DEPS_CHECK="$2" "$runner" \
		>"$T_WORK/$1.out" 2>&1 </dev/null || rc=$?
}
mk deps-missing false
t_is "a missing build dependency: make fails (exit 2)" "$rc" 2
t_check "a missing build dependency: make says to run scripts/deps.sh" \
	grep -q "run scripts/deps.sh" "$T_WORK/deps-missing.out"
t_check "a missing build dependency: nothing is compiled" \
	sh -c "! grep -q ' -c ' '$T_WORK/deps-missing.out'"
mk deps-ok true
t_is "the dependencies present: make goes on" "$rc" 0
mk deps-once false
t_is "checked once: not again while deps.sh is unchanged" "$rc" 0
touch -d '2001-01-01' "$db/.deps-checked"
mk deps-changed false
t_is "checked again when scripts/deps.sh is newer than the check" "$rc" 2
t_done
