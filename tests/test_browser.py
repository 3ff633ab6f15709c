"""End to end in headless Chromium: the dashboard over real HTTP on loopback, with MapLibre
drawing the markers. We assert on what MapLibre rendered and on every request the page made."""
from urllib.parse import urlparse

import pytest

from sitrep_map.model import event_colors
from sitrep_map.store import Store, select

pytestmark = pytest.mark.browser

RENDERED = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const m = gd && gd._fullLayout.map && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
  if (!m || !m.loaded()) return null;
  const out = {};
  for (const f of m.queryRenderedFeatures()) {
    if (!f.layer.id.endsWith('-circle')) continue;
    const c = f.layer.paint['circle-color'];
    const key = 'rgb(' + [c.r, c.g, c.b].map(v => Math.round(v * 255)).join(',') + ')';
    out[key] = (out[key] || 0) + 1;
  }
  return out;
}"""


def hex_rgb(h):
    return "rgb(%d,%d,%d)" % tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))


def wait_counts(page, want_total, timeout=15000):
    page.wait_for_function(f"() => {{ const r = ({RENDERED})(); return r && "
                           f"Object.values(r).reduce((a, b) => a + b, 0) === {want_total}; }}", timeout=timeout)
    return page.evaluate(RENDERED)


@pytest.fixture()
def page(browser, live_app):
    ctx = browser.new_context(viewport={"width": 1700, "height": 1100}, accept_downloads=True)
    pg = ctx.new_page()
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(live_app)
    pg.wait_for_selector(".maplibregl-canvas", timeout=30000)
    yield pg
    ctx.close()


def expected(demo_db, day, types=None):
    gdf = select(Store(demo_db).incidents(), date=day, types=types)
    return gdf[gdf["resolved"]]


def test_open_scrub_filter_click_export(page, demo_db, live_app, tmp_path):
    colors = {t: hex_rgb(c) for t, c in event_colors().items()}
    days = sorted(Store(demo_db).incidents()["event_date"].unique())
    # opens on the last day, with that day's incidents drawn
    page.wait_for_function(f"() => document.querySelector('#day-label').innerText.startsWith('{days[-1]}')")
    last = expected(demo_db, days[-1])
    counts = wait_counts(page, len(last))
    for etype, n in last["event_type"].value_counts().items():
        assert counts.get(colors[etype]) == n, (etype, counts)

    # the slider steps back a day with the keyboard: the map shows that day's update
    page.focus("#day [role=slider]")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => document.querySelector('#day-label').innerText.startsWith('{days[-2]}')")
    prev = expected(demo_db, days[-2])
    counts = wait_counts(page, len(prev))
    assert sum(counts.values()) == len(prev) != len(last) or set(prev["event_id_cnty"]) != set(last["event_id_cnty"])

    # un-ticking a type removes exactly its markers
    etype = prev["event_type"].value_counts().index[0]
    page.get_by_role("checkbox", name=etype).uncheck() if page.get_by_role("checkbox", name=etype).count() \
        else page.locator(".types label", has_text=etype).click()
    counts = wait_counts(page, int((prev["event_type"] != etype).sum()))
    assert colors[etype] not in counts

    # clicking a marker opens its card
    row = prev[prev["event_type"] != etype].iloc[0]
    xy = page.evaluate("""([lon, lat]) => { const gd = document.querySelector('#map .js-plotly-plot');
        const m = gd._fullLayout.map._subplot.map; const p = m.project([lon, lat]);
        const r = m.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
                      [float(row["longitude"]), float(row["latitude"])])
    page.mouse.click(xy[0], xy[1])
    page.wait_for_function("() => document.querySelector('#card dl') !== null", timeout=10000)
    card = page.inner_text("#card")
    assert row["sub_event_type"] in card or any(
        r in card for r in prev["sub_event_type"])  # overlapping markers: one of this day's

    # PNG snapshot, made in the browser by Plotly: not blank, markers in it
    with page.expect_download(timeout=30000) as dl:
        page.click("#btn-png")
    png = tmp_path / "snap.png"
    dl.value.save_as(png)
    assert dl.value.suggested_filename == f"situation-{days[-2]}.png"
    from PIL import Image
    img = Image.open(png).convert("RGB")
    cols = img.getcolors(maxcolors=1 << 22)
    assert img.size == (1400, 1000) and len(cols) > 100
    from sitrep_map.dashboard.figure import OPACITY
    shown = prev[prev["event_type"] != etype]["event_type"].iloc[0]
    rgb = [int(event_colors()[shown][i:i + 2], 16) for i in (1, 3, 5)]
    land = (251, 250, 246)  # governorate fill under the markers
    want = [c * OPACITY + w * (1 - OPACITY) for c, w in zip(rgb, land)]
    near = sum(n for n, px in cols if all(abs(a - b) < 20 for a, b in zip(px, want)))
    assert near > 40, f"{shown} markers missing from the snapshot"

    # standalone HTML of the same view
    with page.expect_download(timeout=30000) as dl:
        page.click("#btn-html")
    html = tmp_path / "snap.html"
    dl.value.save_as(html)
    assert f"Situation on {days[-2]}" in html.read_text()

    # nothing was requested from any host but ours, and no page errors
    host = urlparse(live_app).netloc
    outside = [u for u in page.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).netloc != host]
    assert outside == []
    assert page.errors == []


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
