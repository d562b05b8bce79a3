"""Grounded text: captions, conversations, and the question parser/grader evaluation relies on."""

import copy
from collections import Counter

import numpy as np
import pytest

from models.synth import (QUESTION_TYPES, VERDICT_QUESTION, ParsedQuestion, answer_is_correct, caption,
                          claim_is_true, conversation, describe, description_claims, is_valid_for,
                          parse_question, render_part, true_answer)
from models.synth.questions import QUESTION_TEMPLATES, yes_no
from models.synth.vocab import DEFECT_NOUN, DEFECT_NP, DEFECT_TYPES, LOCATIONS, MATERIALS, PART_TYPES, PARTS_WITH_HOLES

N = 300


@pytest.fixture(scope="module")
def gts():
    return [render_part(seed)[1] for seed in range(N)]


def _gt(part="flange", material="brass", defects=(), counts=None):
    counts = {"holes": 6} if counts is None and part in PARTS_WITH_HOLES else counts or {}
    if part == "gear" and not counts:
        counts = {"teeth": 12}
    return {"id": "t", "part": part, "material": material, "background": "belt", "counts": counts,
            "expected_counts": dict(counts), "defects": [dict(d) for d in defects], "defective": bool(defects),
            "part_bbox": [10, 10, 100, 100]}


SCRATCH = {"type": "scratch", "location": "upper left", "severity": "subtle", "bbox": [20, 20, 30, 22]}
RUST = {"type": "rust", "location": "bottom", "severity": "clear", "bbox": [50, 80, 60, 90]}


