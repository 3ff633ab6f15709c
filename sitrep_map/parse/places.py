"""Find place names in a sentence, with their role: location, region (admin hint), anchor
("east of X"), origin of fire, or a road between two places."""
from __future__ import annotations

from functools import lru_cache
import re
from dataclasses import dataclass, field

from .rules import DIGIT, FLAGS, Starts, Words, actor_rules, alternation, gate, place_words, start_words


def _led(words: str) -> str:
    """A lower-case alternation (or one matched ignoring case) behind a lookahead on its first
    letters: a word starting with none of them fails at once, not in every alternative."""
    heads = start_words(rf"\b(?:{words})")
    if not heads or DIGIT in heads:
        return f"(?:{words})"
    return f"(?=[{''.join(sorted({h[0] for h in heads}))}])(?:{words})"


_L = r"A-Z\u00C0-\u00DE\u0100-\u024F\u1E00-\u1EFF"
WORD = rf"(?:[{_L}'ʿ][\w'ʿʾ\u00C0-\u024F\u1E00-\u1EFF]*(?:-[\w'ʿʾ\u00C0-\u024F\u1E00-\u1EFF]+)*)"
PART = r"(?:al|el|ad|ar|as|ash|az|at|an|ez|es|ed|ibn|bin|bani|abu|um|umm|wa|de)"
NAME = rf"(?:{_led(PART)}-)?{WORD}(?:[ ](?:{_led(PART)}[- ])?{WORD})*"
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

# Names are case-sensitive (capitalised); the words around them are not.
MENTION = re.compile(
    rf"\b(?i:(?P<cue>{_CUE}))\s+(?i:(?P<near>{_led(_NEAR)})\s+)?(?i:{_led('the|a|an')}\s+)?"
    rf"(?i:(?P<dir>{_led(_DIR)})\s+)?(?:(?i:(?P<dir2>{_led(_DIR)})\s+)?(?i:(?P<noun>{_led(_NOUN)}))\s+"
    rf"(?i:of\s+)?(?i:the\s+)?)?(?P<name>{NAME})")
NOUN_OF = re.compile(
    rf"\b(?i:(?P<dir>{_DIR})\s+)?(?i:(?P<noun>{_NOUN}))\s+(?i:of\s+)(?i:the\s+)?(?P<name>{NAME})")
APPOSITION = re.compile(rf"\b(?i:capital|city|town|village|area)\s*,\s*(?P<name>{NAME})")
LIST_MORE = re.compile(rf"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:the\s+(?:town|village|city)\s+of\s+)?(?P<name>{NAME})(?!\s+(?:militants|fighters|forces|positions|troops))")
AFTER = re.compile(rf"\s*(?:'s\s+)?(?P<word>{_REGION}|area|outskirts|{FACILITY}|city|town|village)\b", FLAGS)
DIR_OF = re.compile(rf"\b(?i:(?P<dir>north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+(?:the\s+(?:city|town|village)\s+of\s+)?)(?P<name>{NAME})")
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


@dataclass
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


