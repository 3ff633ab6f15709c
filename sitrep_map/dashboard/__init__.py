"""The Dash app: the dated map update of a GeoPackage store."""
from __future__ import annotations

import json
from pathlib import Path

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from ..export import html_text, title_for
from ..model import event_colors, taxonomy
from ..store import Store, select
from .figure import figure
from .style import ASSETS

MAX_MARKS = 8


def create_app(db: str | Path) -> dash.Dash:
    gdf = Store(db).incidents()
    days = sorted(gdf["event_date"].unique())
    app = dash.Dash(__name__, assets_folder=str(ASSETS), title="sitrep-map",
                    serve_locally=True, update_title=None)
    app.layout = layout(gdf, days, Path(db).name)
    register(app, gdf, days)
    return app


def layout(gdf: pd.DataFrame, days: list[str], db_name: str) -> html.Div:
    colors = event_colors()
    present = [t for t in taxonomy() if (gdf["event_type"] == t).any()]
    step = max(1, len(days) // MAX_MARKS)
    marks = {i: {"label": d[5:]} for i, d in enumerate(days) if i % step == 0 or i == len(days) - 1}
    options = [{"label": html.Span([html.Span(className="swatch", style={"background": colors[t]}), t]),
                "value": t} for t in present]
    return html.Div(className="page", children=[
        html.Header([
            html.H1("sitrep-map"),
            html.Span(f"{db_name}: {len(gdf)} incidents, {len(days)} days, "
                      f"{int((~gdf['resolved']).sum())} unresolved places", id="db-info"),
        ]),
        html.Section(className="controls", children=[
            html.Div(className="slider-box", children=[
                html.Div(id="day-label", className="day-label"),
                dcc.Slider(id="day", min=0, max=max(len(days) - 1, 0), step=1,
                           value=max(len(days) - 1, 0), marks=marks, updatemode="drag",
                           tooltip=None, included=False, allow_direct_input=False),
            ]),
            dcc.Checklist(id="types", options=options, value=present, className="types",
                          inputClassName="type-box"),
            html.Div(className="exports", children=[
                html.Button("PNG snapshot", id="btn-png", n_clicks=0),
                html.Button("HTML map", id="btn-html", n_clicks=0),
                dcc.Download(id="download"),
            ]),
        ]),
        html.Main(children=[
            dcc.Graph(id="map", className="map", config={"displaylogo": False, "scrollZoom": True},
                      style={"height": "calc(100vh - 150px)"}),
            html.Aside(className="side", children=[
                html.H2("Incident"),
                html.Div(id="card", className="card", children="Click a marker for its details."),
                html.H2("Unresolved places"),
                html.Ul(id="unresolved", className="unresolved"),
            ]),
        ]),
        dcc.Store(id="day-iso"),
    ])


def card(row: pd.Series) -> list:
    wounded = "not stated" if pd.isna(row["wounded"]) else int(row["wounded"])
    equipment = ", ".join(f"{e['count']} {e['item']} {e['state']}" for e in json.loads(row["equipment"])) \
        if row["equipment"] else "none stated"
    where = (f"{row['location']} ({row['admin1']}), {row['latitude']:.4f}, {row['longitude']:.4f}, "
             f"precision {row['geo_precision']}") if row["resolved"] else "unresolved"
    items = [("Type", f"{row['event_type']} / {row['sub_event_type']}"), ("Date", row["event_date"]),
             ("Actors", " vs ".join(a for a in (row["actor1"], row["actor2"]) if a) or "-"),
             ("Killed", int(row["fatalities"])), ("Wounded", wounded), ("Equipment", equipment),
             ("Written", row["place_query"]), ("Resolved", where),
             ("Civilians", row["civilian_targeting"] or "-"), ("Id", row["event_id_cnty"])]
    return [html.Dl([x for k, v in items for x in (html.Dt(k), html.Dd(str(v)))]),
            html.Blockquote(row["source_sentence"], className="sentence")]


def register(app: dash.Dash, gdf: pd.DataFrame, days: list[str]) -> None:
    by_id = gdf.set_index("event_id_cnty", drop=False)

    def current(day: int, types: list[str]) -> tuple[str, pd.DataFrame]:
        iso = days[day] if days else ""
        return iso, select(gdf, date=iso, types=types or ["-"])

    @app.callback(Output("map", "figure"), Output("day-label", "children"), Output("unresolved", "children"),
                  Output("day-iso", "data"), Input("day", "value"), Input("types", "value"))
    def update(day, types):
        iso, sub = current(day or 0, types)
        title = title_for(sub, date=iso) if iso else "No incidents stored"
        fig = figure(sub, title)
        missing = sub[~sub["resolved"]]
        items = [html.Li([html.B(r.place_query or "(no place named)"), f" · {r.sub_event_type}",
                          html.Div(r.source_sentence, className="sentence")]) for r in missing.itertuples()]
        label = [html.B(iso or "-"), f" · {int(sub['resolved'].sum())} on the map",
                 f" · {len(missing)} unresolved" if len(missing) else ""]
        return fig, label, items or [html.Li("none", className="none")], iso

    @app.callback(Output("card", "children"), Input("map", "clickData"), prevent_initial_call=True)
    def show(click):
        try:
            eid = click["points"][0]["customdata"]
        except (TypeError, KeyError, IndexError):
            return dash.no_update
        return card(by_id.loc[eid]) if eid in by_id.index else "Not found."

    @app.callback(Output("download", "data"), Input("btn-html", "n_clicks"),
                  State("day", "value"), State("types", "value"), prevent_initial_call=True)
    def download_html(_, day, types):
        iso, sub = current(day or 0, types)
        return dcc.send_string(html_text(sub, title_for(sub, date=iso)), f"situation-{iso}.html")

    app.clientside_callback(
        """function(n, iso) {
            if (!n) { return window.dash_clientside.no_update; }
            const gd = document.querySelector('#map .js-plotly-plot');
            Plotly.downloadImage(gd, {format: 'png', width: 1400, height: 1000,
                                      filename: 'situation-' + (iso || 'map')});
            return '';
        }""",
        Output("btn-png", "title"), Input("btn-png", "n_clicks"), State("day-iso", "data"),
        prevent_initial_call=True,
    )
