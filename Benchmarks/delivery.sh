#!/usr/bin/env bash
# Delivery benchmark: how fast a release `smsrelay serve` drains a full outbox into aiosmtpd
# (Tests/TestSupport/smtp_server.py) with SMSRELAY_DELIVERY_CONCURRENCY=1 and =4, side by side
# in the same run, and how closely it holds SMSRELAY_SES_MAX_SEND_RATE draining into moto's SES.
#
#   Benchmarks/delivery.sh [messages] [ses messages] [ses rate] [smtp delay ms]   (default 2000, 200, 14, 0)
#
# With a delay, aiosmtpd waits that long before it answers each DATA, as a real mail server
# takes its time (queueing, scanning): on loopback, without it, a round trip costs nothing.
# The outbox is filled the way a relay fills it: callbacks POSTed to `smsrelay serve`, from 200
# senders in turn (so a claimed batch holds many conversations), while its SMTP server is a port
# nobody listens on and SMSRELAY_MAX_ATTEMPTS=1, so every message is dead after one refused
# connection. `smsrelay outbox retry --all-dead` then makes them all due at once, and a relay
# started on a copy of that outbox drains it. The drain time is the span of the outbox's own
# sentAt times, first to last; msgs/s is (messages - 1) / span.
#
# DELIVERY_BENCH_BIN_DIR=DIR uses an smsrelay already built in DIR instead of building it here.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-2000}"
ses_count="${2:-200}"
ses_rate="${3:-14}"
smtp_delay_ms="${4:-0}"
senders=200

python3 -c "import aiosmtpd, moto" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check -r Tests/requirements.txt
if [ -n "${DELIVERY_BENCH_BIN_DIR:-}" ]; then
    bin="$DELIVERY_BENCH_BIN_DIR"
else
    swift build -c release --product smsrelay >/dev/null
    bin="$(swift build -c release --show-bin-path)"
fi

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

token=benchmark-token-0123456789
helper() { python3 Benchmarks/delivery.py "$@"; }
relay_port="$(helper port)"
relay_url="http://127.0.0.1:$relay_port"
common=(SMSRELAY_LOG_LEVEL=warning SMSRELAY_WEBHOOK_TOKEN=$token SMSRELAY_MEDIA_FETCH=false
    SMSRELAY_MAIL_FROM=relay@example.org SMSRELAY_MAIL_TO=me@example.com)

# serve DATA_DIR LOG VARIABLE=VALUE…: a relay in the background; its pid in $relay.
serve() {
    local data="$1" log="$2"
    shift 2
    env "${common[@]}" SMSRELAY_DATA_DIR="$data" "$@" \
        "$bin/smsrelay" serve --host 127.0.0.1 --port "$relay_port" >"$log" 2>&1 &
    relay=$!
    pids+=("$relay")
}

stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

# seed DATA_DIR COUNT: an outbox of COUNT messages, all due now.
seed() {
    local dead_port
    dead_port="$(helper port)"
    serve "$1" "$work/seed.log" SMSRELAY_TRANSPORT=smtp SMSRELAY_SMTP_URL="smtp://127.0.0.1:$dead_port?tls=none" \
        SMSRELAY_MAX_ATTEMPTS=1
    helper wait "$relay_url" dead 0 30
    helper post "$relay_url/flowroute/$token" "$2" "$senders"
    helper wait "$relay_url" dead "$2" 300
    stop "$relay"
    "$bin/smsrelay" outbox retry --all-dead --data-dir "$1" >/dev/null
}

