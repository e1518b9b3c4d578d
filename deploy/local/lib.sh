# shellcheck shell=bash
# shellcheck disable=SC2034 # globals set here are read by the scripts that source this file
# Shared functions for the local stack scripts (run.sh, e2e.sh, .ci/run).
# Source it; it does not change shell options of the caller beyond what the
# caller already set (the callers use `set -euo pipefail`).
#
# Environment knobs:
#   HEADWAY_DATA_DIR     state directory (default: <repo>/.data)
#   HEADWAY_PRIVATE_PG=1 never use a Postgres on 127.0.0.1:5432; always use the
#                        private cluster (HEADWAY_PG_DIR, default .data/postgres)
#   HEADWAY_PG_PORT      port of the private cluster (default 55432; a free one
#                        is chosen when that is taken)
#   HEADWAY_PG_DIR       directory of the private cluster
#   HEADSCALE_VERSION    pinned Headscale version (default v0.29.2)
#   HEADSCALE_BIN        Headscale binary to run (default .cache/bin/headscale-VERSION)
#   DEVIDP_BIN           the development OpenID provider (default bin/devidp)

HEADWAY_ROOT="${HEADWAY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
HEADWAY_DATA_DIR="${HEADWAY_DATA_DIR:-$HEADWAY_ROOT/.data}"
HEADSCALE_VERSION="${HEADSCALE_VERSION:-v0.29.2}"
TAILSCALE_VERSION="${TAILSCALE_VERSION:-v1.101.0-pre}"
DEVIDP_BIN="${DEVIDP_BIN:-$HEADWAY_ROOT/bin/devidp}"

# ---------------------------------------------------------------- messages

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# show_log FILE [LINES]: print the tail of a log file, framed.
show_log() {
	local file=$1 lines=${2:-40}
	[[ -f $file ]] || return 0
	printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
	tail -n "$lines" "$file" >&2 || true
	printf -- '----- end of %s -----\n' "$file" >&2
}

# random_hex BYTES: print BYTES random bytes as lowercase hex.
random_hex() {
	local n=${1:-32}
	if command -v openssl >/dev/null 2>&1; then
		openssl rand -hex "$n"
	elif command -v xxd >/dev/null 2>&1; then
		head -c "$n" /dev/urandom | xxd -p | tr -d '\n'
		echo
	else
		head -c "$n" /dev/urandom | od -An -v -tx1 | tr -d ' \n'
		echo
	fi
}

# ---------------------------------------------------------------- ports and processes

# port_in_use PORT: true when something listens on 127.0.0.1:PORT.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# require_free_port PORT WHAT: fail clearly when PORT is taken.
require_free_port() {
	local port=$1 what=$2
	if port_in_use "$port"; then
		die "port $port (for $what) is already in use on 127.0.0.1; stop whatever listens there or choose another port"
	fi
}

# free_port [START]: print a free loopback port, scanning upward from START
# (default: a random port between 20000 and 59999).
free_port() {
	local port=${1:-$((20000 + RANDOM % 40000))} tries=0
	while port_in_use "$port"; do
		port=$((port + 1))
		tries=$((tries + 1))
		((tries < 500)) || die "no free port found near ${1:-random}"
	done
	echo "$port"
}

# wait_http URL TIMEOUT_SECONDS LOGFILE [PID]: wait until URL answers 200.
# Fails early when PID exits; prints the log tail on failure.
wait_http() {
	local url=$1 timeout=$2 logfile=$3 pid=${4:-}
	local deadline=$((SECONDS + timeout))
	while ((SECONDS < deadline)); do
		if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
			return 0
		fi
		if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
			printf 'error: process %s exited before %s answered\n' "$pid" "$url" >&2
			show_log "$logfile"
			return 1
		fi
		sleep 0.2
	done
	printf 'error: %s did not answer 200 within %ss\n' "$url" "$timeout" >&2
	show_log "$logfile"
	return 1
}

