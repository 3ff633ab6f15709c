"""Resolve a place name to a gazetteer entry: exact, transliteration variant, then fuzzy,
narrowed by the governorate hint and by the other places of the same report."""
from __future__ import annotations

import hashlib
import math
import os
import pickle
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from ..model import admin1_aliases
from . import normalize
from .admin import GOVERNORATES, features
from .sources import COUNTRY, Place, country_code, default_sources, read_csv, user_home

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
TRANSPOSED = 88.0            # two adjacent letters swapped (the commonest typing slip) ...
TRANSPOSED_MIN = 5           # ... in a name of at least this many letters
RUNNER_UP_MARGIN = 4.0       # ... resolves only when no other place is that close a match
HOME = "SY"                  # the theatre when resolve() is given no country
MEMO_SIZE = 4096             # resolve() answers kept per Gazetteer (LRU)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    h = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(h))


def _nearest(lat: float, lon: float, near: list[tuple[float, float, float]]) -> float:
    """min(km(lat, lon, la, lo)) over near given as (la, lo, cos(la in radians)): the same sums."""
    p = math.pi / 180
    c1 = math.cos(lat * p)
    sin, best = math.sin, math.inf
    for la, lo, c2 in near:
        d = 12742 * math.asin(math.sqrt(sin((la - lat) * p / 2) ** 2
                                        + c1 * c2 * sin((lo - lon) * p / 2) ** 2))
        if d < best:
            best = d
    return best


def _with_cos(near: list[tuple[float, float]]) -> list[tuple[float, float, float]]:
    p = math.pi / 180
    return [(la, lo, math.cos(la * p)) for la, lo in near]


_iso2 = lru_cache(maxsize=256)(country_code)


@lru_cache(maxsize=20_000)
def rounded(lat: float, lon: float, digits: int) -> tuple[float, float]:
    """A point to ``digits`` decimals, worked out once (round() formats the float)."""
    return round(lat, digits), round(lon, digits)


@dataclass(slots=True)
class Candidate:
    place: Place
    score: float
    how: str  # exact | variant | fuzzy | online
    transposed: bool = False   # fuzzy: one of its names is the query with two letters swapped

    def as_dict(self) -> dict:
        p = self.place
        return {"id": p.id, "name": p.name, "lat": p.lat, "lon": p.lon, "admin1": p.admin1,
                "country": p.country, "score": round(self.score, 1), "how": self.how,
                "source": p.source}


@dataclass(slots=True)
class Match:
    query: str
    hint: str | None
    best: Candidate | None
    candidates: list[Candidate] = field(default_factory=list)
    resolved: bool = False
    reason: str = ""   # why nothing was resolved, when that is not just "no close match"

    @property
    def score(self) -> float:
        return self.best.score if self.best else 0.0

    def as_dict(self) -> dict:
        b = self.best.as_dict() if self.best else {}
        return {"name": self.query, "hint": self.hint, "resolved": self.resolved,
                "lat": b.get("lat"), "lon": b.get("lon"), "matched": b.get("name"),
                "id": b.get("id"), "admin1": b.get("admin1"), "country": b.get("country"),
                "score": b.get("score"), "how": b.get("how"), "reason": self.reason,
                "alternatives": [c.as_dict() for c in self.candidates[1:6]]}


@lru_cache(maxsize=4096)
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
    return _regions().get(normalize.loose(hint))


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    """rules/regions.csv: named regions ('Jabal al-Zawiya', 'al-Ghab') -> governorate."""
    return {normalize.loose(r[0]): r[1] for r in normalize._table("regions.csv") if len(r) > 1}


