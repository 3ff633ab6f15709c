"""Score the parser + geocoder against hand-made expected incidents (tests/fixtures/reports).

An expected incident matches a produced one with the same event type, the same place (as
written) and the same date; sub-event, casualties and actors are then compared on the matches."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .gazetteer.normalize import key
from .ingest import process


@dataclass
class Score:
    expected: int = 0
    produced: int = 0
    matched: int = 0
    sub_ok: int = 0
    casualties_ok: int = 0
    actors_ok: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for f in ("expected", "produced", "matched", "sub_ok", "casualties_ok", "actors_ok"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.misses += other.misses
        self.extras += other.extras
        self.wrong += other.wrong

    @property
    def precision(self) -> float:
        return self.matched / self.produced if self.produced else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> dict:
        m = self.matched or 1
        return {"expected": self.expected, "produced": self.produced, "matched": self.matched,
                "precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "f1": round(self.f1, 3), "sub_event_accuracy": round(self.sub_ok / m, 3),
                "casualties_exact": round(self.casualties_ok / m, 3),
                "actor_accuracy": round(self.actors_ok / m, 3)}


def _place_key(written: str, road_to: str | None = None) -> str:
    return key(written) + (" | " + key(road_to) if road_to else "")


def score_report(text_path: Path, expected_path: Path, gaz=None) -> Score:
    exp = json.loads(expected_path.read_text(encoding="utf-8"))
    _, gdf, _ = process(text_path.read_text(encoding="utf-8"), str(text_path), gaz=gaz)
    got = gdf.to_dict("records")
    for g in got:
        parts = g["place_query"].split(" - ", 1)
        g["_key"] = _place_key(parts[0], parts[1] if len(parts) > 1 else None)
    s = Score(expected=len(exp["incidents"]), produced=len(got))
    used: set[int] = set()
    for e in exp["incidents"]:
        k = _place_key(e["place"], e.get("road_to"))
        cand = [i for i, g in enumerate(got) if i not in used and g["_key"] == k
                and g["event_type"] == e["event_type"] and g["event_date"] == e["event_date"]]
        if not cand:
            s.misses.append(f"{text_path.name}: {e['sub_event_type']} at {e['place']} on {e['event_date']}")
            continue
        i = cand[0]
        used.add(i)
        g = got[i]
        s.matched += 1
        s.sub_ok += g["sub_event_type"] == e["sub_event_type"]
        wounded = None if g["wounded"] != g["wounded"] else g["wounded"]  # NaN -> None
        cas = int(g["fatalities"]) == e["fatalities"] and wounded == e["wounded"]
        s.casualties_ok += cas
        act = (g["actor1"] or None) == e["actor1"] and (g["actor2"] or None) == e["actor2"]
        s.actors_ok += act
        if g["sub_event_type"] != e["sub_event_type"] or not cas or not act:
            s.wrong.append(f"{text_path.name}: {e['place']}: got {g['sub_event_type']} "
                           f"{g['fatalities']}/{wounded} {g['actor1']}|{g['actor2']}, want "
                           f"{e['sub_event_type']} {e['fatalities']}/{e['wounded']} {e['actor1']}|{e['actor2']}")
    s.extras += [f"{text_path.name}: {g['sub_event_type']} at {g['place_query']}: {g['source_sentence'][:70]}"
                 for i, g in enumerate(got) if i not in used]
    return s


def score_corpus(folder: Path, gaz=None) -> Score:
    total = Score()
    for exp in sorted(folder.glob("*.expected.json")):
        total.add(score_report(exp.with_name(exp.name.replace(".expected.json", ".txt")), exp, gaz))
    return total
