"""The incidents as date-sorted columnar numpy arrays. A date window is a searchsorted slice;
filters are lookup tables over category codes, applied to that slice only, so a step costs in
proportion to the window, not to the table."""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..model import taxonomy

EPOCH = dt.date(1970, 1, 1)
CATEGORIES = ("event_type", "sub_event_type", "admin1")   # single-column filters
CODED = (*CATEGORIES, "location")                          # kept as codes + labels
WINDOWS = {"day": 1, "7": 7, "30": 30}                     # "since" = cumulative from a start date
GRID = 0.1                                                 # degrees per aggregation cell
BBOX = (32.0, 35.0, 37.6, 42.6)                            # lat0, lon0, lat1, lon1 of the grid
CLIENT_MAX = 300_000   # up to this many stored, the page holds the map's arrays and steps days itself


def typed(a: np.ndarray) -> dict:
    """A numpy array as plotly.js's typed array spec (little-endian bytes in base64)."""
    a = np.ascontiguousarray(a)
    return {"dtype": a.dtype.str[1:], "bdata": base64.b64encode(a.tobytes()).decode("ascii")}


def day_number(iso: str) -> int:
    return (dt.date.fromisoformat(iso) - EPOCH).days


def iso_day(n: int) -> str:
    return (EPOCH + dt.timedelta(days=int(n))).isoformat()


@dataclass
class Query:
    """What the user is looking at: a date window and filters (empty list = all)."""
    day: int
    window: str = "day"
    since: int | None = None
    event_type: list[str] = field(default_factory=list)
    sub_event_type: list[str] = field(default_factory=list)
    admin1: list[str] = field(default_factory=list)
    actor: list[str] = field(default_factory=list)
    min_fatalities: int = 0
    resolved: str = "all"      # all | resolved | unresolved

    def span(self) -> tuple[int, int]:
        if self.window == "since":
            lo = self.since if self.since is not None else self.day
            return min(lo, self.day), self.day
        return self.day - WINDOWS.get(self.window, 1) + 1, self.day


