#!/usr/bin/env bash
# SMTP transport benchmark: messages/s handed to an SMTP server over one reused connection, and
# with one connection per message, in the same run. The server is aiosmtpd (Tests/TestSupport/
# smtp_server.py) on 127.0.0.1, plain text, advertising PIPELINING; both figures include its
# cost, so the ratio matters more than the absolute numbers.
#
#   Benchmarks/smtp.sh [messages]      (default 500 each way)
#
# SMTP_BENCH_BIN_DIR=DIR uses an smtp-bench already built in DIR instead of building it here.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-500}"

python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check -r Tests/requirements.txt
if [ -n "${SMTP_BENCH_BIN_DIR:-}" ]; then
    bin="$SMTP_BENCH_BIN_DIR"
else
    swift build -c release --product smtp-bench >/dev/null
    bin="$(swift build -c release --show-bin-path)"
fi

work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

python3 Tests/TestSupport/smtp_server.py --port 0 --pipelining --quiet \
    --output "$work/events.jsonl" >"$work/server.out" 2>"$work/server.err" &
server=$!
port=""
for _ in $(seq 200); do
    port="$(sed -n 's/^READY \([0-9]*\)$/\1/p' "$work/server.out")"
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "smtp_server.py did not start:"; cat "$work/server.err"; exit 1; }

echo "$(date -u +%Y-%m-%dT%H:%MZ), aiosmtpd $(python3 -c 'import aiosmtpd; print(aiosmtpd.__version__)') on 127.0.0.1:$port"
"$bin/smtp-bench" --port "$port" --count "$count"
messages=$(grep -c '"event": "message"' "$work/events.jsonl" || true)
connections=$(grep -c '"event": "connect"' "$work/events.jsonl" || true)
echo "server received $messages messages over $connections connections"
