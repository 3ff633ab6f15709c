"""Find place names in a sentence, with their role: location, region (admin hint), anchor
("east of X"), origin of fire, or a road between two places."""
from __future__ import annotations

from functools import lru_cache
from operator import attrgetter, itemgetter
import re
from dataclasses import dataclass, field
from os.path import commonprefix
from string import ascii_letters, ascii_lowercase

from .rules import (DIGIT, FLAGS, ODD_CASE, Starts, Words, actor_rules, alternation, gate, matches_at,
                    place_words, start_words)


def _led(words: str) -> str:
    """A lower-case alternation (or one matched ignoring case) behind a lookahead on its first
    letters: a word starting with none of them fails at once, not in every alternative."""
    heads = start_words(rf"\b(?:{words})")
    if not heads or DIGIT in heads:
        return f"(?:{words})"
    return f"(?=[{''.join(sorted({h[0] for h in heads}))}])(?:{words})"


# The regex engine skips an alternative at once when its first character differs from an exact
# (case-sensitive) first letter; one ignoring case it must enter. So alternations matched
# ignoring case are written as a tree of their first letters, each in both cases, matched
# exactly: "in|into|near" -> "(?-i:i)n(?:|to)|(?-i:I)n(?:|to)|in(?:|to)|(?-i:n)ear|(?-i:N)ear".
# A letter that also matches an odd letter (ODD_CASE: "ı" for i) keeps a branch ignoring case
# too, last (it repeats the others' tries, so the first match found is the same); or (odd_set)
# a branch for just its odd letters, matched exactly, which the engine also skips at once.
ODD_LETTERS = frozenset(c for c in ascii_lowercase if any(re.fullmatch(f"(?i:{c})", o) for o in ODD_CASE))
ODD_OF = {c: "".join(sorted(o for o in ODD_CASE if re.fullmatch(f"(?i:{c})", o))) for c in ODD_LETTERS}
PLAIN = frozenset(ascii_letters + " -")   # characters an alternative's shared beginning may hold
REPEATS = frozenset("?*+{")


def _alternatives(words: str) -> list[str] | None:
    """The alternatives of an alternation, or None when it holds escapes, sets or (?...) groups."""
    if "\\" in words or "[" in words or "(?" in words:
        return None
    out, depth, cur = [], 0, ""
    for ch in words:
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return out + [cur]


def _leads(alt: str) -> bool:
    """Does the alternative start with a plain character that no repeat applies to?"""
    return alt[:1] != "" and alt[0] in PLAIN and alt[1:2] not in REPEATS


def _tree(alts: list[str], odd_set: bool = False) -> str:
    if len(alts) < 2 or not all(map(_leads, alts)):
        return "(?:" + "|".join(alts) + ")"
    by_first: dict[str, list[str]] = {}   # alternatives starting with different letters never
    for alt in alts:                      # match at one place: only their order within a letter counts
        by_first.setdefault(alt[0].lower(), []).append(alt[1:])
    out = []
    for first, rests in by_first.items():
        if len(rests) == 1:
            rest = f"(?:{rests[0]})"
        else:
            same = commonprefix([r.lower() for r in rests])   # kept as it is
            while same and not (set(same) <= PLAIN and all(r[len(same):len(same) + 1] not in REPEATS for r in rests)):
                same = same[:-1]
            rest = rests[0][:len(same)] + _tree([r[len(same):] for r in rests], odd_set)
        if first.isalpha():
            out += [f"(?-i:{first}){rest}", f"(?-i:{first.upper()}){rest}"]
            if first in ODD_LETTERS:
                out.append(f"(?-i:[{ODD_OF[first]}]){rest}" if odd_set else first + rest)
        else:
            out.append(first + rest)
    return "(?:" + "|".join(out) + ")"


def _either_case(words: str, odd_set: bool = False) -> str:
    """An alternation to be matched ignoring case (inside (?i:...)), as a tree of its first
    letters (above); as it is if it has escapes, sets or (?...) groups. odd_set: the branches
    for odd letters are sets matched exactly, which the regex engine also skips at once (not
    where a pattern starts: start_words does not read them)."""
    alts = _alternatives(words)
    return f"(?:{words})" if alts is None else _tree(alts, odd_set)


