"""Dashboard speed: the server's filter + figure + JSON per slider step, ours against the naive
path (boolean masks on the GeoDataFrame + plotly express with hover data), side by side in one
run; cold start and memory; optionally a slider step to the map painted in headless Chromium.

    .venv/bin/python scripts/synth.py --n 1000000 --out /tmp/synth-1m.gpkg
    .venv/bin/python scripts/bench_dashboard.py --db /tmp/synth-1m.gpkg
    .venv/bin/python scripts/bench_dashboard.py --db /tmp/synth-200k.gpkg --browser
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
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


STEP_MAPLIBRE = """async ([key, verify]) => {
  // (checkouts before the overlay: markers in MapLibre sources)
  // keydown -> Plotly applied a new figure and the day label changed -> the first MapLibre frame drawn
  // with every source loaded (and, for one day, with as many circles as the label says): that frame
  // shows the new day. Then the page
  // settles (MapLibre idle, the counts and table updated) before the next step, as between key presses.
  const gd = document.querySelector('#map .js-plotly-plot');
  const m = gd._fullLayout.map._subplot.map;
  const label = document.querySelector('#day-label');
  const before = label.innerText;
  const drawn = () => m.queryRenderedFeatures().filter(f => f.layer.id.endsWith('-circle')).length;
  const want = () => Number((label.innerText.match(/([\\d,]+) on the map/) || [0, '-1'])[1].replace(/,/g, ''));
  let painted = null, frames = 0;
  const t0 = performance.now();
  let idle = null;   // the measure of earlier runs: until MapLibre is idle after the new day is drawn
  let plotted = false;   // Plotly has applied a new figure since the key (so the map has the new data)
  const onPlot = () => { plotted = true; check(true); };
  gd.on('plotly_afterplot', onPlot);
  const check = afterFrames => {
    if (painted === null && plotted && label.innerText !== before && m.loaded() &&
        (!verify || drawn() === want())) {
      painted = performance.now() - t0;
      if (afterFrames) idle = painted;   // the map had drawn it already: nothing left to render
    }
  };
  const onRender = () => { frames += 1; check(false); };
  m.on('render', onRender);
  const seen = new MutationObserver(() => check(true));   // the label may change after the last frame
  seen.observe(label, {childList: true, subtree: true, characterData: true});
  const onIdle = () => { if (painted !== null && idle === null) idle = performance.now() - t0; };
  m.on('idle', onIdle);
  document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
  await new Promise(res => { const wait = () => {
      if (painted !== null || performance.now() - t0 > 20000) res(); else setTimeout(wait, 5); }; wait(); });
  m.off('render', onRender);
  seen.disconnect();
  gd.removeListener('plotly_afterplot', onPlot);
  await new Promise(res => { const wait = () => {
      if (idle !== null || performance.now() - t0 > 20000) res(); else setTimeout(wait, 5); }; wait(); });
  m.off('idle', onIdle);
  await new Promise(res => setTimeout(res, 700));
  return [painted, frames, idle];
}"""


STEP = """async ([key, verify]) => {
  // keydown -> the first frame that shows the new day: at the frame's start (requestAnimationFrame)
  // the label shows the new day and the overlay over the map has drawn it (for one day: as many
  // circles as the label says); timed when that frame's work is done (a task queued from its
  // requestAnimationFrame callback runs after the frame's style, layout and paint).
  if (!(window.sitrep && window.sitrep.rendered)) return await (STEP_MAPLIBRE)([key, verify]);
  const label = document.querySelector('#day-label');
  const before = label.innerText;
  const want = () => Number((label.innerText.match(/([\\d,]+) on the map/) || [0, '-1'])[1].replace(/,/g, ''));
  const total = r => Object.values(r.counts).reduce((a, b) => a + b, 0);
  let frames = 0;
  const t0 = performance.now();
  document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
  const painted = await new Promise(res => { const frame = () => requestAnimationFrame(() => {
    frames += 1;
    const r = window.sitrep.rendered();
    const ok = label.innerText !== before && r && r.at >= t0 && (!verify || total(r) === want());
    setTimeout(() => (ok ? res(performance.now() - t0) : performance.now() - t0 > 20000 ? res(null) : frame()), 0);
  }); frame(); });
  await new Promise(res => setTimeout(res, 700));   // the counts and table follow, as between key presses
  return [painted, frames, null];
}""".replace("(STEP_MAPLIBRE)", "(" + STEP_MAPLIBRE + ")")


EVENT_TIMING = """() => {  // the browser's own measure of a trusted key press: to the next frame presented
  window.__keys = [];
  new PerformanceObserver(l => { for (const e of l.getEntries()) if (e.name === 'keydown') window.__keys.push(e.duration); })
    .observe({type: 'event', durationThreshold: 16});
}"""


def trusted_steps(page, runs: int) -> list[float]:
    """Key presses from Playwright (trusted events): Event Timing's duration, from the key press to
    the next frame presented after its handlers. The page draws the new day inside the keydown
    handler, so that frame shows it. Under 16 ms no entry is made: counted as 16."""
    page.evaluate(EVENT_TIMING)
    out = []
    for i in range(runs):
        before = page.inner_text("#day-label")
        n0 = page.evaluate("() => window.__keys.length")
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_function("b => document.querySelector('#day-label').innerText !== b", arg=before)
        time.sleep(0.7)
        got = page.evaluate("n => window.__keys.slice(n)", n0)
        out.append(max(got) if got else 16.0)
    return out


FRAMES = """async (n) => {  // one MapLibre frame with nothing changed: the floor of any step
  const m = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise(res => { m.once('render', res); m.triggerRepaint(); });
    out.push(performance.now() - t0);
  }
  return out;
}"""


def serve_tree(tree: str, db: str) -> tuple[str, subprocess.Popen]:
    """Another checkout's dashboard (e.g. ``git worktree add /tmp/before HEAD~1``), served by its own
    ``sitrep_map serve`` in a subprocess on loopback."""
    import socket
    import urllib.request
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": tree}
    proc = subprocess.Popen([sys.executable, "-m", "sitrep_map", "serve", "--db", db, "--port", str(port)],
                            cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(url, timeout=1)
            return url, proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{tree}: its dashboard did not start")


def browser(db: str, runs: int, compare: str | None = None) -> None:
    """The page drawing steps from its arrays, then the server drawing them (client_max=0, as above
    CLIENT_MAX stored), and optionally another checkout's dashboard (``compare``): same database,
    same browser, one run, alternating rounds of ``runs`` steps."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from sitrep_map.dashboard import create_app
    from sitrep_map.dashboard.data import CLIENT_MAX
    urls, servers = {}, []
    for mode, client_max in (("page", CLIENT_MAX), ("server", 0)):
        t = time.perf_counter()
        app = create_app(db, client_max=client_max)
        print(f"create_app ({mode} draws steps): {time.perf_counter() - t:.2f} s")
        srv = make_server("127.0.0.1", 0, app.server, threaded=True)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        urls[mode], servers = f"http://127.0.0.1:{srv.server_port}", servers + [srv]
    proc = None
    if compare:
        urls["before"], proc = serve_tree(compare, db)
    results: dict[tuple[str, str], list] = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/lib/chromium/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-dev-shm-usage"])
        page = b.new_page(viewport={"width": 1600, "height": 1000})
        for _ in range(2):
            for mode, url in urls.items():
                for name, query in (("one day", ""), ("ten years, cumulative", "&window=since&since=2015-01-01")):
                    page.goto(f"{url}/?date=2020-06-15{query}")
                    page.wait_for_selector(".maplibregl-canvas", timeout=60000)
                    page.wait_for_function("() => document.querySelector('#day-label').innerText"
                                           ".includes('on the map')", timeout=60000)
                    time.sleep(2)
                    page.click("header h1")
                    results.setdefault((mode, name), []).extend(
                        page.evaluate(STEP, ["ArrowRight" if i % 2 == 0 else "ArrowLeft", name == "one day"])
                        for i in range(runs))
                    if mode == "page":
                        page.click("header h1")
                        results.setdefault((mode, name + ", Event Timing"), []).extend(
                            (t, 0, None) for t in trusted_steps(page, runs))
                    results.setdefault((mode, "frame"), []).extend(page.evaluate(FRAMES, 5))
        b.close()
    for (mode, name), out in results.items():
        if name == "frame":
            print(f"{mode:6} draws: one MapLibre frame, nothing changed: {stats(out)}")
            continue
        ms = [t for t, _, _ in out if t is not None]
        idle = [i for t, _, i in out if t is not None and i is not None]
        late = len(out) - len(ms)
        print(f"{mode:6} draws: slider step -> map painted, {name:22}: {stats(ms)}  spread (p95-p5) "
              f"{np.percentile(ms, 95) - np.percentile(ms, 5):.0f} ms; frames until painted: "
              f"median {np.median([k for t, k, _ in out if t is not None]):.0f}"
              + (f"; until MapLibre idle: {stats(idle)}" if idle else "")
              + (f"; NOT PAINTED within 20 s: {late}" if late else ""))
    for srv in servers:
        srv.shutdown()
    if proc:
        proc.terminate()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="dashboard benchmarks")
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--browser", action="store_true", help="slider step to paint in headless Chromium")
    ap.add_argument("--compare", help="with --browser: also another checkout of sitrep-map (a folder)")
    a = ap.parse_args(argv)
    if a.browser:
        browser(a.db, min(a.runs, 30), a.compare)
    else:
        server(a.db, a.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
