"""The parser on reports we wrote in the genre (tests/fixtures/reports), and on single sentences."""
import datetime as dt
import re
from pathlib import Path

import pytest

from sitrep_map.evaluate import score_corpus
from sitrep_map.parse import ReportError, parse_report
from sitrep_map.parse.engine import casualties, equipment, event_date, repair
from sitrep_map.parse.segment import find_date

FIX = Path(__file__).parent / "fixtures" / "reports"
D = dt.date(2021, 5, 3)


def report(*items: str, context: str = "Officials in Ankara and Moscow said talks would go on.") -> str:
    body = "\n\n".join(items)
    return (f"Military Situation in Syria on May 3, 2021 (Map Update)\n\n{context}\n\n"
            f"A brief overview of the recent developments:\n\n{body}\n")


def one(text: str):
    r = parse_report(report(text))
    assert len(r.incidents) == 1, [i.sentence for i in r.incidents]
    return r.incidents[0]


def test_fixture_corpus_scores():
    s = score_corpus(FIX)
    assert s.expected >= 35
    assert s.f1 == 1.0, s.misses + s.extras
    assert s.sub_ok == s.matched and s.casualties_ok == s.matched, s.wrong
    assert s.actors_ok / s.matched >= 0.95, s.wrong


@pytest.mark.parametrize("text,sub", [
    ("Turkish drones struck SDF positions near Ain Issa;", "Air/drone strike"),
    ("Government forces shelled Kafr Uwayd with mortars;", "Shelling/artillery/missile attack"),
    ("A car bomb exploded in Azaz, killing 2 civilians;", "Remote explosive/landmine/IED"),
    ("A suicide bomber blew himself up at a checkpoint near Azaz;", "Suicide bomb"),
    ("HTS militants clashed with the army near Kabani;", "Armed clash"),
    ("The Syrian army captured Khan Shaykhun after heavy clashes;", "Government regains territory"),
    ("HTS militants clashed with the army near Morek after an attack;", "Armed clash"),
    ("The Syrian army took control of Morek;", "Government regains territory"),
    ("ISIS cells captured the village of Al-Susah;", "Non-state actor overtakes territory"),
    ("Unidentified gunmen shot dead a teacher in Nawa;", "Attack"),
    ("ISIS abducted two shepherds near Al-Sukhnah;", "Abduction/forced disappearance"),
    ("The Russian military police set up a new post near Saraqib;", "Headquarters or base established"),
    ("Russian air defense shot down a drone near Hmeimim airbase;", "Disrupted weapons use"),
    ("Hundreds of people protested in Idlib against the crossings;", "Peaceful protest"),
    ("Government security forces arrested 5 young men in Jasim;", "Arrests"),
])
def test_sub_event_types(text, sub):
    assert one(text).sub_event_type == sub


def test_list_of_places_gives_one_incident_each_and_splits_the_total():
    r = parse_report(report("Government forces shelled Ariha, Ihsim and Al-Bara in southern Idlib, killing 5 civilians;"))
    assert [i.place.text for i in r.incidents] == ["Ariha", "Ihsim", "Al-Bara"]
    assert [i.fatalities for i in r.incidents] == [3, 1, 1]
    assert all(i.place.hint == "Idlib" for i in r.incidents)
    assert all(i.civilian_targeting == "Civilians targeted" for i in r.incidents)


def test_road_between_two_places():
    i = one("ISIS cells ambushed a bus on the road between Palmyra and Al-Sukhnah;")
    assert (i.place.text, i.place.road_to, i.place.qualifier) == ("Palmyra", "Al-Sukhnah", "road")


def test_area_and_near_set_a_qualifier():
    assert one("Militants attacked army posts in the Tell Malah area;").place.qualifier == "area"
    assert one("Militants attacked army posts near Tell Malah;").place.qualifier == "near"


def test_origin_of_fire_is_not_the_location():
    i = one("Militants fired rockets from their positions in Kafr Nabl at army posts in Maarat al-Numan;")
    assert i.place.text == "Maarat al-Numan"


def test_actors_numbers_and_equipment():
    i = one("HTS militants attacked army positions near Morek, killing 4 soldiers and destroying two BMPs;")
    assert (i.actor1, i.actor2) == ("Hayat Tahrir al-Sham", "Military Forces of Syria")
    assert i.fatalities == 4 and i.wounded is None
    assert [e.as_dict() for e in i.equipment] == [{"item": "BMP", "count": 2, "state": "destroyed"}]


