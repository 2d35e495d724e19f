#!/usr/bin/env bash
# A real browser for the page tests (test/reports/browser.test.ts), idempotent and fast when already done:
# Debian's chromium, driven by playwright-core (`npx playwright install` cannot download browsers here;
# platform-notes "Rendering"). Quiet unless it installs something. IL2KIT_SKIP_BROWSER=1 skips it.
set -euo pipefail
[ "${IL2KIT_SKIP_BROWSER:-}" = "1" ] && exit 0
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "il2kit setup: installing Debian chromium for the browser tests…"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
install() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -qq chromium >/dev/null; }
# apt-get update only when the package lists do not know chromium yet, or the install fails on stale lists.
if ! apt-cache show chromium >/dev/null 2>&1; then $SUDO apt-get update -qq; fi
install || { $SUDO apt-get update -qq && install; }
