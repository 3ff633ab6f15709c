"""Theatre restriction, transposition typos, region hints and the resolve() memo."""
from pathlib import Path

import pytest

from sitrep_map.gazetteer import Gazetteer, km
from sitrep_map.gazetteer.resolver import admin1_of
from sitrep_map.gazetteer.sources import Place, country_code
from sitrep_map.layers import locate
from sitrep_map.parse import parse_report

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def place(pid, name, lat, lon, admin1="Idleb", country="SY"):
    return Place(id=pid, name=name, lat=lat, lon=lon, feature_class="P", feature_code="PPL",
                 country=country, admin1=admin1, admin2="", population=0, source="test", names=(name,))


@pytest.mark.parametrize("name,iso2", [("Syria", "SY"), ("Libya", "LY"), ("Yemen", "YE"),
                                       ("Ukraine", "UA"), ("Iraq", "IQ"), ("irq", "IQ"), ("ly", "LY")])
def test_theatre_names_map_to_iso2(name, iso2):
    assert country_code(name) == iso2


def test_uncovered_country_gives_unresolved_never_a_foreign_namesake(gaz):
    assert gaz.resolve("Tripoli").best.place.country == "LB"   # without a theatre: Lebanon's
    for name, country in [("Tripoli", "Libya"), ("Nikopol", "UA"), ("Mitiga airport", "LY")]:
        m = gaz.resolve(name, country=country)
        assert not m.resolved and m.best is None and m.candidates == [], name
        assert "no gazetteer source covers" in m.reason and country_code(country) in m.reason
        assert m.as_dict()["reason"] == m.reason


def test_covered_country_keeps_only_its_own_places(gaz):
    m = gaz.resolve("Tripoli", country="LB")
    assert m.resolved and m.best.place.country == "LB"
    mosul = gaz.resolve("Mosul", country="Iraq")
    assert mosul.resolved and mosul.best.place.country == "IQ"
    for c in gaz.resolve("Aleppo", country="IQ").candidates:   # an Iraq report: no Syrian Aleppo
        assert c.place.country == "IQ"
    syria = gaz.resolve("Aleppo", country="Syria")
    assert syria.resolved and syria.best.place.id == gaz.resolve("Aleppo").best.place.id


def test_locate_passes_the_theatre(gaz):
    text = (CORPUS / "libya-2019-04-14.txt").read_text(encoding="utf-8")
    incs = parse_report(text, None, "libya").incidents
    assert any(i.place for i in incs)
    got = [loc.match for loc in locate(incs, gaz, country="Libya") if loc.match]
    assert got and all(not m.resolved and m.best is None for m in got)
    wrong = [loc.match for loc in locate(incs, gaz) if loc.match and loc.match.resolved]
    assert any(m.best.place.country != "LY" for m in wrong)   # what the theatre prevents


@pytest.mark.parametrize("typo,want,lat,lon", [
    ("Sarimn", "Sarmīn", 35.90403, 36.72501),      # GeoNames 164782
    ("Plamyra", "Tadmur", 34.5624, 38.28402),      # GeoNames 163808
])
def test_two_swapped_letters_resolve_to_the_one_clear_place(gaz, typo, want, lat, lon):
    m = gaz.resolve(typo)
    assert m.resolved and m.best.how == "fuzzy" and m.best.transposed and m.best.place.name == want
    assert km(m.best.place.lat, m.best.place.lon, lat, lon) < 1
    assert m.score < 92   # resolved, but low enough for `review` to list it


def test_a_swap_that_fits_two_places_stays_unresolved():
    one = Gazetteer([place("a", "Badrunk", 35.0, 36.0)])
    m = one.resolve("Bardunk")
    assert m.resolved and m.best.place.id == "a"
    two = Gazetteer([place("a", "Badrunk", 35.0, 36.0), place("b", "Bardukn", 36.5, 38.0, "Aleppo")])
    m = two.resolve("Bardunk")
    assert not m.resolved and {c.place.id for c in m.candidates} == {"a", "b"}
    # the governorate hint rules the other one out
    assert two.resolve("Bardunk", "southern Idlib").best.place.id == "a"
    assert two.resolve("Bardunk", "southern Idlib").resolved
    # a swap in a short name, or into a place outside the theatre, is not enough
    assert not Gazetteer([place("a", "Bkrt", 35.0, 36.0)]).resolve("Bktr").resolved   # 4 letters
    assert not Gazetteer([place("a", "Badrunk", 35.0, 36.0, "", "TR")]).resolve("Bardunk").resolved


def test_region_hints_give_the_governorate():
    assert admin1_of("Jabal al-Zawiya") == "Idleb"
    assert admin1_of("al-Ghab") == "Hama"
    assert admin1_of("the Homs desert") == "Homs"


def test_resolve_is_memoised_and_the_memo_can_be_cleared():
    g = Gazetteer([place("a", "Badrunk", 35.0, 36.0)])
    first = g.resolve("Bardunk", near=[(35.00001, 36.00001)])
    assert g.resolve("Bardunk", near=[(35.00002, 36.0)]) is first   # near rounded to 0.001
    assert g.resolve("Bardunk") is not first
    assert g.resolve("Bardunk", country="SY") is not g.resolve("Bardunk", country="TR")
    g.clear_memo()
    again = g.resolve("Bardunk", near=[(35.00001, 36.00001)])
    assert again is not first and again.best.place.id == first.best.place.id
    g.online = None   # switching the online lookup forgets answers given without it
    assert g.resolve("Bardunk", near=[(35.00001, 36.00001)]) is not again


def test_memo_is_bounded():
    from sitrep_map.gazetteer import resolver
    g = Gazetteer([place("a", "Badrunk", 35.0, 36.0)])
    for i in range(resolver.MEMO_SIZE + 50):
        g.resolve(f"Zz{i}")
    assert len(g._memo) == resolver.MEMO_SIZE
