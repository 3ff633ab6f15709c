"""Batch geocoding, and the opt-in online geocoder against a fake Nominatim on loopback."""
import http.server
import json
import subprocess
import sys
import threading
import urllib.parse

import pytest
from geopy.geocoders import Nominatim

from sitrep_map.gazetteer import Gazetteer
from sitrep_map.gazetteer.online import OnlineLookup
from test_gazetteer_import import REPO

# what the fake server knows: query -> (lat, lon, display name); one answer lies outside Syria
ANSWERS = {"onlinabad, syria": (35.5, 36.9, "Onlinabad, Idlib, Syria"),
           "faraway, syria": (48.8, 2.3, "Faraway, France")}


@pytest.fixture()
def nominatim():
    """A fake geocoder speaking Nominatim's JSON API (/search?q=...&format=json) on 127.0.0.1."""
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            u = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(u.query)
            seen.append((u.path, q))
            hit = ANSWERS.get(q.get("q", [""])[0].lower())
            body = [] if not hit else [{"place_id": 1, "lat": str(hit[0]), "lon": str(hit[1]),
                                        "display_name": hit[2], "class": "place", "type": "village",
                                        "importance": 0.3}]
            data = json.dumps(body).encode()
            self.send_response(200 if u.path == "/search" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{srv.server_port}", seen
    srv.shutdown()
    srv.server_close()


def test_fake_server_speaks_nominatim(nominatim):
    domain, _ = nominatim
    loc = Nominatim(user_agent="test", domain=domain, scheme="http").geocode("Onlinabad, Syria")
    assert (loc.latitude, loc.longitude) == (35.5, 36.9)


def test_online_is_opt_in_cached_and_marked(nominatim, tmp_path):
    domain, seen = nominatim
    g = Gazetteer.load([])
    assert not g.resolve("Onlinabad").resolved and not seen        # off by default: no request
    g.online = OnlineLookup("nominatim", 0.0, tmp_path / "cache.json", domain=domain, scheme="http")
    m = g.resolve("Onlinabad")
    assert m.resolved and m.best.how == "online" and m.best.place.source == "online"
    assert (m.best.place.lat, m.best.place.admin1) == (35.5, "Idleb")
    assert seen[0][0] == "/search" and seen[0][1]["countrycodes"] == ["sy"]
    assert not g.resolve("Faraway").resolved                      # outside Syria: dropped
    assert not g.resolve("Nothingtown").resolved
    n = len(seen)
    again = Gazetteer.load([])
    again.online = OnlineLookup("nominatim", 0.0, tmp_path / "cache.json", domain=domain, scheme="http")
    assert again.resolve("Onlinabad").resolved and again.resolve("Nothingtown").resolved is False
    assert len(seen) == n                                          # answers and misses cached on disk


def cli(env, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "sitrep_map", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_cli_online_flag_and_batch(nominatim, tmp_path):
    domain, seen = nominatim
    env = {"SITREP_MAP_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin",
           "SITREP_MAP_ONLINE_OPTIONS": json.dumps({"domain": domain, "scheme": "http", "min_delay": 0})}
    assert cli(env, "geocode", "Onlinabad").returncode == 3 and not seen
    r = cli(env, "geocode", "Onlinabad", "--online", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["how"] == "online" and len(seen) == 1

    batch = tmp_path / "names.csv"
    batch.write_text("name,hint\nSaraqeb,\nDayr Sunbul,southern Idlib\nZarqoumbaltiya,\n,\n", encoding="utf-8")
    r = cli(env, "geocode", "--batch", str(batch))
    assert r.returncode == 0, r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["name"] for o in out] == ["Saraqeb", "Dayr Sunbul", "Zarqoumbaltiya"]
    for k in ("name", "hint", "lat", "lon", "matched", "admin1", "geo_precision", "score", "resolved"):
        assert k in out[0]
    assert out[0]["resolved"] and out[0]["admin1"] == "Idleb" and out[0]["geo_precision"] == 1
    assert out[1]["hint"] == "southern Idlib" and out[1]["resolved"] and not out[2]["resolved"]
    assert "names.csv:5: no name" in r.stderr
    r = cli(env, "geocode", "--batch", "-", stdin="place\nX\n")
    assert r.returncode == 1 and "stdin:1: needs a header with a 'name' column" in r.stderr
    assert len(seen) == 1      # no online request without the flag
