#!/usr/bin/env bash
# Makes the release pipeline's Python tools available in a cached virtualenv
# (~/.cache/trunkflow/release-venv, or $TRUNKFLOW_RELEASE_VENV) and prints its
# path: `build` (sdist and wheel, no build isolation so nothing is fetched at
# build time), setuptools/wheel/pbr for OpenStack projects, twine below 6.1
# (later versions refuse --skip-existing for any index but PyPI), reno, and
# pypiserver (the tests' PyPI-compatible index). Installed with pip, pinned.
set -euo pipefail
venv=${TRUNKFLOW_RELEASE_VENV:-$HOME/.cache/trunkflow/release-venv}
pins=(build==1.2.2.post1 setuptools==80.9.0 wheel==0.45.1 pbr==7.0.1 twine==6.0.1 reno==4.1.0 pypiserver==2.4.2 passlib==1.7.4)
stamp="$venv/.trunkflow-pins"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${pins[*]}" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}" >&2
  echo "${pins[*]}" > "$stamp"
fi
echo "$venv"
