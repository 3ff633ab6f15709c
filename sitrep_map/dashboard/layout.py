"""The page: header, time controls, filters, map with its timeline, side panel."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from dash import dash_table, dcc, html

from ..model import event_colors, taxonomy
from .data import Incidents, iso_day
from .style import online_tiles

MAX_MARKS = 6
SPEEDS = {"1 day/s": 1000, "2 days/s": 500, "5 days/s": 200, "10 days/s": 100}
WINDOW_LABELS = {"day": "the day", "7": "last 7 days", "30": "last 30 days", "since": "since…"}
EXPORTS = [("png", "PNG"), ("svg", "SVG"), ("pdf", "PDF"), ("html", "HTML"), ("geojson", "GeoJSON"),
           ("csv", "CSV"), ("gpkg", "GeoPackage")]
TABLE_COLUMNS = [("event_date", "Date"), ("sub_event_type", "Type"), ("location", "Place"),
                 ("fatalities", "Killed")]


BARS_UP_TO = 400   # days; a longer timeline is drawn as stacked steps (thousands of bars redraw slowly)


def timeline(inc: Incidents) -> go.Figure:
    days, counts = inc.per_day()
    x = [iso_day(d) for d in days]
    colors = event_colors()
    bars = len(days) <= BARS_UP_TO
    traces = []
    for i, t in enumerate(taxonomy()):
        if not counts[i].any():
            continue
        common = {"x": x, "y": counts[i], "name": t, "showlegend": False,
                  "hovertemplate": "%{x|%Y-%m-%d}: %{y} " + t + "<extra></extra>"}
        traces.append(go.Bar(**common, marker={"color": colors[t], "line": {"width": 0}}) if bars else
                      go.Scatter(**common, stackgroup="types", mode="lines", fillcolor=colors[t],
                                 line={"color": colors[t], "width": 0, "shape": "hv"}))
    fig = go.Figure(traces)
    fig.update_layout(barmode="stack", bargap=0, margin={"l": 40, "r": 10, "t": 4, "b": 24}, height=110,
                      dragmode="select", selectdirection="h", template={}, uirevision="keep",
                      xaxis={"type": "date", "tickformat": "%Y-%m-%d", "fixedrange": False},
                      yaxis={"fixedrange": True, "title": {"text": "per day", "font": {"size": 10}}},
                      shapes=[{"type": "rect", "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
                               "x0": x[-1] if x else None, "x1": x[-1] if x else None,
                               "fillcolor": "rgba(47,44,40,0.18)", "line": {"width": 1, "color": "#2f2c28"}}],
                      paper_bgcolor="white", plot_bgcolor="white")
    return fig


def marks(inc: Incidents) -> dict:
    lo, hi = inc.first_day, inc.last_day
    step = max(1, (hi - lo) // MAX_MARKS)
    days = [d for d in range(lo, hi, step) if hi - d >= step * 0.6] + [hi]  # no label on top of the last
    return {d: {"label": iso_day(d)} for d in days}


def first_figure(inc: Incidents) -> dict:
    """The basemap, legend and two empty map traces: the page draws the points and the title
    (assets/app.js) over it."""
    from .figure import live_figure
    return live_figure(inc, np.zeros(0, "int64"), "", uirevision="")[0]


def db_info(inc: Incidents, db_name: str) -> str:
    n_unres = int((~inc.resolved).sum())
    return (f"{db_name}: {len(inc):,} incidents, {iso_day(inc.first_day)} to {iso_day(inc.last_day)}, "
            f"{n_unres:,} unresolved places")


def ingest_panel() -> html.Details:
    """Paste or upload a report, preview what it gives, commit it to the store."""
    return html.Details(id="ingest-box", className="panel", children=[
        html.Summary("Add a report"),
        dcc.Upload(id="upload", className="upload", multiple=False, accept=".txt,text/plain",
                   children=html.Div(["Drop a .txt report here or ", html.A("choose a file")])),
        dcc.Textarea(id="report-text", className="report-text", value="",
                     placeholder="…or paste the report text (English; a title like "
                                 "'Military Situation in Syria on July 8, 2020' gives its date)"),
        html.Div(id="date-box", className="date-box", style={"display": "none"}, children=[
            html.Label(["Report date ", dcc.Input(id="report-date", type="text", placeholder="YYYY-MM-DD",
                                                  debounce=False, className="report-date")]),
        ]),
        html.Div(className="ingest-buttons", children=[
            html.Button("Preview", id="btn-preview", n_clicks=0),
            html.Button("Commit to the database", id="btn-commit", n_clicks=0, disabled=True),
        ]),
        html.Div(id="ingest-msg", className="ingest-msg"),
        html.Div(id="preview", className="preview"),
        dcc.Store(id="pending-report"),
    ])


def review_panel() -> html.Details:
    return html.Details(id="review-box", className="panel", children=[
        html.Summary(id="review-title", children="Resolve places"),
        html.Div(id="review-msg", className="ingest-msg"),
        html.Ul(id="review-list", className="review-list"),
    ])


def _dropdown(cid: str, placeholder: str, values: list[str]) -> dcc.Dropdown:
    """Every value is an option from the start: the dropdown drops a value (from the URL) it lacks."""
    return dcc.Dropdown(id=cid, multi=True, placeholder=placeholder, className="filter", value=[],
                        options=[{"label": v, "value": v} for v in values if v])


def layout(inc: Incidents, db_name: str, tiles: dict | None = None) -> html.Div:
    return html.Div(className="page", children=[
        dcc.Location(id="url", refresh=False),
        html.Header([
            html.H1("sitrep-map"),
            html.Span(db_info(inc, db_name), id="db-info"),
        ]),
        html.Section(className="controls", children=[
            html.Div(className="time-box", children=[
                html.Button("▶ Play", id="play", n_clicks=0, className="play", title="play / pause"),
                dcc.Dropdown(id="speed", options=[{"label": k, "value": v} for k, v in SPEEDS.items()],
                             value=500, clearable=False, className="speed", searchable=False),
                dcc.Interval(id="tick", interval=500, disabled=True),
            ]),
            html.Div(className="slider-box", children=[
                html.Div(id="day-label", className="day-label"),
                dcc.Slider(id="day", min=inc.first_day, max=inc.last_day, step=1, value=inc.last_day,
                           marks=marks(inc), updatemode="mouseup", included=False,
                           tooltip={"placement": "top", "transform": "isoDay"}, allow_direct_input=False),
            ]),
            html.Div(className="window-box", children=[
                dcc.RadioItems(id="window", value="day", className="window", inline=True,
                               options=[{"label": v, "value": k} for k, v in WINDOW_LABELS.items()]),
                dcc.DatePickerSingle(id="since", date=None, display_format="YYYY-MM-DD",
                                     min_date_allowed=iso_day(inc.first_day),
                                     max_date_allowed=iso_day(inc.last_day), placeholder="start date",
                                     className="since"),
            ]),
        ]),
        html.Section(className="filters", children=[
            dcc.Checklist(id="types", options=[], value=list(taxonomy()), className="types",
                          inputClassName="type-box"),
            _dropdown("subs", "sub-event types", inc.labels["sub_event_type"]),
            _dropdown("actors", "actors", inc.labels["actor"]),
            _dropdown("govs", "governorates", inc.labels["admin1"]),
            html.Label(["killed ≥ ", dcc.Input(id="minfat", type="number", min=0, step=1, value=0,
                                               debounce=True, className="minfat")]),
            dcc.RadioItems(id="places", value="all", inline=True, className="places", options=[]),
            dcc.RadioItems(id="basemap", value="offline", inline=True, className="basemap", options=[
                {"label": "offline basemap", "value": "offline"},
                {"label": "online tiles (OpenStreetMap)", "value": "online"}]),
        ]),
        html.Main(children=[
            html.Div(className="map-box", children=[
                # a whole figure from the start (never undefined); the title is drawn over it
                html.Div(className="map-wrap", children=[
                    html.Div(id="map-title", className="map-title"),
                    dcc.Graph(id="map", className="map", config={"displaylogo": False, "scrollZoom": True},
                              figure=first_figure(inc),
                              style={"height": "calc(100vh - 330px)", "minHeight": "380px"})]),
                dcc.Graph(id="timeline", figure=timeline(inc), className="timeline",
                          config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d"]}),
                html.Div(className="exports", children=[
                    html.Span("Export view:"),
                    *[html.Button(label, id=f"btn-{fmt}", n_clicks=0) for fmt, label in EXPORTS],
                    dcc.Checklist(id="with-list", options=[{"label": "incident list beside the map",
                                                            "value": "list"}], value=[], inline=True),
                    dcc.Download(id="download"),
                    html.Span(id="export-msg", className="export-msg"),
                ]),
            ]),
            html.Aside(className="side", children=[
                ingest_panel(),
                review_panel(),
                html.H2("Incident"),
                html.Div(id="card", className="card", children="Click a marker or a row for its details."),
                html.H2(id="table-title", children="Incidents in view"),
                dash_table.DataTable(id="table", columns=[{"name": n, "id": c} for c, n in TABLE_COLUMNS],
                                     data=[], page_size=12, sort_action="native", style_as_list_view=True,
                                     style_cell={"fontSize": 12, "fontFamily": "DejaVu Sans, sans-serif",
                                                 "textAlign": "left", "padding": "2px 4px",
                                                 "maxWidth": 140, "overflow": "hidden",
                                                 "textOverflow": "ellipsis"},
                                     style_header={"fontWeight": "bold"}),
                html.H2(id="unresolved-title", children="Unresolved places"),
                html.Ul(id="unresolved", className="unresolved"),
            ]),
        ]),
        dcc.Store(id="view"),
        dcc.Store(id="query"),
        dcc.Store(id="points"),
        dcc.Store(id="server-map"),
        dcc.Store(id="version", data={"n": 0}),
        dcc.Store(id="tiles", data=tiles or online_tiles()),
    ])
