#!/usr/bin/env bash
# Baseline Lambda custom runtime for Benchmarks/lambda.sh: the smallest loop that speaks the
# Runtime API (curl in bash), answering every event with a fixed 200 proxy response.
set -euo pipefail
api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
    headers=$(mktemp)
    curl -sS -D "$headers" -o /dev/null "$api/invocation/next"
    id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | tr -d '[:space:]' | cut -d: -f2)
    rm -f "$headers"
    curl -sS -o /dev/null -X POST "$api/invocation/$id/response" \
        -d '{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"{\"message\":\"Message succeeded\"}"}'
done
