#!/usr/bin/env bash
# Start docker-compose.yml, creating its secrets on the first run:
#   deploy/secrets/cookie-secret      random, 32 bytes as hex
#   deploy/secrets/headscale-api-key  created by the Headscale container
# Needs Docker with the compose plugin. Arguments go to `docker compose up`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECRETS=deploy/secrets

compose() { docker compose "$@"; }

make_cookie_secret() {
	[[ -s $SECRETS/cookie-secret ]] && return 0
	echo "==> creating $SECRETS/cookie-secret"
	(umask 077 && openssl rand -hex 32 >"$SECRETS/cookie-secret")
}

make_api_key() {
	[[ -s $SECRETS/headscale-api-key ]] && return 0
	# Compose reads every secret file: an empty one stands in until the key exists.
	: >"$SECRETS/headscale-api-key"
	echo "==> starting PostgreSQL and Headscale"
	compose up -d --wait postgres headscale
	echo "==> creating a Headscale API key for Headway ($SECRETS/headscale-api-key)"
	local key
	key=$(compose exec -T headscale headscale apikeys create --expiration 90d | tail -n 1)
	[[ -n $key ]] || {
		echo "error: headscale printed no API key" >&2
		exit 1
	}
	(umask 077 && printf '%s\n' "$key" >"$SECRETS/headscale-api-key")
}

main() {
	command -v docker >/dev/null 2>&1 || {
		echo "error: docker is required" >&2
		exit 1
	}
	mkdir -p "$SECRETS"
	make_cookie_secret
	make_api_key
	echo "==> starting Headway"
	compose up -d --wait "$@"
	echo
	echo "  Headway    ${HEADWAY_BASE_URL:-http://localhost:3000}/admin/"
	echo "  Headscale  ${HEADSCALE_PUBLIC_URL:-http://localhost:8080}"
	echo "  Sign in with the API key in $SECRETS/headscale-api-key (it expires in 90 days;"
	echo "  delete the file and run this script again for a new one)."
}

main "$@"