class PlaceList:
    """The places as compact rows (tuples); a Place object is made when it is first asked for,
    so that loading the cached index does not build 45,000 objects."""

    def __init__(self, rows: list[tuple]):
        self.rows = rows
        self._objs: list[Place | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> Place:
        p = self._objs[i]
        if p is None:
            p = self._objs[i] = Place(*self.rows[i])
        return p

    def __iter__(self):
        return (self[i] for i in range(len(self.rows)))


_FIELDS = [f.name for f in fields(Place)]
_B, _MASK = 1_000_003, (1 << 64) - 1       # polynomial string hash mod 2**64 (numpy and Python agree)
_POW = [pow(_B, k, 1 << 64) for k in range(512)]
_POW64 = np.array(_POW, dtype=np.uint64)
_DEL2_LEN = (7, 40)   # queries of this many letters also look up their two-letter deletions


def _ids(v) -> tuple[int, ...]:
    return (v,) if type(v) is int else v


def _group(pairs) -> dict[str, int | tuple[int, ...]]:
    """(key, place index) pairs -> key: index, or a tuple of indexes when several places share it."""
    out: dict[str, int | tuple[int, ...]] = {}
    for k, i in pairs:
        v = out.get(k)
        if v is None:
            out[k] = i
        elif v != i and (type(v) is int or i not in v):
            out[k] = (v, i) if type(v) is int else v + (i,)
    return out


def _deletion_index(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every loose key and of each of its one-letter deletions (sorted), and the key
    each hash comes from: a query whose own deletions (one or two letters) meet a key's is within
    about two edits of it (a letter dropped, added, changed, or two swapped). Vectorised by length."""
    hashes, owners = [], []
    by_len: dict[int, list[int]] = {}
    for i, k in enumerate(keys):
        by_len.setdefault(len(k), []).append(i)
    B = np.uint64(_B)
    for n, idx in by_len.items():
        c = np.frombuffer("".join(keys[i] for i in idx).encode("utf-32-le"), dtype=np.uint32)
        c = c.reshape(len(idx), n).astype(np.uint64)
        pre = np.zeros((len(idx), n + 1), dtype=np.uint64)
        suf = np.zeros((len(idx), n + 1), dtype=np.uint64)
        for j in range(n):
            pre[:, j + 1] = pre[:, j] * B + c[:, j]
        for j in range(n - 1, -1, -1):
            suf[:, j] = suf[:, j + 1] + c[:, j] * np.uint64(_POW[n - 1 - j])
        own = np.asarray(idx, dtype=np.int32)
        hashes.append(pre[:, n])
        owners.append(own)
        if n >= 3:
            for j in range(n):
                hashes.append(pre[:, j] * np.uint64(_POW[n - 1 - j]) + suf[:, j + 1])
                owners.append(own)
    h = np.concatenate(hashes)
    o = np.concatenate(owners)
    order = np.argsort(h, kind="stable")
    return h[order], o[order]


@lru_cache(maxsize=64)
def _pairs(m: int) -> np.ndarray:
    """Letters i < j of an m-letter name (in np.triu_indices order), as i * m + j."""
    i, j = np.triu_indices(m, 1)
    return i * m + j


def _query_hashes(q: str) -> np.ndarray:
    """The same hashes for a query: itself, its one-letter deletions and, for names of 7-40
    letters, its two-letter deletions (uint64).
    With pre[j] the hash of q[:j] and w[j] = pre[j] - pre[j + 1]: q without letter j hashes to
    h + w[j] * B**(m-1-j), and without letters i < j to that plus w[i] * B**(m-2-i) (mod 2**64)."""
    m = len(q)
    if m > 500:
        return np.empty(0, dtype=np.uint64)
    pre = [0]
    h = 0
    for ch in q:
        h = (h * _B + ord(ch)) & _MASK
        pre.append(h)
    w = [a - b for a, b in zip(pre, pre[1:])]
    out = np.array([h] + [(h + x * p) & _MASK for x, p in zip(w, reversed(_POW[:m]))], dtype=np.uint64)
    if _DEL2_LEN[0] <= m <= _DEL2_LEN[1]:   # uint64 adds wrap like & _MASK
        u = np.array([(x * p) & _MASK for x, p in zip(w, reversed(_POW[:m - 1]))], dtype=np.uint64)
        out = np.concatenate([out, np.add.outer(u, out[1:]).ravel().take(_pairs(m))])
    return out


def _letter_counts(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """How often each letter (code point mod 32: 'a'-'z' apart) is in each key, one row per
    letter, and the keys' lengths."""
    codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32) & 31
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    cells = np.repeat(np.arange(len(keys)) * 32, lengths) + codes
    out = np.bincount(cells, minlength=32 * len(keys)).reshape(len(keys), 32)
    return np.ascontiguousarray(out.T), lengths


class _Pool:
    """A fuzzy pool prepared for _scan: its keys (as an array, to pick the kept ones in one
    step), each letter's count per key (capped at 255, as bytes: the scan works on small
    integers), and FUZZY_FLOOR * each key's length."""

    def __init__(self, keys: list[str]):
        counts, lengths = _letter_counts(keys)
        self.keys = np.array(keys, dtype=object)
        self.per_letter = np.minimum(counts, 255).astype(np.uint8)
        self.floor_len = FUZZY_FLOOR * lengths
        self._needs: dict[int, np.ndarray] = {}

    def need(self, m: int) -> np.ndarray:
        """The letters in common each key needs with an m-letter query to pass _scan's bound
        200 * common >= FUZZY_FLOOR * (its length + m), as a whole number (made once per m)."""
        out = self._needs.get(m)
        if out is None:
            out = self._needs[m] = np.ceil((self.floor_len + FUZZY_FLOOR * m) / 200.0).astype(np.uint16)
        return out


def _ordered(found: dict[int, Candidate]) -> list[Candidate]:
    """Candidates best first (then the most populous)."""
    if len(found) < 2:
        return list(found.values())
    return sorted(found.values(), key=lambda c: (-c.score, -c.place.population))


def _swapped(a: str, b: str) -> bool:
    """b is a with two adjacent letters swapped ('kanasfra' / 'kansafra')."""
    if len(a) != len(b) or a == b:
        return False
    i = 0
    while a[i] == b[i]:
        i += 1
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]


