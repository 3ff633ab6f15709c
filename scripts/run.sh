#!/usr/bin/env bash
# Start the dashboard on the demo database (built from data/demo/reports on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PY=.venv/bin/python
# Full village coverage is one download away (GeoNames SY dump). Offer it when online, once.
if [ -z "${SITREP_MAP_NO_DOWNLOAD:-}" ] && ! $PY -m sitrep_map gazetteer info 2>/dev/null | grep -q "geonames-SY"; then
  if $PY -c "import urllib.request; urllib.request.urlopen('https://download.geonames.org/export/dump/', timeout=3)" 2>/dev/null; then
    answer=n
    if [ -t 0 ]; then
      read -r -t 20 -p "Download the full GeoNames gazetteer for Syria (about 3 MB, village coverage)? [y/N] " answer || answer=n
    else
      echo "tip: 'sitrep-map gazetteer download geonames SY' adds every Syrian village to the gazetteer"
    fi
    case "$answer" in y|Y|yes) $PY -m sitrep_map gazetteer download geonames SY || true ;; esac
  fi
fi
echo "sitrep-map: open http://${HOST:-127.0.0.1}:${PORT:-8050}/  (Ctrl+C stops)"
exec $PY app.py
