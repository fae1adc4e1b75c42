#!/bin/sh
# SPDX-License-Identifier: MIT
#
# ports/linux-6.1/build.sh CACHEDIR OUTDIR
#
# Build Linux 6.1's four Xen user-space drivers with the patch series of
# this folder, out of tree, the way a port author would:
#
#   1. the packages ports/linux-6.1/packages.pin names are in CACHEDIR
#      (vm-images/fetch.sh, run by ports.mk first); their kernel must be the
#      one the xen-vm image boots (vm-images/packages.pin);
#   2. Debian's headers and kbuild are unpacked (dpkg -x) into
#      OUTDIR/kernel/, once per version; the one absolute path in them (the
#      arch headers' Makefile includes /usr/src/linux-headers-*-common/
#      Makefile) is pointed at that private tree;
#   3. only the drivers/xen/ files below are taken from linux-source-6.1's
#      tarball into OUTDIR/orig/, once per version (xz decodes the whole
#      stream: about 10 s);
#   4. OUTDIR/src/ is a fresh copy of them with the series applied
#      (patch -p1), plus this folder's Kbuild;
#   5. make -C <headers> M=OUTDIR/src modules, and the modules are copied
#      to OUTDIR/{xen-privcmd,xen-evtchn,xen-gntdev,xen-gntalloc}.ko.
#
# Nothing is installed: no file outside CACHEDIR and OUTDIR is written.
# Exit 1 with one line saying why on any failure.
set -eu

die() {
	echo "ports/linux-6.1: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: build.sh CACHEDIR OUTDIR"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
case $1 in /*) cache=$1 ;; *) cache=$PWD/$1 ;; esac
case $2 in /*) out=$2 ;; *) out=$PWD/$2 ;; esac
pins=$here/packages.pin
case $out in
*' '* | *'	'*) die "the output folder '$out' has a blank, which kbuild cannot take" ;;
esac

# The drivers' sources: what drivers/xen/Makefile builds the four modules
# from (Kbuild), and the local headers they include.  The series may
# change only these.
SOURCES="privcmd.c privcmd-buf.c privcmd.h evtchn.c gntdev.c gntdev-common.h
gntdev-dmabuf.c gntdev-dmabuf.h gntalloc.c"
MODULES="xen-privcmd xen-evtchn xen-gntdev xen-gntalloc"

# pin PACKAGE-PATTERN: "PACKAGE=VERSION" of the pin matching it.
pin() {
	sed -e 's/#.*//' -e 's/[[:space:]]//g' "$2" | grep -E "^$1=" | head -n 1
}

