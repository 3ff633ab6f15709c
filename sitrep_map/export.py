"""Exports of a selection of incidents: data formats and map snapshots. Snapshots are drawn by
the same figure code as the dashboard (dashboard/figure.py), with the basemap inlined."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from .model import ACLED_ORDER, COLUMNS, disorder_type

LIST_SPLIT = 0.64   # share of the image width for the map when the incident list is beside it
FORMATS = ("geojson", "csv", "gpkg", "png", "svg", "pdf", "html")


class ExportError(RuntimeError):
    pass


def acled_frame(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """ACLED's columns first, in ACLED's order, then ours."""
    df = pd.DataFrame(gdf.drop(columns="geometry"))
    df["year"] = df["event_date"].str[:4]
    df["disorder_type"] = df["sub_event_type"].map(disorder_type()).fillna("")
    df["iso"] = df["country"].map({"Syria": 760, "Turkey": 792, "Iraq": 368, "Lebanon": 422,
                                   "Jordan": 400, "Israel": 376}).astype("Int64")
    df["region"] = "Middle East"
    df["interaction"] = df["inter1"] + df["inter2"].map(lambda s: f"-{s}" if s else "")
    df["source"] = "sitrep-map report " + df["report_id"]
    for col in ACLED_ORDER:
        if col not in df:
            df[col] = ""
    ours = [c for c in COLUMNS if c not in ACLED_ORDER]
    return df[ACLED_ORDER + ours]


def title_for(gdf: gpd.GeoDataFrame, date: str | None = None, start: str | None = None,
              end: str | None = None, area: str = "Syria") -> str:
    """"Situation in <area> on <date>" (or "from A to B"), as the dashboard titles its view."""
    lo = date or start or (gdf["event_date"].min() if len(gdf) else "")
    hi = date or end or (gdf["event_date"].max() if len(gdf) else "")
    return f"Situation in {area} on {lo}" if lo == hi else f"Situation in {area} from {lo} to {hi}"


def geojson_text(gdf: gpd.GeoDataFrame) -> str:
    fc = json.loads(gdf.to_json(na="null", drop_id=True))
    fc["name"] = "sitrep-map incidents"
    return json.dumps(fc, ensure_ascii=False)


def write(gdf: gpd.GeoDataFrame, fmt: str, out: Path, title: str, incident_list: bool = False) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    if fmt == "geojson":
        tmp.write_text(geojson_text(gdf), encoding="utf-8")
    elif fmt == "csv":
        acled_frame(gdf).to_csv(tmp, index=False)
    elif fmt == "gpkg":
        tmp = out.with_name(out.stem + ".part.gpkg")
        pyogrio.write_dataframe(gdf[list(COLUMNS) + ["geometry"]], tmp, layer="incidents",
                                geometry_type="Unknown", promote_to_multi=False)
    elif fmt in ("png", "svg", "pdf"):
        tmp.write_bytes(image_bytes(gdf, title, fmt, incident_list=incident_list))
    elif fmt == "html":
        tmp.write_text(html_text(gdf, title), encoding="utf-8")
    else:
        raise ExportError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    os.replace(tmp, out)
    return out


def html_text(gdf: gpd.GeoDataFrame, title: str) -> str:
    """A standalone HTML file: plotly.js and the basemap inlined, no request to any host; SVG
    (scattergeo), because Chromium refuses MapLibre's worker in pages opened from file://."""
    from .dashboard.figure import figure_geo
    fig = figure_geo(gdf, title)
    return fig.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False},
                       default_width="100%", default_height="100vh")


def image_bytes(gdf: gpd.GeoDataFrame, title: str, fmt: str = "png", width: int = 1400,
                height: int = 1000, incident_list: bool = False) -> bytes:
    """A static snapshot through kaleido and the system's Chromium (offline): legend, scale bar,
    attribution, and optionally the incident list beside the map."""
    from .dashboard.figure import add_incident_list, add_scale_bar, figure, fit_zoom
    import plotly.io as pio
    _find_chromium()
    map_width = int(width * LIST_SPLIT) if incident_list else width
    zoom = fit_zoom(map_width, height - 40)
    fig = figure(gdf, title, inline=True, labels=False, height=height, zoom=zoom)
    add_scale_bar(fig, zoom, map_width, width)
    if incident_list:
        add_incident_list(fig, gdf, LIST_SPLIT)
    try:
        return pio.to_image(fig, format=fmt, width=width, height=height)
    except Exception as e:
        raise ExportError(f"{fmt.upper()} export failed: {e}") from e


def _find_chromium() -> None:
    if os.environ.get("BROWSER_PATH"):
        return
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            os.environ["BROWSER_PATH"] = path
            return
    raise ExportError("image export needs Chromium: install it (Debian: apt-get install chromium) "
                      "or set BROWSER_PATH")
