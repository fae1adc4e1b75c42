# SPDX-License-Identifier: MIT
# `xrc fidelity --fuzz`: compare two xrc-replay-real transcripts (the sim's
# first, the real kernel's second), program by program.
#
#   awk -f _fidfuzz.awk SIM REAL
#
# A transcript is "=== TARGET NAME" then a line per operation ending in
# " ;b=OFF" (the input bytes read so far: not compared), then "end ...".
# Lines before the first "===" are ignored.  Prints, tab-separated:
#   program TARGET NAME same|differ|absent LINES LINE# SIM REAL OFF
# for every program of either side (LINE#: the first differing line,
# 1-based; OFF: the sim's byte offset at that line, "" when none), then
#   total PROGRAMS OPERATIONS
# (operation lines compared: those of programs both sides ran).

function strip(line, key, k,  i) {
	i = index(line, " ;b=")
	if (i) {
		off[key, k] = substr(line, i + 4)
		return substr(line, 1, i - 1)
	}
	off[key, k] = ""
	return line
}

FNR == 1 { side++ }

/^=== / {
	cur = $2 "\t" $3
	if (!(cur in seen)) {
		seen[cur] = 1
		order[++nprog] = cur
	}
	has[side, cur] = 1
	n[side, cur] = 0
	next
}

cur != "" {
	n[side, cur]++
	line[side, cur, n[side, cur]] = strip($0, side SUBSEP cur, n[side, cur])
}

END {
	for (p = 1; p <= nprog; p++) {
		c = order[p]
		if (!has[1, c] || !has[2, c]) {
			printf "program\t%s\tabsent\t0\t0\t%s\t%s\t\n", c,
				has[1, c] ? "ran" : "absent", has[2, c] ? "ran" : "absent"
			continue
		}
		m = n[1, c] > n[2, c] ? n[1, c] : n[2, c]
		diff = 0
		for (i = 1; i <= m; i++)
			if (line[1, c, i] != line[2, c, i]) {
				diff = i
				break
			}
		# Operations compared: the real side's lines but its "end".
		ops += n[2, c] - 1
		if (!diff) {
			printf "program\t%s\tsame\t%d\t0\t\t\t\n", c, n[2, c]
			continue
		}
		s = i <= n[1, c] ? line[1, c, i] : "(nothing)"
		r = i <= n[2, c] ? line[2, c, i] : "(nothing)"
		printf "program\t%s\tdiffer\t%d\t%d\t%s\t%s\t%s\n", c, n[2, c], diff,
			s, r, i <= n[1, c] ? off[1 SUBSEP c, i] : ""
	}
	printf "total\t%d\t%d\n", nprog, ops
}