def _opt(regex: str) -> str:
    """regex or nothing: "(?:X)?" as the branch "(?:X|)", which the regex engine runs faster
    (same matches, tried in the same order)."""
    return f"(?:{regex}|)"


_L = r"A-Z\u00C0-\u00DE\u0100-\u024F\u1E00-\u1EFF"
_CHAR = r"[\w'ʿʾ\u00C0-\u024F\u1E00-\u1EFF]"   # a character of a name's word after the first
WORD = rf"(?:[{_L}'ʿ]{_CHAR}*(?:-{_CHAR}+)*)"
PART = r"(?:al|el|ad|ar|as|ash|az|at|an|ez|es|ed|ibn|bin|bani|abu|um|umm|wa|de)"
NAME = rf"{_opt(_led(PART) + '-')}{WORD}(?:[ ]{_opt(_led(PART) + '[- ]')}{WORD})*"
# NAME where nothing follows it in the pattern: there its repeats never need to give back, so
# they are possessive (*+), which the regex engine runs faster (same matches)
_LAST_WORD = rf"(?:[{_L}'ʿ]{_CHAR}*+(?:-{_CHAR}++)*+)"
LAST_NAME = rf"{_opt(_led(PART) + '-')}{_LAST_WORD}(?:[ ]{_opt(_led(PART) + '[- ]')}{_LAST_WORD})*+"
FACILITY = (r"air ?base|airbase|airport|military airport|air field|airfield|oil ?field|gas ?field|"
            r"crossing|border crossing|dam|camp|bridge|hill|highway|road|checkpoint|base|prison|"
            r"power station|power plant|refinery|station")

NOT_PLACE = re.compile(
    r"^(?:the|a|an|this|that|these|those|it|its|his|her|their|our|we|he|she|they|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|"
    r"september|october|november|december|syrian|turkish|russian|iranian|israeli|american|kurdish|"
    r"arab|sunni|shia|alawite|christian|druze|western|eastern|northern|southern|greater|minister|"
    r"president|chief|general|gen|commander|spokesman|envoy|ambassador|official|officials|mr|dr)$", FLAGS)
ROAD_WORD = re.compile(r"^(?P<a>.+?)-(?P<b>[A-Z].*?)\s+(?:road|highway)$")

_DIR = alternation("direction")
_NOUN = alternation("noun")
_CUE = alternation("cue")
_REGION = alternation("region")
_ORIGIN = alternation("origin")
_DESTINATION = alternation("destination")
WITHIN = frozenset(w for p, _ in place_words()["within"] for w in p.split("|"))
_NEAR = "|".join(p for p, v in place_words()["qualifier"] if v == "near")

# Names are case-sensitive (capitalised); the words around them are not. Their trees have
# odd-letter sets (odd_set) except where a pattern starts (start_words reads those).
_IN_NEAR = rf"(?i:(?P<near>{_either_case(_NEAR, True)})\s+)"              # "near", "in the vicinity of"
_THE = rf"(?i:{_either_case('the|a|an', True)}\s+)"
_THE_ONLY = r"(?i:the\s+)"
_IN_DIR = rf"(?i:(?P<dir>{_either_case(_DIR, True)})\s+)"                 # "northern"
_FIRST_DIR = rf"(?i:(?P<dir>{_either_case(_DIR)})\s+)"   # _IN_DIR where a pattern starts
_NOUN_OF = (_opt(rf"(?i:(?P<dir2>{_either_case(_DIR, True)})\s+)") + rf"(?i:(?P<noun>{_either_case(_NOUN, True)}))\s+"
            + _opt(r"(?i:of\s+)") + _opt(_THE_ONLY))         # "the outskirts of"
MENTION = re.compile(rf"\b(?i:(?P<cue>{_either_case(_CUE)}))\s+{_opt(_IN_NEAR)}{_opt(_THE)}{_opt(_IN_DIR)}"
                     rf"{_opt(_NOUN_OF)}(?P<name>{LAST_NAME})")
