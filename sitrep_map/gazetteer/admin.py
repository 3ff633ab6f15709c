"""Syria's governorates from the basemap polygons: shapes, and the governorate of a point."""
from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import shape

from .sources import REPO

GOVERNORATES = REPO / "assets" / "basemap" / "governorates.geojson"


@lru_cache(maxsize=1)
def features() -> tuple[dict, ...]:
    """The basemap's governorate features (GeoJSON dicts), read once; () when the file is missing."""
    if not GOVERNORATES.exists():
        return ()
    return tuple(json.loads(GOVERNORATES.read_text(encoding="utf-8"))["features"])


@lru_cache(maxsize=1)
def governorate_shapes() -> dict:
    """ACLED governorate name -> shapely polygon."""
    return {f["properties"]["name"]: shape(f["geometry"]) for f in features()}


def admin1_for(lats, lons) -> list[str]:
    """The governorate of each point; points just outside every polygon (border towns, the
    coarse Natural Earth coast) take the nearest one."""
    if len(lats) == 0:
        return []
    names = list(governorate_shapes())
    tree = shapely.STRtree(list(governorate_shapes().values()))
    pts = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    out = [""] * len(pts)
    pi, gi = tree.query(pts, predicate="within")
    for p, g in zip(pi, gi):
        out[p] = out[p] or names[g]
    miss = [i for i, v in enumerate(out) if not v]
    if miss:
        pi, gi = tree.query_nearest(pts[miss], all_matches=False)
        for p, g in zip(pi, gi):
            out[miss[p]] = names[g]
    return out