@pytest.mark.parametrize("text,killed,wounded", [
    ("three soldiers were killed and a dozen others injured", 3, 12),
    ("killing 2 civilians and injuring several others", 2, 3),
    ("no casualties were reported", 0, None),
    ("the attack hit a warehouse", 0, None),
])
def test_casualties(text, killed, wounded):
    k, w, _ = casualties(text)
    assert (k, w) == (killed, wounded)


def test_equipment_passive_and_shot_down():
    assert [e.as_dict() for e in equipment("a T-72 tank was destroyed")] == [{"item": "tank", "count": 1, "state": "destroyed"}]
    assert equipment("they shot down a Turkish drone")[0].state == "shot down"


def test_dates_relative_to_the_report():
    r = parse_report(report("Yesterday, an IED exploded in Jasim;", "On May 1, gunmen shot dead a man in Nawa;"))
    assert [i.event_date for i in r.incidents] == ["2021-05-02", "2021-05-01"]


def test_context_paragraphs_give_nothing_but_signed_agreements():
    text = report("Government forces shelled Kansafra;", context=(
        "Russia warned that the army could launch an offensive on Saraqib. Turkey denied that its "
        "troops had shelled Tal Rifaat. The SDF and the government signed an agreement in Qamishli."))
    r = parse_report(text)
    assert sorted(i.sub_event_type for i in r.incidents) == ["Agreement", "Shelling/artillery/missile attack"]


def test_title_is_not_an_incident_and_date_comes_from_it():
    r = parse_report(report("Government forces shelled Kansafra;"))
    assert r.report_date == D and "Map Update" in r.title


def test_typos_are_repaired_in_rule_words_only():
    assert repair("Goverment forces shelled militant positons") == "Government forces shelled militant positions"
    assert repair("SAA shelled Kanasfra") == "SAA shelled Kanasfra"
    assert repair("7 others were wounded, officials said") == "7 others were wounded, officials said"


@pytest.mark.parametrize("text", ["", "   \n", "\x00\x01binary"])
def test_bad_input_is_a_clear_error(text):
    with pytest.raises(ReportError):
        parse_report(text, D, "x.txt")


def test_missing_date_names_the_file():
    with pytest.raises(ReportError, match="notes.txt: no report date"):
        parse_report("SAA shelled Kansafra;", None, "notes.txt")


def test_date_line_and_title_forms():
    assert find_date("date 2020-06-18\nSomething")[0] == dt.date(2020, 6, 18)
    assert find_date("Military Situation in Syria on June 9, 2020 (Map Update)")[0] == dt.date(2020, 6, 9)


def test_security_table_rows_carry_their_own_date_and_place():
    r = parse_report("Security incidents in Syria, 3 August 2019\n\n"
                     "Date | Location | Description\n---|---|---\n"
                     "2019-08-01 | Khan Shaykhun, Idlib | SAA artillery shelled the town, killing 2 civilians.\n"
                     "02/08/2019 | Al-Bab, Aleppo | An IED went off near a market.\n")
    assert r.report_date == dt.date(2019, 8, 3)
    got = [(i.event_date, i.place.text, i.place.hint, i.fatalities) for i in r.incidents]
    assert got == [("2019-08-01", "Khan Shaykhun", "Idlib", 2), ("2019-08-02", "Al-Bab", "Aleppo", 0)]


@pytest.mark.parametrize("head,want", [
    ("Syria weekly conflict summary, 14-20 March 2022", dt.date(2022, 3, 20)),
    ("FLASH UPDATE No. 3\nDate: 12 February 2020", dt.date(2020, 2, 12)),
    ("Syria: daily report, Aug 5, 2019", dt.date(2019, 8, 5)),
])
def test_report_date_forms(head, want):
    assert find_date(head + "\n\nbody")[0] == want


def test_day_month_and_weekday_event_dates():
    r = parse_report("Syria weekly conflict summary, 14-20 March 2022\n\nOn 16 March, government forces "
                     "shelled Kansafra. On Tuesday, ISIS cells attacked an army post near Al-Sukhnah.\n")
    assert [i.event_date for i in r.incidents] == ["2022-03-16", "2022-03-15"]