NOUN_OF = re.compile(rf"\b{_opt(_FIRST_DIR)}(?i:(?P<noun>{_either_case(_NOUN)}))\s+(?i:of\s+){_opt(_THE_ONLY)}"
                     rf"(?P<name>{LAST_NAME})")
APPOSITION = re.compile(rf"\b(?i:capital|city|town|village|area)\s*,\s*(?P<name>{LAST_NAME})")
_TOWN_OF = r"the\s+(?:town|village|city)\s+of\s+"
_AND = r"and\s+"
LIST_MORE = re.compile(rf"(?:\s*,\s*{_opt(_AND)}|\s+and\s+|\s*&\s*){_opt(_TOWN_OF)}(?P<name>{NAME})"
                       r"(?!\s+(?:militants|fighters|forces|positions|troops))")
_AFTER_WORD = _either_case(f"{_REGION}|area|outskirts|{FACILITY}|city|town|village")   # "X countryside"
_POSSESSIVE = _opt(r"'s\s+")
AFTER = re.compile(rf"\s*{_POSSESSIVE}(?P<word>{_AFTER_WORD})\b", FLAGS)
DIR_OF = re.compile(rf"\b(?i:(?P<dir>north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+(?:the\s+(?:city|town|village)\s+of\s+)?)(?P<name>{LAST_NAME})")
ROADS = [
    re.compile(rf"\b(?i:roads?|highway)\s+(?i:between|linking|connecting)\s+(?i:the\s+(?:city|town|village)\s+of\s+)?(?P<a>{NAME})\s+(?i:and|with|to)\s+(?i:the\s+(?:city|town|village)\s+of\s+)?(?P<b>{NAME})"),
    re.compile(rf"\b(?i:on|along|near)\s+(?i:the)\s+(?P<a>{WORD}(?: {WORD})?)\s*[-\u2013]\s*(?P<b>{WORD}(?: {WORD})?)\s+(?i:road|highway)"),
    re.compile(rf"\b(?i:on|along)\s+(?i:the)\s+(?i:road|highway)\s+(?i:from)\s+(?P<a>{NAME})\s+(?i:to)\s+(?P<b>{NAME})"),
]
ORIGIN = re.compile(rf"(?:{_ORIGIN})\s*$", FLAGS)
REGION = re.compile(_REGION, FLAGS)
FACILITY_RX = re.compile(FACILITY, FLAGS)
# The patterns are tried only at the words they may start with (rules.Starts).
STARTS = Starts(ROADS + [DIR_OF, NOUN_OF, MENTION, APPOSITION])
DESTINATION = re.compile(rf"(?:{_DESTINATION})\s*$", FLAGS)
G_ORIGIN = gate(ORIGIN.pattern, ORIGIN.flags)   # (these run on a prefix of the sentence)
G_DESTINATION = gate(DESTINATION.pattern, DESTINATION.flags)


def _width(words: str) -> int | None:
    """The most characters a match of an alternation spans; None when there is no limit."""
    from re import _parser
    most = _parser.parse(words, FLAGS).getwidth()[1]
    return most if most < 10_000 else None


ORIGIN_WIDTH, DESTINATION_WIDTH = _width(_ORIGIN), _width(_DESTINATION)


