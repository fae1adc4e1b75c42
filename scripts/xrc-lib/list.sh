# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: list the assertions (ID and statement)

xrc_list_help() {
	cat <<-HELP
	usage: xrc list [--only GLOB[,GLOB...]]

	Prints every assertion of the catalogue, one a line: its ID (stable,
	device.group.name) and its one-line statement.  --only keeps the IDs
	matching one of the globs (repeatable; the same filter as
	'xrc run --only').
	HELP
}

xrc_list() {
	_only=
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help)
			xrc_list_help
			return 0 ;;
		--*=)
			xrc_usage_error list "${1%=} needs a value" ;;
		--only=*) _only=${_only:+$_only,}${1#*=} ;;
		--only)
			xrc_need_value list "$@"
			_only=${_only:+$_only,}$2
			shift ;;
		*)
			xrc_usage_error list "unexpected argument '$1'" ;;
		esac
		shift
	done
	xrc_ensure_built "$XRC_RUNNER"
	if [ -n "$_only" ]; then
		"$XRC_RUNNER" --list --only "$_only"
	else
		"$XRC_RUNNER" --list
	fi
}