def test_another_language_is_a_clear_error():
    french = ("Militaires: le 3 mai 2021, les forces gouvernementales ont bombardé les villages de Kansafra "
              "et Baylun dans le sud de la province, selon une source locale. Deux civils ont été tués et "
              "trois autres blessés lors de ces bombardements qui ont duré toute la journée de mardi, "
              "tandis que les habitants fuyaient vers le nord.")
    with pytest.raises(ReportError, match="fr.txt: does not look like English"):
        parse_report(french, D, "fr.txt")


def test_oversized_file_is_refused_by_name(tmp_path):
    from sitrep_map.ingest import read_text
    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # a 50 MB file
    with pytest.raises(ReportError, match="huge.txt: 52.4 MB is too large"):
        read_text(big)


def test_pronoun_takes_the_previous_actor_and_area():
    r = parse_report(report("HTS militants attacked army positions near Morek in northern Hama. "
                            "They also shelled Kafr Zita with rockets, killing a soldier;"))
    assert [i.place.text for i in r.incidents] == ["Morek", "Kafr Zita"]
    second = r.incidents[1]
    assert second.actor1 == "Hayat Tahrir al-Sham" and second.place.hint == "Hama" and second.fatalities == 1


def test_typo_repair_does_not_guess_between_two_words():
    # "former" is one letter from both "farmer" and "formed": left as written
    assert repair("a former rebel commander") == "a former rebel commander"


def test_place_forces_retreat_to_is_not_the_location():
    r = parse_report(report("ISIS militants captured Al-Susah, forcing the army to retreat towards Hajin;"))
    assert [i.place.text for i in r.incidents] == ["Al-Susah"]


def test_a_part_of_a_town_gives_way_to_the_town():
    r = parse_report(report("Clashes broke out between the SDF and ISIS cells near Sina'a prison in "
                            "Al-Hasakah city;"))
    assert [i.place.text for i in r.incidents] == ["Al-Hasakah"]
    r = parse_report(report("Israeli warplanes struck Mezzeh airbase in Damascus;"))
    assert [(i.place.text, i.place.hint) for i in r.incidents] == [("Mezzeh airbase", "Damascus")]


def _sentences():
    from sitrep_map.parse.segment import clean, segments, sentences
    folders = [FIX.parent / "corpus", FIX, FIX.parents[1] / ".." / "data" / "demo" / "reports"]
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            for seg in segments(clean(path.read_text(encoding="utf-8"))):
                for s in sentences(seg):
                    yield s.text.strip()


def test_word_gates_and_start_words_never_hide_a_match():
    """The shortcuts (rules.Words / Starts / Rx) find exactly what the plain regexes find."""
    import re
    from sitrep_map.parse import engine, places, rules
    texts = [t for s in _sentences() for t in (s, s.lower(), s.upper())]
    gated = [(r.pattern, r.gate) for r in rules.event_rules() + rules.actor_rules()]
    gated += [(p, g) for scope in ("item", "context") for p, g in rules.skip_scope(scope)]
    starts = [rules.event_starts(), rules.actor_starts(), places.STARTS, rules._SHARED]
    for text in texts:
        words = rules.Words(text)
        for pattern, gate in gated:
            if not words.opens(gate):
                assert not pattern.search(text), (pattern.pattern[:60], text)
        for family in starts:
            for i, p in enumerate(family.patterns):
                want = [m.span() for m in p.finditer(text)]
                assert [m.span() for m in family.finditer(i, text, words)] == want, (p.pattern[:60], text)
                first = family.search(i, text, words)
                assert (first.span() if first else None) == (want[0] if want else None)
    assert isinstance(engine.RX_CONTINUES.pattern, re.Pattern)


