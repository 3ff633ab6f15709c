"""Split a report into title, date, context paragraphs and incident items, then sentences."""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from .rules import ODD_CASE, required_words, segment_keys, segment_rules

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
TABLE_HEAD = re.compile(r"^\s*\|?\s*(date|day)\s*\|", re.IGNORECASE)
TABLE_RULE = re.compile(r"^[\s|:-]+$")
PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")   # what _paragraphs finds
LINE = re.compile(r"[^\n]+")
DATE_LINE = re.compile(r"^\s*date[:\s]", re.IGNORECASE)


def fold(word: str) -> str:
    """A word as the rules' ignore-case matching sees it: "Tueſday", "FRİDAY", "frıday" -> plain
    lower case ASCII letters where those letters stand in for them."""
    return word.casefold().replace("i\u0307", "i").replace("ı", "i")


def month(name: str) -> int:
    return MONTHS[fold(name)[:3]]


def parse_day(text: str) -> dt.date | None:
    """A table's date cell: ISO, '3 August 2019', 'Aug 3, 2019' or 03/08/2019 (day first)."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    from dateutil import parser as du
    try:
        return du.parse(text, dayfirst=True, fuzzy=True).date()
    except (ValueError, OverflowError):
        return None

BULLET = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa\u2013]|\d{1,2}[.)])\s+")
# Sentence ends: . ! ? followed by space and a capital, digit or quote; not after abbreviations.
# (The match includes the stop, so that only stops are tried: the sentence ends at start + 1.)
SENT_END = re.compile(r"[.!?][\"”’]?\s+(?=[A-Z0-9\"“‘(])")
STOPS = ".!?\"”’"   # what SENT_END's stop and quote may be
ABBREV = re.compile(r"\b(?:Gen|Maj|Lt|Col|Brig|Capt|Sgt|Mr|Mrs|Ms|Dr|St|Jr|Sr|No|vs|U\.S|U\.N|approx|e\.g|i\.e)\.$",
                    re.IGNORECASE)


@dataclass
class Segment:
    text: str
    start: int      # offset in the report
    kind: str       # title | context | item
    date: dt.date | None = None   # a table row's own date
    place: str | None = None      # a table row's location cell ("Khan Shaykhun, Idlib")


class ReportError(ValueError):
    """The report cannot be read: says what and where."""


TIGHT_COMMAS = (re.compile(r",(?=[^\s\d])"), re.compile(r";(?=[^\s\d])"))   # one per mark: faster
DOUBLED = re.compile(r"([;.,]){2,}")
# In _dots(text): a mark before a character that is no space and no digit (TIGHT_COMMAS, DOUBLED)
# or after a space or tab (_space_punct). Without one, none of the three changes the text.
MARK_NEAR = re.compile(r"\.(?:(?=[^\s\d])|(?<=[ \t]\.))")
SPACED_MARK = re.compile(r"\.(?<=[ \t]\.)")   # in _dots(text): a mark after a space or tab


def _dots(text: str) -> str:
    """The text with ; and , as . (quick tests before _space_punct and DOUBLED: " ." and "..")."""
    return text.replace(";", ".").replace(",", ".")


def _space_punct(text: str, dots: str) -> str:
    """The text without the spaces and tabs before a mark (re.sub(r"[ \\t]+([;,.])", r"\\1", text)),
    tried only at the marks after a space or tab (dots: _dots(text)). A regex scan for the
    spaces would start at every space."""
    out, last = [], 0
    for m in SPACED_MARK.finditer(dots):
        mark = m.start()
        out.append(text[last:len(text[:mark].rstrip(" \t"))])   # up to the spaces before it
        last = mark
    out.append(text[last:])
    return "".join(out)


def clean(text: str) -> str:
    """Normalise quotes, spaces and stray punctuation without moving offsets much."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():   # the marks below are not ASCII
        text = text.replace("\u00a0", " ")
        text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'").replace("\u2018", "'")
    dots = _dots(text)
    if not MARK_NEAR.search(dots):
        return text   # (one scan instead of the four below)
    if "\t" in text or " ." in dots:
        text = _space_punct(text, dots)       # "governorate ;" -> "governorate;"
    for tight in TIGHT_COMMAS:
        text = tight.sub(r"\g<0> ", text)         # "A,B" -> "A, B"
    if ".." in _dots(text):
        text = DOUBLED.sub(r"\1", text)            # doubled punctuation
    return text


