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

CENTER = {"lat": 34.85, "lon": 38.6}
ZOOM = 6.2
SYRIA_SPAN = (8.0, 6.0)   # degrees of lon, lat to show around Syria


def fit_zoom(width: int, height: int) -> float:
    """The zoom that shows all of Syria in a width x height map (MapLibre's 512 px tiles)."""
    lon_px = width * 360 / (512 * SYRIA_SPAN[0])
    lat_px = height * 360 / (512 * SYRIA_SPAN[1] * 1.22)  # Mercator stretch at 35 N
    return round(float(np.log2(min(lon_px, lat_px))), 2)


def marker_size(fatalities: pd.Series) -> np.ndarray:
    return (8 + 3 * np.sqrt(fatalities.fillna(0).clip(0, 400).to_numpy(dtype="float32"))).astype("float32")


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


def figure(df: pd.DataFrame, title: str, inline: bool = False, labels: bool = True,
           uirevision: str = "keep", height: int | None = None, zoom: float = ZOOM) -> go.Figure:
    """The map of the incidents in ``df`` (resolved rows are drawn; others are listed elsewhere)."""
    colors = event_colors()
    shown = df[df["resolved"] & df["latitude"].notna()]
    traces = []
    roads = shown[shown["geometry_kind"] == "line"] if "geometry_kind" in shown else shown.iloc[:0]
    for etype in taxonomy():
        part = shown[shown["event_type"] == etype]
        if part.empty:
            continue
        traces.append(go.Scattermap(
            lat=part["latitude"].to_numpy("float32"), lon=part["longitude"].to_numpy("float32"),
            mode="markers", name=f"{etype} ({len(part)})", legendgroup=etype,
            marker={"size": marker_size(part["fatalities"]), "color": colors[etype], "opacity": 0.85},
            customdata=part["event_id_cnty"].to_numpy(), hovertext=_hover(part), hoverinfo="text",
        ))
        rp = roads[roads["event_type"] == etype]
        if len(rp):
            lat, lon = [], []
            for g in rp.geometry:
                xs, ys = g.xy
                lon += list(xs) + [None]
                lat += list(ys) + [None]
            traces.append(go.Scattermap(lat=lat, lon=lon, mode="lines", legendgroup=etype, showlegend=False,
                                        line={"color": colors[etype], "width": 3}, hoverinfo="skip"))
    fig = go.Figure(traces)
    fig.update_layout(
        map={"style": basemap_style(inline=inline, labels=labels), "center": CENTER, "zoom": zoom},
        margin={"l": 0, "r": 0, "t": 40, "b": 0}, uirevision=uirevision, height=height,
        title={"text": title, "x": 0.01, "y": 0.985, "font": {"size": 18}},
        legend={"x": 0.01, "y": 0.02, "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.85)",
                "bordercolor": "#999", "borderwidth": 1, "title": {"text": "Event type"}},
        annotations=[{"text": ATTRIBUTION, "x": 0.995, "y": 0.005, "xref": "paper", "yref": "paper",
                      "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                      "font": {"size": 10, "color": "#444"}, "bgcolor": "rgba(255,255,255,0.75)"}],
        template={}, paper_bgcolor="white",
    )
    return fig
