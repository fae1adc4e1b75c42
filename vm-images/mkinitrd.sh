#!/bin/sh
# SPDX-License-Identifier: MIT
#
# vm-images/mkinitrd.sh IMAGE STAGEDIR OUT [PROGRAM[=NAME]...]
#
# The initramfs of IMAGE (cuse or xen) as a gzipped newc cpio in OUT:
# the static busybox, vm-images/IMAGE/init as /init with
# vm-images/guest/lib.sh beside it, the kernel modules named in
# vm-images/IMAGE/modules (from STAGEDIR, vm-images/unpack.sh) with a
# modules.dep from depmod -b, and each PROGRAM in /bin (as NAME when
# given: the sanitized builds of a program share its file name) with every
# shared library ldd lists for it, at the same path.  Builds in OUT.root, then
# replaces OUT in one move.
set -eu

die() {
	echo "vm-images/mkinitrd: $*" >&2
	exit 1
}

[ $# -ge 3 ] || die "usage: mkinitrd.sh IMAGE STAGEDIR OUT [PROGRAM[=NAME]...]"
image=$1
stage=$2
out=$3
shift 3
here=$(dirname "$0")
[ -f "$here/$image/init" ] || die "no image '$image' (no $here/$image/init)"
[ -f "$stage/kver" ] || die "$stage is not unpacked (vm-images/unpack.sh)"
kver=$(cat "$stage/kver")
root="$out.root"

rm -rf "$root"
mkdir -p "$root/bin" "$root/lib/xrc" "$root/dev" "$root/proc" "$root/sys" \
	"$root/tmp" "$root/run" "$root/lib/modules/$kver"
cp "$stage/busybox" "$root/bin/busybox"
cp "$here/$image/init" "$root/init"
cp "$here/guest/lib.sh" "$root/lib/xrc/guest.sh"
chmod 755 "$root/init" "$root/bin/busybox"

# Modules, at their place in the tree, and what depmod reads.
mods="$stage/modules/$kver"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "$mods/$f" "$root/lib/modules/$kver/"
done
sed -e 's/#.*//' "$here/$image/modules" | while read -r m; do
	[ -n "$m" ] || continue
	ko=$(cd "$mods" && find kernel -name "$m.ko" | head -n 1)
	[ -n "$ko" ] || die "module $m is not in $mods"
	mkdir -p "$root/lib/modules/$kver/$(dirname "$ko")"
	cp "$mods/$ko" "$root/lib/modules/$kver/$ko"
done
depmod -b "$root" "$kver" || die "depmod -b $root $kver failed"

# Programs and their libraries.
# shellcheck source=vm-images/lib/program.sh disable=SC1091
. "$here/lib/program.sh"
for arg in "$@"; do
	p=${arg%%=*}
	name=${arg#"$p"}
	name=${name#=}
	[ -n "$name" ] || name=$(basename "$p")
	image_add_program "$root" "$p" "$name"
done

# Owner root for every file, whoever builds it (cpio -R).
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$root"
