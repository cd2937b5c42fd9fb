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

if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "ensure-postgres: PostgreSQL binaries not found under /usr/lib/postgresql/*/bin and cannot install them:" >&2
  echo "  not running as root and passwordless sudo is unavailable." >&2
  echo "  Install Debian's 'postgresql' package yourself, or set TEST_DATABASE_URL to an existing server" >&2
  echo "  (e.g. postgres://postgres@127.0.0.1:5432/postgres) whose user may CREATE DATABASE." >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-postgres: PostgreSQL binaries not found and apt-get is unavailable; install PostgreSQL" >&2
  echo "  (initdb and pg_ctl under /usr/lib/postgresql/<ver>/bin) or set TEST_DATABASE_URL." >&2
  exit 1
fi

log="$(mktemp -t ensure-postgres.XXXXXX.log)"
if ! {
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update &&
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql
} </dev/null >"$log" 2>&1; then
  echo "ensure-postgres: installing the 'postgresql' package failed; apt-get output follows:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
rm -f "$log"

if ! bindir="$(find_bindir)"; then
  echo "ensure-postgres: installed 'postgresql' but found no initdb/pg_ctl under /usr/lib/postgresql/*/bin." >&2
  exit 1
fi
echo "ensure-postgres: installed Debian's 'postgresql' package; binaries are in $bindir."
