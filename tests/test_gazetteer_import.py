"""gazetteer import: GeoNames dumps (txt, zip, alternateNamesV2), Who's On First and OCHA CSV."""
import csv
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sitrep_map.gazetteer import Gazetteer
from sitrep_map.gazetteer.importers import GazetteerError, geonames_line, import_file, learn
from sitrep_map.gazetteer.sources import default_sources, user_home

REPO = Path(__file__).resolve().parents[1]
# Rows in GeoNames' own dump format. The first two are GeoNames records as the bundled extract
# has them (168661 Kafranbel, 164816 Saraqib); the others are invented names for the test.
FIXTURE = [
    {"id": "168661", "name": "Kafranbel", "alternate_names": "Kafr Nabl;كفر نبل", "lat": 35.61376,
     "lon": 36.56449, "population": 45652},
    {"id": "164816", "name": "Saraqib", "lat": 35.86447, "lon": 36.80591, "population": 34231},
    {"id": "9900001", "name": "Qaryat Fixturiyah", "alternate_names": "Fixturiyeh", "lat": 35.70,
     "lon": 36.60},
    {"id": "9900002", "name": "Fixture Air Base", "lat": 35.75, "lon": 36.70, "feature_class": "S",
     "feature_code": "AIRB"},
    {"id": "9900003", "name": "Fixture District", "lat": 35.6, "lon": 36.6, "feature_class": "A",
     "feature_code": "ADM2"},
]


