"""Server callbacks: URL <-> controls, the map, counts and table, details, exports."""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import dash
import numpy as np
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html

from ..layers import RADIUS_KM
from ..model import event_colors, taxonomy
from .data import CLIENT_MAX, Live, day_number, iso_day, typed
from .figure import AGGREGATE_AT, OPACITY, OUTLINE_COLOR, OUTLINES_AT, live_figure, shapes
from .ingest_ui import register_ingest
from .layout import EXPORTS, TABLE_COLUMNS
from .state import CONTROLS, describe, from_search, query, to_search

TABLE_ROWS = 500
UNRESOLVED_ROWS = 100
CONTROL_INPUTS = [Input(cid, "date" if cid == "since" else "value") for cid in CONTROLS]
CONTROL_OUTPUTS = [Output(cid, "date" if cid == "since" else "value") for cid in CONTROLS]
FILTERS = ("types", "subs", "govs", "actors", "minfat", "places")   # what the page's arrays depend on


def _values(args) -> dict:
    return dict(zip(CONTROLS, args))


def _view(relayout: dict | None) -> dict | None:
    try:
        c = relayout["map.center"]
        return {"lat": c["lat"], "lon": c["lon"], "zoom": relayout["map.zoom"]}
    except (TypeError, KeyError):
        return None


def _brush(selected: dict | None, relayout: dict | None) -> tuple[str, str] | None:
    """The date range brushed on the timeline (box select or x zoom)."""
    try:
        if ctx.triggered_id == "timeline" and "selectedData" in ctx.triggered[0]["prop_id"]:
            a, b = selected["range"]["x"]
        else:
            a, b = relayout["xaxis.range[0]"], relayout["xaxis.range[1]"]
    except (TypeError, KeyError):
        return None
    return str(a)[:10], str(b)[:10]