def _swaps(a: str) -> set[str]:
    """Every b for which _swapped(a, b) holds: a with two adjacent (different) letters swapped."""
    out = {a[:i] + a[i + 1] + a[i] + a[i + 2:] for i in range(len(a) - 1)}
    out.discard(a)
    return out


class Gazetteer:
    def __init__(self, places: list[Place], counts: dict[str, int] | None = None):
        rows = [tuple(getattr(p, f) for f in _FIELDS) for p in places]
        keyed, loosed = [], []
        key, loose = normalize.key, normalize.loose
        for i, p in enumerate(places):
            for n in p.names:
                k = key(n)
                if len(k) >= 2:
                    keyed.append((k, i))
                    loosed.append((loose(n), i))
        by_loose = _group(loosed)
        # fuzzy pools (fallback scan): loose keys by first letter, by last letter, by governorate
        by_edge: dict[str, list[str]] = {}
        by_admin1: dict[str, list[str]] = {}
        for k, v in by_loose.items():
            for edge in {"^" + k[0], k[-1] + "$"}:
                by_edge.setdefault(edge, []).append(k)
            for a in {places[i].admin1 for i in _ids(v) if places[i].admin1}:
                by_admin1.setdefault(a, []).append(k)
        keys = list(by_loose)
        hs, owners = _deletion_index(keys)
        self._restore({"rows": rows, "counts": counts or {}, "by_key": _group(keyed),
                       "by_loose": by_loose, "loose_keys": keys, "del_hash": hs, "del_owner": owners,
                       "loose_by_edge": by_edge, "loose_by_admin1": by_admin1,
                       "countries": sorted({p.country for p in places})})

    def _restore(self, state: dict) -> None:
        self._state = state
        self.places = PlaceList(state["rows"])
        self.counts = state["counts"]
        self.by_key = state["by_key"]
        self.by_loose = state["by_loose"]
        self.loose_keys = state["loose_keys"]
        self.del_hash, self.del_owner = state["del_hash"], state["del_owner"]
        self.loose_by_edge = state["loose_by_edge"]
        self.loose_by_admin1 = state["loose_by_admin1"]
        self.countries = set(state["countries"])
        self.by_id = {r[0]: i for i, r in enumerate(state["rows"])}
        self._memo: OrderedDict = OrderedDict()
        self._fuzzy_memo: dict = {}   # pieces of fuzzy searches, cleared with the memo
        self._name_keys: dict[int, tuple[tuple[str, ...], frozenset[str], frozenset[int]]] = {}
        self._pools: dict[str, _Pool] = {}   # pool name -> its _Pool (made when first scanned)
        self._online_lookup = None

    @property
    def online(self):
        """An online.OnlineLookup (opt-in) for names the gazetteer cannot resolve."""
        return self._online_lookup

    @online.setter
    def online(self, lookup) -> None:
        self._online_lookup = lookup
        self.clear_memo()

    def clear_memo(self) -> None:
        """Forget remembered resolve() answers (done when the online lookup changes; an alias
        saved by review gives a new default_gazetteer(), with an empty memo)."""
        self._memo.clear()
        self._fuzzy_memo.clear()

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
                    g._restore(pickle.load(f))
                    return g
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError,
                    KeyError, TypeError):
                pass  # rebuilt below
        g = cls._build(sources)
        if cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                pickle.dump(g._state, f, protocol=pickle.HIGHEST_PROTOCOL)
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
    def _keys_of(self, i: int) -> tuple[tuple[str, ...], frozenset[str], frozenset[int]]:
        """A place's names as keys, the same without spaces, and the lengths of those (made
        when first needed)."""
        out = self._name_keys.get(i)
        if out is None:
            keys = tuple(dict.fromkeys(normalize.key(n) for n in self.places[i].names))   # once each
            flat = frozenset(k.replace(" ", "") for k in keys)
            out = self._name_keys[i] = (keys, flat, frozenset(map(len, flat)))
        return out

    def _remembered(self, what: tuple, compute, *args):
        """A piece of a fuzzy search, compute(*args), remembered until clear_memo() (bounded
        like the memo)."""
        out = self._fuzzy_memo.get(what)
        if out is None:
            if len(self._fuzzy_memo) >= MEMO_SIZE:
                self._fuzzy_memo.clear()
            out = self._fuzzy_memo[what] = compute(*args)
        return out

    def _near_keys(self, lse: str) -> list[str]:
        """Loose keys within about two edits of lse (deletion-neighbourhood hash index)."""
        qh = _query_hashes(lse)
        lo = np.searchsorted(self.del_hash, qh, "left")
        # most hashes are not in the index: the ends of the runs are looked up for the hits only
        hit = np.flatnonzero(self.del_hash.take(lo, mode="clip") == qh)
        if not len(hit):
            return []
        hi = np.searchsorted(self.del_hash, qh[hit], "right")
        own: set[int] = set()
        for a, b in zip(lo[hit].tolist(), hi.tolist()):
            own.update(self.del_owner[a:b].tolist())
        keys = self.loose_keys
        return [keys[i] for i in own]

    def candidates(self, name: str, admin1: str | None = None, country: str | None = None,
                   wide: bool = False) -> list[Candidate]:
        """Places whose names match `name`: exact key, loose (variant) key, then fuzzy. With a
        country (ISO2), places elsewhere are left out. `wide`: the caller would accept a weaker
        fuzzy match (a governorate hint or nearby places), so a slower wider search is worth it."""
        key, lse = normalize.key(name), normalize.loose(name)
        home = country or HOME
        found: dict[int, Candidate] = {}
        places = self.places

        def add(i: int, score: float, how: str, swapped: bool = False) -> None:
            p = places[i]
            if country and p.country != country:
                return
            s = score - (FOREIGN_PENALTY if p.country != home else 0.0)
            if i not in found or found[i].score < s:
                found[i] = Candidate(p, s, how, swapped)

        v = self.by_key.get(key)
        if v is not None:
            for i in _ids(v):
                add(i, EXACT, "exact")
        v = self.by_loose.get(lse)
        if v is not None:
            for i in _ids(v):
                add(i, VARIANT, "variant")
        for c in found.values():
            if c.score >= VARIANT:   # an exact or variant match at home: no fuzzy search
                return _ordered(found)
        flat_key, flat_lse = key.replace(" ", ""), lse.replace(" ", "")
        may_swap = len(flat_key) >= TRANSPOSED_MIN
        if len(lse) >= 5 or may_swap:
            hits = dict(self._remembered(("near", lse, may_swap), self._near_hits, lse, may_swap))
            # nothing that could resolve nearby: scan the pools (a longer name, several slips)
            floor = RESOLVE_AT_HINTED if (admin1 or wide) else RESOLVE_AT
            if max(hits.values(), default=0) < floor and len(lse) >= 8:
                pools = [("^" + lse[0], self.loose_by_edge.get("^" + lse[0], [])),
                         (lse[-1] + "$", self.loose_by_edge.get(lse[-1] + "$", []))]
                if admin1 and admin1 in self.loose_by_admin1:
                    pools.insert(0, (admin1, self.loose_by_admin1[admin1]))
                for pool_name, pool in pools:
                    if max(hits.values(), default=0) >= RESOLVE_AT + 4:
                        break   # a close match found: the other pools can add nothing better
                    for k, s, _ in self._remembered(("pool", lse, pool_name), self._scan,
                                                    lse, pool_name, pool):
                        hits[k] = max(s, hits.get(k, 0))
            for k, s in hits.items():
                for i, score, swapped in self._remembered(("hit", key, k), self._fuzzy_scores,
                                                          key, k, s, flat_key, flat_lse, may_swap):
                    add(i, score, "fuzzy", swapped)
        return _ordered(found)

    def _fuzzy_scores(self, key: str, k: str, s: float, flat_key: str, flat_lse: str,
                      may_swap: bool) -> list[tuple[int, float, bool]]:
        """The places of the loose key k (a fuzzy hit scoring s) as (index, score, swapped): the
        score is the better of s and the query key's best match among the place's names, at least
        TRANSPOSED when two adjacent letters are swapped (k against the query's loose key, or one
        of the names against its key). A swap keeps the length: the swap sets are made (and
        remembered) only when a name of that length comes up."""
        k_swapped = False
        if may_swap:
            flat_k = k.replace(" ", "")
            k_swapped = (len(flat_k) == len(flat_lse)
                         and flat_k in self._remembered(("swaps", flat_lse), _swaps, flat_lse))
        out = []
        for i in _ids(self.by_loose[k]):
            names, flat_names, flat_lengths = self._keys_of(i)
            best_name = process.extractOne(key, names, scorer=fuzz.ratio)[1]
            swapped = may_swap and (k_swapped or (len(flat_key) in flat_lengths and not self._remembered(
                ("swaps", flat_key), _swaps, flat_key).isdisjoint(flat_names)))
            out.append((i, min(max(s, best_name, TRANSPOSED if swapped else 0.0), VARIANT - 1), swapped))
        return out

    def _scan(self, lse: str, pool_name: str, pool: list[str]) -> list[tuple[str, float, int]]:
        """process.extract(lse, pool, ...) over the keys that share enough letters with lse to
        score FUZZY_FLOOR: fuzz.ratio is at most 100 * (1 - d / n), n the two lengths, d = n - 2 *
        the letters in common (a bound on the edits). The keys kept stay in order: ties fall as before."""
        prep = self._pools.get(pool_name)
        if prep is None:
            prep = self._pools[pool_name] = _Pool(pool)
        m = len(lse)
        if m > 255:   # the byte counts could overflow: scan the whole pool
            return process.extract(lse, pool, scorer=fuzz.ratio, limit=8, score_cutoff=FUZZY_FLOOR)
        q = Counter([ord(ch) & 31 for ch in lse])   # the query's letters (as in _letter_counts)
        # letters in common (fits a byte: at most m); the bound above, as 200 * common >= FUZZY_FLOOR * n
        common = np.minimum(prep.per_letter[list(q)],
                            np.array(list(q.values()), dtype=np.uint8)[:, None]).sum(0, dtype=np.uint8)
        keep = np.flatnonzero(common >= prep.need(m))
        return process.extract(lse, prep.keys[keep].tolist(), scorer=fuzz.ratio, limit=8,
                               score_cutoff=FUZZY_FLOOR)

    def _near_hits(self, lse: str, may_swap: bool) -> list[tuple[str, float]]:
        """Loose keys about two edits from lse that score FUZZY_FLOOR or more: the best twelve,
        and any further one that is lse with two letters swapped."""
        near = self._near_keys(lse)
        if not near:
            return []
        scored = process.extract(lse, near, scorer=fuzz.ratio, limit=None, score_cutoff=FUZZY_FLOOR)
        hits = [(k, s) for k, s, _ in scored[:12]]
        if may_swap:   # a swap can score below twelve closer-looking short keys
            flat_lse = lse.replace(" ", "")
            hits += [(k, s) for k, s, _ in scored[12:] if _swapped(flat_lse, k.replace(" ", ""))]
        return hits

    def _narrow_serves(self, name: str, lse: str, country: str | None) -> bool:
        """The remembered candidates of the narrow search (no hint, wide False) are those of the
        wide one too: wide only lowers the floor below which candidates() scans the pools
        (RESOLVE_AT -> RESOLVE_AT_HINTED), so both scan the same pools unless the best near hit
        lies between the two floors. (Without the near hits at hand: not known, False.)"""
        if ("cands", name, None, country, False) not in self._fuzzy_memo:
            return False
        may_swap = len(normalize.key(name).replace(" ", "")) >= TRANSPOSED_MIN
        hits = self._fuzzy_memo.get(("near", lse, may_swap))
        return hits is not None and not (RESOLVE_AT_HINTED <= max((s for _, s in hits), default=0) < RESOLVE_AT)

    def resolve(self, name: str, hint: str | None = None,
                near: list[tuple[float, float]] | None = None, country: str | None = None) -> Match:
        """The best place for `name`. hint: a governorate or region ('southern Idlib'); near:
        coordinates of the report's other places; country: the theatre (ISO2 or English name),
        when given only places in that country are candidates. Answers are remembered (LRU of
        MEMO_SIZE per Gazetteer, near rounded to 0.001 degree): the same call again is free."""
        iso2 = _iso2(country)
        if near:
            alone = self._memo.get((name, hint, iso2, None))
            if alone is not None and (alone.best is None or settled(alone)):
                # one place has that name, or none: nearby places change nothing (they can
                # only narrow the fuzzy search, see `wide` in _resolve)
                return alone
        near_r = tuple([rounded(la, lo, 3) for la, lo in near]) if near else None
        memo_key = (name, hint, iso2, near_r)
        m = self._memo.get(memo_key)
        if m is not None:
            self._memo.move_to_end(memo_key)
            return m
        m = self._resolve(name, hint, list(near_r) if near_r else None, iso2)
        self._memo[memo_key] = m
        if len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)
        return m

    def _resolve(self, name: str, hint: str | None, near: list[tuple[float, float]] | None,
                 country: str | None) -> Match:
        if country and country not in self.countries:
            what = COUNTRY.get(country, (country,))[0]
            return Match(name, hint, None, [], False,
                         reason=f"no gazetteer source covers {what} ({country}): import one, e.g. "
                                f"'sitrep-map gazetteer download geonames {country}'")
        admin1 = admin1_of(hint) if (country or HOME) == HOME else None
        lse = normalize.loose(name)
        # wide only matters without a hint, for names long enough for the pool scan (and not
        # when the narrow search done before gives the same candidates)
        wide = bool(near) and not admin1 and len(lse) >= 8 and not self._narrow_serves(name, lse, country)
        cands = self._remembered(("cands", name, admin1, country, wide),
                                 self.candidates, name, admin1, country, wide)
        if not cands:
            return self._online(Match(name, hint, None, [], False), country)

        near_cos = _with_cos(near) if near else None
        dist: dict[int, float] = {}   # id(candidate) -> km to the nearest of near
        if len(cands) > 1:   # (one candidate: nothing to rank; the remembered list stays as it is)
            cands = _ranked(cands, admin1, near_cos, dist)
        best = cands[0]
        hinted = admin1 is not None and best.place.admin1 == admin1
        if near:   # does the best lie near the report's places?
            d = dist.get(id(best))
            close = (_nearest(best.place.lat, best.place.lon, near_cos) if d is None else d) <= 25.0
        else:
            close = False
        need = RESOLVE_AT_HINTED if (hinted or close) else RESOLVE_AT
        need += SHORT_NAME_EXTRA * max(0, 8 - len(lse.replace(" ", "")))
        resolved = best.how != "fuzzy" or best.score >= need or _clear_swap(best, cands, admin1, country)
        return self._online(Match(name, hint, best, cands[:10], resolved), country)

    def _online(self, m: Match, country: str | None = None) -> Match:
        """An unresolved name goes to the online geocoder, when one is switched on (Syria only)."""
        if m.resolved or self._online_lookup is None or (country or HOME) != HOME:
            return m
        place = self._online_lookup.lookup(m.query)
        if place is None:
            return m
        c = Candidate(place, ONLINE_SCORE, "online")
        return Match(m.query, m.hint, c, [c] + m.candidates[:9], True)

    def get(self, place_id: str) -> Place | None:
        i = self.by_id.get(place_id)
        return None if i is None else self.places[i]

    def info(self) -> dict[str, int]:
        return dict(self.counts)


