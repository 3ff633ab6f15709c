#!/usr/bin/env bash
# Make .venv with the pinned requirements (idempotent; reinstalls when requirements.txt changes).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=""
for c in python3.11 python3; do
  if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then PY=$c; break; fi
done
if [ -z "$PY" ]; then echo "sitrep-map needs Python 3.11 or newer (Debian: apt-get install python3)" >&2; exit 1; fi
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      "$PY" -m venv .venv
    else
      echo "cannot create a virtualenv: install python3-venv (sudo apt-get install python3-venv)" >&2; exit 1
    fi
  fi
fi
stamp=.venv/.requirements.sha1
want=$(cat requirements.txt pyproject.toml | sha1sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi
