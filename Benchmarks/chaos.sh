#!/usr/bin/env bash
# Chaos benchmark: the real relay killed with SIGKILL and restarted every few seconds while 16
# senders post Flowroute v1 callbacks with distinct ids and retry them as Flowroute does (up to 4
# retries on no answer or any non-200; 1 s apart here instead of 30 s). After the last of 10
# kill/restart cycles the relay runs until its outbox has nothing pending (or a deadline), then
# gets SIGTERM. For each transport — maildir, and SMTP into aiosmtpd (Tests/TestSupport/
# smtp_server.py) — it prints answered 200, stored, delivered, lost (answered 200, never
# delivered) and duplicated (delivered more than once, and whether the copies share the
# Message-ID), and the ids the carrier gave up on (never answered 200 after every retry).
# The driver is Benchmarks/chaos.py (Python 3 standard library; aiosmtpd for SMTP).
#
#   Benchmarks/chaos.sh [maildir] [smtp]      (default both; about 35 s and 50 s, plus the build)
#
# Exit status: 0 when nothing answered 200 was lost; 1 when something was; 2 when a run could not
# be carried out (the relay did not start, or did not deliver everything within the deadline).
#
# Settings (environment):
#   SMSRELAY_BIN=PATH          use this smsrelay instead of building `swift build -c release`
#   CHAOS_SENDERS=16           concurrent senders
#   CHAOS_PACE=0.1             seconds each sender waits between two new ids
#   CHAOS_RETRIES=4            retries after the first attempt (Flowroute: 4)
#   CHAOS_RETRY_INTERVAL=1     seconds between attempts (Flowroute: 30)
#   CHAOS_REQUEST_TIMEOUT=5    seconds a sender waits for an answer
#   CHAOS_CYCLES=10            kill -9 / restart cycles
#   CHAOS_KILL_MIN=2 CHAOS_KILL_MAX=4   up-time before each kill, uniform between the two (s)
#   CHAOS_DRAIN_SECONDS=60     after the last restart, how long delivery may take
#   CHAOS_SEED=N               seed for the kill timing (default: random)
#   CHAOS_KEEP=1               keep the work folder (data folders, relay logs, timelines)
set -euo pipefail
cd "$(dirname "$0")/.."

transports=("$@")
[ ${#transports[@]} -gt 0 ] || transports=(maildir smtp)
for t in "${transports[@]}"; do
    case "$t" in maildir|smtp) ;; *) echo "usage: $0 [maildir] [smtp]" >&2; exit 64 ;; esac
done

if [ -n "${SMSRELAY_BIN:-}" ]; then
    bin="$SMSRELAY_BIN"
else
    echo "building smsrelay (release; the first build takes several minutes)..." >&2
    buildlog="$(mktemp)"
    if ! swift build -c release --product smsrelay >"$buildlog" 2>&1; then
        tail -n 40 "$buildlog" >&2; rm -f "$buildlog"; exit 2
    fi
    rm -f "$buildlog"
    bin="$(swift build -c release --show-bin-path)/smsrelay"
fi
[ -x "$bin" ] || { echo "no smsrelay executable at $bin" >&2; exit 2; }
if [[ " ${transports[*]} " == *" smtp "* ]]; then
    python3 -c "import aiosmtpd" 2>/dev/null \
        || python3 -m pip install --quiet --disable-pip-version-check -r Tests/requirements.txt
fi

work="$(mktemp -d -t smsrelay-chaos.XXXXXX)"
driver=""
cleanup() {
    if [ -n "$driver" ]; then kill "$driver" 2>/dev/null || true; wait "$driver" 2>/dev/null || true; fi
    # Whatever the driver started and could not stop itself (if it was killed): by pid, and only
    # if that pid is still one of ours (the relay runs in $work, the SMTP recorder writes there).
    if [ -f "$work/pids" ]; then
        while read -r pid; do
            if [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$work"/* ]] \
                || grep -qaF "$work/" "/proc/$pid/cmdline" 2>/dev/null; then
                kill -9 "$pid" 2>/dev/null || true
            fi
        done <"$work/pids"
    fi
    if [ "${CHAOS_KEEP:-0}" = 1 ] || [ "${keep_for_failure:-0}" = 1 ]; then
        echo "work folder kept: $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "chaos: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $("$bin" --version 2>/dev/null || echo smsrelay), transports: ${transports[*]}"
status=0
results=()
for t in "${transports[@]}"; do
    mkdir -p "$work/$t"
    python3 Benchmarks/chaos.py --bin "$bin" --transport "$t" --work "$work/$t" --pids-file "$work/pids" \
        --smtp-server Tests/TestSupport/smtp_server.py \
        --senders "${CHAOS_SENDERS:-16}" --pace "${CHAOS_PACE:-0.1}" \
        --retries "${CHAOS_RETRIES:-4}" --retry-interval "${CHAOS_RETRY_INTERVAL:-1}" \
        --request-timeout "${CHAOS_REQUEST_TIMEOUT:-5}" --cycles "${CHAOS_CYCLES:-10}" \
        --kill-min "${CHAOS_KILL_MIN:-2}" --kill-max "${CHAOS_KILL_MAX:-4}" \
        --drain-seconds "${CHAOS_DRAIN_SECONDS:-60}" ${CHAOS_SEED:+--seed "$CHAOS_SEED"} \
        >"$work/$t.out" 2>&1 &
    driver=$!
    rc=0
    wait "$driver" || rc=$?
    driver=""
    cat "$work/$t.out"
    results+=("$(grep '^RESULT ' "$work/$t.out" || echo "RESULT transport=$t failed=yes")")
    if [ "$rc" -ne 0 ]; then
        keep_for_failure=1
        [ "$rc" -eq 1 ] || rc=2          # 1: lost messages; anything else: the run itself failed
        [ "$status" -eq 1 ] || status=$rc
    fi
    echo
done

echo "| transport | posted | answered 200 | never answered (carrier gave up) | stored | delivered (ids / emails) | lost | duplicated (extra emails) | duplicates share Message-ID |"
echo "|---|---|---|---|---|---|---|---|---|"
for r in "${results[@]}"; do
    python3 - "$r" <<'PY'
import sys
f = dict(kv.split("=", 1) for kv in sys.argv[1].split()[1:])
g = lambda k: f.get(k, "?")
share = g("duplicates_share_message_id") if g("duplicated") not in ("0", "?") else "– (none)"
print(f"| {g('transport')} | {g('posted')} | {g('answered')} | {g('gave_up')} | {g('stored')} | "
      f"{g('delivered')} / {g('emails')} | **{g('lost')}** | {g('duplicated')} ({g('extra_emails')}) | {share} |")
PY
done
exit "$status"
