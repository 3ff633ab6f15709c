"""The rule engine: a sentence -> event type, actors, numbers, equipment, dates and places."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from itertools import chain
import re
from dataclasses import dataclass, field
from typing import Iterator

from ..model import Equipment, ParsedIncident, PlaceMention
from . import places as places_mod
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

from .rules import (FLAGS, MONTH, ODD_CASE, Rx, Words, actor_roles, actor_rules, actor_starts,
                    equipment_rules, event_rules, event_starts, numbers, scope_keys, skip_scope,
                    theatres, vocabulary)
from .segment import ReportError, Segment, clean, find_date, find_title, fold, month, segments, sentences

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
PERSON = (r"(?:civilians?|soldiers?|servicemen|troops|people|persons|militants?|fighters?|members?|"
          r"terrorists?|children|child|women|woman|men|man|others?|officers?|personnel|commanders?|"
          r"policemen|police officers?|gunmen|attackers?|militiamen|recruits|conscripts|guards?|"
          r"workers?|shepherds?|farmers?|residents?|protesters|demonstrators|boys?|girls?|"
          r"individuals|combatants|insurgents|jihadists|rebels|SDF|SAA|HTS|ISIS|pro-government|"
          r"[A-Za-z-]+ (?:soldiers|fighters|militants|members|servicemen|troops|personnel|civilians))")


def _num_alt() -> str:
    words = sorted(numbers(), key=len, reverse=True)
    return r"\d+|" + "|".join(re.escape(w) for w in words)


NUM = rf"(?:at least |up to |around |about |nearly |almost |more than |over |some )?(?P<n>{_num_alt()})"
ADJ = r"(?:[\w'-]+\s+){0,3}?"
KILLED_OR_WOUNDED = [
    re.compile(rf"\b{NUM}\s+{ADJ}{PERSON}\s+(?:\w+\s+)?(?:were|was|have been|had been)?\s*(?:killed or (?:wounded|injured)|killed and (?:wounded|injured)|dead or (?:wounded|injured)|casualties)\b", FLAGS),
    re.compile(rf"\b(?:killing or (?:injuring|wounding)|killed or (?:injured|wounded))\s+{NUM}\b", FLAGS),
]
THEM = r"(?:of them|of the (?:passengers|soldiers|fighters|civilians|farmers|workers|attackers|militants))"
KILLED = [
    re.compile(rf"\b{NUM}\s+{ADJ}{PERSON}\s+(?:\w+\s+)?(?:were|was|have been|had been|are|is|got)?\s*(?:reportedly\s+)?(?:killed|dead|slain|died|lost their lives|martyred|perished)\b", FLAGS),
    re.compile(rf"\b(?:killing|killed|kills|left|leaving|claimed the lives of|claiming the lives of|eliminated|eliminating|neutrali[sz]ed|neutrali[sz]ing)\s+{NUM}\s+(?:{ADJ}{PERSON}|{THEM})", FLAGS),
    re.compile(rf"\b(?:killing|killed|kills|shot dead|murdered)\s+(?P<n>him|her)\b", FLAGS),
    re.compile(rf"\b{NUM}\s+(?:dead|deaths|fatalities)\b", FLAGS),
]
WOUNDED = [
    re.compile(rf"\b{NUM}\s+{ADJ}{PERSON}\s+(?:\w+\s+)?(?:were|was|have been|had been|are|is|got)?\s*(?:reportedly\s+)?(?:wounded|injured|hurt)\b", FLAGS),
    re.compile(rf"\b(?:injuring|wounding|injured|wounded|injures|wounds)\s+{NUM}\b(?:\s+(?:{ADJ}{PERSON}|{THEM}))?", FLAGS),
    re.compile(rf"\b{NUM}\s+(?:injured|wounded)\b", FLAGS),
]
CONTINUES = re.compile(r"\b(kill|dead|death|die|fatalit|slain|lost their|martyr|perish|eliminat|neutrali|wound|injur|hurt|casualt|destroy|damag|captur|seiz|shot down|downed|disabl|knocked out|burn)", FLAGS)
ADJACENT = re.compile(r"[\s'’-]{0,3}")
PASSIVE_BY = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:\w+\s+){0,2}?\w+(?:ed|en|t)\s+by\s+(?:an?\s+|the\s+)?", FLAGS)
WEAPON_BY = re.compile(r"\b(?:left|planted|placed|laid|launched|fired|dropped|sent|flown)\s+by\s+(?:an?\s+|the\s+)?", FLAGS)
VICTIMS = re.compile(rf"{NUM}\s+{ADJ}{PERSON}", FLAGS)
AND_MORE = re.compile(rf"\s*,?\s+and\s+{NUM}\s+{ADJ}{PERSON}", FLAGS)
CASUALTY_AT = re.compile(r"\b(?:killing|killed|injuring|wounding|wounded|injured)\b[^,;.]*?\b(?:in|at)\s+(?:the\s+)?(?:town\s+of\s+|village\s+of\s+)?(?P<place>[A-Z][\w'-]*(?:\s(?:al-|el-)?[A-Z][\w'-]*)*)")
NO_CASUALTIES = re.compile(r"\bno (casualties|injuries|fatalities|deaths|one was (killed|hurt|injured))\b", FLAGS)
EQUIP_STATE = {"destroy": "destroyed", "damag": "damaged", "captur": "captured", "seiz": "captured",
               "shot down": "shot down", "shoot": "shot down", "downed": "shot down", "disabl": "damaged",
               "knocked out": "destroyed", "burn": "destroyed"}
EQUIP_VERB = re.compile(r"\b(?P<verb>destroy(?:ed|ing|s)?|damag(?:ed|ing|es)?|captur(?:ed|ing|es)?|seiz(?:ed|ing)|"
                        r"shot down|shooting down|downed|disabl(?:ed|ing)|knocked out|burn(?:ed|t|ing))\b", FLAGS)
EQUIP_CUT = re.compile(r"[,;.]|\band\b")   # where the words about an item end
EQUIP_PASSIVE = re.compile(r"\b(?:was|were|had been|has been|have been)\s+$", FLAGS)
LEAD_NUM = re.compile(rf"^\s*{NUM}\b", FLAGS)
DATE_ON = re.compile(rf"\bon (?:(?P<m>{MONTH}) (?P<d>\d{{1,2}})|(?P<d2>\d{{1,2}}) (?P<m2>{MONTH}))\b", FLAGS)
WEEKDAY = re.compile(r"\bon (?P<w>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", FLAGS)
DAY_BEFORE = re.compile(r"\b(yesterday|last night|overnight|the previous day|the day before)\b")
LAST_WEEK = re.compile(r"\b(last|past|previous) week\b|\bduring the week\b")
CIV_VICTIMS = re.compile(r"\bcivilians?\b|\bchildren\b|\bwomen\b|\bshepherds?\b|\bfarmers?\b|\bresidents?\b|"
                         r"\bdisplaced\b|\bjournalists?\b|\bmukhtar\b|\bdoctors?\b|\bteachers?\b|\blocal council\b", FLAGS)


# The same patterns, searched only where the sentence's words allow (rules.Rx). The slow
# casualty patterns also need one of their key strings.
RX_KILLED_OR_WOUNDED = [Rx(p, keys=True) for p in KILLED_OR_WOUNDED]
RX_KILLED = [Rx(p, keys=True) for p in KILLED]
RX_WOUNDED = [Rx(p, keys=True) for p in WOUNDED]
RX_CONTINUES, RX_NO_CASUALTIES, RX_EQUIP_VERB = Rx(CONTINUES), Rx(NO_CASUALTIES), Rx(EQUIP_VERB)
RX_PASSIVE_BY, RX_WEAPON_BY, RX_CASUALTY_AT = Rx(PASSIVE_BY), Rx(WEAPON_BY), Rx(CASUALTY_AT)
RX_DAY_BEFORE, RX_DATE_ON, RX_WEEKDAY, RX_LAST_WEEK = Rx(DAY_BEFORE), Rx(DATE_ON), Rx(WEEKDAY), Rx(LAST_WEEK)
RX_CIV_VICTIMS = Rx(CIV_VICTIMS)


@dataclass
class ParseResult:
    title: str
    report_date: dt.date
    date_source: str
    incidents: list[ParsedIncident]
    notes: list[str] = field(default_factory=list)   # what was skipped and why
    country: str = "Syria"                            # the theatre (rules/theatres.csv)


def theatre(text: str, title: str, low: str | None = None) -> tuple[str, str]:
    """(country, its state forces): named in the title, else named most in the first 1,000 chars.
    low: text.lower(), if already made (None when letters fold oddly)."""
    rows = theatres()
    # the title's key string test first (as for the head below)
    tlow = title.lower() if title.isascii() or ODD_CASE.isdisjoint(title) else None
    hit = next(((c, sf) for c, sf, pat, keys in rows
                if (tlow is None or keys is None or any(map(tlow.__contains__, keys))) and pat.search(title)), None)
    if hit:
        return hit
    head = text[:1000]
    if low is not None:
        low = low[:1000]
    else:
        low = head.lower() if head.isascii() or ODD_CASE.isdisjoint(head) else None
    counts = [(len(pat.findall(head)) if low is None or keys is None or any(map(low.__contains__, keys)) else 0,
               c, sf) for c, sf, pat, keys in rows]
    best = max(counts, key=lambda x: x[0])
    return (best[1], best[2]) if best[0] else (rows[-1][0], rows[-1][1])


def localise(incs: list[ParsedIncident], country: str, state_forces: str) -> None:
    """Actor names of another theatre: "(Syria)" -> "(Iraq)", the generic army -> Iraq's."""
    if country == "Syria":
        return
    for inc in incs:
        for attr in ("actor1", "actor2"):
            name = getattr(inc, attr)
            if name == "Military Forces of Syria":
                setattr(inc, attr, state_forces)
            elif name and name.endswith("(Syria)"):
                setattr(inc, attr, name[:-len("(Syria)")] + f"({country})")


