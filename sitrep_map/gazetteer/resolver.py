"""Resolve a place name to a gazetteer entry: exact, transliteration variant, then fuzzy,
narrowed by the governorate hint and by the other places of the same report."""
from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from ..model import admin1_aliases
from . import normalize
from .admin import GOVERNORATES
from .sources import Place, default_sources, read_csv, user_home

# Scores (0-100). A match below the threshold is stored unresolved, with its candidates.
EXACT, VARIANT = 100.0, 96.0
RESOLVE_AT = 86.0            # fuzzy, no governorate hint
RESOLVE_AT_HINTED = 78.0     # fuzzy, inside the hinted governorate
SHORT_NAME_EXTRA = 3.0       # per letter under 8: short names need closer matches
FUZZY_FLOOR = 70.0           # candidates below this are not listed
FOREIGN_PENALTY = 6.0        # a place outside Syria needs a better match to win
NEAR_KM = 60.0               # report context: candidates this far from the others lose points
ONLINE_SCORE = 90.0          # an online geocoder's answer: resolved, but listed for review
SOURCE_BONUS = {"aliases": 30.0, "learned": 1.0}   # the analyst's choice wins


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    h = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(h))


@dataclass
class Candidate:
    place: Place
    score: float
    how: str  # exact | variant | fuzzy

    def as_dict(self) -> dict:
        p = self.place
        return {"id": p.id, "name": p.name, "lat": p.lat, "lon": p.lon, "admin1": p.admin1,
                "country": p.country, "score": round(self.score, 1), "how": self.how,
                "source": p.source}


@dataclass
class Match:
    query: str
    hint: str | None
    best: Candidate | None
    candidates: list[Candidate] = field(default_factory=list)
    resolved: bool = False

    @property
    def score(self) -> float:
        return self.best.score if self.best else 0.0

    def as_dict(self) -> dict:
        b = self.best.as_dict() if self.best else {}
        return {"name": self.query, "hint": self.hint, "resolved": self.resolved,
                "lat": b.get("lat"), "lon": b.get("lon"), "matched": b.get("name"),
                "id": b.get("id"), "admin1": b.get("admin1"), "country": b.get("country"),
                "score": b.get("score"), "how": b.get("how"),
                "alternatives": [c.as_dict() for c in self.candidates[1:6]]}


def admin1_of(hint: str | None) -> str | None:
    """'southern Idlib' / 'Raqqah governorate' -> ACLED governorate name, else None."""
    if not hint:
        return None
    table = admin1_aliases()
    h = normalize.fold(hint)
    for word in ("governorate", "province", "countryside", "northern", "southern", "eastern",
                 "western", "north", "south", "east", "west", "central", "rural", "the"):
        h = h.replace(word, " ")
    h = " ".join(h.split())
    if h in table:
        return table[h]
    k = normalize.loose(h)
    for name, acled in table.items():
        if normalize.loose(name) == k:
            return acled
    return None


