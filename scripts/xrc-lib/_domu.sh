# shellcheck shell=sh
# SPDX-License-Identifier: MIT
#
# The xen-domu[:TARGET] backend of `xrc run`: the xen-vm machine (Xen
# 4.17, Debian's Linux 6.1 dom0), whose dom0 makes a PV domU from the same
# kernel with Debian's xl and runs the suite inside it
# (vm-images/domu/dom0.sh, vm-images/domu/init).  With TARGET, dom0 first
# makes a paused PV guest TARGET and writes /local/domain/<domU>/target =
# TARGET before the domU runs, as libxl does for a stub domain; without,
# there is no target key (privcmd then restricts to DOMID_IDLE, XSA-482).
# Either way dom0 offers the domU an unbound port and a granted page,
# their numbers in its xenstore data/ (xrc-vm-domu offer), which the
# rows evtchn.domu-offer.* and gntdev.domu-offer.* use.
#
# Booting goes through scripts/xrc-lib/_vm.sh unchanged: the machine is
# BUILD/vm/xen-domu/ (made by vm-images/vm.mk: its xen/initrd.gz is the
# xen image plus the domU's parts, its stage a link to ../stage), booted
# as a xen image with xrc.domu=1 [xrc.target=N] on dom0's command line.

# The rows a domU caller can assert (conformance/suite/rows/domu.rows): the
# default --only of this backend.  The rest of the catalogue needs an
# unrestricted privcmd to find its domains, which a domU never has.
XRC_DOMU_ROWS='privcmd.born-restricted.*,evtchn.born-unrestricted.*,gntdev.born-unrestricted.*,gntalloc.born-unrestricted.*,evtchn.domu-offer.*,gntdev.domu-offer.*'

# xrc_domu_check BACKEND: exit 2 unless BACKEND (xen-domu or
# xen-domu:TARGET) is usable; sets XRC_DOMU_TARGET (a decimal domid, or
# empty for none).
xrc_domu_check() {
	XRC_DOMU_TARGET=
	[ "$1" != xen-domu ] || return 0
	set -- "${1#xen-domu:}"
	case $1 in
	"") xrc_usage_error run "xen-domu: needs a TARGET domid (xen-domu:5), or no colon" ;;
	*[!0-9]*) xrc_usage_error run "xen-domu:TARGET wants a domid from 1 to 32751, not '$1'" ;;
	esac
	# Decimal whatever its leading zeros (no octal in $((...))).
	XRC_DOMU_TARGET=$(echo "$1" | sed "s/^0*//")
	[ ${#XRC_DOMU_TARGET} -le 5 ] || XRC_DOMU_TARGET=99999
	XRC_DOMU_TARGET=$((${XRC_DOMU_TARGET:-0}))
	if [ "$XRC_DOMU_TARGET" -lt 1 ] || [ "$XRC_DOMU_TARGET" -gt 32751 ]; then
		xrc_usage_error run "xen-domu:TARGET wants a domid from 1 to 32751, not '$1'"
	fi
}

# xrc_domu_vm: inside xrc_run_vm, once _vm.sh is loaded and _opts begun:
# the xen-domu machine, its dom0 options, the default --only.
xrc_domu_vm() {
	[ -z "$_xen_opts" ] ||
		xrc_usage_error run "$_xen_opts: only for --backend xen-vm (xen-domu boots the pinned packages)"
	[ -n "$_only" ] || _only=$XRC_DOMU_ROWS
	# shellcheck disable=SC2034 # read by _vm.sh
	XRC_VM_DIR="$XRC_BUILD/vm/xen-domu"
	_opts="$_opts xrc.domu=1${XRC_DOMU_TARGET:+ xrc.target=$XRC_DOMU_TARGET}"
}