def roles(inc: ParsedIncident, acts: tuple) -> None:
    """ACLED's actor conventions for the sub-event (rules/actor_roles.csv), theatre Syria."""
    r = actor_roles().get(inc.sub_event_type)
    if not r:
        return
    named = [a for a in acts if a[2] not in ("Protesters (Syria)",)]
    if r["actor1"]:
        fixed = r["actor1"].format(country="Syria")
        inter = "Protesters" if fixed.startswith("Protesters") else "Rioters"
        others = [a for a in named if a[2] != fixed and not a[2].startswith("Civilians")]
        inc.actor1, inc.inter1 = fixed, inter
        if r["others"] == "target":
            inc.actor2, inc.inter2 = (others[0][2], others[0][3]) if others else (inc.actor2 if inc.actor2 != fixed else None, inc.inter2)
        elif r["others"] == "none":
            inc.actor2, inc.inter2 = None, None
    if r["actor2"] and not inc.actor2:
        inc.actor2, inc.inter2 = r["actor2"].format(country="Syria"), "Civilians"


def to_int(word: str) -> int:
    w = word.lower().strip()
    return int(w) if w.isdigit() else numbers().get(w, 0)


# -- pieces ----------------------------------------------------------------------------------
def triggers(text: str, scope: str, words: Words | None = None) -> list:
    """(rule, match) of every rule in scope that fires on the text, by priority."""
    return list(firing(text, scope, words))


