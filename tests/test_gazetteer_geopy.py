"""The gazetteer behind geopy's Geocoder interface: Location, raw fields, RateLimiter, distance."""
import pytest
from geopy.distance import distance
from geopy.exc import GeocoderQueryError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from sitrep_map.gazetteer.geocoder import GazetteerGeocoder


@pytest.fixture(scope="module")
def geo(gaz):
    return GazetteerGeocoder(gaz)


def test_is_a_geopy_geocoder_returning_locations(geo):
    assert isinstance(geo, Geocoder)
    loc = geo.geocode("Saraqeb")
    assert isinstance(loc, Location)
    # truth: GeoNames 164816 (Saraqib)
    assert distance(loc.point, (35.86447, 36.80591)).km < 5
    for k in ("admin1", "geo_precision", "score", "how", "candidates"):
        assert k in loc.raw, k
    assert loc.raw["admin1"] == "Idleb" and loc.raw["how"] in ("exact", "variant")
    assert loc.raw["candidates"][0]["name"] == loc.raw["matched"]


def test_hint_and_all_candidates(geo):
    one = geo.geocode("Kansfara", hint="Idlib countryside")
    assert one.raw["how"] == "fuzzy" and 0 < one.raw["score"] < 100
    many = geo.geocode("Kansfara", hint="Idlib countryside", exactly_one=False)
    assert isinstance(many, list) and len(many) > 1 and many[0].point == one.point


def test_unknown_gives_none_and_empty_query_a_typed_error(geo):
    assert geo.geocode("Zarqoumbaltiya") is None
    with pytest.raises(GeocoderQueryError):
        geo.geocode("   ")


def test_composes_with_rate_limiter(geo):
    calls = RateLimiter(geo.geocode, min_delay_seconds=0.01)
    a, b = calls("Kfar Nabl"), calls("Maarat al-Numan")
    assert 5 < distance(a.point, b.point).km < 30


def test_reverse_finds_the_nearest_place(geo):
    loc = geo.reverse((35.61376, 36.56449))  # GeoNames 168661 (Kafranbel)
    assert loc.raw["distance_km"] < 1 and "Kafr" in loc.address
