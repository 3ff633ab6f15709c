"""Every action as a command: python -m sitrep_map {ingest,export,geocode,gazetteer,serve,demo}."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO_REPORTS = REPO / "data" / "demo" / "reports"
EXIT_OK, EXIT_USAGE, EXIT_PARTIAL, EXIT_FAIL = 0, 2, 3, 1


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s!r} is not a date (YYYY-MM-DD)")


def default_db() -> Path:
    from .gazetteer.sources import user_home
    return user_home() / "demo.gpkg"


# -- commands ------------------------------------------------------------------------------------
def cmd_ingest(a: argparse.Namespace) -> int:
    from .ingest import ingest_files
    from .store import Store
    paths = []
    for p in a.reports:
        p = Path(p)
        paths += sorted(p.glob("*.txt")) if p.is_dir() else [p]
    outcomes = ingest_files(paths, Store(a.db), a.date)
    bad = 0
    for o in outcomes:
        if o.error:
            bad += 1
            print(f"error: {o.error}", file=sys.stderr)
        elif o.duplicate:
            print(f"{o.path}: already ingested, nothing added")
        else:
            unres = f"; unresolved: {', '.join(o.unresolved)}" if o.unresolved else ""
            print(f"{o.path}: {o.added} incidents added ({o.incidents} parsed), "
                  f"{len(o.unresolved)} places unresolved{unres}")
            if a.verbose:
                for n in o.notes:
                    print(f"  note: {n}")
    added = sum(o.added for o in outcomes)
    unresolved = sum(len(o.unresolved) for o in outcomes)
    print(f"total: {added} incidents added from {len(outcomes) - bad} reports, {unresolved} places "
          f"unresolved, {bad} files failed -> {a.db}")
    return EXIT_PARTIAL if bad and bad < len(outcomes) else (EXIT_FAIL if bad else EXIT_OK)


def cmd_export(a: argparse.Namespace) -> int:
    from .export import title_for, write
    from .store import Store, select
    st = Store(a.db)
    if not st.exists():
        print(f"error: {a.db}: no such database", file=sys.stderr)
        return EXIT_FAIL
    gdf = st.incidents()
    d = a.date.isoformat() if a.date else None
    lo = a.start.isoformat() if a.start else None
    hi = a.end.isoformat() if a.end else None
    fmt = a.format or Path(a.out).suffix.lstrip(".").lower()
    if a.every == "day":
        sub = select(gdf, start=lo, end=hi, types=a.type)
        out = Path(a.out)
        out.mkdir(parents=True, exist_ok=True)
        for day in sorted(sub["event_date"].unique()):
            one = select(sub, date=day)
            path = write(one, fmt, out / f"situation-{day}.{fmt}", title_for(one, date=day))
            print(f"{path}: {len(one)} incidents")
        return EXIT_OK
    sub = select(gdf, date=d, start=lo, end=hi, types=a.type)
    path = write(sub, fmt, Path(a.out), title_for(sub, d, lo, hi))
    print(f"{path}: {len(sub)} incidents ({fmt})")
    return EXIT_OK


def cmd_geocode(a: argparse.Namespace) -> int:
    from .gazetteer import default_gazetteer
    from .gazetteer.importers import GazetteerError
    from .gazetteer.online import from_env
    g = default_gazetteer()
    if a.online:
        g.online = from_env(a.online)
    if a.batch:
        from .gazetteer.batch import geocode_batch
        try:
            n, ok = geocode_batch(g, a.batch, sys.stdout)
        except GazetteerError as e:
            print(f"error: {e}", file=sys.stderr)
            return EXIT_FAIL
        print(f"{n} names, {ok} resolved", file=sys.stderr)
        return EXIT_OK
    if not a.name:
        print("usage: geocode NAME [--hint H] | geocode --batch FILE.csv", file=sys.stderr)
        return EXIT_USAGE
    m = g.resolve(a.name, a.hint)
    d = m.as_dict()
    if a.json:
        print(json.dumps(d, ensure_ascii=False, indent=2))
    elif not m.best:
        print(f"{a.name}: not found")
    else:
        state = "resolved" if m.resolved else "UNRESOLVED (best guess below)"
        print(f"{a.name}: {state}\n  {d['matched']} ({d['admin1'] or d['country']}) "
              f"{d['lat']:.5f}, {d['lon']:.5f}  score {d['score']} [{d['how']}] id {d['id']}")
        for alt in d["alternatives"]:
            print(f"  alt: {alt['name']} ({alt['admin1'] or alt['country']}) {alt['lat']:.4f}, "
                  f"{alt['lon']:.4f} score {alt['score']}")
    return EXIT_OK if m.resolved else EXIT_PARTIAL


def cmd_gazetteer(a: argparse.Namespace) -> int:
    from .gazetteer import default_gazetteer
    from .gazetteer.download import download, manifest
    from .gazetteer.importers import GazetteerError, import_file, learn
    from .gazetteer.sources import default_sources, user_home
    progress = sys.stderr.isatty()
    try:
        if a.action == "import":
            done = [import_file(f, a.alternate_names, a.format, a.country, progress) for f in a.args]
        elif a.action == "learn":
            done = [learn(f, progress) for f in a.args]
        elif a.action == "download":
            if not a.args or a.args[0] != "geonames":
                print("usage: gazetteer download geonames SY [IQ TR ...]", file=sys.stderr)
                return EXIT_USAGE
            done = download(a.args[1:] or ["SY"], a.base_url, progress)
        else:
            done = None
    except GazetteerError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_FAIL
    if done is not None:
        for d in done:
            print(d.summary())
            for b in d.bad[:10]:
                print(f"  bad line: {b}", file=sys.stderr)
        default_gazetteer.cache_clear()
        return EXIT_OK
    g = default_gazetteer()
    print(f"user data directory: {user_home()}")
    files = dict(default_sources())
    for name, n in g.info().items():
        print(f"  {name:22} {n:7d} places  {files.get(name, '')}")
    print(f"  {'total':22} {len(g.places):7d} places, {len(g.by_key)} name keys")
    for code, d in manifest().items():
        print(f"  downloaded {code}.zip {d['fetched']} sha256 {d['sha256'][:16]}... from {d['url']}")
    return EXIT_OK


def cmd_review(a: argparse.Namespace) -> int:
    """List weak places of a database, or save the analyst's answer for one."""
    from .gazetteer import default_gazetteer
    from .gazetteer.importers import GazetteerError
    from .review import pending, resolve
    from .store import Store
    st = Store(a.db)
    if a.action == "resolve":
        if not a.name:
            print("usage: review resolve NAME (--to ID | --lat LAT --lon LON) [--db DB]", file=sys.stderr)
            return EXIT_USAGE
        try:
            row, n = resolve(st, a.name, a.to, a.lat, a.lon, a.admin1)
        except GazetteerError as e:
            print(f"error: {e}", file=sys.stderr)
            return EXIT_FAIL
        print(f"{a.name} -> {row['lat']}, {row['lon']} ({row['admin1']}) saved as {row['id']}; "
              f"{n} stored incidents re-geocoded")
        return EXIT_OK
    if not st.exists():
        print(f"error: {a.db}: no such database", file=sys.stderr)
        return EXIT_FAIL
    items = pending(st, default_gazetteer(), *([a.low] if a.low is not None else []))
    for it in items:
        if a.json:
            print(json.dumps(it, ensure_ascii=False))
            continue
        state = "resolved, score %.1f" % it["score"] if it["resolved"] else "UNRESOLVED"
        print(f"{it['name']}  ({it['incidents']} incidents, {state})")
        for c in it["candidates"]:
            print(f"    {c['id']:22} {c['name']} ({c['admin1'] or c['country']}) {c['lat']:.4f}, "
                  f"{c['lon']:.4f} score {c['score']} [{c['how']}]")
    if not a.json:
        print(f"{len(items)} places to review; fix one with: review resolve NAME --to ID "
              f"(or --lat LAT --lon LON) --db {a.db}")
    return EXIT_OK


