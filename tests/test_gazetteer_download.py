"""gazetteer download geonames: a real zip in GeoNames' format served over HTTP on loopback."""
import functools
import hashlib
import http.server
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sitrep_map.gazetteer.download import download, downloads_dir, manifest
from sitrep_map.gazetteer.importers import GazetteerError
from test_gazetteer_import import REPO, geonames_file


@pytest.fixture()
def server(tmp_path):
    """http.server on 127.0.0.1 (port 0) serving tmp_path/dump/."""
    root = tmp_path / "dump"
    root.mkdir()
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass
    handler = functools.partial(Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_download_verifies_records_checksum_and_imports(server):
    root, url = server
    z = geonames_file(root)
    [imp] = download(["sy"], url, progress=False)
    assert imp.source == "geonames-SY" and imp.rows == 4
    kept = downloads_dir() / "SY.zip"
    rec = manifest()["SY"]
    assert rec["sha256"] == hashlib.sha256(z.read_bytes()).hexdigest() == hashlib.sha256(kept.read_bytes()).hexdigest()
    assert rec["url"] == f"{url}/SY.zip" and rec["bytes"] == z.stat().st_size

    # a corrupt dump is refused and the good copy stays
    data = bytearray(z.read_bytes())
    data[60:80] = b"\x00" * 20
    z.write_bytes(bytes(data))
    with pytest.raises(GazetteerError, match="SY.zip"):
        download(["SY"], url, progress=False)
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == rec["sha256"]
    assert not list(downloads_dir().glob("*.part"))
    imp.path.unlink()


def test_missing_dump_and_bad_code(server):
    _, url = server
    with pytest.raises(GazetteerError, match="HTTP 404"):
        download(["XK"], url, progress=False)
    with pytest.raises(GazetteerError, match="not a country code"):
        download(["Syria"], url, progress=False)


def test_offline_gives_a_clear_error():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(GazetteerError, match="offline"):
        download(["SY"], f"http://127.0.0.1:{port}", progress=False, timeout=5)


def test_cli_download(server, tmp_path):
    root, url = server
    geonames_file(root, "LB", rows=[{"id": "9900010", "name": "Cedarfixture", "lat": 33.9, "lon": 35.5,
                                     "country": "LB"}])
    env = {"SITREP_MAP_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin",
           "SITREP_MAP_GEONAMES_URL": url}
    r = subprocess.run([sys.executable, "-m", "sitrep_map", "gazetteer", "download", "geonames", "LB"],
                       cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "geonames-LB: 1 places" in r.stdout
    assert (Path(env["SITREP_MAP_HOME"]) / "gazetteer" / "geonames-LB.csv").exists()
    r = subprocess.run([sys.executable, "-m", "sitrep_map", "geocode", "Cedarfixture"], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "Cedarfixture" in r.stdout
