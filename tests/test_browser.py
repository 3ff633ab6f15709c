"""End to end in headless Chromium: the dashboard over real HTTP on loopback, MapLibre drawing the
basemap and the page the markers over it. We assert on what was drawn, on the pixels of the page,
and on every request the page made."""
import csv
import datetime as dt
import json
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest

import numpy as np

from sitrep_map.dashboard.data import CLIENT_MAX, Incidents, Query, iso_day
from sitrep_map.dashboard.figure import AGGREGATE_AT
from sitrep_map.model import event_colors, taxonomy
from sitrep_map.store import Store, select

from conftest import REPO, serve

pytestmark = pytest.mark.browser

MAP = "document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"   # the MapLibre map
RENDERED = """() => {
  // circles the page drew over the map, in view, per colour (assets/app.js draws them on a canvas
  // over MapLibre's): "rgb(r,g,b)" -> count
  const r = window.sitrep && window.sitrep.rendered();
  if (!r) return null;
  const out = {};
  for (const [c, n] of Object.entries(r.counts))
    out['rgb(' + [1, 3, 5].map(i => parseInt(c.slice(i, i + 2), 16)).join(',') + ')'] = n;
  return out;
}"""


def hex_rgb(h):
    return "rgb(%d,%d,%d)" % tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))


def wait_counts(page, want_total, timeout=15000):
    handle = page.wait_for_function(f"() => {{ const r = ({RENDERED})(); return r && Object.values(r)"
                                    f".reduce((a, b) => a + b, 0) === {want_total} && r; }}", timeout=timeout)
    return handle.json_value()  # the counts that matched (the map may be mid-update a moment later)


def open_page(browser, url):
    ctx = browser.new_context(viewport={"width": 1700, "height": 1100}, accept_downloads=True)
    pg = ctx.new_page()
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(url)
    pg.wait_for_selector(".maplibregl-canvas", timeout=30000)
    return ctx, pg


@pytest.fixture()
def page(browser, live_app):
    ctx, pg = open_page(browser, live_app)
    yield pg
    ctx.close()


@pytest.fixture(params=["page", "server"])
def drawn_by(request, browser):
    """A page of the dashboard whose time steps are drawn by the page itself, or by the server."""
    url = request.getfixturevalue("live_app" if request.param == "page" else "live_app_server")
    ctx, pg = open_page(browser, url)
    pg.url_base = url
    yield pg
    ctx.close()


def expected(demo_db, day, types=None):
    gdf = select(Store(demo_db).incidents(), date=day, types=types)
    return gdf[gdf["resolved"]]


def minus(iso, n):
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=n)).isoformat()


def day_label(page, iso):
    page.wait_for_function(f"() => (document.querySelector('#day-label')?.innerText || '').startsWith('{iso}')")


def no_outside_requests(page, live_app):
    host = urlparse(live_app).netloc
    outside = [u for u in page.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).netloc != host]
    assert outside == []
    assert page.errors == []


def marker_xy(page, lon, lat):
    return page.evaluate(f"""([lon, lat]) => {{ const m = {MAP}; const p = m.project([lon, lat]);
        const r = m.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }}""", [lon, lat])


def check_pixels(page, shown, colors):
    """The screenshot's pixel at each marker standing alone is its type's colour over the land,
    nearer to it than to any other type's."""
    from io import BytesIO

    from PIL import Image

    from sitrep_map.dashboard.figure import OPACITY
    img = Image.open(BytesIO(page.screenshot())).convert("RGB")
    land = (251, 250, 246)
    blend = {t: [c * OPACITY + w * (1 - OPACITY) for c, w in zip(map(int, rgb[4:-1].split(",")), land)]
             for t, rgb in colors.items()}
    xy = [marker_xy(page, float(r.longitude), float(r.latitude)) for r in shown.itertuples()]
    alone = [i for i, (x, y) in enumerate(xy)
             if all((x - u) ** 2 + (y - v) ** 2 > 30 ** 2 for j, (u, v) in enumerate(xy) if j != i)]
    assert alone
    for i in alone:
        px = img.getpixel((round(xy[i][0]), round(xy[i][1])))
        near = min(blend, key=lambda t: sum((a - b) ** 2 for a, b in zip(px, blend[t])))
        assert near == shown["event_type"].iloc[i], (shown["location"].iloc[i], px)


