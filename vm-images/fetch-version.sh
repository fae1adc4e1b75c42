#!/bin/sh
# SPDX-License-Identifier: MIT
#
# vm-images/fetch-version.sh PACKAGE[=VERSION] CACHEDIR OUTDIR
#
# One Debian kernel or Xen package at any version the archive serves, for
# `xrc matrix` (the pinned ones are vm-images/fetch.sh's): fetched once
# with `apt-get download` into CACHEDIR/versions/PACKAGE_VERSION.deb (or
# taken from CACHEDIR/PACKAGE.deb when the pin cache holds that version),
# and what the xen-vm backend boots unpacked once into
# OUTDIR/PACKAGE_VERSION/.  Without VERSION, apt's candidate
# (`apt-cache policy`).  Once cached, this works offline.
#
# PACKAGE is linux-image-KVER (e.g. linux-image-6.1.0-47-amd64) or
# xen-hypervisor-* (e.g. xen-hypervisor-4.17-amd64).  On success, prints
# KEY=VALUE lines on stdout:
#   package=PACKAGE  version=VERSION  dir=OUTDIR/PACKAGE_VERSION
#   linux-image: kver=KVER kernel=DIR/boot/vmlinuz-KVER
#                modules=DIR/lib/modules/KVER
#   xen-hypervisor: xen=DIR/xen (the gunzipped multiboot ELF)
#                   upstream=4.17.5 (the version before "+" or "-")
# On failure, one line on stderr saying why (not in the archive, no
# network, not such a package) and exit 1.
set -eu

die() {
	echo "vm-images/fetch-version: $*" >&2
	exit 1
}

[ $# -eq 3 ] || die "usage: fetch-version.sh PACKAGE[=VERSION] CACHEDIR OUTDIR"
spec=$1
cache=$2
out=$3
pkg=${spec%%=*}
ver=
[ "$pkg" = "$spec" ] || ver=${spec#*=}
case $spec in
*=) die "'$spec': an empty version" ;;
esac
case $pkg in
linux-image-*-dbg | linux-image-*-unsigned)
	die "$pkg: the signed linux-image-KVER package is the one to boot" ;;
linux-image-[0-9]*) kind=kernel kver=${pkg#linux-image-} ;;
xen-hypervisor-[0-9]*) kind=xen ;;
*) die "$pkg: neither linux-image-KVER nor xen-hypervisor-*" ;;
esac
case $pkg$ver in
*[!A-Za-z0-9.+~:-]*) die "'$spec': not a Debian package name and version" ;;
esac

# apt's view: the versions the archive serves, newest first.
served() {
	apt-cache madison "$pkg" 2>/dev/null |
		awk -F '|' '{ gsub(/[ \t]/, "", $2); if ($2 != "") print $2 }'
}

if [ -z "$ver" ]; then
	command -v apt-cache >/dev/null 2>&1 ||
		die "$pkg: no version given and no apt-cache to ask for one"
	ver=$(apt-cache policy "$pkg" 2>/dev/null |
		sed -n 's/^ *Candidate: *//p' | head -n 1)
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		die "$pkg: apt knows no version of it: not in the archive (any more?), or 'apt-get update' is needed"
	fi
fi

# A file name for the version: Debian writes an epoch's ":" as %3a.
fver=$(echo "$ver" | sed 's/:/%3a/g')
name="${pkg}_$fver"
mkdir -p "$cache/versions" "$out"
deb="$cache/versions/$name.deb"

if [ ! -f "$deb" ] && [ -f "$cache/$pkg.deb" ] &&
   [ "$(cat "$cache/$pkg.version" 2>/dev/null)" = "$ver" ]; then
	# The pin cache (vm-images/fetch.sh) holds it already.
	cp "$cache/$pkg.deb" "$deb.tmp.$$"
	mv "$deb.tmp.$$" "$deb"