def _backwards_of(items) -> str | None:
    """Regex source matching the reverse of what the parsed regex items match; None when they
    hold something that has no simple reverse (anchors other than \\b, lookarounds, back
    references, atomic groups, possessive repeats)."""
    from re import _constants as C
    cats = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
            C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"}
    out = []
    for op, av in items:
        if op is C.LITERAL:
            part = re.escape(chr(av))
        elif op is C.NOT_LITERAL:
            part = "[^" + re.escape(chr(av)) + "]"
        elif op is C.ANY:
            part = "."
        elif op is C.IN:
            part = ""
            for o, a in av:
                if o is C.NEGATE:
                    part += "^"
                elif o is C.LITERAL:
                    part += re.escape(chr(a))
                elif o is C.RANGE:
                    part += re.escape(chr(a[0])) + "-" + re.escape(chr(a[1]))
                elif o is C.CATEGORY and a in cats:
                    part += cats[a]
                else:
                    return None
            part = f"[{part}]"
        elif op is C.AT and av in (C.AT_BOUNDARY, C.AT_NON_BOUNDARY):
            part = r"\b" if av is C.AT_BOUNDARY else r"\B"
        elif op is C.BRANCH:
            alts = [_backwards_of(b) for b in av[1]]
            if None in alts:
                return None
            part = "(?:" + "|".join(alts) + ")"
        elif op is C.SUBPATTERN:
            inner = _backwards_of(av[3])
            on, off = av[1], av[2]   # flags switched on and off in the group: only IGNORECASE here
            if inner is None or (on | off) & ~re.IGNORECASE:
                return None
            part = f"(?{'i' if on else ''}{'-i' if off else ''}:{inner})"
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            lo, hi, body = av
            inner = _backwards_of(body)
            if inner is None:
                return None
            most = "" if hi is C.MAXREPEAT else str(hi)
            part = f"(?:{inner}){{{lo},{most}}}" + ("?" if op is C.MIN_REPEAT else "")
        else:
            return None
        out.append(part)
    return "".join(reversed(out))


def _backwards(words: str) -> re.Pattern | None:
    """For ORIGIN and DESTINATION (words, then only white space to the end): a regex that matches
    at the start of the reversed text exactly when they match the text, so one match replaces a
    search; None when the words have no simple reverse."""
    from re import _parser
    parsed = _parser.parse(words, FLAGS)
    back = _backwards_of(parsed)
    return None if back is None else re.compile(rf"\s*(?:{back})", parsed.state.flags)


ORIGIN_BACK, DESTINATION_BACK = _backwards(_ORIGIN), _backwards(_DESTINATION)


def _ends_in(rx: re.Pattern, back: re.Pattern | None, width: int | None, sentence: str, end: int) -> bool:
    """Does rx (ORIGIN or DESTINATION: words, then only white space to the end) match in
    sentence[:end]? back (_backwards) tells it with one match on the reversed text. Else: its
    words end at or after the last other character, so a match starts at most ``width``
    characters before that: only those are searched."""
    if back is not None:
        return back.match(sentence[:end][::-1]) is not None
    start = 0
    if width is not None:
        last = end
        while last and sentence[last - 1].isspace():
            last -= 1
        start = max(0, last - width)
    return rx.search(sentence, start, end) is not None


@dataclass(slots=True)
class Mention:
    text: str
    start: int
    end: int
    role: str = "location"      # location | region | anchor | origin | destination
    qualifier: str = ""         # "" | near | area | outskirts | countryside
    road_to: str | None = None
    hints: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    through: int = 0            # where its words end ("Mitiga airport": after "airport")

    @property
    def within(self) -> bool:
        """A part of a town ("Ghwayran prison", "Tahrir Square"), not a place of its own."""
        return self.text.rsplit(" ", 1)[-1].lower() in WITHIN


ACRONYM = re.compile(r"^[A-Z]{2,7}s?$")   # IED, VBIED, MLRS, BMPs: never a place here


@lru_cache(maxsize=20_000)
def _is_actor(name: str) -> bool:
    """The whole name is an actor's name ("SDF", "Turkish-backed militants")."""
    return any(r.pattern.fullmatch(name) for r in actor_rules())


@lru_cache(maxsize=20_000)
def _place_name(raw: str) -> str:
    """The name without the words around it (_trim), or "" when it names no place."""
    name = _trim(raw)
    return "" if not name or ACRONYM.match(name) or _is_actor(name) else name


HELD = re.compile(r"^[\w'-]+-(?:held|controlled|backed|led|run|occupied|based)$", FLAGS)
INSTITUTION = re.compile(r"^(?:military|security|police|federal|ministry|defen[cs]e|army|air|intelligence|"
                         r"state|national|general|directorate|political|criminal)$", FLAGS)


