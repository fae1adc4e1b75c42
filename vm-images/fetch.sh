#!/bin/sh
# SPDX-License-Identifier: MIT
#
# vm-images/fetch.sh PINFILE CACHEDIR
#
# Make sure CACHEDIR holds every package PINFILE pins (PACKAGE=VERSION
# lines) as CACHEDIR/PACKAGE.deb, with CACHEDIR/PACKAGE.version naming the
# version it is.  A package already there at the pinned version is not
# fetched again, so once the cache is full this works offline.
set -eu

die() {
	echo "vm-images/fetch: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: fetch.sh PINFILE CACHEDIR"
pins=$1
cache=$2
[ -r "$pins" ] || die "cannot read $pins"
mkdir -p "$cache"

# The pins, without comments and blank lines.
sed -e 's/#.*//' -e 's/[[:space:]]//g' "$pins" | grep -v '^$' |
while IFS= read -r pin; do
	pkg=${pin%%=*}
	ver=${pin#*=}
	if [ -z "$pkg" ] || [ -z "$ver" ] || [ "$pkg" = "$pin" ]; then
		die "$pins: '$pin' is not PACKAGE=VERSION"
	fi
	deb="$cache/$pkg.deb"
	if [ -f "$deb" ] && [ "$(cat "$cache/$pkg.version" 2>/dev/null)" = "$ver" ]; then
		continue
	fi
	command -v apt-get >/dev/null 2>&1 ||
		die "$pkg=$ver is not cached in $cache and there is no apt-get to fetch it"
	echo "  FETCH   $pkg=$ver"
	tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
	# apt-get download writes into the current folder; as root it warns
	# that the _apt user cannot write there, which is harmless.
	if ! (cd "$tmp" && apt-get download -q "$pkg=$ver") >"$tmp/log" 2>&1; then
		cat "$tmp/log" >&2
		rm -rf "$tmp"
		die "apt-get download $pkg=$ver failed (no network, or the version" \
		    "left the archive: check $pins and 'apt-cache policy $pkg')"
	fi
	set -- "$tmp"/*.deb
	if [ $# -ne 1 ] || [ ! -f "$1" ]; then
		rm -rf "$tmp"
		die "apt-get download $pkg=$ver gave no single .deb"
	fi
	got=$(dpkg-deb -f "$1" Version)
	[ "$got" = "$ver" ] || { rm -rf "$tmp"; die "$pkg: got version $got, pinned $ver"; }
	mv "$1" "$deb"
	echo "$ver" >"$cache/$pkg.version"
	rm -rf "$tmp"
done
