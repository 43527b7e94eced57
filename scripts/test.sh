#!/usr/bin/env bash
# Runs every test of SMSRelay. On a fresh machine it first installs what the tests need:
# the SQLite headers (apt) and the Python tools the integration tests drive (pip).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in libsqlite3-dev; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} …"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if [ -s Tests/requirements.txt ]; then
    python3 -m pip install --quiet --disable-pip-version-check -r Tests/requirements.txt
fi

swift build --build-tests
swift test --skip-build "$@"
