"""Reading free text: normalisation, and finding the part/material/defect/location words in it.

One combined phrase table over all vocabularies is matched longest-first, so that
"black oxide steel" is a material (not "steel"), "blue tray" a background (not a colour),
"chipped edge" a defect and "top left" one location (not "top" and "left").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocab import (BACKGROUND_SYNONYMS, DEFECT_SYNONYMS, FEATURE_SYNONYMS, GENERIC_DEFECT_WORDS,
                    LOCATION_SYNONYMS, MATERIAL_SYNONYMS, NUMBER_WORDS, PART_SYNONYMS)


def normalise(text: str) -> str:
    """Lower case, '<image>' and punctuation removed, hyphens as spaces, single spaces."""
    t = text.replace("<image>", " ").lower()
    t = re.sub(r"[-_/]", " ", t)
    t = re.sub(r"[^a-z0-9 ]+", " ", t)
    return " ".join(t.split())


def _table() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for kind, syn in (("part", PART_SYNONYMS), ("material", MATERIAL_SYNONYMS),
                      ("background", BACKGROUND_SYNONYMS), ("defect", DEFECT_SYNONYMS),
                      ("location", LOCATION_SYNONYMS)):
        for canonical, phrases in syn.items():
            for phrase in phrases:
                key = normalise(phrase)
                if key in table and table[key] != (kind, canonical):
                    raise AssertionError(f"phrase {key!r} means two things")  # vocabulary bug
                table[key] = (kind, canonical)
    for word in GENERIC_DEFECT_WORDS:
        table[normalise(word)] = ("generic_defect", "defect")
    return table


PHRASES = _table()
_PHRASE_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b")
_FEATURES = {normalise(p): f for f, ps in FEATURE_SYNONYMS.items() for p in ps}
_NUMBER = r"(?:\d+|" + "|".join(NUMBER_WORDS) + r")"
_COUNT_RE = re.compile(r"\b(" + _NUMBER + r") (?:[a-z]+ )?(holes?|teeth|tooth)\b")
_NUMBER_RE = re.compile(r"\b" + _NUMBER + r"\b")


@dataclass(frozen=True)
class Hit:
    kind: str  # part, material, background, defect, location, generic_defect
    value: str  # canonical name
    start: int
    end: int


def find_terms(norm: str) -> list[Hit]:
    """Vocabulary phrases in normalised text, left to right, longest match at each place."""
    return [Hit(*PHRASES[m.group(0)], m.start(), m.end()) for m in _PHRASE_RE.finditer(norm)]


def feature_of(phrase: str) -> str | None:
    """'bolt holes' -> 'holes', 'teeth' -> 'teeth', anything else -> None."""
    p = normalise(phrase)
    p = re.sub(r"^(the|its|any) ", "", p)
    return _FEATURES.get(p)


def parse_number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS.index(word)


def first_number(norm: str) -> int | None:
    m = _NUMBER_RE.search(norm)
    return parse_number(m.group(0)) if m else None


def find_counts(norm: str) -> list[tuple[str, int]]:
    """('holes', 6) for '6 holes', '6 bolt holes', 'six holes'; ('teeth', 12) for '12 teeth'."""
    out = []
    for m in _COUNT_RE.finditer(norm):
        feature = "holes" if m.group(2).startswith("hole") else "teeth"
        out.append((feature, parse_number(m.group(1))))
    return out


def is_negated(norm: str, start: int) -> bool:
    """Whether the phrase at `start` is negated by a 'no'/'without'/'not'/'free of' just before it."""
    before = norm[:start].split()[-3:]
    return any(w in ("no", "without", "not", "nor", "never") for w in before) or \
        " ".join(before[-2:]) == "free of"
