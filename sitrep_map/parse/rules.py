"""Load the parser's rule tables (parse/rules/*.csv) and compile them once, with what lets a
pattern be skipped without running it: gates (word_starts), key strings (required_words) and
start words (start_words), checked against a sentence's words read once (Words)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RULES = Path(__file__).parent / "rules"
FLAGS = re.IGNORECASE


def table(name: str, folder: Path = RULES) -> list[dict]:
    """Rows of a rule table. The last column (a pattern) may hold commas unquoted."""
    with open(folder / name, newline="", encoding="utf-8") as f:
        lines = [ln.rstrip("\n") for ln in f if ln.strip() and not ln.startswith("#")]
    header = lines[0].split(",")
    out = []
    for ln in lines[1:]:
        cells = ln.split(",", len(header) - 1)
        cells += [""] * (len(header) - len(cells))
        out.append(dict(zip(header, cells)))
    return out


def required_words(pattern: str) -> tuple[str, ...] | None:
    """Lower-case strings of which every match of ``pattern`` contains at least one, read off
    the regex parse tree; None when no such set of 3+ letters exists."""
    from re import _constants as C, _parser as P

    def seq(items) -> set[str] | None:
        options, run = [], ""
        for op, av in list(items) + [(None, None)]:
            if op is C.LITERAL:
                run += chr(av).lower()
                continue
            if len(run) >= 3:
                options.append({run})
            run = ""
            if op is C.SUBPATTERN:
                req = seq(av[3])
            elif op is C.BRANCH:
                reqs = [seq(b) for b in av[1]]
                req = set().union(*reqs) if all(reqs) else None
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
                req = seq(av[2])
            else:
                req = None
            if req:
                options.append(req)
        return max(options, key=lambda o: (min(map(len, o)), -len(o)), default=None)

    found = seq(P.parse(pattern, FLAGS))
    return fewest(found) if found else None


def fewest(keys) -> tuple[str, ...]:
    """Key strings without those holding another (a text holds one of them just as often),
    sorted."""
    return tuple(sorted(k for k in set(keys) if not any(o != k and o in k for o in keys)))


# -- word gates --------------------------------------------------------------------------------
# A gate is the set of word beginnings of which every match of a pattern has one (read off the
# regex parse tree). A sentence's words are found once; a pattern whose gate none of them opens
# cannot match, so it is not run. Words are runs of ASCII letters, lower-cased.
GATE_LEN = 8                      # word beginnings are cut to this many letters
# Letters that match an ASCII letter case-insensitively but do not lower-case to one: a sentence
# holding one opens every gate.
ODD_CASE = frozenset("\u0130\u0131\u017f\u212a")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")


def letter_class(items) -> bool:
    """May a character of this regex set (the items of an IN node) be an ASCII letter?"""
    from re import _constants as C
    for op, av in items:
        if op is C.NEGATE or op is C.CATEGORY and av not in (
                C.CATEGORY_DIGIT, C.CATEGORY_SPACE, C.CATEGORY_NOT_WORD):
            return True
        if op is C.LITERAL and chr(av).lower() in _LETTERS:
            return True
        if op is C.RANGE and av[0] <= ord("z") and av[1] >= ord("A"):
            return True
    return False


def word_starts(pattern: str, flags: int = FLAGS) -> frozenset[str] | None:
    """Lower-case word beginnings (2+ letters) of which every match of ``pattern`` contains one
    at the start of a word (a run of ASCII letters); None when there is no such set."""
    from re import _constants as C, _parser as P

    def seq(items, ws: bool, run: str = "", run_ws: bool = False) -> tuple[frozenset | None, bool]:
        """(requirement, whether the position after it starts a word); ws: whether the
        position before it does (the character before is not a letter); run: letters just
        before, carried into a group ("\\bT(AF|urkey)")."""
        options = []
        for op, av in list(items) + [(None, None)]:
            if op is C.LITERAL and chr(av).lower() in _LETTERS:
                if not run:
                    run_ws = ws
                run += chr(av).lower()
                ws = False
                continue
            req, carry = None, op in (C.SUBPATTERN, C.BRANCH)
            if run and run_ws and len(run) >= 2 and not carry:
                options.append(frozenset([run[:GATE_LEN]]))
            if op is None:
                break
            held, run = (run, "") if carry else ("", "")
            if op is C.LITERAL:
                ws = True
            elif op is C.AT:
                if av in (C.AT_BOUNDARY, C.AT_BEGINNING, C.AT_BEGINNING_LINE, C.AT_BEGINNING_STRING):
                    ws = True
                elif av is C.AT_NON_BOUNDARY:
                    ws = False
            elif op is C.IN:
                ws = not letter_class(av)
            elif op is C.SUBPATTERN:
                req, ws = seq(av[3], ws, held, run_ws)
            elif op is C.ATOMIC_GROUP:
                req, ws = seq(av, ws)
            elif op is C.BRANCH:
                found = [seq(b, ws, held, run_ws) for b in av[1]]
                req = frozenset().union(*(r for r, _ in found)) if all(r for r, _ in found) else None
                ws = all(e for _, e in found)
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                lo, _, body = av
                end = seq(body, False)[1]
                if lo >= 1:
                    req = seq(body, ws)[0]
                    ws = end
                else:
                    ws = ws and end
            elif op in (C.ASSERT, C.ASSERT_NOT):
                pass
            else:
                ws = False
            if req:
                options.append(req)
        best = max(options, key=lambda o: (min(map(len, o)), -len(o)), default=None)
        return best, ws

    return seq(P.parse(pattern, flags), False)[0]


DIGIT = "0"   # the start word of a match that begins with a digit ("25th", "3 civilians")
_DIGITS = frozenset("0123456789")


def _digit(op, av) -> bool:
    """Does this node match digits only (a digit, [0-9], \\d)?"""
    from re import _constants as C
    if op is C.LITERAL:
        return chr(av) in _DIGITS
    return op is C.IN and all(o is C.CATEGORY and a is C.CATEGORY_DIGIT or o is C.LITERAL and chr(a) in _DIGITS
                              or o is C.RANGE and 48 <= a[0] <= a[1] <= 57 for o, a in av)


def _ends_word(op, av) -> bool:
    """Does this node, right after letters, match no ASCII letter (so the word ends there)?"""
    from re import _constants as C
    if op is C.LITERAL:
        return chr(av).lower() not in _LETTERS and chr(av) not in ODD_CASE
    if op is C.IN:
        return not letter_class(av) and not any(o is C.LITERAL and chr(a) in ODD_CASE or
                                                 o is C.RANGE and any(a[0] <= ord(c) <= a[1] for c in ODD_CASE)
                                                 for o, a in av)
    return op is C.AT and av is C.AT_BOUNDARY


def start_words(pattern: str, flags: int = FLAGS) -> frozenset[str] | None:
    """Lower-case word beginnings (1+ letters, or DIGIT for a run of digits) one of which every
    match of ``pattern`` starts with, at the start of a word; None when there is no such set.
    A beginning followed by a space ("a ") is a whole word: the match's first word is that."""
    from re import _constants as C, _parser as P

    def first(items: list, ws: bool, run: str = "") -> frozenset | None:
        for i, (op, av) in enumerate(items):
            rest = items[i + 1:]
            if op is C.LITERAL and chr(av).lower() in _LETTERS and (ws or run):
                run += chr(av).lower()
                if len(run) >= GATE_LEN:
                    return frozenset([run])
                continue
            if ws and not run and _digit(op, av):
                return frozenset([DIGIT])
            if op is C.AT and not run:
                if av in (C.AT_BOUNDARY, C.AT_BEGINNING, C.AT_BEGINNING_LINE, C.AT_BEGINNING_STRING):
                    ws = True
                continue
            if op is C.SUBPATTERN:
                return first(list(av[3]) + rest, ws, run)
            if op is C.BRANCH:
                found = [first(list(b) + rest, ws, run) for b in av[1]]
                return frozenset().union(*found) if all(found) else None
            if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                lo, _, body = av
                once = first(list(body) + rest, ws, run)
                if lo >= 1:
                    return once
                skip = first(rest, ws, run)
                return once | skip if once and skip else None
            if run and _ends_word(op, av):
                return frozenset([run + " "])
            break
        return frozenset([run]) if run else None

    return first(list(P.parse(pattern, flags)), False)


