# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# make install / make uninstall (install.mk, docs/install.md): a staged
# install (DESTDIR) and a real one into a temporary prefix, the installed
# xrc run from / with no source tree and no make, pkg-config and a link
# against each library, the man pages, and an uninstall that leaves no
# file behind.  Everything goes into temporary folders under the build
# folder, never into the system.
#
# This file is the suite (scripts/run-tests.sh sources it for
# suite_install) and the test it runs (sh scripts/suites/install.sh
# --test, from the top of the tree).

suite_install() {
	run_one "install/make-install" env BUILD="$BUILD" \
		sh scripts/suites/install.sh --test
}

_inst_n=0
_inst_failed=0

_inst_ok() {
	_inst_n=$((_inst_n + 1))
	echo "ok $_inst_n - $*"
}

_inst_not_ok() {
	_inst_n=$((_inst_n + 1))
	_inst_failed=$((_inst_failed + 1))
	echo "not ok $_inst_n - $*"
}

# _inst_check DESCRIPTION COMMAND...: ok when COMMAND succeeds; its
# output is shown as TAP comments when it does not.
_inst_check() {
	_inst_desc=$1
	shift
	if "$@" >"$_inst_tmp/out" 2>&1; then
		_inst_ok "$_inst_desc"
	else
		_inst_not_ok "$_inst_desc (exit $?)"
		tail -n 20 "$_inst_tmp/out" | sed 's/^/#   /'
	fi
}

# _inst_is DESCRIPTION GOT WANT
_inst_is() {
	if [ "$2" = "$3" ]; then
		_inst_ok "$1"
	else
		_inst_not_ok "$1"
		echo "#   got '$2', want '$3'"
	fi
}

# _inst_make ARGS...: make in the tree, with the test's build folder.
_inst_make() {
	make -s --no-print-directory -C "$_inst_root" BUILD="$_inst_build" "$@"
}

# _inst_quiet COMMAND...: COMMAND succeeds and writes nothing on stderr.
_inst_quiet() {
	_inst_err=$("$@" 2>&1 >/dev/null) || return 1
	[ -z "$_inst_err" ] || { printf '%s\n' "$_inst_err"; return 1; }
}

# _inst_pc ARGS...: pkg-config on the installed .pc files.
_inst_pc() {
	PKG_CONFIG_PATH="$_p/lib/pkgconfig" pkg-config "$@"
}

# _inst_link NAME PACKAGE: compile $_inst_tmp/NAME.c into $_inst_tmp/NAME
# with the flags pkg-config gives for PACKAGE.
_inst_link() {
	_inst_flags=$(_inst_pc --cflags --libs "$2") || return 1
	# shellcheck disable=SC2086 # pkg-config's words
	cc -std=c11 -Wall -Wextra -Werror -o "$_inst_tmp/$1" "$_inst_tmp/$1.c" \
		$_inst_flags
}

