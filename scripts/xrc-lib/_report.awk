# SPDX-License-Identifier: MIT
# xrc report: merge runs' results.tsv files (the arguments, one per run)
# into one Markdown matrix on stdout.  Rows are assertions in the order
# first seen, columns are runs in argument order.
#
# A results.tsv (written by build/bin/xrc-conformance) has lines starting
# with "#": metadata "# key: value" (backend, profile, and what the run
# tested: kernel, xen, booted.*, driver.*, any --meta) and the header
# naming the tab-separated columns (id, verdict, observed, expected,
# agreeing profiles, reason); a header without "#" is recognised by its
# first field being "id".  Without a header the columns are taken in that
# order.
#
# Variables (awk -v): title (the first heading, default "Conformance
# matrix"), differ (1: add the section of assertions whose observed
# outcome differs between columns), differ_title (that section's heading).
# Both extra sections appear on their own when a run carries a key beyond
# the ones every run has (legacy[] below), so that merging runs without
# such keys prints what it always printed.
BEGIN {
	FS = "\t"
	nruns = 0
	nids = 0
	nkeys = 0
	tested = 0
	mark["PASS"] = "✓"
	mark["FAIL"] = "✗"
	mark["SKIP"] = "–"
	mark["ERROR"] = "!"
	# Keys every results.tsv has carried (report_tsv.c); "columns"
	# describes the format, not the run.
	legacy["backend"] = 1
	legacy["profile"] = 1
	legacy["expected profile"] = 1
	legacy["devdir"] = 1
	legacy["fixture"] = 1
	legacy["columns"] = 1
	if (title == "")
		title = "Conformance matrix"
	if (differ_title == "")
		differ_title = "Assertions whose outcome differs between columns"
}

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# Markdown table cells: no "|" and no newline inside.
function cell(s) {
	gsub(/\|/, "\\|", s)
	return s
}

# The default column positions, until a header says otherwise.
function default_columns() {
	col["id"] = 1
	col["verdict"] = 2
	col["observed"] = 3
	col["expected"] = 4
}

