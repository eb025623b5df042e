# Sourced by test.sh and bench.sh: a private Temporal dev server (in memory,
# headless, every search attribute) and PostgreSQL cluster on free loopback
# ports under .data/test-stack/, stopped when the calling script exits.
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

export TRUNKFLOW_STATE_DIR="$ROOT/.data/test-stack"
export TEMPORAL_PORT="${TEST_TEMPORAL_PORT:-$(free_port)}"
export TEMPORAL_UI_PORT="$(free_port)"
export TRUNKFLOW_PG_PORT="${TEST_PG_PORT:-$(free_port)}"
export TRUNKFLOW_TEMPORAL_DB=memory
export TRUNKFLOW_PG_FSYNC=off
export TRUNKFLOW_HEADLESS=1
unset DATABASE_URL
# A stack left over from an interrupted run is stopped first (its ports are stale).
bash "$ROOT/temporal-dev/down" >/dev/null 2>&1 || true
rm -rf "$TRUNKFLOW_STATE_DIR/run"
stop_private_stack() { bash "$ROOT/temporal-dev/down" >/dev/null 2>&1 || true; }
trap stop_private_stack EXIT
bash "$ROOT/temporal-dev/up" >/dev/null

export TRUNKFLOW_TEST_TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT"
export TRUNKFLOW_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$TRUNKFLOW_PG_PORT/postgres"
