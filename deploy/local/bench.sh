#!/usr/bin/env bash
# End-to-end benchmarks of bin/headway against throwaway stacks (make bench).
# For each tailnet size: a private database (headway_bench_<random>, dropped
# at the end), Headscale in a temporary directory on a free loopback port,
# seeded with that many nodes over a tenth as many users, and bin/headway
# serving it. backend/cmd/headway-bench then drives HTTP load (signed in with
# a session cookie, as a browser is), samples Headway's memory and times its
# start. Results: a markdown table per size on stdout, and the raw JSON, the
# tables and the logs under bench/results/<timestamp>/ (ignored by git).
#
# Fails only when the harness itself fails; performance targets are printed
# for reading, never asserted.
#
# Environment knobs:
#   BENCH_SIZES        node counts (default "200 2000 10000")
#   BENCH_DURATION     load per scenario (default 20s)
#   BENCH_CONNECTIONS  concurrent connections (default 20)
#   BENCH_STARTS       timed starts per size (default 5)
#   BENCH_RESULTS      results directory (default bench/results/<UTC timestamp>);
#                      a go-bench.txt found there (make bench writes the Go
#                      micro-benchmarks' output to it) joins results.md
#   HEADWAY_BIN        the headway binary (default bin/headway)
#   HEADWAY_KEEP_BENCH=1  keep the temporary directory (for debugging)
#   HEADWAY_PRIVATE_PG=1, HEADWAY_PG_PORT, HEADSCALE_BIN: see deploy/local/lib.sh
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HEADWAY_BIN=${HEADWAY_BIN:-$HEADWAY_ROOT/bin/headway}
BENCH_SIZES=${BENCH_SIZES:-200 2000 10000}
BENCH_DURATION=${BENCH_DURATION:-20s}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-20}
BENCH_STARTS=${BENCH_STARTS:-5}
BENCH_RESULTS=${BENCH_RESULTS:-$HEADWAY_ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
TMP=""
DB=""
HS_DIR=""
HW_LOG=""
started_headscale=0
pg_started_here=0

# shellcheck disable=SC2317 # called from a trap
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_stack
	if ((rc != 0)) && [[ -n $TMP ]]; then
		[[ -n $HS_DIR ]] && show_log "$HS_DIR/headscale.log" 30
		[[ -n $HW_LOG ]] && show_log "$HW_LOG" 40
	fi
	((pg_started_here)) && pg_private_stop
	if [[ -n $TMP ]]; then
		if [[ ${HEADWAY_KEEP_BENCH:-0} == 1 ]]; then
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

# stop_stack: stop the Headway and Headscale of the current size, drop its database.
stop_stack() {
	local pid
	if [[ -n $TMP && -s $TMP/headway.pid ]]; then
		pid=$(<"$TMP/headway.pid")
		# headway-bench stops the Headway it starts; this is for when it was killed.
		kill -0 "$pid" 2>/dev/null && stop_pid "$pid" Headway
		rm -f "$TMP/headway.pid"
	fi
	if ((started_headscale)); then
		stop_headscale "$HS_DIR"
		started_headscale=0
	fi
	if [[ -n $DB ]]; then
		log "dropping database $DB"
		pg_drop_database "$HEADWAY_PG_ADMIN_URL" "$DB" || warn "could not drop database $DB"
		DB=""
	fi
}

check_prerequisites() {
	[[ -x $HEADWAY_BIN ]] || die "$HEADWAY_BIN not found; run \`make build\` first"
	command -v curl >/dev/null 2>&1 || die "curl is required"
	command -v jq >/dev/null 2>&1 || die "jq is required (apt-get install jq)"
	command -v sqlite3 >/dev/null 2>&1 || die "sqlite3 is required (apt-get install sqlite3)"
	local n
	for n in $BENCH_SIZES; do
		if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 2 || n > 100000)); then
			die "BENCH_SIZES: $n is not a node count between 2 and 100000"
		fi
	done
}

# hs_api METHOD PATH [JSON]: call Headscale's REST API with the bench key.
hs_api() {
	local method=$1 path=$2 body=${3:-}
	curl -fsS --max-time 30 -X "$method" -H "Authorization: Bearer $HS_KEY" \
		${body:+-H 'Content-Type: application/json' -d "$body"} "$HEADSCALE_URL$path"
}

# seed_headscale NODES USERS: a few users and nodes through the API (so their
# rows have the shape Headscale writes), then clones of them in its sqlite
# database while it is stopped, then Headscale again, checked to list NODES.
seed_headscale() {
	local nodes=$1 users=$2 i auth got
	for i in 1 2; do
		hs_api POST /api/v1/user "{\"name\":\"bench-user-0000$i\"}" >/dev/null
	done
	for i in 1 2; do
		auth=hskey-authreq-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
		hs_api POST /api/v1/debug/node "{\"user\":\"bench-user-0000$i\",\"key\":\"$auth\",\"name\":\"template-$i\"}" >/dev/null
		hs_api POST /api/v1/auth/register "{\"user\":\"bench-user-0000$i\",\"authId\":\"$auth\"}" >/dev/null
	done
	stop_headscale "$HS_DIR"
	started_headscale=0
	"$BENCH_TOOL" seed --db "$HS_DIR/db.sqlite" --nodes "$nodes" --users "$users"
	restart_headscale
	got=$(hs_api GET /api/v1/node | jq '.nodes | length')
	[[ $got == "$nodes" ]] || die "Headscale lists $got nodes after seeding, want $nodes"
	got=$(hs_api GET /api/v1/user | jq '.users | length')
	[[ $got == "$users" ]] || die "Headscale lists $got users after seeding, want $users"
}

