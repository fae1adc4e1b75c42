# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# summary: list the profiles (the catalogue's columns) with a summary

xrc_profiles_help() {
	cat <<-HELP
	usage: xrc profiles [--names]

	Prints the profiles, one a line: the name (what --profile and
	sim:PROFILE take), the profile it derives from ("-": none), its stable
	one-byte code (byte 0 of a fuzz input) and a summary.  With --names,
	the names alone, for scripts.  The list is
	sim/include/xensim/profile-list.h: every script, test and tool takes
	it from here.  docs/profiles.md says what each one mirrors.
	HELP
}

xrc_profiles() {
	_names_only=false
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help)
			xrc_profiles_help
			return 0 ;;
		--names)
			_names_only=true ;;
		*)
			xrc_usage_error profiles "unexpected argument '$1'" ;;
		esac
		shift
	done
	if $_names_only; then
		xrc_profile_names
		return 0
	fi
	_info=$(xrc_profile_info)
	printf '%s\n' "$_info" | awk -F'\t' '
		BEGIN { printf "%-14s %-8s %-4s %s\n", "NAME", "BASE", "CODE", "SUMMARY" }
		{ printf "%-14s %-8s %-4s %s\n", $1, $2, $3, $4 }'
}
