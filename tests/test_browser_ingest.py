"""Reports in from the page and places resolved from the page, in headless Chromium over real HTTP:
paste or upload, preview, commit; the slider, the timeline and what MapLibre draws follow without a
restart. Each test serves its own copy of the demo database (commits change it)."""
import datetime as dt
import shutil

import pytest

from sitrep_map.dashboard.data import day_number
from sitrep_map.ingest import process
from sitrep_map.model import event_colors
from sitrep_map.store import Store, select
from conftest import FIXTURES, serve
from test_browser import day_label, hex_rgb, no_outside_requests, wait_counts

pytestmark = pytest.mark.browser

POINTS = """() => {   // [lon, lat] of the circles the page drew over the map, in view
  const r = window.sitrep && window.sitrep.rendered(true);
  return r && r.points;
}"""

REVIEW = """Military Situation in Syria on July 10, 2020

Syrian Army artillery shelled the village of Zuhayrat Fixtur in southern Idlib, killing 2 civilians.
Turkish-backed militants attacked Syrian Army positions in Mhambl.
"""


GERMAN = ("Militärische Lage in Syrien am 8. Juli 2020. Die syrische Armee hat am Montag mehrere Dörfer "
          "in der Provinz Idlib angegriffen und dabei viele Kämpfer getötet, berichten örtliche Medien. "
          "Türkische Truppen beschossen Stellungen der Kurden nahe der Grenze, wobei drei Soldaten "
          "verletzt wurden. Russische Flugzeuge bombardierten Ziele im Süden der Provinz.")


@pytest.fixture()
def own_app(demo_db, tmp_path, monkeypatch):
    """The dashboard over a copy of the demo database, and a user home of its own (aliases)."""
    from sitrep_map.gazetteer import default_gazetteer
    monkeypatch.setenv("SITREP_MAP_HOME", str(tmp_path / "home"))
    default_gazetteer.cache_clear()
    db = tmp_path / "own.gpkg"
    shutil.copy(demo_db, db)
    url, server = serve(db)
    yield url, db
    server.shutdown()
    default_gazetteer.cache_clear()


