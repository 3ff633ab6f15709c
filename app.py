"""Serve the dashboard on the demo database (built from data/demo/reports on first run)."""
import os
import sys

from sitrep_map.cli import default_db, main

if __name__ == "__main__":
    db = os.environ.get("SITREP_MAP_DB", str(default_db()))
    main(["demo", "--db", db])
    sys.exit(main(["serve", "--db", db, "--host", os.environ.get("HOST", "127.0.0.1"),
                   "--port", os.environ.get("PORT", "8050")]))
