# shellcheck shell=sh
# SPDX-License-Identifier: MIT
#
# dom0's part of the xen-domu backend, sourced by vm-images/xen/init (its
# "domU mode" branch) once dom0's Xen drivers are up, with
# vm-images/guest/lib.sh loaded.  In the xen-domu image only
# (vm-images/domu/extra.sh puts it in as /lib/xrc/domu-dom0.sh, with
# Debian's xl, xenstored, xenconsoled and xen-init-dom0 from
# xen-utils-4.17, extracted, never installed).
#
# Steps: Debian's C xenstored and xenconsoled (the domU's console is
# logged to a file); xen-init-dom0 (dom0's own keys); with xrc.target=N a
# paused PV guest N (xrc-vm-domu guest N); the PV domU made paused by
# `xl create -p` from the same kernel (as an ELF, /domu/vmlinux) with
# /domu/initrd.gz; dom0's offers to it (xrc-vm-domu offer: an unbound
# port and a granted page, their numbers in its xenstore data/); the key
# /local/domain/<id>/target = N written before `xl unpause` (privcmd in
# the domU reads it once, when it loads: docs/reference/
# linux-6.1-observed.md, "A PV domU"); then the domU's console relayed
# line by line to dom0's, which the host reads.  The domU's own
# @@XRC-END gives dom0's exit code.

XRC_DOMU_LOG=/tmp/xencons/guest-xrc-domu.log
# Seconds the domU may take from unpause to its end marker; the host's
# XRC_VM_TIMEOUT bounds the whole VM anyway.
XRC_DOMU_LIMIT=300

# xrc_domu_relay: print what the domU's console log gained since the last
# call (_dm_off: the bytes already printed).  A line cut in two by a call
# is whole again on the console stream.
xrc_domu_relay() {
	_dm_size=$(wc -c <"$XRC_DOMU_LOG")
	if [ "$_dm_size" -gt "$_dm_off" ]; then
		tail -c +$((_dm_off + 1)) "$XRC_DOMU_LOG" |
			head -c $((_dm_size - _dm_off))
		_dm_off=$_dm_size
	fi
}

# xrc_domu_wait_for FILE TENTHS: wait until FILE exists; false if it
# does not in TENTHS tenths of a second.
xrc_domu_wait_for() {
	_dw_n=0
	while [ ! -e "$1" ]; do
		[ "$_dw_n" -lt "$2" ] || return 1
		sleep 0.1
		_dw_n=$((_dw_n + 1))
	done
}

