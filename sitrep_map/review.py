"""Review: the places of a database that are unresolved or matched with low confidence, and the
analyst's answer, saved as an alias (user_home()/gazetteer/aliases.csv) that later ingests use
and that re-geocodes the incidents already stored under that name."""
from __future__ import annotations

import csv
import datetime as dt

from .gazetteer import Gazetteer, default_gazetteer, normalize
from .gazetteer.admin import admin1_for
from .gazetteer.importers import GazetteerError, gazetteer_dir
from .gazetteer.sources import Place, write_csv
from .layers import place_fields
from .store import Store

LOW_SCORE = 92.0   # a resolved match below this is listed for review


def aliases_path():
    return gazetteer_dir() / "aliases.csv"


def pending(store: Store, gaz: Gazetteer, low: float = LOW_SCORE) -> list[dict]:
    """One entry per place name: unresolved, or resolved below `low`, with its candidates."""
    gdf = store.incidents()
    weak = gdf[(~gdf["resolved"]) | (gdf["match_score"].fillna(0) < low)]
    weak = weak[weak["place_query"] != ""]
    out = []
    for name, rows in weak.groupby("place_query", sort=True):
        m = gaz.resolve(name)
        out.append({"name": name, "incidents": len(rows), "resolved": bool(rows["resolved"].all()),
                     "score": None if rows["match_score"].isna().all() else float(rows["match_score"].max()),
                     "candidates": [c.as_dict() for c in m.candidates[:5]]})
    return sorted(out, key=lambda d: (d["resolved"], -d["incidents"], d["name"]))


def save_alias(name: str, place: Place | None = None, lat: float | None = None,
               lon: float | None = None, admin1: str | None = None) -> dict:
    """The analyst's answer for `name`: an existing gazetteer place, or a coordinate."""
    if place is None and (lat is None or lon is None):
        raise GazetteerError("review resolve needs --to ID or --lat and --lon")
    if place is not None:
        lat, lon, admin1 = place.lat, place.lon, admin1 or place.admin1
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GazetteerError(f"({lat}, {lon}) is not a coordinate")
    row = {"id": f"alias-{normalize.key(name).replace(' ', '-')}", "name": name,
           "asciiname": "", "alternate_names": "", "lat": round(lat, 5), "lon": round(lon, 5),
           "feature_class": place.feature_class if place else "P",
           "feature_code": place.feature_code if place else "PPL",
           "country": place.country if place else "SY",
           "admin1": admin1 or admin1_for([lat], [lon])[0], "admin2": "",
           "population": place.population if place else 0,
           "source": f"analyst {dt.date.today().isoformat()}" + (f" -> {place.id}" if place else "")}
    path = aliases_path()
    rows = list(csv.DictReader(open(path, encoding="utf-8"))) if path.exists() else []
    rows = [r for r in rows if r["id"] != row["id"]] + [row]
    write_csv(path, rows)
    default_gazetteer.cache_clear()
    return row


def regeocode(store: Store, name: str, gaz: Gazetteer) -> int:
    """Re-geocode the stored incidents whose place was written `name`; returns how many."""
    gdf = store.incidents()
    hit = gdf.index[gdf["place_query"] == name]
    if not len(hit):
        return 0
    m = gaz.resolve(name)
    for i in hit:
        qualifier = {2: "near", 3: "region"}.get(gdf.at[i, "geo_precision"], "")
        fields, _ = place_fields(m, None, qualifier if gdf.at[i, "resolved"] else "")
        for col, v in fields.items():
            if col == "geometry":
                gdf.loc[[i], "geometry"] = [v]
            else:
                gdf.at[i, col] = v
    store.update_places(gdf)
    return len(hit)


def resolve(store: Store, name: str, to: str | None = None, lat: float | None = None,
            lon: float | None = None, admin1: str | None = None) -> tuple[dict, int]:
    """Save the alias, reload the gazetteer, fix the stored incidents."""
    place = None
    if to:
        place = default_gazetteer().get(to)
        if place is None:
            raise GazetteerError(f"{to}: no such gazetteer id (see 'geocode NAME --json')")
    row = save_alias(name, place, lat, lon, admin1)
    n = regeocode(store, name, default_gazetteer()) if store.exists() else 0
    return row, n