GENERIC = re.compile(r"^(?:academy|college|school|university|hospital|clinic|court|headquarters|branch|"
                     r"department|office|ministry|council|committee|command)$", FLAGS)


@lru_cache(maxsize=20_000)
def _trim(name: str) -> str:
    """Drop words at either end that are not part of a name ("SDF-held", "Military Security")."""
    words = name.split(" ")
    while words and (HELD.match(words[0]) or INSTITUTION.match(words[0])):
        words.pop(0)
    if words and all(GENERIC.match(w) for w in words):
        return ""  # "the Military Academy in Homs": Homs is the place
    if words and any(HELD.match(w) for w in words):
        return ""
    while words and NOT_PLACE.match(words[-1]):
        words.pop()
    while words and NOT_PLACE.match(words[0]):
        words.pop(0)
    return " ".join(words)


# What each STARTS pattern needs besides its start words, checked before it is run: word gates
# that must all open (e.g. "road between ..." needs "between"), and a character the sentence must hold.
NEEDS = [((gate(ROADS[0].pattern, ROADS[0].flags),), ""),
         ((gate(r"\b(?:road|highway)\b"),), ""),
         ((gate(r"\bfrom\b"), gate(r"\b(?:road|highway)\b")), ""),
         ((gate(r"\bof\b"),), ""),                 # DIR_OF: "east of X"
         ((gate(r"\bof\b"),), ""),                 # NOUN_OF: "the outskirts of X"
         ((), ""),                                  # MENTION: its cue words are its start words
         ((), ",")]                                 # APPOSITION: "the town, X"
assert len(NEEDS) == len(STARTS.patterns)
assert None not in STARTS.heads   # every pattern has start words (find tries it only at those)
# Per STARTS pattern, what find() needs to try it: the pattern, its twin (rules.lower_twin), its
# key in Words.starts, and NEEDS (gates that are None open always, so they are left out)
TRIES = tuple((p, STARTS.twins[i], STARTS.slot + STARTS.same[i], tuple(g for g in NEEDS[i][0] if g is not None),
               NEEDS[i][1]) for i, p in enumerate(STARTS.patterns))
ROAD_COUNT = len(ROADS)
I_DIR_OF = STARTS.patterns.index(DIR_OF)
I_NOUN_OF = STARTS.patterns.index(NOUN_OF)
I_MENTION = STARTS.patterns.index(MENTION)
# For each set of TRIES keys a sentence may have in Words.starts: the TRIES to go through, each
# with its index (every set made at import: 2^7 at most)
TRY_KEYS = tuple(sorted({key for _, _, key, _, _ in TRIES}))
TRIES_FOR = {frozenset(keys): tuple((i, *t) for i, t in enumerate(TRIES) if t[2] in keys)
             for keys in ({k for j, k in enumerate(TRY_KEYS) if bits >> j & 1} for bits in range(1 << len(TRY_KEYS)))}
ALL_TRIES = TRIES_FOR[frozenset(TRY_KEYS)]
NEAR_CUES = frozenset(("near", "around", "outside"))   # the cue itself is the qualifier
REGION_NOUNS = frozenset(("countryside", "governorate", "province", "region"))   # "the X countryside" is a region


@lru_cache(maxsize=1024)
def _word_kind(word: str) -> tuple[bool, bool]:
    """Is the word after a name (AFTER) a region's word, a facility's?"""
    return bool(REGION.fullmatch(word)), bool(FACILITY_RX.fullmatch(word))


FIRST = itemgetter(0)
BY_START = attrgetter("start")


def _free(taken: list[tuple[int, int]], a: int, b: int) -> bool:
    """[a, b) overlaps no span taken."""
    for s, e in taken:
        if b > s and a < e:
            return False
    return True


# Group numbers of the named groups find() reads (faster than by name)
M_CUE, M_NEAR, M_DIR, M_DIR2, M_NOUN, M_NAME = (MENTION.groupindex[g] for g in ("cue", "near", "dir", "dir2", "noun", "name"))
N_DIR, N_NOUN, N_NAME = (NOUN_OF.groupindex[g] for g in ("dir", "noun", "name"))
A_NAME = APPOSITION.groupindex["name"]


