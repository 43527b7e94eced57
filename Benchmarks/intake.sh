#!/usr/bin/env bash
# Intake benchmark: requests/s and p50/p99 latency of the durable accept path
# (POST /flowroute/<token> → parse → committed SQLite INSERT → 200), side by side with a bare
# Hummingbird route that answers 200 (the baseline), in the same run: under wrk at 64 connections
# (concurrent callbacks share group commits) and at 1 connection (each callback its own commit).
#
#   Benchmarks/intake.sh [seconds]      (default 15 per target and concurrency)
#   SMSRELAY_BIN=path/to/release/smsrelay Benchmarks/intake.sh 15   (no build; smsrelay-baseline beside it)
#
# With SMSRELAY_BEFORE_BIN set to a release `smsrelay` built from an earlier commit, that build
# is measured in the same run too (e.g. to compare a change against the code before it):
#   git worktree add /tmp/before <commit> && (cd /tmp/before && swift build -c release --product smsrelay)
#   SMSRELAY_BEFORE_BIN=/tmp/before/.build/release/smsrelay Benchmarks/intake.sh 15
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
# SMSRELAY_BIN: a release `smsrelay` built already, with `smsrelay-baseline` beside it.
if [ -n "${SMSRELAY_BIN:-}" ]; then
    bin="$(dirname "$SMSRELAY_BIN")"
else
    swift build -c release --product smsrelay 2>/dev/null >/dev/null
    swift build -c release --product smsrelay-baseline 2>/dev/null >/dev/null
    bin="$(swift build -c release --show-bin-path)"
fi

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

token=benchmark-token-0123456789
relay() { # binary, port, data folder
    SMSRELAY_LOG_LEVEL=warning SMSRELAY_WEBHOOK_TOKEN=$token SMSRELAY_DATA_DIR="$3" \
        "$1" serve --host 127.0.0.1 --port "$2" >"$3.out" 2>&1 &
    pids+=($!)
}
wait_for() { for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return; sleep 0.1; done; }
PORT=18081 "$bin/smsrelay-baseline" >"$work/baseline.out" 2>&1 &
pids+=($!)
wait_for 18081

run() { # url, connections
    local threads=2
    [ "$2" -eq 1 ] && threads=1
    wrk -t"$threads" -c"$2" -d"${duration}s" --latency -s Benchmarks/intake.lua "$1" | grep '^RESULT'
}
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }
ratio() { # label, numerator result, denominator result
    awk -v r="$(field rps "$2")" -v b="$(field rps "$3")" \
        -v rp50="$(field p50_ms "$2")" -v bp50="$(field p50_ms "$3")" \
        -v rp99="$(field p99_ms "$2")" -v bp99="$(field p99_ms "$3")" -v label="$1" \
        'BEGIN { printf "ratio %s: throughput %.3f, p50 latency %.2fx, p99 latency %.2fx\n", label, r/b, rp50/bp50, rp99/bp99 }'
}

echo "wrk ${duration}s per run, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
# Each relay measured starts fresh (an empty outbox) and is stopped after its run, so that the
# backlog its worker still drains weighs on no other measurement.
measure() { # binary, data folder, connections → wrk's RESULT line
    relay "$1" 18080 "$2"
    local pid=${pids[-1]}
    wait_for 18080
    run "http://127.0.0.1:18080/flowroute/$token" "$3"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}
for connections in 64 1; do
    baseline=$(run "http://127.0.0.1:18081/flowroute/$token" "$connections")
    current=$(measure "${SMSRELAY_BIN:-$bin/smsrelay}" "$work/current-$connections" "$connections")
    echo "-- $connections connection(s)"
    echo "baseline (bare Hummingbird route): $baseline"
    echo "smsrelay (durable accept path):    $current"
    ratio "smsrelay/baseline" "$current" "$baseline"
    if [ -n "${SMSRELAY_BEFORE_BIN:-}" ]; then
        before=$(measure "$SMSRELAY_BEFORE_BIN" "$work/before-$connections" "$connections")
        echo "smsrelay before (SMSRELAY_BEFORE_BIN): $before"
        ratio "smsrelay/before" "$current" "$before"
    fi
done
