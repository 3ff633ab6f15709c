"""Dashboard speed: the server's filter + figure + JSON per slider step, ours against the naive
path (boolean masks on the GeoDataFrame + plotly express with hover data), side by side in one
run; cold start and memory; optionally a slider step to the map painted in headless Chromium.

    .venv/bin/python scripts/synth.py --n 1000000 --out /tmp/synth-1m.gpkg
    .venv/bin/python scripts/bench_dashboard.py --db /tmp/synth-1m.gpkg
    .venv/bin/python scripts/bench_dashboard.py --db /tmp/synth-200k.gpkg --browser
"""
from __future__ import annotations

import argparse
import resource
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def stats(ms: list[float]) -> str:
    a = np.asarray(ms)
    return f"median {np.median(a):8.2f} ms  p95 {np.percentile(a, 95):8.2f} ms  (n={len(a)})"


def timed(fn, runs: int) -> list[float]:
    out = []
    for i in range(runs):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


def server(db: str, runs: int) -> None:
    import plotly.express as px
    from plotly.io.json import to_json_plotly

    from sitrep_map.dashboard.data import Incidents, Query, iso_day
    from sitrep_map.dashboard.figure import live_figure
    from sitrep_map.model import event_colors, taxonomy
    from sitrep_map.store import Store

    t = time.perf_counter()
    inc = Incidents.read(db)   # what the app holds: the map's columns only
    start = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{db}: {len(inc):,} incidents; cold start (read map columns + arrays) {start:.2f} s, "
          f"peak RSS after load {rss:.0f} MB")
    t = time.perf_counter()
    gdf = Store(db).incidents()   # the naive path's GeoDataFrame (every column)
    print(f"naive: read the whole layer {time.perf_counter() - t:.2f} s")
    rng = np.random.default_rng(1)
    days = rng.integers(inc.first_day, inc.last_day + 1, runs)
    types = list(taxonomy())

    def ours(i, window="day", day=None):
        q = Query(day=int(days[i] if day is None else day), window=window, since=inc.first_day,
                  event_type=types)
        fig, _ = live_figure(inc, inc.rows(q), "t")
        return to_json_plotly(fig)

    def naive(i, window="day"):
        iso = iso_day(days[i])
        keep = (gdf["event_type"].isin(types) & gdf["resolved"] &
                ((gdf["event_date"] == iso) if window == "day" else (gdf["event_date"] <= iso)))
        sub = gdf[keep]
        fig = px.scatter_map(sub, lat="latitude", lon="longitude", color="event_type", size="fatalities",
                             color_discrete_map=event_colors(), hover_data=["location", "sub_event_type",
                                                                            "actor1", "actor2", "event_date"])
        return to_json_plotly(fig)

    ours(0), naive(0)  # warm up
    a, b = timed(ours, runs), timed(naive, runs)
    print(f"one-day window   ours : {stats(a)}\none-day window   naive: {stats(b)}")
    print(f"one-day window   naive / ours: median {np.median(b) / np.median(a):.0f}x, "
          f"p95 {np.percentile(b, 95) / np.percentile(a, 95):.0f}x")
    whole = timed(lambda i: ours(i, "since", inc.last_day), 5)
    print(f"ten years (aggregated) ours : {stats(whole)}")
    t = time.perf_counter()
    naive(0, "all")
    print(f"ten years        naive: {(time.perf_counter() - t) * 1000:8.0f} ms (one run)")


STEP = """async ([key, verify]) => {
  // keydown -> the day label changed -> MapLibre idle -> (one day) MapLibre draws as many circles as
  // the label says; the clock stops when all of it holds, so a map still showing the old day counts
  const gd = document.querySelector('#map .js-plotly-plot');
  const label = document.querySelector('#day-label');
  const before = label.innerText;
  const t0 = performance.now();
  const drawn = () => { const m = gd._fullLayout.map._subplot.map;
    return m.queryRenderedFeatures().filter(f => f.layer.id.endsWith('-circle')).length; };
  const want = () => Number((label.innerText.match(/([\\d,]+) on the map/) || [0, '-1'])[1].replace(/,/g, ''));
  document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
  let late = 0;
  await new Promise(res => { const check = () => {
      if (performance.now() - t0 > 20000) { res(); return; }
      if (label.innerText !== before) { const m = gd._fullLayout.map._subplot.map;
        if (m.loaded() && (!verify || drawn() === want())) { res(); return; }
        if (m.loaded()) { late += 1; requestAnimationFrame(check); return; }
        m.once('idle', check); return; }
      requestAnimationFrame(check); }; check(); });
  await new Promise(requestAnimationFrame);
  return [performance.now() - t0, late];
}"""


def browser(db: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from sitrep_map.dashboard import create_app
    t = time.perf_counter()
    app = create_app(db)
    print(f"create_app: {time.perf_counter() - t:.2f} s")
    srv = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_port}"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/lib/chromium/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-dev-shm-usage"])
        page = b.new_page(viewport={"width": 1600, "height": 1000})
        for name, query in (("one day", ""), ("ten years, cumulative", "&window=since&since=2015-01-01")):
            page.goto(f"{url}/?date=2020-06-15{query}")
            page.wait_for_selector(".maplibregl-canvas", timeout=60000)
            page.wait_for_function("() => document.querySelector('#day-label').innerText.includes('on the map')",
                                   timeout=60000)
            time.sleep(2)
            page.click("header h1")
            out = [page.evaluate(STEP, ["ArrowRight" if i % 2 == 0 else "ArrowLeft", name == "one day"])
                   for i in range(runs)]
            ms = [t for t, _ in out]
            late = sum(1 for _, k in out if k)
            print(f"slider step -> map painted, {name:22}: {stats(ms)}  spread (p95-p5) "
                  f"{np.percentile(ms, 95) - np.percentile(ms, 5):.0f} ms; idle before the new day drawn: {late}")
        b.close()
    srv.shutdown()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="dashboard benchmarks")
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--browser", action="store_true", help="slider step to paint in headless Chromium")
    a = ap.parse_args(argv)
    if a.browser:
        browser(a.db, min(a.runs, 30))
    else:
        server(a.db, a.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
