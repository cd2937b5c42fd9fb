#!/usr/bin/env bash
# Makes Node.js >= 22 available for this repository. When the machine's node is older (these
# machines ship Node 20), installs Node 24 from the npm registry's `node` package into .tools/,
# which the Makefile puts first on PATH; a machine with no npm at all gets Debian's first, to fetch
# it with. Idempotent: does nothing when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

local_node=".tools/node_modules/node/bin/node"
if [[ -x "$local_node" ]]; then
  echo "setup-node: using Node $("$local_node" --version) from .tools/"
  exit 0
fi
major=0
if command -v node >/dev/null 2>&1; then
  major=$(node -p 'process.versions.node.split(".")[0]')
fi
if (( major >= 22 )); then
  echo "setup-node: using the machine's Node $(node --version)"
  exit 0
fi
echo "setup-node: machine has Node ${major:-none}; installing Node 24 from the npm registry into .tools/"
if ! command -v npm >/dev/null 2>&1; then
  # No npm to fetch it with: Debian's npm (and the nodejs it depends on) bootstraps the install.
  # shellcheck source=lib/apt-install.sh
  . scripts/lib/apt-install.sh
  apt_install setup-node npm "Install Node.js 22 or newer with npm, put it on PATH and run again."
fi
mkdir -p .tools
npm install --prefix .tools --no-save --no-audit --no-fund --loglevel=error node@24 >/dev/null
echo "setup-node: installed Node $("$local_node" --version)"
