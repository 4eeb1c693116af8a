#!/usr/bin/env bash
# Runs the whole test suite (unit, contract, integration on real Postgres/NATS/object storage,
# end to end through the started platform), installing what it needs first. Safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
source scripts/env.sh
export OTEL_SDK_DISABLED=true
report="$(mktemp)"
status=0
node --experimental-vm-modules ./node_modules/jest/bin/jest.js --ci --runInBand --json --outputFile="$report" "$@" || status=$?
node -e '
const r = require(process.argv[1]);
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" || true
rm -f "$report"
exit $status
