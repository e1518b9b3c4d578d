#!/usr/bin/env bash
# Browser tests against a private, throwaway stack: its own database
# (headway_e2e_<random>, dropped at the end), its own development OpenID
# provider (bin/devidp, demo users alice, bob, carol and dave) and Headscale in
# a temporary directory, and bin/headway, all on free loopback ports; Headway
# and Headscale sign in through that provider, as in run.sh. Exits with the
# tests' status; prints the logs when something fails.
#
# Environment knobs:
#   HEADWAY_BIN        the headway binary (default bin/headway)
#   DEVIDP_BIN         the development OpenID provider (default bin/devidp)
#   HEADSCALE_VERSION  pinned Headscale version (default v0.29.2)
#   CHROMIUM_PATH      passed on to the tests (default /usr/bin/chromium)
#   HEADWAY_KEEP_E2E=1 keep the temporary directory (for debugging)
#   E2E_FILES          test files to run (e.g. e2e/keys.test.ts); default all
#   HEADWAY_PRIVATE_PG=1, HEADWAY_PG_PORT, HEADSCALE_BIN: see deploy/local/lib.sh
# The tests get HEADWAY_URL, HEADSCALE_VERSION, HEADWAY_E2E_API_KEY (a
# Headscale API key valid for a day, separate from Headway's own, to type into
# the sign-in page), HEADWAY_E2E_IDP_URL (the provider's issuer), HEADSCALE_URL,
# HEADSCALE_CONFIG, HEADSCALE_BIN and HEADSCALE_API_KEY_FILE (Headway's key).
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HEADWAY_BIN=${HEADWAY_BIN:-$HEADWAY_ROOT/bin/headway}
TMP=""
DB=headway_e2e_$(random_hex 4)
db_created=0
started_devidp=0
started_headscale=0
started_headway=0
tests_pid=""

# shellcheck disable=SC2317 # called from a trap
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n $tests_pid ]]; then
		log "stopping the browser tests"
		kill -TERM -- "-$tests_pid" 2>/dev/null || kill -TERM "$tests_pid" 2>/dev/null || true
		wait "$tests_pid" 2>/dev/null || true
	fi
	((started_headway)) && stop_pid "$HEADWAY_PID" Headway
	((started_headscale)) && stop_headscale "$TMP/headscale"
	((started_devidp)) && stop_pid "$DEVIDP_PID" "the development OpenID provider"
	if ((rc != 0)) && [[ -n $TMP ]]; then
		show_log "$TMP/headway.log" 60
		show_log "$TMP/headscale/headscale.log" 30
		show_log "$TMP/devidp.log" 30
	fi
	if ((db_created)); then
		log "dropping database $DB"
		pg_drop_database "$HEADWAY_PG_ADMIN_URL" "$DB" || warn "could not drop database $DB"
	fi
	[[ ${HEADWAY_PG_STARTED:-0} == 1 ]] && pg_private_stop
	if [[ -n $TMP ]]; then
		if [[ ${HEADWAY_KEEP_E2E:-0} == 1 ]]; then
			log "kept $TMP"
		else
			rm -rf "$TMP"
		fi
	fi
	exit "$rc"
}

# shellcheck disable=SC2317 # called from a trap
on_signal() {
	log "interrupted; tearing down"
	exit 130
}

check_prerequisites() {
	[[ -x $HEADWAY_BIN ]] || die "$HEADWAY_BIN not found; run \`make build\` first"
	[[ -x $DEVIDP_BIN ]] || die "$DEVIDP_BIN not found; run \`make build\` first"
	command -v npm >/dev/null 2>&1 || die "npm is required"
	command -v curl >/dev/null 2>&1 || die "curl is required"
}

start_stack() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/headway-e2e.XXXXXX")
	ensure_postgres "$DB"
	db_created=1

	build_headscale "$HEADSCALE_VERSION"
	local port hs_port idp_port
	port=$(free_port)
	hs_port=$(free_port $((port + 1)))
	idp_port=$(free_port $((hs_port + 1)))

	ensure_secret_file "$TMP/cookie-secret"
	ensure_secret_file "$TMP/oidc-headway-client-secret"
	ensure_secret_file "$TMP/oidc-headscale-client-secret"
	write_devidp_config "$TMP/devidp.yaml" "$port" "$hs_port" \
		"$TMP/oidc-headway-client-secret" "$TMP/oidc-headscale-client-secret"
	start_devidp "$TMP/devidp.yaml" "$TMP/devidp-key.pem" "$idp_port" "$TMP/devidp.log"
	started_devidp=1

	start_headscale "$TMP/headscale" "$hs_port" "$DEVIDP_ISSUER_URL" "$TMP/oidc-headscale-client-secret"
	started_headscale=1
	HEADSCALE_API_KEY_FILE=$(headscale_api_key "$TMP/headscale")
	HEADWAY_E2E_API_KEY=$(headscale_new_api_key "$TMP/headscale" 1d)

	write_headway_config "$TMP/headway.yaml" "$port" "$HEADWAY_PG_URL" \
		"$HEADSCALE_URL" "$TMP/cookie-secret" "$HEADSCALE_API_KEY_FILE"
	append_headway_oidc "$TMP/headway.yaml" "$port" "$DEVIDP_ISSUER_URL" "$TMP/oidc-headway-client-secret"
	log "starting Headway on 127.0.0.1:$port (database $DB)"
	start_headway "$HEADWAY_BIN" "$TMP/headway.yaml" "$TMP/headway.log"
	started_headway=1
	wait_http "http://127.0.0.1:$port/admin/readyz" 60 "$TMP/headway.log" "$HEADWAY_PID" ||
		die "Headway did not become ready"
	HEADWAY_URL=http://127.0.0.1:$port
}

run_tests() {
	if [[ ! -d $HEADWAY_ROOT/frontend/node_modules ]]; then
		(cd "$HEADWAY_ROOT/frontend" && npm ci --no-audit --no-fund)
	fi
	log "running the browser tests against $HEADWAY_URL"
	# In a session of its own, so that a signal stops the whole test run
	# (npm, vitest, Chromium) at once, from cleanup.
	(
		cd "$HEADWAY_ROOT/frontend"
		HEADWAY_URL=$HEADWAY_URL HEADSCALE_VERSION=$HEADSCALE_VERSION \
			HEADWAY_E2E_API_KEY=$HEADWAY_E2E_API_KEY HEADWAY_E2E_IDP_URL=$DEVIDP_ISSUER_URL \
			HEADSCALE_URL=$HEADSCALE_URL HEADSCALE_CONFIG=$HEADSCALE_CONFIG \
			HEADSCALE_BIN=$(headscale_bin) HEADSCALE_API_KEY_FILE=$HEADSCALE_API_KEY_FILE \
			HEADWAY_TAILSCALED_BIN=${HEADWAY_TAILSCALED_BIN:-$(tailscale_bin tailscaled "$TAILSCALE_VERSION")} \
			HEADWAY_TAILSCALE_BIN=${HEADWAY_TAILSCALE_BIN:-$(tailscale_bin tailscale "$TAILSCALE_VERSION")} \
			exec setsid npm run test:e2e -- ${E2E_FILES:-} # word splitting wanted: a list of files
	) &
	tests_pid=$!
	local rc=0
	wait "$tests_pid" || rc=$?
	tests_pid=""
	return "$rc"
}

main() {
	trap cleanup EXIT
	trap on_signal INT TERM
	check_prerequisites
	start_stack
	status=0
	run_tests || status=$?
	if ((status == 0)); then
		log "browser tests passed"
	else
		log "browser tests failed (status $status)"
	fi
	exit "$status"
}

main "$@"