LINE_WORD = re.compile(r"\^\\s\*([a-z]+)(?![a-z?*+{])")   # a pattern that opens a line with a word: "^\s*date"


@lru_cache(maxsize=None)
def _date_keys() -> tuple[tuple[tuple[str, ...] | None, str | None], ...]:
    """The key strings (required_words) of each date pattern, and the word it opens a line
    with (or None)."""
    return tuple((required_words(p.pattern), (m := LINE_WORD.match(p.pattern)) and m.group(1))
                 for p in segment_rules()["date"])


def _line_starts(low: str, word: str) -> list[int]:
    """Offsets of the lines that open with word (after spaces)."""
    out = []
    for i in _finds(low, word):
        a = low.rfind("\n", 0, i) + 1
        if a == i or low[a:i].isspace():
            out.append(a)
    return out


def find_date(text: str, low: str | None = None) -> tuple[dt.date | None, str]:
    """The report's date from a date line or a title ('... on July 8, 2020'), and what matched.
    low: text.lower(), if already made (None when letters fold oddly)."""
    head = text[:4000]
    if low is not None:
        low = low[:4000]
    else:
        low = head.lower() if head.isascii() or ODD_CASE.isdisjoint(head) else None
    held: dict = {}   # key strings -> whether the head holds one; a word -> its lines (shared by patterns)
    for pat, (keys, line_word) in zip(segment_rules()["date"], _date_keys()):
        if keys and low is not None:
            if keys not in held:
                held[keys] = any(map(low.__contains__, keys))
            if not held[keys]:
                continue   # none of its key strings: it cannot match
        if line_word and low is not None:
            if line_word not in held:
                held[line_word] = _line_starts(low, line_word)
            # tried only at the lines opening with its word: the same groups as search
            m = next(filter(None, (pat.match(head, a) for a in held[line_word])), None)
        else:
            m = pat.search(head)
        if not m:
            continue
        g = m.groupdict()
        try:
            if g.get("d"):
                return dt.date.fromisoformat(g["d"]), m.group(0).strip()
            return dt.date(int(g["y"]), month(g["m"]), int(g["day"])), m.group(0).strip()
        except (ValueError, KeyError):
            continue
    return None, ""


def find_title(text: str) -> str:
    titles = segment_rules()["title"]
    # The first lines, split off the head of the text (its last line may be cut off: dropped);
    # the rest of the first 40 from the whole text only when no title is among them.
    head = text[:1000].splitlines()
    if len(text) > 1000:
        head.pop()
    for line in head[:40]:
        if any(p.search(line) for p in titles):
            return line.strip()
    if len(head) < 40 and len(text) > 1000:
        for line in text.splitlines()[len(head):40]:
            if any(p.search(line) for p in titles):
                return line.strip()
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return first[:200]


def segments(text: str, low: str | None = None) -> list[Segment]:
    """Context paragraphs before the incident list, then one item per list line or ';' clause.

    Without a list heading or bullets, every paragraph is read as items (observatory style).
    low: text.lower(), if already made (None when letters fold oddly)."""
    rules, keys = segment_rules(), segment_keys()
    out: list[Segment] = []
    paragraphs = _paragraphs(text)
    # one lower-cased copy for the key string tests (None when letters fold oddly)
    if low is None:
        low = text.lower() if text.isascii() or ODD_CASE.isdisjoint(text) else None
    heads = _list_heads(text, low)
    # the paragraphs holding a line with a title key string, or the string "date" (DATE_LINE)
    starts = [start for _, start, _ in paragraphs]
    maybe_title = _paragraphs_at(starts, paragraphs,
                                 [start for start, _ in _lines_with(text, keys["title"], low)])
    maybe_date = None if low is None else _paragraphs_at(starts, paragraphs, _finds(low, "date"))
    has_list = bool(heads)
    has_bullets = sum(bool(_bullet(par)) for par, _, _ in paragraphs) >= 2
    in_list = not (has_list or has_bullets)
    for par, start, lines in paragraphs:
        if par.isspace():
            continue
        if "|" in par and TABLE_HEAD.match(par):
            out += _table(par, start)
            continue
        if (start in maybe_title and any(p.search(par) for p in rules["title"])
                or (maybe_date is None or start in maybe_date) and DATE_LINE.match(par)):
            out.append(Segment(par, start, "title"))
            continue
        next_line = start
        for line in lines:   # (no line of a paragraph is empty)
            lstart, next_line = next_line, next_line + len(line) + 1
            if lstart in heads:  # "Key incidents:" opens the list, even inside a paragraph
                in_list = True
                continue
            bullet = _bullet(line)
            kind = "item" if (in_list or bullet) else "context"
            if bullet:
                lstart, line = lstart + bullet.end(), line[bullet.end():]
            if kind == "context":
                out.append(Segment(line, lstart, kind))
                continue
            for part in line.split(";"):   # its clauses
                if part.strip(" .,\t"):
                    out.append(Segment(part, lstart, kind))
                lstart += len(part) + 1
    return out