class _AnyWords(frozenset):
    """The tags of a text whose words cannot be trusted (ODD_CASE): every gate is open."""

    def isdisjoint(self, other) -> bool:
        return False


ANY_WORDS = _AnyWords()
_KEYS: set[str] = set()   # every word beginning a gate looks for


def gate(pattern: str, flags: int = FLAGS) -> frozenset[str] | None:
    """word_starts(), remembered as a key that Words looks for."""
    found = word_starts(pattern, flags)
    if found and not found <= _KEYS:
        _KEYS.update(found)
        _INFO.clear()
    return found


_FAMILIES: list["Starts"] = []   # every Starts made: Words finds their start words in one pass
INFO_SIZE = 50_000


class _WordInfo(dict):
    """word -> _word_info(word), filled when first asked for (bounded)."""

    def __missing__(self, word: str) -> tuple | None:
        return _word_info(word)


_INFO: dict[str, tuple | None] = _WordInfo()


def _word_info(word: str) -> tuple[frozenset[str], tuple[int, ...], int] | None:
    """The gate keys a word begins with, the patterns that may start at it (as Starts.slot +
    pattern index), and how far on the next word may start (its length + 1, for Words.split).
    "" (between two gap characters in Words.split) has none; None for a run mixing letters and
    digits (Words.split's "25th" is two words)."""
    if not word:
        heads = set()
    elif word[0] in _LETTERS and word.isalpha():
        heads = {word[:k] for k in range(1, min(len(word), GATE_LEN) + 1)} | {word + " "}
    elif word.isdigit():
        heads = {DIGIT}
    else:
        heads = None
    info = heads if heads is None else (
        frozenset(heads & _KEYS),
        tuple(family.slot + i for family in _FAMILIES for i in family.which(heads)),
        len(word) + 1)
    if len(_INFO) >= INFO_SIZE:
        _INFO.clear()
    _INFO[word] = info
    return info


