"""Geometry kinds: near/outskirts -> point, precision 2, radius; regions -> governorate polygon."""
from sitrep_map.ingest import process

REPORT = """Military Situation in Syria on July 12, 2020

Syrian Army artillery shelled militant positions near Kansafra.
Russian warplanes carried out airstrikes in southern Idlib.
Russian warplanes carried out airstrikes in Greater Idlib.
ISIS cells attacked Syrian Army positions in the Homs desert.
Militants attacked an army checkpoint on the outskirts of Saraqib.
"""


def test_geometry_kinds(gaz):
    _, gdf, _ = process(REPORT, gaz=gaz)
    got = {(r.source_sentence.split()[-2], r.geometry_kind, r.geo_precision, r.geometry.geom_type, r.admin1)
           for r in gdf.itertuples()}
    assert got == {("near", "point", 2, "Point", "Idleb"), ("southern", "polygon", 3, "Polygon", "Idleb"),
                   ("Greater", "polygon", 3, "Polygon", "Idleb"), ("Homs", "polygon", 3, "Polygon", "Homs"),
                   ("of", "point", 2, "Point", "Idleb")}
    for r in gdf.itertuples():
        assert ("uncertainty radius 5 km" in r.notes) == (r.geometry_kind == "point")
        if r.geometry_kind == "polygon":
            assert r.geometry.area > 0.3   # the governorate (Idlib: ~0.56 square degrees), not a dot
