#!/usr/bin/env bash
# One-time and every-time set-up, idempotent: dependencies, build, Jupyter kernel.
# Called by `npm start` and `npm test`, so a fresh clone needs nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

# 1. Node dependencies: install when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "il2kit setup: installing Node dependencies (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 2. Build the library to dist/ (the notebooks and the il2kit command use the build).
node scripts/build.mjs

# 3. Jupyter + the project-local tslab kernel (Debian packages when missing).
if [ -x scripts/setup-kernel.sh ]; then
  bash scripts/setup-kernel.sh
fi

# 4. Debian chromium for the browser tests of the report and notebook pages (when missing).
if [ -x scripts/setup-browser.sh ]; then
  bash scripts/setup-browser.sh
fi
