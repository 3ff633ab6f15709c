"""The GeoPackage store: real files, appends, idempotency, unresolved rows, corrupt files."""
import pyogrio
import pytest

from sitrep_map.ingest import ingest_text, process
from sitrep_map.store import Store, StoreError, select

TEXT = """date 2020-11-02
Military Situation in Syria on November 2, 2020 (Map Update)

Talks in Geneva ended without progress, diplomats said.

Recent developments:

Government forces shelled Kansafra and Zawiqat al-Hamra in southern Idlib;

An IED went off on the road between Al-Bab and Qabasin;

Unidentified gunmen shot dead a pharmacist in Jasim.
"""


def test_append_is_idempotent_and_keeps_unresolved(tmp_path, gaz):
    st = Store(tmp_path / "s.gpkg")
    first = ingest_text(TEXT, st, "r1.txt", gaz=gaz)
    assert first.added == 4 and first.unresolved == ["Zawiqat al-Hamra"]
    again = ingest_text(TEXT, st, "r1.txt", gaz=gaz)
    assert again.duplicate and again.added == 0
    gdf = st.incidents()
    assert len(gdf) == 4 and gdf.crs.to_epsg() == 4326
    un = gdf[~gdf["resolved"]]
    assert list(un["place_query"]) == ["Zawiqat al-Hamra"] and un.geometry.isna().all()
    road = gdf[gdf["geometry_kind"] == "line"].iloc[0]
    assert road.geometry.geom_type == "LineString" and road["geo_precision"] == 2
    layers = dict(pyogrio.list_layers(st.path))
    assert set(layers) == {"incidents", "reports"}
    assert len(st.reports()) == 1


def test_event_ids_are_stable(gaz):
    a = process(TEXT, "x", gaz=gaz)[1]["event_id_cnty"].tolist()
    b = process(TEXT, "y", gaz=gaz)[1]["event_id_cnty"].tolist()
    assert a == b and len(set(a)) == len(a) and all(i.startswith("SYR") for i in a)


def test_select_by_day_window_and_type(demo_db):
    gdf = Store(demo_db).incidents()
    day = gdf["event_date"].min()
    assert (select(gdf, date=day)["event_date"] == day).all()
    ex = select(gdf, types=["Explosions/Remote violence"])
    assert len(ex) and set(ex["event_type"]) == {"Explosions/Remote violence"}


def test_corrupt_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "broken.gpkg"
    bad.write_bytes(b"this is not a geopackage at all" * 10)
    with pytest.raises(StoreError, match="broken.gpkg"):
        Store(bad).incidents()


def test_other_theatres_stay_unresolved_not_misplaced(gaz):
    """A Libyan report's Tripoli is not Lebanon's: unresolved, with Libya as its country."""
    text = ("Libya: situation report, 14 April 2019\n\nRecent developments:\n\n"
            "LNA warplanes struck Tripoli and Tajoura, killing 3 civilians;\n")
    gdf = process(text, "ly.txt", gaz=gaz)[1]
    assert len(gdf) == 2 and not gdf["resolved"].any()
    assert set(gdf["country"]) == {"Libya"} and all(i.startswith("LBY") for i in gdf["event_id_cnty"])
