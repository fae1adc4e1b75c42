# SPDX-License-Identifier: MIT
# xrc report: merge runs' results.tsv files (the arguments, one per run)
# into one Markdown matrix on stdout.  Rows are assertions in the order
# first seen, columns are runs in argument order.
#
# A results.tsv (written by build/bin/xrc-conformance) has lines starting
# with "#": metadata "# key: value" (backend, profile) and the header naming
# the tab-separated columns (id, verdict, observed, expected, agreeing
# profiles, reason); a header without "#" is recognised by its first field
# being "id".  Without a header the columns are taken in that order.
BEGIN {
	FS = "\t"
	nruns = 0
	nids = 0
	mark["PASS"] = "✓"
	mark["FAIL"] = "✗"
	mark["SKIP"] = "–"
	mark["ERROR"] = "!"
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

FNR == 1 {
	nruns++
	run_file[nruns] = FILENAME
	label = FILENAME
	sub(/\/?results\.tsv$/, "", label)
	sub(/.*\//, "", label)
	run_backend[nruns] = label
	run_profile[nruns] = ""
	default_columns()
}

/^#/ {
	line = $0
	sub(/^#[ \t]*/, "", line)
	if (match(line, /^[A-Za-z_ -]+[:=]/)) {
		key = tolower(trim(substr(line, 1, RLENGTH - 1)))
		val = trim(substr(line, RLENGTH + 1))
		if (key == "backend" && val != "")
			run_backend[nruns] = val
		else if ((key == "profile" || key == "expected profile") &&
			 val != "")
			run_profile[nruns] = val
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
	obs = $(col["observed"])
	m = (verdict in mark) ? mark[verdict] : verdict
	if (verdict == "SKIP" || obs == "")
		obs = (verdict == "SKIP") ? "skip" : obs
	result[nruns, id] = cell(obs) " " m
	count[nruns, verdict]++
}

END {
	if (nruns == 0)
		exit 2
	print "# Conformance matrix"
	print ""
	print "Each cell: the observed outcome, then its verdict against the"
	print "profile that run was judged by (✓ PASS, ✗ FAIL, – SKIP,"
	print "! ERROR; empty: not in that run)."
	print ""
	head = "| assertion |"
	rule = "|---|"
	for (r = 1; r <= nruns; r++) {
		h = cell(run_backend[r])
		if (run_profile[r] != "")
			h = h " vs " cell(run_profile[r])
		head = head " " h " |"
		rule = rule "---|"
	}
	print head
	print rule
	for (i = 1; i <= nids; i++) {
		line = "| `" ids[i] "` |"
		for (r = 1; r <= nruns; r++)
			line = line " " ((r, ids[i]) in result ? \
					  result[r, ids[i]] : "") " |"
		print line
	}
	line = "| **totals** |"
	for (r = 1; r <= nruns; r++)
		line = line sprintf(" %d ✓, %d ✗, %d –, %d ! |",
				    count[r, "PASS"], count[r, "FAIL"],
				    count[r, "SKIP"], count[r, "ERROR"])
	print line
}
