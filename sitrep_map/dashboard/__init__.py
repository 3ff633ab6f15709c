"""The Dash app: the dated map update of a GeoPackage store.

data.py holds the incidents as date-sorted arrays, layout.py the page, callbacks.py the
server callbacks, state.py the URL query string, figure.py the map; assets/app.js the
browser side (date labels, play, arrow keys, fly-to)."""
from __future__ import annotations

from pathlib import Path

import dash

from .callbacks import register
from .data import CLIENT_MAX, Live
from .layout import layout
from .style import ASSETS, online_tiles


def create_app(db: str | Path, client_max: int = CLIENT_MAX, tiles: str | None = None) -> dash.Dash:
    """``client_max``: up to this many incidents stored, the page holds the map's arrays and draws
    time steps and filters itself; above it, the server draws each step. ``tiles``: the URL
    template of the opt-in online basemap (default ``SITREP_MAP_TILES`` or OpenStreetMap)."""
    live = Live(db)
    app = dash.Dash(__name__, assets_folder=str(ASSETS), title="sitrep-map",
                    serve_locally=True, update_title=None)
    app.layout = layout(live.inc, Path(db).name, online_tiles(tiles))
    register(app, live, client_max)
    return app