def cmd_demo(a: argparse.Namespace) -> int:
    """Build the demo database from the sample reports (if missing)."""
    db = Path(a.db)
    if db.exists() and not a.rebuild:
        print(f"{db}: exists")
        return EXIT_OK
    from .ingest import ingest_files
    from .store import Store
    tmp = db.with_name(db.stem + ".building.gpkg")
    tmp.unlink(missing_ok=True)
    outcomes = ingest_files(sorted(DEMO_REPORTS.glob("*.txt")), Store(tmp))
    tmp.replace(db)
    print(f"{db}: demo built, {sum(o.added for o in outcomes)} incidents from {len(outcomes)} reports")
    return EXIT_OK


def cmd_serve(a: argparse.Namespace) -> int:
    from .dashboard import create_app
    if not Path(a.db).exists():
        print(f"error: {a.db}: no such database (ingest a report first, or run 'demo')", file=sys.stderr)
        return EXIT_FAIL
    app = create_app(a.db)
    print(f"sitrep-map: serving {a.db} on http://{a.host}:{a.port}/")
    app.run(host=a.host, port=a.port, debug=False)
    return EXIT_OK


# -- parser ------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sitrep-map", description="Situation reports -> incident map.")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("ingest", help="parse, geocode and store reports")
    s.add_argument("reports", nargs="+", help="report files (or folders of .txt)")
    s.add_argument("--db", required=True, help="GeoPackage file (created if missing)")
    s.add_argument("--date", type=_date, help="report date, when the text has none")
    s.add_argument("-v", "--verbose", action="store_true", help="say what was skipped and why")
    s.set_defaults(fn=cmd_ingest)

    s = sub.add_parser("export", help="write the filtered incidents")
    s.add_argument("--db", required=True)
    s.add_argument("--format", choices=["geojson", "csv", "gpkg", "png", "svg", "pdf", "html"])
    s.add_argument("--out", required=True, help="file (or folder with --every day)")
    s.add_argument("--date", type=_date)
    s.add_argument("--from", dest="start", type=_date)
    s.add_argument("--to", dest="end", type=_date)
    s.add_argument("--type", action="append", help="event type (repeatable)")
    s.add_argument("--every", choices=["day"], help="one file per day into the --out folder")
    s.set_defaults(fn=cmd_export)

    s = sub.add_parser("geocode", help="look a place name up in the gazetteer")
    s.add_argument("name", nargs="?")
    s.add_argument("--hint", help="governorate or area, e.g. 'southern Idlib'")
    s.add_argument("--json", action="store_true")
    s.add_argument("--batch", help="CSV with columns name[,hint] ('-': stdin) -> JSON lines")
    s.add_argument("--online", nargs="?", const="nominatim", metavar="SERVICE",
                   help="ask a geopy geocoder (default Nominatim) for names nothing local knows")
    s.set_defaults(fn=cmd_geocode)

    s = sub.add_parser("gazetteer", help="gazetteer sources: info, import, download, learn",
                       description="info | import FILE... | download geonames SY [IQ ...] | "
                                   "learn ACLED_OR_UCDP.csv...")
    s.add_argument("action", nargs="?", default="info", choices=["info", "import", "download", "learn"])
    s.add_argument("args", nargs="*", help="files (import, learn) or: geonames SY [IQ TR ...]")
    s.add_argument("--alternate-names", help="GeoNames alternateNamesV2 file (import)")
    s.add_argument("--format", choices=["geonames", "wof", "ocha"], help="import format (default: sniffed)")
    s.add_argument("--country", default="SY", help="country of an OCHA file without one (default SY)")
    s.add_argument("--base-url", help="GeoNames dump URL (default: $SITREP_MAP_GEONAMES_URL or geonames.org)")
    s.set_defaults(fn=cmd_gazetteer)

    s = sub.add_parser("review", help="places to check; 'review resolve NAME --to ID' fixes one")
    s.add_argument("action", nargs="?", default="list", choices=["list", "resolve"])
    s.add_argument("name", nargs="?", help="the place as written (resolve)")
    s.add_argument("--db", default=str(default_db()))
    s.add_argument("--to", help="gazetteer id of the right place (see 'geocode NAME --json')")
    s.add_argument("--lat", type=float)
    s.add_argument("--lon", type=float)
    s.add_argument("--admin1", help="governorate (default: from the coordinate)")
    s.add_argument("--low", type=float, help="list resolved matches scoring below this (default 92)")
    s.add_argument("--json", action="store_true", help="one JSON object per place")
    s.set_defaults(fn=cmd_review)

    s = sub.add_parser("demo", help="build the demo database from the sample reports")
    s.add_argument("--db", default=str(default_db()))
    s.add_argument("--rebuild", action="store_true")
    s.set_defaults(fn=cmd_demo)

    s = sub.add_parser("serve", help="serve the dashboard")
    s.add_argument("--db", default=str(default_db()))
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8050)
    s.set_defaults(fn=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "date", None) and getattr(args, "start", None):
        print("error: --date and --from/--to exclude each other", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.fn(args)
    except Exception as e:  # a clear message, not a traceback, for expected failures
        from .export import ExportError
        from .parse import ReportError
        from .store import StoreError
        if isinstance(e, (ReportError, StoreError, ExportError)):
            print(f"error: {e}", file=sys.stderr)
            return EXIT_FAIL
        raise
