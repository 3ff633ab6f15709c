"""The incident schema: columns, types and the ACLED taxonomy, loaded from data tables."""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

# Incident columns, in storage order. ACLED names where ACLED has the field.
COLUMNS: dict[str, str] = {
    "event_id_cnty": "str",
    "event_date": "str",
    "time_precision": "int",
    "event_type": "str",
    "sub_event_type": "str",
    "actor1": "str",
    "actor2": "str",
    "civilian_targeting": "str",
    "admin1": "str",
    "location": "str",
    "latitude": "float",
    "longitude": "float",
    "geo_precision": "int",
    "fatalities": "int",
    "notes": "str",
    "wounded": "float",  # null when the report does not say
    "equipment": "str",  # JSON list of {"item", "count", "state"}
    "source_sentence": "str",
    "report_id": "str",
    "place_query": "str",
    "resolved": "bool",
    # ours, beyond the brief's list: helps review and export
    "country": "str",
    "inter1": "str",
    "inter2": "str",
    "match_score": "float",
    "place_role": "str",
    "geometry_kind": "str",
}

# ACLED's export order (reference: event-taxonomy.md); CSV export puts these first.
ACLED_ORDER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]

REPORT_COLUMNS = ["report_id", "title", "report_date", "source_path", "text", "ingested_at",
                  "n_incidents", "n_unresolved"]


def _rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=None)
def taxonomy() -> dict[str, list[str]]:
    """event_type -> sub_event_types, in ACLED's precedence order."""
    out: dict[str, list[str]] = {}
    for r in sorted(_rows("taxonomy.csv"), key=lambda r: int(r["rank"])):
        out.setdefault(r["event_type"], []).append(r["sub_event_type"])
    return out


@lru_cache(maxsize=None)
def sub_event_parent() -> dict[str, str]:
    return {s: t for t, subs in taxonomy().items() for s in subs}


@lru_cache(maxsize=None)
def disorder_type() -> dict[str, str]:
    return {r["sub_event_type"]: r["disorder_type"] for r in _rows("taxonomy.csv")}


@lru_cache(maxsize=None)
def event_colors() -> dict[str, str]:
    return {r["event_type"]: r["color"] for r in _rows("event_colors.csv")}


@lru_cache(maxsize=None)
def admin1_aliases() -> dict[str, str]:
    """Lower-case spelling -> ACLED governorate name."""
    out = {}
    for r in _rows("admin1.csv"):
        out[r["name"].lower()] = r["name"]
        for a in r["aliases"].split(";"):
            if a.strip():
                out[a.strip().lower()] = r["name"]
    return out


def check_types(event_type: str, sub_event_type: str) -> None:
    if sub_event_parent().get(sub_event_type) != event_type:
        raise ValueError(f"{event_type!r} / {sub_event_type!r} is not an ACLED pair")


_SHA1 = hashlib.sha1()   # copied per id: skips looking the algorithm up each time


def event_id(report_id: str, sentence: str, place: str, iso3: str = "SYR") -> str:
    """Stable id from report + sentence + place, in ACLED's shape (ISO3 + digits): the first
    15 hex digits (60 bits) of the SHA-1, mod 10**10, as ten digits."""
    h = _SHA1.copy()
    h.update(f"{report_id}\x1f{sentence}\x1f{place}".encode())
    n = int.from_bytes(h.digest()[:8], "big") >> 4
    return iso3 + str(n % 10**10).zfill(10)   # (str + zfill: cheaper than the format spec 010d)


@dataclass
class Equipment:
    item: str
    count: int
    state: str  # destroyed | damaged | captured | shot down

    def as_dict(self) -> dict:
        return {"item": self.item, "count": self.count, "state": self.state}


@dataclass
class PlaceMention:
    """A place as written, with its role in the sentence."""
    text: str
    role: str = "location"          # location | target | origin | context
    qualifier: str = ""             # "" | near | area | outskirts | countryside
    road_to: str | None = None      # "the road between A and B": text of B
    hint: str | None = None         # governorate named beside it
    start: int = 0                  # offset in the sentence
    anchors: list[str] = field(default_factory=list)  # "east of X": places that locate it


@dataclass
class ParsedIncident:
    """One incident as the parser reads it, before geocoding (one per place)."""
    event_date: str
    time_precision: int
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None
    inter1: str | None
    inter2: str | None
    civilian_targeting: str
    fatalities: int
    wounded: int | None
    equipment: list[Equipment]
    sentence: str
    place: PlaceMention | None
    sentence_start: int = 0        # offset of the sentence in the report
    rule: str = ""
    notes: str = ""
    extra: dict = field(default_factory=dict)