@pytest.fixture()
def own_page(browser, own_app):
    url, db = own_app
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    pg = ctx.new_page()
    pg.requests, pg.errors = [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(url)
    pg.wait_for_selector(".maplibregl-canvas", timeout=30000)
    pg.wait_for_function("() => (document.querySelector('#day-label')?.innerText || '').includes('on the map')")
    yield pg, url, db
    ctx.close()


MARKS_FIT = """() => {
  const box = document.querySelector('.slider-box')?.getBoundingClientRect();
  const marks = [...document.querySelectorAll('#day .dash-slider-mark')].map(m => m.getBoundingClientRect());
  if (!box || marks.length < 2) return 'no marks';
  const bad = marks.filter(r => r.left < box.left || r.right > box.right || r.width === 0);
  const overlap = marks.slice(1).filter((r, i) => r.left < marks[i].right + 4);
  const under = document.elementFromPoint(marks[marks.length - 1].right - 2, marks[marks.length - 1].top + 5);
  return bad.length ? 'outside the box' : overlap.length ? 'overlapping'
       : !under?.closest('.slider-box') ? 'covered' : 'ok';
}"""


def message(page, start, timeout=60000):
    page.wait_for_function(f"() => (document.querySelector('#ingest-msg')?.innerText || '').startsWith({start!r})",
                           timeout=timeout)
    return page.inner_text("#ingest-msg")


def test_paste_preview_commit_shows_new_day(own_page, gaz):
    page, url, db = own_page
    text = (FIXTURES / "reports" / "fx-03.txt").read_text(encoding="utf-8")
    _, gdf, report = process(text, "x", gaz=gaz)
    day = report["report_date"]
    assert day > max(Store(db).incidents()["event_date"])   # a day the slider does not reach yet
    assert page.evaluate("() => Number(document.querySelector('#day [role=slider]')"
                         ".getAttribute('aria-valuemax'))") < day_number(day)

    # at 1600 px every date label of the slider is whole and visible (none clipped at the right)
    assert page.evaluate(MARKS_FIT) == "ok"
    page.click("#ingest-box summary")
    page.fill("#report-text", text)
    page.click("#btn-preview")
    message(page, "Preview")
    assert page.inner_text("#preview-count") == f"{len(gdf)} incidents"
    rows = page.locator(".preview-table tbody tr")
    assert rows.count() == len(gdf)
    assert set(page.locator(".preview-table tbody td:nth-child(3)").all_inner_texts()) == set(gdf["place_query"])
    assert report["report_id"] not in Store(db).report_ids()   # nothing written yet

    page.click("#btn-commit")
    assert message(page, "Added") == f"Added {len(gdf)} incidents of {day} to the database."
    assert page.is_disabled("#btn-commit")
    # the view moves to the report's day: the slider reaches it, MapLibre draws its incidents
    day_label(page, day)
    page.wait_for_function(f"() => Number(document.querySelector('#day [role=slider]')"
                           f"?.getAttribute('aria-valuemax')) === {day_number(day)}")
    want = select(Store(db).incidents(), date=day)
    want = want[want["resolved"]]
    assert len(want) == int(((gdf["event_date"] == day) & gdf["resolved"]).sum()) > 0
    counts = wait_counts(page, len(want))
    colors = {t: hex_rgb(c) for t, c in event_colors().items()}
    for etype, n in want["event_type"].value_counts().items():
        assert counts.get(colors[etype]) == n, (etype, counts)
    assert day in page.inner_text("#db-info")
    assert page.evaluate(MARKS_FIT) == "ok" and day in page.inner_text("#day")
    assert f"date={day}" in page.url
    # the same report again: the preview says so and the commit stays disabled
    page.click("#btn-preview")
    message(page, "This report is already in the database")
    assert page.is_disabled("#btn-commit")
    no_outside_requests(page, url)


def test_bad_reports_say_why(own_page, tmp_path):
    page, url, db = own_page
    before = len(Store(db).incidents())
    page.click("#ingest-box summary")
    upload = page.locator("#upload input[type=file]")
    big = tmp_path / "big.txt"
    big.write_text("Military Situation in Syria on July 8, 2020\n" + "x" * (1024 * 1024 + 10))
    upload.set_input_files(str(big))
    assert "too large for a report (limit 1 MB)" in message(page, "1.0 MB")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02" * 100)
    upload.set_input_files(str(binary))
    message(page, "Binary file, not a text report")
    page.fill("#report-text", GERMAN)
    page.click("#btn-preview")
    message(page, "Does not look like English")
    assert page.is_disabled("#btn-commit")

    # no date: the page asks for one; with it the preview works and the commit uses it
    undated = REVIEW.replace(" on July 10, 2020", "")
    page.fill("#report-text", undated)
    page.click("#btn-preview")
    message(page, "No report date found")
    page.wait_for_selector("#report-date", state="visible")
    page.fill("#report-date", "2020-07-1")
    page.click("#btn-preview")
    message(page, "'2020-07-1' is not a date")
    page.fill("#report-date", "2020-07-11")
    page.click("#btn-preview")
    message(page, "Preview")
    assert set(page.locator(".preview-table tbody td:nth-child(2)").all_inner_texts()) == {"2020-07-11"}
    assert len(Store(db).incidents()) == before
    page.click("#btn-commit")
    message(page, "Added")
    assert set(Store(db).incidents()["event_date"]) >= {"2020-07-11"}
    no_outside_requests(page, url)


def near(points, lon, lat, tol=0.01):
    return points is not None and any(abs(x - lon) < tol and abs(y - lat) < tol for x, y in points)


def test_resolve_places_from_the_page(own_page, gaz):
    page, url, db = own_page
    from sitrep_map.gazetteer import default_gazetteer
    _, gdf, _ = process(REVIEW, "x", gaz=default_gazetteer())
    unresolved = set(gdf.loc[~gdf["resolved"], "place_query"])
    assert unresolved == {"Zuhayrat Fixtur", "Mhambl"}, gdf[["place_query", "resolved"]]
    cand = default_gazetteer().resolve("Mhambl").candidates[0].as_dict()
    assert cand["name"] == "Muḩambal"

    page.click("#ingest-box summary")
    page.fill("#report-text", REVIEW)
    page.click("#btn-preview")
    message(page, "Preview")
    assert "Zuhayrat Fixtur" in page.inner_text(".preview") and "unresolved" in page.inner_text(".preview-table")
    page.click("#btn-commit")
    message(page, "Added")
    day_label(page, "2020-07-10")
    page.wait_for_function("() => (document.querySelector('#day-label')?.innerText || '').includes('2 unresolved')")

    # each unresolved place is listed with its candidates; one click resolves it
    page.click("#review-box summary")
    item = page.locator(".review-item", has_text="Mhambl")
    button = item.locator("button.cand", has_text="Muḩambal")
    button.click()
    page.wait_for_function("() => (document.querySelector('#review-msg')?.innerText || '').startsWith('Mhambl')")
    assert "1 stored incidents re-geocoded" in page.inner_text("#review-msg")
    page.wait_for_function(f"() => {{ const p = ({POINTS})(); return p && p.some(([x, y]) => "
                           f"Math.abs(x - {cand['lon']}) < 0.01 && Math.abs(y - {cand['lat']}) < 0.01); }}",
                           timeout=30000)
    page.wait_for_function("() => (document.querySelector('#day-label')?.innerText || '').includes('1 unresolved')")
    assert page.locator(".review-item", has_text="Mhambl").count() == 0

    # a place with no good candidate: the analyst's coordinate
    item = page.locator(".review-item", has_text="Zuhayrat Fixtur")
    item.locator("input").nth(0).fill("35.8")
    item.locator("input").nth(1).fill("36.7")
    item.locator("button", has_text="Set").click()
    page.wait_for_function("() => (document.querySelector('#review-msg')?.innerText || '').startsWith('Zuhayrat')")
    page.wait_for_function(f"() => {{ const p = ({POINTS})(); return p && p.some(([x, y]) => "
                           f"Math.abs(x - 36.7) < 0.01 && Math.abs(y - 35.8) < 0.01); }}", timeout=30000)
    page.wait_for_function("() => !(document.querySelector('#day-label')?.innerText || '').includes('unresolved')")
    rows = Store(db).incidents()
    fixed = rows[rows["place_query"].isin(["Zuhayrat Fixtur", "Mhambl"])]
    assert fixed["resolved"].all() and len(fixed) == 2
    no_outside_requests(page, url)
