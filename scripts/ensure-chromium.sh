#!/usr/bin/env bash
# Makes sure the browser feature tests (server/test/feature/browser) can drive a real Chromium.
#
# The tests use playwright-core, which never downloads a browser of its own: they launch Debian's
# chromium at /usr/bin/chromium. If that binary is missing, Debian's `chromium` package is
# installed non-interactively (works with CI=true and no standard input), as root or through
# passwordless sudo.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]]; then
  echo "ensure-chromium: $CHROMIUM is already installed; nothing to do."
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "ensure-chromium: $CHROMIUM not found and cannot install it:" >&2
  echo "  not running as root and passwordless sudo is unavailable." >&2
  echo "  Install Debian's 'chromium' package yourself (apt-get install chromium)." >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM not found and apt-get is unavailable; install Chromium so that" >&2
  echo "  $CHROMIUM exists." >&2
  exit 1
fi

log="$(mktemp -t ensure-chromium.XXXXXX.log)"
if ! {
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update &&
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold chromium
} </dev/null >"$log" 2>&1; then
  echo "ensure-chromium: installing the 'chromium' package failed; apt-get output follows:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
rm -f "$log"

if [[ ! -x "$CHROMIUM" ]]; then
  echo "ensure-chromium: installed 'chromium' but $CHROMIUM is still missing." >&2
  exit 1
fi
echo "ensure-chromium: installed Debian's 'chromium' package ($("$CHROMIUM" --version 2>/dev/null || echo "version unknown"))."
