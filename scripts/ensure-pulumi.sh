#!/usr/bin/env bash
# The Pulumi CLI for the end-to-end tier, the demo and the engine benchmark, in .tools/pulumi/bin
# (ignored): the `pulumi` on PATH when it is v3.200 or newer, else the version pinned in
# tools/pulumi-cli, built from Pulumi's Go module and reused on later runs. The dynamic-provider
# plugin script that @pulumi/pulumi ships goes beside it. Needs `make setup` first (node_modules).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.tools/pulumi/bin"
module="$root/tools/pulumi-cli"
minimum="3.200.0"
plugin="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

# "v3.274.1" -> "3.274.1"; empty when the binary does not run.
version_of() { "$1" version 2>/dev/null | head -n 1 | sed -E 's/^v//; s/[^0-9.].*$//'; }
recent_enough() { [ -n "$1" ] && [ "$(printf '%s\n%s\n' "$minimum" "$1" | sort -V | head -n 1)" = "$minimum" ]; }

mkdir -p "$bin"
if [ ! -f "$plugin" ]; then
  echo "ensure-pulumi: $plugin is missing; run 'make setup' first." >&2
  exit 1
fi
ln -sf "$plugin" "$bin/pulumi-resource-pulumi-nodejs"

if [ -x "$bin/pulumi" ] && recent_enough "$(version_of "$bin/pulumi")"; then
  echo "ensure-pulumi: reusing .tools/pulumi/bin/pulumi v$(version_of "$bin/pulumi")"
  exit 0
fi

# A Pulumi install of the user's own (outside .tools), when recent enough.
own=$(PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$bin" | paste -sd:) command -v pulumi || true)
if [ -n "$own" ] && recent_enough "$(version_of "$own")"; then
  ln -sf "$own" "$bin/pulumi"
  echo "ensure-pulumi: using the pulumi on PATH (v$(version_of "$own"))"
  exit 0
fi

if ! command -v go >/dev/null; then
  echo "ensure-pulumi: no pulumi v$minimum or newer on PATH, and no Go toolchain to build one." >&2
  echo "  Install the Pulumi CLI (https://www.pulumi.com/docs/install/) or Go $(sed -n 's/^go //p' "$module/go.mod") and run again." >&2
  exit 1
fi
pinned=$(sed -nE 's#^\s*github.com/pulumi/pulumi/pkg/v3 (v[0-9.]+).*#\1#p' "$module/go.mod" | head -n 1)
echo "ensure-pulumi: building pulumi $pinned from Pulumi's Go module (several minutes the first time; reused afterwards)"
started=$(date +%s)
(
  cd "$module"
  GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pinned" \
    -o "$bin/pulumi.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)
mv "$bin/pulumi.partial" "$bin/pulumi"
echo "ensure-pulumi: built pulumi v$(version_of "$bin/pulumi") in $(($(date +%s) - started)) s"
