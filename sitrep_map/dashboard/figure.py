"""The map figure: one Scattermap trace per event type (colour from data/event_colors.csv),
roads as lines, marker size by fatalities. Used by the app and by every export."""
from __future__ import annotations

import html
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..model import event_colors, taxonomy

from .data import typed
from .style import ATTRIBUTION, basemap_style

OPACITY = 0.9
CENTER = {"lat": 34.85, "lon": 38.6}
ZOOM = 6.2
SYRIA_SPAN = (8.0, 6.0)   # degrees of lon, lat to show around Syria


def fit_zoom(width: int, height: int) -> float:
    """The zoom that shows all of Syria in a width x height map (MapLibre's 512 px tiles)."""
    lon_px = width * 360 / (512 * SYRIA_SPAN[0])
    lat_px = height * 360 / (512 * SYRIA_SPAN[1] * 1.22)  # Mercator stretch at 35 N
    return round(float(np.log2(min(lon_px, lat_px))), 2)


def marker_size(fatalities) -> np.ndarray:
    f = np.nan_to_num(np.asarray(fatalities, dtype="float32"))
    return (10 + 3 * np.sqrt(np.clip(f, 0, 400))).astype("float32")


def _hover(df: pd.DataFrame) -> list[str]:
    out = []
    for r in df.itertuples():
        wounded = "" if pd.isna(r.wounded) else f", {int(r.wounded)} wounded"
        actors = " vs ".join(a for a in (r.actor1, r.actor2) if a)
        sentence = "<br>".join(textwrap.wrap(html.escape(r.source_sentence), 70)[:6])
        out.append(f"<b>{html.escape(r.location)}</b> ({html.escape(r.admin1 or '?')}) · {r.event_date}<br>"
                   f"{html.escape(r.sub_event_type)}<br>{html.escape(actors)}<br>"
                   f"{int(r.fatalities)} killed{wounded}<br><i>{sentence}</i>")
    return out


def _groups(df: pd.DataFrame):
    """(event type, colour, its rows) for each type present, in taxonomy order."""
    colors = event_colors()
    shown = df[df["resolved"] & df["latitude"].notna()]
    for etype in taxonomy():
        part = shown[shown["event_type"] == etype]
        if len(part):
            yield etype, colors[etype], part


def _points(trace_cls, etype: str, color: str, part: pd.DataFrame):
    return trace_cls(
        lat=part["latitude"].to_numpy("float32"), lon=part["longitude"].to_numpy("float32"),
        mode="markers", name=f"{etype} ({len(part)})", legendgroup=etype,
        marker={"size": marker_size(part["fatalities"].to_numpy("float32", na_value=0)), "color": color, "opacity": OPACITY},
        customdata=part["event_id_cnty"].to_numpy(), hovertext=_hover(part), hoverinfo="text")


def _lines(geoms) -> tuple[list, list]:
    """Lines or polygon rings as lat/lon lists with None between parts."""
    lat, lon = [], []
    for g in geoms:
        if g is None:
            continue
        parts = getattr(g, "geoms", [g])
        for part in parts:
            rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
            for ring in rings:
                xs, ys = ring.xy
                lon += list(xs) + [None]
                lat += list(ys) + [None]
    return lat, lon


