"""The GeoPackage store: a layer of incidents and a table of reports. Appends are idempotent
(a report already stored, or an incident id already stored, adds nothing)."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from .model import COLUMNS, REPORT_COLUMNS

INCIDENTS, REPORTS = "incidents", "reports"


class StoreError(RuntimeError):
    """The database cannot be read or written: says which file and why."""


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    # -- reading ------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def _layers(self) -> set[str]:
        if not self.exists():
            return set()
        try:
            return {row[0] for row in pyogrio.list_layers(self.path)}
        except Exception as e:  # pyogrio raises DataSourceError and friends
            raise StoreError(f"{self.path}: not a readable GeoPackage ({e})") from e

    def incidents(self, where: str | None = None) -> gpd.GeoDataFrame:
        """All incidents (or those matching an OGR SQL where clause), schema dtypes restored."""
        if INCIDENTS not in self._layers():
            from .layers import frame
            return frame([])
        try:
            gdf = pyogrio.read_dataframe(self.path, layer=INCIDENTS, where=where, use_arrow=True)
        except Exception as e:
            raise StoreError(f"{self.path}: cannot read layer {INCIDENTS!r} ({e})") from e
        from .layers import frame
        gdf = gdf.rename_geometry("geometry") if gdf.geometry.name != "geometry" else gdf
        return frame(gdf)  # column-wise: 1M rows in about a second

    def reports(self) -> pd.DataFrame:
        if REPORTS not in self._layers():
            return pd.DataFrame(columns=REPORT_COLUMNS)
        return pyogrio.read_dataframe(self.path, layer=REPORTS, use_arrow=True)

    def report_ids(self) -> set[str]:
        return set(self._column(REPORTS, "report_id"))

    def event_ids(self) -> set[str]:
        return set(self._column(INCIDENTS, "event_id_cnty"))

    def _column(self, layer: str, col: str) -> list[str]:
        if layer not in self._layers():
            return []
        with sqlite3.connect(self.path) as con:
            return [r[0] for r in con.execute(f'SELECT "{col}" FROM "{layer}"')]

    # -- writing ------------------------------------------------------------------------
    def append(self, gdf: gpd.GeoDataFrame, report: dict) -> int:
        """Add a report and its incidents; returns the number of incidents added."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if report["report_id"] in self.report_ids():
            return 0
        new = gdf[~gdf["event_id_cnty"].isin(self.event_ids())]
        new = new[~new["event_id_cnty"].duplicated()]
        have = self._layers()
        try:
            if len(new):
                pyogrio.write_dataframe(new[list(COLUMNS) + ["geometry"]], self.path, layer=INCIDENTS,
                                        append=INCIDENTS in have, geometry_type="Unknown",
                                        promote_to_multi=False)
            rep = pd.DataFrame([{**report, "ingested_at": dt.datetime.now(dt.timezone.utc).isoformat(
                timespec="seconds"), "n_incidents": len(new)}], columns=REPORT_COLUMNS)
            pyogrio.write_dataframe(rep, self.path, layer=REPORTS, append=REPORTS in self._layers())
        except Exception as e:
            raise StoreError(f"{self.path}: cannot write ({e})") from e
        return len(new)

    def update_places(self, gdf: gpd.GeoDataFrame) -> None:
        """Rewrite the incidents layer (after re-geocoding)."""
        pyogrio.write_dataframe(gdf[list(COLUMNS) + ["geometry"]], self.path, layer=INCIDENTS,
                                geometry_type="Unknown", promote_to_multi=False)


def select(gdf: gpd.GeoDataFrame, date: str | None = None, start: str | None = None,
           end: str | None = None, types: list[str] | None = None) -> gpd.GeoDataFrame:
    """Incidents on a day, or in [start, end], of the given event types (ISO date strings)."""
    keep = pd.Series(True, index=gdf.index)
    if date:
        keep &= gdf["event_date"] == date
    if start:
        keep &= gdf["event_date"] >= start
    if end:
        keep &= gdf["event_date"] <= end
    if types:
        keep &= gdf["event_type"].isin(types)
    return gdf[keep]


def unresolved_places(path: str | Path, limit: int = 50) -> list[tuple[str, int]]:
    """(place as written, incidents) of the unresolved places, most incidents first (one SQL
    query: no GeoDataFrame read)."""
    store = Store(path)
    if INCIDENTS not in store._layers():
        return []
    with sqlite3.connect(store.path) as con:
        return [(n, int(k)) for n, k in con.execute(
            f'SELECT place_query, count(*) AS n FROM "{INCIDENTS}" WHERE NOT resolved AND place_query != \'\' '
            f'GROUP BY place_query ORDER BY n DESC, place_query LIMIT ?', (limit,))]


# -- the dashboard: the map's columns in memory, the rest fetched by feature id ----------------------
MAP_COLUMNS = ["event_date", "event_type", "sub_event_type", "admin1", "location", "actor1", "actor2",
               "latitude", "longitude", "fatalities", "resolved", "geo_precision", "geometry_kind"]


def map_columns(path: str | Path) -> pd.DataFrame:
    """The columns the dashboard's map and filters need, with the feature id (``fid``); no geometry,
    no text columns (notes, sentences): a third of the memory of the whole layer."""
    store = Store(path)
    if INCIDENTS not in store._layers():
        from .layers import frame
        return pd.DataFrame(frame([])[MAP_COLUMNS]).assign(fid=pd.Series([], dtype="int64"))
    try:
        df = pyogrio.read_dataframe(store.path, layer=INCIDENTS, columns=MAP_COLUMNS, read_geometry=False,
                                    use_arrow=True, fid_as_index=True)
    except Exception as e:
        raise StoreError(f"{store.path}: cannot read layer {INCIDENTS!r} ({e})") from e
    df.index.name = "fid"
    return df.reset_index()


def incidents_by_fid(path: str | Path, fids) -> gpd.GeoDataFrame:
    """Whole incidents (every column, geometry) by feature id, in the order of ``fids``."""
    import numpy as np
    from .layers import frame
    fids = np.asarray(fids, dtype="int64")
    if not len(fids):
        return frame([])
    try:
        gdf = pyogrio.read_dataframe(Path(path), layer=INCIDENTS, fids=np.unique(fids), use_arrow=True,
                                     fid_as_index=True)
    except Exception as e:
        raise StoreError(f"{path}: cannot read layer {INCIDENTS!r} ({e})") from e
    gdf = gdf.rename_geometry("geometry") if gdf.geometry.name != "geometry" else gdf
    return frame(gdf).loc[fids]


def report_text(path: str | Path, rid: str) -> str:
    """The full text of one report ('' when unknown)."""
    if REPORTS not in Store(path)._layers():
        return ""
    with sqlite3.connect(Path(path)) as con:
        row = con.execute(f'SELECT text FROM "{REPORTS}" WHERE report_id = ?', (rid,)).fetchone()
    return (row[0] or "") if row else ""
