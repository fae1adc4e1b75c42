#!/bin/sh
# SPDX-License-Identifier: MIT
#
# vm-images/unpack.sh PINFILE CACHEDIR OUTDIR
#
# Take from the cached packages (vm-images/fetch.sh) only what the images
# are made of, into OUTDIR:
#   OUTDIR/vmlinuz               Debian's kernel
#   OUTDIR/modules/KVER/...      its fuse/cuse and Xen driver modules, with
#                                modules.order and modules.builtin (depmod
#                                reads them)
#   OUTDIR/kver                  KVER (6.1.0-56-amd64)
#   OUTDIR/xen                   Xen, gunzipped: QEMU's -kernel loads this
#                                32-bit multiboot ELF, not the .gz
#   OUTDIR/busybox               the static busybox
set -eu

die() {
	echo "vm-images/unpack: $*" >&2
	exit 1
}

[ $# -eq 3 ] || die "usage: unpack.sh PINFILE CACHEDIR OUTDIR"
pins=$1
cache=$2
out=$3

kpkg=$(sed -n 's/^\(linux-image-[^=]*\)=.*/\1/p' "$pins")
[ -n "$kpkg" ] || die "$pins pins no linux-image-* package"
kver=${kpkg#linux-image-}
xpkg=$(sed -n 's/^\(xen-hypervisor-[^=]*\)=.*/\1/p' "$pins")
[ -n "$xpkg" ] || die "$pins pins no xen-hypervisor-* package"
for p in "$kpkg" "$xpkg" busybox-static; do
	[ -f "$cache/$p.deb" ] || die "$cache/$p.deb missing (run vm-images/fetch.sh)"
done

rm -rf "$out"
mkdir -p "$out/tmp"
# Only the parts needed: the kernel .deb is 70 MB packed, 400 MB unpacked.
m="./lib/modules/$kver"
dpkg-deb --fsys-tarfile "$cache/$kpkg.deb" |
	tar -x -C "$out/tmp" "./boot/vmlinuz-$kver" \
		"$m/kernel/fs/fuse" "$m/kernel/drivers/xen" \
		"$m/modules.order" "$m/modules.builtin" \
		"$m/modules.builtin.modinfo"
mv "$out/tmp/boot/vmlinuz-$kver" "$out/vmlinuz"
mkdir -p "$out/modules"
mv "$out/tmp/lib/modules/$kver" "$out/modules/$kver"
echo "$kver" >"$out/kver"

dpkg-deb --fsys-tarfile "$cache/$xpkg.deb" | tar -x -C "$out/tmp" --wildcards './boot/xen-*.gz'
set -- "$out"/tmp/boot/xen-*.gz
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	die "$xpkg ships no single boot/xen-*.gz"
fi
gunzip -c "$1" >"$out/xen"

dpkg-deb --fsys-tarfile "$cache/busybox-static.deb" | tar -x -C "$out/tmp" ./bin/busybox
mv "$out/tmp/bin/busybox" "$out/busybox"
rm -rf "$out/tmp"
