"""The offline basemap: a MapLibre style built from the GeoJSON files in assets/basemap.

In the app the sources are URLs under /assets (cached by the browser); in exports (PNG via
kaleido, standalone HTML) the data is inlined so the file needs no server."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[2] / "assets"
FONT = "DejaVu Sans"
# opt-in online tiles: a raster layer the page adds under the borders and labels of the offline style
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
ATTRIBUTION = "Basemap: Natural Earth (public domain) · Places: GeoNames (CC BY 4.0) & curated · sitrep-map"

LAYERS = [  # (id, type, source, paint) in drawing order
    ("countries-fill", "fill", "countries", {"fill-color": "#efece6", "fill-outline-color": "#c9c3b8"}),
    ("governorates-fill", "fill", "governorates", {"fill-color": "#fbfaf6"}),
    ("governorates-line", "line", "governorates", {"line-color": "#b7ae9f", "line-width": 0.8,
                                                   "line-dasharray": [3, 2]}),
    ("countries-line", "line", "countries", {"line-color": "#8f887c", "line-width": 1.0}),
    ("syria-line", "line", "syria", {"line-color": "#555049", "line-width": 1.8}),
]
FILES = {"countries": "countries.geojson", "governorates": "governorates.geojson",
         "syria": "syria_outline.geojson"}


@lru_cache(maxsize=None)
def _data(name: str) -> dict:
    return json.loads((ASSETS / "basemap" / FILES[name]).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _labels() -> dict:
    """Governorate label points as a GeoJSON source."""
    feats = [{"type": "Feature", "properties": {"name": f["properties"]["name"]},
              "geometry": {"type": "Point", "coordinates": [f["properties"]["label_lon"],
                                                            f["properties"]["label_lat"]]}}
             for f in _data("governorates")["features"]]
    return {"type": "FeatureCollection", "features": feats}


def basemap_style(inline: bool = False, labels: bool = True, prefix: str = "/assets") -> dict:
    """A MapLibre style dict. ``inline`` embeds the GeoJSON (exports); else URLs under ``prefix``."""
    sources = {name: {"type": "geojson", "data": _data(name) if inline else f"{prefix}/basemap/{fn}"}
               for name, fn in FILES.items()}
    layers = [{"id": "background", "type": "background", "paint": {"background-color": "#cfdfe8"}}]
    layers += [{"id": i, "type": t, "source": s, "paint": p} for i, t, s, p in LAYERS]
    style = {"version": 8, "name": "sitrep-map offline", "sources": sources, "layers": layers}
    if labels:
        sources["labels"] = {"type": "geojson", "data": _labels()}
        layers.append({"id": "governorate-labels", "type": "symbol", "source": "labels",
                       "layout": {"text-field": ["get", "name"], "text-font": [FONT], "text-size": 11},
                       "paint": {"text-color": "#7a7266", "text-halo-color": "#ffffff", "text-halo-width": 1}})
        style["font-faces"] = {FONT: f"{prefix}/fonts/DejaVuSans.ttf"}
    return style


def online_tiles(url: str | None = None) -> dict:
    """The online basemap for the page: a tile URL template (``SITREP_MAP_TILES`` or OpenStreetMap)."""
    return {"url": url or os.environ.get("SITREP_MAP_TILES") or OSM_TILES,
            "attribution": "© OpenStreetMap contributors", "below": "governorates-line"}