def test_scrub_filter_click_details(drawn_by, demo_db):
    page, live_app = drawn_by, drawn_by.url_base
    colors = {t: hex_rgb(c) for t, c in event_colors().items()}
    days = sorted(Store(demo_db).incidents()["event_date"].unique())
    # opens on the last day, with that day's incidents drawn; dates shown as dates
    day_label(page, days[-1])
    last = expected(demo_db, days[-1])
    counts = wait_counts(page, len(last))
    for etype, n in last["event_type"].value_counts().items():
        assert counts.get(colors[etype]) == n, (etype, counts)
    assert days[0] in page.inner_text("#day")  # slider marks are dates

    # the arrow key steps back a day from anywhere on the page (not only the focused slider)
    page.click("header h1")
    page.keyboard.press("ArrowLeft")
    day_label(page, days[-2])
    prev = expected(demo_db, days[-2])
    counts = wait_counts(page, len(prev))
    assert page.inner_text("#map-title") == f"Situation in Syria on {days[-2]}"
    assert set(prev["event_id_cnty"]) != set(last["event_id_cnty"])
    page.wait_for_function("d => location.search.includes('date=' + d)", arg=days[-2])  # the URL follows

    # the window choice: last 7 days draws every incident of those days
    page.locator("#window label", has_text="last 7 days").click()
    week = select(Store(demo_db).incidents(), start=minus(days[-2], 6), end=days[-2])
    wait_counts(page, int(week["resolved"].sum()))

    # back to the day; un-ticking a type removes exactly its markers; counts shown per value
    page.locator("#window label", has_text="the day").click()
    wait_counts(page, len(prev))
    etype = prev["event_type"].value_counts().index[0]
    n_type = int((select(Store(demo_db).incidents(), date=days[-2])["event_type"] == etype).sum())
    box = page.locator("#types label", has_text=etype)
    # the counts come from the server after the map is drawn: wait for them, then check
    page.wait_for_function("([t, n]) => [...document.querySelectorAll('#types label')].some("
                           "l => l.innerText.includes(t) && l.innerText.includes(n))", arg=[etype, f"({n_type})"],
                           timeout=15000)
    assert f"({n_type})" in box.inner_text()
    box.click()
    counts = wait_counts(page, int((prev["event_type"] != etype).sum()))
    assert colors[etype] not in counts
    check_pixels(page, prev[prev["event_type"] != etype], colors)

    # clicking a marker opens its card, with the source sentence marked inside its report
    row = prev[prev["event_type"] != etype].iloc[0]
    page.mouse.move(*marker_xy(page, float(row["longitude"]), float(row["latitude"])))
    page.wait_for_selector(".sitrep-tip", state="visible")   # the hover label names a place of the day
    assert page.inner_text(".sitrep-tip").split(" · ")[0] in set(prev["location"])
    page.mouse.click(*marker_xy(page, float(row["longitude"]), float(row["latitude"])))
    page.wait_for_selector("#card dl", timeout=10000)
    card = page.inner_text("#card")
    shown = prev[prev["event_type"] != etype]
    hit = shown[shown["sub_event_type"].apply(lambda s: s in card)]
    assert len(hit), card
    mark = page.inner_text("#card mark")
    assert mark in set(shown["source_sentence"])
    assert len(page.inner_text("#card .report")) > len(mark) + 100  # the whole report around it

    # the table lists the incidents in view; a row click flies the map there and opens its card
    want_rows = len(select(Store(demo_db).incidents(), date=days[-2]).query("event_type != @etype"))
    page.wait_for_selector("#table td")
    page.wait_for_function("n => document.querySelectorAll('#table tbody tr').length - 1 === n",
                           arg=want_rows, timeout=15000)   # the table follows the map from the server
    n_rows = page.locator("#table tbody tr").count() - 1  # header row
    assert n_rows == want_rows
    cell = page.locator("#table td[data-dash-column=location]").first
    place = cell.inner_text()
    cell.click()
    page.wait_for_function(f"() => document.querySelector('#card').innerText.includes({place!r})")
    no_outside_requests(page, live_app)


