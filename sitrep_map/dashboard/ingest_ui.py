"""Reports in from the page (paste or upload, preview, commit) and unresolved places resolved from
the page (a gazetteer candidate or a coordinate). Both write the GeoPackage, reload the app's
data and bump the ``version`` store, which redraws the map and refreshes the slider and timeline."""
from __future__ import annotations

import base64
import datetime as dt
import time

import dash
from dash import ALL, Input, Output, State, ctx, html

from ..parse import ReportError
from ..store import Store, unresolved_places
from .data import Live, iso_day
from .layout import db_info, marks, timeline

MAX_BYTES = 1024 * 1024     # a sitrep is a few KB
REVIEW_ROWS = 30            # places listed for review
NO_DATE = "no report date found"


def decode(contents: str | None, text: str | None) -> tuple[str, str]:
    """(text, name) from an upload (data URL) or the text box; ReportError when it is not a report."""
    if contents:
        try:
            data = base64.b64decode(contents.split(",", 1)[1], validate=False)
        except (IndexError, ValueError) as e:
            raise ReportError("the upload could not be read") from e
        if len(data) > MAX_BYTES:
            raise ReportError(f"{len(data) / 2**20:.1f} MB is too large for a report (limit 1 MB)")
        if b"\x00" in data[:8192]:
            raise ReportError("binary file, not a text report")
        try:
            return data.decode("utf-8-sig"), "upload"
        except UnicodeDecodeError as e:
            raise ReportError(f"not UTF-8 text (byte {e.start})") from e
    text = text or ""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ReportError(f"{len(text.encode()) / 2**20:.1f} MB is too large for a report (limit 1 MB)")
    if not text.strip():
        raise ReportError("paste a report or choose a file first")
    return text, "pasted report"


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as e:
        raise ReportError(f"{value!r} is not a date: write it as YYYY-MM-DD") from e


def _message(e: Exception) -> str:
    msg = str(e).split(": ", 1)[-1] if str(e).startswith(("pasted report:", "upload:")) else str(e)
    if NO_DATE in msg:
        return ("No report date found: the text has no 'date YYYY-MM-DD' line and no title like "
                "'… on July 8, 2020'. Enter the date below and preview again.")
    return msg[:1].upper() + msg[1:]


def preview_table(gdf) -> html.Table:
    head = html.Tr([html.Th(h) for h in ("Type", "Date", "Place as written", "Resolved", "Killed")])
    rows = [html.Tr([html.Td(r.sub_event_type, title=r.event_type), html.Td(r.event_date), html.Td(r.place_query),
                     html.Td(r.location if r.resolved else "unresolved",
                             className="ok" if r.resolved else "no"), html.Td(int(r.fatalities or 0))])
            for r in gdf.itertuples()]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="preview-table")


