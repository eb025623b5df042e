# Shared settings for the temporal-dev scripts. Sourced, not run.
# Every value can be overridden from the environment so tests can run a
# second, private stack beside the one `npm start` uses.
TF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TF_STATE_DIR="${TRUNKFLOW_STATE_DIR:-$TF_ROOT/.data}"
TF_RUN_DIR="$TF_STATE_DIR/run"
TF_CACHE_BIN="${TRUNKFLOW_CACHE_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/trunkflow/bin}"
TF_TEMPORAL_VERSION="v1.5.1"
TF_TEMPORAL_IP="${TEMPORAL_IP:-127.0.0.1}"
TF_TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
TF_TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
# Set TRUNKFLOW_TEMPORAL_DB=memory for a throw-away server (tests).
TF_TEMPORAL_DB="${TRUNKFLOW_TEMPORAL_DB:-$TF_STATE_DIR/temporal.sqlite}"
TF_PG_PORT="${TRUNKFLOW_PG_PORT:-55432}"
TF_PG_DB="${TRUNKFLOW_PG_DB:-trunkflow}"

say() { printf 'temporal-dev: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# True when the binary is the Temporal CLI built from tag v1.5.1 (a `go install`
# build reports version 0.0.0-DEV, so read the module version from the binary).
temporal_is_wanted_version() {
  local bin="$1"
  [ -x "$bin" ] || return 1
  if command -v go >/dev/null 2>&1; then
    go version -m "$bin" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/temporalio/cli[[:space:]]+${TF_TEMPORAL_VERSION}([[:space:]]|$)" && return 0
  fi
  "$bin" --version 2>/dev/null | grep -Eq "(^temporal version ${TF_TEMPORAL_VERSION#v} )|Server 1\.29\.1\b"
}

# Prints the path of a usable temporal binary, or nothing.
find_temporal() {
  local candidate
  for candidate in "${TEMPORAL_BIN:-}" "$(command -v temporal 2>/dev/null || true)" "$TF_CACHE_BIN/temporal"; do
    [ -n "$candidate" ] || continue
    if temporal_is_wanted_version "$candidate"; then printf '%s\n' "$candidate"; return 0; fi
  done
  return 1
}

pg_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return 0; fi
  for d in /usr/lib/postgresql/*/bin /usr/pgsql-*/bin /usr/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then printf '%s\n' "$d"; return 0; fi
  done
  return 1
}

# PostgreSQL refuses to run as root: run its tools as the postgres user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