@lru_cache(maxsize=None)
def _gates_ready() -> bool:
    """Build the rule tables' gates and start words before the first text is read."""
    event_rules(), actor_rules(), skip_scope("item"), skip_scope("context")
    event_starts(), actor_starts()
    return True


# words (runs of letters, or of digits), kept by split(); written to begin with one character
# set, which lets the regex engine skip the gaps between words quickly
WORD_SPLIT = re.compile(r"([a-z\d](?:(?<=[a-z])[a-z]*|\d*))")
# An ASCII text is split faster (Words.split): A-Z become a-z, each byte but a-z and 0-9 a space,
# and the text is split at each space ("" between two such bytes), so a word's offset is the
# sum of what precedes it.
WORD_BYTES = bytes(c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 else 32
                   for c in range(256))
WORD_RUN = re.compile(r"[a-z0-9]+")   # a word of Words.split


def _read(word: str, pos: int, tags: set[str], starts: dict[int, list[int]]) -> None:
    """Words.__init__ for one word at pos (of a non-ASCII text, or of a run of letters and
    digits in an ASCII one)."""
    keys, where, _ = _INFO[word]
    tags.update(keys)
    for k in where:
        starts.setdefault(k, []).append(pos)


class Words:
    """A text's words, read once: the gate keys they begin with (tags), and for each Starts
    family, where its patterns may start (starts). A text with a letter that case-folds oddly
    opens every gate (ANY_WORDS) and has starts None (patterns are searched as usual)."""
    __slots__ = ("text", "low", "tags", "starts")

    @staticmethod
    def split(text: str) -> list[str]:
        """An ASCII text's words, lower-cased, as Words reads them ("" between two gap
        characters; a run of letters and digits is one)."""
        return text.encode().translate(WORD_BYTES).decode().split(" ")

    def __init__(self, text: str, low: str | None = None, split: list[str] | None = None):
        """low: text.lower(), split: Words.split(text) (ASCII text), when the caller has them."""
        self.text = text
        self.low = low = text.lower() if low is None else low   # same offsets as the text, as no letter folds oddly
        ascii = text.isascii()
        if not ascii and not ODD_CASE.isdisjoint(text):
            self.tags, self.starts = ANY_WORDS, None
            return
        _gates_ready()
        tags: set[str] = set()
        starts: dict[int, list[int]] = {}   # Starts.slot + pattern index -> offsets
        if ascii:
            pos = 0
            infos = map(_INFO.__getitem__, Words.split(text) if split is None else split)
            while True:
                try:
                    for keys, where, step in infos:   # TypeError (None) at a run of letters and digits
                        if keys:
                            tags |= keys
                        if where:
                            for k in where:
                                if k in starts:
                                    starts[k].append(pos)
                                else:
                                    starts[k] = [pos]
                        pos += step
                    break
                except TypeError:   # "m4": its words one by one, then on with the next
                    for word in WORD_SPLIT.findall(WORD_RUN.match(low, pos).group()):
                        _read(word, pos, tags, starts)
                        pos += len(word)
                    pos += 1
            self.tags, self.starts = tags, starts
            return
        parts = iter(WORD_SPLIT.split(low))   # gap, word, gap, word, ..., gap
        pos = len(next(parts))
        for word, gap in zip(parts, parts):
            _read(word, pos, tags, starts)
            pos += len(word) + len(gap)
        self.tags, self.starts = tags, starts

    def opens(self, gate: frozenset[str] | None) -> bool:
        return gate is None or not self.tags.isdisjoint(gate)


