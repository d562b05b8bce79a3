"""`sqinspect eval`: the full self-questioning inspection on every image of a data set, graded
against the ground truth. The model is a checkpoint (PyTorch reference) or an exported bundle
(the product's ONNX Runtime engine; no torch needed), graded the same way.

Per image: one inspection (description, K sampled self-questions and their answers, verdict
probability) plus a fixed set of probe questions drawn from the ground truth (the same kinds as
in training, with balanced present/absent defect questions), asked as USER after the model's
own description and graded with models.synth.questions.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path

import numpy as np
from tqdm import tqdm

from models.metrics import rates_at, recall_at_false_alarm, roc_auc
from models.synth.questions import (
    ParsedQuestion,
    answer_is_correct,
    claim_is_true,
    description_claims,
    is_valid_for,
    parse_question,
)
from models.synth.lexicon import normalise
from models.synth.text import conversation
from models.synth.dataset import read_groundtruth, read_image, read_origin

log = logging.getLogger(__name__)


def probe_questions(gt: dict, seed: int) -> list[tuple[str, ParsedQuestion]]:
    """The questions of a ground-truth conversation, parsed, besides the description and the
    verdict (the inspection itself grades those two)."""
    turns = conversation(gt, np.random.default_rng(seed))
    parsed = [(q, parse_question(q)) for q in (t["value"].removeprefix("<image>\n") for t in turns[0::2])]
    return [(q, p) for q, p in parsed if p is not None and p.type not in ("description", "verdict")]


class CheckpointModel:
    """The PyTorch reference (models/inspect.py) on a checkpoint folder."""

    def __init__(self, checkpoint: Path):
        from models.inspect import Inspector

        self.inspector = Inspector(checkpoint)
        self.threshold = float(self.inspector.settings["threshold"])
        self.views = int(self.inspector.settings["verdict_views"])
        self.kind = "checkpoint"

    def inspect(self, image: np.ndarray, num_questions: int, seed: int):
        return self.inspector.inspect(image, num_questions=num_questions, seed=seed)

    def ask(self, image: np.ndarray, description: str, questions: list[str]) -> list[str]:
        """Answers to questions asked by the user after the model's own description, batched."""
        i = self.inspector
        history = i.describe_prefix(description)
        prompts = [i.question_prompt(history, q, role=i.template.user) for q in questions]
        return i.generate(prompts, i.pixels(image), i.settings["max_answer_tokens"]) if prompts else []


class BundleModel:
    """The product runtime (ONNX Runtime) on an exported bundle."""

    def __init__(self, bundle: Path):
        from app.runtime import Engine, Pipeline

        self.pipeline = Pipeline(Engine(bundle))
        self.threshold = self.pipeline.threshold
        self.views = self.pipeline.views
        self.kind = f"bundle ({self.pipeline.engine.bundle.manifest['precision']})"

    def inspect(self, image: np.ndarray, num_questions: int, seed: int):
        return self.pipeline.inspect(image, num_questions=num_questions, seed=seed)

    def ask(self, image: np.ndarray, description: str, questions: list[str]) -> list[str]:
        return self.pipeline.ask(image, description, questions)


def open_model(path: Path):
    """A bundle (manifest.json) or a checkpoint folder (config.json)."""
    path = Path(path)
    if (path / "manifest.json").is_file():
        return BundleModel(path)
    return CheckpointModel(path)


