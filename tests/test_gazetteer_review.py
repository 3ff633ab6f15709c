"""review: weak places listed with candidates; the analyst's answer fixes stored rows and the next ingest."""
import json
import subprocess
import sys

from sitrep_map.gazetteer import km
from sitrep_map.store import Store
from test_gazetteer_import import REPO

REPORT = """Military Situation in Syria on July {day}, 2020

Syrian Army artillery shelled the village of Zuhayrat Fixtur in southern Idlib, killing 2 civilians.
Turkish-backed militants attacked Syrian Army positions near Saraqib.
"""


def run(env, *args):
    return subprocess.run([sys.executable, "-m", "sitrep_map", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=180)


def test_analyst_correction_fixes_stored_rows_and_next_ingest(tmp_path):
    env = {"SITREP_MAP_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    db = tmp_path / "r.gpkg"
    for day in (10, 11):
        (tmp_path / f"r{day}.txt").write_text(REPORT.format(day=day), encoding="utf-8")
    assert run(env, "ingest", str(tmp_path / "r10.txt"), "--db", str(db)).returncode == 0

    listed = run(env, "review", "--db", str(db), "--json")
    items = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [i["name"] for i in items if not i["resolved"]] == ["Zuhayrat Fixtur"]

    # the coordinate of Saraqib's GeoNames record (164816), as if the analyst had looked it up
    r = run(env, "review", "resolve", "Zuhayrat Fixtur", "--lat", "35.8", "--lon", "36.7", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "1 stored incidents re-geocoded" in r.stdout
    rows = Store(db).incidents()
    fixed = rows[rows["place_query"] == "Zuhayrat Fixtur"].iloc[0]
    assert fixed["resolved"] and fixed["admin1"] == "Idleb" and fixed["geometry_kind"] == "point"
    assert (fixed["latitude"], fixed["longitude"]) == (35.8, 36.7)
    assert fixed.geometry.x == 36.7 and len(Store(db).reports()) == 1   # reports table kept
    assert "Zuhayrat Fixtur" not in [i["name"] for i in map(json.loads, run(
        env, "review", "--db", str(db), "--json").stdout.splitlines()) if not i["resolved"]]

    out = run(env, "ingest", str(tmp_path / "r11.txt"), "--db", str(db))
    assert "0 places unresolved" in out.stdout, out.stdout
    rows = Store(db).incidents()
    assert rows[rows["place_query"] == "Zuhayrat Fixtur"]["resolved"].all()

    # --to an existing gazetteer id: the alias takes that place's coordinate
    r = run(env, "review", "resolve", "Zuhayrat Fixtur", "--to", "gn-164816", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "2 stored incidents re-geocoded" in r.stdout
    rows = Store(db).incidents()
    got = rows[rows["place_query"] == "Zuhayrat Fixtur"]
    assert all(km(a, b, 35.86447, 36.80591) < 0.1 for a, b in zip(got["latitude"], got["longitude"]))
    bad = run(env, "review", "resolve", "Zuhayrat Fixtur", "--to", "gn-0", "--db", str(db))
    assert bad.returncode == 1 and "gn-0: no such gazetteer id" in bad.stderr