def firing(text: str, scope: str, words: Words | None = None) -> Iterator[tuple]:
    """triggers() one by one: a rule is searched only when the one before has been taken
    (classify mostly needs the first)."""
    words = Words(text) if words is None else words
    rules, starts, tags = event_rules(), event_starts(), words.tags
    for i in starts.tried(words):
        r = rules[i]
        if (scope != "context" or r.scope == "any") and (r.gate is None or not tags.isdisjoint(r.gate)):
            m = starts.search(i, text, words)
            if m:
                yield r, m


def classify(text: str, scope: str, actor_kind: str | None, fired=None):
    """The winning event rule (lowest priority number among those that fire) and its match."""
    for rule, m in triggers(text, scope) if fired is None else fired:
        if not rule.actor or rule.actor == actor_kind:
            return rule, m
    return None, None


def actors(text: str, words: Words | None = None) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, actor, inter) by position, leftmost-longest first ("Russian military police"
    is one actor); a generic word right after a name joins it ("HTS militants" is HTS)."""
    words = Words(text) if words is None else words
    rules, starts, tags = actor_rules(), actor_starts(), words.tags
    found = [(a, b, r.actor, r.inter) for i in starts.tried(words)
             if (r := rules[i]).gate is None or not tags.isdisjoint(r.gate)
             for a, b in starts.spans(i, text, words)]
    if len(found) < 2:
        return tuple(found)   # nothing to sort or join
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[tuple[int, int, str, str]] = []
    for f in found:
        if out and f[0] < out[-1][1]:
            continue  # inside a longer mention
        if out and f[0] - out[-1][1] <= 3 and ADJACENT.fullmatch(text, out[-1][1], f[0]):   # (3 characters at most)
            out[-1] = (out[-1][0], f[1], out[-1][2], out[-1][3])
            continue
        out.append(f)
    return tuple(out)


def pick_actors(text: str, trigger: re.Match | None, acts: tuple,
                words: Words | None = None) -> tuple[tuple | None, tuple | None]:
    """actor1 acts (subject before the trigger, or the agent of a passive verb); actor2 is the
    first other actor named. No subject -> actor1 None (unidentified) and the target is actor2."""
    if not acts:
        return None, None
    t = trigger.start() if trigger else 0
    words = Words(text) if words is None else words
    a1 = None
    by = RX_PASSIVE_BY.search(text, words)
    if by:
        end = by.end()
        for a in acts:
            if 0 <= a[0] - end < 30:
                a1 = a
                break
    weapon = RX_WEAPON_BY.search(text, words) if a1 is None else None   # "a landmine left by ISIS": ISIS used it
    if weapon:
        user = next((a for a in acts if 0 <= a[0] - weapon.end() < 30), None)
        if user and trigger is not None and trigger.start() < weapon.start() and "down" in trigger.group(0):
            others = [a for a in acts if a is not user]   # "shot down a drone launched by X": X is the target
            return (others[0] if others else None), user
        a1 = user
    if a1 is None:
        for a in acts:
            if a[0] <= t:
                a1 = a
                break
        else:
            return None, acts[0]
    for a in acts:
        if a is not a1 and a[2] != a1[2]:
            return a1, a
    return a1, None


def casualties(text: str, words: Words | None = None) -> tuple[int, int | None, int | None]:
    """(fatalities, wounded or None, killed-or-wounded total or None)."""
    words = Words(text) if words is None else words
    if not RX_CONTINUES.search(text, words) or RX_NO_CASUALTIES.search(text, words):
        return 0, None, None
    for rx in RX_KILLED_OR_WOUNDED:
        total = rx.search(text, words)
        if total:
            return 0, None, to_int(total.group("n"))
    killed = _first_count(KILLED_CHAIN, text, words)
    return 0 if killed is None else killed, _first_count(WOUNDED_CHAIN, text, words), None


def _first_count(patterns: list[tuple[Rx, bool]], text: str, words: Words) -> int | None:
    """_count of the first pattern that finds any (None: none does)."""
    for rx, chain in patterns:
        n = _count(rx, text, words, chain)
        if n is not None:
            return n
    return None


# the patterns with their _count chain flag (verb first: the second of each list)
KILLED_CHAIN = [(rx, i == 1) for i, rx in enumerate(RX_KILLED)]
WOUNDED_CHAIN = [(rx, i == 1) for i, rx in enumerate(RX_WOUNDED)]


def _count(rx: Rx, text: str, words: Words, chain: bool = False) -> int | None:
    """Sum of a pattern's numbers; with ``chain`` (verb first: "killing a woman and a child") the
    victims joined by "and" count too."""
    found = rx.finditer(text, words)
    if not found:
        return None
    total = 0
    for m in found:
        total += 1 if m.group("n").lower() in ("him", "her") else to_int(m.group("n"))
        pos = m.end()
        while chain and (more := AND_MORE.match(text, pos)):
            total += to_int(more.group("n"))
            pos = more.end()
    return total


def equipment(text: str, words: Words | None = None) -> list[Equipment]:
    """Items destroyed, damaged, captured or shot down: "destroying two BMPs", "a tank was destroyed"."""
    words = Words(text) if words is None else words
    verbs = RX_EQUIP_VERB.finditer(text, words)
    if not verbs:
        return []   # the usual case
    out: dict[tuple, Equipment] = {}
    for v in verbs:
        verb = v.group("verb").lower()
        state = next((val for k, val in EQUIP_STATE.items() if verb.startswith(k) or k in verb), None)
        if state is None:
            continue   # a verb spelt with letters that only match case-insensitively ("ſeized")
        before = text[:v.start()]
        passive = EQUIP_PASSIVE.search(before)
        if passive:                        # "<n> <item> was destroyed"
            window = EQUIP_CUT.split(before[:passive.start()])[-1]
        else:                              # "destroyed <n> <item>"
            window = EQUIP_CUT.split(text[v.end():v.end() + 60])[0]
        hit = next(((m, name) for p, name in equipment_rules() if (m := p.search(window))), None)
        if not hit:
            continue
        lead = LEAD_NUM.match(window)
        n = to_int(lead.group("n")) if lead else (2 if hit[0].group(0).lower().endswith("s") else 1)
        out.setdefault((hit[1], state), Equipment(hit[1], max(n, 1), state))
    return list(out.values())


def event_date(text: str, report: dt.date, words: Words | None = None) -> tuple[dt.date, int]:
    words = Words(text) if words is None else words
    if DATE_GATE is not None and words.tags.isdisjoint(DATE_GATE):
        return report, 1   # no pattern's gate opens (the usual case)
    if RX_DAY_BEFORE.search(words.low, words):
        return report - dt.timedelta(days=1), 1
    m = RX_DATE_ON.search(text, words)
    if m:
        d = dt.date(report.year, month(m.group("m") or m.group("m2")), int(m.group("d") or m.group("d2")))
        if d > report:
            d = dt.date(report.year - 1, d.month, d.day)
        return d, 1
    m = RX_WEEKDAY.search(text, words)
    if m:
        back = (report.weekday() - WEEKDAYS.index(fold(m.group("w")))) % 7
        return report - dt.timedelta(days=back), 1
    if RX_LAST_WEEK.search(words.low, words):
        return report - dt.timedelta(days=4), 2
    return report, 1


# the gates of event_date's patterns together: a sentence opening none gives the report date
DATE_GATE = None if None in (RX_DAY_BEFORE.gate, RX_DATE_ON.gate, RX_WEEKDAY.gate, RX_LAST_WEEK.gate) \
    else RX_DAY_BEFORE.gate | RX_DATE_ON.gate | RX_WEEKDAY.gate | RX_LAST_WEEK.gate


WORD_RE = re.compile(r"[A-Za-z]{6,}")
ONLY_LETTERS = bytes(c if 65 <= c <= 90 or 97 <= c <= 122 else 32 for c in range(256))   # other bytes -> space


@lru_cache(maxsize=None)
def _vocabulary_list() -> tuple[str, ...]:
    return tuple(sorted(vocabulary()))


@lru_cache(maxsize=50_000)
def _fixed(low: str) -> str:
    if low in vocabulary():
        return low
    near = extract(low, _vocabulary_list(), scorer=Levenshtein.distance,
                   score_cutoff=1 if len(low) < 10 else 2, limit=None)
    best = min((d for _, d, _ in near), default=None)
    tied = [w for w, d, _ in near if d == best]
    if len(tied) != 1:
        return low  # no match, or two as close ("former": "farmer" or "formed"?)
    w = tied[0]
    if w.startswith(low) or low.startswith(w) or (w[0], w[-1]) != (low[0], low[-1]):
        return low  # an inflection ("officials"), or another word ("wounded" is not "rounded")
    return w


@lru_cache(maxsize=50_000)
def _may_fix(word: str) -> bool:
    return _fixed(word.lower()) != word.lower()


@lru_cache(maxsize=50_000)
def _needs_fix(word: str) -> bool:
    """A word of an ASCII text (Words.split) that repair() may change: 6+ letters, _may_fix;
    letters and digits ("abcdef1"): one of its runs of letters does."""
    if len(word) < 6:
        return False
    if word.isalpha():
        return _may_fix(word)
    return any(map(_may_fix, WORD_RE.findall(word)))


_FINE: set[str] = set()   # the words of ASCII texts that needed no fix (bounded)
FINE_SIZE = 50_000


def _fine(text: str, words: list[str] | None = None) -> bool:
    """No word of the text needs a fix; an ASCII text whose words all came in such texts
    before is not looked at again. words: Words.split(text), when the caller has it."""
    if not text.isascii():
        return not any(map(_may_fix, WORD_RE.findall(text)))
    if words is None:
        words = Words.split(text)
    if _FINE.issuperset(words):
        return True
    if any(map(_needs_fix, words)):
        return False
    if len(_FINE) >= FINE_SIZE:
        _FINE.clear()
    _FINE.update(words)
    return True


def repair(text: str, words: list[str] | None = None) -> str:
    """Fix one-letter typos in the words the rules look for ("Goverment", "positons").
    words: Words.split(text) of an ASCII text, when the caller has it."""
    if _fine(text, words):
        return text

    def fix(m: re.Match) -> str:
        w = m.group(0)
        if w[0].isupper() and m.start() > 0:  # names stay as written
            return w
        new = _fixed(w.lower())
        if new == w.lower():
            return w
        return new.capitalize() if w[0].isupper() else new

    return WORD_RE.sub(fix, text)


ENGLISH = frozenset("the a an of in on at and or to by was were is are has have had with from near".split())


LETTER_RUN = re.compile(r"[^\W\d_]+")
ENGLISH_BYTES = frozenset(w.encode() for w in ENGLISH)
LOWER_LETTERS = ONLY_LETTERS.lower()   # the same, letters lower-cased


def _by_first_letter(words) -> bytes:
    """Words as an alternation grouped by their first letter ("a(?:|n|nd)|o(?:f|n)"): the regex
    engine enters one group at a place instead of trying every word."""
    by_first: dict[bytes, list[bytes]] = {}
    for w in sorted(words):
        by_first.setdefault(w[:1], []).append(w[1:])
    return b"|".join(first + b"(?:" + b"|".join(rests) + b")" for first, rests in by_first.items())


# a common word with the spaces around it, in text whose non-letters are spaces (LOWER_LETTERS)
ENGLISH_SPACED = re.compile(b" (?:" + _by_first_letter(ENGLISH_BYTES) + b")(?= )")


def looks_english(text: str, sample: int = 400) -> bool:
    """At least 8% of the first words are common English function words (Arabic, French or
    Russian text has next to none); short texts are given the benefit of the doubt."""
    first = text[:2 * sample]   # at most sample words (each takes a letter and a separator)
    if first.isascii():
        # Quicker yes: enough common words among them, found where they stand (no list of all
        # words made). Each has a space before and after it: not cut off (nor the first word).
        if len(ENGLISH_SPACED.findall(first.encode().translate(LOWER_LETTERS))) / sample >= 0.08:
            return True
    first = text[:1_000]
    if first.isascii():
        # Quick yes: enough common words among the first words of this piece (its last word may
        # be cut off: dropped) give 8% of any count of words up to the sample.
        words = first.encode().translate(ONLY_LETTERS).lower().split()[:-1][:sample]
        if sum(map(ENGLISH_BYTES.__contains__, words)) / sample >= 0.08:
            return True
    elif sum(map(ENGLISH.__contains__, LETTER_RUN.findall(first.lower())[:-1][:sample])) / sample >= 0.08:
        return True   # the same for a text with other letters
    head = text[:20_000].lower()
    if head.isascii():   # words are runs of a-z: split the bytes instead of a regex
        words = head[:4_000].encode().translate(ONLY_LETTERS).split()   # usually all we need
        if len(words) <= sample and len(head) > 4_000:
            words = head.encode().translate(ONLY_LETTERS).split()
        english = ENGLISH_BYTES
    else:
        words, english = LETTER_RUN.findall(head), ENGLISH
    words = words[:sample]
    return len(words) < 30 or sum(map(english.__contains__, words)) / len(words) >= 0.08


YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def background(text: str, report: dt.date) -> str | None:
    """A sentence dated only to earlier years is history ("... rose up in 2011"), not news."""
    if "19" not in text and "20" not in text:
        return None   # no year (YEAR needs one of these)
    years = [int(y) for y in YEAR.findall(text)]
    return f"in {max(years)}" if years and max(years) < report.year else None


@lru_cache(maxsize=None)
def _skip_gate(scope: str) -> frozenset[str] | None:
    """Every word beginning of the gates of the skip rules of a scope; None when one has none."""
    gates = [gate for _, gate in skip_scope(scope)]
    return None if None in gates else frozenset().union(*gates)


def skipped(text: str, scope: str, words: Words | None = None) -> str | None:
    """The text of the leftmost skip rule match (the first rule wins at a position)."""
    words = Words(text) if words is None else words
    tags = words.tags
    opens = _skip_gate(scope)
    if opens is not None and tags.isdisjoint(opens):
        return None   # no skip rule's gate opens (the usual case)
    best = None
    for pat, gate in skip_scope(scope):
        if gate is None or not tags.isdisjoint(gate):
            m = pat.search(text)
            if m and (best is None or m.start() < best.start()):
                best = m
    return best.group(0) if best else None


# -- report ----------------------------------------------------------------------------------
def parse_report(text: str, report_date: dt.date | None = None, name: str = "report") -> ParseResult:
    if not text or not text.strip():
        raise ReportError(f"{name}: empty report")
    if "\x00" in text[:4096]:
        raise ReportError(f"{name}: binary data, not a text report")
    text = clean(text)
    if not looks_english(text):
        raise ReportError(f"{name}: does not look like English; sitrep-map reads reports in English")
    # one lower-cased copy for the key string tests (None when letters fold oddly)
    low = text.lower() if text.isascii() or ODD_CASE.isdisjoint(text) else None
    found, date_src = find_date(text, low)
    date = report_date or found
    if date is None:
        raise ReportError(f"{name}: no report date found (no 'date YYYY-MM-DD' line and no title "
                          f"like '... on July 8, 2020'); pass --date YYYY-MM-DD")
    result = ParseResult(find_title(text), date, "given" if report_date else date_src, [])
    for seg in segments(text, low):
        if seg.kind == "title":
            continue
        _parse_segment(seg, date, result)
    _merge_placeless(result)
    result.country, state_forces = theatre(text, result.title, low)
    localise(result.incidents, result.country, state_forces)
    return result


def _parse_segment(seg: Segment, date: dt.date, result: ParseResult) -> None:
    """One list item (or context paragraph): its first event sentence makes incidents; later
    sentences without a place of their own continue it (casualties, equipment)."""
    current: list[ParsedIncident] = []
    scope = seg.kind
    for sent in sentences(seg):
        text = sent.text.strip()
        split = Words.split(text) if text.isascii() else None   # repair and Words read the same words
        s = repair(text, split)
        if s is not text:
            split = None
        low = s.lower()
        if scope == "context" and not current and not _named(low, scope) \
                and (s.isascii() or ODD_CASE.isdisjoint(s)):
            continue  # context: none of its few triggers' key strings is here, so none can fire
        words = Words(s, low, split)
        fired = firing(s, scope, words)
        first = next(fired, None)   # the others are searched only if classify needs them
        if first is None and not (current and (_named(low, scope) or RX_CONTINUES.search(s, words))):
            continue  # no trigger fires, and it does not go on about the incident before
        why = skipped(s, scope, words) or background(s, date)
        if why:
            result.notes.append(f"skipped ({why!r}): {s[:90]}")
            continue
        mentions = places_mod.find(s, words)
        locs = [m for m in mentions if m.role == "location"]
        if current and not locs:
            _continue(current, s, words)
            continue
        if first is None:
            continue  # no rule: no incident (classify would give None)
        acts = actors(s, words)   # (only for a sentence that may make an incident)
        kind = None
        if acts:
            kind = "state" if acts[0][3] == "State forces" else "nonstate"
        rule, trig = classify(s, scope, kind, chain((first,), fired))
        if rule is None:
            continue
        if rule.actor and kind is None:
            continue
        if scope == "context" and not locs:
            result.notes.append(f"context event without a place: {s[:90]}")
            if rule.sub_event_type == "Agreement":
                result.incidents.append(_incident(rule, trig, s, sent, date, None, acts, words))
            continue
        if sent.place and all(m.within for m in locs):  # a table row's location cell
            name, _, hint = sent.place.partition(",")
            mentions = locs = [places_mod.Mention(name.strip(), 0, 0, hints=[hint.strip()] if hint.strip() else [])]
        new = _incidents(rule, trig, s, sent, sent.date or date, mentions, locs, acts, words)
        if current:
            _carry(current[0], new, s, acts)
        current = new
        result.incidents += current


def _named(low: str, scope: str) -> bool:
    """A key string of a trigger in scope is in the lower-cased sentence, fired or not
    ("Fighting was ongoing")."""
    keys = scope_keys(scope)
    return keys is None or any(map(low.__contains__, keys))


def _copy(inc: ParsedIncident) -> ParsedIncident:
    """dataclasses.replace() without its field checks (shallow, like replace), with its own
    list of equipment."""
    new = object.__new__(ParsedIncident)
    new.__dict__ = fields = inc.__dict__.copy()
    fields["equipment"] = list(inc.equipment)
    return new


def _place(m: places_mod.Mention) -> PlaceMention:
    """The incident's place; a region keeps "region" as its qualifier."""
    hint = m.hints[0] if m.hints else None
    qualifier = "region" if m.role == "region" else m.qualifier
    # text, role, qualifier, road_to, hint, start, anchors (positional: cheaper than keywords)
    return PlaceMention(m.text, m.role, qualifier, m.road_to, hint, m.start, list(m.anchors))


