#!/usr/bin/env bash
# Intake benchmark: requests/s and p50/p99 latency of the durable accept path
# (POST /flowroute/<token> → parse → committed SQLite INSERT → 200) under wrk at 64 connections,
# side by side with a bare Hummingbird route that answers 200 (the baseline), in the same run.
#
#   Benchmarks/intake.sh [seconds]      (default 15 per target)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
connections=64
threads=2

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product smsrelay 2>/dev/null >/dev/null
swift build -c release --product smsrelay-baseline 2>/dev/null >/dev/null
bin="$(swift build -c release --show-bin-path)"

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

token=benchmark-token-0123456789
SMSRELAY_LOG_LEVEL=warning SMSRELAY_WEBHOOK_TOKEN=$token SMSRELAY_DATA_DIR="$work/data" \
    "$bin/smsrelay" serve --host 127.0.0.1 --port 18080 >"$work/relay.out" 2>&1 &
pids+=($!)
PORT=18081 "$bin/smsrelay-baseline" >"$work/baseline.out" 2>&1 &
pids+=($!)
for port in 18080 18081; do
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
done

run() {
    wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s Benchmarks/intake.lua "$1" | grep '^RESULT'
}
echo "wrk -t$threads -c$connections -d${duration}s, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
baseline=$(run "http://127.0.0.1:18081/flowroute/$token")
relay=$(run "http://127.0.0.1:18080/flowroute/$token")
echo "baseline (bare Hummingbird route): $baseline"
echo "smsrelay (durable accept path):    $relay"
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }
awk -v r="$(field rps "$relay")" -v b="$(field rps "$baseline")" \
    -v rp50="$(field p50_ms "$relay")" -v bp50="$(field p50_ms "$baseline")" \
    -v rp99="$(field p99_ms "$relay")" -v bp99="$(field p99_ms "$baseline")" \
    'BEGIN { printf "ratio smsrelay/baseline: throughput %.3f, p50 latency %.2fx, p99 latency %.2fx\n", r/b, rp50/bp50, rp99/bp99 }'
stored=$(curl -s http://127.0.0.1:18080/healthz)
echo "relay outbox after the run: $stored"
