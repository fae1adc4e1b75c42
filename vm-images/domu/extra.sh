#!/bin/sh
# SPDX-License-Identifier: MIT
#
# vm-images/domu/extra.sh VMDIR OUT TOOL...
#
# The xen-domu backend's dom0 image, OUT: the xen image (VMDIR/xen/
# initrd.gz) followed by a second gzipped newc cpio (Linux unpacks
# concatenated initramfs archives in order, init/initramfs.c) holding
# what dom0 needs to run a PV domU:
#   /domu/vmlinux, /domu/initrd.gz   the domU's kernel (the same as dom0's,
#                                    as the ELF inside the bzImage) and
#                                    image (VMDIR/domu/initrd.gz)
#   /bin/{xl,xenstored,xenconsoled,xen-init-dom0}   Debian's, taken out of
#                                    the pinned xen-utils-4.17 (never
#                                    installed: the package pulls systemd)
#   /bin/TOOL...                     (xrc-vm-domu)
#   /lib/xrc/domu-dom0.sh            vm-images/domu/dom0.sh
# each program with every library ldd lists for it, as mkinitrd.sh does.
# Also makes VMDIR/xen-domu/stage a link to ../stage, so that
# scripts/xrc-lib/_domu.sh can boot OUT as the xen image of the machine
# under VMDIR/xen-domu (scripts/xrc-lib/_vm.sh).
set -eu

die() {
	echo "vm-images/domu/extra: $*" >&2
	exit 1
}

# vmlinuz_elf BZIMAGE OUT: the ELF inside BZIMAGE (an xz payload) to OUT,
# or BZIMAGE itself when it holds none.
vmlinuz_elf() {
	_off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$1" | head -n 1 | cut -d: -f1)
	if [ -n "$_off" ] &&
	   tail -c +"$((_off + 1))" "$1" | xz -dc --single-stream >"$2" 2>/dev/null &&
	   [ "$(head -c 4 "$2" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
		return 0
	fi
	cp "$1" "$2"
}

[ $# -ge 2 ] || die "usage: extra.sh VMDIR OUT [TOOL...]"
vm=$1
out=$2
shift 2
here=$(dirname "$0")
deb="$vm/cache/xen-utils-4.17.deb"
for f in "$vm/xen/initrd.gz" "$vm/domu/initrd.gz" "$vm/stage/vmlinuz" "$deb"; do
	[ -f "$f" ] || die "$f missing"
done
root="$out.root"
rm -rf "$root"
mkdir -p "$root/bin" "$root/domu" "$root/lib/xrc" "$root/xu"

dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$root/xu" \
	./usr/lib/xen-4.17/bin/xl ./usr/lib/xen-4.17/bin/xenstored \
	./usr/lib/xen-4.17/bin/xenconsoled ./usr/lib/xen-4.17/bin/xen-init-dom0
# The domU's kernel as the ELF its bzImage holds, decompressed here:
# libxenguest would otherwise unpack the xz payload in dom0 at each run
# (xc_dom_bzimageloader.c), seconds of xz under TCG; a PV kernel boots
# from the ELF (its Xen notes) without a decompressor.  Debian's 6.1
# kernels are xz-compressed; any other kernel goes in as it is.
vmlinuz_elf "$vm/stage/vmlinuz" "$root/domu/vmlinux"
cp "$vm/domu/initrd.gz" "$root/domu/initrd.gz"
cp "$here/dom0.sh" "$root/lib/xrc/domu-dom0.sh"

# libgcc_s is dlopen()ed by glibc for pthread_cancel (xl uses it): ldd
# cannot see it.
gcc_s=$(ldconfig -p | awk '/libgcc_s\.so\.1 .*x86-64/ { print $NF; exit }')
[ -n "$gcc_s" ] || die "libgcc_s.so.1 not found (ldconfig -p)"
mkdir -p "$root$(dirname "$gcc_s")"
cp -L "$gcc_s" "$root$gcc_s"

# shellcheck source=vm-images/lib/program.sh disable=SC1091
. "$here/../lib/program.sh"
for p in "$root"/xu/usr/lib/xen-4.17/bin/* "$@"; do
	image_add_program "$root" "$p" "$(basename "$p")"
done
rm -rf "$root/xu"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -6 >"$out.extra"
cat "$vm/xen/initrd.gz" "$out.extra" >"$out.tmp"
rm -f "$out.extra"
mv "$out.tmp" "$out"
rm -rf "$root"
ln -sfn ../stage "$vm/xen-domu/stage"
