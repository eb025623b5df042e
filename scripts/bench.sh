#!/usr/bin/env bash
# `npm run bench`: the trunk builder's benchmarks against a private stack.
# Figures are printed; the README keeps the latest ones.
source "$(dirname "${BASH_SOURCE[0]}")/ensure-deps.sh"
source scripts/private-stack.sh
npx tsc -p tsconfig.bench.json
if [ "${1:-}" = release ]; then
  node dist-bench/bench/release.js
else
  node dist-bench/bench/trunk.js "$@"
  [ -n "${1:-}" ] || node dist-bench/bench/release.js
fi
