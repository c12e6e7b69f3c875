#!/usr/bin/env bash
# Installs what the demo and the tests need when it is missing: npm packages, and Debian's redis-server
# and chromium. Safe to run again; does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ "${CADRECARE_SKIP_BROWSER:-}" != "1" ] && ! command -v chromium >/dev/null 2>&1; then need_apt+=(chromium); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Install npm packages when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm packages (better-sqlite3 compiles from source: about a minute)"
  # npm install, not npm ci: it follows the lock file too, but does not refuse a lock that lacks optional
  # builds for other platforms (some registries do not carry them).
  npm install --no-audit --no-fund --loglevel=error
fi
