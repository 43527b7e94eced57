#!/usr/bin/env bash
# Builds the Lambda deployment package: the release `smsrelay-lambda` (the Lambda function alone:
# no HTTP server, outbox store, SMTP receiver or YAML parser) with the Swift runtime linked
# statically, named `bootstrap` (what the provided.al2023 runtime starts), zipped for
# `sam deploy` or the Lambda console.
#
#   scripts/package-lambda.sh            → .build/lambda/bootstrap and .build/lambda/smsrelay-lambda.zip
#
# SMSRELAY_LAMBDA_PRODUCT=smsrelay packages the whole command line instead (as before issue 14's
# lean package; its `bootstrap` runs `smsrelay lambda` when started with no arguments), to compare.
#
# The binary is built for this machine's architecture (x86_64 here; build on an arm64 machine, or
# with an arm64 Swift SDK, for arm64). It still links the C library dynamically: the script checks
# that it asks for no glibc newer than Amazon Linux 2023's (2.34) and refuses the package otherwise;
# build inside an Amazon Linux 2023 Swift image in that case.
set -euo pipefail
cd "$(dirname "$0")/.."

out=.build/lambda
product="${SMSRELAY_LAMBDA_PRODUCT:-smsrelay-lambda}"
# --wrap: see Sources/GlibcCompat/hypot.c.
swift build -c release --product "$product" --static-swift-stdlib -Xlinker -s \
    -Xlinker --wrap=hypot -Xlinker --wrap=hypotf
bin="$(swift build -c release --show-bin-path)/$product"

rm -rf "$out"
mkdir -p "$out"
cp "$bin" "$out/bootstrap"
chmod 755 "$out/bootstrap"

newest_glibc=$(objdump -T "$out/bootstrap" | grep -o 'GLIBC_[0-9.]*' | sort -t. -k2,2n -u | tail -1)
echo "bootstrap needs ${newest_glibc:-no versioned glibc symbols}; Amazon Linux 2023 has GLIBC_2.34"
if [ -n "$newest_glibc" ] && [ "$(printf '%s\n' "$newest_glibc" GLIBC_2.34 | sort -t. -k2,2n | tail -1)" != GLIBC_2.34 ]; then
    echo "error: bootstrap needs $newest_glibc, newer than Amazon Linux 2023's; build on Amazon Linux 2023" >&2
    exit 1
fi

command -v zip >/dev/null || { apt-get update -qq && apt-get install -y -qq zip; }
(cd "$out" && zip -q -9 smsrelay-lambda.zip bootstrap)
ls -l "$out"
# The ICU data (tens of MB) comes with full Foundation; FoundationEssentials alone links none.
echo "bootstrap: $(stat -c %s "$out/bootstrap") bytes, zip: $(stat -c %s "$out/smsrelay-lambda.zip") bytes, ICU: $(if grep -q -a icudt "$out/bootstrap"; then echo linked; else echo none; fi)"
