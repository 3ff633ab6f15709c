"""The command line, run as a user runs it: python -m sitrep_map in a subprocess."""
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIX = REPO / "tests" / "fixtures" / "reports"


def run(*args, check=True):
    p = subprocess.run([sys.executable, "-m", "sitrep_map", *map(str, args)], cwd=REPO,
                       capture_output=True, text=True, env={**os.environ}, timeout=180)
    if check and p.returncode != 0:
        raise AssertionError(f"exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli") / "c.gpkg"
    out = run("ingest", FIX / "fx-04.txt", FIX / "fx-06.txt", "--db", d).stdout
    assert "fx-04.txt: 8 incidents added" in out and "total: 14 incidents added" in out
    return d


def test_ingest_again_adds_nothing(db):
    out = run("ingest", FIX / "fx-04.txt", "--db", db).stdout
    assert "already ingested" in out and "total: 0 incidents added" in out


def test_export_geojson_carries_every_column(db, tmp_path):
    out = tmp_path / "x.geojson"
    run("export", "--db", db, "--format", "geojson", "--out", out, "--date", "2021-03-16")
    fc = json.loads(out.read_text())
    assert len(fc["features"]) == 8
    props = fc["features"][0]["properties"]
    from sitrep_map.model import COLUMNS
    assert set(COLUMNS) <= set(props)
    assert {f["properties"]["event_date"] for f in fc["features"]} == {"2021-03-16"}


def test_export_csv_in_acled_order_with_type_filter(db, tmp_path):
    out = tmp_path / "x.csv"
    run("export", "--db", db, "--format", "csv", "--out", out, "--type", "Protests")
    rows = list(csv.reader(out.open()))
    from sitrep_map.model import ACLED_ORDER
    assert rows[0][:len(ACLED_ORDER)] == ACLED_ORDER
    assert len(rows) == 3 and {r[5] for r in rows[1:]} == {"Protests"}


def test_export_gpkg_and_html(db, tmp_path):
    run("export", "--db", db, "--format", "gpkg", "--out", tmp_path / "x.gpkg", "--from", "2021-04-01", "--to", "2021-04-30")
    from sitrep_map.store import Store
    assert len(Store(tmp_path / "x.gpkg").incidents()) == 6
    run("export", "--db", db, "--format", "html", "--out", tmp_path / "x.html")
    html = (tmp_path / "x.html").read_text()
    assert "Situation in Syria from 2021-03-16 to 2021-04-27" in html and "<script" in html
    assert "cdn.plot.ly" not in html.split("</script>")[-1]


def test_bad_file_reported_and_the_rest_goes_on(tmp_path):
    bad = tmp_path / "bin.txt"
    bad.write_bytes(b"\x00\x01\x02 not text")
    nodate = tmp_path / "nodate.txt"
    nodate.write_text("SAA shelled Kansafra;")
    p = run("ingest", bad, nodate, FIX / "fx-01.txt", "--db", tmp_path / "b.gpkg", check=False)
    assert p.returncode == 3
    assert "bin.txt: binary" in p.stderr and "nodate.txt: no report date" in p.stderr
    assert "fx-01.txt: 6 incidents added" in p.stdout


def test_date_flag_supplies_a_missing_date(tmp_path):
    f = tmp_path / "n.txt"
    f.write_text("Recent developments:\n\nGovernment forces shelled Kansafra;\n")
    run("ingest", f, "--db", tmp_path / "d.gpkg", "--date", "2022-02-02")
    out = tmp_path / "d.csv"
    run("export", "--db", tmp_path / "d.gpkg", "--format", "csv", "--out", out)
    assert list(csv.DictReader(out.open()))[0]["event_date"] == "2022-02-02"


def test_geocode_json_and_unresolved_exit_code():
    d = json.loads(run("geocode", "Dayr Sunbul", "--hint", "southern Idlib", "--json").stdout)
    assert d["matched"] == "Deir Sunbul" and d["admin1"] == "Idleb" and d["resolved"]
    assert {"lat", "lon", "score", "alternatives"} <= set(d)
    assert run("geocode", "Qwertzuiopville", check=False).returncode == 3


def test_gazetteer_info_lists_sources():
    out = run("gazetteer", "info").stdout
    assert "geonames-cities500" in out and "curated" in out


def test_export_png_every_day(db, tmp_path):
    run("export", "--db", db, "--from", "2021-03-01", "--to", "2021-04-30", "--every", "day",
        "--format", "png", "--out", tmp_path / "days")
    files = sorted((tmp_path / "days").glob("*.png"))
    assert [f.name for f in files] == ["situation-2021-03-16.png", "situation-2021-04-27.png"]
    from PIL import Image
    img = Image.open(files[0]).convert("RGB")
    colours = img.getcolors(maxcolors=1 << 20)
    assert img.size == (1400, 1000) and len(colours) > 50
    orange = sum(n for n, (r, g, b) in colours if r > 220 and 100 < g < 160 and b < 60)
    assert orange > 30, "no explosion markers drawn"