def _ranked(cands: list[Candidate], admin1: str | None, near_cos: list | None,
            dist: dict[int, float]) -> list[Candidate]:
    """Candidates best first for this call: the governorate hint and the distance to the
    report's other places (kept in dist by id(candidate)) move their scores."""
    def rank(c: Candidate) -> tuple:
        p, s = c.place, c.score
        if admin1:
            s += 6.0 if p.admin1 == admin1 else -6.0
        if near_cos:
            d = dist[id(c)] = _nearest(p.lat, p.lon, near_cos)
            if d > 5:   # (adding 0.0 changes no score: the no-op sums are left out)
                s -= min(8.0, 8.0 * d / NEAR_KM)
        s += min(2.0, math.log10(p.population + 1) / 3)
        if p.feature_class == "P":
            s += 1.0
        if p.source in SOURCE_BONUS:
            s += SOURCE_BONUS[p.source]
        return (-s, -p.population)

    return sorted(cands, key=rank)


def settled(m: Match) -> bool:
    """Resolved to the one place with that name (exactly or as a variant): the report's other
    places (near) cannot change the answer."""
    return m.resolved and len(m.candidates) == 1 and m.best.how in ("exact", "variant")


def _clear_swap(best: Candidate, cands: list[Candidate], admin1: str | None, country: str | None) -> bool:
    """A fuzzy match below the threshold still resolves when the query is one of the place's
    names with two adjacent letters swapped, the place is in the theatre (and in the hinted
    governorate, if any), and no other place (more than 5 km away; in the hinted governorate,
    when there is a hint) scores within RUNNER_UP_MARGIN of it (another swap would: it scores
    TRANSPOSED too): one clear winner, else unresolved."""
    p = best.place
    if not best.transposed or p.country != (country or HOME) or (admin1 and p.admin1 != admin1):
        return False
    for c in cands[1:]:
        if km(p.lat, p.lon, c.place.lat, c.place.lon) <= 5:
            continue   # the same place in another source
        if admin1 and c.place.admin1 != admin1:
            continue   # the hint rules it out
        if c.score > best.score - RUNNER_UP_MARGIN:
            return False
    return True


def _index_path(sources: list[tuple[str, Path]]) -> Path:
    """Cache file named by a hash of everything the index is built from."""
    parts = [(n, p) for n, p in sources] + [("rules", p) for p in sorted(normalize.RULES.glob("*.csv"))]
    parts += [("code", Path(__file__)), ("code", Path(normalize.__file__)), ("basemap", GOVERNORATES)]
    sig = hashlib.sha1()
    for n, p in parts:
        st = p.stat() if p.exists() else None
        sig.update(f"{n}|{p}|{st and st.st_size}|{st and st.st_mtime_ns}\n".encode())
    return user_home() / "cache" / f"index-{sig.hexdigest()[:16]}.pickle"


@lru_cache(maxsize=1)
def _governorates() -> tuple[Place, ...]:
    """Syria's governorates as region entries (feature A/ADM1), from the basemap polygons."""
    out = []
    for f in features():
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
