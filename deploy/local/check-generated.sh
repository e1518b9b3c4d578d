#!/usr/bin/env bash
# Fails when the committed generated code differs from what openapi.yaml generates now.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed "s|^output: .*|output: $tmp/api.gen.go|" api/oapi-codegen.yaml >"$tmp/oapi-codegen.yaml"
go tool oapi-codegen -config "$tmp/oapi-codegen.yaml" openapi.yaml
(cd frontend && npx openapi-typescript ../openapi.yaml -o "$tmp/schema.d.ts" >/dev/null)

stale=0
for pair in "api/api.gen.go:$tmp/api.gen.go" "frontend/src/api/schema.d.ts:$tmp/schema.d.ts"; do
  committed=${pair%%:*} fresh=${pair#*:}
  if ! diff -q "$committed" "$fresh" >/dev/null; then
    echo "stale generated file: $committed (run 'make generate' and commit the result)" >&2
    diff -u "$committed" "$fresh" | head -20 >&2 || true
    stale=1
  fi
done
exit "$stale"
