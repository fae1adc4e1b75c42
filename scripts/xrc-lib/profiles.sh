# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: list the profiles (the catalogue's columns) with a summary

xrc_profiles_help() {
	cat <<-HELP
	usage: xrc profiles

	Prints the profiles, one a line: the name (what --profile and
	sim:PROFILE take) and what it mirrors.  A profile is one column of the
	catalogue and one table of the sim (sim/dev/profiles.c).
	HELP
}

xrc_profiles() {
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help)
			xrc_profiles_help
			return 0 ;;
		*)
			xrc_usage_error profiles "unexpected argument '$1'" ;;
		esac
	done
	# Names from the runner when it can be built (the catalogue is the
	# truth); summaries from it too if it gives them, else from the table.
	if (xrc_ensure_built "$XRC_RUNNER") 2>/dev/null; then
		_names=$(xrc_profile_names)
	else
		_names=$(xrc_profile_table | cut -f1)
	fi
	_table=$(xrc_profile_table)
	for _p in $_names; do
		_s=$(printf '%s\n' "$_table" | awk -F'\t' -v p="$_p" \
			'$1 == p { print $2 }')
		printf '%-14s %s\n' "$_p" "${_s:-(no summary)}"
	done
}