def register(app: dash.Dash, live: Live, client_max: int = CLIENT_MAX) -> None:
    all_types = list(taxonomy())

    @app.callback(Output("url", "search"), *CONTROL_OUTPUTS, Output("view", "data"),
                  Input("url", "search"), *CONTROL_INPUTS, Input("map", "relayoutData"),
                  Input("timeline", "selectedData"), Input("timeline", "relayoutData"),
                  State("url", "search"))
    def sync(search, *args):
        """One owner for the URL and the controls: the URL sets the controls (on load and on the
        back button); a control, a map move or a brush on the timeline sets the URL."""
        values = _values(args[:len(CONTROLS)])
        map_relayout, selected, tl_relayout, current = args[len(CONTROLS):]
        first, last = live.inc.first_day, live.inc.last_day
        keep = [dash.no_update] * len(CONTROLS)
        trig = ctx.triggered_id
        if trig is None and search is None:
            # the page's first call, before dcc.Location has read the address: its own call follows.
            # Answering now with defaults could land after that one and undo the URL's view
            raise dash.exceptions.PreventUpdate
        # the date picker reports an empty date when it mounts (the user cannot clear it): that is
        # not a choice, and this call may replace the first one (Dash keeps the newest answer)
        mounting = {t["prop_id"] for t in ctx.triggered} == {"since.date"} and values["since"] is None
        if trig in (None, "url") or mounting:
            values, view = from_search(search, last, all_types)
            values["day"] = min(max(values["day"], first), last)
            return dash.no_update, *[values[c] for c in CONTROLS], {**(view or {}), "n": time.time()}
        in_url, view = from_search(current, last, all_types)
        if trig == "map":  # only the view changes: the controls may not have caught up with the URL yet
            moved = _view(map_relayout)
            new = to_search(in_url, moved, all_types) if moved else current
            return (new if new != current else dash.no_update), *keep, dash.no_update
        elif trig == "timeline":
            span = _brush(selected, tl_relayout)
            if span is None:
                return dash.no_update, *keep, dash.no_update
            a, b = sorted(min(max(day_number(x), first), last) for x in span)
            values = {**in_url, "window": "since", "since": iso_day(a), "day": b}
            new = to_search(values, view, all_types)
            return new, *[values[c] if c in ("window", "since", "day") else dash.no_update
                          for c in CONTROLS], dash.no_update
        # only the controls that changed go into the URL: the others may still be catching up with it
        changed = {c: values[c] for c in {t["prop_id"].split(".")[0] for t in ctx.triggered} if c in CONTROLS}
        new = to_search({**in_url, **changed}, view, all_types)
        return (new if new != current else dash.no_update), *keep, dash.no_update

    @app.callback(Output("points", "data"), *[Input(c, "value") for c in FILTERS], Input("version", "data"))
    def points(*args):
        """The filtered incidents of all days for the page, which then draws each step itself
        (assets/app.js, sitrep.fromPack / fromTime). Above client_max stored the server draws
        every step."""
        inc = live.inc
        if len(inc) > client_max:
            return None
        q = query({**dict(zip(FILTERS, args)), "day": inc.last_day})
        colors = event_colors()
        rows, pack = inc.pack(q)
        shape, outlines = shapes(inc, rows)
        return {**pack, "filters": list(args[:len(FILTERS)]), "version": (args[-1] or {}).get("n", 0), "shape": typed(shape), "shapes": outlines,
                "types": all_types,
                "colors": [colors[t] for t in all_types], "aggregate_at": AGGREGATE_AT,
                "outlines_at": OUTLINES_AT, "ring_km": RADIUS_KM[2], "opacity": OPACITY,
                "outline_color": OUTLINE_COLOR,
                "area": describe(q)[0]}

    @app.callback(Output("server-map", "data"), Output("query", "data"),
                  Input("day", "drag_value"), *CONTROL_INPUTS, Input("view", "data"), Input("version", "data"))
    def draw(drag, *args):
        """The map from the server, for the page's draw (assets/app.js, the one writer of the figure
        and the label): the whole figure on load, view, basemap or a commit; the traces on a step or a
        filter change, unless the page holds the arrays (up to CLIENT_MAX stored) and draws those
        itself: then the server only passes the query on to the counts and table."""
        inc = live.inc
        client = len(inc) <= client_max
        version = args[-1] or {}
        args = args[:-1]
        values = _values(args[:len(CONTROLS)])
        fired = {t["prop_id"] for t in ctx.triggered}
        dragging = fired == {"day.drag_value"}
        whole = ctx.triggered_id is None or bool(fired & {"view.data", "basemap.value", "version.data", "."})
        by_page = client and not whole    # the page draws steps and filters from its arrays
        if dragging and drag is not None:
            values["day"] = drag
        view = args[-1] or {}
        if values["day"] is None:
            return dash.no_update, dash.no_update
        q = query(values)
        area, when = describe(q)
        query_data = {**values, "area": area, "when": when, "version": version.get("n", 0)}
        if by_page:  # the counts, table and timeline follow
            return dash.no_update, (dash.no_update if dragging else query_data)
        rows = inc.rows(q)
        title = f"Situation in {area} {when}"
        fig, aggregated = live_figure(inc, rows, title, view=view, uirevision=str(view.get("n", "")))
        if not whole:
            # a step: only the traces and the title change. The layout (basemap style, view) stays
            # the same object in the page, so MapLibre keeps its style and sources
            out = {"traces": fig["data"], "title": title}
        else:
            out = {"figure": fig}
        if not client:  # else the page writes the label, with the points
            shown = int(inc.resolved[rows].sum())
            out["label"] = [html.B(when.split(" ", 1)[1] if q.span()[0] == q.span()[1] else when),
                            f" · {shown:,} on the map",
                            f" · {len(rows) - shown:,} unresolved" if len(rows) > shown else "",
                            " · aggregated in 0.1° cells" if aggregated else ""]
        out["n"] = time.time()   # every answer is news to the page, even the same figure again
        # what it was drawn for: the page drops an answer overtaken by newer controls
        out["for"] = [values["day"], values["window"], values["since"], *[values[c] for c in FILTERS]]
        if dragging:  # the counts, table and timeline follow on release, not on every step of a drag
            return out, dash.no_update
        return out, query_data

    @app.callback(Output("types", "options"), Output("subs", "options"), Output("actors", "options"),
                  Output("govs", "options"), Output("places", "options"), Output("table", "data"),
                  Output("table-title", "children"), Output("unresolved", "children"),
                  Output("unresolved-title", "children"), Output("timeline", "figure"),
                  Input("query", "data"))
    def side(values):
        if not values:
            raise dash.exceptions.PreventUpdate
        inc = live.inc
        q = query(values)
        colors = event_colors()
        n = {col: inc.counts(q, col) for col in ("event_type", "sub_event_type", "actor", "admin1", "resolved")}
        types = [{"label": html.Span([html.Span(className="swatch", style={"background": colors[t]}),
                                      f"{t} ({n['event_type'].get(t, 0):,})"]), "value": t} for t in all_types]
        opts = [[{"label": f"{k} ({v:,})", "value": k} for k, v in sorted(n[col].items(), key=lambda kv: -kv[1])]
                for col in ("sub_event_type", "actor", "admin1")]
        r = n["resolved"]
        places = [{"label": f"all ({r['resolved'] + r['unresolved']:,})", "value": "all"},
                  {"label": f"resolved ({r['resolved']:,})", "value": "resolved"},
                  {"label": f"unresolved ({r['unresolved']:,})", "value": "unresolved"}]
        rows = inc.rows(q)
        shown = rows[-TABLE_ROWS:][::-1]   # from the arrays in memory: no read
        table = [{"event_date": d, "sub_event_type": s, "location": p, "fatalities": int(k), "row": int(r),
                  "lat": None if np.isnan(a) else float(a), "lon": None if np.isnan(b) else float(b)}
                 for d, s, p, k, r, a, b in zip(
                     inc.iso_days(shown), inc.names["sub_event_type"][inc.codes["sub_event_type"][shown]],
                     inc.names["location"][inc.codes["location"][shown]], inc.fatalities[shown], shown,
                     inc.lat[shown], inc.lon[shown])]
        missing = rows[~inc.resolved[rows]]
        f = inc.details(missing[:UNRESOLVED_ROWS])   # the sentences: read by id
        items = [html.Li([html.B(r.place_query or "(no place named)"), f" · {r.event_date} · {r.sub_event_type}",
                          html.Div(r.source_sentence, className="sentence")])
                 for r in f.itertuples()]
        lo, hi = q.span()
        tl = dash.Patch()
        tl["layout"]["shapes"][0].update({"x0": iso_day(lo) + " 00:00", "x1": iso_day(hi) + " 23:59"})
        return (types, *opts, places, table,
                f"Incidents in view ({len(rows):,}{', newest ' + str(TABLE_ROWS) if len(rows) > TABLE_ROWS else ''})",
                items or [html.Li("none", className="none")], f"Unresolved places ({len(missing):,})", tl)

    @app.callback(Output("card", "children"), Input("map", "clickData"), Input("table", "active_cell"),
                  State("table", "derived_viewport_data"), prevent_initial_call=True)
    def show(click, cell, page):
        inc = live.inc
        try:
            if ctx.triggered_id == "map":
                row = int(click["points"][0]["customdata"])
            else:
                row = int(page[cell["row"]]["row"])
        except (TypeError, KeyError, IndexError, ValueError):
            return dash.no_update
        if row < 0 or row >= len(inc):
            return "An aggregated cell: zoom in or narrow the window to see single incidents."
        r = inc.details([row]).iloc[0]
        return card(r, {r["report_id"]: inc.report_text(r["report_id"])})

    @app.callback(Output("download", "data"), Output("export-msg", "children"),
                  *[Input(f"btn-{fmt}", "n_clicks") for fmt, _ in EXPORTS if fmt != "png"],
                  State("query", "data"), State("with-list", "value"), prevent_initial_call=True)
    def download(*args):
        values, with_list = args[-2:]
        fmt = ctx.triggered_id.removeprefix("btn-")
        from ..export import write
        inc = live.inc
        q = query(values)
        sub = inc.details(inc.rows(q))
        title = f"Situation in {values['area']} {values['when']}"
        name = "situation-" + "-".join(values["when"].split()[1::2]) + f".{fmt}"
        with tempfile.TemporaryDirectory() as tmp:
            try:
                out = write(sub, fmt, Path(tmp) / name, title, incident_list="list" in (with_list or []))
            except Exception as e:  # the message goes to the page, not a stack trace
                return dash.no_update, f"{fmt.upper()} export failed: {e}"
            return dcc.send_bytes(out.read_bytes(), name), f"{name}: {len(sub):,} incidents"

    register_ingest(app, live)

    # the page draws the map (assets/app.js): fed by the packed arrays, the server's answer and time
    now = [State("day", "drag_value"), State("day", "value"), State("window", "value"), State("since", "date")]
    app.clientside_callback("window.sitrep.fromPack", Input("points", "data"), *now, State("version", "data"),
                            *[State(c, "value") for c in FILTERS])
    app.clientside_callback("window.sitrep.fromServer", Input("server-map", "data"), *now,
                            *[State(c, "value") for c in FILTERS])
    app.clientside_callback("window.sitrep.basemap", Input("basemap", "value"), State("tiles", "data"))
    app.clientside_callback("window.sitrep.fromTime", *[Input(x.component_id, x.component_property) for x in now])

    app.clientside_callback(
        """function(n, values) {
            if (!n || !values) { return window.dash_clientside.no_update; }
            const name = 'situation-' + values.when.split(' ').filter((w, i) => i % 2).join('-');
            window.sitrep.snapshot(name);
            return '';
        }""",
        Output("btn-png", "title"), Input("btn-png", "n_clicks"), State("query", "data"),
        prevent_initial_call=True)
    app.clientside_callback("window.sitrep.play", Output("tick", "disabled"), Output("play", "children"),
                            Input("play", "n_clicks"), State("tick", "disabled"), prevent_initial_call=True)
    app.clientside_callback("window.sitrep.tick", Output("day", "value"), Input("tick", "n_intervals"),
                            State("day", "value"), State("day", "max"), prevent_initial_call=True)
    app.clientside_callback("function(ms) { return ms; }", Output("tick", "interval"), Input("speed", "value"))
    app.clientside_callback("window.sitrep.flyTo", Output("table", "style_data_conditional"),
                            Input("table", "active_cell"), State("table", "derived_viewport_data"),
                            prevent_initial_call=True)


