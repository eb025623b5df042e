#!/usr/bin/env bash
# Regenerates test/fixtures/rdoinfo-<release>.expected.json with distroinfo,
# the reference rdoinfo parser, in a cached virtualenv.
# Usage: scripts/gen-rdoinfo-expected.sh [RDOINFO_DIR] [--release NAME] [--entry FILE]
set -euo pipefail

DISTROINFO_VERSION=0.6.3
PYYAML_VERSION=6.0.3   # distroinfo parses with PyYAML; pin it too, its scalar rules matter

here=$(cd "$(dirname "$0")" && pwd)
venv=${TRUNKFLOW_DISTROINFO_VENV:-$HOME/.cache/trunkflow/distroinfo-venv}

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/python" - "$DISTROINFO_VERSION" "$PYYAML_VERSION" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(version('distroinfo') != sys.argv[1] or version('PyYAML') != sys.argv[2])
PY
then
  "$venv/bin/pip" install --quiet "distroinfo==$DISTROINFO_VERSION" "PyYAML==$PYYAML_VERSION"
fi

exec "$venv/bin/python" "$here/gen-rdoinfo-expected.py" "$@"
