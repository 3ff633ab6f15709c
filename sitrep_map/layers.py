"""Parsed incidents + gazetteer matches -> a GeoDataFrame: geometry kind and precision per row.

Point for a place; LineString for "the road between A and B"; the governorate polygon for a
region; no geometry (resolved False) for a name the gazetteer does not know."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point

from .gazetteer import Gazetteer, Match
from .gazetteer.resolver import rounded, settled
from .gazetteer.admin import governorate_shapes
from .gazetteer.sources import COUNTRY, country_code
from .model import COLUMNS, ParsedIncident, event_id

PRECISION = {"": 1, "near": 2, "area": 2, "outskirts": 2, "countryside": 2, "road": 2, "region": 3}
RADIUS_KM = {1: 0.0, 2: 5.0, 3: 50.0}   # drawn uncertainty per geo_precision


@dataclass
class Located:
    match: Match | None
    road: Match | None = None


_point = lru_cache(maxsize=20_000)(Point)   # a place's point, made once (geometries are immutable)


def plain(name: str) -> str:
    """'Tall Abyaḑ' -> 'Tall Abyad' (ayn/hamza marks kept as ')."""
    name = name.replace("\u2018", "'").replace("\u2019", "'").replace("ʿ", "'").replace("ʾ", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


_plain = lru_cache(maxsize=20_000)(plain)


def _confident(m: Match | None) -> bool:
    return bool(m and m.resolved and m.best and m.best.how in ("exact", "variant"))


def locate(incidents: list[ParsedIncident], gaz: Gazetteer, country: str | None = None) -> list[Located]:
    """Resolve every place; then re-resolve with the report's other places as context, so that
    candidates close to the rest of the report win (Qabasin next to Al-Bab, not 60 km away).
    country: the report's theatre (ParseResult.country, 'Libya', or ISO2 'LY'); places are then
    looked up in that country only (unresolved when no loaded source covers it)."""
    def first(text: str | None, hint: str | None, near=None) -> Match | None:
        return gaz.resolve(text, hint, near, country) if text else None

    pass1 = [(first(i.place and i.place.text, i.place and i.place.hint),
              first(i.place and i.place.road_to, i.place and i.place.hint)) for i in incidents]
    anchors_all = [(m.best.place.lat, m.best.place.lon) for pair in pass1 for m in pair if _confident(m)]
    out = []
    for inc, (m, r) in zip(incidents, pass1):
        if inc.place is None:
            out.append(Located(None))
            continue
        if m is not None and settled(m):   # nearby places would change nothing
            if inc.place.road_to:
                r = first(inc.place.road_to, inc.place.hint, [(m.best.place.lat, m.best.place.lon)])
            out.append(Located(m, r))
            continue
        near = []
        for a in inc.place.anchors:  # "east of Saraqib"
            am = gaz.resolve(a, inc.place.hint, None, country)
            if _confident(am):
                near.append((am.best.place.lat, am.best.place.lon))
        same_sentence = [pair for other, pair in zip(incidents, pass1) if other.sentence == inc.sentence]
        near += [(x.best.place.lat, x.best.place.lon) for pair in same_sentence for x in pair
                 if _confident(x) and x is not m and x is not r]
        near = near or [p for p in anchors_all
                        if not (m and m.best and (m.best.place.lat, m.best.place.lon) == p)]
        if near:
            m = first(inc.place.text, inc.place.hint, near)
        if inc.place.road_to:  # the road's far end lies near its start
            r = first(inc.place.road_to, inc.place.hint,
                      [(m.best.place.lat, m.best.place.lon)] if _confident(m) else near or None)
        out.append(Located(m, r))
    return out


def to_rows(incidents: list[ParsedIncident], located: list[Located], report_id: str,
            country: str = "Syria") -> list[dict]:
    """Rows of the incident schema; an unresolved place keeps the report's theatre as country."""
    theatre, theatre_iso3 = COUNTRY.get(country_code(country) or "SY", (country, "SYR"))
    rows = []
    for inc, loc in zip(incidents, located):
        p = inc.place
        query = p.text if p else ""
        if p and p.road_to:
            query = f"{p.text} - {p.road_to}"
        m = loc.match
        row = {
            "event_id_cnty": "", "event_date": inc.event_date, "time_precision": inc.time_precision,
            "event_type": inc.event_type, "sub_event_type": inc.sub_event_type,
            "actor1": inc.actor1 or "", "actor2": inc.actor2 or "",
            "civilian_targeting": inc.civilian_targeting, "admin1": "", "location": query or "(no place named)",
            "latitude": None, "longitude": None, "geo_precision": None, "fatalities": int(inc.fatalities or 0),
            "notes": _notes(inc), "wounded": inc.wounded,
            "equipment": json.dumps([e.as_dict() for e in inc.equipment]) if inc.equipment else "",
            "source_sentence": inc.sentence, "report_id": report_id, "place_query": query,
            "resolved": False, "country": theatre, "inter1": inc.inter1 or "", "inter2": inc.inter2 or "",
            "match_score": m.score if m and m.best else None, "place_role": p.role if p else "",
            "geometry_kind": "none", "geometry": None,
        }
        fields, iso3 = place_fields(m, loc.road, p.qualifier if p else "", bool(p and p.road_to))
        iso3 = iso3 if fields else theatre_iso3
        row.update(fields)
        if fields.get("geometry_kind") == "point" and fields["geo_precision"] == 2:
            row["notes"] += f" [uncertainty radius {RADIUS_KM[2]:g} km]"
        row["event_id_cnty"] = event_id(report_id, inc.sentence, query, iso3)
        rows.append(row)
    return rows


def place_fields(m: Match | None, road: Match | None = None, qualifier: str = "",
                 is_road: bool = False) -> tuple[dict, str]:
    """The place columns of a row (admin1, location, lat/lon, precision, geometry ...) and its
    ISO3 country; ({}, "SYR") when the place is unresolved."""
    if not (m and m.resolved and m.best):
        return {}, "SYR"
    pl = m.best.place
    prec = 3 if pl.feature_class == "A" else PRECISION.get(qualifier, 1)
    geom, kind, lat, lon, name = _point(pl.lon, pl.lat), "point", pl.lat, pl.lon, _plain(pl.name)
    if is_road and road and road.resolved and road.best:
        rp = road.best.place
        geom = LineString([(pl.lon, pl.lat), (rp.lon, rp.lat)])
        lat, lon = (pl.lat + rp.lat) / 2, (pl.lon + rp.lon) / 2
        name, kind, prec = f"{plain(pl.name)} - {plain(rp.name)} road", "line", 2
    elif prec == 3 and pl.admin1 in governorate_shapes():
        geom, kind = governorate_shapes()[pl.admin1], "polygon"
    country, iso3 = COUNTRY.get(pl.country, (pl.country, pl.country))
    lat, lon = rounded(lat, lon, 5)
    return dict(admin1=pl.admin1, location=name, latitude=lat, longitude=lon,
                geo_precision=prec, resolved=True, country=country, geometry=geom, geometry_kind=kind,
                match_score=m.score), iso3


def _notes(inc: ParsedIncident) -> str:
    extra = f" [{inc.notes}]" if inc.notes else ""
    return f"On {inc.event_date}: {inc.sentence}{extra}"


def frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """Rows -> GeoDataFrame with the schema's columns and dtypes (EPSG:4326)."""
    df = pd.DataFrame(rows, columns=list(COLUMNS) + ["geometry"])
    for col, kind in COLUMNS.items():
        if kind == "int":
            df[col] = pd.to_numeric(df[col]).astype("Int64")
        elif kind == "float":
            df[col] = pd.to_numeric(df[col]).astype("float64")
        elif kind == "bool":
            df[col] = df[col].fillna(False).astype(bool)
        else:
            df[col] = df[col].fillna("").astype(str)
    return gpd.GeoDataFrame(df, geometry="geometry", crs="EPSG:4326")