class Incidents:
    """The map's columns of the incidents as date-sorted arrays. Nothing else is kept: details,
    table rows, outlines and exports read whole rows by feature id (``fid``) from the GeoPackage
    ``db`` (or, without a database, from the frame given)."""

    def __init__(self, gdf: pd.DataFrame, db=None):
        day = pd.to_datetime(gdf["event_date"], format="%Y-%m-%d").to_numpy("datetime64[D]").astype("int32")
        fid = gdf["fid"].to_numpy("int64") if "fid" in gdf.columns else np.arange(len(gdf), dtype="int64")
        if len(day) and (np.diff(day) < 0).any():
            order = np.argsort(day, kind="stable")
            gdf, day, fid = gdf.iloc[order], day[order], fid[order]
        f = gdf.reset_index(drop=True)
        self.db = db
        self._frame = None if db is not None else f   # no database: details come from the frame
        self.day, self.fid = day, fid
        self.lat = f["latitude"].to_numpy("float32", na_value=np.nan)
        self.lon = f["longitude"].to_numpy("float32", na_value=np.nan)
        self.fatalities = f["fatalities"].fillna(0).to_numpy("int32")
        self.resolved = f["resolved"].fillna(False).to_numpy(bool) & ~np.isnan(self.lat)
        self.precision = f["geo_precision"].fillna(0).to_numpy("int8")
        self.point = (f["geometry_kind"].fillna("") == "point").to_numpy(bool)
        self.codes, self.labels = {}, {}
        for col in CODED:
            known = list(taxonomy()) if col == "event_type" else []
            self.codes[col], self.labels[col] = _encode(f[col].fillna(""), known)
        self.names = {c: np.array(self.labels[c], dtype=object) for c in CODED}  # codes -> text, vectorised
        self.html = {c: np.array([html.escape(x) for x in self.labels[c]], dtype=object)
                     for c in ("location", "sub_event_type")}          # escaped once, for hover text
        actors = pd.concat([f["actor1"], f["actor2"]]).fillna("")
        codes, self.labels["actor"] = _encode(actors, [])
        self.actor1, self.actor2 = codes[:len(f)], codes[len(f):]
        del f, gdf, actors, codes
        self._grid()

    @classmethod
    def read(cls, db) -> "Incidents":
        """From a GeoPackage: only the map's columns are read."""
        from ..store import map_columns
        return cls(map_columns(db), db=db)

    def details(self, rows) -> pd.DataFrame:
        """Whole incidents (every column and the geometry) of ``rows``, in that order."""
        rows = np.asarray(rows, dtype="int64")
        if self._frame is not None:
            return self._frame.iloc[rows]
        from ..store import incidents_by_fid
        return incidents_by_fid(self.db, self.fid[rows]).reset_index(drop=True)

    def iso_days(self, rows) -> list[str]:
        return (np.datetime64("1970-01-01") + self.day[rows].astype("timedelta64[D]")).astype(str).tolist()

    def report_text(self, rid: str) -> str:
        if self.db is None:
            return ""
        from ..store import report_text
        return report_text(self.db, rid)

    def _grid(self) -> None:
        ok = self.resolved
        rows = ((np.where(ok, self.lat, BBOX[0]) - BBOX[0]) / GRID).astype("int32")
        cols = ((np.where(ok, self.lon, BBOX[1]) - BBOX[1]) / GRID).astype("int32")
        self.ncols = int((BBOX[3] - BBOX[1]) / GRID) + 1
        self.nrows = int((BBOX[2] - BBOX[0]) / GRID) + 1
        self.cell = (np.clip(rows, 0, self.nrows - 1) * self.ncols + np.clip(cols, 0, self.ncols - 1))

    def __len__(self) -> int:
        return len(self.day)

    @property
    def first_day(self) -> int:
        return int(self.day[0]) if len(self) else day_number(dt.date.today().isoformat())

    @property
    def last_day(self) -> int:
        return int(self.day[-1]) if len(self) else self.first_day

    def window(self, q: Query) -> slice:
        lo, hi = q.span()
        lo, hi = np.int32(lo), np.int32(hi)  # same dtype: no copy of the column per call
        return slice(int(np.searchsorted(self.day, lo, "left")), int(np.searchsorted(self.day, hi, "right")))

    def _allowed(self, col: str, values: list[str]) -> np.ndarray | None:
        if not values:
            return None
        want = set(values)
        return np.array([v in want for v in self.labels[col]], dtype=bool)

    def mask(self, q: Query, sl: slice, skip: str = "") -> np.ndarray:
        """Which rows of the window pass the filters (``skip`` one filter, for its own counts)."""
        m = np.ones(sl.stop - sl.start, dtype=bool)
        for col in CATEGORIES:
            allowed = None if col == skip else self._allowed(col, getattr(q, col))
            if allowed is not None:
                m &= allowed[self.codes[col][sl]]
        allowed = None if skip == "actor" else self._allowed("actor", q.actor)
        if allowed is not None:
            m &= allowed[self.actor1[sl]] | allowed[self.actor2[sl]]
        if q.min_fatalities:
            m &= self.fatalities[sl] >= q.min_fatalities
        if q.resolved != "all":
            m &= self.resolved[sl] == (q.resolved == "resolved")
        return m

    def rows(self, q: Query) -> np.ndarray:
        """Row numbers (into ``frame``) of what the query shows."""
        sl = self.window(q)
        return np.flatnonzero(self.mask(q, sl)) + sl.start

    def counts(self, q: Query, col: str) -> dict[str, int]:
        """Count of each value of ``col`` in the window, with the other filters applied."""
        sl = self.window(q)
        m = self.mask(q, sl, skip=col)
        if col == "actor":
            n = len(self.labels["actor"])
            c = np.bincount(self.actor1[sl][m], minlength=n) + np.bincount(self.actor2[sl][m], minlength=n)
        elif col == "resolved":
            r = self.resolved[sl][m]
            return {"resolved": int(r.sum()), "unresolved": int((~r).sum())}
        else:
            c = np.bincount(self.codes[col][sl][m], minlength=len(self.labels[col]))
        return {lab: int(k) for lab, k in zip(self.labels[col], c) if lab}

    def pack(self, q: Query) -> tuple[np.ndarray, dict]:
        """The filtered incidents of every day (their rows, and typed arrays for the page):
        assets/app.js cuts a date window out of them (binary search) and draws it without a server
        round trip."""
        rows = self.rows(dataclasses.replace(q, window="since", since=self.first_day, day=self.last_day))
        lat = np.where(self.resolved[rows], self.lat[rows], np.nan).astype("float32")
        cols = {"day": self.day[rows].astype("int32"), "lat": lat, "lon": self.lon[rows],
                "type": self.codes["event_type"][rows].astype("uint8"),
                "sub": self.codes["sub_event_type"][rows].astype("uint16"),
                "loc": self.codes["location"][rows].astype("int32"),
                "killed": np.clip(self.fatalities[rows], 0, 65535).astype("uint16"),
                "cell": self.cell[rows].astype("uint16"), "row": rows.astype("int32"),
                "ring": ((self.precision[rows] >= 2) & self.point[rows]).astype("uint8")}
        return rows, {"n": len(rows), **{k: typed(v) for k, v in cols.items()},
                "names": {"sub": self.labels["sub_event_type"], "loc": self.labels["location"]},
                "grid": {"lat0": BBOX[0], "lon0": BBOX[1], "step": GRID, "ncols": self.ncols,
                         "ncell": self.nrows * self.ncols}}

    def per_day(self) -> tuple[np.ndarray, np.ndarray]:
        """(days, counts[type, day]) over the whole range: the timeline."""
        days = np.arange(self.first_day, self.last_day + 1)
        nt = len(self.labels["event_type"])
        c = np.bincount((self.day - self.first_day) * nt + self.codes["event_type"],
                        minlength=len(days) * nt).reshape(len(days), nt).T
        return days, c

    def cells(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Aggregate resolved rows into grid cells per type: (type code, lat, lon, count)."""
        rows = rows[self.resolved[rows]]
        nt = len(self.labels["event_type"])
        ncell = self.nrows * self.ncols
        c = np.bincount(self.codes["event_type"][rows] * ncell + self.cell[rows], minlength=nt * ncell)
        hit = np.flatnonzero(c)
        t, cell = np.divmod(hit, ncell)
        r, k = np.divmod(cell, self.ncols)
        lat = (BBOX[0] + (r + 0.5) * GRID).astype("float32")
        lon = (BBOX[1] + (k + 0.5) * GRID).astype("float32")
        return t, lat, lon, c[hit]


def _encode(values: pd.Series, known: list[str]) -> tuple[np.ndarray, list[str]]:
    """Category codes, the ``known`` values first (factorize: no Python loop over rows)."""
    codes, uniq = pd.factorize(values)
    uniq = [str(u) for u in uniq]
    cats = known + sorted(set(uniq) - set(known))
    at = {c: i for i, c in enumerate(cats)}
    return np.array([at[u] for u in uniq], dtype="int32")[codes], cats


class Live:
    """What the app shows, reloaded from the GeoPackage after a commit or a place resolved.
    Callbacks read ``live.inc`` once per call; a reload swaps it whole (no half-updated state)."""

    def __init__(self, db):
        import threading
        from pathlib import Path
        self.db = Path(db)
        self.lock = threading.Lock()
        self.inc = Incidents.read(self.db)

    def reload(self) -> None:
        with self.lock:
            self.inc = Incidents.read(self.db)
