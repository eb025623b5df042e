#!/usr/bin/env bash
# Creates (once per pinned requirements set) the virtualenv holding the real DLRN API, gunicorn and
# the dlrnapi client, plus DLRN's own test fixtures from its source release; prints its directory.
# Cached under ~/.cache/trunkflow/dlrn-venv/<hash of scripts/dlrn/requirements.txt>.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REQ="$HERE/dlrn/requirements.txt"
CACHE="${TRUNKFLOW_CACHE_DIR:-$HOME/.cache/trunkflow}/dlrn-venv"
KEY="$(sha256sum < "$REQ" | cut -c1-16)"
DIR="$CACHE/$KEY"
log() { echo "dlrn-venv: $*" >&2; }

if [ -f "$DIR/.complete" ]; then echo "$DIR"; exit 0; fi
mkdir -p "$CACHE"
# One builder at a time (parallel jest workers or worktrees may all ask at once).
exec 9>"$CACHE/.lock"
flock 9
if [ -f "$DIR/.complete" ]; then echo "$DIR"; exit 0; fi

# DLRN 0.26.1 imports distutils, which Python 3.12 removed: it needs 3.8-3.11 with venv support.
suitable() {
  "$1" - <<'PY' >/dev/null 2>&1
import sys, venv, ensurepip  # noqa: F401
sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 11) else 1)
PY
}
find_python() {
  local c
  for c in ${TRUNKFLOW_DLRN_PYTHON:-} python3.11 python3.10 python3.9 python3.8 python3 /usr/bin/python3.11 /usr/bin/python3; do
    if command -v "$c" >/dev/null 2>&1 && suitable "$(command -v "$c")"; then command -v "$c"; return 0; fi
  done
  return 1
}
PY="$(find_python || true)"
if [ -z "$PY" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing Python 3.11 with apt-get"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 python3.11-venv >&2 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >&2
  PY="$(find_python || true)"
fi
if [ -z "$PY" ]; then
  log "no Python 3.8-3.11 with the venv module found (DLRN 0.26.1 needs one); install python3.11 and python3.11-venv, or set TRUNKFLOW_DLRN_PYTHON"
  exit 1
fi

# Built in place (a venv's scripts name their interpreter by absolute path); .complete marks success.
rm -rf "$DIR"
log "creating $DIR with $PY ($("$PY" --version 2>&1))"
"$PY" -m venv "$DIR"
"$DIR/bin/python" -m pip install --disable-pip-version-check -q -r "$REQ" >&2
# The wheel leaves out dlrn/tests/samples; the source release has them.
"$DIR/bin/python" -m pip download --disable-pip-version-check -q --no-deps --no-binary :all: -d "$DIR/sdist" DLRN==0.26.1 >&2
mkdir -p "$DIR/samples"
tar -xzf "$DIR"/sdist/DLRN-0.26.1.tar.gz -C "$DIR/samples" --strip-components=4 --wildcards '*/dlrn/tests/samples/*.yaml'
rm -rf "$DIR/sdist"
# From the venv dir: importing dlrn.api creates commits.sqlite in the working directory.
(cd "$DIR" && "$DIR/bin/python" -c "import dlrn.api, dlrnapi_client, gunicorn" >&2 && rm -f commits.sqlite)
touch "$DIR/.complete"
log "ready"
echo "$DIR"
