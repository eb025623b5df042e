#!/usr/bin/env bash
# Makes (once) and prints the path of a build-tools virtualenv: the setuptools
# and pbr a build target's buildroot ships (they decide a Python project's pbr
# version and its sdist's name) and renderspec (for .spec.j2 distgits).
# Installed with pip's defaults under ~/.cache/trunkflow/buildenv/, one per
# pinned set, so targets with different pins never share one.
# Usage: scripts/buildenv.sh SETUPTOOLS_VERSION PBR_VERSION RENDERSPEC_VERSION
set -euo pipefail
[ $# -eq 3 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
setuptools=$1 pbr=$2 renderspec=$3
cache=${TRUNKFLOW_CACHE:-$HOME/.cache/trunkflow}
venv="$cache/buildenv/setuptools-$setuptools-pbr-$pbr-renderspec-$renderspec"
if [ ! -f "$venv/.complete" ]; then
  mkdir -p "$cache/buildenv"
  # Builds on one host may ask at once: one makes it, the others wait and reuse it.
  exec 9>"$venv.lock"
  flock 9
  if [ ! -f "$venv/.complete" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
      "setuptools==$setuptools" "pbr==$pbr" "renderspec==$renderspec" >&2
    touch "$venv/.complete"
  fi
fi
echo "$venv"