def _incidents(rule, trig, s: str, sent: Segment, date: dt.date, mentions, locs, acts,
               words: Words) -> list[ParsedIncident]:
    """locs: the mentions with role "location"."""
    locs = locs or \
        [m for m in mentions if m.role == "region"][:1] or \
        [m for m in mentions if m.role in ("origin", "anchor")][:1]
    base = _incident(rule, trig, s, sent, date, None, acts, words)
    if len(locs) < 2:   # one place (the usual case) or none: nothing to copy or split
        if locs:
            base.place = _place(locs[0])
        return [base]
    locs = list({m.text: m for m in reversed(locs)}.values())[::-1]  # a place named twice is one event
    out = [base] + [_copy(base) for _ in locs[1:]]
    for inc, m in zip(out, locs):
        inc.place = _place(m)
    at = RX_CASUALTY_AT.search(s, words) if len(out) > 1 else None
    named = [inc for inc in out if at and inc.place.text == at.group("place")]
    if len(named) == 1:  # "... killing a woman in Mhardeh": only there
        for inc in out:
            if inc is not named[0]:
                inc.fatalities, inc.wounded = 0, None
                if inc.event_type == "Explosions/Remote violence" and inc.actor2 == "Civilians (Syria)":
                    inc.actor2 = inc.inter2 = None
                    inc.civilian_targeting = ""
    else:
        _split(out)
    return out


