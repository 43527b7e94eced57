#!/usr/bin/env bash
# Runs every test of SMSRelay. On a fresh machine it first installs what the tests need:
# the SQLite headers, PostgreSQL, Postfix, Dovecot, swaks, systemd's tools, Prometheus's promtool
# and headless Chromium with its driver (apt), and the Python tools the integration tests drive (pip).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
# PostgreSQL, Postfix, Dovecot (SASL only) and swaks are test peers: the tests run private
# instances of them (a PostgreSQL cluster per suite, initdb into a temporary folder).
# systemd brings systemd-analyze, which checks packaging/smsrelay.service offline (nothing of it
# is started); python3-seccomp (for Debian's /usr/bin/python3) lets a test run the relay under
# the unit's system call filters, as systemd would.
for package in libsqlite3-dev postgresql postfix dovecot-core swaks openssl systemd python3-seccomp prometheus chromium chromium-driver; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} …"
    # No system mail server: Postfix gets no configuration, and no service may start while
    # installing (a policy-rc.d answering 101, unless the machine already has one).
    echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
    # Nor a system PostgreSQL cluster: the tests make their own.
    as_root mkdir -p /etc/postgresql-common
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
    fi
    policy=/usr/sbin/policy-rc.d
    added_policy=no
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
        as_root chmod 755 "$policy"
        added_policy=yes
        trap 'as_root rm -f "$policy"' EXIT
    fi
    as_root apt-get update -qq
    # Keep the configuration written above where a package brings its own (confold).
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
    if [ "$added_policy" = yes ]; then as_root rm -f "$policy"; trap - EXIT; fi
    # Should a system instance have started anyway, stop it.
    if [ -x /usr/sbin/postfix ] && as_root /usr/sbin/postfix status >/dev/null 2>&1; then
        as_root /usr/sbin/postfix stop >/dev/null 2>&1 || true
    fi
    if [ -x /usr/bin/doveadm ] && [ -e /etc/dovecot/dovecot.conf ]; then
        as_root /usr/bin/doveadm stop >/dev/null 2>&1 || true
    fi
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
