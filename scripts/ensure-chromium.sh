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

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
apt_install ensure-chromium chromium "Install Debian's 'chromium' package yourself (apt-get install chromium)."

if [[ ! -x "$CHROMIUM" ]]; then
  echo "ensure-chromium: installed 'chromium' but $CHROMIUM is still missing." >&2
  exit 1
fi
echo "ensure-chromium: installed Debian's 'chromium' package ($("$CHROMIUM" --version 2>/dev/null || echo "version unknown"))."
