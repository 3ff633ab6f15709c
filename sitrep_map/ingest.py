"""The pipeline: report text -> parse -> geocode -> layers -> store."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from .gazetteer import Gazetteer, default_gazetteer
from .layers import frame, locate, to_rows
from .parse import ParseResult, ReportError, parse_report
from .parse.segment import clean
from .store import Store

MAX_BYTES = 5 * 1024 * 1024   # a sitrep is a few KB; anything this large is not one


@dataclass
class Outcome:
    path: str
    added: int = 0
    incidents: int = 0
    unresolved: list[str] = field(default_factory=list)
    duplicate: bool = False
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def report_id(text: str) -> str:
    return hashlib.sha1(clean(text).strip().encode()).hexdigest()[:16]


def read_text(path: Path) -> str:
    """A report file as text, or a ReportError that names the file and the problem."""
    if not path.exists():
        raise ReportError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ReportError(f"{path}: {size / 1e6:.1f} MB is too large for a report (limit {MAX_BYTES // 2**20} MB)")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ReportError(f"{path}: binary file, not a text report")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReportError(f"{path}: not UTF-8 text (byte {e.start})") from e


def process(text: str, name: str = "report", date: dt.date | None = None,
            gaz: Gazetteer | None = None) -> tuple[ParseResult, gpd.GeoDataFrame, dict]:
    """Parse and geocode one report; returns the parse, the incident layer and the report row."""
    gaz = gaz or default_gazetteer()
    parsed = parse_report(text, date, name)
    rid = report_id(text)
    rows = to_rows(parsed.incidents, locate(parsed.incidents, gaz, country=parsed.country), rid,
                   parsed.country)
    report = {"report_id": rid, "title": parsed.title, "report_date": parsed.report_date.isoformat(),
              "source_path": name, "text": text, "n_unresolved": sum(not r["resolved"] for r in rows)}
    return parsed, frame(rows), report


def ingest_text(text: str, store: Store, name: str = "report", date: dt.date | None = None,
                gaz: Gazetteer | None = None) -> Outcome:
    out = Outcome(name)
    if report_id(text) in store.report_ids():
        out.duplicate = True
        return out
    parsed, gdf, report = process(text, name, date, gaz)
    out.incidents = len(gdf)
    out.unresolved = sorted(set(gdf.loc[~gdf["resolved"], "place_query"]))
    out.notes = parsed.notes
    out.added = store.append(gdf, report)
    return out


def ingest_files(paths: list[Path], store: Store, date: dt.date | None = None,
                 gaz: Gazetteer | None = None) -> list[Outcome]:
    """Each file on its own: a bad file is reported and the rest go on."""
    outcomes = []
    for p in paths:
        try:
            outcomes.append(ingest_text(read_text(p), store, str(p), date, gaz))
        except ReportError as e:
            outcomes.append(Outcome(str(p), error=str(e)))
    return outcomes
