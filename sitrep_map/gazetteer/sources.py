"""Gazetteer sources. Every source yields rows of one schema (FIELDS); the resolver indexes them.

Bundled files live in data/gazetteer/; what the user imports, downloads or teaches lives in the
user data directory (platformdirs, or $SITREP_MAP_HOME), never in the repo.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "gazetteer"

FIELDS = ["id", "name", "asciiname", "alternate_names", "lat", "lon", "feature_class",
          "feature_code", "country", "admin1", "admin2", "population", "source"]
COUNTRIES = Path(__file__).parent / "rules" / "countries.csv"


def _countries() -> list[dict]:
    with open(COUNTRIES, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


# ISO 3166 alpha-2 -> (name, alpha-3), for the theatres and the countries around them
COUNTRY = {r["iso2"]: (r["name"], r["iso3"]) for r in _countries()}
_ISO2 = {k.casefold(): r["iso2"] for r in _countries()
         for k in [r["iso2"], r["iso3"], r["name"], *(a for a in (r["aliases"] or "").split(";") if a)]}


def country_code(name: str | None) -> str | None:
    """'Libya' / 'LBY' / 'ly' -> 'LY'; None for None or '' ; an unknown name -> its upper-cased
    text, so that it matches no gazetteer row (resolve then says the country is not covered)."""
    if not name or not name.strip():
        return None
    return _ISO2.get(name.strip().casefold(), name.strip().upper())


def user_home() -> Path:
    env = os.environ.get("SITREP_MAP_HOME")
    if env:
        return Path(env)
    import platformdirs
    return Path(platformdirs.user_data_dir("sitrep-map", appauthor=False))


@dataclass(slots=True)
class Place:
    id: str
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country: str
    admin1: str
    admin2: str
    population: int
    source: str
    names: tuple[str, ...]  # name + alternate names

    @classmethod
    def from_row(cls, r: dict, source: str) -> "Place":
        alts = [a.strip() for a in (r.get("alternate_names") or "").split(";") if a.strip()]
        names = [r["name"]] + ([r["asciiname"]] if r.get("asciiname") else []) + alts
        return cls(
            id=r["id"], name=r["name"], lat=float(r["lat"]), lon=float(r["lon"]),
            feature_class=r.get("feature_class") or "P", feature_code=r.get("feature_code") or "PPL",
            country=r.get("country") or "SY", admin1=r.get("admin1") or "",
            admin2=r.get("admin2") or "", population=int(float(r.get("population") or 0)),
            source=source, names=tuple(dict.fromkeys(names)),
        )


def read_csv(path: Path, source: str) -> list[Place]:
    """Rows of the gazetteer schema; a bad row is reported with its line number, the rest kept."""
    out, bad = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f), start=2):
            try:
                out.append(Place.from_row(row, source))
            except (KeyError, ValueError, TypeError) as e:
                bad.append(f"{path.name}:{i}: {e}")
    if bad:
        import warnings
        warnings.warn(f"{len(bad)} bad gazetteer rows skipped: " + "; ".join(bad[:5]))
    return out


def write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, path)


def default_sources() -> list[tuple[str, Path]]:
    """(source name, file) in load order: bundled, curated, then the user's files."""
    found = [("geonames-cities500", BUNDLED / "geonames_cities500.csv"),
             ("curated", BUNDLED / "curated.csv")]
    home = user_home() / "gazetteer"
    if home.is_dir():
        found += [(p.stem, p) for p in sorted(home.glob("*.csv"))]
    return [(n, p) for n, p in found if p.exists()]