function read_header(line,    n, i, f, name) {
	sub(/^#[ \t]*/, "", line)
	n = split(line, f, "\t")
	for (i = 1; i <= n; i++) {
		name = tolower(trim(f[i]))
		if (name ~ /^(id|verdict|observed|expected)$/)
			col[name] = i
	}
}

# Two observed outcomes are the same one when equal, or when one is the
# runner's ">=0" (a success whose value the judged column leaves open)
# and the other a non-negative number: the runner prints the number only
# when the judged profile's column names it.
function same_outcome(a, b) {
	if (a == b)
		return 1
	if (a == ">=0" && b ~ /^[0-9]+$/)
		return 1
	if (b == ">=0" && a ~ /^[0-9]+$/)
		return 1
	return 0
}

# Does ID's observed outcome differ between two columns that ran it?
function differs(id,    r, s) {
	for (r = 1; r <= nruns; r++) {
		if (!((r, id) in obs))
			continue
		for (s = r + 1; s <= nruns; s++)
			if (((s, id) in obs) && !same_outcome(obs[r, id], obs[s, id]))
				return 1
	}
	return 0
}

function table_head(first,    r, head, rule) {
	head = "| " first " |"
	rule = "|---|"
	for (r = 1; r <= nruns; r++) {
		head = head " " label[r] " |"
		rule = rule "---|"
	}
	print head
	print rule
}

function row(id,    r, line) {
	line = "| `" id "` |"
	for (r = 1; r <= nruns; r++)
		line = line " " ((r, id) in result ? result[r, id] : "") " |"
	print line
}

FNR == 1 {
	nruns++
	run_file[nruns] = FILENAME
	name = FILENAME
	sub(/\/?results\.tsv$/, "", name)
	sub(/.*\//, "", name)
	run_backend[nruns] = name
	run_profile[nruns] = ""
	default_columns()
}

/^#/ {
	line = $0
	sub(/^#[ \t]*/, "", line)
	if (match(line, /^[A-Za-z0-9_.-][A-Za-z0-9_. -]*[:=]/)) {
		key = tolower(trim(substr(line, 1, RLENGTH - 1)))
		val = trim(substr(line, RLENGTH + 1))
		if (key == "backend" && val != "")
			run_backend[nruns] = val
		else if ((key == "profile" || key == "expected profile") &&
			 val != "")
			run_profile[nruns] = val
		if (key != "columns" && !((nruns, key) in meta)) {
			meta[nruns, key] = val
			if (!(key in key_seen)) {
				key_seen[key] = 1
				keys[++nkeys] = key
			}
			if (!(key in legacy))
				tested = 1
		}
		next
	}
	if (tolower(trim($1)) ~ /^#?[ \t]*id$/)
		read_header($0)
	next
}

tolower($1) == "id" {
	read_header($0)
	next
}

NF >= 2 {
	id = $(col["id"])
	if (id == "")
		next
	if (!(id in seen)) {
		seen[id] = 1
		ids[++nids] = id
	}
	verdict = toupper($(col["verdict"]))
	o = $(col["observed"])
	m = (verdict in mark) ? mark[verdict] : verdict
	if (verdict == "SKIP" || o == "")
		o = (verdict == "SKIP") ? "skip" : o
	obs[nruns, id] = o
	result[nruns, id] = cell(o) " " m
	count[nruns, verdict]++
	rows[nruns]++
}

END {
	if (nruns == 0)
		exit 2
	if (tested)
		differ = 1
	for (r = 1; r <= nruns; r++) {
		h = cell(run_backend[r])
		if (run_profile[r] != "")
			h = h " vs " cell(run_profile[r])
		if (meta[r, "kernel"] != "")
			h = h ", kernel " cell(meta[r, "kernel"])
		if (meta[r, "xen"] != "")
			h = h ", Xen " cell(meta[r, "xen"])
		label[r] = h
	}
	print "# " title
	print ""
	print "Each cell: the observed outcome, then its verdict against the"
	print "profile that run was judged by (✓ PASS, ✗ FAIL, – SKIP,"
	print "! ERROR; empty: not in that run)."
	print ""
	table_head("assertion")
	for (i = 1; i <= nids; i++)
		row(ids[i])
	line = "| **totals** |"
	for (r = 1; r <= nruns; r++) {
		t = sprintf(" %d ✓, %d ✗, %d –, %d !",
			    count[r, "PASS"], count[r, "FAIL"],
			    count[r, "SKIP"], count[r, "ERROR"])
		# A "# broken: REASON" line: the run broke (xrc matrix
		# writes one for a combination it could not run).
		if ((r, "broken") in meta)
			t = rows[r] ? t ", **broke**" : " **broke**: not run"
		line = line t " |"
	}
	print line

	if (differ) {
		nd = 0
		for (i = 1; i <= nids; i++)
			if (differs(ids[i]))
				dids[++nd] = ids[i]
		print ""
		print "## " differ_title
		print ""
		if (nruns < 2) {
			print "One column: nothing to compare."
		} else if (nd == 0) {
			print "None: every assertion has the same observed outcome in"
			print "every column that ran it."
		} else {
			printf "%d of %d assertions: the observed outcome is not the\n", nd, nids
			print "same in every column that ran it (\">=0\" and a"
			print "non-negative number are the same outcome; an empty cell"
			print "is not compared)."
			print ""
			table_head("assertion")
			for (i = 1; i <= nd; i++)
				row(dids[i])
		}
	}

	if (tested) {
		print ""
		print "## What each column tested"
		print ""
		print "The runs' header lines (`# key: value` in results.tsv);"
		print "empty: that run does not say."
		print ""
		table_head("key")
		for (k = 1; k <= nkeys; k++) {
			line = "| " cell(keys[k]) " |"
			for (r = 1; r <= nruns; r++)
				line = line " " \
					((r, keys[k]) in meta ? cell(meta[r, keys[k]]) : "") " |"
			print line
		}
	}
}