SLOT = 1 << 16   # patterns per Starts family, at most


LETTER_SPANS = ((65, 90), (97, 122))   # A-Z, a-z


def _plain_case(items, upper: bool) -> bool:
    """No part of a parsed pattern switches IGNORECASE, every character it names is ASCII
    (upper-case too when upper), and no range mixes letters with other characters."""
    from re import _constants as C
    for op, av in items:
        if op in (C.LITERAL, C.NOT_LITERAL):
            lo = hi = av
        elif op is C.RANGE:
            lo, hi = av
        elif op is C.SUBPATTERN:
            if (av[1] | av[2]) & re.IGNORECASE or not _plain_case(av[3], upper):
                return False
            continue
        elif op is C.BRANCH:
            if not all(_plain_case(b, upper) for b in av[1]):
                return False
            continue
        elif op in (C.IN, C.ATOMIC_GROUP):
            if not _plain_case(av, upper):
                return False
            continue
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT, C.ASSERT, C.ASSERT_NOT):
            if not _plain_case(av[-1], upper):
                return False
            continue
        elif op is C.GROUPREF_EXISTS:
            return False
        else:
            continue
        if hi > 127 or not upper and lo <= 90 and hi >= 65:
            return False   # not ASCII, or upper-case where it may not be
        if not any(a <= lo and hi <= b for a, b in LETTER_SPANS) and \
                not all(hi < a or lo > b for a, b in LETTER_SPANS):
            return False   # a range of letters and other characters ([A-z])
    return True


# what lower_twin does not lower-case: an escape (\b, \S, \W) and a group's name
KEEP_CASE = re.compile(r"(?P<keep>\\.|\(\?P[<=]\w+[>)])|[^\\(]+|\(")


def lower_twin(pattern: re.Pattern) -> re.Pattern | None:
    """The pattern, lower-cased and without IGNORECASE, to be tried on the lower-cased text
    (faster: the engine need not lower-case each character for each alternative); None unless
    it matches there where the pattern matches the text (with no ODD_CASE letter): the pattern
    names only ASCII characters and never switches IGNORECASE."""
    from re import _parser as P
    src, flags = pattern.pattern, pattern.flags & ~re.IGNORECASE
    if not pattern.flags & re.IGNORECASE or not _plain_case(P.parse(src, pattern.flags), True):
        return None
    low = KEEP_CASE.sub(lambda m: m.group(0) if m.group("keep") else m.group(0).lower(), src)
    try:
        if not _plain_case(P.parse(low, flags), False):
            return None
        return re.compile(low, flags)
    except re.error:
        return None


