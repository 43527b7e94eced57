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

# AWS's Lambda Runtime Interface Emulator, as the SAM CLI package ships it.
rie=.build/rie/aws-lambda-rie
if [ ! -x "$rie" ]; then
    mkdir -p .build/rie
    python3 -m pip download --quiet --disable-pip-version-check --no-deps -d .build/rie aws-sam-cli
    python3 - "$rie" "$(uname -m)" <<'PY'
import glob, os, sys, zipfile
arch = {"x86_64": "x86_64", "aarch64": "arm64"}[sys.argv[2]]
wheel = zipfile.ZipFile(sorted(glob.glob(".build/rie/aws_sam_cli-*.whl"))[-1])
with open(sys.argv[1], "wb") as out:
    out.write(wheel.read(f"samcli/local/rapid/aws-lambda-rie-{arch}"))
os.chmod(sys.argv[1], 0o755)
PY
fi

# The Lambda package the emulator tests run: .build/lambda/bootstrap.
./scripts/package-lambda.sh

swift build --build-tests
swift test --skip-build "$@"
