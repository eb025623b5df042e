#!/usr/bin/env bash
# `npm run bench`: the trunk builder's and the DLRN API's benchmarks against a private stack.
# Figures are printed; the README keeps the latest ones.
source "$(dirname "${BASH_SOURCE[0]}")/ensure-deps.sh"
source scripts/private-stack.sh
npx tsc -p tsconfig.bench.json
# `npm run bench -- dlrn`: the DLRN API against the real DLRN; `release`: the release pipeline; any other argument picks a trunk case.
case "${1:-}" in
  dlrn) shift; node dist-bench/bench/dlrn-api.js "$@" ;;
  release) node dist-bench/bench/release.js ;;
  "") node dist-bench/bench/trunk.js && node dist-bench/bench/dlrn-api.js && node dist-bench/bench/release.js ;;
  *) node dist-bench/bench/trunk.js "$@" ;;
esac
