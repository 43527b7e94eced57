#!/usr/bin/env bash
# Durable accepts per second with the outbox in PostgreSQL, side by side with SQLite in the same
# run: two `smsrelay serve` (release build), one on a private PostgreSQL cluster on loopback
# (Tests/TestSupport/postgres_cluster.py: initdb into a temporary folder, TLS, fsync on), one on
# its SQLite file (WAL, synchronous=FULL); wrk posts distinct Flowroute bodies to each in turn.
#
#   Benchmarks/outbox-postgres.sh [seconds] [connections]     (default 15 s per target, 64)
#   SMSRELAY_BIN=path/to/smsrelay Benchmarks/outbox-postgres.sh   (a release binary built already)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
connections="${2:-64}"
threads=2

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ -n "${SMSRELAY_BIN:-}" ]; then
    bin="$(cd "$(dirname "$SMSRELAY_BIN")" && pwd)"
else
    swift build -c release --product smsrelay 2>/dev/null >/dev/null
    bin="$(swift build -c release --show-bin-path)"
fi

work="$(mktemp -d)"
chmod 755 "$work"  # the cluster runs as the postgres user when we are root
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

password=benchmark-password
mkdir -p "$work/cluster"
python3 Tests/TestSupport/postgres_cluster.py "$work/cluster" "$password" >"$work/cluster.out" 2>&1 &
pids+=($!)
for _ in $(seq 600); do grep -q READY "$work/cluster.out" && break; sleep 0.1; done
pgport=$(awk '/READY/ {print $2}' "$work/cluster.out")
[ -n "$pgport" ] || { cat "$work/cluster.out"; exit 1; }
database_url="postgres://smsrelay:$password@127.0.0.1:$pgport/postgres?sslmode=require"

token=benchmark-token-0123456789
common=(SMSRELAY_LOG_LEVEL=warning SMSRELAY_WEBHOOK_TOKEN=$token)
env "${common[@]}" SMSRELAY_DATA_DIR="$work/sqlite" \
    "$bin/smsrelay" serve --host 127.0.0.1 --port 18090 >"$work/sqlite.out" 2>&1 &
pids+=($!)
env "${common[@]}" SMSRELAY_DATA_DIR="$work/postgres" SMSRELAY_DATABASE_URL="$database_url" \
    "$bin/smsrelay" serve --host 127.0.0.1 --port 18091 >"$work/postgres.out" 2>&1 &
pids+=($!)
for port in 18090 18091; do
    for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
done

run() {
    wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s Benchmarks/intake.lua "$1" | grep '^RESULT'
}
echo "wrk -t$threads -c$connections -d${duration}s, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), PostgreSQL $(psql --version | awk '{print $3}') on loopback (TLS)"
sqlite=$(run "http://127.0.0.1:18090/flowroute/$token")
postgres=$(run "http://127.0.0.1:18091/flowroute/$token")
echo "SQLite outbox (baseline): $sqlite"
echo "PostgreSQL outbox:        $postgres"
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }
awk -v r="$(field rps "$postgres")" -v b="$(field rps "$sqlite")" \
    -v rp50="$(field p50_ms "$postgres")" -v bp50="$(field p50_ms "$sqlite")" \
    -v rp99="$(field p99_ms "$postgres")" -v bp99="$(field p99_ms "$sqlite")" \
    'BEGIN { printf "ratio PostgreSQL/SQLite: throughput %.3f, p50 latency %.2fx, p99 latency %.2fx\n", r/b, rp50/bp50, rp99/bp99 }'
echo "SQLite relay after the run:     $(curl -s http://127.0.0.1:18090/healthz)"
echo "PostgreSQL relay after the run: $(curl -s http://127.0.0.1:18091/healthz)"