class Starts:
    """Where each of several patterns may start in a text (start_words). A pattern is tried
    with pattern.match at those words only, which finds what pattern.search / finditer would;
    one without start words (loose) is searched as usual."""

    def __init__(self, patterns: list[re.Pattern]):
        self.patterns: list[re.Pattern] = []
        self.twins: list[re.Pattern | None] = []   # lower_twin of each, tried first on Words.low
        self.heads: list[frozenset[str] | None] = []
        self.same: list[int] = []   # the first pattern with the same start words: they share offsets
        self.shared = False         # whether some pattern shares another's offsets
        self.loose: tuple[int, ...] = ()
        self.slot = len(_FAMILIES) * SLOT   # keys of this family in Words.starts
        self.index: dict[int, int] = {}     # key in Words.starts -> the first pattern with its offsets
        self.keys: list[int | None] = []    # each pattern's key in Words.starts (None: loose)
        _FAMILIES.append(self)
        for p in patterns:
            self.add(p)

    def add(self, pattern: re.Pattern) -> int:
        assert len(self.patterns) < SLOT
        i = len(self.patterns)
        heads = start_words(pattern.pattern, pattern.flags)
        self.patterns.append(pattern)
        self.twins.append(lower_twin(pattern))
        self.heads.append(heads)
        self.same.append(i if heads is None else self.heads.index(heads))
        self.shared = self.shared or self.same[i] != i
        if heads is None:
            self.loose += (i,)
        elif self.same[i] == i:
            self.index[self.slot + i] = i
        self.keys.append(None if heads is None else self.slot + self.same[i])
        _INFO.clear()
        return i

    def which(self, heads: set[str]) -> tuple[int, ...]:
        return tuple(i for i, h in enumerate(self.heads)
                     if h is not None and self.same[i] == i and not h.isdisjoint(heads))

    def tried(self, words: Words) -> list[int]:
        """Indexes of the patterns that may match, in order."""
        if words.starts is None:
            return list(range(len(self.patterns)))
        index = self.index   # (the keys of both, in C: a sentence has a few of a family's)
        found = sorted(map(index.__getitem__, index.keys() & words.starts.keys()))
        if self.shared:
            found = [i for i, j in enumerate(self.same) if j in found]   # with those sharing offsets
        return sorted(set(found) | set(self.loose)) if self.loose else found

    def search(self, i: int, text: str, words: Words) -> re.Match | None:
        key = self.keys[i]
        if words.starts is None or key is None:
            return self.patterns[i].search(text)
        return match_at(self.patterns[i], self.twins[i], text, words.low, words.starts.get(key, ()))

    def finditer(self, i: int, text: str, words: Words) -> list[re.Match]:
        key = self.keys[i]
        if words.starts is None or key is None:
            return list(self.patterns[i].finditer(text))
        return matches_at(self.patterns[i], self.twins[i], text, words.low, words.starts.get(key, ()))

    def spans(self, i: int, text: str, words: Words) -> list[tuple[int, int]]:
        """(start, end) of each match finditer(i, ...) finds. With a twin, its matches on the
        lower-cased text alone: on a text without ODD_CASE letters (else starts is None) it
        compares the same letters, folded, so its matches have the same spans."""
        key, twin = self.keys[i], self.twins[i]
        if twin is None or words.starts is None or key is None:
            return [m.span() for m in self.finditer(i, text, words)]
        low = words.low
        return [m.span() for m in matches_at(twin, None, low, low, words.starts.get(key, ()))]


def match_at(pattern: re.Pattern, twin: re.Pattern | None, text: str, low: str,
             offsets: list[int]) -> re.Match | None:
    """The first match of pattern at one of the offsets (its start words), as pattern.search
    would find it; the twin (lower_twin) is tried first on the lower-cased text."""
    match = pattern.match
    for pos in offsets:
        if twin is None or twin.match(low, pos):
            m = match(text, pos)
            if m:
                return m
    return None


