#!/usr/bin/env bash
# The Pulumi CLI for the end-to-end tier, the demo and the engine benchmark, in .tools/pulumi/bin
# (ignored): the `pulumi` on PATH when it is v3.200 or newer, else the version pinned in
# tools/pulumi-cli, built from Pulumi's Go module and reused on later runs. The dynamic-provider
# plugin script that @pulumi/pulumi ships goes beside it. Needs `make setup` first (node_modules).
# Building needs Go at the version tools/pulumi-cli/go.mod names: an older go (Debian's golang-go,
# installed when there is no go at all) fetches that toolchain from the Go module proxy first.
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

# A Go toolchain at least as new as tools/pulumi-cli/go.mod asks for. The machine's `go` when it
# is; else Debian's golang-go (installed when there is no go at all) fetches the required
# toolchain from the Go module proxy (golang.org/toolchain, the module Go's own toolchain switch
# uses) into .tools/go, reused afterwards.
required=$(sed -n 's/^go //p' "$module/go.mod")
go_version() { "$1" env GOVERSION 2>/dev/null | sed 's/^go//'; }
at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }
go_bin=""
if [ -x "$root/.tools/go/bin/go" ]; then
  go_bin="$root/.tools/go/bin/go"
elif command -v go >/dev/null && at_least "$(go_version go)" "$required"; then
  go_bin=$(command -v go)
else
  if ! command -v go >/dev/null; then
    # shellcheck source=lib/apt-install.sh
    . "$(dirname "$0")/lib/apt-install.sh"
    apt_install ensure-pulumi golang-go \
      "Install the Pulumi CLI (v$minimum or newer) or Go $required, put it on PATH and run again."
  fi
  case "$(uname -m)" in
    x86_64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
  esac
  toolchain="golang.org/toolchain@v0.0.1-go$required.linux-$arch"
  echo "ensure-pulumi: the machine's go is $(go_version go); fetching Go $required ($toolchain) from the Go module proxy"
  scratch=$(mktemp -d)
  dir=$(cd "$scratch" && GOFLAGS=-modcacherw GO111MODULE=on go mod download -json "$toolchain" |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  rm -rf "$scratch"
  if [ -z "$dir" ] || [ ! -f "$dir/bin/go" ]; then
    echo "ensure-pulumi: could not download $toolchain through the Go module proxy." >&2
    exit 1
  fi
  rm -rf "$root/.tools/go.partial"
  cp -R "$dir" "$root/.tools/go.partial"
  chmod -R u+w "$root/.tools/go.partial"
  # Module zips keep no file modes: the toolchain's programs must be made executable again.
  chmod +x "$root/.tools/go.partial/bin/"* "$root/.tools/go.partial/pkg/tool/"*/*
  mv "$root/.tools/go.partial" "$root/.tools/go"
  go_bin="$root/.tools/go/bin/go"
fi
pinned=$(sed -nE 's#^\s*github.com/pulumi/pulumi/pkg/v3 (v[0-9.]+).*#\1#p' "$module/go.mod" | head -n 1)
echo "ensure-pulumi: building pulumi $pinned from Pulumi's Go module (several minutes the first time; reused afterwards)"
started=$(date +%s)
(
  cd "$module"
  GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod "$go_bin" build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pinned" \
    -o "$bin/pulumi.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)
mv "$bin/pulumi.partial" "$bin/pulumi"
echo "ensure-pulumi: built pulumi v$(version_of "$bin/pulumi") in $(($(date +%s) - started)) s"
