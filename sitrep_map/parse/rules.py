"""Load the parser's rule tables (parse/rules/*.csv) and compile them once."""
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
    the regex parse tree; None when no such set of 3+ letters exists. Lets a rule be skipped
    with a substring test instead of a regex search."""
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
    return tuple(sorted(found)) if found else None


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
    words: tuple[str, ...] | None = None  # one of these is in every match (see required_words)

    def may_match(self, low: str) -> bool:
        return self.words is None or any(w in low for w in self.words)


@dataclass(frozen=True)
class ActorRule:
    pattern: re.Pattern
    actor: str
    inter: str
    words: tuple[str, ...] | None = None

    def may_match(self, low: str) -> bool:
        return self.words is None or any(w in low for w in self.words)


@lru_cache(maxsize=None)
def event_rules() -> tuple[EventRule, ...]:
    from ..model import check_types
    out = []
    for r in table("events.csv"):
        check_types(r["event_type"], r["sub_event_type"])
        out.append(EventRule(r["rule"], int(r["priority"]), r["event_type"], r["sub_event_type"],
                             r["scope"], r["actor"], r["fatal"] == "1", re.compile(r["pattern"], FLAGS),
                             required_words(r["pattern"])))
    return tuple(sorted(out, key=lambda e: e.priority))


@lru_cache(maxsize=None)
def actor_rules() -> tuple[ActorRule, ...]:
    return tuple(ActorRule(re.compile(r["pattern"], FLAGS), r["actor"], r["inter"], required_words(r["pattern"]))
                 for r in table("actors.csv"))


@lru_cache(maxsize=None)
def skip_rules() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((r["scope"], re.compile(r["pattern"], FLAGS)) for r in table("skip.csv"))


@lru_cache(maxsize=None)
def skip_pattern(scope: str) -> re.Pattern:
    """The skip rules that apply in a scope (list items: 'any'; context: 'any' and 'context')."""
    return re.compile("|".join(f"(?:{p.pattern})" for sc, p in skip_rules() if sc in ("any", scope)), FLAGS)


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
def theatres() -> tuple[tuple[str, str, re.Pattern], ...]:
    return tuple((r["country"], r["state_forces"], re.compile(r["pattern"])) for r in table("theatres.csv"))
