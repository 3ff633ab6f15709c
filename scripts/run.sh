#!/usr/bin/env bash
# Start the dashboard on the demo database (built from data/demo/reports on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "sitrep-map: open http://${HOST:-127.0.0.1}:${PORT:-8050}/  (Ctrl+C stops)"
exec .venv/bin/python app.py
