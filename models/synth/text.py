"""Text grounded in the ground truth: captions (stage-1 alignment) and LLaVA-format
conversations (stage-2 self-questioning instruction tuning).

Questions come from questions.QUESTION_TEMPLATES and answers from questions.true_answer, so the
evaluation parser and grader agree with everything generated here. Answers are short and
regular on purpose: a model of a few million parameters has to learn them.
"""

from __future__ import annotations

import numpy as np

from .questions import (LOCATION_PHRASE, VERDICT_QUESTION, ParsedQuestion, article, defect_phrase, describe,
                        question_text, true_answer)
from .vocab import BACKGROUND_NAME, COUNTED_FEATURE, DEFECT_TYPES, MATERIAL_NAME, PART_NAME, PARTS_WITH_HOLES

# Presence questions per conversation, balanced POPE-style within defective parts: a defective
# part is asked about each of its defects (yes) and about as many that it does not have (no), so
# "yes" must come from how a defect looks, not from the part looking defective (model 0.4, asked
# about absent defects only on 10% of defective parts in training, said "yes" to 93% of them on
# defective held-out parts against 3% on good ones). A good part is asked about one absent defect,
# rarely two. Over a data set with half the parts good, about a third of the answers are yes.
P_LOCATION_FOLLOW_UP = 0.8  # "Where is it?" after a "Yes": the weakest answer of model 0.4 (0.61)
# Half the location questions stand on their own, anywhere in the conversation. Asked only right
# after "Yes, there is rust at the upper left.", the answer is learnt as a copy of that turn, while
# the product asks each question straight after its own description: model 0.6 named the right
# location in 0.42 of the held-out location questions, while its descriptions placed a defect they
# named right in 159 of 232 cases (the first 300 defective held-out parts).
P_LOCATION_ON_ITS_OWN = 0.5
P_SECOND_ABSENT_ON_GOOD = 0.05
MIN_TURNS, MAX_TURNS = 4, 8  # Q&A turns besides the description, the verdict included
# What a conversation opens with, drawn uniformly: the description (the product's first turn),
# the verdict (asked straight after the image in the product) or a question about the part.
# 40% open as the product does, 40% of the verdicts read the image alone (the one the product uses).
OPENINGS = ("description", "description", "verdict", "verdict", "question")

_SEVERITY_WORDS = {
    "scratch": (("faint", "thin", "light"), ("deep", "long", "clear")),
    "crack": (("hairline", "fine", "small"), ("long", "wide", "clear")),
    "dent": (("small", "shallow", "slight"), ("deep", "large", "clear")),
    "rust": (("a little", "a small patch of", "light"), ("a patch of", "heavy", "a large patch of")),
    "chip": (("small", "slightly", "minor"), ("large", "badly", "clear")),
    "missing_hole": (("",), ("",)),
    "stain": (("faint", "light", "slight"), ("dark", "large", "clear")),
}
_NEAR = ("at the", "near the", "towards the", "in the")


def _rng(rng) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


def _caption_defect(d: dict, rng: np.random.Generator) -> str:
    """'a thin scratch near the upper left', 'heavy rust on the right', 'a slightly chipped edge ...'"""
    adj = _pick(rng, _SEVERITY_WORDS[d["type"]][d["severity"] == "clear"])
    if d["type"] == "missing_hole":
        phrase = defect_phrase(d)
    elif d["type"] == "rust":
        phrase = f"{adj} rust" if adj else "rust"
    else:
        noun = {"chip": "chipped edge"}.get(d["type"], d["type"])
        phrase = article(f"{adj} {noun}" if adj else noun)
    loc = d["location"]
    where = _pick(rng, _NEAR) + f" {loc}" if loc not in ("left", "right", "centre") else LOCATION_PHRASE[loc]
    if loc == "centre" and rng.random() < 0.5:
        where = "near the centre"
    return f"{phrase} {where}"


