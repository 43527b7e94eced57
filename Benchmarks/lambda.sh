#!/usr/bin/env bash
# Lambda benchmark on AWS's Runtime Interface Emulator: cold start (emulator receives the first
# invocation → bootstrap starts, initialises and answers), warm invocation latency, and the
# bootstrap's peak RSS, for the packaged smsrelay `bootstrap` and, in the same run, a minimal
# bash custom runtime as the baseline. The relay delivers the seed's console event into a maildir
# under /tmp, so the figures are the runtime's and the relay's own, not a mail server's.
#
#   Benchmarks/lambda.sh [warm invocations]      (default 200; needs .build/lambda/bootstrap and .build/rie)
set -euo pipefail
cd "$(dirname "$0")/.."
warm="${1:-200}"
rie=.build/rie/aws-lambda-rie
[ -x "$rie" ] && [ -x .build/lambda/bootstrap ] || { echo "run ./scripts/test.sh (or scripts/package-lambda.sh) first" >&2; exit 1; }
event=Tests/SMSRelayCoreTests/Fixtures/apigateway-console-test-event.json
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

measure() {  # name bootstrap port
    local name=$1 bootstrap=$2 port=$3
    env -i PATH="$PATH" HOME="$HOME" SMSRELAY_TRANSPORT=maildir SMSRELAY_MAILDIR="$work/mail-$name" SMSRELAY_LOG_LEVEL=warning \
        "$rie" --runtime-interface-emulator-address "127.0.0.1:$port" --runtime-api-address "127.0.0.1:$((port + 1))" \
        "$bootstrap" >"$work/$name.log" 2>&1 &
    local rie_pid=$!
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
    local url="http://127.0.0.1:$port/2015-03-31/functions/function/invocations"
    local cold
    cold=$(curl -s -o "$work/$name.first" -w '%{time_total}' -X POST "$url" --data-binary @"$event")
    grep -q '"statusCode":200' "$work/$name.first" || { echo "$name: first invocation failed: $(cat "$work/$name.first")" >&2; exit 1; }
    : >"$work/$name.warm"
    for _ in $(seq "$warm"); do
        curl -s -o /dev/null -w '%{time_total}\n' -X POST "$url" --data-binary @"$event" >>"$work/$name.warm"
    done
    local rss=0 pid
    for pid in $(pgrep -P "$rie_pid"); do
        rss=$(( $(awk '/VmHWM/ {print $2}' "/proc/$pid/status") + rss ))
    done
    kill "$rie_pid"; wait "$rie_pid" 2>/dev/null || true
    python3 - "$name" "$cold" "$rss" "$work/$name.warm" <<'PY'
import statistics, sys
name, cold, rss, path = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
warm = sorted(float(x) for x in open(path))
p = lambda q: warm[min(len(warm) - 1, int(q * len(warm)))]
print(f"RESULT {name} cold_ms={cold*1000:.1f} warm_p50_ms={p(0.5)*1000:.2f} warm_p99_ms={p(0.99)*1000:.2f} peak_rss_kib={rss}")
PY
}

echo "$warm warm invocations each, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
base=$(measure baseline "$PWD/Benchmarks/baseline-bootstrap.sh" 19310)
relay=$(measure smsrelay "$PWD/.build/lambda/bootstrap" 19320)
echo "$base"
echo "$relay"
python3 - "$base" "$relay" <<'PY'
import sys
def parse(line): return {k: float(v) for k, v in (f.split("=") for f in line.split()[2:])}
b, r = parse(sys.argv[1]), parse(sys.argv[2])
print("ratio smsrelay/baseline: " + ", ".join(f"{k} {r[k]/b[k]:.2f}x" for k in b))
PY
