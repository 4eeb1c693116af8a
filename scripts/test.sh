#!/usr/bin/env bash
# Runs the whole test suite (unit, contract, integration on real Postgres/NATS/object storage,
# end to end through the started platform), installing what it needs first. Safe to run again.
# Arguments go to Jest (e.g. a path pattern); JEST_TIER=unit|int|e2e narrows the run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
source scripts/env.sh
# Jest only transpiles: the type check of every package's sources and specs happens here.
pnpm -s run typecheck >&2
./node_modules/.bin/tsc -p test/tsconfig.json
log="$(mktemp)"
set +e
node --experimental-vm-modules ./node_modules/jest/bin/jest.js --ci --runInBand --forceExit "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line any CI can read: "tests: N passed, N failed[, N skipped]".
node -e '
const text = require("fs").readFileSync(process.argv[1], "utf8");
const line = text.split("\n").reverse().find((l) => /^Tests:\s/.test(l)) ?? "";
const n = (w) => Number((new RegExp(`(\\d+) ${w}`).exec(line) ?? [0, 0])[1]);
const skipped = n("skipped") + n("todo");
console.log(`tests: ${n("passed")} passed, ${n("failed")} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$log"
rm -f "$log"
exit "$status"
