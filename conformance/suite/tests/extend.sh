#!/bin/sh
# SPDX-License-Identifier: MIT
# Extending the catalogue, as docs/contributing.md says, in a scratch copy
# of the tree (the tree itself is never touched):
#  - "Add an assertion" as written, in a new rows file: it builds with no
#    list to edit, and passes on every profile's sim;
#  - a row that lacks a cell of a profile without a base, or names one
#    twice, fails `make` at that row's file:line;
#  - a profile with a base ("Add a profile", steps 1-5 as written) builds
#    with only its departures written, and its own sim passes its column,
#    while the base's sim fails exactly at the departures.
set -eu
# shellcheck source=conformance/suite/tests/_lib.sh disable=SC1091
. "$(dirname "$0")/_lib.sh"

LIST=sim/include/xensim/profile-list.h
TABLES=sim/dev/profiles.c
ROWS=conformance/suite/rows
TREE="$T_WORK/tree"

# The files of the tree as they are now (tracked and new, not ignored),
# or, outside a git checkout, everything but build folders.
copy_tree() {
	mkdir -p "$TREE"
	if git -C "$T_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		# A file git lists may be gone from the work tree (a pending
		# rename): copy what exists.
		# shellcheck disable=SC2016
		(cd "$T_ROOT" && git ls-files -z -co --exclude-standard |
			xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\n" "$f"; done' sh) |
			(cd "$T_ROOT" && tar -cf - -T -) | tar -xf - -C "$TREE"
	else
		(cd "$T_ROOT" && tar -cf - --exclude='./build*' .) | tar -xf - -C "$TREE"
	fi
}

# scratch_make LOG TARGET...: build in the scratch tree; its exit code.
scratch_make() {
	_log=$1
	shift
	_rc=0
	make -C "$TREE" -s BUILD=build "$@" >"$_log" 2>&1 || _rc=$?
	return "$_rc"
}

# The line of a row in a rows file: where its XRC_ROW("ID" starts.
row_line() {
	grep -n "^XRC_ROW(\"$2\"" "$TREE/$ROWS/$1" | cut -d: -f1
}

# edit_row FILE ID PERL: run a perl substitution on the row's cells line
# (the last line of the row, the one that closes it).
edit_row() {
	_start=$(row_line "$1" "$2")
	[ -n "$_start" ] || return 1
	awk -v s="$_start" 'NR >= s && /\)$/ { print NR; exit }' \
		"$TREE/$ROWS/$1" >"$T_WORK/cells-line"
	_l=$(cat "$T_WORK/cells-line")
	perl -i -pe "if (\$. == $_l) { $3 }" "$TREE/$ROWS/$1"
}

copy_tree
t_check "scratch copy has the list and the rows" \
	[ -f "$TREE/$LIST" ] && [ -f "$TREE/$ROWS/privcmd.rows" ]
xrc_targets="build/bin/xrc-conformance build/lib/libxensim-preload.so"
# shellcheck disable=SC2086
if ! scratch_make "$T_WORK/make-base.log" $xrc_targets; then
	t_not_ok "the scratch copy builds"
	t_diag <"$T_WORK/make-base.log"
	t_done
fi
t_ok "the scratch copy builds"
cp "$TREE/$ROWS/privcmd.rows" "$T_WORK/privcmd.rows.orig"

# ---- a missing cell, a doubled cell ----
id=privcmd.restrict.first
line=$(row_line privcmd.rows "$id")
edit_row privcmd.rows "$id" 's/, CELL\(NETBSD, [A-Z]+\)//'
t_check "the row lost its netbsd cell" \
	sh -c "! sed -n '$line,\$p' '$TREE/$ROWS/privcmd.rows' | head -4 | grep -q 'CELL(NETBSD'"
if scratch_make "$T_WORK/make-missing.log" build/bin/xrc-conformance; then
	t_not_ok "a row without a root profile's cell fails the build"
else
	t_ok "a row without a root profile's cell fails the build"
fi
t_check "the error names the row's file:line and the profile" \
	grep -q "$ROWS/privcmd.rows:$line:.*has no member named .NETBSD." \
	"$T_WORK/make-missing.log"
t_diag "$(grep -m1 'error' "$T_WORK/make-missing.log" || true)"

cp "$T_WORK/privcmd.rows.orig" "$TREE/$ROWS/privcmd.rows"
edit_row privcmd.rows "$id" 's/\)$/, CELL(LINUX, OK))/'
if scratch_make "$T_WORK/make-twice.log" build/bin/xrc-conformance; then
	t_not_ok "a row naming a profile twice fails the build"
else
	t_ok "a row naming a profile twice fails the build"
fi
t_check "the error names the row's file and the profile" \
	grep -q "$ROWS/privcmd.rows:[0-9]*:.*duplicate member .LINUX." \
	"$T_WORK/make-twice.log"
cp "$T_WORK/privcmd.rows.orig" "$TREE/$ROWS/privcmd.rows"

# ---- "Add an assertion", docs/contributing.md, steps 1 to 4 ----
# Step 1: an ID by docs/naming.md.  Step 2: its row, here in a new area
# file, which the build must pick up with no list to edit.
new_id=evtchn.unrestricted.close-fresh
cat >"$TREE/$ROWS/example.rows" <<'ROW'
/* SPDX-License-Identifier: MIT */
XRC_ROW("evtchn.unrestricted.close-fresh", evtchn_unrestricted_close_fresh,
	"closing a fresh evtchn handle returns 0",
	"POSIX close(2); Linux 6.1 drivers/xen/evtchn.c evtchn_release",
	CELL(PROPOSED, OK), CELL(LINUX, OK), CELL(FREEBSD, OK), CELL(NETBSD, OK))
ROW
# Step 3: its body, named after the ID, one judged call.
cat >"$TREE/conformance/suite/bodies/example.c" <<'BODY'
/* SPDX-License-Identifier: MIT */
#include <unistd.h>

#include <xrc/body.h>

void evtchn_unrestricted_close_fresh(struct xrc_ctx *t);
void evtchn_unrestricted_close_fresh(struct xrc_ctx *t)
{
	int fd = xrc_open(t, XRC_EVTCHN, 0);

	XRC_OBSERVE(t, close(fd));
}
BODY
# Step 4: build, and every profile's sim passes its own column.
if scratch_make "$T_WORK/make-row.log" build/bin/xrc-conformance; then
	t_ok "a new rows file and body build with no other edit"
else
	t_not_ok "a new rows file and body build with no other edit"
	t_diag <"$T_WORK/make-row.log"
fi
t_check "xrc list shows the new assertion" \
	sh -c "cd '$TREE' && BUILD=build sh scripts/xrc list --only '$new_id' | grep -q '^$new_id'"
for p in $(cd "$TREE" && BUILD=build sh scripts/xrc profiles --names); do
	rc=0
	(cd "$TREE" && BUILD=build sh scripts/xrc run --backend "sim:$p" \
		--profile "$p" --only "$new_id" --out "$T_WORK/row-$p" \
		>"$T_WORK/row-$p.out" 2>&1) || rc=$?
	t_is "the new assertion on sim:$p judged by $p exits 0" "$rc" 0
done
rm -f "$TREE/$ROWS/example.rows" "$TREE/conformance/suite/bodies/example.c"

# ---- "Add a profile", docs/contributing.md, steps 1 to 5 ----
# Step 1: one line in the list, after its base.
awk '
	{ print }
	/X\(LINUX, "linux", ROOT,/ { inlinux = 1 }
	inlinux && /\)[ \t]*\\$/ && !done {
		print "\tX(LINUX_PORT, \"linux-port\", LINUX, \x27z\x27,\t\t\t\\"
		print "\t  \"linux with the contract\x27s ENOSYS for raw hypercalls\",\t\\"
		print "\t  \"my patch to drivers/xen/privcmd.c\")\t\t\t\t\\"
		done = 1
	}' "$TREE/$LIST" >"$T_WORK/list.h"
mv "$T_WORK/list.h" "$TREE/$LIST"
t_check "step 1: the list has linux-port after linux" \
	grep -q 'X(LINUX_PORT, "linux-port", LINUX' "$TREE/$LIST"

# Step 2: its table, just above the list's resolution, departures only.
awk '
	/^\/\* ---- the list, resolved ---- \*\/$/ && !done {
		print "static void table_LINUX_PORT(struct xsim_profile *p)"
		print "{"
		print "\tp->dev[XSIM_DEV_PRIVCMD].op[XSIM_OP_PRIVCMD_HYPERCALL] ="
		print "\t\t(struct xsim_rule)DENY_EARLY(ENOSYS);"
		print "}"
		print ""
		done = 1
	}
	{ print }' "$TREE/$TABLES" >"$T_WORK/profiles.c"
mv "$T_WORK/profiles.c" "$TREE/$TABLES"
t_check "step 2: profiles.c has table_LINUX_PORT" \
	grep -q '^static void table_LINUX_PORT' "$TREE/$TABLES"

# Step 3: build; the FAILs of its own sim judged by it are its departures.
# shellcheck disable=SC2086
if scratch_make "$T_WORK/make-port.log" $xrc_targets; then
	t_ok "step 3: a derived profile builds with no cell written"
else
	t_not_ok "step 3: a derived profile builds with no cell written"
	t_diag <"$T_WORK/make-port.log"
	t_done
fi
port_run() {
	_rc=0
	(cd "$TREE" && BUILD=build sh scripts/xrc run --backend "sim:$1" \
		--profile "$2" --out "$T_WORK/run-$3" >"$T_WORK/run-$3.out" 2>&1) ||
		_rc=$?
	return "$_rc"
}
t_check "xrc profiles lists linux-port, based on linux, code z" \
	sh -c "cd '$TREE' && BUILD=build sh scripts/xrc profiles | grep -qE '^linux-port +linux +z '"
rc=0
port_run linux-port linux-port before || rc=$?
t_is "step 3: sim:linux-port judged by linux-port fails first" "$rc" 1
departures=$(t_ids "$T_WORK/run-before" FAIL)
t_diag "departures: $(echo "$departures" | tr '\n' ' ')"
# Each departure observed what the new table says: ENOSYS.
t_is "the departures all observed ENOSYS" \
	"$(awk -F'\t' '$2 == "FAIL" && $3 != "ENOSYS"' "$T_WORK/run-before/results.tsv" | wc -l)" 0
t_check "there are departures" [ -n "$departures" ]

# Step 4: a cell for each, with what the port's source says (ENOSYS).
for id in $departures; do
	file=$(grep -l "^XRC_ROW(\"$id\"" "$TREE/$ROWS"/*.rows | head -n 1)
	edit_row "$(basename "$file")" "$id" 's/\)$/, CELL(LINUX_PORT, ERR(ENOSYS)))/' ||
		t_not_ok "step 4: no row for $id"
done
nr_cells=$(grep -c 'CELL(LINUX_PORT' "$TREE/$ROWS"/*.rows |
	awk -F: '{ n += $2 } END { print n }')
t_is "step 4: one cell written per departure" "$nr_cells" \
	"$(printf '%s\n' "$departures" | grep -c .)"

# Step 5: build and run again: it conforms to its own column.
# shellcheck disable=SC2086
scratch_make "$T_WORK/make-port2.log" $xrc_targets ||
	t_diag <"$T_WORK/make-port2.log"
rc=0
port_run linux-port linux-port after || rc=$?
t_is "step 5: sim:linux-port judged by linux-port exits 0" "$rc" 0
t_diag "$(tail -n 2 "$T_WORK/run-after.out" | head -n 1)"

# The yardstick moved only where it was written: linux's sim fails the
# port's column exactly at the departures, and still passes its own.
rc=0
port_run linux linux-port base || rc=$?
t_is "sim:linux judged by linux-port exits 1" "$rc" 1
t_is "... failing exactly the departures" \
	"$(t_ids "$T_WORK/run-base" FAIL | tr '\n' ' ')" \
	"$(printf '%s\n' "$departures" | tr '\n' ' ')"
rc=0
port_run linux linux linux || rc=$?
t_is "sim:linux judged by linux still exits 0" "$rc" 0

rm -rf "$TREE"
t_done
