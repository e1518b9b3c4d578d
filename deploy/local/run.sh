#!/usr/bin/env bash
# Run the local stack: Postgres (the one on 127.0.0.1:5432, else a private
# cluster in .data/postgres), Headscale (state in .data/headscale) and Headway.
# `make run` builds bin/headway and Headscale, then calls this script.
# State persists in .data/: a second run reuses the database, the API key and
# the cookie secret. Ctrl-C stops exactly what this run started.
#
# Environment knobs:
#   HEADWAY_PORT     Headway's port (default 3000)
#   HEADSCALE_PORT   Headscale's port (default 8080)
#   HEADWAY_BIN      the headway binary (default bin/headway)
#   HEADWAY_PRIVATE_PG=1, HEADWAY_PG_PORT, HEADWAY_DATA_DIR, HEADSCALE_BIN:
#                    see deploy/local/lib.sh
#   HEADWAY_SECTION__KEY variables reach Headway and override its config file.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HEADWAY_PORT=${HEADWAY_PORT:-3000}
HEADSCALE_PORT=${HEADSCALE_PORT:-8080}
HEADWAY_BIN=${HEADWAY_BIN:-$HEADWAY_ROOT/bin/headway}
HS_DIR=$HEADWAY_DATA_DIR/headscale

started_headscale=0
started_headway=0
tail_pid=""

# shellcheck disable=SC2317 # called from a trap
cleanup() {
	local status=$?
	trap - EXIT INT TERM
	[[ -n $tail_pid ]] && kill "$tail_pid" 2>/dev/null
	((started_headway)) && stop_pid "$HEADWAY_PID" Headway
	((started_headscale)) && stop_headscale "$HS_DIR"
	[[ ${HEADWAY_PG_STARTED:-0} == 1 ]] && pg_private_stop
	exit "$status"
}

# shellcheck disable=SC2317 # called from a trap
on_signal() {
	printf '\n' >&2
	log "interrupted; shutting down"
	exit 130
}

check_prerequisites() {
	[[ -x $HEADWAY_BIN ]] || die "$HEADWAY_BIN not found; run \`make run\` (or \`make build\` first)"
	command -v curl >/dev/null 2>&1 || die "curl is required"
	require_free_port "$HEADWAY_PORT" "Headway (set HEADWAY_PORT)"
	require_free_port "$HEADSCALE_PORT" "Headscale (set HEADSCALE_PORT)"
}

start_stack() {
	mkdir -p "$HEADWAY_DATA_DIR" "$HS_DIR"
	ensure_secret_file "$HEADWAY_DATA_DIR/cookie-secret"
	ensure_postgres headway

	start_headscale "$HS_DIR" "$HEADSCALE_PORT"
	started_headscale=1
	local key_file
	key_file=$(headscale_api_key "$HS_DIR")

	write_headway_config "$HEADWAY_DATA_DIR/headway.yaml" "$HEADWAY_PORT" "$HEADWAY_PG_URL" \
		"$HEADSCALE_URL" "$HEADWAY_DATA_DIR/cookie-secret" "$key_file"

	log "starting Headway (log: $HEADWAY_DATA_DIR/headway.log)"
	start_headway "$HEADWAY_BIN" "$HEADWAY_DATA_DIR/headway.yaml" "$HEADWAY_DATA_DIR/headway.log"
	started_headway=1
	wait_http "http://127.0.0.1:$HEADWAY_PORT/admin/readyz" 60 "$HEADWAY_DATA_DIR/headway.log" "$HEADWAY_PID" ||
		die "Headway did not become ready"
}

banner() {
	local pg="PostgreSQL on 127.0.0.1:5432"
	[[ $HEADWAY_PG_PRIVATE == 1 ]] && pg="private PostgreSQL in $(pg_private_dir)"
	cat <<MSG

  Headway    http://127.0.0.1:$HEADWAY_PORT/admin/
  Headscale  $HEADSCALE_URL
  Database   $pg (database "headway")
  State      ${HEADWAY_DATA_DIR#"$HEADWAY_ROOT"/}/ (Headscale API key in ${HS_DIR#"$HEADWAY_ROOT"/}/headway-api-key)
  Headscale CLI: $(headscale_bin) -c $HEADSCALE_CONFIG

  Press Ctrl-C to stop.

MSG
}

main() {
	trap cleanup EXIT
	trap on_signal INT TERM
	check_prerequisites
	start_stack
	banner
	# Follow Headway's log until it exits or we are interrupted.
	tail -n 0 -F "$HEADWAY_DATA_DIR/headway.log" 2>/dev/null &
	tail_pid=$!
	local status=0
	wait "$HEADWAY_PID" || status=$?
	started_headway=0
	log "Headway exited with status $status"
	exit "$status"
}

main "$@"
