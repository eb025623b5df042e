# Sourced by start.sh, test.sh and bench.sh: installs what a fresh clone lacks.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash temporal-dev/install
if [ ! -d node_modules/@temporalio/worker ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm packages" >&2
  # `npm ci` would insist on lock entries for other platforms' optional packages, which the
  # registry here does not list; `install --no-save` installs the locked tree and writes nothing.
  npm install --no-save --no-audit --no-fund --loglevel=error
else
  # Rebuild when any source is newer than the build (prepare builds after npm ci).
  if [ ! -f dist/workflow-bundle.js ] || [ -n "$(find src -newer dist/workflow-bundle.js -type f -print -quit)" ]; then
    npm run --silent build
  fi
fi