def find(sentence: str, words: Words | None = None) -> list[Mention]:
    words = Words(sentence) if words is None else words
    roads: list[re.Match] = []
    dir_of: list[re.Match] = []
    # NOUN_OF, MENTION, APPOSITION: (name start, name end, name, where the cue ends, near, region, noun, cue)
    named: list[tuple] = []
    sources = 0   # how many patterns gave named
    starts, tags, low = words.starts, words.tags, words.low
    # the patterns whose start words the sentence has (all when a letter folds oddly)
    tries = ALL_TRIES if starts is None else TRIES_FOR[frozenset(starts.keys() & TRY_KEYS)]
    for i, pattern, twin, key, gates, char in tries:
        if char and char not in sentence or gates and any(map(tags.isdisjoint, gates)):
            continue   # cannot match
        # tried at its start words only
        found = list(pattern.finditer(sentence)) if starts is None else matches_at(pattern, twin, sentence, low, starts[key])
        if not found:
            continue
        if i < ROAD_COUNT:
            roads += found
        elif i == I_DIR_OF:
            dir_of = found
        else:
            sources += 1
            for m in found:
                if i == I_MENTION:
                    cue, near, d, d2, noun, name = m.group(M_CUE, M_NEAR, M_DIR, M_DIR2, M_NOUN, M_NAME)
                    before = m.end(M_CUE)
                    s, e = m.span(M_NAME)
                elif i == I_NOUN_OF:
                    cue = near = d2 = None
                    d, noun, name = m.group(N_DIR, N_NOUN, N_NAME)
                    before = m.start()
                    s, e = m.span(N_NAME)
                else:
                    cue = near = d = d2 = noun = None
                    name, before = m.group(A_NAME), m.start()
                    s, e = m.span(A_NAME)
                named.append((s, e, name, before, near, bool(d or d2), noun.lower() if noun else "", cue))
    if not (roads or dir_of or named):
        return []
    taken: list[tuple[int, int]] = []
    out: list[Mention] = []

    for m in roads:
        if _free(taken, m.start(), m.end()):
            # (Mentions are made with every field given in order: faster than with keywords)
            out.append(Mention(_trim(m.group("a")), m.start("a"), m.end("b"), "location", "road",
                               _trim(m.group("b")), [], [], 0))
            taken.append(m.span())

    for m in dir_of:
        s, e = m.span("name")
        if _free(taken, s, e):
            out.append(Mention(_trim(m.group("name")), s, e, "anchor", "", None, [], [], 0))
            taken.append((m.start(), e))

    if named:
        origin, destination = words.opens(G_ORIGIN), words.opens(G_DESTINATION)
        if sources > 1:
            named.sort(key=FIRST)
        for s, e, raw, before, near, region, noun, cue in named:
            first = None   # the first place of a list "A, B and C"
            while True:
                name = _place_name(raw)
                if name and (not taken or _free(taken, s, e)):
                    last = _mention(sentence, name, s, e, before, near, region, noun, origin, destination)
                    out.append(last)
                    taken.append((s, e))
                elif not out:
                    break
                else:
                    last = out[-1]
                if last.end != e:
                    break
                if first is None:
                    if cue and not last.qualifier and cue.lower() in NEAR_CUES:
                        last.qualifier = "near"  # "near X": the cue itself is the qualifier
                    first = last
                else:
                    last.role, last.qualifier = first.role, first.qualifier
                # "A, B and C": the list continues with the same cue (LIST_MORE starts with one of these)
                nxt = sentence[e:e + 1]
                if not (nxt == "," or nxt.isspace() or nxt == "&"):
                    break
                more = LIST_MORE.match(sentence, e)
                if not more or _is_actor(more.group("name")):
                    break
                (s, e), raw = more.span("name"), more.group("name")
                before, near, region, noun = s, None, False, ""
    if len(out) > 1:
        out.sort(key=BY_START)
        _link(out, sentence)
    return out


