"""Gazetteer benchmark: accuracy on place mentions with known coordinates, and throughput with a
full-size (~40,000 names) gazetteer in GeoNames format.

    taskset -c 1 .venv/bin/python scripts/bench_gazetteer.py [--repeat 5] [--names 40000] [--make-truth]

Accuracy cases: scripts/bench_gazetteer.csv (name as written, hint, the gazetteer record that is
right and its coordinate, and where that record comes from: a GeoNames id or the curated row's
source). `--make-truth` rebuilds that file from the place mentions of data/demo/reports and
tests/fixtures/reports plus generated spelling variants; a mention enters the truth only when its
exact spelling resolves to one record whose governorate agrees with the report's hint.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("SITREP_MAP_HOME", tempfile.mkdtemp(prefix="bench-home-"))

from sitrep_map.gazetteer import Gazetteer, km, normalize  # noqa: E402
from sitrep_map.gazetteer.importers import geonames_line, import_file  # noqa: E402
from sitrep_map.gazetteer.resolver import admin1_of  # noqa: E402

TRUTH = Path(__file__).with_suffix(".csv")
REPORTS = [REPO / "data" / "demo" / "reports", REPO / "tests" / "fixtures" / "reports"]
NEAR_KM = 5.0
# spelling variants the press uses: (written, also written)
SWAPS = [("Tal ", "Tell "), ("Deir ", "Dayr "), ("Kafr ", "Kfar "), ("Ain ", "Ein "), ("Jabal ", "Jebel "),
         ("Maarat ", "Maaret "), ("Khirbet ", "Khirbat "), ("al-", "el-"), ("al-", "al "), ("al-", ""),
         ("ee", "i"), ("i", "ee"), ("ou", "u"), ("u", "ou"), ("q", "k"), ("ah", "a"), ("a", "ah")]


def variants(name: str, rnd: random.Random) -> list[tuple[str, str]]:
    out = []
    for a, b in SWAPS:
        if a in ("a", "ah"):   # endings only
            if name.endswith(a) and not name.endswith("h" if a == "a" else "-"):
                out.append((name[: -len(a)] + b, "variant"))
        elif a in name:
            out.append((name.replace(a, b, 1), "variant"))
    core = re.split(r"[ -]", name)[-1]
    if len(core) >= 6:   # one typo: two letters swapped inside the last word
        i = rnd.randrange(1, len(core) - 2)
        typo = core[:i] + core[i + 1] + core[i] + core[i + 2:]
        out.append((name[: len(name) - len(core)] + typo, "typo"))
    return [(v, k) for v, k in out if v != name]


def make_truth(gaz: Gazetteer) -> None:
    from sitrep_map.parse import parse_report
    rnd = random.Random(7)
    seen, rows = set(), []
    for folder in REPORTS:
        for p in sorted(folder.glob("*.txt")):
            try:
                parsed = parse_report(p.read_text(encoding="utf-8"), None, p.name)
            except Exception:
                continue
            for inc in parsed.incidents:
                pl = inc.place
                if not pl or pl.road_to or (pl.text, pl.hint) in seen:
                    continue
                seen.add((pl.text, pl.hint))
                m = gaz.resolve(pl.text, pl.hint)
                want = admin1_of(pl.hint)
                if not (m.resolved and m.best.how == "exact") or m.best.place.feature_class == "A":
                    continue
                if want and m.best.place.admin1 != want:
                    continue
                b = m.best.place
                cite = b.source if b.source != "curated" else f"curated {b.id}"
                for written, kind in [(pl.text, "as written")] + variants(pl.text, rnd):
                    rows.append({"name": written, "hint": pl.hint or "", "kind": kind, "truth_id": b.id,
                                 "lat": b.lat, "lon": b.lon, "truth_name": b.name, "cite": cite})
    with open(TRUTH, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} cases ({len(seen)} mentions) -> {TRUTH}")


def accuracy(gaz: Gazetteer) -> dict:
    cases = list(csv.DictReader(open(TRUTH, encoding="utf-8")))
    near = wrong = unresolved = 0
    misses = []
    for c in cases:
        m = gaz.resolve(c["name"], c["hint"] or None)
        if not (m.resolved and m.best):
            unresolved += 1
            misses.append(f"unresolved: {c['name']} ({c['kind']})")
            continue
        d = km(m.best.place.lat, m.best.place.lon, float(c["lat"]), float(c["lon"]))
        if d <= NEAR_KM:
            near += 1
        else:
            wrong += 1
            misses.append(f"WRONG {d:.0f} km: {c['name']} -> {m.best.place.name} ({m.best.place.id})")
    n = len(cases)
    return {"cases": n, "within_5km": near / n, "confidently_wrong": wrong / n,
            "unresolved": unresolved / n, "misses": misses}


SYL = ["ba", "bu", "da", "dir", "fa", "ha", "ja", "ka", "kaf", "kha", "la", "ma", "mar", "na", "qa",
       "ra", "sa", "sha", "ta", "tal", "wa", "ya", "za", "zu", "bin", "nab", "sar", "qib", "rin", "lun"]


def synthetic(n: int, folder: Path) -> Path:
    """n places in GeoNames dump format, Syrian-looking names, inside Syria."""
    rnd = random.Random(1)
    lines, names = [], set()
    while len(lines) < n:
        w = "".join(rnd.choice(SYL) for _ in range(rnd.randint(2, 4))).capitalize()
        name = w if rnd.random() < 0.7 else f"{rnd.choice(['Tal', 'Deir', 'Kafr', 'Ain', 'Khirbet'])} {w}"
        if name in names:
            continue
        names.add(name)
        lines.append(geonames_line({"id": 8_000_000 + len(lines), "name": name, "lat": round(rnd.uniform(32.5, 37.2), 5),
                                    "lon": round(rnd.uniform(35.8, 42.0), 5), "population": rnd.randint(0, 5000)}))
    path = folder / "XS.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rate(g: Gazetteer, queries: list[str]) -> float:
    """Lookups per second. The queries are distinct and resolve()'s memo is emptied first, so
    every lookup does the full work (the memo only helps a repeated name)."""
    queries = list(dict.fromkeys(queries))
    g.clear_memo()
    t = time.perf_counter()
    for q in queries:
        g.resolve(q)
    return len(queries) / (time.perf_counter() - t)


def cold_normalisation() -> None:
    """Forget the normalisation caches, so that a first build pays for them as a new process would."""
    from sitrep_map.gazetteer import normalize
    for f in (normalize.key, normalize.loose, normalize.loose_word):
        f.cache_clear()


def throughput(n_names: int, repeat: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-gaz-"))
    t = time.perf_counter()
    imp = import_file(synthetic(n_names, folder), progress=False)
    import_s = time.perf_counter() - t
    rnd = random.Random(3)
    results: dict[str, list[float]] = {"build_s": [], "load_s": [], "exact": [], "variant": [],
                                       "fuzzy": [], "unknown": []}
    cache = Path(os.environ["SITREP_MAP_HOME"]) / "cache"
    for _ in range(repeat):
        for old in cache.glob("index-*.pickle"):
            old.unlink()
        cold_normalisation()
        t = time.perf_counter()
        Gazetteer.load()          # first build: read the CSVs, normalise, index, write the cache
        results["build_s"].append(time.perf_counter() - t)
        t = time.perf_counter()
        g = Gazetteer.load()      # what every later process does
        results["load_s"].append(time.perf_counter() - t)
        syn = [p.name for p in g.places if p.source == imp.source]
        picks = rnd.sample(syn, 2000)
        vari = [p.replace("i", "e", 1).replace("u", "ou", 1).replace("Tal ", "Tell ").replace("Deir ", "Dayr ")
                for p in picks]
        fuzzy = []
        for p in picks[:1000]:
            i = rnd.randrange(1, len(p) - 1)
            fuzzy.append(p[:i] + p[i + 1:])  # one letter dropped
        unknown = []   # names in the same style that the gazetteer does not hold
        while len(unknown) < 1000:
            w = "".join(rnd.choice(SYL) for _ in range(rnd.randint(3, 4))).capitalize()
            if normalize.loose(w) not in g.by_loose:
                unknown.append(w)
        results["exact"].append(rate(g, picks))
        results["variant"].append(rate(g, vari))
        results["fuzzy"].append(rate(g, fuzzy))
        results["unknown"].append(rate(g, unknown))
    return {"names": sum(len(p.names) for p in g.places), "places": len(g.places),
            "import_s": import_s, **results}


def spread(v: list[float], fmt: str) -> str:
    return f"median {fmt.format(statistics.median(v))} (min {fmt.format(min(v))}, max {fmt.format(max(v))})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--names", type=int, default=40_000)
    ap.add_argument("--make-truth", action="store_true")
    a = ap.parse_args()
    gaz = Gazetteer.load()
    if a.make_truth or not TRUTH.exists():
        make_truth(gaz)
    acc = accuracy(gaz)
    print(f"accuracy: {acc['cases']} mentions; within {NEAR_KM:g} km {acc['within_5km']:.1%}, "
          f"confidently wrong {acc['confidently_wrong']:.1%}, unresolved {acc['unresolved']:.1%}")
    for m in acc["misses"]:
        print(f"  {m}")
    th = throughput(a.names, a.repeat)
    print(f"throughput: {th['places']} places, {th['names']} names loaded; import of the "
          f"GeoNames-format file {th['import_s']:.2f} s; {a.repeat} runs, one core")
    print(f"  first build  {spread(th['build_s'], '{:.2f}')} s")
    print(f"  index load   {spread(th['load_s'], '{:.2f}')} s (cached index)")
    for k in ("exact", "variant", "fuzzy", "unknown"):
        print(f"  {k:8} lookups/s {spread(th[k], '{:,.0f}')}")


if __name__ == "__main__":
    main()
