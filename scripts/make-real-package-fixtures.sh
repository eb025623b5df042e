#!/usr/bin/env bash
# Makes the git bundles of test/fixtures/real-packages/ from clones of the real
# repositories: each upstream's first-parent branch up to a commit of a chosen
# date (its whole history, which pbr needs, and the tags reachable from it),
# each distgit's branches as they were at that date.
# Usage: scripts/make-real-package-fixtures.sh OSLO_CONFIG OSLO_CONFIG_DISTGIT PUPPET_OSLO PUPPET_OSLO_DISTGIT
# (each a clone or bare repository of openstack/oslo.config, rdo-packages/oslo-config-distgit,
# openstack/puppet-oslo and rdo-packages/puppet-oslo-distgit).
set -euo pipefail
[ $# -eq 4 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
out="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/real-packages"
mkdir -p "$out"
# The date the fixtures stand at: the oslo-config distgit's last rpm-master change (caracal).
AT='2024-03-13 00:00:00 +0000'

# bundle SRC NAME BRANCH... : each BRANCH of SRC (origin/BRANCH or BRANCH) as it was at $AT,
# under refs/heads/BRANCH, plus every tag reachable from them.
bundle() {
  local src=$1 name=$2; shift 2
  local tmp; tmp=$(mktemp -d)
  git init -q --bare "$tmp/r.git"
  local b sha refs=()
  for b in "$@"; do
    sha=$(git -C "$src" rev-list -1 --first-parent --before="$AT" "refs/remotes/origin/$b" 2>/dev/null \
      || git -C "$src" rev-list -1 --first-parent --before="$AT" "refs/heads/$b")
    git -C "$tmp/r.git" fetch -q "$(cd "$src" && pwd)" "$sha"
    git -C "$tmp/r.git" update-ref "refs/heads/$b" "$sha"
    refs+=("refs/heads/$b")
  done
  local t
  # Tags reachable from the bundled branches, copied as they are (annotated tags stay annotated).
  for b in "$@"; do
    git -C "$src" for-each-ref --format='%(refname)' --merged "$(git -C "$tmp/r.git" rev-parse "refs/heads/$b")" refs/tags
  done | sort -u | while read -r t; do
    git -C "$tmp/r.git" fetch -q "$(cd "$src" && pwd)" "+$t:$t"
  done
  git -C "$tmp/r.git" bundle create -q "$out/$name.bundle" --branches --tags
  git -C "$tmp/r.git" for-each-ref --format='%(objectname) %(refname)' refs/heads | sed "s|^|$name: |"
  rm -rf "$tmp"
}

bundle "$1" oslo.config master
bundle "$2" oslo-config-distgit rpm-master caracal-rdo
bundle "$3" puppet-oslo master
bundle "$4" puppet-oslo-distgit rpm-master
ls -l "$out"/*.bundle