def card(row: pd.Series, reports: dict[str, str]) -> list:
    wounded = "not stated" if pd.isna(row["wounded"]) else int(row["wounded"])
    equipment = ", ".join(f"{e['count']} {e['item']} {e['state']}" for e in json.loads(row["equipment"])) \
        if row["equipment"] else "none stated"
    where = (f"{row['location']} ({row['admin1']}), {row['latitude']:.4f}, {row['longitude']:.4f}"
             if row["resolved"] else "unresolved")
    precision = {1: "1 · the place", 2: "2 · near the place (5 km)", 3: "3 · the governorate"}.get(
        row["geo_precision"], "-")
    items = [("Type", f"{row['event_type']} / {row['sub_event_type']}"), ("Date", row["event_date"]),
             ("Actors", " vs ".join(a for a in (row["actor1"], row["actor2"]) if a) or "-"),
             ("Killed", int(row["fatalities"])), ("Wounded", wounded), ("Equipment", equipment),
             ("Written", row["place_query"]), ("Resolved", where), ("Precision", precision),
             ("Civilians", row["civilian_targeting"] or "-"), ("Id", row["event_id_cnty"])]
    out = [html.Dl([x for k, v in items for x in (html.Dt(k), html.Dd(str(v)))])]
    text, sentence = reports.get(row["report_id"], ""), row["source_sentence"] or ""
    at = text.find(sentence) if sentence else -1
    if at < 0:
        return out + [html.Blockquote(sentence, className="sentence")]
    return out + [html.H3(f"Report {row['report_id']}"),
                  html.Div(className="report", children=[text[:at], html.Mark(sentence, id="hit"),
                                                         text[at + len(sentence):]])]