# drain LABEL DATA_DIR COUNT VARIABLE=VALUE…: starts a relay on the outbox, waits until all is sent.
drain() {
    local label="$1" data="$2" n="$3"
    shift 3
    local start end
    start=$(date +%s.%N)
    serve "$data" "$work/$(tr -c 'a-z0-9\n' '-' <<<"$label").log" "$@"
    helper wait "$relay_url" sent "$n" 900
    end=$(date +%s.%N)
    stop "$relay"
    read -r sent span < <(helper span "$data/outbox.sqlite")
    last_rate=$(awk -v n="$sent" -v s="$span" 'BEGIN { printf "%.2f", (n - 1) / s }')
    awk -v label="$label" -v n="$sent" -v s="$span" -v r="$last_rate" -v wall="$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
        'BEGIN { printf "%-30s %5d sent in %7.2f s (first to last sentAt): %7.2f msgs/s; start to all sent %.2f s\n", label, n, s, r, wall }'
}

echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $bin/smsrelay, $count messages from $senders senders"

# SMTP: concurrency 1 against 4, the same outbox.
seed "$work/seed" "$count"
cp -a "$work/seed" "$work/c1"
cp -a "$work/seed" "$work/c4"
smtp_port="$(helper port)"
: >"$work/smtp.out"
python3 Tests/TestSupport/smtp_server.py --port "$smtp_port" --quiet \
    --data-delay "$(awk -v ms="$smtp_delay_ms" 'BEGIN { print ms / 1000 }')" --output "$work/events.jsonl" >"$work/smtp.out" 2>"$work/smtp.err" &
pids+=($!)
for _ in $(seq 200); do grep -q '^READY' "$work/smtp.out" && break; sleep 0.05; done
echo "aiosmtpd $(python3 -c 'import aiosmtpd; print(aiosmtpd.__version__)') on 127.0.0.1:$smtp_port, answering DATA after ${smtp_delay_ms} ms"
smtp=(SMSRELAY_TRANSPORT=smtp SMSRELAY_SMTP_URL="smtp://127.0.0.1:$smtp_port?tls=none")
drain "smtp, concurrency 1" "$work/c1" "$count" "${smtp[@]}" SMSRELAY_DELIVERY_CONCURRENCY=1
one=$last_rate
drain "smtp, concurrency 4" "$work/c4" "$count" "${smtp[@]}" SMSRELAY_DELIVERY_CONCURRENCY=4
four=$last_rate
awk -v a="$four" -v b="$one" 'BEGIN { printf "ratio concurrency 4 / concurrency 1: %.2fx\n", a / b }'
echo "aiosmtpd received $(grep -c '"event": "message"' "$work/events.jsonl") messages over $(grep -c '"event": "connect"' "$work/events.jsonl") connections"

# SES: moto, paced at the configured rate.
moto_port="$(helper port)"
INITIAL_NO_AUTH_ACTION_COUNT=7 moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
pids+=($!)
moto="http://127.0.0.1:$moto_port"
keys="$(python3 Tests/TestSupport/moto_setup.py "$moto" relay@example.org 7)"
key() { python3 -c "import json, sys; print(json.loads(sys.argv[1])['$1'])" "$keys"; }
seed "$work/ses" "$ses_count"
drain "ses at most $ses_rate/s, conc. 4" "$work/ses" "$ses_count" SMSRELAY_TRANSPORT=ses SMSRELAY_SES_ENDPOINT="$moto" \
    SMSRELAY_SES_REGION=us-east-1 AWS_ACCESS_KEY_ID="$(key accessKeyID)" AWS_SECRET_ACCESS_KEY="$(key secretAccessKey)" \
    AWS_EC2_METADATA_DISABLED=true SMSRELAY_SES_MAX_SEND_RATE="$ses_rate" SMSRELAY_DELIVERY_CONCURRENCY=4
stored=$(python3 -c "import json, sys, urllib.request; print(len(json.load(urllib.request.urlopen(sys.argv[1] + '/moto-api/data.json'))['ses']['RawMessage']))" "$moto")
awk -v a="$last_rate" -v r="$ses_rate" -v m="$stored" \
    'BEGIN { printf "moto stored %d messages; achieved %.2f msgs/s against a limit of %s: %+.1f %%\n", m, a, r, (a - r) / r * 100 }'