def layout_dict(title: str, uirevision: str, height: int | None) -> dict:
    return dict(
        margin={"l": 0, "r": 0, "t": 40, "b": 0}, uirevision=uirevision, height=height,
        title={"text": title, "x": 0.01, "y": 0.985, "font": {"size": 18}},
        legend={"x": 0.01, "y": 0.02, "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.85)",
                "bordercolor": "#999", "borderwidth": 1, "title": {"text": "Event type"}},
        annotations=[{"text": ATTRIBUTION, "x": 0.995, "y": 0.005, "xref": "paper", "yref": "paper",
                      "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                      "font": {"size": 10, "color": "#444"}, "bgcolor": "rgba(255,255,255,0.75)"}],
        template={}, paper_bgcolor="white", showlegend=True,
    )


def _layout(fig: go.Figure, title: str, uirevision: str, height: int | None) -> go.Figure:
    fig.update_layout(**layout_dict(title, uirevision, height))
    return fig


def figure(df: pd.DataFrame, title: str, inline: bool = False, labels: bool = True,
           uirevision: str = "keep", height: int | None = None, zoom: float = ZOOM) -> go.Figure:
    """The map (MapLibre scattermap) of the resolved incidents in ``df``."""
    traces = []
    roads = df[(df["geometry_kind"] == "line") & df["resolved"]]
    for etype, color, part in _groups(df):
        traces.append(_points(go.Scattermap, etype, color, part))
        lat, lon = _lines(roads[roads["event_type"] == etype].geometry)
        if lat:
            traces.append(go.Scattermap(lat=lat, lon=lon, mode="lines", legendgroup=etype, showlegend=False,
                                        line={"color": color, "width": 3}, hoverinfo="skip"))
    fig = go.Figure(traces)
    fig.update_layout(map={"style": basemap_style(inline=inline, labels=labels), "center": CENTER, "zoom": zoom})
    return _layout(fig, title, uirevision, height)


def figure_geo(df: pd.DataFrame, title: str, height: int | None = None) -> go.Figure:
    """The same map drawn as SVG (scattergeo) with the basemap as traces: no WebGL, no worker,
    so a standalone HTML file draws even when opened from disk (file://)."""
    import geopandas as gpd
    from .style import ASSETS, FILES
    base = []
    # one ring per fill: plotly joins the gaps of a multi-part fill into one shape
    for name, fill, line, width in (("syria", "#fbfaf6", "#555049", 1.6),
                                    ("countries", None, "#8f887c", 0.8),
                                    ("governorates", None, "#b7ae9f", 0.6)):
        lat, lon = _lines(gpd.read_file(ASSETS / "basemap" / FILES[name]).geometry)
        base.append(go.Scattergeo(lat=lat, lon=lon, mode="lines", line={"color": line, "width": width},
                                  fill="toself" if fill else "none", fillcolor=fill, hoverinfo="skip",
                                  showlegend=False))
    roads = df[(df["geometry_kind"] == "line") & df["resolved"]]
    traces = []
    for etype, color, part in _groups(df):
        lat, lon = _lines(roads[roads["event_type"] == etype].geometry)
        if lat:
            traces.append(go.Scattergeo(lat=lat, lon=lon, mode="lines", legendgroup=etype, showlegend=False,
                                        line={"color": color, "width": 3}, hoverinfo="skip"))
        traces.append(_points(go.Scattergeo, etype, color, part))
    fig = go.Figure(base + traces)
    fig.update_geos(visible=False, projection_type="mercator", bgcolor="#efece6",
                    lonaxis_range=[CENTER["lon"] - SYRIA_SPAN[0] / 2, CENTER["lon"] + SYRIA_SPAN[0] / 2],
                    lataxis_range=[CENTER["lat"] - SYRIA_SPAN[1] / 2, CENTER["lat"] + SYRIA_SPAN[1] / 2])
    return _layout(fig, title, "keep", height)


# -- the live map: fixed traces (points + outlines per type) fed from columnar arrays ------------
AGGREGATE_AT = 5000      # more incidents than this in view: draw grid cells, not points
OUTLINES_AT = 1500       # draw precision outlines (radius, governorate, road) up to this many
RING = np.linspace(0, 2 * np.pi, 25, dtype="float32")
OUTLINE_COLOR = "#3d3a35"


def rings(lat: np.ndarray, lon: np.ndarray, km: float) -> tuple[np.ndarray, np.ndarray]:
    """Circles of ``km`` around each point, as one line with a NaN gap after each circle."""
    dlat = np.float32(km / 111.0)
    dlon = dlat / np.maximum(np.cos(np.radians(lat)), 0.1)
    ring_lat = lat[:, None] + dlat * np.sin(RING)[None, :]
    ring_lon = lon[:, None] + dlon[:, None] * np.cos(RING)[None, :]
    gap = np.full((len(lat), 1), np.nan, dtype="float32")
    return (np.hstack([ring_lat, gap]).astype("float32").ravel(),
            np.hstack([ring_lon, gap]).astype("float32").ravel())


def outlines(inc, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Precision drawn: a radius for geo_precision 2, the geometry for roads and governorates."""
    from ..layers import RADIUS_KM
    rows = rows[(inc.precision[rows] >= 2) & inc.resolved[rows]]
    near = rows[inc.point[rows]]
    lat, lon = rings(inc.lat[near], inc.lon[near], RADIUS_KM[2])
    other = rows[~inc.point[rows]]   # roads and governorates: their geometry, read by id
    if len(other):
        a, b = _lines(inc.details(other).geometry)
        lat = np.concatenate([lat, np.array(a, dtype="float32")])   # None -> NaN: a gap
        lon = np.concatenate([lon, np.array(b, dtype="float32")])
    return lat, lon


SHAPES_MAX = 2000   # distinct road/area outlines shipped to the page


def shapes(inc, rows: np.ndarray) -> tuple[np.ndarray, list]:
    """For the page: per row, the index of its outline (road or area geometry) in a list of
    distinct [lat, lon] rings, or -1 (points draw their ring in the page)."""
    index = np.full(len(rows), -1, dtype="int32")
    other = np.flatnonzero((inc.precision[rows] >= 2) & inc.resolved[rows] & ~inc.point[rows])
    if not len(other):
        return index, []
    seen: dict[bytes, int] = {}
    out = []
    for j, g in zip(other, inc.details(rows[other]).geometry):
        if g is None:
            continue
        key = g.wkb
        if key not in seen and len(out) < SHAPES_MAX:
            seen[key] = len(out)
            out.append(list(_lines([g])))
        index[j] = seen.get(key, -1)
    return index, out


def _hovertext(inc, rows: np.ndarray) -> list[str]:
    loc, sub = (inc.html[c][inc.codes[c][rows]] for c in ("location", "sub_event_type"))
    day = inc.iso_days(rows)
    return [f"<b>{a}</b> · {d}<br>{b}<br>{k} killed" for a, b, d, k in zip(loc, sub, day, inc.fatalities[rows].tolist())]


def live_figure(inc, rows: np.ndarray, title: str, view: dict | None = None,
                uirevision: str = "keep") -> tuple[dict, bool]:
    """The dashboard map of ``rows`` (row numbers into the arrays of inc); returns (figure, aggregated).
    Traces: one legend key per type (no data, never changes), then all the points in one trace
    coloured per point, then all the precision outlines in one: a step updates two map sources.
    A plain dict with typed arrays: go.Figure's validation would cost more than the data."""
    colors = event_colors()
    palette = np.array([colors[t] for t in taxonomy()], dtype=object)
    rows = rows[inc.resolved[rows]]
    aggregated = len(rows) > AGGREGATE_AT
    if aggregated:
        types, lat, lon, count = inc.cells(rows)
        size = np.clip(6 + 3 * np.sqrt(count), 6, 40).astype("float32")
        extra = {"hovertext": [f"{c} incidents" for c in count], "customdata": [-1] * len(count)}
        lines = (np.zeros(0, "float32"), np.zeros(0, "float32"))
    else:
        types, lat, lon = inc.codes["event_type"][rows], inc.lat[rows], inc.lon[rows]
        size = marker_size(inc.fatalities[rows])
        # a plain list: Dash drops typed-array customdata from clickData
        extra = {"hovertext": _hovertext(inc, rows), "customdata": rows.tolist()}
        lines = outlines(inc, rows) if len(rows) <= OUTLINES_AT else (np.zeros(0, "float32"),) * 2
    # legend keys on a hidden cartesian corner: not map sources, so a step leaves them alone
    keys = [{"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": etype,
             "marker": {"size": 10, "color": colors[etype], "opacity": OPACITY}, "hoverinfo": "skip"}
            for etype in taxonomy()]
    points = {"type": "scattermap", "lat": typed(lat), "lon": typed(lon), "mode": "markers", "showlegend": False,
              "hoverinfo": "text", "marker": {"size": typed(size), "color": palette[types].tolist(), "opacity": OPACITY},
              **extra}
    edges = {"type": "scattermap", "lat": typed(lines[0]), "lon": typed(lines[1]), "mode": "lines", "showlegend": False,
             "hoverinfo": "skip", "opacity": 0.6, "line": {"color": OUTLINE_COLOR, "width": 2}}
    view = view or {}
    layout = layout_dict(title, uirevision, None)
    layout["legend"].update(itemclick=False, itemdoubleclick=False)   # the type filter is above the map
    layout["xaxis"] = {"visible": False, "domain": [0, 0.001], "fixedrange": True}
    layout["yaxis"] = {"visible": False, "domain": [0, 0.001], "fixedrange": True}
    layout["map"] = {"style": basemap_style(),   # online tiles are a layer the page adds (app.js)
                     "center": {"lat": view.get("lat", CENTER["lat"]), "lon": view.get("lon", CENTER["lon"])},
                     "zoom": view.get("zoom", ZOOM)}
    return {"data": [*keys, points, edges], "layout": layout}, aggregated


# -- static snapshot extras ----------------------------------------------------------------------
SCALE_KM = (1, 2, 5, 10, 20, 50, 100, 200, 500)


def add_scale_bar(fig: go.Figure, zoom: float, map_px: int, paper_px: int) -> None:
    """A scale bar at the bottom of a map ``map_px`` wide in a figure ``paper_px`` wide
    (MapLibre: 512 px tiles)."""
    lat = fig.layout.map.center.lat or CENTER["lat"]
    km_per_px = 40075.0 * np.cos(np.radians(lat)) / (512 * 2 ** zoom)
    km = max([k for k in SCALE_KM if k / km_per_px <= map_px * 0.15] or [SCALE_KM[0]])
    frac = km / km_per_px / paper_px
    x0, y0 = 0.25 * map_px / paper_px, 0.03
    fig.add_shape(type="line", xref="paper", yref="paper", x0=x0, x1=x0 + frac, y0=y0, y1=y0,
                  line={"color": "#222", "width": 3})
    fig.add_annotation(text=f"{km} km", x=x0 + frac / 2, y=y0, xref="paper", yref="paper", yanchor="bottom",
                       showarrow=False, font={"size": 12, "color": "#222"}, bgcolor="rgba(255,255,255,0.75)")


def add_incident_list(fig: go.Figure, df: pd.DataFrame, split: float, rows: int = 40) -> None:
    """The incidents as a table beside the map (the map keeps the left ``split`` of the width)."""
    df = df.sort_values(["event_date", "fatalities"], ascending=[True, False]).head(rows)
    fig.update_layout(map={"domain": {"x": [0, split - 0.01], "y": [0, 1]}},
                      legend={"x": 0.01, "y": 0.02})
    fig.add_trace(go.Table(
        domain={"x": [split, 1], "y": [0, 0.94]}, columnwidth=[70, 150, 110, 40],
        header={"values": ["Date", "Type", "Place", "Killed"], "align": "left",
                "fill": {"color": "#2f2c28"}, "font": {"color": "white", "size": 11}},
        cells={"values": [df["event_date"], df["sub_event_type"], df["location"], df["fatalities"]],
               "align": "left", "font": {"size": 10}, "height": 20}))