def matches_at(pattern: re.Pattern, twin: re.Pattern | None, text: str, low: str,
               offsets: list[int]) -> list[re.Match]:
    """The matches of pattern at the offsets, none overlapping another, as finditer finds them."""
    found, end, match = [], 0, pattern.match
    for pos in offsets:
        if pos >= end and (twin is None or twin.match(low, pos)) and (m := match(text, pos)):
            found.append(m)
            end = m.end()
    return found


_SHARED = Starts([])   # the parser's own patterns (Rx)


class Rx:
    """A pattern searched only when the words allow it: its gate (word_starts) must open, one
    of its key strings (required_words, when keys=True) must be there, and it is tried only at
    the words it may start with (start_words), if it has any."""

    def __init__(self, pattern: re.Pattern, keys: bool = False):
        self.pattern = pattern
        self.gate = gate(pattern.pattern, pattern.flags)
        self.keys = required_words(pattern.pattern) if keys else None
        self.i = _SHARED.add(pattern)
        # its key in Words.starts: no word it may start with, no match (None: it has no start words)
        self.start = _SHARED.keys[self.i]
        self.twin = _SHARED.twins[self.i]

    def _opens(self, words: "Words") -> bool:
        """Its gate opens and one of its key strings is there."""
        return words.opens(self.gate) and \
            (self.keys is None or any(map(words.low.__contains__, self.keys)))

    def _may(self, words: "Words") -> bool:
        if words.starts is None:
            return words.opens(self.gate)
        return (self.start is None or self.start in words.starts) and self._opens(words)

    def search(self, text: str, words: "Words") -> re.Match | None:
        if words.starts is None or self.start is None:
            return _SHARED.search(self.i, text, words) if self._may(words) else None
        at = words.starts.get(self.start)   # (_may and Starts.search in one)
        if at is None or not self._opens(words):
            return None
        return match_at(self.pattern, self.twin, text, words.low, at)

    def finditer(self, text: str, words: "Words") -> list[re.Match]:
        if words.starts is None or self.start is None:
            return _SHARED.finditer(self.i, text, words) if self._may(words) else []
        at = words.starts.get(self.start)
        if at is None or not self._opens(words):
            return []
        return matches_at(self.pattern, self.twin, text, words.low, at)


@dataclass(frozen=True)
class EventRule:
    rule: str
    priority: int
    event_type: str
    sub_event_type: str
    scope: str          # list | any
    actor: str          # "" | state | nonstate
    fatal: bool         # the trigger itself means a death ("assassinated", "shot dead")
    pattern: re.Pattern
    gate: frozenset[str] | None = None  # a word starting with one of these is in every match
    words: tuple[str, ...] | None = None  # one of these strings is in every match (required_words)


@dataclass(frozen=True)
class ActorRule:
    pattern: re.Pattern
    actor: str
    inter: str
    gate: frozenset[str] | None = None


@lru_cache(maxsize=None)
def event_rules() -> tuple[EventRule, ...]:
    from ..model import check_types
    out = []
    for r in table("events.csv"):
        check_types(r["event_type"], r["sub_event_type"])
        out.append(EventRule(r["rule"], int(r["priority"]), r["event_type"], r["sub_event_type"],
                             r["scope"], r["actor"], r["fatal"] == "1", re.compile(r["pattern"], FLAGS),
                             gate(r["pattern"]), required_words(r["pattern"])))
    return tuple(sorted(out, key=lambda e: e.priority))


@lru_cache(maxsize=None)
def event_starts() -> Starts:
    return Starts([r.pattern for r in event_rules()])


@lru_cache(maxsize=None)
def actor_rules() -> tuple[ActorRule, ...]:
    return tuple(ActorRule(re.compile(r["pattern"], FLAGS), r["actor"], r["inter"], gate(r["pattern"]))
                 for r in table("actors.csv"))