# restart_headscale: start the Headscale of HS_DIR again, as start_headscale
# does but waiting longer: at start Headscale builds its peer map over every
# pair of nodes, about 30 s for 10,000 nodes on two cores.
restart_headscale() {
	local t0=$EPOCHREALTIME
	log "starting Headscale $HEADSCALE_VERSION again on $HEADSCALE_URL"
	require_free_port "$HS_PORT" Headscale
	setsid "$(headscale_bin)" -c "$HEADSCALE_CONFIG" serve >>"$HS_DIR/headscale.log" 2>&1 </dev/null &
	HEADSCALE_PID=$!
	echo "$HEADSCALE_PID" >"$HS_DIR/headscale.pid"
	started_headscale=1
	wait_http "$HEADSCALE_URL/health" 180 "$HS_DIR/headscale.log" "$HEADSCALE_PID" ||
		die "Headscale did not become healthy after seeding"
	log "Headscale answered after $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s"
}

# bench_size NODES: one throwaway stack, seeded and measured.
bench_size() {
	local nodes=$1 users port t0 seed_seconds
	users=$((nodes / 10))
	((users >= 2)) || users=2
	log "---- $nodes nodes, $users users"
	DB=headway_bench_$(random_hex 4)
	pg_ensure_database "$HEADWAY_PG_ADMIN_URL" "$DB"
	HEADWAY_PG_URL="${HEADWAY_PG_ADMIN_URL%/postgres\?*}/$DB?sslmode=disable"

	HS_DIR=$TMP/headscale-$nodes
	HS_PORT=$(free_port)
	port=$(free_port $((HS_PORT + 1)))
	t0=$EPOCHREALTIME
	start_headscale "$HS_DIR" "$HS_PORT"
	started_headscale=1
	HS_KEY_FILE=$(headscale_api_key "$HS_DIR")
	HS_KEY=$(<"$HS_KEY_FILE")
	seed_headscale "$nodes" "$users"
	seed_seconds=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	log "Headscale holds $nodes nodes and $users users (seeded in ${seed_seconds}s)"

	HW_LOG=$TMP/headway-$nodes.log
	ensure_secret_file "$TMP/cookie-secret"
	write_headway_config "$TMP/headway-$nodes.yaml" "$port" "$HEADWAY_PG_URL" \
		"$HEADSCALE_URL" "$TMP/cookie-secret" "$HS_KEY_FILE"
	"$BENCH_TOOL" measure --headway "$HEADWAY_BIN" --config "$TMP/headway-$nodes.yaml" \
		--url "http://127.0.0.1:$port" --headscale-url "$HEADSCALE_URL" --api-key-file "$HS_KEY_FILE" \
		--nodes "$nodes" --users "$users" --connections "$BENCH_CONNECTIONS" --duration "$BENCH_DURATION" \
		--starts "$BENCH_STARTS" --seed-seconds "$seed_seconds" --log "$HW_LOG" \
		--pid-file "$TMP/headway.pid" --out "$BENCH_RESULTS/size-$nodes.json"
	cp "$HW_LOG" "$BENCH_RESULTS/headway-$nodes.log"
	cp "$HS_DIR/headscale.log" "$BENCH_RESULTS/headscale-$nodes.log"
	stop_stack
}

main() {
	trap cleanup EXIT
	trap on_signal INT TERM
	check_prerequisites
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/headway-bench.XXXXXX")
	mkdir -p "$BENCH_RESULTS"
	BENCH_TOOL=$TMP/headway-bench
	(cd "$HEADWAY_ROOT" && go build -o "$BENCH_TOOL" ./backend/cmd/headway-bench)
	build_headscale "$HEADSCALE_VERSION"

	# Any database name works for ensure_postgres; each size gets its own below.
	ensure_postgres postgres
	pg_started_here=$HEADWAY_PG_STARTED

	local n
	for n in $BENCH_SIZES; do
		bench_size "$n"
	done

	{
		printf '## Headway benchmarks, %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
		printf 'Headway %s, Headscale %s, %s.\n\n' "$("$HEADWAY_BIN" version | awk '{print $2}')" \
			"$HEADSCALE_VERSION" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
		"$BENCH_TOOL" report --dir "$BENCH_RESULTS"
		if [[ -s $BENCH_RESULTS/go-bench.txt ]]; then
			printf '### Go micro-benchmarks\n\n```\n'
			grep -E '^(Benchmark|pkg:|cpu:)' "$BENCH_RESULTS/go-bench.txt" || true
			printf '```\n'
		fi
	} >"$BENCH_RESULTS/results.md"
	cat "$BENCH_RESULTS/results.md"
	log "results in ${BENCH_RESULTS#"$HEADWAY_ROOT"/}"
}

main "$@"
