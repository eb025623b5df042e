#!/usr/bin/env bash
# Prints the directory of DLRN's own mock templates (<target>.cfg, as DLRN's
# package installs them under share/dlrn/scripts), installing the DLRN wheel
# once, without its dependencies, into ~/.cache/trunkflow/dlrn-<version>.
# The mock driver's tests generate slot configurations from them.
set -euo pipefail
DLRN_VERSION=0.26.1
cache=${TRUNKFLOW_CACHE:-$HOME/.cache/trunkflow}
venv="$cache/dlrn-$DLRN_VERSION"
if [ ! -f "$venv/.complete" ]; then
  mkdir -p "$cache"
  exec 9>"$venv.lock"
  flock 9
  if [ ! -f "$venv/.complete" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "DLRN==$DLRN_VERSION" >&2
    touch "$venv/.complete"
  fi
fi
echo "$venv/share/dlrn/scripts"
