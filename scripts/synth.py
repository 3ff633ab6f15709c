"""Synthetic incidents for benchmarks: N incidents over ten years across Syria, in a GeoPackage
with the real schema (one reports row per day, so the details card has a report to show).

    .venv/bin/python scripts/synth.py --n 200000 --out /tmp/synth-200k.gpkg
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sitrep_map.model import COLUMNS, REPORT_COLUMNS, taxonomy  # noqa: E402

BASEMAP = Path(__file__).resolve().parents[1] / "assets" / "basemap"
START, YEARS, PLACES = dt.date(2015, 1, 1), 10, 3000
ACTORS = ["Military Forces of Syria", "HTS: Hayat Tahrir al-Sham", "SDF: Syrian Democratic Forces",
          "Military Forces of Turkey", "Military Forces of Russia", "ISIS: Islamic State",
          "SNA: Syrian National Army", "Unidentified Armed Group (Syria)", "Civilians (Syria)", ""]


def places(rng: np.random.Generator) -> pd.DataFrame:
    """Random places inside Syria's governorates, most of them in the west (as the fighting is)."""
    gov = gpd.read_file(BASEMAP / "governorates.geojson")
    out = []
    while sum(len(o) for o in out) < PLACES:
        lon = rng.uniform(35.6, 42.4, PLACES)
        lat = rng.uniform(32.3, 37.3, PLACES)
        west = rng.random(PLACES) < 0.6
        lon[west] = rng.uniform(35.8, 37.6, west.sum())
        pts = gpd.GeoDataFrame(geometry=shapely.points(lon, lat), crs="EPSG:4326")
        hit = gpd.sjoin(pts, gov[["name", "geometry"]], predicate="within")
        out.append(pd.DataFrame({"lat": hit.geometry.y, "lon": hit.geometry.x, "admin1": hit["name"]}))
    p = pd.concat(out).head(PLACES).reset_index(drop=True)
    p["name"] = [f"Place {i}" for i in range(len(p))]
    return p


def incidents(n: int, seed: int = 5) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    pl = places(rng)
    days = (dt.date(START.year + YEARS, 1, 1) - START).days
    day = np.sort(rng.integers(0, days, n))
    where = rng.zipf(1.3, n) % len(pl)
    pairs = [(t, s) for t, subs in taxonomy().items() for s in subs]
    weights = np.array([5 if t in ("Battles", "Explosions/Remote violence") else 1 for t, _ in pairs], float)
    pick = rng.choice(len(pairs), n, p=weights / weights.sum())
    dates = (np.datetime64(START) + day.astype("timedelta64[D]")).astype(str)
    lat = pl["lat"].to_numpy()[where].round(5)
    lon = pl["lon"].to_numpy()[where].round(5)
    a1 = rng.integers(0, len(ACTORS) - 1, n)
    a2 = rng.integers(0, len(ACTORS), n)
    fat = np.minimum(rng.geometric(0.45, n) - 1, 400)
    precision = rng.choice([1, 1, 1, 2], n)
    loc = pl["name"].to_numpy()[where]
    sub = np.array([s for _, s in pairs], dtype=object)[pick]
    sentence = [f"{s} reported in {p}." for s, p in zip(sub, loc)]
    df = pd.DataFrame({
        "event_id_cnty": [f"SYR{i:010d}" for i in range(n)], "event_date": dates, "time_precision": 1,
        "event_type": np.array([t for t, _ in pairs], dtype=object)[pick], "sub_event_type": sub,
        "actor1": np.array(ACTORS, dtype=object)[a1], "actor2": np.array(ACTORS, dtype=object)[a2],
        "civilian_targeting": "", "admin1": pl["admin1"].to_numpy()[where], "location": loc,
        "latitude": lat, "longitude": lon, "geo_precision": precision, "fatalities": fat, "notes": "",
        "wounded": np.nan, "equipment": "", "source_sentence": sentence,
        "report_id": [f"synth-{d}" for d in dates], "place_query": loc, "resolved": True,
        "country": "Syria", "inter1": "1", "inter2": "2", "match_score": 100.0, "place_role": "",
        "geometry_kind": "point"})
    gdf = gpd.GeoDataFrame(df[list(COLUMNS)], geometry=shapely.points(lon, lat), crs="EPSG:4326")
    first = df.groupby("report_id", sort=False)["source_sentence"].agg(lambda s: "\n".join(s.head(20)))
    reports = pd.DataFrame({"report_id": first.index, "title": "Synthetic report", "report_date":
                            [r[6:] for r in first.index], "source_path": "", "text": first.to_numpy(),
                            "ingested_at": "", "n_incidents": 0, "n_unresolved": 0}, columns=REPORT_COLUMNS)
    return gdf, reports


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=5)
    a = ap.parse_args(argv)
    t = time.perf_counter()
    gdf, reports = incidents(a.n, a.seed)
    out = Path(a.out)
    out.unlink(missing_ok=True)
    pyogrio.write_dataframe(gdf, out, layer="incidents", geometry_type="Unknown", use_arrow=True)
    pyogrio.write_dataframe(reports, out, layer="reports", use_arrow=True)
    print(f"{out}: {len(gdf):,} incidents, {len(reports):,} reports in {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
