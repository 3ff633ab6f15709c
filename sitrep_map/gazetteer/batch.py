"""geocode --batch: CSV (name[,hint]) in, one JSON object per line out."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import TextIO

from .importers import GazetteerError
from .resolver import Gazetteer

FIELDS = ["name", "hint", "lat", "lon", "matched", "admin1", "geo_precision", "score", "resolved",
          "id", "how", "source"]


def record(gaz: Gazetteer, name: str, hint: str | None) -> dict:
    m = gaz.resolve(name, hint or None)
    d = m.as_dict()
    best = m.best.place if m.best else None
    d["geo_precision"] = (3 if best.feature_class == "A" else 1) if best else None
    d["source"] = best.source if best else None
    d["hint"] = hint or None
    return {k: d.get(k) for k in FIELDS}


def geocode_batch(gaz: Gazetteer, path: str, out: TextIO) -> tuple[int, int]:
    """Returns (names, resolved). A row without a name is reported with its line, the rest go on."""
    f = sys.stdin if path == "-" else open(Path(path), newline="", encoding="utf-8-sig")
    label = "stdin" if path == "-" else path
    n = ok = 0
    with f:
        rows = csv.DictReader(f)
        if not rows.fieldnames or "name" not in [h.strip().lower() for h in rows.fieldnames]:
            raise GazetteerError(f"{label}:1: needs a header with a 'name' column (and optional 'hint')")
        for i, row in enumerate(rows, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            if not row.get("name"):
                print(f"{label}:{i}: no name, skipped", file=sys.stderr)
                continue
            rec = record(gaz, row["name"], row.get("hint"))
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
            ok += bool(rec["resolved"])
    return n, ok