fi
if [ ! -f "$deb" ]; then
	command -v apt-get >/dev/null 2>&1 ||
		die "$pkg=$ver is not cached in $cache/versions and there is no apt-get to fetch it"
	list=$(served | tr '\n' ' ')
	if [ -z "$list" ]; then
		die "$pkg=$ver is not in the archive: apt-cache madison lists no version of $pkg (it left the archive, or 'apt-get update' is needed)"
	fi
	if ! served | grep -qxF -- "$ver"; then
		die "$pkg=$ver is not in the archive (any more): apt-cache madison lists ${list% }"
	fi
	echo "  FETCH   $pkg=$ver" >&2
	tmp=$(mktemp -d "$cache/versions/.fetch.XXXXXX")
	# apt-get download writes into the current folder; as root it warns
	# that the _apt user cannot write there, which is harmless.
	if ! (cd "$tmp" && apt-get download -q "$pkg=$ver") >"$tmp/log" 2>&1; then
		why=$(grep -E '^(E|Err):' "$tmp/log" | tail -n 1)
		rm -rf "$tmp"
		die "apt-get download $pkg=$ver failed: ${why:-no reason given} (no network, or it left the archive since the last 'apt-get update')"
	fi
	set -- "$tmp"/*.deb
	if [ $# -ne 1 ] || [ ! -f "$1" ]; then
		rm -rf "$tmp"
		die "apt-get download $pkg=$ver gave no single .deb"
	fi
	got=$(dpkg-deb -f "$1" Version)
	[ "$got" = "$ver" ] || { rm -rf "$tmp"; die "$pkg: got version $got, asked for $ver"; }
	mv "$1" "$deb"
	rm -rf "$tmp"
fi

# Unpack once, in a temporary folder moved into place (two matrices in
# one build folder may unpack the same package at once).  Only what the
# xen-vm image takes: the kernel .deb is 70 MB packed, 400 MB unpacked.
dir="$out/$name"
if [ ! -f "$dir/.unpacked" ]; then
	tmp=$(mktemp -d "$out/.unpack.XXXXXX")
	case $kind in
	kernel)
		m="./lib/modules/$kver"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -C "$tmp" --wildcards "./boot/vmlinuz-$kver" \
				"./boot/config-$kver" "$m/kernel/drivers/xen" \
				"$m/modules.*" 2>"$tmp/.log" ||
			{ cat "$tmp/.log" >&2; rm -rf "$tmp"; die "$deb: no boot/vmlinuz-$kver or $m/kernel/drivers/xen in it"; } ;;
	xen)
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -C "$tmp" --wildcards './boot/xen-*.gz' 2>"$tmp/.log" ||
			{ cat "$tmp/.log" >&2; rm -rf "$tmp"; die "$deb ships no boot/xen-*.gz"; }
		set -- "$tmp"/boot/xen-*.gz
		if [ $# -ne 1 ] || [ ! -f "$1" ]; then
			rm -rf "$tmp"
			die "$deb ships no single boot/xen-*.gz"
		fi
		# QEMU's -kernel loads the 32-bit multiboot ELF, not the .gz.
		gunzip -c "$1" >"$tmp/xen" ;;
	esac
	rm -f "$tmp/.log"
	: >"$tmp/.unpacked"
	rm -rf "$dir"
	mv "$tmp" "$dir" 2>/dev/null || { rm -rf "$tmp"; [ -f "$dir/.unpacked" ] ||
		die "cannot move the unpacked $name into $dir"; }
fi

echo "package=$pkg"
echo "version=$ver"
echo "dir=$dir"
case $kind in
kernel)
	echo "kver=$kver"
	echo "kernel=$dir/boot/vmlinuz-$kver"
	echo "modules=$dir/lib/modules/$kver" ;;
xen)
	echo "xen=$dir/xen"
	echo "upstream=$(echo "$ver" | sed 's/^[0-9]*://; s/[+-].*//')" ;;
esac