# _inst_man_names_all PAGE: PAGE has a ".SS \"xrc CMD ...\"" for every
# subcommand file in scripts/xrc-lib/.
_inst_man_names_all() {
	for _inst_f in "$_inst_root"/scripts/xrc-lib/*.sh; do
		_inst_c=$(basename "$_inst_f" .sh)
		case $_inst_c in
		_*) continue ;;
		esac
		grep -q "^\\.SS \"xrc ${_inst_c}[ \"]" "$1" ||
			{ echo "xrc(1) has no section for xrc $_inst_c"; return 1; }
	done
}

# _inst_in_root COMMAND...: run from /, with only what an installed xrc
# may use: a "make" that fails (and says so) comes first on PATH, and the
# work folder is the test's.
_inst_in_root() {
	(cd / && PATH="$_inst_tmp/nomake:$PATH" \
		XDG_STATE_HOME="$_inst_tmp/state" "$@")
}

_inst_test() {
	set -eu
	_inst_root=$(pwd -P)
	[ -f "$_inst_root/install.mk" ] || {
		echo "install.sh: run it from the top of the tree" >&2
		exit 2
	}
	_inst_build=${BUILD:-build}
	case $_inst_build in
	/*) _inst_abs=$_inst_build ;;
	*) _inst_abs="$_inst_root/$_inst_build" ;;
	esac
	mkdir -p "$_inst_abs"
	_inst_tmp=$(mktemp -d "$_inst_abs/install-test.XXXXXX")
	_inst_version=$(sed -n 1p "$_inst_root/VERSION")
	mkdir -p "$_inst_tmp/nomake"
	printf '#!/bin/sh\necho "make was run: $*" >>%s/make-ran\nexit 1\n' \
		"$_inst_tmp" >"$_inst_tmp/nomake/make"
	chmod +x "$_inst_tmp/nomake/make"

	# ---- staged: DESTDIR, PREFIX=/usr ----
	_st="$_inst_tmp/stage"
	_inst_check "make install DESTDIR=STAGE PREFIX=/usr" \
		_inst_make install DESTDIR="$_st" PREFIX=/usr
	_inst_is "staged xrc --version, from /" \
		"$(_inst_in_root "$_st/usr/bin/xrc" --version 2>&1)" \
		"xrc $_inst_version"
	_missing=
	for f in bin/xrc libexec/xenrestrict/xrc-conformance \
		libexec/xenrestrict/xensim-world lib/libxensim.a \
		lib/libxensim-preload.so lib/libxrcfixture.a \
		lib/pkgconfig/xensim.pc lib/pkgconfig/xrc-fixture.pc \
		include/xensim/world.h include/xensim/uapi.h \
		include/xensim/compat/xen/interface/xen.h \
		include/xrc/libfixture.h share/man/man1/xrc.1 \
		share/man/man7/xensim.7 share/xenrestrict/scripts/xrc-lib/run.sh \
		share/xenrestrict/conformance/suite/tests/fidelity.known \
		share/xenrestrict/installed-files; do
		[ -f "$_st/usr/$f" ] || _missing="$_missing $f"
	done
	_inst_is "staged: the layout of docs/install.md" "$_missing" ""
	_inst_is "staged: no DESTDIR in the paths written into xrc, the .pc files and the list" \
		"$(grep -l -F "$_st" "$_st/usr/bin/xrc" "$_st"/usr/lib/pkgconfig/*.pc \
			"$_st/usr/share/xenrestrict/installed-files" || true)" ""
	_inst_check "staged: make uninstall DESTDIR=STAGE PREFIX=/usr" \
		_inst_make uninstall DESTDIR="$_st" PREFIX=/usr
	_inst_is "staged: no file left" "$(find "$_st" ! -type d)" ""

	# ---- a real prefix ----
	_p="$_inst_tmp/prefix"
	_inst_check "make install PREFIX=TMP" _inst_make install PREFIX="$_p"
	_inst_is "xrc-conformance --version" \
		"$("$_p/libexec/xenrestrict/xrc-conformance" --version 2>&1)" \
		"xrc-conformance $_inst_version"
	_inst_check "installed xrc run --backend sim --profile proposed, from /: exit 0" \
		_inst_in_root "$_p/bin/xrc" run --backend sim --profile proposed
	_inst_check "its reports are in the work folder (XDG_STATE_HOME/xenrestrict)" \
		test -s "$_inst_tmp/state/xenrestrict/results/sim-proposed/results.tsv"
	_inst_check "installed xrc sim list, from /" \
		_inst_in_root "$_p/bin/xrc" sim list
	_rc=0
	_inst_in_root "$_p/bin/xrc" fuzz evtchn >"$_inst_tmp/fuzz.out" 2>&1 || _rc=$?
	_inst_is "installed xrc fuzz: exit 2 (needs the tree)" "$_rc" 2
	_inst_check "... saying so" grep -q 'needs the source tree' "$_inst_tmp/fuzz.out"
	_inst_is "the installed xrc never ran make" \
		"$(cat "$_inst_tmp/make-ran" 2>/dev/null || true)" ""

	# pkg-config, and a two-line program linked with each library.
	_inst_check "pkg-config --cflags --libs xensim" _inst_pc --cflags --libs xensim
	_inst_check "pkg-config --cflags --libs xrc-fixture" \
		_inst_pc --cflags --libs xrc-fixture
	printf '#include <xensim/world.h>\nint main(void) { return xsim_world_name_check("ok"); }\n' \
		>"$_inst_tmp/sim.c"
	_inst_check "a program links with xensim (pkg-config) and runs" \
		_inst_link sim xensim
	_inst_check "... and runs" "$_inst_tmp/sim"
	printf '#include <xrc/libfixture.h>\nint main(void) { return xrc_lf_init() ? 1 : 0; }\n' \
		>"$_inst_tmp/fix.c"
	_inst_check "a program links with xrc-fixture (pkg-config)" \
		_inst_link fix xrc-fixture

	# The man pages, as installed.
	for m in man1/xrc.1 man7/xensim.7; do
		_inst_check "man -l $m: no warning" \
			_inst_quiet env MANWIDTH=80 man -l "$_p/share/man/$m"
		_inst_check "groff -man -ww -z $m: no warning" \
			_inst_quiet groff -man -ww -z "$_p/share/man/$m"
	done
	_inst_check "xrc(1) has a section for every subcommand" \
		_inst_man_names_all "$_p/share/man/man1/xrc.1"

	# Bad paths are refused, before anything is copied.
	_rc=0
	_inst_make install PREFIX=relative/prefix >"$_inst_tmp/rel.out" 2>&1 || _rc=$?
	_inst_is "make install PREFIX=relative: refused" "$_rc" 2
	_inst_check "... saying why" grep -q "not an absolute path" "$_inst_tmp/rel.out"

	_inst_check "make uninstall PREFIX=TMP" _inst_make uninstall PREFIX="$_p"
	_inst_is "no file left behind" "$(find "$_p" ! -type d)" ""
	_inst_is "none of the project's folders left" \
		"$(find "$_p" -type d \( -name xenrestrict -o -name xensim -o -name xrc \))" ""
	_rc=0
	_inst_make uninstall PREFIX="$_p" >/dev/null 2>&1 || _rc=$?
	_inst_check "a second uninstall fails (nothing installed)" [ "$_rc" != 0 ]

	echo "1..$_inst_n"
	if [ "$_inst_failed" -eq 0 ]; then
		rm -rf "$_inst_tmp"
		exit 0
	fi
	echo "# kept: $_inst_tmp"
	exit 1
}

# Run as a program (not sourced by scripts/run-tests.sh): the test.
if [ "${0##*/}" = install.sh ] && [ "${1:-}" = --test ]; then
	_inst_test
fi