def test_play_and_timeline_brush(page, demo_db, live_app):
    days = sorted(Store(demo_db).incidents()["event_date"].unique())
    page.goto(f"{live_app}/?date={days[0]}")
    day_label(page, days[0])
    page.click("#play")
    # it steps forward by itself (under load a step may be skipped: the label shows the newest)
    page.wait_for_function(f"() => (document.querySelector('#day-label')?.innerText || '').slice(0, 10) > '{days[1]}'")
    page.click("#play")
    page.wait_for_function("() => document.querySelector('#play').innerText.includes('Play')")
    # brushing the timeline sets a range: window 'since' from the brush start
    box = page.locator("#timeline .nsewdrag").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.1, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=5)
    page.mouse.up()
    page.wait_for_function("() => location.search.includes('window=since')")
    q = parse_qs(urlparse(page.url).query)
    lo, hi = q["since"][0], q["date"][0]
    assert days[0] <= lo < hi <= days[-1]
    day_label(page, f"from {lo} to {hi}")
    span = select(Store(demo_db).incidents(), start=lo, end=hi)
    wait_counts(page, int(span["resolved"].sum()))
    no_outside_requests(page, live_app)


def test_url_round_trip_and_back(page, demo_db, live_app):
    gdf = Store(demo_db).incidents()
    days = sorted(gdf["event_date"].unique())
    gov = gdf[gdf["resolved"]]["admin1"].value_counts().index[0]
    url = f"{live_app}/?date={days[-1]}&window=7&gov={gov}&view=35.0000,38.5000,6.00"
    page.goto(url)
    week = minus(days[-1], 6)
    day_label(page, f"from {week} to {days[-1]}")
    want = select(gdf, start=week, end=days[-1])
    want = want[want["admin1"] == gov]
    wait_counts(page, int(want["resolved"].sum()))
    assert gov in page.inner_text("#govs")
    # the incidents may be drawn before the server's figure with the URL's view arrives: wait for it
    view = f"() => {{ const m = {MAP}; return [m.getCenter().lat, m.getCenter().lng, m.getZoom()]; }}"
    page.wait_for_function(f"() => {{ const [a, b, z] = ({view})(); return Math.abs(a - 35) < 0.01 && "
                           "Math.abs(b - 38.5) < 0.01 && Math.abs(z - 6) < 0.01; }", timeout=15000)
    assert page.evaluate(view) == pytest.approx([35.0, 38.5, 6.0], abs=0.01)
    assert wait_counts(page, int(want["resolved"].sum()))   # the same incidents in the URL's view
    # a change makes a new URL; back restores the previous view exactly
    page.locator("#window label", has_text="the day").click()
    day_label(page, days[-1])
    page.wait_for_function("() => !location.search.includes('window=')")
    page.go_back()
    day_label(page, f"from {week} to {days[-1]}")
    wait_counts(page, int(want["resolved"].sum()))
    assert "window=7" in page.url and f"gov={gov}".replace(" ", "+") in page.url
    no_outside_requests(page, live_app)


def download(page, button, tmp_path):
    with page.expect_download(timeout=60000) as dl:
        page.click(button)
    out = tmp_path / dl.value.suggested_filename
    dl.value.save_as(out)
    return out