def geonames_file(folder: Path, cc: str = "SY", extra: str = "", rows=FIXTURE) -> Path:
    """A real GeoNames country dump: XX.zip holding XX.txt (and a readme, as GeoNames ships)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join(geonames_line(r) for r in rows) + "\n" + extra
    path = folder / f"{cc}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{cc}.txt", text)
        z.writestr("readme.txt", "GeoNames fixture\n")
    return path


def load_user() -> Gazetteer:
    return Gazetteer.load([s for s in default_sources() if s[1].parent == user_home() / "gazetteer"])


def test_geonames_zip_imports_idempotently_with_facilities(tmp_path):
    z = geonames_file(tmp_path / "in", extra="123\tbroken line\n")
    first = import_file(z, progress=False)
    assert first.path == user_home() / "gazetteer" / "geonames-SY.csv"
    assert first.rows == 4 and len(first.bad) == 1 and "SY.zip:SY.txt:6" in first.bad[0]
    again = import_file(z, progress=False)
    assert again.rows == 4 and again.path == first.path
    g = load_user()
    assert g.counts["geonames-SY"] == 4
    m = g.resolve("Fixturiyeh")
    assert m.resolved and m.best.place.admin1 == "Idleb" and m.best.place.source == "geonames-SY"
    base = g.get("gn-9900002")
    assert base.feature_class == "S" and base.feature_code == "AIRB"
    assert g.get("gn-9900003") is None  # admin areas come from the basemap, not the dump
    first.path.unlink()


def test_alternate_names_v2_add_names(tmp_path):
    txt = tmp_path / "SY.txt"
    txt.write_text("\n".join(geonames_line(r) for r in FIXTURE) + "\n", encoding="utf-8")
    alt = tmp_path / "alternateNamesV2.txt"
    alt.write_text("1\t9900001\ten\tKhirbet Fixtura\t1\t\t\t\t\t\n"
                   "2\t9900001\tlink\thttps://example.org/x\t\t\t\t\t\t\n"
                   "3\t555\ten\tElsewhere\t\t\t\t\t\t\n", encoding="utf-8")
    out = import_file(txt, alternates=alt, progress=False)
    rows = {r["id"]: r for r in csv.DictReader(open(out.path, encoding="utf-8"))}
    assert "Khirbet Fixtura" in rows["gn-9900001"]["alternate_names"]
    assert "https" not in rows["gn-9900001"]["alternate_names"]
    assert load_user().resolve("Khirbat Fixtura").resolved
    out.path.unlink()


def test_wof_and_ocha_csv(tmp_path):
    wof = tmp_path / "whosonfirst-sy-locality.csv"
    wof.write_text("id,name,placetype,lbl_latitude,lbl_longitude,country,name:ara_x_preferred\n"
                   "1001,Wofville,locality,35.9,36.7,SY,وفويل\n"
                   "1002,Syria,country,35,38,SY,\n", encoding="utf-8")
    ocha = tmp_path / "syr_pplp_ocha.csv"
    ocha.write_text("admin1Name_en,admin1Pcode,admin4Name_en,admin4Name_ar,admin4Pcode,latitude,longitude\n"
                    "Idleb,SY07,Ochaqaria,أوشاقرية,C9999,35.8,36.65\n"
                    "Idleb,SY07,Nowhere,,C9998,not-a-number,36.6\n", encoding="utf-8")
    w, o = import_file(wof, progress=False), import_file(ocha, progress=False)
    assert (w.source, w.rows) == ("wof-whosonfirst-sy-locality", 1)
    assert (o.source, o.rows) == ("ocha-syr_pplp_ocha", 1)
    assert o.bad and "syr_pplp_ocha.csv:3" in o.bad[0]
    g = load_user()
    assert g.get("wof-1001").admin1 == "Idleb" and g.resolve("وفويل").resolved
    p = g.get("ocha-C9999")
    assert p.admin1 == "Idleb" and "أوشاقرية" in p.names
    w.path.unlink(), o.path.unlink()


def test_bad_inputs_name_the_file(tmp_path):
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(GazetteerError, match="broken.zip"):
        import_file(bad, progress=False)
    nocoord = tmp_path / "names.csv"
    nocoord.write_text("name,pcode\nA,B\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"names.csv:1: no column for lat, lon"):
        import_file(nocoord, progress=False)


def test_learn_acled_and_ucdp(tmp_path):
    acled = tmp_path / "acled.csv"
    acled.write_text("event_id_cnty,event_date,country,admin1,location,latitude,longitude,geo_precision\n"
                     "SYR1,2020-01-01,Syria,Idleb,Learnaqib,35.71,36.61,1\n"
                     "SYR2,2020-01-02,Syria,Idleb,Learnaqib,35.71,36.61,1\n"
                     "SYR3,2020-01-02,Syria,Idleb,Idleb region,35.9,36.6,3\n", encoding="utf-8")
    ucdp = tmp_path / "ged.csv"
    ucdp.write_text("id,where_description,adm_1,latitude,longitude,where_prec,country\n"
                    "7,Ucdpville town,Hama governorate,35.2,36.7,1,Syria\n", encoding="utf-8")
    assert learn(acled, progress=False).rows == 1
    assert learn(acled, progress=False).rows == 0      # idempotent
    assert learn(ucdp, progress=False).rows == 1
    g = load_user()
    m = g.resolve("Learnaqeb")
    assert m.resolved and m.best.place.source == "learned" and m.best.place.admin1 == "Idleb"
    u = g.resolve("Ucdpville")
    assert u.resolved and u.best.place.admin1 == "Hama"
    with pytest.raises(GazetteerError, match="not an ACLED or UCDP"):
        learn(geonames_file(tmp_path / "x"), progress=False)
    (user_home() / "gazetteer" / "learned.csv").unlink()


def test_cli_import_shows_in_info(tmp_path):
    z = geonames_file(tmp_path / "cli")
    env = {"SITREP_MAP_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "sitrep_map", *a], cwd=REPO, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    r = run("gazetteer", "import", str(z))
    assert r.returncode == 0, r.stderr
    assert "geonames-SY: 4 places" in r.stdout
    info = run("gazetteer", "info")
    assert "geonames-SY" in info.stdout and "4 places" in info.stdout
    r = run("gazetteer", "import", str(tmp_path / "missing.zip"))
    assert r.returncode == 1 and "missing.zip: no such file" in r.stderr