def _incident(rule, trig, s: str, sent: Segment, date: dt.date, place: PlaceMention | None,
              acts: tuple, words: Words) -> ParsedIncident:
    a1, a2 = pick_actors(s, trig, acts, words)
    killed, wounded, total = casualties(s, words)
    if rule.fatal and not killed:  # "assassinated a council member": one death, or the victims named
        victims = VICTIMS.search(s[trig.end():trig.end() + 60])
        killed = to_int(victims.group("n")) if victims else 1
    d, tp = event_date(s, date, words)
    actor1 = a1[2] if a1 else None
    inter1 = a1[3] if a1 else None
    actor2 = a2[2] if a2 else None
    inter2 = a2[3] if a2 else None
    etype, sub = rule.event_type, rule.sub_event_type
    if rule.rule == "attack" and actor2 and actor2.startswith("Civilians"):
        etype, sub = "Violence against civilians", "Attack"  # an attack on civilians is not a battle
    if actor1 is None and etype in ("Explosions/Remote violence", "Violence against civilians", "Battles"):
        actor1, inter1 = "Unidentified Armed Group (Syria)", "Political militia"
    if actor1 == "Civilians (Syria)" and etype != "Protests":
        # the civilians are the victims, not the actor
        actor1, inter1, actor2, inter2 = "Unidentified Armed Group (Syria)", "Political militia", actor1, a1[3]
    if etype == "Protests" and actor1 in (None, "Civilians (Syria)"):
        actor1, inter1 = "Protesters (Syria)", "Protesters"
    civ = ""
    if etype == "Violence against civilians" or (etype == "Explosions/Remote violence" and
                                                   (killed or wounded or actor2 == "Civilians (Syria)") and
                                                   RX_CIV_VICTIMS.search(s, words)):
        civ = "Civilians targeted"
        if actor2 is None or actor2 == actor1:
            actor2, inter2 = "Civilians (Syria)", "Civilians"
    notes = f"{total} killed or wounded (not split by the report)" if total else ""
    # the fields in ParsedIncident's order: positional arguments cost a third of keywords
    inc = ParsedIncident(d.isoformat(), tp, etype, sub, actor1, actor2, inter1, inter2, civ,
                         killed, wounded, equipment(s, words), s, place, sent.start, rule.rule, notes)
    roles(inc, acts)
    return inc


