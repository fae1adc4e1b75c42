# shellcheck shell=sh
# SPDX-License-Identifier: MIT
#
# What the xen-vm backend boots, as options: --kernel, --modules,
# --module, --xen, --xen-cmdline, --dom0-cmdline, --qemu-opt, --mem.
# Read by `xrc run` and `xrc fidelity --fuzz`; kept in XRC_XEN_* for
# xrc_xen_prepare and xrc_xen_qemu_args (scripts/xrc-lib/_vm.sh), which
# check the files before anything boots.

# xrc_xen_opts_reset: no option given (the pinned packages).
# shellcheck disable=SC2034 # read by _vm.sh
xrc_xen_opts_reset() {
	XRC_XEN_KERNEL='' XRC_XEN_MODULES='' XRC_XEN_MODULE='' XRC_XEN_HV=''
	XRC_XEN_CMDLINE='' XRC_XEN_DOM0_CMDLINE='' XRC_XEN_QEMU_OPTS=''
	XRC_XEN_MEM='' _xen_opts=''
}

# xrc_xen_opt CMD OPTION VALUE: one of these options, for command CMD
# (its name in usage errors).  --module and --qemu-opt repeat (one a
# line); _xen_opts names the options given, for the error when the
# backend is not xen-vm.
# shellcheck disable=SC2034 # read by xrc_xen_prepare (_vm.sh)
xrc_xen_opt() {
	_xo_cmd=$1
	shift
	_xen_opts="${_xen_opts:+$_xen_opts, }$1"
	case $2 in
	*'
'*) xrc_usage_error "$_xo_cmd" "$1: the value holds a newline" ;;
	esac
	case $1 in
	--kernel) XRC_XEN_KERNEL=$2 ;;
	--modules) XRC_XEN_MODULES=$2 ;;
	--module)
		case $2 in
		?*=?*) ;;
		*) xrc_usage_error "$_xo_cmd" "--module wants NAME=FILE.ko (e.g. xen-privcmd=./privcmd.ko), not '$2'" ;;
		esac
		XRC_XEN_MODULE="${XRC_XEN_MODULE:+$XRC_XEN_MODULE
}$2" ;;
	--xen) XRC_XEN_HV=$2 ;;
	--xen-cmdline) XRC_XEN_CMDLINE="${XRC_XEN_CMDLINE:+$XRC_XEN_CMDLINE }$2" ;;
	--dom0-cmdline) XRC_XEN_DOM0_CMDLINE="${XRC_XEN_DOM0_CMDLINE:+$XRC_XEN_DOM0_CMDLINE }$2" ;;
	--qemu-opt)
		XRC_XEN_QEMU_OPTS="${XRC_XEN_QEMU_OPTS:+$XRC_XEN_QEMU_OPTS
}$2" ;;
	--mem)
		xrc_is_count "$2" ||
			xrc_usage_error "$_xo_cmd" "--mem wants a number of MB, not '$2'"
		# dom0 alone has 512 MB (dom0_mem), the targets and Xen need more.
		[ "$2" -ge 1024 ] ||
			xrc_usage_error "$_xo_cmd" "--mem wants at least 1024 (MB): dom0 takes 512, Xen and the target domains need the rest"
		XRC_XEN_MEM=$2 ;;
	esac
}
