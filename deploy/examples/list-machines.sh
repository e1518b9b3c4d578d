#!/usr/bin/env bash
# List the machines of a Headway console, from a script, with an API token.
#
#   HEADWAY_URL=https://vpn.example.com HEADWAY_TOKEN=hw_… ./list-machines.sh [search]
#
# Create the token in Headway under Settings → API tokens; the viewer role is
# enough to list machines. The token is handed to curl on a file descriptor,
# not on its command line, so other users of the machine cannot read it in the
# process list. Needs bash, curl and jq.
set -euo pipefail

: "${HEADWAY_URL:?set HEADWAY_URL to the address of Headway without /admin, e.g. https://vpn.example.com}"
: "${HEADWAY_TOKEN:?set HEADWAY_TOKEN to an API token (hw_…) from Settings → API tokens}"
search=${1:-}
page_size=500

# get PATH [curl args…]: GET an API path; prints the body, or the error's
# code, message and hint on standard error and fails.
get() {
	local path=$1 body status
	shift
	body=$(curl --silent --show-error --compressed --get \
		--header @<(printf 'Authorization: Bearer %s\n' "$HEADWAY_TOKEN") \
		--write-out '\n%{http_code}' "$@" "${HEADWAY_URL%/}/admin/api/v1$path") || return 1
	status=${body##*$'\n'}
	body=${body%$'\n'*}
	if [[ $status != 2* ]]; then
		jq -r '"error: \(.error.code): \(.error.message)\nhint: \(.error.hint // "")"' <<<"$body" >&2 2>/dev/null ||
			echo "error: HTTP $status from $HEADWAY_URL" >&2
		return 1
	fi
	printf '%s\n' "$body"
}

page=1
printf '%-28s %-20s %-16s %-8s %s\n' NAME USER ADDRESS STATUS LAST_SEEN
while :; do
	body=$(get /machines --data-urlencode "q=$search" --data "page=$page" --data "pageSize=$page_size")
	jq -r '.machines[] | [
		.givenName,
		(.user.name // (.tags | join(","))),
		(.ipAddresses[0] // "-"),
		(if .online then "online" elif .expired then "expired" else "offline" end),
		(.lastSeen // "never")
	] | @tsv' <<<"$body" | while IFS=$'\t' read -r name user address status seen; do
		printf '%-28s %-20s %-16s %-8s %s\n' "$name" "$user" "$address" "$status" "$seen"
	done
	total=$(jq -r .total <<<"$body")
	((page * page_size < total)) || break
	page=$((page + 1))
done