def evaluate(model_dir: Path, data_dir: Path, *, num_questions: int = 4, limit: int | None = None,
             seed: int = 0, threshold: float | None = None) -> dict:
    model = open_model(model_dir)
    threshold = float(model.threshold if threshold is None else threshold)
    gts = read_groundtruth(data_dir)[:limit]
    labels, scores = [], []
    correct: dict[str, list[bool]] = defaultdict(list)
    absent_yes: dict[str, list[bool]] = {"good": [], "defective": []}  # by the part's true state
    valid, distinct = [], []
    claims_true: list[bool] = []
    for i, gt in enumerate(tqdm(gts, desc="eval", unit="img")):
        image = read_image(Path(data_dir) / gt["image"])
        result = model.inspect(image, num_questions, seed + i)
        labels.append(bool(gt["defective"]))
        scores.append(result.defect_probability)

        for q in result.questions_sampled:
            valid.append(is_valid_for(parse_question(q), gt))
        distinct.append(len({normalise(q) for q in result.questions_sampled if q}))
        claims_true.extend(claim_is_true(c, gt) for c in description_claims(result.description))
        correct["description"].append(answer_is_correct(parse_question("Describe this part."), gt, result.description))

        # Probe questions, batched: asked by the user after the model's own description.
        probes = probe_questions(gt, seed + i)
        answers = model.ask(image, result.description, [q for q, _ in probes])
        for (q, parsed), a in zip(probes, answers):
            ok = answer_is_correct(parsed, gt, a)
            correct[parsed.type].append(ok)
            if parsed.type == "defect_presence" and parsed.defect not in {d["type"] for d in gt["defects"]}:
                absent_yes["defective" if gt["defective"] else "good"].append(a.strip().lower().startswith("yes"))
        correct["verdict"].append((result.defect_probability >= threshold) == bool(gt["defective"]))

    recall, false_alarm = rates_at(labels, scores, threshold)
    called = [score >= threshold for score in scores]
    all_answers = [ok for oks in correct.values() for ok in oks]
    return {
        "n_images": len(gts),
        "verdict_auc": roc_auc(labels, scores),
        "threshold": threshold,
        "verdict_views": model.views,
        "recall_at_threshold": recall,
        "false_alarm_at_threshold": false_alarm,
        # The target pair read the other way: recall when false alarms are held to a rate.
        "recall_at_false_alarm": {f"{fa:.0%}": recall_at_false_alarm(labels, scores, fa) for fa in (0.01, 0.05)},
        "recall_by_defect": recall_by_defect(gts, called),
        "false_alarm_by_part": false_alarm_by_part(gts, called),
        "answer_accuracy": {"overall": _mean(all_answers),
                            **{k: float(np.mean(v)) for k, v in sorted(correct.items())}},
        "answer_counts": {k: len(v) for k, v in sorted(correct.items())},
        "hallucination_rate": _mean(absent_yes["good"] + absent_yes["defective"]),
        # On a defective part a "yes" to an absent defect is the model answering "is it defective?"
        # instead of the question: that shortcut shows only in this split.
        "hallucination_by_part_state": {k: {"rate": _mean(v), "n": len(v)} for k, v in absent_yes.items()},
        "self_questions": {
            "valid_rate": _mean(valid),
            "distinct_per_image": _mean(distinct),
            "k": num_questions,
        },
        "description_accuracy": _mean(claims_true),
        # How the set was made, so the report still says so once the folder is gone.
        "data": {"dir": str(data_dir), **read_origin(data_dir)},
        "model": {"path": str(model_dir), "kind": model.kind},
    }


def _mean(values: list) -> float:
    return float(np.mean(values)) if values else float("nan")


def recall_by_defect(gts: list[dict], called: list[bool]) -> dict:
    """Share of parts with each defect type and severity called defective (a part with two defects
    counts for both): which defects the verdict misses."""
    hits: dict[str, list[bool]] = defaultdict(list)
    for gt, c in zip(gts, called):
        for d in gt["defects"]:
            hits[f"{d['type']}/{d['severity']}"].append(c)
    return {k: {"recall": float(np.mean(v)), "n": len(v)} for k, v in sorted(hits.items())}


def false_alarm_by_part(gts: list[dict], called: list[bool]) -> dict:
    """Share of defect-free parts of each type called defective."""
    alarms: dict[str, list[bool]] = defaultdict(list)
    for gt, c in zip(gts, called):
        if not gt["defective"]:
            alarms[gt["part"]].append(c)
    return {k: {"false_alarm": float(np.mean(v)), "n": len(v)} for k, v in sorted(alarms.items())}


def write_report(report: dict, path: Path) -> None:
    Path(path).write_text(json.dumps(report, indent=2))