def _bullet(line: str) -> re.Match | None:
    """BULLET.match; a line opening with a letter is no bullet (BULLET needs a space, a mark or
    a digit first)."""
    return None if line[0].isalpha() else BULLET.match(line)


def _finds(low: str, key: str) -> list[int]:
    """Offsets of key in low."""
    out, i = [], low.find(key)
    while i >= 0:
        out.append(i)
        i = low.find(key, i + 1)
    return out


def _paragraphs(text: str) -> list[tuple[str, int, list[str]]]:
    """PARAGRAPH's matches as (paragraph, offset, its lines), from one split of the text into
    lines: a paragraph is a run of nonempty lines; a line of only spaces ends the one before it
    (unless it is the text's last line) and opens the next."""
    out: list[tuple[str, int, list[str]]] = []
    lines = text.split("\n")
    last = len(lines) - 1
    first = None   # the open paragraph's first line (None: none open)
    start = at = 0   # its offset; the offset of line i
    for i, line in enumerate(lines):
        if first is not None and (not line or i < last and line.isspace()):
            out.append((text[start:at - 1], start, lines[first:i]))
            first = None
        if first is None and line:
            first, start = i, at
        at += len(line) + 1
    if first is not None:
        out.append((text[start:], start, lines[first:]))
    return out


def _paragraphs_at(starts: list[int], paragraphs: list[tuple[str, int, list[str]]], offsets) -> set[int]:
    """Starts of the paragraphs that hold one of the offsets (starts: the paragraphs' starts)."""
    out = set()
    for i in offsets:
        k = bisect_right(starts, i) - 1
        if k >= 0 and i < starts[k] + len(paragraphs[k][0]):
            out.add(starts[k])
    return out


@lru_cache(maxsize=None)
def _list_start_tests() -> tuple[tuple[re.Pattern, bool, str | None, tuple[str, ...] | None], ...]:
    """list_start patterns with how a single line (no line break) may be tried: whether the
    pattern opens with ^ (then match at its start is the same as search), the mark it must
    end with before trailing spaces ("...:\\s*$": the line, right-stripped, ends with ':'), and
    its key strings (required_words)."""
    from re import _constants as C, _parser as P
    out = []
    for pat in segment_rules()["list_start"]:
        tree = list(P.parse(pat.pattern, pat.flags))
        anchored = bool(tree) and tree[0] == (C.AT, C.AT_BEGINNING)
        end = None
        if len(tree) >= 3 and tree[-1] == (C.AT, C.AT_END) and tree[-3][0] is C.LITERAL \
                and chr(tree[-3][1]) in _MARKS and tree[-2][0] is C.MAX_REPEAT \
                and tree[-2][1][:2] == (0, C.MAXREPEAT) and list(tree[-2][1][2]) == SPACES:
            end = chr(tree[-3][1])
        out.append((pat, anchored, end, required_words(pat.pattern)))
    return tuple(out)


_MARKS = ":;.,!?-)"   # marks without case variants (a line-end test for them is exact)
SPACES = [(re._constants.IN, [(re._constants.CATEGORY, re._constants.CATEGORY_SPACE)])]   # \s


