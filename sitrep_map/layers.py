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


@dataclass(slots=True)
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

    pass1 = []
    for i in incidents:
        p = i.place
        pass1.append((first(p.text, p.hint), first(p.road_to, p.hint) if p.road_to else None)
                     if p else (None, None))
    # each incident's confident matches with their points, and the same grouped by sentence
    confident = [[(x, (x.best.place.lat, x.best.place.lon)) for x in pair if _confident(x)] for pair in pass1]
    anchors_all = [pt for pairs in confident for _, pt in pairs]
    by_sentence: dict[str, list] = {}
    for inc, pairs in zip(incidents, confident):
        by_sentence.setdefault(inc.sentence, []).extend(pairs)
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
        near += [pt for x, pt in by_sentence[inc.sentence] if x is not m and x is not r]
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
        if p is None:
            query, qualifier, is_road, role = "", "", False, ""
        else:
            query, qualifier, is_road, role = p.text, p.qualifier, bool(p.road_to), p.role
            if is_road:
                query = f"{p.text} - {p.road_to}"
        m = loc.match
        notes = (f"On {inc.event_date}: {inc.sentence} [{inc.notes}]" if inc.notes
                 else f"On {inc.event_date}: {inc.sentence}")
        placed = _place(m, loc.road, qualifier, is_road) if m and m.resolved and m.best else None
        if placed is None:   # unresolved: the theatre, no geometry
            admin1, location, lat, lon, prec, resolved, place_country, geom, kind = (
                "", query or "(no place named)", None, None, None, False, theatre, None, "none")
            iso3 = theatre_iso3
        else:
            admin1, location, lat, lon, prec, place_country, geom, kind, iso3 = placed
            resolved = True
            if kind == "point" and prec == 2:
                notes += _RADIUS_NOTE
        # a copy of the empty row (its keys in the schema's order), filled in place: cheaper
        # than a 28-key dict literal, which Python builds one key at a time
        row = _EMPTY_ROW.copy()
        row["event_id_cnty"] = event_id(report_id, inc.sentence, query, iso3)
        row["event_date"] = inc.event_date
        row["time_precision"] = inc.time_precision
        row["event_type"] = inc.event_type
        row["sub_event_type"] = inc.sub_event_type
        row["actor1"] = inc.actor1 or ""
        row["actor2"] = inc.actor2 or ""
        row["civilian_targeting"] = inc.civilian_targeting
        row["admin1"] = admin1
        row["location"] = location
        row["latitude"] = lat
        row["longitude"] = lon
        row["geo_precision"] = prec
        row["fatalities"] = int(inc.fatalities or 0)
        row["notes"] = notes
        row["wounded"] = inc.wounded
        row["equipment"] = json.dumps([e.as_dict() for e in inc.equipment]) if inc.equipment else ""
        row["source_sentence"] = inc.sentence
        row["report_id"] = report_id
        row["place_query"] = query
        row["resolved"] = resolved
        row["country"] = place_country
        row["inter1"] = inc.inter1 or ""
        row["inter2"] = inc.inter2 or ""
        row["match_score"] = m.best.score if m and m.best else None
        row["place_role"] = role
        row["geometry_kind"] = kind
        row["geometry"] = geom
        rows.append(row)
    return rows


_EMPTY_ROW = dict.fromkeys([*COLUMNS, "geometry"])   # a row's keys, in the schema's order
_RADIUS_NOTE = f" [uncertainty radius {RADIUS_KM[2]:g} km]"


def _place(m: Match, road: Match | None, qualifier: str, is_road: bool) -> tuple:
    """The place columns of a resolved match: admin1, location, lat, lon, precision, country,
    geometry, geometry kind, and the ISO3 country."""
    pl = m.best.place
    prec = 3 if pl.feature_class == "A" else PRECISION.get(qualifier, 1)
    geom, kind, lat, lon, name = _point(pl.lon, pl.lat), "point", pl.lat, pl.lon, _plain(pl.name)
    if is_road and road and road.resolved and road.best:
        rp = road.best.place
        geom = LineString([(pl.lon, pl.lat), (rp.lon, rp.lat)])
        lat, lon = (pl.lat + rp.lat) / 2, (pl.lon + rp.lon) / 2
        name, kind, prec = f"{plain(pl.name)} - {plain(rp.name)} road", "line", 2
    elif prec == 3:
        shapes = governorate_shapes()
        if pl.admin1 in shapes:
            geom, kind = shapes[pl.admin1], "polygon"
    country, iso3 = COUNTRY.get(pl.country, (pl.country, pl.country))
    lat, lon = rounded(lat, lon, 5)
    return pl.admin1, name, lat, lon, prec, country, geom, kind, iso3


def place_fields(m: Match | None, road: Match | None = None, qualifier: str = "",
                 is_road: bool = False) -> tuple[dict, str]:
    """The place columns of a row (admin1, location, lat/lon, precision, geometry ...) and its
    ISO3 country; ({}, "SYR") when the place is unresolved."""
    if not (m and m.resolved and m.best):
        return {}, "SYR"
    admin1, name, lat, lon, prec, country, geom, kind, iso3 = _place(m, road, qualifier, is_road)
    return dict(admin1=admin1, location=name, latitude=lat, longitude=lon,
                geo_precision=prec, resolved=True, country=country, geometry=geom, geometry_kind=kind,
                match_score=m.score), iso3


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
