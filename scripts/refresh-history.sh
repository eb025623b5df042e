#!/usr/bin/env bash
# Saves the history of a finished workflow as a replay fixture. Run it against
# the local stack after a deliberate workflow change (guarded with patched()):
#   scripts/refresh-history.sh <workflow-id> <fixture-name>
# e.g. scripts/refresh-history.sh sync-packages:flamingo syncPackages-v1
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 <workflow-id> <fixture-name>" >&2; exit 2; }
source temporal-dev/lib.sh
temporal_bin="$(find_temporal)" || die "temporal CLI missing: run temporal-dev/install"
"$temporal_bin" workflow show --address "${TEMPORAL_ADDRESS:-127.0.0.1:7233}" -w "$1" -o json >"test/fixtures/histories/$2.json"
echo "wrote test/fixtures/histories/$2.json"