# xrc_domu_run: all of it; ends the VM (xrc_end) with the domU's rc.
xrc_domu_run() {
	_dm_target=
	_dm_extra=
	set -f
	# shellcheck disable=SC2013 # words, not lines
	for _dm_w in $(cat /proc/cmdline); do
		case $_dm_w in
		xrc.target=*) _dm_target=${_dm_w#*=} ;;
		xrc.domu=*) ;;
		xrc.*) _dm_extra="$_dm_extra $_dm_w" ;;
		esac
	done
	set +f
	mkdir -p /var/run/xenstored /var/lib/xenstored /var/lib/xen \
		/var/run/xen /var/log/xen /var/lock /etc/xen /tmp/xencons
	# xenconsoled gives each guest console a pty, even when it only logs.
	mkdir -p /dev/pts
	mountpoint -q /dev/pts || mount -t devpts devpts /dev/pts ||
		xrc_fail "mount devpts on /dev/pts failed"
	xenstored -N >/tmp/xenstored.log 2>&1 &
	xrc_domu_wait_for /var/run/xenstored/socket 100 ||
		xrc_fail "xenstored did not start: $(tail -n 3 /tmp/xenstored.log)"
	xen-init-dom0 >/tmp/xen-init-dom0.log 2>&1 ||
		xrc_fail "xen-init-dom0 failed: $(tail -n 3 /tmp/xen-init-dom0.log)"
	xenconsoled -i --log=guest --log-dir=/tmp/xencons \
		>/tmp/xenconsoled.log 2>&1 &
	xrc_stage "dom0: xenstored, xenconsoled up"
	if [ -n "$_dm_target" ]; then
		xrc-vm-domu guest "$_dm_target" >/tmp/guest.log 2>&1 ||
			xrc_fail "could not create target guest $_dm_target: $(tail -n 3 /tmp/guest.log | tr '\n' ' ')"
		xrc_stage "dom0: target guest $_dm_target made (paused)"
	fi
	# The domU's kernel is the ELF of the bzImage (extra.sh): libxenguest
	# would spend seconds unpacking its xz here, under TCG.  rodata=off:
	# Linux then skips mark_rodata_ro() and its CONFIG_DEBUG_WX walk of
	# every page table (init/main.c mark_readonly, arch/x86/mm/init_64.c),
	# seconds under TCG that the Xen devices under test do not depend on.
	cat >/tmp/domu.cfg <<-CFG
	name = "xrc-domu"
	type = "pv"
	kernel = "/domu/vmlinux"
	ramdisk = "/domu/initrd.gz"
	extra = "console=hvc0 quiet loglevel=3 panic=-1 rodata=off$_dm_extra"
	memory = 256
	vcpus = 1
	on_poweroff = "destroy"
	on_reboot = "destroy"
	on_crash = "destroy"
	CFG
	xl create -p /tmp/domu.cfg >/tmp/xl.log 2>&1 ||
		xrc_fail "xl create failed: $(tail -n 5 /tmp/xl.log | tr '\n' ' ')"
	_dm_id=$(xl domid xrc-domu 2>/dev/null) ||
		xrc_fail "xl domid xrc-domu: no such domain after xl create"
	xrc_stage "dom0: domU $_dm_id made (xl create -p)"
	# What dom0 offers the domU: a port, a granted page, their numbers
	# in its xenstore data/ (the domU's rows evtchn.domu-offer.*,
	# gntdev.domu-offer.*); a child of xrc-vm-domu keeps them.
	xrc-vm-domu offer "$_dm_id" >/tmp/offer.log 2>&1 ||
		xrc_fail "could not make dom0's offers to domain $_dm_id: $(tail -n 3 /tmp/offer.log | tr '\n' ' ')"
	if [ -n "$_dm_target" ]; then
		xrc-vm-domu xs-write "/local/domain/$_dm_id/target" "$_dm_target" ||
			xrc_fail "could not write /local/domain/$_dm_id/target"
		xrc_stage "dom0: domU $_dm_id offered a port and a grant, xenstore target $_dm_target"
	else
		xrc_stage "dom0: domU $_dm_id offered a port and a grant, no xenstore target"
	fi
	xl unpause "$_dm_id" || xrc_fail "xl unpause $_dm_id failed"
	xrc_domu_wait_for "$XRC_DOMU_LOG" 100 ||
		xrc_fail "xenconsoled wrote no log of the domU's console"
	# The relay: the domU's console, copied by byte offset, so that the
	# last flush below is exact (a "tail -f" killed after the end marker
	# loses what its last poll, a second apart in busybox, had not read).
	_dm_off=0
	_dm_n=0
	# Whether the domain is still there is asked of xl every 2 s only:
	# each xl is a process loading libxl, CPU the domU wants under TCG.
	while ! grep -q '^@@XRC-END rc=' "$XRC_DOMU_LOG" &&
	      { [ $((_dm_n % 10)) != 9 ] || xl domid xrc-domu >/dev/null 2>&1; } &&
	      [ "$_dm_n" -lt $((XRC_DOMU_LIMIT * 5)) ]; do
		xrc_domu_relay
		sleep 0.2
		_dm_n=$((_dm_n + 1))
	done
	# What xenconsoled has not written yet when the domain went.
	sleep 0.5
	xrc_domu_relay
	_dm_rc=$(tr -d '\r' <"$XRC_DOMU_LOG" |
		sed -n 's/^@@XRC-END rc=\([0-9][0-9]*\)@@$/\1/p' | tail -n 1)
	if [ -z "$_dm_rc" ]; then
		xl destroy "$_dm_id" >/dev/null 2>&1
		xrc_fail "the domU ended without its end marker (console: $XRC_DOMU_LOG)"
	fi
	xrc_end "$_dm_rc"
}