class Gazetteer:
    def __init__(self, places: list[Place], counts: dict[str, int] | None = None):
        self.places = places
        self.counts = counts or {}
        self.by_key: dict[str, list[int]] = {}
        self.by_loose: dict[str, list[int]] = {}
        self.by_id = {p.id: i for i, p in enumerate(places)}
        self.online = None   # an online.OnlineLookup, opt-in
        for i, p in enumerate(places):
            for n in p.names:
                k = normalize.key(n)
                if len(k) < 2:
                    continue
                self.by_key.setdefault(k, []).append(i)
                self.by_loose.setdefault(normalize.loose(n), []).append(i)
        # fuzzy choices: loose keys by first letter, by last letter (a typo rarely hits both)
        # and by governorate
        self.loose_by_edge: dict[str, list[str]] = {}
        self.loose_by_admin1: dict[str, list[str]] = {}
        for k, idx in self.by_loose.items():
            for edge in {"^" + k[0], k[-1] + "$"}:
                self.loose_by_edge.setdefault(edge, []).append(k)
            for a in {places[i].admin1 for i in idx if places[i].admin1}:
                self.loose_by_admin1.setdefault(a, []).append(k)

    @classmethod
    def load(cls, sources: list[tuple[str, Path]] | None = None, cache: bool = True) -> "Gazetteer":
        """Sources in order; a later row with the same id (a full GeoNames import over the
        bundled extract) replaces the earlier one. The built index is kept in
        user_home()/cache/, keyed by the files' sizes and times, so the next load is fast."""
        sources = sources if sources is not None else default_sources()
        path = _index_path(sources)
        if cache and path.exists():
            try:
                with open(path, "rb") as f:
                    g = cls.__new__(cls)
                    g.__dict__.update(pickle.load(f))
                    return g
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
                pass  # rebuilt below
        g = cls._build(sources)
        if cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                pickle.dump({k: v for k, v in g.__dict__.items() if k != "online"} | {"online": None}, f,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            for old in path.parent.glob("index-*.pickle"):
                if old != path:
                    old.unlink(missing_ok=True)
        return g

    @classmethod
    def _build(cls, sources: list[tuple[str, Path]]) -> "Gazetteer":
        places = {p.id: p for p in _governorates()}
        counts = {"governorates": len(places)}
        for name, path in sources:
            rows = read_csv(path, name)
            counts[name] = len(rows)
            places.update((p.id, p) for p in rows)
        return cls(list(places.values()), counts)

    # -- lookup ---------------------------------------------------------------
    def candidates(self, name: str, admin1: str | None = None) -> list[Candidate]:
        key, lse = normalize.key(name), normalize.loose(name)
        found: dict[int, Candidate] = {}

        def add(i: int, score: float, how: str) -> None:
            p = self.places[i]
            s = score - (FOREIGN_PENALTY if p.country != "SY" else 0.0)
            if i not in found or found[i].score < s:
                found[i] = Candidate(p, s, how)

        for i in self.by_key.get(key, ()):
            add(i, EXACT, "exact")
        for i in self.by_loose.get(lse, ()):
            add(i, VARIANT, "variant")
        if len(lse) >= 5 and not any(c.how == "exact" or c.score >= VARIANT for c in found.values()):
            pools = [self.loose_by_edge.get("^" + lse[0], []), self.loose_by_edge.get(lse[-1] + "$", [])]
            if admin1 and admin1 in self.loose_by_admin1:
                pools.insert(0, self.loose_by_admin1[admin1])
            hits: dict[str, float] = {}
            for pool in pools:
                if max(hits.values(), default=0) >= RESOLVE_AT + 4:
                    break   # a close match found: the last-letter pool can add nothing better
                for k, s, _ in process.extract(lse, pool, scorer=fuzz.ratio, limit=8,
                                               score_cutoff=FUZZY_FLOOR):
                    hits[k] = max(s, hits.get(k, 0))
            for k, s in hits.items():
                for i in self.by_loose[k]:
                    best_name = max(fuzz.ratio(key, normalize.key(n)) for n in self.places[i].names)
                    add(i, min(max(s, best_name), VARIANT - 1), "fuzzy")
        return sorted(found.values(), key=lambda c: (-c.score, -c.place.population))

    def resolve(self, name: str, hint: str | None = None,
                near: list[tuple[float, float]] | None = None) -> Match:
        admin1 = admin1_of(hint)
        cands = self.candidates(name, admin1)
        if not cands:
            return self._online(Match(name, hint, None, [], False))

        def rank(c: Candidate) -> tuple:
            s = c.score
            if admin1:
                s += 6.0 if c.place.admin1 == admin1 else -6.0
            if near:
                d = min(km(c.place.lat, c.place.lon, la, lo) for la, lo in near)
                s -= min(8.0, 8.0 * d / NEAR_KM) if d > 5 else 0.0
            s += min(2.0, math.log10(c.place.population + 1) / 3)
            s += 1.0 if c.place.feature_class == "P" else 0.0
            s += SOURCE_BONUS.get(c.place.source, 0.0)
            return (-s, -c.place.population)

        cands.sort(key=rank)
        best = cands[0]
        hinted = admin1 is not None and best.place.admin1 == admin1
        need = RESOLVE_AT_HINTED if (hinted or _close(best, near)) else RESOLVE_AT
        need += SHORT_NAME_EXTRA * max(0, 8 - len(normalize.loose(name).replace(" ", "")))
        resolved = best.how != "fuzzy" or best.score >= need
        return self._online(Match(name, hint, best, cands[:10], resolved))

    def _online(self, m: Match) -> Match:
        """An unresolved name goes to the online geocoder, when one is switched on."""
        if m.resolved or self.online is None:
            return m
        place = self.online.lookup(m.query)
        if place is None:
            return m
        c = Candidate(place, ONLINE_SCORE, "online")
        return Match(m.query, m.hint, c, [c] + m.candidates[:9], True)

    def get(self, place_id: str) -> Place | None:
        i = self.by_id.get(place_id)
        return None if i is None else self.places[i]

    def info(self) -> dict[str, int]:
        return dict(self.counts)


def _index_path(sources: list[tuple[str, Path]]) -> Path:
    """Cache file named by a hash of everything the index is built from."""
    parts = [(n, p) for n, p in sources] + [("rules", p) for p in sorted(normalize.RULES.glob("*.csv"))]
    parts += [("code", Path(__file__)), ("code", Path(normalize.__file__)), ("basemap", GOVERNORATES)]
    sig = hashlib.sha1()
    for n, p in parts:
        st = p.stat() if p.exists() else None
        sig.update(f"{n}|{p}|{st and st.st_size}|{st and st.st_mtime_ns}\n".encode())
    return user_home() / "cache" / f"index-{sig.hexdigest()[:16]}.pickle"


def _close(c: Candidate, near: list[tuple[float, float]] | None, limit: float = 25.0) -> bool:
    return bool(near) and min(km(c.place.lat, c.place.lon, la, lo) for la, lo in near) <= limit


@lru_cache(maxsize=1)
def _governorates() -> tuple[Place, ...]:
    """Syria's governorates as region entries (feature A/ADM1), from the basemap polygons."""
    if not GOVERNORATES.exists():
        return ()
    fc = json.loads(GOVERNORATES.read_text(encoding="utf-8"))
    out = []
    for f in fc["features"]:
        pr = f["properties"]
        alts = [a for a, n in admin1_aliases().items() if n == pr["name"] and a != "damascus"]
        out.append(Place(id=f"adm1-{pr['code']}", name=pr["name"], lat=pr["label_lat"],
                         lon=pr["label_lon"], feature_class="A", feature_code="ADM1", country="SY",
                         admin1=pr["name"], admin2="", population=0, source="Natural Earth",
                         names=tuple([pr["name"]] + alts)))
    return tuple(out)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """Bundled + user sources; online lookup only when SITREP_MAP_ONLINE asks for it."""
    from .online import from_env
    g = Gazetteer.load()
    g.online = from_env()
    return g
