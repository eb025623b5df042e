#!/usr/bin/env bash
# What the DLRN API tests need beyond ensure-deps.sh: the real DLRN's virtualenv (cached; instant
# once made) and a MariaDB server binary for the MySQL import test (the test starts its own).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$HERE/dlrn-venv.sh" >/dev/null
if ! command -v mariadbd >/dev/null 2>&1 && ! command -v mysqld >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "dlrn-deps: installing mariadb-server" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
  elif [ "$(id -u)" = 0 ] && command -v dnf >/dev/null 2>&1; then
    dnf install -y -q mariadb-server
  else
    echo "dlrn-deps: no MariaDB server; run as root: apt-get install -y mariadb-server (or dnf install -y mariadb-server)" >&2
    exit 1
  fi
fi