def register_ingest(app: dash.Dash, live: Live) -> None:
    from ..ingest import process, report_id
    from ..gazetteer import default_gazetteer

    @app.callback(Output("preview", "children"), Output("ingest-msg", "children"),
                  Output("ingest-msg", "className"), Output("pending-report", "data"),
                  Output("btn-commit", "disabled"), Output("date-box", "style"),
                  Output("report-text", "value"),
                  Input("btn-preview", "n_clicks"), Input("upload", "contents"),
                  State("upload", "filename"), State("report-text", "value"), State("report-date", "value"),
                  prevent_initial_call=True)
    def preview(_, contents, filename, text, date):
        uploaded = ctx.triggered_id == "upload"
        shown = dash.no_update
        hide, show = {"display": "none"}, {}
        try:
            text, name = decode(contents if uploaded else None, text)
            name = filename if uploaded and filename else name
            if uploaded:
                shown = text
            when = parse_date(date)
            parsed, gdf, report = process(text, name, when, default_gazetteer())
        except ReportError as e:
            msg = _message(e)
            return [], msg, "ingest-msg error", None, True, show if NO_DATE in str(e) or date else hide, shown
        dup = report["report_id"] in Store(live.db).report_ids()
        unresolved = sorted(set(gdf.loc[~gdf["resolved"], "place_query"]) - {""})
        parts = [html.P([html.B(parsed.title or name), f" · {report['report_date']} · ",
                         html.Span(f"{len(gdf)} incidents", id="preview-count"),
                         f" · {len(unresolved)} unresolved places"]),
                 preview_table(gdf)]
        if unresolved:
            parts.append(html.P(["Unresolved: ", html.Span(", ".join(unresolved), className="no"),
                                 " (resolve them under ‘Resolve places’ after the commit)"]))
        if dup:
            msg, cls = "This report is already in the database: a commit adds nothing.", "ingest-msg error"
        elif not len(gdf):
            msg, cls = "No incidents found in this report.", "ingest-msg error"
        else:
            msg, cls = f"Preview: {len(gdf)} incidents. Commit to add them to the map.", "ingest-msg"
        pending = {"text": text, "name": name, "date": when.isoformat() if when else None}
        return parts, msg, cls, pending, dup or not len(gdf), show if date else hide, shown

    @app.callback(Output("version", "data"), Output("ingest-msg", "children", allow_duplicate=True),
                  Output("btn-commit", "disabled", allow_duplicate=True),
                  Input("btn-commit", "n_clicks"), State("pending-report", "data"), State("version", "data"),
                  prevent_initial_call=True)
    def commit(n, pending, version):
        if not n or not pending:
            raise dash.exceptions.PreventUpdate
        when = dt.date.fromisoformat(pending["date"]) if pending["date"] else None
        try:
            _, gdf, report = process(pending["text"], pending["name"], when, default_gazetteer())
            added = Store(live.db).append(gdf, report)
        except Exception as e:  # the message goes to the page
            return dash.no_update, f"Commit failed: {e}", False
        live.reload()
        days = sorted(gdf["event_date"]) if len(gdf) else [report["report_date"]]
        return ({"n": (version or {}).get("n", 0) + 1, "date": days[-1], "t": time.time()},
                f"Added {added} incidents of {report['report_date']} to the database.", True)

    @app.callback(Output("day", "min"), Output("day", "max"), Output("day", "marks"),
                  Output("since", "min_date_allowed"), Output("since", "max_date_allowed"),
                  Output("timeline", "figure", allow_duplicate=True), Output("db-info", "children"),
                  Output("url", "search", allow_duplicate=True),
                  Input("version", "data"), State("url", "search"), prevent_initial_call=True)
    def refresh(version, search):
        """After a commit or a fix: the slider's range and marks, the timeline, the header; a commit
        also moves the view to the report's day."""
        inc = live.inc
        new_search = dash.no_update
        if version and version.get("date"):
            from urllib.parse import parse_qs, urlencode
            q = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
            q["date"] = [version["date"]]
            q.pop("window", None), q.pop("since", None)
            new_search = "?" + urlencode(q, doseq=True)
        return (inc.first_day, inc.last_day, marks(inc), iso_day(inc.first_day), iso_day(inc.last_day),
                timeline(inc), db_info(inc, live.db.name), new_search)

    @app.callback(Output("review-list", "children"), Output("review-title", "children"),
                  Input("version", "data"))
    def review_list(_):
        gaz = default_gazetteer()
        names = unresolved_places(live.db, REVIEW_ROWS)
        items = []
        for name, n in names:
            cands = [c.as_dict() for c in gaz.resolve(name).candidates[:5]]
            items.append(html.Li(className="review-item", children=[
                html.B(name), f" · {n} incident{'s' if n > 1 else ''}",
                html.Div(className="cands", children=[
                    html.Button(f"{c['name']} ({c.get('admin1') or c.get('country')}, {c['score']:.0f})",
                                id={"type": "cand", "name": name, "to": c["id"]}, n_clicks=0,
                                title=f"{c['id']}: {c['lat']:.4f}, {c['lon']:.4f} ({c.get('source', '')})",
                                className="cand")
                    for c in cands] or [html.Span("no candidates", className="none")]),
                html.Div(className="latlon", children=[
                    "or lat ", html.Div(dash.dcc.Input(id={"type": "lat", "name": name}, type="number",
                                                       step="any", className="coord")),
                    " lon ", html.Div(dash.dcc.Input(id={"type": "lon", "name": name}, type="number",
                                                     step="any", className="coord")),
                    html.Button("Set", id={"type": "set", "name": name}, n_clicks=0, className="cand")]),
            ]))
        title = f"Resolve places ({len(names)}{'+' if len(names) == REVIEW_ROWS else ''})"
        return items or [html.Li("no unresolved places", className="none")], title

    @app.callback(Output("version", "data", allow_duplicate=True), Output("review-msg", "children"),
                  Input({"type": "cand", "name": ALL, "to": ALL}, "n_clicks"),
                  Input({"type": "set", "name": ALL}, "n_clicks"),
                  State({"type": "lat", "name": ALL}, "value"), State({"type": "lon", "name": ALL}, "value"),
                  State({"type": "lat", "name": ALL}, "id"), State("version", "data"),
                  prevent_initial_call=True)
    def resolve(_c, _s, lats, lons, ids, version):
        trig = ctx.triggered_id
        if not trig or not ctx.triggered[0]["value"]:
            raise dash.exceptions.PreventUpdate   # the list was (re)built, nothing clicked
        from ..gazetteer.importers import GazetteerError
        from ..review import resolve as resolve_place
        name = trig["name"]
        try:
            if trig["type"] == "cand":
                row, n = resolve_place(Store(live.db), name, to=trig["to"])
            else:
                at = [i["name"] for i in ids].index(name)
                lat, lon = lats[at], lons[at]
                if lat is None or lon is None:
                    return dash.no_update, f"{name}: enter both a latitude and a longitude."
                row, n = resolve_place(Store(live.db), name, lat=float(lat), lon=float(lon))
        except (GazetteerError, ValueError) as e:
            return dash.no_update, f"{name}: {e}"
        live.reload()
        return ({"n": (version or {}).get("n", 0) + 1, "t": time.time()},
                f"{name} → {row['lat']}, {row['lon']} ({row['admin1']}): {n} stored incidents re-geocoded.")
