"""Shared fixtures: a demo database built from sample reports, the app on loopback, Chromium."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
DEMO = REPO / "data" / "demo" / "reports"


@pytest.fixture(autouse=True, scope="session")
def _user_home(tmp_path_factory):
    """Keep the user's data directory out of the tests."""
    os.environ["SITREP_MAP_HOME"] = str(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="session")
def gaz():
    from sitrep_map.gazetteer import default_gazetteer
    return default_gazetteer()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, gaz) -> Path:
    """Five days of the demo reports in a real GeoPackage."""
    from sitrep_map.ingest import ingest_files
    from sitrep_map.store import Store
    db = tmp_path_factory.mktemp("db") / "demo.gpkg"
    out = ingest_files(sorted(DEMO.glob("*.txt"))[:5], Store(db), gaz=gaz)
    assert all(o.error is None for o in out)
    return db


def chromium_path() -> str | None:
    for p in ("/usr/lib/chromium/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or ""):
        if p and os.path.exists(p):
            return p
    return None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail("Chromium is not installed (Debian: apt-get install chromium); scripts/test.sh installs it")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=[
            "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def serve(db, **kw):
    """The dashboard of ``db`` served over real HTTP on 127.0.0.1, in a thread: (url, server)."""
    from werkzeug.serving import make_server
    from sitrep_map.dashboard import create_app
    server = make_server("127.0.0.1", 0, create_app(db, **kw).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


@pytest.fixture(scope="session")
def live_app(demo_db):
    """The dashboard; the page draws time steps and filters from the arrays it holds."""
    url, server = serve(demo_db)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def live_app_server(demo_db):
    """The same dashboard with the server drawing every step (as above CLIENT_MAX incidents)."""
    url, server = serve(demo_db, client_max=0)
    yield url
    server.shutdown()