def test_start_words_of_numbers_and_whole_words():
    """Patterns that begin with a number or a one-letter word have start words too: DIGIT for a
    run of digits, and "a " (a trailing space) for a whole word, so they are tried only there."""
    from sitrep_map.parse import places, rules
    assert rules.start_words(r"\b(a|an) (angry )?mob") == {"a ", "an "}
    assert rules.start_words(r"\b\d+ (?:people|civilians)") == {rules.DIGIT}
    assert rules.start_words(r"\b(?:kill|killed)\b") == {"kill ", "killed "}
    assert rules.start_words(r"\bkill") == {"kill"}            # "killed" starts with it too
    assert rules.start_words(r"\b(?:\w+) killed") is None       # may start with any word
    for family in (rules.event_starts(), rules.actor_starts(), places.STARTS, rules._SHARED):
        assert not family.loose, [family.patterns[i].pattern[:40] for i in family.loose]
    texts = ["A mob beat a man in Afrin", "an angry crowd lynched 2 men", "25th Division forces and 4th "
             "Division shelled Kafr Nabl, killing 3 civilians and a child", "At least 12 SDF fighters were "
             "killed and a dozen wounded at Tal Tamr", "Attacked at dawn, a2 and 3b were hit; 7,000 left"]
    for text in texts + [t.upper() for t in texts] + [t.swapcase() for t in texts]:
        words = rules.Words(text)
        for family in (rules.event_starts(), rules.actor_starts(), places.STARTS, rules._SHARED):
            tried = family.tried(words)
            for i, p in enumerate(family.patterns):
                want = [m.span() for m in p.finditer(text)]
                assert [m.span() for m in family.finditer(i, text, words)] == want, (p.pattern[:60], text)
                assert i in tried or not want, (p.pattern[:60], text)
    assert rules._SHARED.shared   # the number patterns of rules.Rx share their offsets


def test_lower_twins_match_where_the_patterns_do():
    """A pattern that ignores case is tried first, lower-cased, on the lower-cased sentence
    (rules.lower_twin); one with case-sensitive parts, non-ASCII letters or a range mixing
    letters with other characters has no twin."""
    import re
    from sitrep_map.parse import rules
    twin = rules.lower_twin(re.compile(r"\bTurkish[- ]backed (?P<Who>forces|SNA)\b\S*", re.I))
    assert twin is not None and twin.groupindex == {"Who": 1}
    text = "Shelling by TURKISH-backed SNA fighters"
    assert twin.search(text.lower()).span() == re.search(r"\bTurkish[- ]backed (forces|SNA)\b\S*", text, re.I).span()
    for source in (r"\b(?i:in) [A-Z]\w+", r"[A-z]+", "caf\u00e9", r"\bin\b"):
        flags = 0 if source == r"\bin\b" else re.I
        assert rules.lower_twin(re.compile(source, flags)) is None, source


def test_key_strings_holding_another_are_dropped():
    from sitrep_map.parse import rules
    assert rules.fewest(["agreed on", "agreed", " into custody", " into "]) == (" into ", "agreed")
    assert rules.required_words(r"\b(agreed|agreed on|signed)\b") == ("agreed", "signed")


@pytest.mark.parametrize("head", ["Date: 2021-05-03\n", "  \n  DATE:  3 May 2021\nx\n", "date\n2021-05-03\n",
                                  "Update: road closed\n\n date: May 3, 2021\n"])
def test_date_lines_are_found_after_other_lines(head):
    """The date-line patterns are tried only at lines opening with "date": the same date as a
    search of the whole text."""
    from sitrep_map.parse.rules import segment_rules
    text = f"Weekly update\n{head}Shelling hit Afrin.\n"
    want = next(m for p in segment_rules()["date"] if (m := p.search(text[:4000])))
    assert find_date(text) == (D, want.group(0).strip())


def test_segments_with_one_stop_are_one_sentence():
    from sitrep_map.parse.segment import Segment, sentences
    def texts(*items):
        return [s.text for s in sentences(Segment(" ".join(items), 0, "item"))]
    assert texts("Shelling hit Afrin.") == ["Shelling hit Afrin."]
    assert texts('He said "stop!"  ') == ['He said "stop!"  ']
    assert texts("Shelling hit Afrin.", "Two died.") == ["Shelling hit Afrin.", "Two died."]
    assert texts('"Stop."', "Then fire.") == ['"Stop.', "Then fire."]   # (the quote is dropped, as before)
    assert texts(".") == ["."] and texts("  ") == []


def test_fuzzy_pool_scan_keeps_what_a_full_scan_finds():
    """Gazetteer._scan leaves out only keys with too few letters in common to score FUZZY_FLOOR."""
    import random
    from rapidfuzz import fuzz, process
    from sitrep_map.gazetteer import default_gazetteer
    from sitrep_map.gazetteer.resolver import FUZZY_FLOOR
    gaz, rnd = default_gazetteer(), random.Random(7)
    for name, pool in sorted(gaz.loose_by_edge.items())[:12]:
        for _ in range(20):
            q = list(rnd.choice(pool))
            for _ in range(rnd.randint(0, 3)):
                q.insert(rnd.randrange(len(q) + 1), rnd.choice("aeiky '"))
            q = "".join(q)
            want = process.extract(q, pool, scorer=fuzz.ratio, limit=8, score_cutoff=FUZZY_FLOOR)
            assert [r[:2] for r in gaz._scan(q, name, pool)] == [r[:2] for r in want], q


