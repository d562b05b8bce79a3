"""Questions about a part: the wordings the generator uses, parsing free-text questions back,
their validity for a given part, canonical answers, and grading of free-text answers.

Evaluation relies on this module: a self-question the model asks is parsed (parse_question),
checked against the ground truth (is_valid_for), and the model's answer graded
(answer_is_correct). Generated training text uses the same templates and true_answer, so every
generated question parses and every generated answer grades correct.

Question types and their slots:
  description      "Describe this part."                      -> description sentence
  identity         "What part is this?"                       -> "A hex nut."
  material         "What material is it made of?"             -> "Brass."
  count            "How many holes does it have?" (feature)   -> "6 holes."
  defect_presence  "Is there a scratch on this part?" (defect) -> "Yes, ..." / "No, ..."
  defect_type      "What kind of defect does it have?"        -> "A scratch."
  defect_location  "Where is the scratch?" (defect)           -> "At the upper left."
  verdict          VERDICT_QUESTION                           -> "Yes, a crack at the top." / "No, it looks good."
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .lexicon import find_counts, find_terms, first_number, is_negated, normalise, feature_of
from .vocab import (BACKGROUNDS, COUNTED_FEATURE, DEFECT_NOUN, DEFECT_NP, DEFECT_TYPES, LOCATIONS,
                    MATERIAL_NAME, MATERIALS, PART_NAME, PART_TYPES, PARTS_WITH_HOLES)

VERDICT_QUESTION = "Is this part defective? Answer yes or no."

QUESTION_TYPES = ("description", "identity", "material", "count", "defect_presence", "defect_type",
                  "defect_location", "verdict")

# The wordings generated text uses ({defect_np}: "a scratch", {defect_noun}: "scratch",
# {feature}: "holes"/"teeth"). The parser accepts these and more.
QUESTION_TEMPLATES = {
    "description": ["Describe this part.", "Describe the part in the image.", "What do you see in this image?",
                    "Give a short description of this part.", "Describe what you see."],
    "identity": ["What part is this?", "What kind of part is shown?", "Which part type is this?",
                 "What is this component?", "Identify the part."],
    "material": ["What material is it made of?", "What is the material of this part?", "What is the part made of?",
                 "Which material is this part?", "What is its finish?"],
    "count": ["How many {feature} does it have?", "How many {feature} are there?", "Count the {feature}.",
              "How many {feature} can you see?", "What is the number of {feature}?"],
    "defect_presence": ["Is there {defect_np} on this part?", "Does this part have {defect_np}?",
                        "Can you see {defect_np}?", "Do you see {defect_np} on it?", "Is there any sign of {defect_np}?"],
    "defect_type": ["What kind of defect does it have?", "What type of defect is visible?", "Which defect can you see?",
                    "What is wrong with this part?", "What defect does this part show?"],
    "defect_location": ["Where is the {defect_noun}?", "Where is the {defect_noun} located?",
                        "In which area is the {defect_noun}?", "Where can you see the {defect_noun}?"],
    "verdict": [VERDICT_QUESTION],
}

LOCATION_PHRASE = {loc: f"at the {loc}" for loc in LOCATIONS}
LOCATION_PHRASE.update({"left": "on the left", "right": "on the right", "centre": "in the centre"})


@dataclass(frozen=True)
class ParsedQuestion:
    type: str  # one of QUESTION_TYPES
    defect: str | None = None  # defect_presence, defect_location: the DEFECT_TYPES entry asked about
    feature: str | None = None  # count: "holes" or "teeth"


def question_text(qtype: str, rng: np.random.Generator, defect: str | None = None, feature: str | None = None) -> str:
    """One generated wording of a question of this type."""
    templates = QUESTION_TEMPLATES[qtype]
    t = templates[int(rng.integers(len(templates)))]
    return t.format(defect_np=DEFECT_NP.get(defect, ""), defect_noun=DEFECT_NOUN.get(defect, ""), feature=feature or "")


# --- parsing ---------------------------------------------------------------------------------

_SUBJ = r"(?:it|this|that|this part|the part|this component|the component|this piece|the piece|this object|the object)"
_TAIL = r"(?: (?:in|on) (?:the|this) (?:image|picture|photo))?"
# (type, pattern, slot kind): slot "defect" -> exactly one defect type, "feature" -> counted feature.
_PATTERNS: list[tuple[str, str, str | None]] = [
    ("verdict", rf"is {_SUBJ} (?:defective|faulty|damaged|bad|ok|okay|good|acceptable)(?: answer yes or no)?", None),
    ("verdict", rf"(?:does|do) {_SUBJ} (?:pass|fail)(?: the)?(?: inspection)?(?: answer yes or no)?", None),
    ("description", rf"(?:please )?describe (?:this|the|it|what you see)(?: (?:part|component|object|image|picture|photo))?{_TAIL}", None),
    ("description", rf"what (?:do|can) you see{_TAIL}", None),
    ("description", rf"give (?:a|me a) (?:short |brief )?description of {_SUBJ}{_TAIL}", None),
    ("defect_type", rf"what (?:kind|type|sort) of (?:defect|damage|flaw|fault|problem)s? (?:does {_SUBJ} (?:have|show)|is (?:visible|shown|present|there|it)|can you see|do you see|are (?:visible|there))", None),
    ("defect_type", rf"(?:which|what) (?:defect|defects|damage|flaw) (?:can you see|do you see|is (?:visible|present|shown)|are (?:visible|present)|does {_SUBJ} (?:have|show))", None),
    ("defect_type", rf"what is wrong with {_SUBJ}", None),
    ("defect_location", rf"where (?:is|are) (?:the )?(?P<slot>.+?)(?: located| visible| found)?(?: on {_SUBJ})?", "defect"),
    ("defect_location", r"(?:in )?which (?:area|region|part|location) (?:is|are|has) (?:the )?(?P<slot>.+?)(?: located| in)?", "defect"),
    ("defect_location", r"where (?:can|do) you see (?:the )?(?P<slot>.+?)", "defect"),
    ("count", rf"how many (?P<slot>.+?)(?: (?:does|do) (?:{_SUBJ}|the [a-z]+|this [a-z]+) (?:have|show)| are there(?: on {_SUBJ})?| can you (?:see|count)| do you see| are visible)?{_TAIL}", "feature"),
    ("count", r"count the (?P<slot>.+?)", "feature"),
    ("count", rf"what is the number of (?P<slot>.+?)(?: on {_SUBJ})?", "feature"),
    ("material", rf"what (?:material|metal) is {_SUBJ}(?: made of| made from)?", None),
    ("material", rf"which (?:material|metal) is {_SUBJ}(?: made of| made from)?", None),
    ("material", rf"what is {_SUBJ} made (?:of|from)", None),
    ("material", rf"what is the (?:material|metal|finish) of {_SUBJ}", None),
    ("material", r"what is (?:its|the) (?:material|finish|metal)", None),
    ("identity", r"what (?:part|component|object|item|piece|kind of part|type of part|sort of part) is (?:this|it|that|shown|pictured|in the image)", None),
    ("identity", r"which part(?: type)? is (?:this|it|that|shown)", None),
    ("identity", rf"what is {_SUBJ}{_TAIL}", None),
    ("identity", r"identify (?:the|this) (?:part|component|object)", None),
    ("defect_presence", rf"(?:is|are) there (?P<slot>.+?)(?: on {_SUBJ}| visible)?", "defect"),
    ("defect_presence", rf"(?:does|do) {_SUBJ} (?:have|show) (?P<slot>.+?)", "defect"),
    ("defect_presence", rf"(?:can|do) you see (?P<slot>.+?)(?: on {_SUBJ})?", "defect"),
    ("defect_presence", rf"is {_SUBJ} (?P<slot>.+?)", "defect"),
]
_COMPILED = [(t, re.compile(p + r"$"), s) for t, p, s in _PATTERNS]


def _one_defect(slot: str) -> str | None | bool:
    """The single defect type named in a slot; True if it names only 'a defect' in general;
    None if it names none, several, or something besides (a location, a part)."""
    hits = find_terms(slot)
    kinds = {h.kind for h in hits}
    if any(is_negated(slot, h.start) for h in hits):
        return None
    defects = {h.value for h in hits if h.kind == "defect"}
    if len(defects) == 1 and kinds == {"defect"}:
        return defects.pop()
    if kinds == {"generic_defect"}:
        return True
    return None


def parse_question(text: str) -> ParsedQuestion | None:
    """Recognise a question (any generated wording and common variants; case, spacing and
    punctuation do not matter). None if it is not a well-formed question of a known type."""
    if not isinstance(text, str):
        return None
    norm = normalise(text)
    norm = re.sub(r"^(?:please |can you |could you )(?=describe|identify|count)", "", norm)
    norm = re.sub(r" please$", "", norm)
    if not norm:
        return None
    for qtype, rx, slot_kind in _COMPILED:
        m = rx.match(norm)
        if not m:
            continue
        if slot_kind is None:
            return ParsedQuestion(qtype)
        slot = m.group("slot")
        if slot_kind == "feature":
            feature = feature_of(slot)
            return ParsedQuestion("count", feature=feature) if feature else None
        defect = _one_defect(slot)
        if defect is True and qtype == "defect_presence":
            return ParsedQuestion("verdict")  # "Is there any defect?" asks for the verdict
        if isinstance(defect, str):
            return ParsedQuestion(qtype, defect=defect)
        return None
    return None


# --- validity and truth ----------------------------------------------------------------------

def present_types(gt: dict) -> list[str]:
    return [d["type"] for d in gt["defects"]]


def _defect(gt: dict, dtype: str) -> dict | None:
    return next((d for d in gt["defects"] if d["type"] == dtype), None)


def is_valid_for(parsed: ParsedQuestion | None, gt: dict) -> bool:
    """Well-formed and sensible for this part: counts only of the part's own feature, hole
    defects only on parts with holes, defect type only when there is a defect, a defect's
    location only when that defect is present."""
    if parsed is None or parsed.type not in QUESTION_TYPES:
        return False
    if parsed.type == "count":
        return parsed.feature is not None and parsed.feature == COUNTED_FEATURE.get(gt["part"])
    if parsed.type == "defect_presence":
        if parsed.defect not in DEFECT_TYPES:
            return False
        return parsed.defect != "missing_hole" or gt["part"] in PARTS_WITH_HOLES
    if parsed.type == "defect_type":
        return bool(gt["defects"])
    if parsed.type == "defect_location":
        return parsed.defect is not None and _defect(gt, parsed.defect) is not None
    return True


def article(phrase: str) -> str:
    """'a' or 'an' for a phrase ('an aluminium gear', 'an L bracket', 'a brass nut')."""
    first = phrase.split()[0]
    vowel = first[0].lower() in "aeiou" or first in ("L",)
    return f"{'an' if vowel else 'a'} {phrase}"


def defect_phrase(d: dict) -> str:
    """'a scratch', 'rust', 'a missing hole' / 'an extra hole' (the hole defect's actual kind)."""
    if d["type"] == "missing_hole" and d.get("detail") in ("missing", "extra"):
        return article(f"{d['detail']} hole")
    return DEFECT_NP[d["type"]]


def _defects_with_locations(gt: dict) -> str:
    return " and ".join(f"{defect_phrase(d)} {LOCATION_PHRASE[d['location']]}" for d in gt["defects"])


def _count_phrase(feature: str, n: int) -> str:
    if n == 1:
        return f"1 {'hole' if feature == 'holes' else 'tooth'}"
    return f"{n} {feature}"


def describe(gt: dict) -> str:
    """The canonical short description: part, material, counts, defects with locations."""
    head = article(f"{MATERIAL_NAME[gt['material']]} {PART_NAME[gt['part']]}")
    for feature, n in gt["counts"].items():
        head += f" with {_count_phrase(feature, n)}"
    tail = _defects_with_locations(gt) if gt["defects"] else "no visible defects"
    return f"{head[0].upper()}{head[1:]}; {tail}."


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


def true_answer(parsed: ParsedQuestion, gt: dict) -> str:
    """The canonical answer (the form generated training text uses)."""
    if not is_valid_for(parsed, gt):
        raise ValueError(f"question {parsed!r} is not valid for part {gt.get('id')!r}")
    t = parsed.type
    if t == "description":
        return describe(gt)
    if t == "identity":
        return _cap(article(PART_NAME[gt["part"]])) + "."
    if t == "material":
        return _cap(MATERIAL_NAME[gt["material"]]) + "."
    if t == "count":
        return _count_phrase(parsed.feature, gt["counts"][parsed.feature]) + "."
    if t == "defect_presence":
        d = _defect(gt, parsed.defect)
        if d is None:
            return f"No, there is no {DEFECT_NOUN[parsed.defect]}."
        return f"Yes, there is {defect_phrase(d)} {LOCATION_PHRASE[d['location']]}."
    if t == "defect_type":
        return _cap(" and ".join(defect_phrase(d) for d in gt["defects"])) + "."
    if t == "defect_location":
        return _cap(LOCATION_PHRASE[_defect(gt, parsed.defect)["location"]]) + "."
    if t == "verdict":
        return f"Yes, {_defects_with_locations(gt)}." if gt["defects"] else "No, it looks good."
    raise ValueError(f"unknown question type {t!r}")


# --- grading free-text answers ---------------------------------------------------------------

def yes_no(answer: str) -> str | None:
    """'yes' / 'no' from the first word of an answer, else None."""
    words = normalise(answer).split()
    return words[0] if words and words[0] in ("yes", "no") else None


def _terms(answer: str, kind: str) -> set[str]:
    norm = normalise(answer)
    return {h.value for h in find_terms(norm) if h.kind == kind and not is_negated(norm, h.start)}


def answer_is_correct(parsed: ParsedQuestion, gt: dict, answer_text: str) -> bool:
    """Grade a free-text answer against the ground truth. Yes/no questions by the first word;
    counts by the first number (digits or words); names (part, material, defect types,
    locations) with synonyms, which must match exactly (all present defects named, nothing
    else). A description must name the part, every present defect and make no false claim.
    An answer to a question that is not valid for the part is never correct."""
    if not is_valid_for(parsed, gt) or not isinstance(answer_text, str):
        return False
    t = parsed.type
    if t in ("defect_presence", "verdict"):
        truth = (_defect(gt, parsed.defect) is not None) if t == "defect_presence" else gt["defective"]
        return yes_no(answer_text) == ("yes" if truth else "no")
    if t == "identity":
        return _terms(answer_text, "part") == {gt["part"]}
    if t == "material":
        return _terms(answer_text, "material") == {gt["material"]}
    if t == "count":
        return first_number(normalise(answer_text)) == gt["counts"][parsed.feature]
    if t == "defect_type":
        return _terms(answer_text, "defect") == set(present_types(gt))
    if t == "defect_location":
        return _terms(answer_text, "location") == {_defect(gt, parsed.defect)["location"]}
    if t == "description":
        claims = description_claims(answer_text)
        if not claims or not all(claim_is_true(c, gt) for c in claims):
            return False
        named = {v for a, v in claims if a == "defect"}
        return ("part", gt["part"]) in claims and named == set(present_types(gt))
    return False


# --- claims in descriptions ------------------------------------------------------------------

_CLEAN_RE = re.compile(r"\b(?:looks (?:good|clean|fine|ok)|is clean|defect free|flawless|no visible damage|"
                       r"in good condition|without (?:any )?(?:visible )?defects?)\b")


def description_claims(text: str) -> list[tuple[str, object]]:
    """Attributes a description asserts, in order, without duplicates:
    ("part", name), ("material", name), ("background", name), ("holes", n), ("teeth", n),
    ("defect", type), ("absent_defect", type) for a negated one ("no rust"),
    ("defect_location", (type, location)) for a defect with its location in the same clause,
    ("location", location) for a location not tied to one defect, ("defective", bool) for
    "no visible defects"/"looks good" (False) or an unnamed "defect" (True)."""
    if not isinstance(text, str):
        return []
    claims: list[tuple[str, object]] = []

    def add(c):
        if c not in claims:
            claims.append(c)

    # Clauses: a defect and its location are read within one clause only.
    for clause in re.split(r"[.;,:!?]| and | but | with ", " " + text.replace("<image>", " ") + " "):
        # "top view", "on top of" describe the camera and the table, not a defect's place.
        norm = re.sub(r"\b(?:top view|on top of)\b", " ", normalise(clause)).strip()
        if not norm:
            continue
        for feature, n in find_counts(norm):
            add((feature, n))
        if _CLEAN_RE.search(norm):
            add(("defective", False))
        hits = find_terms(norm)
        defects = [h for h in hits if h.kind == "defect"]
        for h in hits:
            if h.kind in ("part", "material", "background"):
                add((h.kind, h.value))
            elif h.kind == "generic_defect":
                add(("defective", not is_negated(norm, h.start)))
            elif h.kind == "defect":
                add(("absent_defect" if is_negated(norm, h.start) else "defect", h.value))
        positive = [h for h in defects if not is_negated(norm, h.start)]
        for h in hits:
            if h.kind != "location":
                continue
            # The location belongs to the nearest defect before it, or to the only defect of
            # the clause ("at the top there is a crack").
            before = [d for d in positive if d.end <= h.start]
            owner = before[-1] if before else (positive[0] if len(positive) == 1 else None)
            add(("defect_location", (owner.value, h.value)) if owner else ("location", h.value))
    return claims


def claim_is_true(claim: tuple[str, object], gt: dict) -> bool:
    attribute, value = claim
    present = present_types(gt)
    if attribute == "part":
        return value == gt["part"]
    if attribute == "material":
        return value == gt["material"]
    if attribute == "background":
        return value == gt["background"]
    if attribute in ("holes", "teeth"):
        return gt["counts"].get(attribute) == value
    if attribute == "defect":
        return value in present
    if attribute == "absent_defect":
        return value not in present
    if attribute == "defect_location":
        dtype, loc = value
        return any(d["type"] == dtype and d["location"] == loc for d in gt["defects"])
    if attribute == "location":
        return any(d["location"] == value for d in gt["defects"])
    if attribute == "defective":
        return bool(value) == bool(gt["defective"])
    raise ValueError(f"unknown claim attribute {attribute!r}")


__all__ = [
    "VERDICT_QUESTION", "QUESTION_TYPES", "QUESTION_TEMPLATES", "ParsedQuestion", "parse_question",
    "is_valid_for", "true_answer", "answer_is_correct", "description_claims", "claim_is_true",
    "describe", "question_text", "yes_no", "present_types",
]

# Sanity: every name the generator can use is readable back.
assert set(PART_NAME) == set(PART_TYPES) and set(MATERIAL_NAME) == set(MATERIALS) and BACKGROUNDS