def _mention(sentence: str, name: str, start: int, end: int, before: int, near: str | None, region: bool,
             noun: str, origin: bool, destination: bool) -> Mention:
    """The place named at [start, end); its cue ends at before (where ORIGIN and DESTINATION end,
    which may match only when origin, destination)."""
    # AFTER may match only at a space, a quote or a letter (not at ",", "." or the end)
    nxt = sentence[end:end + 1]
    after = AFTER.match(sentence, end) if nxt and (nxt.isspace() or nxt.isalpha() or nxt == "'") else None
    word = after.group("word").lower() if after else ""
    is_region, facility = _word_kind(word) if word else (False, False)
    role = "region" if region or is_region or noun in REGION_NOUNS else "location"
    if origin and _ends_in(ORIGIN, ORIGIN_BACK, ORIGIN_WIDTH, sentence, before):
        role = "origin"
    elif destination and _ends_in(DESTINATION, DESTINATION_BACK, DESTINATION_WIDTH, sentence, before):
        role = "destination"   # "forcing the troops to retreat towards X"
    if near or noun in ("outskirts", "vicinity"):
        qualifier = "near" if near or noun == "vicinity" else "outskirts"
    elif word in ("area", "outskirts"):
        qualifier = word
    else:
        qualifier = ""
    mention = Mention(name, start, end, role, qualifier, None, [], [], end)
    if facility:
        mention.text, mention.through = f"{name} {word}", after.end()
        _split_road(mention)
    return mention


def _split_road(m: Mention) -> None:
    """"the Palmyra-Deir ez-Zor highway" -> a road from Palmyra to Deir ez-Zor."""
    text = m.text
    i = text.find("-")
    while 0 <= i < len(text) - 1:
        left = text[:i]
        if text[i + 1].isupper() and not PART_RX.fullmatch(left.split(" ")[-1]):
            rest = ROAD_WORD.match("x-" + text[i + 1:])
            if rest:
                m.text, m.road_to, m.qualifier = left, rest.group("b"), "road"
            return
        i = text.find("-", i + 1)


PART_RX = re.compile(PART, FLAGS)
IN_AREA = re.compile(r",?\s+in\s+(?:the\s+)?")
ROAD_END = re.compile(r"\b(highway|road)$")
ROAD_ENDS = ("road", "highway", "road\n", "highway\n")   # what ROAD_END needs


def _link(mentions: list[Mention], sentence: str) -> None:
    """Give each location the regions and anchors of its sentence: those after it first."""
    if len(mentions) < 2:
        return   # a place alone has no other place to link to
    locs = [m for m in mentions if m.role == "location"]
    for prev, m in zip(locs, locs[1:]):
        # "shelled A and B in the X area": X contains the places before it; "the Ghwayran
        # prison in Al-Hasakah city": the town is the place, the prison a part of it
        if IN_AREA.fullmatch(sentence, max(prev.end, prev.through), m.start) and not m.road_to:
            if prev.within and not m.within:
                prev.role = "context"
            else:
                m.role = "region"
    named_roads = []
    located = 0
    road = False
    for m in mentions:
        if m.role == "location":
            located += 1
            if not m.road_to and m.text.endswith(ROAD_ENDS) and ROAD_END.search(m.text):
                named_roads.append(m)
        road = road or bool(m.road_to)
    if named_roads and located > len(named_roads):
        for m in named_roads:   # "on the M4 highway near Ariha": Ariha is where it was
            m.role = "context"
    if road:  # "on the A-B road near C": C only locates the road
        for m in mentions:
            if m.role == "location" and not m.road_to and m.qualifier == "near":
                m.role = "anchor"
    regions, anchors = [], []
    for m in mentions:
        if m.role == "region":
            regions.append(m)
        elif m.role == "anchor":
            anchors.append(m.text)
    if not (regions or anchors):
        return
    for m in mentions:
        if m.role == "location" or m.role == "origin":
            if regions:
                m.hints = [r.text for r in regions if r.start > m.start] + [r.text for r in regions if r.start < m.start]
            if anchors:
                m.anchors = list(anchors)
