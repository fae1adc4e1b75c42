# SPDX-License-Identifier: MIT
# The host's side of the VM console protocol (vm-images/guest/lib.sh):
# reads the guest's console (lines end in CR LF), keeps
# every line in the file `logfile`, and shows on stderr what a person wants
# to follow: boot stages, the domains and the suite's header, each FAIL
# or ERROR at once, a count of tests done, panics, and the time from
# QEMU's start (t0, seconds since the epoch) to the suite's verdict,
# which it also writes to the file `verdict_time`.
#
#   awk -v label=xen-vm -v t0=... -v logfile=FILE -v verdict_time=FILE -f _vm.awk

function now(  cmd, t) {
	cmd = "date +%s.%N"
	cmd | getline t
	close(cmd)
	return t + 0
}

function show(text) {
	printf "%s: %s\n", label, text > "/dev/stderr"
	fflush("/dev/stderr")
}

function marker(line, name) {
	sub("^@@" name " ?", "", line)
	sub("@@$", "", line)
	return line
}

BEGIN {
	done = 0; total = 0; shipping = 0; in_tap = 0; failing = 0
	esc = sprintf("%c", 27)
}

{ gsub("\r", "") }

# The firmware and the kernel clear the screen (ESC c, ESC [ ... J) at the
# start of a line: drop terminal escapes, so markers start their line.
index($0, esc) {
	gsub(esc "\\[[0-9;?]*[A-Za-z]", "")
	gsub(esc "c", "")
}
# A marker may follow what the console had not ended (a line cut short
# when the kernel takes over the UART): it starts a line of its own.
(i = index($0, "@@XRC-")) > 1 {
	print substr($0, 1, i - 1) > logfile
	$0 = substr($0, i)
}
{ print > logfile }

/^\(XEN\) Xen version / && !xen_seen {
	xen_seen = 1
	show(sprintf("[%5.1f s] Xen booting", now() - t0))
}
/^\[ *[0-9.]+\] Linux version / && !linux_seen {
	linux_seen = 1
	show(sprintf("[%5.1f s] Linux booting", now() - t0))
}

/^@@XRC-REPORTS-BEGIN@@$/ { shipping = 1; show("receiving the reports"); next }
/^@@XRC-SHIP-BEGIN [a-z]+@@$/ {
	shipping = 1
	show("receiving " marker($0, "XRC-SHIP-BEGIN"))
	next
}
/^@@XRC-(REPORTS|SHIP)-END( [a-z]+)?@@$/ { shipping = 0; next }
shipping { next }

/^@@XRC-STAGE / {
	show(sprintf("[%5.1f s] %s", now() - t0, marker($0, "XRC-STAGE")))
	next
}
/^@@XRC-SHOW / { show(marker($0, "XRC-SHOW")); next }
/^@@XRC-ERROR / { show("ERROR: " marker($0, "XRC-ERROR")); next }
/^@@XRC-VERDICT rc=[0-9]+@@$/ {
	t = now() - t0
	show(sprintf("QEMU start -> verdict %.1f s", t))
	printf "%.1f\n", t > verdict_time
	close(verdict_time)
	next
}
/^(xrc-vm-domains|xensim-cuse|xrc-conformance|fixture): / { show($0); next }

# The suite's TAP (version 13), streamed between its markers: the plan
# gives the total, each test point counts, a failure is shown at once with
# its YAML message, and the closing comment carries the totals.
/^@@XRC-TAP-BEGIN@@$/ { in_tap = 1; next }
/^@@XRC-TAP-END@@$/ { in_tap = 0; failing = 0; next }
in_tap && /^1\.\.[0-9]+$/ { total = substr($0, 4) + 0; next }
in_tap && /^# (xrc-conformance|fixture): / { show(substr($0, 3)); next }
in_tap && /^(not )?ok [0-9]+ / {
	done++
	failing = /^not ok /
	if (failing)
		show($0)
	if (done % 50 == 0)
		show(sprintf("%d/%s tests done", done, total ? total : "?"))
	next
}
in_tap && failing && /^  message: / { show($0); next }
in_tap && /^# [0-9]+ passed, [0-9]+ failed, / { show(substr($0, 3)); next }
/Kernel panic|\(XEN\) .*(Panic|FATAL)|BUG: |Oops: |segfault at / { show("console: " $0) }