def _list_heads(text: str, low: str | None) -> set[int]:
    """Starts of the lines a list_start pattern matches. A pattern is tried only on the lines
    that end with its mark (when it needs one: few lines do), else on those holding one of its
    key strings."""
    heads: set[int] = set()
    ending: dict[str, list[tuple[int, str]]] = {}   # a mark -> the lines ending with it
    for pat, anchored, end, keys in _list_start_tests():
        if end is None:
            lines = _lines_with(text, keys, low)
        else:
            if end not in ending:
                ending[end] = _lines_ending(text, end)
            lines = ending[end]
        for start, line in lines:
            if start not in heads and (pat.match(line) if anchored else pat.search(line)):
                heads.add(start)
    return heads


def _lines_ending(text: str, mark: str) -> list[tuple[int, str]]:
    """(offset, line) of the lines that end with mark before trailing spaces."""
    out = []
    for i in _finds(text, mark):
        end = text.find("\n", i)
        if end < 0:
            end = len(text)
        if text[i + 1:end].isspace() or i + 1 == end:   # the line's last mark, only spaces after it
            a = text.rfind("\n", 0, i) + 1
            out.append((a, text[a:end]))
    return out


def _lines_with(text: str, keys: tuple[str, ...] | None, low: str | None = None) -> list[tuple[int, str]]:
    """(offset, line) of the lines holding one of the strings, ignoring case (every line when
    keys is None). low: text.lower(), if already made."""
    if keys is None or not text.isascii() and not ODD_CASE.isdisjoint(text):
        return [(m.start(), m.group(0)) for m in LINE.finditer(text)]
    if low is None:
        low = text.lower()   # same offsets: no letter folds oddly
    starts = set()
    for k in keys:
        i = low.find(k)
        while i >= 0:
            starts.add(low.rfind("\n", 0, i) + 1)
            end = low.find("\n", i)   # the next line (keys hold no line break)
            i = low.find(k, end) if end >= 0 else -1
    return [(a, text[a:(text.find("\n", a) + 1 or len(text) + 1) - 1]) for a in sorted(starts)]


def _table(par: str, start: int) -> list[Segment]:
    """'Date | Location | Description' rows -> one item each, with the row's date and place."""
    lines = [(m.group(0), start + m.start()) for m in re.finditer(r"[^\n]+", par)]
    head = [c.strip().lower() for c in lines[0][0].strip().strip("|").split("|")]
    col = {name: next((i for i, h in enumerate(head) if any(w in h for w in words)), None)
           for name, words in (("date", ("date", "day")), ("place", ("location", "place", "area")),
                               ("text", ("description", "incident", "details", "event", "summary")))}
    out = []
    for line, lstart in lines[1:]:
        if TABLE_RULE.match(line):
            continue
        cells = line.strip().strip("|").split("|")
        if col["text"] is None or col["text"] >= len(cells):
            continue
        text = cells[col["text"]]
        offset = lstart + line.index(text)
        date = parse_day(cells[col["date"]]) if col["date"] is not None else None
        place = cells[col["place"]].strip() if col["place"] is not None else None
        out.append(Segment(text.strip(), offset, "item", date, place or None))
    return out


def _sentence_ends(text: str, body: str):
    """SENT_END.finditer(text); when the stops are all '.', tried only where one is (a regex
    scan tests every character)."""
    if "!" in body or "?" in body:
        yield from SENT_END.finditer(text)
        return
    i = body.find(".")
    while i >= 0:
        m = SENT_END.match(text, i)
        if m:
            yield m
            i = body.find(".", m.end())
        else:
            i = body.find(".", i + 1)


def sentences(seg: Segment) -> list[Segment]:
    out, pos = [], 0
    text = seg.text
    body = text.rstrip().rstrip(STOPS)
    if "." not in body and "!" not in body and "?" not in body:
        return [seg] if text.strip() else []   # its only stops end it: SENT_END needs text after one
    for m in _sentence_ends(text, body):
        end = m.start() + 1
        if ABBREV.search(text, max(pos, end - 8), end):   # "Gen." ends the piece
            continue
        out.append(Segment(text[pos:end], seg.start + pos, seg.kind, seg.date, seg.place))
        pos = m.end()
    if pos == 0:   # one sentence: the segment itself
        return [seg] if text.strip() else []
    if text[pos:].strip():
        out.append(Segment(text[pos:], seg.start + pos, seg.kind, seg.date, seg.place))
    return out   # every piece before the last holds its stop
