#!/bin/sh
# Install every Debian package xenrestrict needs: the only install step in
# the project.  Idempotent: installs only what is missing, and runs
# `apt-get update` once, only when something is missing.
#
#   scripts/deps.sh            install what is missing (root or sudo)
#   scripts/deps.sh --check    list what is missing; exit 1 if anything is
#   scripts/deps.sh --runtime [--check]
#                              the same for what running an installed xrc
#                              on a real dom0 needs (docs/install.md)
set -eu

# One line per package, with why.
PACKAGES="
make
gcc
clang-14
clang
libclang-rt-14-dev
libcmocka-dev
libfuse3-dev
linux-libc-dev
libxen-dev
pkg-config
shellcheck
perl
libxml2-utils
groff-base
man-db
chromium
qemu-system-x86
qemu-system-xen
busybox-static
cpio
xz-utils
kmod
fuse3
zip
unzip
llvm-14
llvm
patch
libelf1
"

# --runtime: what an installed xrc needs to run the suite on a real dom0
# (the devdir: backend): the shared libraries the runner, xrc-conformance,
# is linked with (-lxenctrl ... in conformance/suite/suite.mk), as Debian
# 12 ships them; no compiler, no QEMU, no headers.  The harness itself is
# sh, awk and sed, which every Debian system has.
RUNTIME_PACKAGES="
libxenmisc4.17
libxenforeignmemory1
libxenevtchn1
libxengnttab1
libxendevicemodel1
libxentoolcore1
libxencall1
libxentoollog1
"

check=0
for a in "$@"; do
	case $a in
	--check) check=1 ;;
	--runtime) PACKAGES=$RUNTIME_PACKAGES ;;
	*)
		echo "deps: unknown argument '$a' (--check, --runtime)" >&2
		exit 2 ;;
	esac
done

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi

if [ "$check" = 1 ]; then
	echo "deps: missing:$missing"
	exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: missing:$missing" >&2
	echo "deps: run this script as root (or install sudo)" >&2
	exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
$SUDO apt-get install -y -qq --no-install-recommends $missing
