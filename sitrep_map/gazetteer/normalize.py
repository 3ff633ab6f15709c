"""Table-driven normalisation of romanised Arabic place names.

Two keys per name:
- ``key``: diacritics, apostrophes, hyphens and articles gone, word variants unified
  (Tall/Tell -> tal, Dayr -> deir, Kfar -> kafr ...; rules/tokens.csv).
- ``loose``: ``key`` with letter rewrites (q/k, ou/u, e/i, o/u, doubled letters, final -ah ...;
  rules/letters.csv), so spellings that differ only by transliteration meet.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

RULES = Path(__file__).parent / "rules"

# Marks that stand for ayn/hamza or are typographic apostrophes: dropped.
_DROP = dict.fromkeys(map(ord, "ʿʾ'`’‘´ʼʻ\u02be\u02bf\u0640"), None)
_SPLIT = re.compile(r"[^0-9a-z\u0600-\u06ff]+")
_ARABIC_DIACRITICS = re.compile(r"[\u064b-\u065f\u0670]")


def _table(name: str) -> list[list[str]]:
    with open(RULES / name, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    return rows[1:]  # header


@lru_cache(maxsize=None)
def token_map() -> dict[str, str]:
    return {r[0]: (r[1] if len(r) > 1 else "") for r in _table("tokens.csv")}


@lru_cache(maxsize=None)
def letter_rules() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(r[0]), r[1] if len(r) > 1 else "") for r in _table("letters.csv")]


@lru_cache(maxsize=None)
def _letter_steps() -> list[tuple[str, str, re.Pattern | None]]:
    """letter_rules() with plain-text patterns done by str.replace (same result, ~5x faster)."""
    return [(p.pattern, rep, None if re.escape(p.pattern) == p.pattern and "\\" not in rep else p)
            for p, rep in letter_rules()]


def fold(text: str) -> str:
    """Lower case, no diacritics, no ayn/hamza marks; Arabic script kept (short vowels off)."""
    if text.isascii():   # most names: nothing to decompose
        return text.translate(_DROP).lower()
    text = unicodedata.normalize("NFKD", text.translate(_DROP))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _ARABIC_DIACRITICS.sub("", text).lower()


@lru_cache(maxsize=200_000)
def key(name: str) -> str:
    words = _SPLIT.split(fold(name))
    tm = token_map()
    out = []
    for w in words:
        if not w:
            continue
        if w.startswith("ال") and len(w) > 3:  # Arabic article
            w = w[2:]
        w = tm.get(w, w)
        if w:
            out.append(w)
    if not out:  # a name that is all article ("Al") keeps its word
        out = [w for w in words if w]
    return " ".join(out)


@lru_cache(maxsize=200_000)
def loose(name: str) -> str:
    return " ".join(w for w in map(loose_word, key(name).split(" ")) if w)


@lru_cache(maxsize=100_000)
def loose_word(w: str) -> str:
    """One word of ``key`` through rules/letters.csv (words repeat: Kafr, Tal, Deir ...)."""
    for pat, rep, rx in _letter_steps():
        w = w.replace(pat, rep) if rx is None else rx.sub(rep, w)
    return w