# ---- 1. the pins agree with the image's kernel, the packages are cached
kimg=$(pin 'linux-image-[^=]*' "$root/vm-images/packages.pin")
[ -n "$kimg" ] || die "vm-images/packages.pin pins no linux-image-* package"
kver=${kimg%%=*}
kver=${kver#linux-image-}		# 6.1.0-56-amd64
kdeb=${kimg#*=}				# 6.1.192-2
abi=${kver%-amd64}			# 6.1.0-56
src=$(pin 'linux-source-6\.1' "$pins")
hdr=$(pin "linux-headers-$abi-amd64" "$pins")
com=$(pin "linux-headers-$abi-common" "$pins")
kbd=$(pin 'linux-kbuild-6\.1' "$pins")
if [ -z "$hdr" ] || [ -z "$com" ]; then
	die "$pins pins no linux-headers-$abi-amd64/-common, but the xen-vm image boots $kver (vm-images/packages.pin): pin the headers of that kernel"
fi
if [ -z "$src" ] || [ -z "$kbd" ]; then
	die "$pins pins no linux-source-6.1 or linux-kbuild-6.1"
fi
for p in "$src" "$hdr" "$com"; do
	[ "${p#*=}" = "$kdeb" ] ||
		die "$p is not the version of the kernel the image boots ($kimg): fix $pins"
done
for p in "$src" "$hdr" "$com" "$kbd"; do
	n=${p%%=*}
	if [ ! -f "$cache/$n.deb" ] ||
	   [ "$(cat "$cache/$n.version" 2>/dev/null)" != "${p#*=}" ]; then
		die "$cache/$n.deb is not $p (run vm-images/fetch.sh $pins $cache)"
	fi
done

mkdir -p "$out"

# ---- 2. headers and kbuild, once per version
kdir=$out/kernel
kstamp="$hdr $com $kbd"
if [ "$(cat "$kdir/.unpacked" 2>/dev/null)" != "$kstamp" ]; then
	echo "  UNPACK  linux-headers-$kver, linux-kbuild-6.1"
	rm -rf "$kdir"
	mkdir -p "$kdir"
	for p in "$hdr" "$com" "$kbd"; do
		dpkg-deb -x "$cache/${p%%=*}.deb" "$kdir" ||
			die "dpkg-deb -x $cache/${p%%=*}.deb failed"
	done
	mk=$kdir/usr/src/linux-headers-$kver/Makefile
	grep -q "^include /usr/src/linux-headers-$abi-common/Makefile\$" "$mk" ||
		die "$mk does not include /usr/src/linux-headers-$abi-common/Makefile: the workaround below no longer fits"
	sed "s#^include /usr/src/#include $kdir/usr/src/#" "$mk" >"$mk.tmp"
	mv "$mk.tmp" "$mk"
	echo "$kstamp" >"$kdir/.unpacked"
fi
headers=$kdir/usr/src/linux-headers-$kver

# ---- 3. the drivers' original sources, once per version
odir=$out/orig
if [ "$(cat "$odir/.extracted" 2>/dev/null)" != "$src" ]; then
	echo "  EXTRACT drivers/xen/ from linux-source-6.1 ${src#*=}"
	rm -rf "$odir"
	mkdir -p "$odir.tmp"
	set --
	for f in $SOURCES; do
		set -- "$@" "linux-source-6.1/drivers/xen/$f"
	done
	dpkg-deb --fsys-tarfile "$cache/linux-source-6.1.deb" |
		tar -xO ./usr/src/linux-source-6.1.tar.xz | xz -dc |
		tar -x -C "$odir.tmp" "$@" ||
		{ rm -rf "$odir.tmp"; die "linux-source-6.1.deb: could not extract drivers/xen/{$(echo "$SOURCES" | tr ' \n' ',,')}"; }
	mkdir -p "$odir"
	mv "$odir.tmp/linux-source-6.1/drivers" "$odir/drivers"
	rm -rf "$odir.tmp"
	echo "$src" >"$odir/.extracted"
fi

# ---- 4. a fresh copy with the series applied
series=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/series" | grep -v '^$' || true)
for f in "$here"/patches/*.patch; do
	[ -f "$f" ] || continue
	echo "$series" | grep -qxF "$(basename "$f")" ||
		die "patches/$(basename "$f") is not listed in ports/linux-6.1/series"
done
sdir=$out/src
rm -rf "$sdir"
mkdir -p "$sdir"
cp -R "$odir/drivers" "$sdir/drivers"
for p in $series; do
	[ -f "$here/patches/$p" ] || die "series names patches/$p, which does not exist"
	echo "  PATCH   $p"
	patch -p1 -d "$sdir" --batch --forward --no-backup-if-mismatch -s \
		<"$here/patches/$p" >"$sdir/patch.log" 2>&1 ||
		{ cat "$sdir/patch.log" >&2; die "patches/$p does not apply to linux-source-6.1 ${src#*=}"; }
	# A hunk for a file not extracted would create it: refuse.
	for f in $(cd "$sdir" && find . -type f ! -name patch.log | sed 's#^\./##'); do
		echo "$SOURCES" | tr ' ' '\n' | sed 's#^#drivers/xen/#' | grep -qxF "$f" ||
			die "patches/$p touches $f, which build.sh does not extract (SOURCES)"
	done
done
rm -f "$sdir/patch.log"
mdir=$sdir/drivers/xen
cp "$here/Kbuild" "$mdir/Kbuild"

# ---- 5. build out of tree
echo "  KBUILD  $(echo "$MODULES" | tr ' ' ',') against linux-headers-$kver"
make -s -C "$headers" M="$mdir" modules >"$out/kbuild.log" 2>&1 ||
	{ tail -n 30 "$out/kbuild.log" >&2; die "make -C linux-headers-$kver M=$mdir modules failed (log $out/kbuild.log)"; }
for m in $MODULES; do
	[ -f "$mdir/$m.ko" ] || die "kbuild made no $m.ko (log $out/kbuild.log)"
	cp "$mdir/$m.ko" "$out/$m.ko.tmp"
	mv "$out/$m.ko.tmp" "$out/$m.ko"
done
echo "$kver" >"$out/release"
