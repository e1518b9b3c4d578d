#!/usr/bin/env bash
# Run the local stack: Postgres (the one on 127.0.0.1:5432, else a private
# cluster in .data/postgres), the development OpenID provider (bin/devidp, demo
# users alice, bob, carol and dave), Headscale (state in .data/headscale) and
# Headway, both signing in through that provider.
# `make run` builds bin/headway, bin/devidp and Headscale, then calls this script.
# State persists in .data/: a second run reuses the database, the API key, the
# cookie secret, the client secrets and the provider's signing key.
# Ctrl-C stops exactly what this run started.
#
# Environment knobs:
#   HEADWAY_PORT     Headway's port (default 3000)
#   HEADSCALE_PORT   Headscale's port (default 8080)
#   DEVIDP_PORT      the development OpenID provider's port (default 9000)
#   HEADWAY_BIN      the headway binary (default bin/headway)
#   DEVIDP_BIN       the provider's binary (default bin/devidp)
#   HEADWAY_PRIVATE_PG=1, HEADWAY_PG_PORT, HEADWAY_DATA_DIR, HEADSCALE_BIN:
#                    see deploy/local/lib.sh
#   HEADWAY_SECTION__KEY variables reach Headway and override its config file.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HEADWAY_PORT=${HEADWAY_PORT:-3000}
HEADSCALE_PORT=${HEADSCALE_PORT:-8080}
HEADWAY_BIN=${HEADWAY_BIN:-$HEADWAY_ROOT/bin/headway}
DEVIDP_PORT=${DEVIDP_PORT:-9000}
HS_DIR=$HEADWAY_DATA_DIR/headscale

started_devidp=0
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
	((started_devidp)) && stop_pid "$DEVIDP_PID" "the development OpenID provider"
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
	[[ -x $DEVIDP_BIN ]] || die "$DEVIDP_BIN not found; run \`make run\` (or \`make build\` first)"
	command -v curl >/dev/null 2>&1 || die "curl is required"
	require_free_port "$HEADWAY_PORT" "Headway (set HEADWAY_PORT)"
	require_free_port "$HEADSCALE_PORT" "Headscale (set HEADSCALE_PORT)"
	require_free_port "$DEVIDP_PORT" "the development OpenID provider (set DEVIDP_PORT)"
}

start_stack() {
	mkdir -p "$HEADWAY_DATA_DIR" "$HS_DIR"
	ensure_secret_file "$HEADWAY_DATA_DIR/cookie-secret"
	ensure_secret_file "$HEADWAY_DATA_DIR/oidc-headway-client-secret"
	ensure_secret_file "$HEADWAY_DATA_DIR/oidc-headscale-client-secret"
	ensure_postgres headway

	# The provider first: Headscale with an oidc: section waits for it.
	write_devidp_config "$HEADWAY_DATA_DIR/devidp.yaml" "$HEADWAY_PORT" "$HEADSCALE_PORT" \
		"$HEADWAY_DATA_DIR/oidc-headway-client-secret" "$HEADWAY_DATA_DIR/oidc-headscale-client-secret"
	start_devidp "$HEADWAY_DATA_DIR/devidp.yaml" "$HEADWAY_DATA_DIR/devidp-key.pem" "$DEVIDP_PORT" \
		"$HEADWAY_DATA_DIR/devidp.log"
	started_devidp=1

	start_headscale "$HS_DIR" "$HEADSCALE_PORT" "$DEVIDP_ISSUER_URL" "$HEADWAY_DATA_DIR/oidc-headscale-client-secret"
	started_headscale=1
	local key_file
	key_file=$(headscale_api_key "$HS_DIR")

	write_headway_config "$HEADWAY_DATA_DIR/headway.yaml" "$HEADWAY_PORT" "$HEADWAY_PG_URL" \
		"$HEADSCALE_URL" "$HEADWAY_DATA_DIR/cookie-secret" "$key_file" "$HS_DIR/config.yaml"
	append_headway_oidc "$HEADWAY_DATA_DIR/headway.yaml" "$HEADWAY_PORT" "$DEVIDP_ISSUER_URL" \
		"$HEADWAY_DATA_DIR/oidc-headway-client-secret"

	log "starting Headway (log: $HEADWAY_DATA_DIR/headway.log)"
	start_headway "$HEADWAY_BIN" "$HEADWAY_DATA_DIR/headway.yaml" "$HEADWAY_DATA_DIR/headway.log"
	started_headway=1
	wait_http "http://127.0.0.1:$HEADWAY_PORT/admin/readyz" 60 "$HEADWAY_DATA_DIR/headway.log" "$HEADWAY_PID" ||
		die "Headway did not become ready"
}

banner() {
	local pg="PostgreSQL on 127.0.0.1:5432"
	local state=${HEADWAY_DATA_DIR#"$HEADWAY_ROOT"/}
	[[ $HEADWAY_PG_PRIVATE == 1 ]] && pg="private PostgreSQL in $(pg_private_dir)"
	cat <<MSG

  Headway    http://127.0.0.1:$HEADWAY_PORT/admin/
  Headscale  $HEADSCALE_URL
  OpenID     $DEVIDP_ISSUER_URL (development provider; never for production)
  Database   $pg (database "headway")
  State      $state/ (Headscale API key in ${HS_DIR#"$HEADWAY_ROOT"/}/headway-api-key)
  Headscale CLI: $(headscale_bin) -c $HEADSCALE_CONFIG

  Sign in: click "Sign in with single sign-on" and pick a demo user
  ($(devidp_user_names "$HEADWAY_DATA_DIR/devidp.yaml")), or paste the Headscale API key
  from ${HS_DIR#"$HEADWAY_ROOT"/}/headway-api-key.

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
