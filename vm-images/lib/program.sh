# shellcheck shell=sh
# SPDX-License-Identifier: MIT
#
# Sourced by vm-images/mkinitrd.sh and vm-images/domu/extra.sh, which
# define die().

# image_add_program ROOT PROGRAM NAME: PROGRAM as ROOT/bin/NAME, with
# every shared library ldd lists for it at the same path under ROOT (the
# dynamic loader included: ldd lists it by its path, without "=>").
image_add_program() {
	[ -f "$2" ] || die "no program $2"
	cp "$2" "$1/bin/$3"
	_ap_libs=$(ldd "$2" 2>/dev/null) || die "ldd $2 failed (not a dynamic program?)"
	if echo "$_ap_libs" | grep -q 'not found'; then
		die "$2 needs a library that is not installed: $(echo "$_ap_libs" | grep 'not found')"
	fi
	echo "$_ap_libs" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
				$1 ~ /^\// { print $1 }' |
	while read -r _ap_lib; do
		[ -e "$1$_ap_lib" ] && continue
		mkdir -p "$1$(dirname "$_ap_lib")"
		cp -L "$_ap_lib" "$1$_ap_lib"
	done
}