def _split(incs: list[ParsedIncident]) -> None:
    """A total over several places: split equally, remainder to the first (ACLED)."""
    n = len(incs)
    if n < 2:
        return
    for attr in ("fatalities", "wounded"):
        total = getattr(incs[0], attr)
        if not total:
            continue
        base, rem = divmod(total, n)
        for i, inc in enumerate(incs):
            setattr(inc, attr, base + (rem if i == 0 else 0))


PRONOUN = re.compile(r"^\s*(?:they|it|he|the (?:group|militants|attackers|gunmen|forces|troops|army|fighters))\b|"
                     r"^\s*(?:also|then|later|meanwhile),?\s", FLAGS)


def _carry(prev: ParsedIncident, new: list[ParsedIncident], s: str, acts: tuple) -> None:
    """A sentence that continues the previous one ("They also shelled X") takes its actor;
    a place with no area named takes the previous one's area."""
    for inc in new:
        if PRONOUN.match(s) and not any(a[0] < 40 for a in acts[:1]):
            inc.actor1, inc.inter1 = prev.actor1, prev.inter1
        if inc.place and not inc.place.hint and prev.place and prev.place.hint:
            inc.place.hint = prev.place.hint


def _continue(current: list[ParsedIncident], s: str, words: Words) -> None:
    killed, wounded, total = casualties(s, words)
    first = current[0]
    if killed or wounded is not None:
        if killed and not any(i.fatalities for i in current):
            first.fatalities = killed
        if wounded is not None and all(i.wounded is None for i in current):
            first.wounded = wounded
        if len(current) > 1:
            _split(current)
    if total and not first.notes:
        first.notes = f"{total} killed or wounded (not split by the report)"
    for e in equipment(s, words):
        if all((x.item, x.state) != (e.item, e.state) for x in first.equipment):
            first.equipment.append(e)
    first.sentence = f"{first.sentence} {s}".strip()
    for i in current[1:]:
        i.sentence = first.sentence


def _merge_placeless(result: ParseResult) -> None:
    """A placeless lead ("X and Y reached an agreement") and its detail with a place are one event."""
    if all(inc.place is not None for inc in result.incidents):
        return   # the usual case
    keep = []
    for inc in result.incidents:
        twin = inc.place is None and next((o for o in result.incidents if o.place is not None
                                           and o.sub_event_type == inc.sub_event_type), None)
        if twin:
            twin.actor1, twin.inter1 = twin.actor1 or inc.actor1, twin.inter1 or inc.inter1
            twin.actor2, twin.inter2 = twin.actor2 or inc.actor2, twin.inter2 or inc.inter2
            result.notes.append(f"merged into the same {inc.sub_event_type} with a place: {inc.sentence[:80]}")
            continue
        keep.append(inc)
    result.incidents = keep
