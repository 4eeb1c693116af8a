#!/usr/bin/env bash
# Starts the whole platform locally on its embedded defaults and prints the URL and a demo token.
# Extra arguments go to scripts/platform.js (e.g. --port 8080 --workers 2). Safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
source scripts/env.sh
exec node scripts/platform.js "$@"
