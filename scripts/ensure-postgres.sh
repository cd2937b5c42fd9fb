#!/usr/bin/env bash
# Makes sure the contract and feature test tiers can get a PostgreSQL server.
#
# - If TEST_DATABASE_URL is set, the tests use that server and nothing is done here.
# - Otherwise the tests start a throwaway cluster from /usr/lib/postgresql/<ver>/bin
#   (see server/test/helpers/postgres-global-setup.ts); if no such binaries exist, Debian's
#   `postgresql` package is installed non-interactively.
#
# This script never starts, stops or modifies a system cluster (e.g. 15/main). If the package
# install auto-starts one, it is left alone.
set -euo pipefail

if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  echo "ensure-postgres: TEST_DATABASE_URL is set; using it, nothing to install."
  exit 0
fi

find_bindir() {
  local dir best="" best_ver=-1 ver
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] || continue
    ver="$(basename "$(dirname "$dir")")"
    ver="${ver%%.*}"
    [[ "$ver" =~ ^[0-9]+$ ]] || continue
    if ((ver > best_ver)); then
      best_ver="$ver"
      best="$dir"
    fi
  done
  [[ -n "$best" ]] && echo "$best"
}

if bindir="$(find_bindir)"; then
  echo "ensure-postgres: PostgreSQL binaries already present in $bindir; nothing to install."
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
apt_install ensure-postgres postgresql "Install Debian's 'postgresql' package yourself, or set TEST_DATABASE_URL to a server whose user may CREATE DATABASE."

if ! bindir="$(find_bindir)"; then
  echo "ensure-postgres: installed 'postgresql' but found no initdb/pg_ctl under /usr/lib/postgresql/*/bin." >&2
  exit 1
fi
echo "ensure-postgres: installed Debian's 'postgresql' package; binaries are in $bindir."