def caption(gt: dict, rng) -> str:
    """A varied one- or two-sentence caption: material, part, background, counts, each defect
    with its location (or that the part looks clean)."""
    rng = _rng(rng)
    part, material, bg = PART_NAME[gt["part"]], MATERIAL_NAME[gt["material"]], BACKGROUND_NAME[gt["background"]]
    counts = ""
    for feature, n in gt["counts"].items():
        word = feature if n != 1 else {"holes": "hole", "teeth": "tooth"}[feature]
        counts = _pick(rng, [f" with {n} {word}", f" with {n} {word}", f" that has {n} {word}"])
    subject = article(f"{material} {part}")
    where = _pick(rng, [f"on a {bg}", f"lying on a {bg}", f"resting on a {bg}"])
    if gt["defects"]:
        findings = " and ".join(_caption_defect(d, rng) for d in gt["defects"])
    else:
        findings = _pick(rng, ["it looks clean", "no visible defects", "no defects are visible",
                               "the surface looks good"])
    form = int(rng.integers(4))
    if form == 0:
        text = f"{subject}{counts} {where}; {findings}."
    elif form == 1:
        text = f"Photo of {subject}{counts} {where}. Findings: {findings}."
    elif form == 2:
        text = f"{subject} {where}{',' if counts else ''}{counts.replace(' that has', ' having')}; {findings}."
    else:
        text = f"Overhead view of {subject}{counts}, {where}: {findings}."
    return text[0].upper() + text[1:]


def _turn(q: str, a: str) -> list[dict]:
    return [{"from": "human", "value": q}, {"from": "gpt", "value": a}]


def conversation(gt: dict, rng) -> list[dict]:
    """LLaVA-format turns about one part: a description, 3-7 further questions in varied order
    and the verdict question, only questions valid for the part; the first human turn carries
    "<image>\\n".

    What comes first varies (OPENING): the product describes first and asks the verdict straight
    after the image, and a conversation that always opens with the description lets every later
    answer be copied from it, so the model would learn to look at the image for the description
    only (measured on model 0.2: 122 of 200 "Where is the X?" answers named no location)."""
    rng = _rng(rng)
    present = [d["type"] for d in gt["defects"]]
    allowed = [t for t in DEFECT_TYPES if t != "missing_hole" or gt["part"] in PARTS_WITH_HOLES]
    absent = [t for t in allowed if t not in present]

    def qa(parsed: ParsedQuestion) -> list[dict]:
        q = question_text(parsed.type, rng, defect=parsed.defect, feature=parsed.feature)
        return _turn(q, true_answer(parsed, gt))

    # Blocks keep a follow-up location question right after the "Yes" it follows up.
    blocks: list[list[dict]] = [qa(ParsedQuestion("identity")), qa(ParsedQuestion("material"))]
    feature = COUNTED_FEATURE.get(gt["part"])
    if feature:
        blocks.append(qa(ParsedQuestion("count", feature=feature)))
    n_absent = 0
    if present:
        for t in present:
            block = qa(ParsedQuestion("defect_presence", defect=t))
            if rng.random() < P_LOCATION_FOLLOW_UP:
                location = qa(ParsedQuestion("defect_location", defect=t))
                if rng.random() < P_LOCATION_ON_ITS_OWN:
                    blocks.append(location)
                else:
                    block += location
            blocks.append(block)
        if rng.random() < 0.5:
            blocks.append(qa(ParsedQuestion("defect_type")))
        n_absent = len(present)
    else:
        n_absent = 1 + int(rng.random() < P_SECOND_ABSENT_ON_GOOD)
    asked = list(rng.choice(absent, size=min(n_absent, len(absent)), replace=False))
    for t in asked:
        blocks.append(qa(ParsedQuestion("defect_presence", defect=str(t))))

    order = [int(i) for i in rng.permutation(len(blocks))]
    starts, body = [], []
    for i in order:
        starts.append(len(body))
        body += blocks[i]
    # Room for the verdict: drop Q&A pairs from the end (a follow-up location question comes after
    # its "Yes", so dropping from the end never leaves one without it). Padding (body shorter than
    # MIN_TURNS - 1) cannot happen with the blocks above but is kept as a guard.
    while len(body) // 2 > MAX_TURNS - 1:
        body = body[:-2]
    while len(body) // 2 < MIN_TURNS - 1:
        remaining = [t for t in absent if t not in asked]
        t = str(_pick(rng, remaining)) if remaining else None
        if t is None:
            break
        asked.append(t)
        starts.append(len(body))
        body += qa(ParsedQuestion("defect_presence", defect=t))

    description = _turn(question_text("description", rng), describe(gt))
    verdict = _turn(VERDICT_QUESTION, true_answer(ParsedQuestion("verdict"), gt))
    opening = _pick(rng, OPENINGS)
    if opening == "description":
        turns = description + body + verdict
    else:
        at = _pick(rng, [s for s in starts if s < len(body)] + [len(body)])  # between blocks
        body = body[:at] + description + body[at:]
        turns = verdict + body if opening == "verdict" else body + verdict
    turns[0] = {**turns[0], "value": "<image>\n" + turns[0]["value"]}
    return turns
