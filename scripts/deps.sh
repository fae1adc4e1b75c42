#!/bin/sh
# Install every Debian package xenrestrict needs: the only install step in
# the project.  Idempotent: installs only what is missing, and runs
# `apt-get update` once, only when something is missing.
#
#   scripts/deps.sh            install what is missing (root or sudo)
#   scripts/deps.sh --check    list what is missing; exit 1 if anything is
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
qemu-system-x86
qemu-system-xen
busybox-static
cpio
kmod
fuse3
"

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

if [ "${1:-}" = "--check" ]; then
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
