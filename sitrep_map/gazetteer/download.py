"""gazetteer download geonames SY [IQ TR ...]: fetch GeoNames country dumps, verify, import.

Each dump goes to a .part file, is checked (byte count against Content-Length, zip integrity
with CRCs, the XX.txt inside) and only then replaces the previous copy in user_home()/downloads/.
Its SHA-256 is recorded in downloads.json, then it is imported like `gazetteer import`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
import urllib.error
import urllib.request
import zipfile
import zlib
from pathlib import Path

from tqdm import tqdm

from .importers import GazetteerError, Imported, import_file
from .sources import user_home

BASE_URL = "https://download.geonames.org/export/dump"   # $SITREP_MAP_GEONAMES_URL overrides
CODE = re.compile(r"^([A-Z]{2}|allCountries)$")
CHUNK = 1 << 16


def downloads_dir() -> Path:
    return user_home() / "downloads"


def manifest() -> dict:
    p = downloads_dir() / "downloads.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


def _record(code: str, entry: dict) -> None:
    m = manifest()
    m[code] = entry
    p = downloads_dir() / "downloads.json"
    tmp = p.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(m, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, p)


def fetch(url: str, dest: Path, timeout: float = 60, progress: bool = True) -> tuple[str, int]:
    """url -> dest (atomically); returns (sha256, bytes). Raises GazetteerError."""
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    req = urllib.request.Request(url, headers={"User-Agent": "sitrep-map gazetteer download"})
    digest, size = hashlib.sha256(), 0
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r, open(part, "wb") as f, \
                tqdm(total=int(r.headers.get("Content-Length") or 0) or None, unit="B", unit_scale=True,
                     desc=dest.name, disable=not progress, file=sys.stderr, leave=False) as bar:
            expected = r.headers.get("Content-Length")
            while chunk := r.read(CHUNK):
                f.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                bar.update(len(chunk))
        if expected is not None and int(expected) != size:
            raise GazetteerError(f"{url}: got {size} bytes of {expected}: download cut short")
        verify_zip(part, dest.stem, url)
    except urllib.error.HTTPError as e:
        part.unlink(missing_ok=True)
        raise GazetteerError(f"{url}: HTTP {e.code} {e.reason}") from e
    except (urllib.error.URLError, OSError) as e:
        part.unlink(missing_ok=True)
        reason = getattr(e, "reason", e)
        raise GazetteerError(f"cannot download {url} ({reason}); offline? The bundled gazetteer "
                             "still works, and a dump copied by hand can be added with "
                             "'gazetteer import XX.zip'") from e
    except GazetteerError:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, dest)
    return digest.hexdigest(), size


def verify_zip(path: Path, code: str, url: str) -> None:
    if not zipfile.is_zipfile(path):
        raise GazetteerError(f"{url}: not a zip file")
    with zipfile.ZipFile(path) as z:
        if f"{code}.txt" not in z.namelist():
            raise GazetteerError(f"{url}: the zip has no {code}.txt")
        try:
            bad = z.testzip()
        except (zipfile.BadZipFile, zlib.error, EOFError) as e:
            raise GazetteerError(f"{url}: corrupt zip ({e})") from e
        if bad:
            raise GazetteerError(f"{url}: {bad} is corrupt (CRC mismatch)")


def download(codes: list[str], base_url: str | None = None, progress: bool = True,
             timeout: float = 60) -> list[Imported]:
    base = (base_url or os.environ.get("SITREP_MAP_GEONAMES_URL") or BASE_URL).rstrip("/")
    out = []
    for code in codes:
        code = code if code == "allCountries" else code.upper()
        if not CODE.match(code):
            raise GazetteerError(f"{code!r}: not a country code (two letters, e.g. SY) or allCountries")
        url = f"{base}/{code}.zip"
        dest = downloads_dir() / f"{code}.zip"
        sha, size = fetch(url, dest, timeout, progress)
        _record(code, {"url": url, "sha256": sha, "bytes": size,
                       "fetched": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")})
        out.append(import_file(dest, progress=progress))
    return out