def test_conversation_structure_and_validity(gts):
    presence = {True: Counter(), False: Counter()}  # defective part? -> answers to presence questions
    asked, openings, locations = set(), Counter(), Counter()  # locations: right after their "Yes"?
    for i, gt in enumerate(gts):
        turns = conversation(gt, np.random.default_rng(i))
        assert [t["from"] for t in turns] == ["human", "gpt"] * (len(turns) // 2)
        assert turns[0]["value"].startswith("<image>\n")
        assert all("<image>" not in t["value"] for t in turns[1:])
        assert 5 <= len(turns) // 2 <= 9  # description + 4..8 (verdict included)
        questions = [t["value"].removeprefix("<image>\n") for t in turns[::2]]
        types = [parse_question(q).type for q in questions]
        assert types.count("description") == 1 and types.count("verdict") == 1
        assert questions.index(VERDICT_QUESTION) in (0, len(questions) - 1)  # first, as the product asks it, or last
        verdict = turns[2 * questions.index(VERDICT_QUESTION) + 1]["value"]
        assert yes_no(verdict) == ("yes" if gt["defective"] else "no")
        assert verdict.split()[0] in ("Yes,", "No,")
        openings[types[0] if types[0] in ("description", "verdict") else "question"] += 1
        prev = None
        for q, a in zip(questions, turns[1::2]):
            parsed = parse_question(q)
            assert parsed is not None, q
            assert is_valid_for(parsed, gt), (q, gt)
            assert a["value"] == true_answer(parsed, gt)
            assert answer_is_correct(parsed, gt, a["value"]), (q, a["value"])
            asked.add(parsed.type)
            if parsed.type == "defect_presence":
                presence[gt["defective"]][yes_no(a["value"])] += 1
            if parsed.type == "defect_location":
                follows_yes = prev is not None and prev.type == "defect_presence" and prev.defect == parsed.defect
                locations[follows_yes] += 1
            if parsed.type == "count":
                assert gt["counts"], gt
            prev = parsed
    assert asked == set(QUESTION_TYPES)
    # POPE-style balance where the answer could otherwise be guessed: on defective parts a "yes"
    # must come from the defect asked about, not from the part looking defective.
    on_defective = presence[True]
    assert 0.42 <= on_defective["yes"] / (on_defective["yes"] + on_defective["no"]) <= 0.58, on_defective
    assert presence[False]["no"] > 0 and presence[False]["yes"] == 0
    # A location is asked both right after its "Yes" (which names it) and where it must be read
    # off the image or the description, as the product asks it.
    assert min(locations[True], locations[False]) / sum(locations.values()) >= 0.25, locations
    # Every kind of opening occurs: later answers must not always be copyable from a description.
    assert min(openings[k] / len(gts) for k in ("description", "verdict", "question")) >= 0.1, openings


def test_eval_probes_are_every_question_but_the_description_and_the_verdict(gts):
    from models.evaluate import probe_questions

    opened = 0
    for i, gt in enumerate(gts):
        turns = conversation(gt, np.random.default_rng(i))
        probes = probe_questions(gt, i)
        assert len(probes) == len(turns) // 2 - 2
        assert all(p.type not in ("description", "verdict") and is_valid_for(p, gt) for _, p in probes)
        opened += turns[0]["value"].removeprefix("<image>\n") == probes[0][0]
    assert opened  # a conversation's opening question is probed too when it is neither


def test_conversations_are_deterministic_and_varied(gts):
    gt = gts[2]
    assert conversation(gt, np.random.default_rng(1)) == conversation(gt, np.random.default_rng(1))
    variants = {str(conversation(gt, np.random.default_rng(s))) for s in range(20)}
    assert len(variants) > 10
    assert caption(gt, np.random.default_rng(3)) == caption(gt, np.random.default_rng(3))
    assert len({caption(gt, np.random.default_rng(s)) for s in range(20)}) > 5


def test_every_template_parses_to_its_type():
    for qtype, templates in QUESTION_TEMPLATES.items():
        for t in templates:
            for defect in DEFECT_TYPES:
                for feature in ("holes", "teeth"):
                    text = t.format(defect_np=DEFECT_NP[defect], defect_noun=DEFECT_NOUN[defect], feature=feature)
                    p = parse_question(text)
                    assert p is not None and p.type == qtype, text
                    if "{defect" in t:
                        assert p.defect == defect, text
                    if "{feature" in t:
                        assert p.feature == feature, text


@pytest.mark.parametrize("text, expected", [
    ("  is THIS part defective?? answer YES or no ", ParsedQuestion("verdict")),
    ("Is it defective", ParsedQuestion("verdict")),
    ("Are there any defects on this part?", ParsedQuestion("verdict")),
    ("<image>\ndescribe the image.", ParsedQuestion("description")),
    ("What kind of part is this?", ParsedQuestion("identity")),
    ("what is this", ParsedQuestion("identity")),
    ("What metal is it made of?", ParsedQuestion("material")),
    ("How many bolt holes does the flange have?", ParsedQuestion("count", feature="holes")),
    ("How  many TEETH can you count", ParsedQuestion("count", feature="teeth")),
    ("Are there any scratches?", ParsedQuestion("defect_presence", defect="scratch")),
    ("Is the part corroded?", ParsedQuestion("defect_presence", defect="rust")),
    ("Is there any discoloration on it?", ParsedQuestion("defect_presence", defect="stain")),
    ("Do you see a burr?", ParsedQuestion("defect_presence", defect="chip")),
    ("Where is the corrosion?", ParsedQuestion("defect_location", defect="rust")),
    ("Where's the pit?", None),  # contraction not supported -> not well-formed
    ("where is the pit located", ParsedQuestion("defect_location", defect="dent")),
    ("What type of damage does the part have?", ParsedQuestion("defect_type")),
])
def test_parse_variants(text, expected):
    assert parse_question(text) == expected


@pytest.mark.parametrize("text", [
    "", "   ", "???", "Hello there", "How many bolts are there?", "Is there a scratch or a dent?",
    "Is there a scratch at the top?", "Where is the part?", "Is there no rust?", "What colour is the sky?",
    "Is there a washer?", 42,
])
def test_not_well_formed(text):
    assert parse_question(text) is None


def test_validity_rules():
    washer, gear, flange = _gt("washer"), _gt("gear"), _gt("flange", defects=[SCRATCH])
    teeth, holes = ParsedQuestion("count", feature="teeth"), ParsedQuestion("count", feature="holes")
    assert is_valid_for(teeth, gear) and not is_valid_for(teeth, washer) and not is_valid_for(teeth, flange)
    assert is_valid_for(holes, flange) and not is_valid_for(holes, washer) and not is_valid_for(holes, gear)
    hole_q = ParsedQuestion("defect_presence", defect="missing_hole")
    assert is_valid_for(hole_q, flange) and not is_valid_for(hole_q, washer)
    assert is_valid_for(ParsedQuestion("defect_presence", defect="crack"), washer)
    assert is_valid_for(ParsedQuestion("defect_type"), flange) and not is_valid_for(ParsedQuestion("defect_type"), washer)
    assert is_valid_for(ParsedQuestion("defect_location", defect="scratch"), flange)
    assert not is_valid_for(ParsedQuestion("defect_location", defect="rust"), flange)
    assert not is_valid_for(None, flange)
    assert not is_valid_for(ParsedQuestion("weather"), flange)
    for q in ("description", "identity", "material", "verdict"):
        assert is_valid_for(ParsedQuestion(q), washer)


def test_true_answers_and_grading():
    gt = _gt("l_bracket", "aluminium", defects=[SCRATCH, RUST], counts={"holes": 3})
    q = parse_question
    assert true_answer(q("What part is this?"), gt) == "An L bracket."
    assert true_answer(q(VERDICT_QUESTION), gt) == "Yes, a scratch at the upper left and rust at the bottom."
    assert true_answer(q(VERDICT_QUESTION), _gt()) == "No, it looks good."
    assert true_answer(q("Is there a crack on this part?"), gt) == "No, there is no crack."
    assert true_answer(q("Where is the rust?"), gt) == "At the bottom."
    assert true_answer(q("Describe this part."), gt) == \
        "An aluminium L bracket with 3 holes; a scratch at the upper left and rust at the bottom."
    cases = [
        ("What part is this?", "an angle bracket", True), ("What part is this?", "A plate.", False),
        ("What part is this?", "A bracket or a plate", False),
        ("What material is it made of?", "Aluminum.", True), ("What material is it made of?", "Steel.", False),
        ("How many holes does it have?", "three", True), ("How many holes does it have?", "It has 3 holes.", True),
        ("How many holes does it have?", "4 holes.", False), ("How many holes does it have?", "some", False),
        ("Is there rust on this part?", "yes", True), ("Is there rust on this part?", "No, there is no rust.", False),
        ("Is there a dent on this part?", "No.", True), ("Is there a dent on this part?", "Yes, a dent.", False),
        ("Is there a dent on this part?", "Maybe no", False),
        ("What kind of defect does it have?", "Corrosion and a scratch.", True),
        ("What kind of defect does it have?", "A scratch.", False),
        ("What kind of defect does it have?", "A scratch, rust and a crack.", False),
        ("Where is the scratch?", "Top-left corner.", True), ("Where is the scratch?", "At the top.", False),
        ("Where is the scratch?", "upper left or bottom", False),
        (VERDICT_QUESTION, "Yes", True), (VERDICT_QUESTION, "No, it looks good.", False),
        (VERDICT_QUESTION, "It is defective", False),
        ("Describe this part.", "An aluminium L bracket with 3 holes; a scratch at the upper left and rust at the bottom.", True),
        ("Describe this part.", "An aluminium L bracket with 3 holes; a scratch at the upper left.", False),
        ("Describe this part.", "A brass L bracket with 3 holes; a scratch at the upper left and rust at the bottom.", False),
        ("Describe this part.", "An aluminium L bracket; no visible defects.", False),
    ]
    for question, answer, ok in cases:
        assert answer_is_correct(q(question), gt, answer) is ok, (question, answer)
    # An answer to a question that makes no sense for the part is never correct.
    assert not answer_is_correct(ParsedQuestion("count", feature="teeth"), gt, "3")
    with pytest.raises(ValueError):
        true_answer(ParsedQuestion("defect_location", defect="crack"), gt)


def test_generated_answers_grade_and_wrong_answers_fail(gts):
    for gt in gts[:120]:
        other_part = next(p for p in PART_TYPES if p != gt["part"])
        other_material = next(m for m in MATERIALS if m != gt["material"])
        assert not answer_is_correct(ParsedQuestion("identity"), gt, f"A {other_part.replace('_', ' ')}.")
        assert not answer_is_correct(ParsedQuestion("material"), gt, other_material.replace("_", " "))
        verdict = true_answer(ParsedQuestion("verdict"), gt)
        flipped = "No, it looks good." if gt["defective"] else "Yes, a crack at the top."
        assert answer_is_correct(ParsedQuestion("verdict"), gt, verdict)
        assert not answer_is_correct(ParsedQuestion("verdict"), gt, flipped)
        for feature, n in gt["counts"].items():
            assert not answer_is_correct(ParsedQuestion("count", feature=feature), gt, f"{n + 1} {feature}.")
        for d in gt["defects"]:
            wrong = next(loc for loc in LOCATIONS if loc != d["location"])
            assert not answer_is_correct(ParsedQuestion("defect_location", defect=d["type"]), gt, f"At the {wrong}.")


def test_description_claims_of_generated_text_are_true(gts):
    for i, gt in enumerate(gts):
        rng = np.random.default_rng(i)
        texts = [describe(gt)] + [caption(gt, rng) for _ in range(3)]
        for text in texts:
            claims = description_claims(text)
            assert ("part", gt["part"]) in claims and ("material", gt["material"]) in claims, text
            assert all(claim_is_true(c, gt) for c in claims), (text, claims)
            for feature, n in gt["counts"].items():
                assert (feature, n) in claims, text
            for d in gt["defects"]:
                assert ("defect", d["type"]) in claims, text
                assert ("defect_location", (d["type"], d["location"])) in claims, text
            if not gt["defective"]:
                assert ("defective", False) in claims, text
        assert answer_is_correct(ParsedQuestion("description"), gt, describe(gt))


def test_description_with_wrong_facts_has_false_claims():
    gt = _gt("gear", "copper", defects=[SCRATCH], counts={"teeth": 12})
    good = describe(gt)
    assert good == "A copper gear with 12 teeth; a scratch at the upper left."
    for wrong in (good.replace("copper", "brass"), good.replace("12", "11"), good.replace("gear", "hex nut"),
                  good.replace("scratch", "crack"), good.replace("upper left", "lower right"),
                  "A copper gear with 12 teeth; no visible defects."):
        claims = description_claims(wrong)
        assert not all(claim_is_true(c, gt) for c in claims), wrong
        assert not answer_is_correct(ParsedQuestion("description"), gt, wrong)
    assert description_claims("A black oxide steel washer on a blue tray, no rust.") == [
        ("material", "black_oxide"), ("part", "washer"), ("background", "tray"), ("absent_defect", "rust")]
    assert ("location", "top") not in description_claims("Top view of a washer on top of a mat.")


def test_claims_do_not_mutate_gt(gts):
    gt = copy.deepcopy(gts[5])
    description_claims(describe(gt))
    conversation(gt, np.random.default_rng(0))
    caption(gt, np.random.default_rng(0))
    assert gt == gts[5]
