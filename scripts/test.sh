#!/usr/bin/env bash
# `npm test`: install what is missing, lint, typecheck, then run every test
# against a private Temporal dev server and PostgreSQL cluster that this script
# starts (on their own ports and data dir) and stops at the end.
source "$(dirname "${BASH_SOURCE[0]}")/ensure-deps.sh"

echo "== lint" >&2
npx eslint .
echo "== typecheck" >&2
npx tsc --noEmit -p tsconfig.json

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

export TRUNKFLOW_STATE_DIR="$ROOT/.data/test-stack"
export TEMPORAL_PORT="${TEST_TEMPORAL_PORT:-$(free_port)}"
export TEMPORAL_UI_PORT="$(free_port)"
export TRUNKFLOW_PG_PORT="${TEST_PG_PORT:-$(free_port)}"
export TRUNKFLOW_TEMPORAL_DB=memory
export TRUNKFLOW_PG_FSYNC=off
export TRUNKFLOW_HEADLESS=1
unset DATABASE_URL
rm -rf "$TRUNKFLOW_STATE_DIR/run"
cleanup() { bash temporal-dev/down >/dev/null 2>&1 || true; }
trap cleanup EXIT
echo "== test stack" >&2
bash temporal-dev/up >/dev/null

export TRUNKFLOW_TEST_TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT"
export TRUNKFLOW_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$TRUNKFLOW_PG_PORT/postgres"
export TRUNKFLOW_TEMPORAL_BIN="$(source temporal-dev/lib.sh && find_temporal)"
echo "== jest" >&2
npx jest "$@"