def find(sentence: str, words: Words | None = None) -> list[Mention]:
    words = Words(sentence) if words is None else words
    tried = STARTS.tried(words)
    *roads, dir_of, noun_of, mention, apposition = [STARTS.finditer(i, sentence, words) if i in tried else []
                                                     for i in range(len(STARTS.patterns))]
    taken: list[tuple[int, int]] = []
    out: list[Mention] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for found in roads:
        for m in found:
            if free(m.start(), m.end()):
                out.append(Mention(_trim(m.group("a")), m.start("a"), m.end("b"), road_to=_trim(m.group("b")),
                                   qualifier="road"))
                taken.append((m.start(), m.end()))

    for m in dir_of:
        if free(m.start("name"), m.end("name")):
            out.append(Mention(_trim(m.group("name")), m.start("name"), m.end("name"), role="anchor"))
            taken.append((m.start(), m.end("name")))

    origin, destination = words.opens(G_ORIGIN), words.opens(G_DESTINATION)

    def add(name: str, start: int, end: int, m: re.Match | None, groups: dict) -> int:
        name = _place_name(name)
        if not name or not free(start, end):
            return end
        after = AFTER.match(sentence, end)
        word = (after.group("word").lower() if after else "")
        mention = Mention(name, start, end, through=end)
        is_region = bool(groups.get("dir") or groups.get("dir2")) or bool(word) and REGION.fullmatch(word)
        noun = (groups.get("noun") or "").lower()
        if noun in ("countryside", "governorate", "province", "region"):
            is_region = True
        if is_region:
            mention.role = "region"
        if groups.get("near") or noun in ("outskirts", "vicinity"):
            mention.qualifier = "near" if groups.get("near") or noun == "vicinity" else "outskirts"
        elif word in ("area", "outskirts"):
            mention.qualifier = word
        if word and FACILITY_RX.fullmatch(word):
            mention.text, mention.through = f"{name} {word}", after.end()
            _split_road(mention)
        if origin or destination:
            cue_start = m.start() if m else start
            before = sentence[:max(0, cue_start)] + (groups.get("cue") or "")
            if origin and ORIGIN.search(before):
                mention.role = "origin"
            elif destination and DESTINATION.search(before):
                mention.role = "destination"   # "forcing the troops to retreat towards X"
        out.append(mention)
        taken.append((start, end))
        return end

    matches = noun_of + mention + apposition
    for m in sorted(matches, key=lambda m: m.start("name")):
        groups = m.groupdict()
        end = add(groups["name"], m.start("name"), m.end("name"), m, groups)
        cue = (groups.get("cue") or "").lower()
        if cue in ("near", "around", "outside") and out and out[-1].end == end and not out[-1].qualifier:
            out[-1].qualifier = "near"  # "near X": the cue itself is the qualifier
        # "A, B and C": the list continues with the same cue
        first = out[-1] if out and out[-1].end == end else None
        while first is not None:
            more = LIST_MORE.match(sentence, end)
            if not more or _is_actor(more.group("name")):
                break
            s, e = more.start("name"), more.end("name")
            end = add(more.group("name"), s, e, None, {})
            if out[-1].end != e:
                break
            out[-1].role, out[-1].qualifier = first.role, first.qualifier
    out.sort(key=lambda x: x.start)
    _link(out, sentence)
    return out


def _split_road(m: Mention) -> None:
    """"the Palmyra-Deir ez-Zor highway" -> a road from Palmyra to Deir ez-Zor."""
    text = m.text
    i = text.find("-")
    while 0 <= i < len(text) - 1:
        left = text[:i]
        if text[i + 1].isupper() and not re.fullmatch(PART, left.split(" ")[-1], FLAGS):
            rest = ROAD_WORD.match("x-" + text[i + 1:])
            if rest:
                m.text, m.road_to, m.qualifier = left, rest.group("b"), "road"
            return
        i = text.find("-", i + 1)


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
    named_roads = [m for m in mentions if m.role == "location" and not m.road_to
                   and m.text.endswith(ROAD_ENDS) and ROAD_END.search(m.text)]
    if named_roads and len([m for m in mentions if m.role == "location"]) > len(named_roads):
        for m in named_roads:   # "on the M4 highway near Ariha": Ariha is where it was
            m.role = "context"
    if any(m.road_to for m in mentions):  # "on the A-B road near C": C only locates the road
        for m in mentions:
            if m.role == "location" and not m.road_to and m.qualifier == "near":
                m.role = "anchor"
    regions = [m for m in mentions if m.role == "region"]
    anchors = [m.text for m in mentions if m.role == "anchor"]
    for m in mentions:
        if m.role == "location" or m.role == "origin":
            if regions:
                m.hints = [r.text for r in regions if r.start > m.start] + [r.text for r in regions if r.start < m.start]
            if anchors:
                m.anchors = list(anchors)