@pytest.mark.parametrize("text, want", [
    ("On Tueſday, army artillery shelled Kafr Nabl.", dt.date(2020, 7, 7)),
    ("On FRİDAY, army artillery shelled Kafr Nabl.", dt.date(2020, 7, 3)),
    ("On frıday, army artillery shelled Kafr Nabl.", dt.date(2020, 7, 3)),
    ("On ſeptember 3, army artillery shelled Ariha.", dt.date(2019, 9, 3)),
])
def test_weekdays_and_months_with_odd_letters(text, want):
    """Letters that ignore-case matching takes for s and i ("ſ", "İ", "ı") in a weekday or a
    month name: the date the plain spelling gives, not a crash."""
    assert event_date(text, dt.date(2020, 7, 8)) == (want, 1)
    report = "Military Situation in Syria on July 8, 2020\n\n" + text
    assert [i.event_date for i in parse_report(report).incidents] == [want.isoformat()]


def test_origin_and_destination_reversed_match_the_search():
    """places._ends_in tests ORIGIN/DESTINATION with one match on the reversed text; it must
    agree with searching the text before the cue, at every cut of every corpus line."""
    from sitrep_map.parse import places
    assert places.ORIGIN_BACK is not None and places.DESTINATION_BACK is not None
    lines = [line for p in sorted((FIX.parent / "corpus").glob("*.txt"))
             for line in p.read_text(encoding="utf-8").splitlines()
             if re.search(r"(?i)\b(?:from|toward|towards|to)\b", line)]
    lines += ["Rockets were fired from  positions in\n", "They withdrew TOWARDS", "from"]
    assert len(lines) > 50
    checked = 0
    for line in lines:
        for end in range(len(line) + 1):
            for rx, back in ((places.ORIGIN, places.ORIGIN_BACK), (places.DESTINATION, places.DESTINATION_BACK)):
                want = rx.search(line[:end]) is not None
                assert places._ends_in(rx, back, None, line, end) == want, (line[:end], rx.pattern[:40])
                checked += want
    assert checked > 10   # the patterns do match somewhere


def test_actor_spans_from_the_twins_match_the_patterns():
    """engine.actors reads spans from the lower-cased twins alone (Starts.spans); they must be
    the spans the patterns themselves find, in every case variant of every corpus line."""
    from sitrep_map.parse.rules import Words, actor_starts
    starts = actor_starts()
    lines = [line for p in sorted((FIX.parent / "corpus").glob("*.txt"))
             for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = [v for line in lines for v in (line, line.upper(), line.lower(), line.swapcase())]
    assert sum(t is not None for t in starts.twins) > 10
    found = 0
    for line in lines:
        words = Words(line)
        for i in range(len(starts.patterns)):
            want = [m.span() for m in starts.finditer(i, line, words)]
            assert starts.spans(i, line, words) == want, (line, starts.patterns[i].pattern[:40])
            found += len(want)
    assert found > 500   # the patterns do match


def test_paragraphs_are_the_paragraph_pattern_matches():
    """segment._paragraphs splits the text once into lines; it must find what PARAGRAPH finds,
    on every corpus and fixture report and on texts with lines of only spaces."""
    from sitrep_map.parse.segment import PARAGRAPH, _paragraphs
    texts = [p.read_text(encoding="utf-8") for d in (FIX, FIX.parent / "corpus") for p in sorted(d.glob("*.txt"))]
    texts += ["", "\n", "A", "A\n  \nB", "A\n\n\nB\n", "  \nA\n \t\n", "A\nB\n  ", "\n\nA\n  \n  \nB\n\n"]
    for text in texts:
        want = [(m.group(0), m.start(), m.group(0).split("\n")) for m in PARAGRAPH.finditer(text)]
        assert _paragraphs(text) == want, text[:60]
    assert sum(len(_paragraphs(t)) for t in texts) > 100
