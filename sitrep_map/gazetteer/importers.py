"""Import gazetteers into the user data directory, in the gazetteer schema (sources.FIELDS).

GeoNames dumps (XX.txt / XX.zip / allCountries, optional alternateNamesV2), Who's On First CSV
exports and OCHA-style CSV (name columns, P-code, lat/lon). Each input becomes one file
user_home()/gazetteer/<source>.csv, so importing again replaces it. Bad lines are reported with
file and line; the good ones are kept.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from tqdm import tqdm

from . import normalize
from .admin import admin1_for
from .resolver import admin1_of
from .sources import COUNTRY, user_home, write_csv

RULES = Path(__file__).parent / "rules"
KEEP_CLASSES = set("PSTHRL")   # places, facilities, hills, water, roads, areas (A: governorates come from the basemap)
GEONAMES = ["geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
            "feature_class", "feature_code", "country_code", "cc2", "admin1_code", "admin2_code",
            "admin3_code", "admin4_code", "population", "elevation", "dem", "timezone", "modified"]
ALTERNATES = ["id", "geonameid", "isolanguage", "name", "preferred", "short", "colloquial",
              "historic", "from", "to"]
ALT_SKIP = {"link", "wkdt", "post", "iata", "icao", "faac", "abbr", "unlc", "tcid", "phon", "piny"}
MAX_ALTERNATES = 60
LATIN_OR_ARABIC = re.compile(r"^[\sA-Za-z\u00c0-\u024f\u1e00-\u1eff\u0600-\u06ff'`\u2018\u2019\u02bb\u02bf\u02be\u02bc.()-]+$")
COUNTRY_BY_NAME = {name.lower(): iso2 for iso2, (name, _) in COUNTRY.items()}


class GazetteerError(RuntimeError):
    """An input the gazetteer cannot use: names the file (and line) and the problem."""


@dataclass
class Imported:
    source: str
    path: Path
    rows: int = 0
    bad: list[str] = field(default_factory=list)

    def summary(self) -> str:
        bad = f", {len(self.bad)} bad lines skipped" if self.bad else ""
        return f"{self.source}: {self.rows} places -> {self.path}{bad}"


def useful(name: str) -> bool:
    """Latin or Arabic script, not a code ("DAM") or a stub."""
    return bool(name) and len(name) >= 3 and not (name.isupper() and len(name) <= 4) \
        and bool(LATIN_OR_ARABIC.match(name))


# -- reading ---------------------------------------------------------------------------------
def _member(z: zipfile.ZipFile, path: Path) -> str:
    txt = [n for n in z.namelist() if n.endswith((".txt", ".csv")) and "readme" not in n.lower()]
    if not txt:
        raise GazetteerError(f"{path}: the zip holds no .txt or .csv file")
    return txt[0]


def open_text(path: Path) -> tuple[str, int, io.TextIOBase]:
    """(label, size in bytes, text stream) of a plain file or the data file inside a zip."""
    if not path.exists():
        raise GazetteerError(f"{path}: no such file")
    if zipfile.is_zipfile(path):
        z = zipfile.ZipFile(path)
        name = _member(z, path)
        return f"{path.name}:{name}", z.getinfo(name).file_size, \
            io.TextIOWrapper(z.open(name), encoding="utf-8", newline="")
    if path.suffix.lower() == ".zip":
        raise GazetteerError(f"{path}: not a valid zip file")
    return path.name, path.stat().st_size, open(path, encoding="utf-8", newline="")


def lines(path: Path, progress: bool = True) -> Iterator[tuple[str, int, str]]:
    """(label, line number, line) with a progress bar over the bytes read."""
    label, size, f = open_text(path)
    with f, tqdm(total=size, unit="B", unit_scale=True, desc=label, disable=not progress,
                 file=sys.stderr, leave=False) as bar:
        try:
            for i, line in enumerate(f, start=1):
                bar.update(len(line.encode("utf-8")))
                yield label, i, line.rstrip("\r\n")
        except UnicodeDecodeError as e:
            raise GazetteerError(f"{label}: not UTF-8 text ({e.reason})") from e


def sniff(path: Path) -> str:
    """geonames | alternates | wof | ocha | acled | ucdp, from the first line."""
    label, _, f = open_text(path)
    with f:
        try:
            first = f.readline()
        except UnicodeDecodeError as e:
            raise GazetteerError(f"{label}: not UTF-8 text") from e
    if "\t" in first:
        n = len(first.split("\t"))
        if n == len(GEONAMES):
            return "geonames"
        if n in (8, len(ALTERNATES)):
            return "alternates"
        raise GazetteerError(f"{label}:1: {n} tab-separated columns; GeoNames dumps have "
                             f"{len(GEONAMES)}, alternateNames 8 or 10")
    head = {h.strip().lower() for h in next(csv.reader([first]), [])}
    for fmt, need in FORMAT_SIGNS:
        if need <= head:
            return fmt
    return "ocha"  # any CSV with name and coordinate columns


# the header columns that identify a CSV format, checked in order
FORMAT_SIGNS = [("acled", {"event_id_cnty", "location", "latitude", "longitude"}),
                ("ucdp", {"where_description", "latitude", "longitude"}),
                ("wof", {"placetype"}), ("wof", {"wof:id"}), ("wof", {"geom_latitude"})]


# -- GeoNames ---------------------------------------------------------------------------------
def read_alternates(path: Path, wanted: set[str], progress: bool = True) -> tuple[dict[str, list[str]], list[str]]:
    out: dict[str, list[str]] = {}
    bad = []
    for label, i, line in lines(path, progress):
        f = line.split("\t")
        if len(f) < 4:
            bad.append(f"{label}:{i}: {len(f)} columns, expected 8 or 10")
            continue
        if f[1] in wanted and f[2] not in ALT_SKIP and useful(f[3]):
            out.setdefault(f[1], []).append(f[3])
    return out, bad


def read_geonames(path: Path, progress: bool = True) -> tuple[list[dict], list[str]]:
    rows, bad = [], []
    for label, i, line in lines(path, progress):
        f = line.split("\t")
        if len(f) != len(GEONAMES):
            bad.append(f"{label}:{i}: {len(f)} columns, expected {len(GEONAMES)}")
            continue
        r = dict(zip(GEONAMES, f))
        if r["feature_class"] not in KEEP_CLASSES:
            continue
        try:
            lat, lon = float(r["latitude"]), float(r["longitude"])
            pop = int(r["population"] or 0)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not r["name"]:
                raise ValueError("coordinate out of range or no name")
        except ValueError as e:
            bad.append(f"{label}:{i}: {e}")
            continue
        alts = [a for a in r["alternatenames"].split(",") if a != r["name"] and useful(a)]
        rows.append({"id": f"gn-{r['geonameid']}", "name": r["name"], "asciiname": r["asciiname"],
                     "alternate_names": alts, "lat": round(lat, 5), "lon": round(lon, 5),
                     "feature_class": r["feature_class"], "feature_code": r["feature_code"],
                     "country": r["country_code"], "admin1": "", "admin2": "", "population": pop,
                     "source": f"GeoNames {r['geonameid']}"})
    return rows, bad


# -- CSV gazetteers (WOF, OCHA) and event exports (ACLED, UCDP) ----------------------------------
def column_rules() -> dict[str, list[tuple[str, re.Pattern]]]:
    out: dict[str, list[tuple[str, re.Pattern]]] = {}
    with open(RULES / "columns.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")][1:]
    for fmt, fld, pat in rows:
        out.setdefault(fmt, []).append((fld, re.compile(pat)))
    return out


def map_columns(header: list[str], fmt: str) -> tuple[dict[str, str], list[str]]:
    """field -> header for one format, and the alternate-name headers."""
    chosen: dict[str, str] = {}
    alts: list[str] = []
    for fld, pat in column_rules()[fmt]:
        hits = [h for h in header if pat.search(h.strip().lower())]
        if fld == "alternate_names":
            alts += [h for h in hits if h not in chosen.values() and h not in alts]
        elif hits and fld not in chosen:
            chosen[fld] = max(hits, key=lambda h: max([int(d) for d in re.findall(r"\d", h)] or [0]))
    level = re.findall(r"\d", chosen.get("name", ""))
    alts = [h for h in alts if h not in chosen.values() and re.findall(r"\d", h) in ([], level)]
    missing = [f for f in ("name", "lat", "lon") if f not in chosen]
    if missing:
        raise GazetteerError(f"no column for {', '.join(missing)} (a {fmt} file needs name, lat, lon)")
    return chosen, alts


PLACE_WORD = re.compile(r"\s+(town|village|city|area|district|camp)$", re.I)


def read_table(path: Path, fmt: str, country: str = "SY", progress: bool = True) -> tuple[list[dict], list[str]]:
    """WOF / OCHA / ACLED / UCDP rows -> gazetteer rows (ids stable across imports)."""
    placetypes = _placetypes()
    rows, bad = [], []
    it = lines(path, progress)
    try:
        label, _, head = next(it)
    except StopIteration:
        raise GazetteerError(f"{path}: empty file")
    header = next(csv.reader([head]))
    try:
        cols, alt_cols = map_columns(header, fmt)
    except GazetteerError as e:
        raise GazetteerError(f"{label}:1: {e}") from None
    records = csv.reader(line for _, _, line in it)
    for i, rec in enumerate(records, start=2):
        r = dict(zip(header, rec))
        get = lambda f: (r.get(cols[f]) or "").strip() if f in cols else ""  # noqa: E731
        try:
            lat, lon = float(get("lat")), float(get("lon"))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError(f"coordinate out of range ({lat}, {lon})")
            if not get("name"):
                raise ValueError("no name")
            pop = int(float(get("population") or 0))
        except ValueError as e:
            bad.append(f"{label}:{i}: {e}")
            continue
        fclass, fcode = "P", "PPL"
        if fmt == "wof":
            kind = placetypes.get(get("placetype") or "locality")
            if kind is None:
                continue
            fclass, fcode = kind
        if fmt in ("acled", "ucdp") and int(float(get("precision") or 1)) > 2:
            continue  # a region coded to a representative point: not the place's coordinate
        name = PLACE_WORD.sub("", get("name").split(",")[0].strip()) if fmt == "ucdp" else get("name")
        cc = get("country")
        cc = COUNTRY_BY_NAME.get(cc.lower(), cc.upper() if len(cc) == 2 else country)
        alts = [v.strip() for h in alt_cols for v in (r.get(h) or "").split(";") if v.strip()]
        ident = get("id") or hashlib.sha1(f"{normalize.key(name)}|{lat:.4f}|{lon:.4f}".encode()).hexdigest()[:12]
        rows.append({"id": f"{fmt}-{ident}", "name": name, "asciiname": "",
                     "alternate_names": [a for a in alts if a != name],
                     "lat": round(lat, 5), "lon": round(lon, 5), "feature_class": fclass,
                     "feature_code": fcode, "country": cc, "admin1": admin1_of(get("admin1")) or "",
                     "admin2": get("admin2"), "population": pop,
                     "source": f"{fmt} {path.name}:{i}"})
    return rows, bad


def _placetypes() -> dict[str, tuple[str, str]]:
    with open(RULES / "placetypes.csv", newline="", encoding="utf-8") as f:
        return {r[0]: (r[1], r[2]) for r in csv.reader(f) if r and not r[0].startswith("#")}


# -- writing ---------------------------------------------------------------------------------
def finish(rows: list[dict]) -> list[dict]:
    """Syrian governorates from the basemap polygons; names joined; one row per id."""
    sy = [r for r in rows if r["country"] == "SY" and not r["admin1"]]
    for r, a in zip(sy, admin1_for([r["lat"] for r in sy], [r["lon"] for r in sy])):
        r["admin1"] = a
    out = {}
    for r in rows:
        names = r["alternate_names"]
        r["alternate_names"] = ";".join(dict.fromkeys(n.replace(";", " ") for n in names[:MAX_ALTERNATES]))
        out[r["id"]] = r
    return list(out.values())


def gazetteer_dir() -> Path:
    return user_home() / "gazetteer"


def source_name(path: Path, fmt: str) -> str:
    """Output name: one per input (geonames-SY, wof-<file>, ocha-<file>): re-import replaces it."""
    stem = path.name.split(".")[0]
    return f"{fmt}-{re.sub(r'[^A-Za-z0-9_-]+', '-', stem)}"


def import_file(path: str | Path, alternates: str | Path | None = None, fmt: str | None = None,
                country: str = "SY", progress: bool = True) -> Imported:
    path = Path(path)
    fmt = fmt or sniff(path)
    if fmt == "alternates":
        raise GazetteerError(f"{path}: an alternateNames file; give it with --alternate-names "
                             "next to the GeoNames dump it belongs to")
    if fmt in ("acled", "ucdp"):
        raise GazetteerError(f"{path}: an {fmt.upper()} event export; use 'gazetteer learn'")
    if fmt == "geonames":
        rows, bad = read_geonames(path, progress)
    else:
        rows, bad = read_table(path, fmt, country, progress)
    if alternates:
        extra, more_bad = read_alternates(Path(alternates), {r["id"][3:] for r in rows}, progress)
        bad += more_bad
        for r in rows:
            r["alternate_names"] += extra.get(r["id"][3:], [])
    if not rows:
        raise GazetteerError(f"{path}: no usable places" + (f" ({bad[0]} ...)" if bad else ""))
    out = Imported(source_name(path, fmt), gazetteer_dir() / f"{source_name(path, fmt)}.csv", bad=bad)
    rows = finish(rows)
    write_csv(out.path, rows)
    out.rows = len(rows)
    return out



def learn(path: str | Path, progress: bool = True) -> Imported:
    """ACLED or UCDP GED export -> aliases (location, admin1, lat, lon) merged into learned.csv."""
    path = Path(path)
    fmt = sniff(path)
    if fmt not in ("acled", "ucdp"):
        raise GazetteerError(f"{path}: not an ACLED or UCDP GED export (found {fmt}); "
                             "ACLED needs event_id_cnty, location, latitude, longitude; "
                             "UCDP where_description, latitude, longitude")
    rows, bad = read_table(path, fmt, progress=progress)
    out = Imported("learned", gazetteer_dir() / "learned.csv", bad=bad)
    old = list(csv.DictReader(open(out.path, encoding="utf-8"))) if out.path.exists() else []
    merged = {r["id"]: r for r in old}
    for r in finish(rows):
        r["id"] = "learned-" + hashlib.sha1(
            f"{normalize.key(r['name'])}|{r['lat']:.3f}|{r['lon']:.3f}".encode()).hexdigest()[:12]
        r["source"] = f"learned from {fmt} {path.name}"
        merged.setdefault(r["id"], r)
    write_csv(out.path, list(merged.values()))
    out.rows = len(merged) - len(old)
    return out


def geonames_line(r: dict) -> str:
    """A gazetteer-schema row as a GeoNames dump line (for fixtures and the benchmark)."""
    gid = str(r["id"]).removeprefix("gn-")
    alts = ",".join(a for a in str(r.get("alternate_names") or "").split(";") if a)
    vals = {"geonameid": gid, "name": r["name"], "asciiname": r.get("asciiname") or r["name"],
            "alternatenames": alts, "latitude": r["lat"], "longitude": r["lon"],
            "feature_class": r.get("feature_class") or "P", "feature_code": r.get("feature_code") or "PPL",
            "country_code": r.get("country") or "SY", "population": r.get("population") or 0,
            "timezone": "Asia/Damascus", "modified": "2024-01-01"}
    return "\t".join(str(vals.get(c, "")) for c in GEONAMES)
