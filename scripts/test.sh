#!/usr/bin/env bash
# `npm test`: install what is missing, lint, typecheck, then run every test
# against a private Temporal dev server and PostgreSQL cluster that this script
# starts (on their own ports and data dir) and stops at the end.
source "$(dirname "${BASH_SOURCE[0]}")/ensure-deps.sh"
# The time-skipping workflow tests run Temporal's Java test server from the trunkflow cache.
bash temporal-dev/install-test-server
# The real DLRN (the DLRN API tests' oracle and client) and MariaDB for the MySQL import.
bash scripts/dlrn-deps.sh

echo "== lint" >&2
npx eslint .
echo "== typecheck" >&2
npx tsc --noEmit -p tsconfig.json

echo "== test stack" >&2
source scripts/private-stack.sh

echo "== jest" >&2
result="$TRUNKFLOW_STATE_DIR/jest-result.json"
status=0
npx jest --json --outputFile="$result" "$@" || status=$?
# One plain closing line that any CI reader understands.
node -e 'const r=require(process.argv[1]);console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$result" || true
exit "$status"
