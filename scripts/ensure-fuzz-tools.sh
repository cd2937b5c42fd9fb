#!/usr/bin/env bash
# `make fuzz-tools`: schemathesis, at the version the Makefile pins, in a venv of this work tree
# (.venv-fuzz/, git-ignored), rebuilt when the pin changes. Installs Debian's python3-venv when the
# machine's python3 cannot make a venv.
#   ensure-fuzz-tools.sh <venv folder> <schemathesis version>
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/apt-install.sh
venv="$1" version="$2"
stamp="$venv/.schemathesis-$version"
[[ -f "$stamp" ]] && exit 0

rm -rf "$venv"
if ! python3 -m venv "$venv" >/dev/null 2>&1; then
  rm -rf "$venv"
  apt_install ensure-fuzz-tools python3-venv "Install Python 3 with its venv module, then run make fuzz-tools again."
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-input "schemathesis==$version"
touch "$stamp"
echo "ensure-fuzz-tools: schemathesis $version in $venv"