@lru_cache(maxsize=None)
def scope_keys(scope: str) -> tuple[str, ...] | None:
    """The key strings (required_words) of the event rules of a scope: a text holding none of
    them fires none of those rules. None when a rule has none."""
    rules = [r for r in event_rules() if scope != "context" or r.scope == "any"]
    if any(r.words is None for r in rules):
        return None
    return fewest({w for r in rules for w in r.words})


@lru_cache(maxsize=None)
def actor_starts() -> Starts:
    return Starts([r.pattern for r in actor_rules()])


@lru_cache(maxsize=None)
def skip_rules() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((r["scope"], re.compile(r["pattern"], FLAGS)) for r in table("skip.csv"))


@lru_cache(maxsize=None)
def skip_scope(scope: str) -> tuple[tuple[re.Pattern, frozenset[str] | None], ...]:
    """The skip rules that apply in a scope (list items: 'any'; context: 'any' and 'context'),
    with their gates."""
    return tuple((p, gate(p.pattern)) for sc, p in skip_rules() if sc in ("any", scope))


MONTH = (r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
         r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?")


@lru_cache(maxsize=None)
def segment_rules() -> dict[str, tuple[re.Pattern, ...]]:
    """Patterns by kind; {MONTH} in a pattern stands for a month name or abbreviation."""
    out: dict[str, list] = {}
    for r in table("segments.csv"):
        pat = r["pattern"].replace("{MONTH}", MONTH)
        out.setdefault(r["kind"], []).append(re.compile(pat, FLAGS | re.MULTILINE))
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=None)
def segment_keys() -> dict[str, tuple[str, ...] | None]:
    """Per kind of segments.csv, strings one of which every match of its patterns holds
    (required_words); None when a pattern has none."""
    out: dict[str, tuple[str, ...] | None] = {}
    for r in table("segments.csv"):
        words = required_words(r["pattern"].replace("{MONTH}", MONTH))
        if r["kind"] not in out:
            out[r["kind"]] = ()
        if out[r["kind"]] is not None:
            out[r["kind"]] = None if words is None else out[r["kind"]] + words
    return {k: v and fewest(v) for k, v in out.items()}


@lru_cache(maxsize=None)
def numbers() -> dict[str, int]:
    return {r["word"]: int(r["value"]) for r in table("numbers.csv")}


@lru_cache(maxsize=None)
def equipment_rules() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(r["pattern"], FLAGS), r["item"]) for r in table("equipment.csv"))


@lru_cache(maxsize=None)
def place_words() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list] = {}
    for r in table("places.csv"):
        out.setdefault(r["kind"], []).append((r["pattern"], r["value"] or ""))
    return out


def alternation(kind: str) -> str:
    """The patterns of one kind of places.csv as a regex alternation."""
    return "|".join(p for p, _ in place_words()[kind])


@lru_cache(maxsize=None)
def vocabulary() -> frozenset[str]:
    """Whole English words the rule tables use (not stems like 'assassinat('), for typo repair."""
    words = set()
    for name in ("events.csv", "actors.csv", "equipment.csv", "places.csv", "skip.csv"):
        for row in table(name):
            src = row.get("pattern", "").lower()
            for m in re.finditer(r"(?:(?<=\\b)|(?<![a-z\\]))([a-z]{5,})(\?)?(?=\\b|s\?|\||\)|\s|$)", src):
                words.add(m.group(1))
                if m.group(2):  # "militants?": the last letter is optional
                    words.add(m.group(1)[:-1])
    return frozenset(words)


@lru_cache(maxsize=None)
def actor_roles() -> dict[str, dict]:
    return {r["sub_event_type"]: r for r in table("actor_roles.csv")}


@lru_cache(maxsize=None)
def theatres() -> tuple[tuple[str, str, re.Pattern, tuple[str, ...] | None], ...]:
    """(country, state forces, pattern, its key strings: required_words)."""
    return tuple((r["country"], r["state_forces"], re.compile(r["pattern"]), required_words(r["pattern"]))
                 for r in table("theatres.csv"))
