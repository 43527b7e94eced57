#!/usr/bin/env bash
# Lambda benchmark on AWS's Runtime Interface Emulator: cold start (emulator receives the first
# invocation → bootstrap starts, initialises and answers), warm invocation latency, and the
# bootstrap's peak RSS, for the packaged smsrelay `bootstrap` and, in the same run, a Python port
# of the same function (Benchmarks/PythonLambda/bootstrap: the event parsed, the email built with
# Python's email package and delivered the same way) and a minimal bash custom runtime as the
# floor. Each delivers the seed's console event:
#   - maildir: into a maildir under /tmp, so the figures are the runtimes' own, no mail server's;
#   - ses: through SES SendEmail to a moto server on loopback (the relay's SES transport against
#     boto3's sesv2 client), when moto is installed (Tests/requirements.txt).
#
#   Benchmarks/lambda.sh [warm invocations]      (default 200; needs .build/lambda/bootstrap and .build/rie)
set -euo pipefail
cd "$(dirname "$0")/.."
warm="${1:-200}"
rie=.build/rie/aws-lambda-rie
[ -x "$rie" ] && [ -x .build/lambda/bootstrap ] || { echo "run ./scripts/test.sh (or scripts/package-lambda.sh) first" >&2; exit 1; }
event=Tests/SMSRelayCoreTests/Fixtures/apigateway-console-test-event.json
sender=sms@example.com
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

measure() {  # name bootstrap port [VAR=value …]
    local name=$1 bootstrap=$2 port=$3
    shift 3
    env -i PATH="$PATH" HOME="$HOME" SMSRELAY_TRANSPORT=maildir SMSRELAY_MAILDIR="$work/mail-$name" SMSRELAY_LOG_LEVEL=warning \
        SMSRELAY_MAIL_FROM="$sender" SMSRELAY_MAIL_TO=me@example.com "$@" \
        "$rie" --runtime-interface-emulator-address "127.0.0.1:$port" --runtime-api-address "127.0.0.1:$((port + 1))" \
        "$bootstrap" >"$work/$name.log" 2>&1 &
    local rie_pid=$!
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
    local url="http://127.0.0.1:$port/2015-03-31/functions/function/invocations"
    local cold
    cold=$(curl -s -o "$work/$name.first" -w '%{time_total}' -X POST "$url" --data-binary @"$event")
    grep -q '"statusCode":200\|"statusCode": 200' "$work/$name.first" || {
        echo "$name: first invocation failed: $(cat "$work/$name.first"); log: $(tail -5 "$work/$name.log")" >&2
        exit 1
    }
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

ratio() {  # label numerator-line denominator-line
    python3 - "$@" <<'PY'
import sys
def parse(line): return {k: float(v) for k, v in (f.split("=") for f in line.split()[2:])}
label, a, b = sys.argv[1], parse(sys.argv[2]), parse(sys.argv[3])
print(f"ratio {label}: " + ", ".join(f"{k} {a[k]/b[k]:.2f}x" for k in a))
PY
}

echo "$warm warm invocations each, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "bootstrap $(stat -c %s .build/lambda/bootstrap) bytes$( [ -f .build/lambda/smsrelay-lambda.zip ] && echo ", zip $(stat -c %s .build/lambda/smsrelay-lambda.zip) bytes")"
base=$(measure baseline "$PWD/Benchmarks/baseline-bootstrap.sh" 19310)
relay=$(measure smsrelay "$PWD/.build/lambda/bootstrap" 19320)
python=$(measure python "$PWD/Benchmarks/PythonLambda/bootstrap" 19330)
echo "$base"; echo "$relay"; echo "$python"
ratio "smsrelay/baseline (maildir)" "$relay" "$base"
ratio "smsrelay/python (maildir)" "$relay" "$python"

if python3 -c 'import boto3, moto.server' 2>/dev/null; then
    moto_port=19340
    python3 -m moto.server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
    endpoint="http://127.0.0.1:$moto_port"
    aws=(AWS_ACCESS_KEY_ID=AKIABENCHMARK AWS_SECRET_ACCESS_KEY=benchmark AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1)
    env "${aws[@]}" python3 - "$endpoint" "$sender" <<'PY'
import sys, time, urllib.request, boto3
endpoint, sender = sys.argv[1], sys.argv[2]
for _ in range(200):
    try:
        urllib.request.urlopen(endpoint + "/moto-api/data.json", timeout=1); break
    except OSError:
        time.sleep(0.1)
boto3.client("sesv2", endpoint_url=endpoint).create_email_identity(EmailIdentity=sender)
PY
    relay_ses=$(measure smsrelay-ses "$PWD/.build/lambda/bootstrap" 19350 "${aws[@]}" SMSRELAY_TRANSPORT=ses SMSRELAY_SES_ENDPOINT="$endpoint")
    python_ses=$(measure python-ses "$PWD/Benchmarks/PythonLambda/bootstrap" 19360 "${aws[@]}" SMSRELAY_TRANSPORT=ses SMSRELAY_SES_ENDPOINT="$endpoint")
    echo "$relay_ses"; echo "$python_ses"
    ratio "smsrelay/python (ses, moto)" "$relay_ses" "$python_ses"
else
    echo "moto is not installed: the SES comparison is skipped (pip install -r Tests/requirements.txt)"
fi
