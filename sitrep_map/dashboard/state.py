"""The view as a URL query string and back: date, window, filters, basemap and map view."""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from .data import WINDOWS, Query, day_number, iso_day

# control id -> (url key, kind); the controls' values are what the callbacks see
CONTROLS = {
    "day": ("date", "day"),
    "window": ("window", "str"),
    "since": ("since", "iso"),
    "types": ("type", "list"),
    "subs": ("sub", "list"),
    "govs": ("gov", "list"),
    "actors": ("actor", "list"),
    "minfat": ("minfat", "int"),
    "places": ("places", "str"),
    "basemap": ("basemap", "str"),
}
DEFAULTS = {"window": "day", "since": None, "subs": [], "govs": [], "actors": [], "minfat": 0,
            "places": "all", "basemap": "offline"}
WINDOW_CHOICES = [*WINDOWS, "since"]


def to_search(values: dict, view: dict | None, all_types: list[str]) -> str:
    """Control values -> '?date=...&window=...' (defaults left out, to keep the URL short)."""
    pairs = []
    for cid, (key, kind) in CONTROLS.items():
        v = values.get(cid)
        if cid == "types" and sorted(v or []) == sorted(all_types):
            continue
        if v in (None, "", []) and cid != "types" or v == DEFAULTS.get(cid, object()):
            continue
        if kind == "day":
            pairs.append((key, iso_day(v)))
        elif kind == "list":
            pairs += [(key, x) for x in v] if v else [(key, "")]
        else:
            pairs.append((key, str(v)))
    if view:
        pairs.append(("view", f"{view['lat']:.4f},{view['lon']:.4f},{view['zoom']:.2f}"))
    return "?" + urlencode(pairs)


def from_search(search: str, last_day: int, all_types: list[str]) -> tuple[dict, dict | None]:
    """'?date=...' -> (control values, map view or None); bad values fall back to defaults."""
    q = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    values = {"day": last_day, "types": list(all_types), **DEFAULTS}
    for cid, (key, kind) in CONTROLS.items():
        if key not in q:
            continue
        raw = q[key]
        try:
            if kind == "day":
                values[cid] = day_number(raw[0])
            elif kind == "iso":
                values[cid] = iso_day(day_number(raw[0]))
            elif kind == "list":
                values[cid] = [x for x in raw if x]
            elif kind == "int":
                values[cid] = max(0, int(raw[0]))
            else:
                values[cid] = raw[0]
        except ValueError:
            pass
    if values["window"] not in WINDOW_CHOICES:
        values["window"] = "day"
    view = None
    if "view" in q:
        try:
            lat, lon, zoom = (float(x) for x in q["view"][0].split(","))
            view = {"lat": lat, "lon": lon, "zoom": zoom}
        except ValueError:
            pass
    return values, view


def query(values: dict) -> Query:
    since = values.get("since")
    return Query(day=int(values["day"]), window=values.get("window") or "day",
                 since=day_number(since[:10]) if since else None,
                 event_type=values.get("types") or ["-"],  # none ticked: show nothing
                 sub_event_type=values.get("subs") or [], admin1=values.get("govs") or [],
                 actor=values.get("actors") or [], min_fatalities=int(values.get("minfat") or 0),
                 resolved=values.get("places") or "all")


def describe(q: Query) -> tuple[str, str]:
    """(area, when) for titles and labels: 'Idlib', 'on 2020-07-05' / 'from A to B'."""
    lo, hi = q.span()
    when = f"on {iso_day(hi)}" if lo == hi else f"from {iso_day(lo)} to {iso_day(hi)}"
    return (", ".join(q.admin1) if q.admin1 else "Syria"), when
