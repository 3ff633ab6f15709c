"""Parser benchmark: accuracy on the hand-coded corpus, throughput through parse + geocode.

    .venv/bin/python scripts/bench_parser.py [--rounds 5] [--profile]

Accuracy: every folder of *.txt + *.expected.json under tests/fixtures/ (incident precision and
recall on type + place + date, sub-event accuracy, casualties exact, actor accuracy).
Throughput: the demo reports (1.4 KB on average) through parse_report + geocoding + the layer's
rows (no store), on one core; median and spread over rounds, and reports per second; the
without_rows_ figures leave out the time of making rows (to_rows): parse + geocode alone. Then the same at about
2 KB a report (the issue's size): each demo report grown with the paragraphs of the next one.
--profile prints where the time goes at 2 KB (cProfile: each stage's share, then the top functions
by own time). Instructions per report (the timed
rounds only, steadier than time on a shared machine): Collected / (rounds x reports) of

    PYTHONHASHSEED=0 valgrind --tool=callgrind --collect-atstart=no \
        --toggle-collect=functools_reduce .venv/bin/python scripts/bench_parser.py --rounds 4

less the full garbage collection (gc_collect_main in callgrind_annotate --inclusive=yes) when it
falls in the counted rounds: it runs once, some time after the gazetteer loads."""
from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sitrep_map.evaluate import Score, score_corpus  # noqa: E402
from sitrep_map.gazetteer import default_gazetteer  # noqa: E402
from sitrep_map.layers import locate, to_rows  # noqa: E402
from sitrep_map.parse import parse_report  # noqa: E402


def accuracy(gaz) -> dict[str, Score]:
    out = {}
    for folder in sorted(p for p in (REPO / "tests" / "fixtures").iterdir() if p.is_dir()):
        if any(folder.glob("*.expected.json")):
            out[folder.name] = score_corpus(folder, gaz)
    return out


def demo_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((REPO / "data/demo/reports").glob("*.txt"))]


def grown(texts: list[str], size: int) -> list[str]:
    """Each report with paragraphs of the next one appended (its title left out) until it holds
    ``size`` bytes: a longer report of the same kind."""
    out = []
    for i, t in enumerate(texts):
        extra = texts[(i + 1) % len(texts)].split("\n\n")[1:]
        while len(t.encode()) < size and extra:
            t += "\n\n" + extra.pop(0)
        out.append(t)
    return out


def throughput(gaz, rounds: int, size: int | None = None) -> dict:
    texts = demo_texts()
    if size:
        texts = grown(texts, size)
    size = sum(len(t.encode()) for t in texts) / len(texts)

    def one_pass() -> tuple[float, float]:
        """Seconds for the round, and of them the seconds spent making rows."""
        gaz.clear_memo()  # each round pays for its own lookups (names repeat within a round, as in use)
        rows = 0.0
        t0 = time.perf_counter()
        for t in texts:
            parsed = parse_report(t)
            located = locate(parsed.incidents, gaz, country=parsed.country)
            t1 = time.perf_counter()
            to_rows(parsed.incidents, located, "bench")
            rows += time.perf_counter() - t1
        return time.perf_counter() - t0, rows

    one_pass()  # warm caches (regexes, normalisation)
    # the timed rounds run inside functools.reduce, so that callgrind can count them alone:
    # valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce ...
    times = functools.reduce(lambda done, _: done + [one_pass()], range(rounds), [])
    out = {"reports": len(texts), "avg_bytes": round(size), "rounds": rounds}
    for label, spent in (("", [t for t, _ in times]), ("without_rows_", [t - r for t, r in times])):
        per = [len(texts) / t for t in spent]
        out |= {f"{label}reports_per_s_median": round(statistics.median(per)),
                f"{label}reports_per_s_min": round(min(per)), f"{label}reports_per_s_max": round(max(per)),
                f"{label}ms_per_report_median": round(1000 * statistics.median(spent) / len(texts), 3)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args()
    t0 = time.perf_counter()
    gaz = default_gazetteer()
    print(f"gazetteer load: {time.perf_counter() - t0:.2f} s, {len(gaz.places)} places")
    for name, s in accuracy(gaz).items():
        print(f"accuracy [{name}]: {s.summary()}")
        for line in (s.misses + s.extras + s.wrong)[:15]:
            print(f"   {line}")
    print(f"throughput: {throughput(gaz, a.rounds)}")
    print(f"throughput at about 2 KB a report: {throughput(gaz, a.rounds, 2048)}")
    if a.profile:
        profile(gaz)


# Stages of the pipeline, as (label, file ending, function name) for the profile's table.
STAGES = [
    ("report: clean", "segment.py", "clean"),
    ("report: language check", "engine.py", "looks_english"),
    ("report: date", "segment.py", "find_date"),
    ("report: title", "segment.py", "find_title"),
    ("report: segments", "segment.py", "segments"),
    ("report: theatre", "engine.py", "theatre"),
    ("sentence: split", "segment.py", "sentences"),
    ("sentence: typo repair", "engine.py", "repair"),
    ("sentence: words read (rules.Words)", "rules.py", "__init__"),
    ("sentence: event rules", "engine.py", "firing"),
    ("sentence: skip rules", "engine.py", "skipped"),
    ("sentence: actors", "engine.py", "actors"),
    ("sentence: places", "places.py", "find"),
    ("sentence: incidents (actors, numbers, dates, equipment)", "engine.py", "_incidents"),
    ("geocode (layers.locate)", "layers.py", "locate"),
    ("rows (layers.to_rows)", "layers.py", "to_rows"),
]


def profile(gaz, rounds: int = 5) -> None:
    """Where the time goes at about 2 KB a report: the stages' share of the total (cProfile,
    cumulative time, so its own overhead is in every figure), then the top functions."""
    import cProfile
    import pstats
    texts = grown(demo_texts(), 2048)
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(rounds):
        gaz.clear_memo()  # as in the timed rounds: each round pays for its own lookups
        for t in texts:
            parsed = parse_report(t)
            to_rows(parsed.incidents, locate(parsed.incidents, gaz, country=parsed.country), "bench")
    pr.disable()
    st = pstats.Stats(pr)
    total = st.total_tt
    n = rounds * len(texts)
    print(f"\nprofile: {n} reports of about 2 KB, {1e3 * total / n:.2f} ms per report under cProfile")
    print(f"{'stage':58} {'share':>6} {'calls/report':>13}")
    for label, file, func in STAGES:
        hits = [(v[1], v[3]) for (f, _, name), v in st.stats.items() if f.endswith(file) and name == func]
        if hits:
            calls, cum = map(sum, zip(*hits))
            print(f"{label:58} {100 * cum / total:5.1f}% {calls / n:13.1f}")
    st.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
