#!/usr/bin/env bash
# Run the whole test suite. Installs the virtualenv and, when run as root, Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Chromium from Debian's packages (browser tests and image export need it)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "the browser tests need Chromium: sudo apt-get install chromium" >&2; exit 1
  fi
fi
exec .venv/bin/python -m pytest -q "$@"