# stop_pid PID NAME: SIGTERM, wait up to 10 s, then SIGKILL.
stop_pid() {
	local pid=$1 name=$2 i
	[[ -n $pid ]] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	log "stopping $name (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	warn "$name (pid $pid) did not stop in 10s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------- apt

# apt_install PKG...: install Debian packages (root only), updating once.
apt_install() {
	[[ $(id -u) -eq 0 ]] || die "need root to install $*; install them yourself"
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* yourself"
	if [[ -z ${_HEADWAY_APT_UPDATED:-} ]]; then
		log "apt-get update"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		_HEADWAY_APT_UPDATED=1
	fi
	log "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ---------------------------------------------------------------- Postgres

# pg_bin_dir: print the bin directory of the newest installed PostgreSQL server.
pg_bin_dir() {
	local d best
	# Glob order is lexical: sort to prefer the highest numeric version.
	best=$(for d in /usr/lib/postgresql/*/bin; do [[ -x $d/initdb ]] && echo "$d"; done |
		sort -t/ -k5,5n | tail -n 1)
	[[ -n $best ]] || return 1
	echo "$best"
}

# pg_tool NAME: print the path of a Postgres client tool.
pg_tool() {
	local dir
	if dir=$(pg_bin_dir) && [[ -x $dir/$1 ]]; then
		echo "$dir/$1"
	elif command -v "$1" >/dev/null 2>&1; then
		command -v "$1"
	else
		return 1
	fi
}

# as_pg CMD...: run a command as the postgres user when we are root.
as_pg() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_login_ok URL: true when we can log in with URL without a password.
pg_login_ok() {
	PGCONNECT_TIMEOUT=3 "$(pg_tool psql)" -w -qtAX "$1" -c 'SELECT 1' >/dev/null 2>&1
}

# pg_ensure_database ADMIN_URL DB: create DB when missing.
pg_ensure_database() {
	local admin=$1 db=$2 psql exists
	psql=$(pg_tool psql)
	exists=$("$psql" -w -qtAX "$admin" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")
	if [[ $exists != 1 ]]; then
		log "creating database $db"
		"$psql" -w -qX "$admin" -c "CREATE DATABASE \"$db\"" >/dev/null
	fi
}

# pg_drop_database ADMIN_URL DB: drop DB (terminating its connections).
pg_drop_database() {
	local admin=$1 db=$2
	"$(pg_tool psql)" -w -qX "$admin" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
}

# pg_private_dir: print the private cluster's directory. The postgres user
# must be able to reach it; when the repository sits below a directory it
# cannot enter (e.g. /root), a directory under /var/tmp is used instead.
pg_private_dir() {
	local dir=${HEADWAY_PG_DIR:-$HEADWAY_DATA_DIR/postgres}
	if [[ $(id -u) -eq 0 && -z ${HEADWAY_PG_DIR:-} ]]; then
		mkdir -p "$HEADWAY_DATA_DIR"
		if ! runuser -u postgres -- test -x "$HEADWAY_DATA_DIR"; then
			dir=/var/tmp/headway-postgres-$(printf '%s' "$HEADWAY_ROOT" | cksum | cut -d' ' -f1)
		fi
	fi
	echo "$dir"
}

# pg_private_install: make sure the server binaries exist (apt when missing).
pg_private_install() {
	pg_bin_dir >/dev/null && return 0
	apt_install postgresql
	pg_bin_dir >/dev/null || die "PostgreSQL server binaries still missing after installing postgresql"
}

# pg_private_start: init (once) and start (when stopped) the private cluster.
# Sets HEADWAY_PG_PORT_ACTUAL, HEADWAY_PG_DATA and HEADWAY_PG_STARTED (1 when
# this call started it).
pg_private_start() {
	local dir bin data port
	pg_private_install
	bin=$(pg_bin_dir)
	dir=$(pg_private_dir)
	data=$dir/data
	mkdir -p "$dir/socket"
	if [[ $(id -u) -eq 0 ]]; then
		chown postgres:postgres "$dir" "$dir/socket"
		chmod 700 "$dir"
	fi
	if [[ ! -f $data/PG_VERSION ]]; then
		log "initialising a private PostgreSQL cluster in $data"
		as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			{
				show_log "$dir/initdb.log"
				die "initdb failed"
			}
	fi
	HEADWAY_PG_DATA=$data
	HEADWAY_PG_STARTED=0
	if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		# Running: the port is the fourth line of postmaster.pid.
		port=$(sed -n 4p "$data/postmaster.pid")
		log "reusing the running private PostgreSQL on port $port"
	else
		port=${HEADWAY_PG_PORT:-55432}
		if [[ -f $dir/port ]]; then port=$(<"$dir/port"); fi
		if port_in_use "$port"; then port=$(free_port "$port"); fi
		log "starting the private PostgreSQL on 127.0.0.1:$port"
		as_pg setsid "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 30 \
			-o "-p $port -c listen_addresses=127.0.0.1 -k $dir/socket" start >/dev/null ||
			{
				show_log "$dir/postgres.log"
				die "could not start the private PostgreSQL"
			}
		HEADWAY_PG_STARTED=1
	fi
	echo "$port" >"$dir/port"
	HEADWAY_PG_PORT_ACTUAL=$port
}

# pg_private_stop: stop the private cluster (fast shutdown).
pg_private_stop() {
	local bin data
	bin=$(pg_bin_dir) || return 0
	data=${HEADWAY_PG_DATA:-$(pg_private_dir)/data}
	[[ -f $data/PG_VERSION ]] || return 0
	log "stopping the private PostgreSQL"
	as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# ensure_postgres DB: make a Postgres available and DB present in it.
# Uses the server on 127.0.0.1:5432 when it answers and accepts a password-less
# login as postgres; else the private cluster. Sets (not exported):
#   HEADWAY_PG_ADMIN_URL  URL of the postgres database (for CREATE/DROP)
#   HEADWAY_PG_URL        URL of DB
#   HEADWAY_PG_PRIVATE    1 when the private cluster is used
#   HEADWAY_PG_STARTED    1 when this call started the private cluster
ensure_postgres() {
	local db=${1:-headway} port="" isready
	HEADWAY_PG_PRIVATE=0
	HEADWAY_PG_STARTED=0
	if [[ ${HEADWAY_PRIVATE_PG:-0} != 1 ]] && isready=$(pg_tool pg_isready) &&
		"$isready" -q -h 127.0.0.1 -p 5432 -t 3; then
		if pg_login_ok "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"; then
			port=5432
			log "using the PostgreSQL on 127.0.0.1:5432"
		else
			warn "the PostgreSQL on 127.0.0.1:5432 refuses a password-less login as postgres; using a private cluster"
		fi
	fi
	if [[ -z $port ]]; then
		pg_private_start
		port=$HEADWAY_PG_PORT_ACTUAL
		HEADWAY_PG_PRIVATE=1
	fi
	HEADWAY_PG_ADMIN_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	HEADWAY_PG_URL="postgres://postgres@127.0.0.1:$port/$db?sslmode=disable"
	pg_ensure_database "$HEADWAY_PG_ADMIN_URL" "$db"
}

# ---------------------------------------------------------------- Headscale

# headscale_bin [VERSION]: print the path of the pinned Headscale binary
# ($HEADSCALE_BIN when set and no VERSION is given).
headscale_bin() {
	local bin=${HEADSCALE_BIN:-}
	if [[ -n ${1:-} || -z $bin ]]; then
		bin=$HEADWAY_ROOT/.cache/bin/headscale-${1:-$HEADSCALE_VERSION}
	fi
	[[ $bin == /* ]] || bin=$HEADWAY_ROOT/$bin
	echo "$bin"
}

# build_headscale [VERSION]: build the pinned Headscale once, from the Go module
# proxy, in a scratch module per version (.cache/hsbuild/VERSION) with its own
# go.mod: a shared one would build an older release against the newer one's
# dependencies (v0.28.0 with the tailscale.com of v0.29.2).
build_headscale() {
	local version=${1:-$HEADSCALE_VERSION} out scratch
	out=$(headscale_bin "$version")
	[[ -x $out ]] && return 0
	command -v go >/dev/null 2>&1 || die "go is needed to build Headscale $version"
	scratch=$HEADWAY_ROOT/.cache/hsbuild/$version
	mkdir -p "$scratch" "$(dirname "$out")"
	(
		# One build at a time; a second caller waits and then finds the binary.
		exec 9>"$scratch/.lock"
		flock 9
		[[ -x $out ]] && exit 0
		log "building Headscale $version, about two minutes, once (into ${out#"$HEADWAY_ROOT"/})"
		cd "$scratch"
		export GOWORK=off GOFLAGS=-mod=mod
		[[ -f go.mod ]] || go mod init hstools >/dev/null 2>&1
		seed_go_sum github.com/juanfont/headscale "$version" >build.log 2>&1 &&
			go get "github.com/juanfont/headscale/cmd/headscale@$version" >>build.log 2>&1 &&
			go build -o "$out.tmp" github.com/juanfont/headscale/cmd/headscale >>build.log 2>&1 ||
			{
				show_log "$scratch/build.log"
				exit 1
			}
		mv -f "$out.tmp" "$out"
	) || die "building Headscale $version failed"
}

# seed_go_sum MODULE VERSION: merge the go.sum MODULE@VERSION was released with
# into ./go.sum (a scratch module's), so its dependencies are checked against
# the checksums its authors recorded. A dependency the checksum database
# cannot look up (github.com/tailscale/tailsql of Headscale v0.28.0 answers
# 404 there) then still builds, and still only with the recorded content.
seed_go_sum() {
	local dir
	dir=$(go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || return 1
	[[ -n $dir ]] || {
		echo "go mod download $1@$2 printed no directory"
		return 1
	}
	[[ -f $dir/go.sum ]] || return 0
	touch go.sum
	sort -u go.sum "$dir/go.sum" >go.sum.tmp && mv -f go.sum.tmp go.sum
}

# ---------------------------------------------------------------- Tailscale client

# tailscale_bin NAME VERSION: print the path of a built Tailscale binary
# (NAME is tailscaled or tailscale).
tailscale_bin() {
	echo "$HEADWAY_ROOT/.cache/bin/$1-$2"
}

# build_tailscale VERSION: build tailscaled and tailscale (the real client the
# Go tests run against Headscale, in userspace networking) once, from the Go
# module proxy, in a scratch module of their own (.cache/tsbuild/VERSION),
# into .cache/bin/tailscaled-VERSION and .cache/bin/tailscale-VERSION.
build_tailscale() {
	local version=${1:?build_tailscale needs a version, e.g. v1.101.0-pre} daemon cli scratch
	daemon=$(tailscale_bin tailscaled "$version")
	cli=$(tailscale_bin tailscale "$version")
	[[ -x $daemon && -x $cli ]] && return 0
	command -v go >/dev/null 2>&1 || die "go is needed to build Tailscale $version"
	scratch=$HEADWAY_ROOT/.cache/tsbuild/$version
	mkdir -p "$scratch" "$(dirname "$daemon")"
	(
		# One build at a time; a second caller waits and then finds the binaries.
		exec 9>"$scratch/.lock"
		flock 9
		[[ -x $daemon && -x $cli ]] && exit 0
		log "building tailscaled and tailscale $version, a few minutes, once (into ${daemon#"$HEADWAY_ROOT"/}, ${cli#"$HEADWAY_ROOT"/})"
		cd "$scratch"
		# Outside the repository's workspace; go.mod and go.sum follow what is built.
		[[ -f go.mod ]] || GOWORK=off go mod init tstools >/dev/null 2>&1
		GOWORK=off GOFLAGS=-mod=mod seed_go_sum tailscale.com "$version" >build.log 2>&1 &&
			GOWORK=off GOFLAGS=-mod=mod go get "tailscale.com/cmd/tailscaled@$version" "tailscale.com/cmd/tailscale@$version" >>build.log 2>&1 &&
			GOWORK=off GOFLAGS=-mod=mod go build -o "$daemon.tmp" tailscale.com/cmd/tailscaled >>build.log 2>&1 &&
			GOWORK=off GOFLAGS=-mod=mod go build -o "$cli.tmp" tailscale.com/cmd/tailscale >>build.log 2>&1 ||
			{
				show_log "$scratch/build.log"
				rm -f "$daemon.tmp" "$cli.tmp"
				exit 1
			}
		mv -f "$daemon.tmp" "$daemon"
		mv -f "$cli.tmp" "$cli"
	) || die "building Tailscale $version failed"
}

# headscale_config DIR: print the config path of the Headscale in DIR.
headscale_config() { echo "$1/config.yaml"; }

# write_headscale_config DIR PORT [ISSUER SECRET_FILE]: write config.yaml and
# derp.yaml (unless present; an existing config gets its port updated). With
# ISSUER, the config's oidc: section is (re)written for that provider.
write_headscale_config() {
	local dir=$1 port=$2 issuer=${3:-} secret=${4:-} cfg
	cfg=$(headscale_config "$dir")
	if [[ ! -f $dir/derp.yaml ]]; then
		cat >"$dir/derp.yaml" <<'EOF'
# A dummy DERP region: Headscale refuses to start with an empty DERP map.
regions:
  900:
    regionid: 900
    regioncode: local
    regionname: Local
    nodes:
      - {name: 900a, regionid: 900, hostname: 127.0.0.1, ipv4: 127.0.0.1, stunport: -1}
EOF
	fi
	if [[ -f $cfg ]]; then
		sed -i -E \
			-e "s#^server_url: .*#server_url: http://127.0.0.1:$port#" \
			-e "s#^listen_addr: .*#listen_addr: 127.0.0.1:$port#" "$cfg"
	else
		write_headscale_base_config "$dir" "$port" >"$cfg"
	fi
	[[ -n $issuer ]] && write_headscale_oidc "$cfg" "$issuer" "$secret"
	return 0
}

# write_headscale_oidc CONFIG ISSUER SECRET_FILE: replace the oidc: section of
# a Headscale config with one for ISSUER (client headscale, PKCE with S256).
write_headscale_oidc() {
	local cfg=$1 issuer=$2 secret=$3
	# Drop the old section: from "oidc:" up to the next unindented line.
	awk '/^oidc:/ {skip = 1; next} skip && /^[^[:space:]]/ {skip = 0} !skip' "$cfg" >"$cfg.tmp"
	cat >>"$cfg.tmp" <<EOF
oidc:
  # The development OpenID provider (bin/devidp); rewritten on every run.
  only_start_if_oidc_is_available: true
  issuer: $issuer
  client_id: headscale
  client_secret_path: $secret
  scope: ["openid", "profile", "email"]
  pkce:
    enabled: true
    method: S256
EOF
	mv -f "$cfg.tmp" "$cfg"
}

# write_headscale_base_config DIR PORT: print a new Headscale config.
write_headscale_base_config() {
	local dir=$1 port=$2
	cat <<EOF
# Local Headscale for development (written by deploy/local/lib.sh).
server_url: http://127.0.0.1:$port
listen_addr: 127.0.0.1:$port
metrics_listen_addr: ""
grpc_listen_addr: 127.0.0.1:0
noise:
  private_key_path: $dir/noise_private.key
prefixes:
  v4: 100.64.0.0/10
  v6: fd7a:115c:a1e0::/48
derp:
  paths: [$dir/derp.yaml]
  auto_update_enabled: false
disable_check_updates: true
database:
  type: sqlite
  sqlite:
    path: $dir/db.sqlite
unix_socket: $dir/headscale.sock
policy:
  mode: database
dns:
  magic_dns: true
  base_domain: hs.test
  override_local_dns: false
log:
  level: info
EOF
}

# start_headscale DIR PORT [ISSUER SECRET_FILE]: start Headscale with its state
# in DIR, listening on 127.0.0.1:PORT; with ISSUER, signing in through that
# OpenID provider (start it first: Headscale waits for it). Sets HEADSCALE_PID,
# HEADSCALE_URL and HEADSCALE_CONFIG.
start_headscale() {
	local dir=$1 port=$2 issuer=${3:-} secret=${4:-} bin
	bin=$(headscale_bin)
	if [[ ! -x $bin ]]; then
		build_headscale "$HEADSCALE_VERSION"
		[[ -x $bin ]] || die "Headscale binary $bin not found"
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	require_free_port "$port" Headscale
	write_headscale_config "$dir" "$port" "$issuer" "$secret"
	HEADSCALE_CONFIG=$(headscale_config "$dir")
	HEADSCALE_URL=http://127.0.0.1:$port
	log "starting Headscale $HEADSCALE_VERSION on $HEADSCALE_URL (log: $dir/headscale.log)"
	setsid "$bin" -c "$HEADSCALE_CONFIG" serve >>"$dir/headscale.log" 2>&1 </dev/null &
	HEADSCALE_PID=$!
	echo "$HEADSCALE_PID" >"$dir/headscale.pid"
	wait_http "$HEADSCALE_URL/health" 30 "$dir/headscale.log" "$HEADSCALE_PID" ||
		die "Headscale did not become healthy"
}

# stop_headscale DIR: stop the Headscale started by start_headscale.
stop_headscale() {
	local dir=$1 pid=${HEADSCALE_PID:-}
	[[ -z $pid && -f $dir/headscale.pid ]] && pid=$(<"$dir/headscale.pid")
	stop_pid "$pid" Headscale
	rm -f "$dir/headscale.pid"
}

# headscale_new_api_key DIR EXPIRATION: create a Headscale API key with the CLI
# of the running Headscale of DIR and print it.
headscale_new_api_key() {
	local dir=$1 expiration=$2 key
	key=$("$(headscale_bin)" -c "$(headscale_config "$dir")" apikeys create --expiration "$expiration" 2>>"$dir/headscale.log" | tail -n 1) ||
		{
			show_log "$dir/headscale.log"
			die "could not create a Headscale API key"
		}
	[[ -n $key ]] || die "headscale apikeys create printed no key"
	echo "$key"
}

# headscale_api_key DIR: print the path of a file (DIR/headway-api-key, mode
# 600) holding a valid Headscale API key; creates the key when the file is
# missing or its key no longer works. Needs the running Headscale of DIR.
headscale_api_key() {
	local dir=$1 file url key status
	file=$dir/headway-api-key
	url=${HEADSCALE_URL:-http://$(sed -n 's/^listen_addr: //p' "$(headscale_config "$dir")")}
	if [[ -s $file ]]; then
		key=$(<"$file")
		status=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 \
			-H "Authorization: Bearer $key" "$url/api/v1/apikey" || true)
		if [[ $status == 200 ]]; then
			echo "$file"
			return 0
		fi
		log "the API key in $file is no longer accepted (HTTP $status); creating a new one"
	fi
	key=$(headscale_new_api_key "$dir" 90d) || exit 1
	(
		umask 077
		printf '%s\n' "$key" >"$file"
	)
	chmod 600 "$file"
	echo "$file"
}

# ---------------------------------------------------------------- development OpenID provider

# devidp_users: print the users: section of backend/cmd/devidp/example.yaml
# (alice, bob, carol, dave), so the stacks sign in the same demo people.
devidp_users() {
	awk '/^users:/ {on = 1; print; next} on && /^[^[:space:]]/ {exit} on' \
		"$HEADWAY_ROOT/backend/cmd/devidp/example.yaml"
}

# devidp_user_names CONFIG: print the subjects of CONFIG's users, space-separated.
devidp_user_names() {
	sed -n -E 's/^[[:space:]]*-[[:space:]]*sub:[[:space:]]*([^[:space:]#]+).*/\1/p' "$1" | paste -sd' ' -
}

# write_devidp_config FILE HEADWAY_PORT HEADSCALE_PORT HEADWAY_SECRET_FILE HEADSCALE_SECRET_FILE:
# write the provider's config (mode 600: it holds the client secrets) with the
# demo users and the clients headway and headscale on those loopback ports.
write_devidp_config() {
	local file=$1 hw_port=$2 hs_port=$3 hw_secret hs_secret
	hw_secret=$(<"$4")
	hs_secret=$(<"$5")
	(
		umask 077
		{
			printf '# Generated by deploy/local/%s; rewritten on every run.\n' "$(basename "$0")"
			printf '# Development only: anyone who reaches the provider can sign in as anyone.\n\n'
			devidp_users
			cat <<EOF

clients:
  - client_id: headway
    client_secret: $hw_secret
    redirect_uris:
      - http://127.0.0.1:$hw_port/admin/oidc/callback
    auth_method: client_secret_basic
    require_pkce: true
    post_logout_redirect_uris:
      - http://127.0.0.1:$hw_port/admin/login?signed_out=1
  - client_id: headscale
    client_secret: $hs_secret
    redirect_uris:
      - http://127.0.0.1:$hs_port/oidc/callback
    auth_method: client_secret_basic
    require_pkce: true
EOF
		} >"$file.tmp"
	)
	chmod 600 "$file.tmp"
	mv -f "$file.tmp" "$file"
}

# start_devidp CONFIG KEY_FILE PORT LOGFILE: start bin/devidp on 127.0.0.1:PORT
# with issuer http://127.0.0.1:PORT, signing with KEY_FILE (created once).
# Sets DEVIDP_PID and DEVIDP_ISSUER_URL; waits for the discovery document.
start_devidp() {
	local config=$1 key=$2 port=$3 logfile=$4
	[[ -x $DEVIDP_BIN ]] || die "$DEVIDP_BIN not found; build it first (make build)"
	require_free_port "$port" "the development OpenID provider (set DEVIDP_PORT)"
	DEVIDP_ISSUER_URL=http://127.0.0.1:$port
	log "starting the development OpenID provider on $DEVIDP_ISSUER_URL (log: $logfile)"
	setsid "$DEVIDP_BIN" --issuer "$DEVIDP_ISSUER_URL" --listen "127.0.0.1:$port" \
		--config "$config" --signing-key "$key" >>"$logfile" 2>&1 </dev/null &
	DEVIDP_PID=$!
	wait_http "$DEVIDP_ISSUER_URL/.well-known/openid-configuration" 30 "$logfile" "$DEVIDP_PID" ||
		die "the development OpenID provider did not start"
}

# ---------------------------------------------------------------- Headway

# ensure_secret_file FILE: create FILE (mode 600) with 32 random bytes as hex once.
ensure_secret_file() {
	local file=$1
	[[ -s $file ]] && return 0
	(
		umask 077
		random_hex 32 >"$file"
	)
	chmod 600 "$file"
}

# write_headway_config FILE PORT DB_URL HEADSCALE_URL COOKIE_SECRET_FILE API_KEY_FILE [HEADSCALE_CONFIG]
# With HEADSCALE_CONFIG, Headway shows and edits the DNS settings in that file.
write_headway_config() {
	local file=$1 port=$2 db=$3 hs=$4 cookie=$5 apikey=$6 hsconfig=${7:-}
	cat >"$file" <<EOF
# Generated by deploy/local/$(basename "$0"); rewritten on every run.
# Secrets are read from the *_path files; none sits in this file.
server:
  host: 127.0.0.1
  port: $port
  base_url: http://127.0.0.1:$port
  cookie_secret_path: $cookie
  cookie_secure: false
database:
  url: "$db"
headscale:
  url: $hs
  public_url: $hs
  api_key_path: $apikey
EOF
	if [[ -n $hsconfig ]]; then
		printf '  config_path: %s\n' "$hsconfig" >>"$file"
	fi
}

# append_headway_oidc FILE PORT ISSUER SECRET_FILE: add single sign-on through
# ISSUER (client headway, PKCE, sign-out at the provider too) to FILE.
append_headway_oidc() {
	local file=$1 port=$2 issuer=$3 secret=$4
	cat >>"$file" <<EOF
oidc:
  issuer: $issuer
  client_id: headway
  client_secret_path: $secret
  use_pkce: true
  use_end_session: true
  post_logout_redirect_uri: http://127.0.0.1:$port/admin/login?signed_out=1
EOF
}

# start_headway BIN CONFIG LOGFILE: start `headway serve`; sets HEADWAY_PID.
# Headway reads HEADWAY_SECTION__KEY variables as configuration; the other
# HEADWAY_* variables (these scripts' knobs) are kept from it.
start_headway() {
	local bin=$1 config=$2 logfile=$3 name
	local -a unset=()
	[[ -x $bin ]] || die "$bin not found; build it first (make build)"
	for name in $(compgen -e); do
		[[ $name == HEADWAY_* && $name != *__* ]] && unset+=(-u "$name")
	done
	setsid env "${unset[@]}" "$bin" serve --config "$config" >>"$logfile" 2>&1 </dev/null &
	HEADWAY_PID=$!
}
