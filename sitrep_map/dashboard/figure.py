"""The map figure: one Scattermap trace per event type (colour from data/event_colors.csv),
roads as lines, marker size by fatalities. Used by the app and by every export."""
from __future__ import annotations

import html
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..model import event_colors, taxonomy
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


def marker_size(fatalities: pd.Series) -> np.ndarray:
    return (10 + 3 * np.sqrt(fatalities.fillna(0).clip(0, 400).to_numpy(dtype="float32"))).astype("float32")


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
        marker={"size": marker_size(part["fatalities"]), "color": color, "opacity": OPACITY},
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


def _layout(fig: go.Figure, title: str, uirevision: str, height: int | None) -> go.Figure:
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 40, "b": 0}, uirevision=uirevision, height=height,
        title={"text": title, "x": 0.01, "y": 0.985, "font": {"size": 18}},
        legend={"x": 0.01, "y": 0.02, "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.85)",
                "bordercolor": "#999", "borderwidth": 1, "title": {"text": "Event type"}},
        annotations=[{"text": ATTRIBUTION, "x": 0.995, "y": 0.005, "xref": "paper", "yref": "paper",
                      "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                      "font": {"size": 10, "color": "#444"}, "bgcolor": "rgba(255,255,255,0.75)"}],
        template={}, paper_bgcolor="white", showlegend=True,
    )
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