def test_exports_of_the_view(page, demo_db, live_app, tmp_path):
    gdf = Store(demo_db).incidents()
    days = sorted(gdf["event_date"].unique())
    page.goto(f"{live_app}/?date={days[-2]}")
    prev = expected(demo_db, days[-2])
    wait_counts(page, len(prev))
    title = f"Situation in Syria on {days[-2]}"

    # PNG, made in the browser by Plotly: not blank, markers in it
    png = download(page, "#btn-png", tmp_path)
    assert png.name == f"situation-{days[-2]}.png"
    from PIL import Image
    img = Image.open(png).convert("RGB")
    cols = img.getcolors(maxcolors=1 << 22)
    assert img.size == (1400, 1000) and len(cols) > 100
    from sitrep_map.dashboard.figure import OPACITY
    shown = prev["event_type"].iloc[0]
    rgb = [int(event_colors()[shown][i:i + 2], 16) for i in (1, 3, 5)]
    land = (251, 250, 246)  # governorate fill under the markers
    want = [c * OPACITY + w * (1 - OPACITY) for c, w in zip(rgb, land)]
    near = sum(n for n, px in cols if all(abs(a - b) < 20 for a, b in zip(px, want)))
    assert near > 40, f"{shown} markers missing from the snapshot"

    # GeoJSON, CSV and GeoPackage hold exactly the incidents of the view
    day = select(gdf, date=days[-2])
    fc = json.loads(download(page, "#btn-geojson", tmp_path).read_text())
    assert sorted(f["properties"]["event_id_cnty"] for f in fc["features"]) == sorted(day["event_id_cnty"])
    rows = list(csv.reader(download(page, "#btn-csv", tmp_path).open()))
    from sitrep_map.model import ACLED_ORDER
    assert rows[0][:len(ACLED_ORDER)] == ACLED_ORDER and len(rows) == len(day) + 1
    assert sorted(Store(download(page, "#btn-gpkg", tmp_path)).event_ids()) == sorted(day["event_id_cnty"])

    # SVG and PDF through kaleido, with the title; the list beside the map on request
    assert title in download(page, "#btn-svg", tmp_path).read_text()
    page.locator("#with-list label").click()
    pdf = download(page, "#btn-pdf", tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert title in text and day[day["resolved"]]["location"].iloc[0] in text

    # standalone HTML of the same view
    assert title in download(page, "#btn-html", tmp_path).read_text()
    no_outside_requests(page, live_app)


def test_exported_html_draws_offline(browser, tmp_path, demo_db):
    """The standalone HTML file, opened from disk, draws every marker with all network refused."""
    from sitrep_map.export import write
    gdf = Store(demo_db).incidents()
    out = write(gdf, "html", tmp_path / "all.html", "Situation from A to B")
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = ctx.new_page()
    asked = []
    pg.route("**/*", lambda route: (asked.append(route.request.url), route.abort()) if
             route.request.url.startswith("http") else route.continue_())
    pg.goto(out.as_uri())
    pg.wait_for_selector(".scattergeo .point", timeout=30000)
    drawn = pg.evaluate("() => document.querySelectorAll('.scattergeo .point').length")
    assert drawn == int(gdf["resolved"].sum())
    assert pg.text_content(".gtitle") == "Situation from A to B"
    assert asked == []
    ctx.close()


@pytest.fixture(scope="module")
def synth_db(tmp_path_factory):
    """Ten years of synthetic incidents across Syria (scripts/synth.py), 30,000 of them."""
    out = tmp_path_factory.mktemp("synth") / "synth.gpkg"
    subprocess.run([sys.executable, str(REPO / "scripts" / "synth.py"), "--n", "30000", "--out", str(out)],
                   check=True, capture_output=True)
    return out


LINE_PARTS = "() => window.sitrep.rendered().parts"


@pytest.mark.parametrize("client_max", [CLIENT_MAX, 0], ids=["page", "server"])
def test_many_incidents_cells_and_precision_rings(browser, synth_db, client_max):
    """Whether the page or the server draws: above 5,000 in view the map draws one circle per grid
    cell and type (the server counts the window, the page what is in view), and a day's incidents
    near a place get their 5 km ring."""
    url, server = serve(synth_db, client_max=client_max)
    inc = Incidents.read(synth_db)
    ctx, page = open_page(browser, f"{url}/?date={iso_day(inc.last_day)}&window=since&since={iso_day(inc.first_day)}")
    try:
        page.wait_for_function("() => document.querySelector('#day-label').innerText.includes('aggregated')",
                               timeout=30000)
        everything = inc.rows(Query(day=inc.last_day, window="since", since=inc.first_day,
                                    event_type=list(taxonomy())))
        cells = inc.cells(everything)[0]
        assert len(everything) > AGGREGATE_AT and 0 < len(cells) < len(everything)
        wait_counts(page, len(cells), timeout=30000)
        if client_max:   # the page counts what is in view: zoomed in, few enough are drawn as points
            # (jumped again if a figure from the server with the URL's view lands after the jump);
            # the label, the bounds and what was drawn are read at one moment
            got = page.wait_for_function(f"""() => {{
                const m = {MAP};
                if (Math.abs(m.getZoom() - 10) > 0.01)
                    m.jumpTo({{center: [{inc.lon[everything[0]]}, {inc.lat[everything[0]]}], zoom: 10}});
                const label = document.querySelector('#day-label').innerText;
                if (!label.includes('in view') || !m.loaded()) return null;
                const b = m.getBounds();
                return {{label, b: [b.getSouth(), b.getNorth(), b.getWest(), b.getEast()],
                         drawn: window.sitrep.rendered(true).points}}; }}""", timeout=30000).json_value()
            b = got["b"]
            lat, lon = inc.lat[everything], inc.lon[everything]
            in_view = int(((lat >= b[0]) & (lat <= b[1]) & (lon >= b[2]) & (lon <= b[3])).sum())
            assert 0 < in_view <= AGGREGATE_AT
            assert f"{in_view:,} in view" in got["label"]
            inside = [p for p in got["drawn"] if b[0] <= p[1] <= b[1] and b[2] <= p[0] <= b[3]]
            assert len(inside) == in_view
            page.evaluate(f"() => {MAP}.jumpTo({{center: [38.5, 35.0], zoom: 5.5}})")   # zoomed out again: cells
            page.wait_for_function("() => document.querySelector('#day-label').innerText.includes('aggregated')",
                                   timeout=30000)

        # one day with incidents near a place (geo_precision 2): as many rings as such incidents
        near = np.flatnonzero((inc.precision == 2) & inc.point & inc.resolved)
        day = int(inc.day[near[len(near) // 2]])
        rows = inc.rows(Query(day=day, event_type=list(taxonomy())))
        n_near = int(((inc.precision[rows] == 2) & inc.resolved[rows]).sum())
        page.locator("#window label", has_text="the day").click()
        page.evaluate("d => window.dash_clientside.set_props('day', {value: d, drag_value: d})", day)
        day_label(page, iso_day(day))
        wait_counts(page, int(inc.resolved[rows].sum()), timeout=30000)
        page.wait_for_function(f"() => ({LINE_PARTS})() >= {n_near}", timeout=30000)
        assert page.errors == []
    finally:
        ctx.close()
        server.shutdown()

TEAL = (20, 150, 150)


def tile_server():
    """Raster tiles on loopback: one colour, and a 404 for every odd column (a failing tile must not
    stop the map). Returns (url template, server, paths asked)."""
    import io
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), TEAL).save(buf, "PNG")
    asked = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            x = int(self.path.strip("/").split("/")[1])
            body = buf.getvalue() if x % 2 == 0 else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "image/png")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{srv.server_port}/{{z}}/{{x}}/{{y}}.png", srv, asked


def teal_share(page):
    """The share of the map's pixels in the tiles' colour."""
    from io import BytesIO

    from PIL import Image
    box = page.evaluate(f"() => {{ const r = {MAP}.getCanvas().getBoundingClientRect(); "
                        "return {x: r.left, y: r.top, width: r.width, height: r.height}; }")
    px = np.asarray(Image.open(BytesIO(page.screenshot(clip=box))).convert("RGB"), dtype=int)
    return float((np.abs(px - np.array(TEAL)) < 12).all(axis=2).mean())


def test_online_tiles_opt_in_and_back(browser, demo_db):
    """Online tiles are opt-in: none is asked for until chosen. Chosen, the map draws them (here from a
    tile server on loopback, with failing tiles among them) under the borders, with the incidents
    over them; back to offline they are gone, and the map still follows the slider."""
    template, tiles, asked = tile_server()
    url, server = serve(demo_db, tiles=template)
    ctx, page = open_page(browser, url)
    try:
        days = sorted(Store(demo_db).incidents()["event_date"].unique())
        day_label(page, days[-1])
        last = expected(demo_db, days[-1])
        wait_counts(page, len(last))
        assert asked == [] and teal_share(page) < 0.01

        page.locator(".basemap label", has_text="online").click()
        page.wait_for_function(f"() => {MAP}.getLayer('online-tiles') && {MAP}.areTilesLoaded()", timeout=30000)
        page.wait_for_function("() => location.search.includes('basemap=online')")
        assert asked and teal_share(page) > 0.1
        assert wait_counts(page, len(last))   # the incidents are drawn over the tiles

        page.locator(".basemap label", has_text="offline").click()
        page.wait_for_function(f"() => !{MAP}.getLayer('online-tiles')", timeout=30000)
        page.wait_for_function("() => !location.search.includes('basemap=')")
        page.click("header h1")
        page.keyboard.press("ArrowLeft")
        day_label(page, days[-2])
        wait_counts(page, len(expected(demo_db, days[-2])))
        assert teal_share(page) < 0.01
        hosts = {urlparse(u).netloc for u in page.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}
        assert hosts <= {urlparse(url).netloc, urlparse(template).netloc}
        assert page.errors == []
    finally:
        ctx.close()
        server.shutdown()
        tiles.shutdown()
