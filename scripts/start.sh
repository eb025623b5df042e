#!/usr/bin/env bash
# `npm start`: install what is missing, bring up Temporal and PostgreSQL, then run
# the worker and the API in this terminal (Ctrl-C stops them; `temporal-dev/down`
# stops the servers).
source "$(dirname "${BASH_SOURCE[0]}")/ensure-deps.sh"
bash temporal-dev/up
if [ -f .data/run/stack.env ] && [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' .data/run/stack.env)"
  export DATABASE_URL
fi
exec node dist/cli/main.js serve
