#!/usr/bin/env bash
# MMS media benchmark: the time an MMS email takes from callback to maildir when its 1 MB picture
# is downloaded from a loopback media server and attached, against the same email with links only
# (SMSRELAY_MEDIA_FETCH=false), in the same run. One relay per mode (release build, maildir);
# N callbacks posted one after another, each waited for until its email is in the maildir. The
# driver is Benchmarks/media.py (Python 3 standard library).
#
#   Benchmarks/media.sh [N]        (default 50 emails per mode)
#
# Settings (environment):
#   SMSRELAY_BIN=PATH     use this smsrelay instead of building `swift build -c release`
#   MEDIA_BYTES=1048576   size of the picture
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${SMSRELAY_BIN:-}" ]; then
    bin="$SMSRELAY_BIN"
else
    swift build -c release --product smsrelay >/dev/null
    bin="$(swift build -c release --show-bin-path)/smsrelay"
fi
exec python3 Benchmarks/media.py "$bin" "${1:-50}"
