"""Self-questioning inspection on the PyTorch side (reference for the runtime, eval, the demo).

One inspection, as in DESIGN.md: describe the part (greedy), let the virtual user ask K
questions (sampled), answer each (greedy), and read the verdict probability from the yes/no
logits of the verdict question asked straight after the image. Not after the description and
the self-answers: the model would then read its own text, so a description that missed a defect
would decide the verdict (model 0.2, verdict asked after them: AUC 0.92 against 0.98 for the
vision tower's own defect head).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer

from app.runtime.preprocess import check_verdict_views, verdict_views  # numpy only: the runtime's own definition
from models.conversation import IMAGE_PLACEHOLDER, Prompt, get_template, tokenize_prompt
from models.modeling_sqllava import SQLlavaForConditionalGeneration
from models.synth.dataset import read_image  # noqa: F401 (part of this module's API)
from models.synth.questions import VERDICT_QUESTION  # one wording for training data and inference
from models.train.preprocess import preprocess

log = logging.getLogger(__name__)

DESCRIBE_QUESTION = "Describe this part."


def inspection_defaults() -> dict:
    return {
        "describe_question": DESCRIBE_QUESTION,
        "verdict_question": VERDICT_QUESTION,
        "yes_token": " Yes",
        "no_token": " No",
        "num_questions": 4,
        "question_sampling": {"temperature": 1.2, "top_k": 300, "top_p": 0.95},
        "max_description_tokens": 48,
        "max_question_tokens": 24,
        "max_answer_tokens": 24,
        "threshold": 0.5,
        "verdict_views": 1,  # what a checkpoint without the key was calibrated with
    }


def reply_token_id(tokenizer: Tokenizer, assistant: str, text: str) -> int:
    """The one token the model emits for `text` (" Yes") right after "ASSISTANT:", found by how
    the tokenizer splits that reply rather than the word alone: a SentencePiece-style tokenizer
    (LLaMA's) puts "▁" in front of any text it encodes, so " Yes" alone is two tokens there while
    the reply ends in the one token "▁Yes"."""
    prefix = f"{assistant}:"
    head = tokenizer.encode(prefix, add_special_tokens=False).ids
    ids = tokenizer.encode(prefix + text, add_special_tokens=False).ids
    if ids[:len(head)] != head or len(ids) != len(head) + 1:
        raise ValueError(f"{text!r} after {prefix!r} is not a single token for this tokenizer")
    return ids[-1]


@dataclass
class Inspection:
    description: str
    qa: list[dict]
    defect_probability: float
    verdict: str
    threshold: float
    questions_sampled: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "description": self.description, "qa": self.qa, "verdict": self.verdict,
            "defect_probability": round(self.defect_probability, 6), "threshold": self.threshold,
        }


class Inspector:
    def __init__(self, checkpoint: Path, threads: int | None = None):
        checkpoint = Path(checkpoint)
        if threads:
            torch.set_num_threads(threads)
        self.model = SQLlavaForConditionalGeneration.from_pretrained(checkpoint).eval()
        self.tokenizer = Tokenizer.from_file(str(checkpoint / "tokenizer.json"))
        self.meta = json.loads((checkpoint / "sqinspect.json").read_text())
        self.template = get_template(self.meta["template"])
        self.settings = {**inspection_defaults(), **self.meta.get("inspection", {})}
        self.pre = self.meta["preprocessing"]
        self.eos = self.tokenizer.token_to_id("</s>")
        pad = self.tokenizer.token_to_id("<pad>")
        self.pad = pad if pad is not None else self.eos
        self.yes = reply_token_id(self.tokenizer, self.template.assistant, self.settings["yes_token"])
        self.no = reply_token_id(self.tokenizer, self.template.assistant, self.settings["no_token"])

    # -- prompt pieces ---------------------------------------------------------------------
    def first_turn(self, question: str) -> str:
        """The prompt of a question asked right after the image."""
        t = self.template
        return f"{t.system}{t.sep}{t.user}: {IMAGE_PLACEHOLDER}\n{question}{t.sep}{t.assistant}:"

    def _prefix(self) -> str:
        return self.first_turn(self.settings["describe_question"])

    def _ids(self, text: str) -> torch.Tensor:
        ids, _ = tokenize_prompt(
            Prompt(text=text), self.tokenizer, image_token_id=self.model.config.image_token_index,
            num_image_tokens=self.model.config.image_seq_length,
        )
        return torch.tensor([ids])

    def pixels(self, image_bgr: np.ndarray) -> torch.Tensor:
        x = preprocess(image_bgr, self.pre["size"], self.pre["mean"], self.pre["std"])
        return torch.from_numpy(x)[None]

    @torch.no_grad()
    def generate(self, texts: list[str], pixels: torch.Tensor, max_new: int, sample: bool = False) -> list[str]:
        """Continue each prompt (all about the same image) as one left-padded batch."""
        rows = [self._ids(t)[0] for t in texts]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.pad, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, width - len(r):] = r
            mask[i, width - len(r):] = 1
        kwargs = dict(do_sample=False)
        if sample:
            s = self.settings["question_sampling"]
            kwargs = dict(do_sample=True, temperature=s["temperature"], top_k=s["top_k"], top_p=s["top_p"])
        out = self.model.generate(
            input_ids=ids, attention_mask=mask, pixel_values=pixels.expand(len(rows), -1, -1, -1),
            max_new_tokens=max_new, eos_token_id=self.eos, pad_token_id=self.pad, **kwargs,
        )
        return [self.tokenizer.decode(row[width:].tolist(), skip_special_tokens=True).strip() for row in out]

    def describe_prefix(self, description: str) -> str:
        """Prompt text up to and including the model's description turn."""
        return f"{self._prefix()} {description}{self.template.sep2}"

    def question_prompt(self, history: str, question: str, role: str | None = None) -> str:
        t = self.template
        role = role or t.vuser
        if role == t.vuser:
            return f"{history}{t.vuser}: {question}{t.sep2}{t.sep}{t.assistant}:"
        return f"{history}{t.user}: {question}{t.sep}{t.assistant}:"

    @torch.no_grad()
    def inspect(self, image_bgr: np.ndarray, num_questions: int | None = None, seed: int = 0) -> Inspection:
        t = self.template
        k = self.settings["num_questions"] if num_questions is None else num_questions
        pixels = self.pixels(image_bgr)
        description = self.generate([self._prefix()], pixels, self.settings["max_description_tokens"])[0]
        history = self.describe_prefix(description)

        torch.manual_seed(seed)
        sampled = []
        if k:
            sampled = self.generate([f"{history}{t.vuser}:"] * k, pixels, self.settings["max_question_tokens"], sample=True)
        questions = list(dict.fromkeys(q for q in sampled if q))  # de-duplicated, order kept
        answers = self.generate([self.question_prompt(history, q) for q in questions], pixels,
                                self.settings["max_answer_tokens"]) if questions else []
        qa = [{"question": q, "answer": a} for q, a in zip(questions, answers)]
        p_yes = self.verdict_probability(pixels)
        threshold = float(self.settings["threshold"])
        return Inspection(description, qa, p_yes, "fail" if p_yes >= threshold else "pass", threshold, sampled)

    @torch.no_grad()
    def verdict_probability(self, pixels: torch.Tensor) -> float:
        """P(yes) of the verdict question asked straight after the image, averaged over the
        checkpoint's verdict views (the image turned by 90-degree steps, app.runtime.preprocess)."""
        views = torch.from_numpy(verdict_views(pixels[0].numpy(), int(self.settings["verdict_views"])))
        ids = self._ids(self.first_turn(self.settings["verdict_question"])).expand(len(views), -1)
        logits = self.model(input_ids=ids, pixel_values=views).logits[:, -1]
        return torch.softmax(logits[:, [self.yes, self.no]].float(), dim=1)[:, 0].mean().item()


# The share of defective validation parts the threshold keeps. The product must reach recall
# >= 0.95; 0.96 leaves a margin for the split's sampling error (+-0.006 on 2000 parts). Model 0.5,
# held-out: 0.98 on 500 parts gave recall 0.974 at false alarm 0.316, 0.96 on 2000 gave 0.962 at 0.173.
DEFAULT_RECALL = 0.96


def verdict_scores(inspector: "Inspector", data_dir: Path, limit: int | None = None) -> tuple[list[bool], list[float]]:
    """(defective?, verdict probability) of every part of a data set folder.

    The verdict is asked straight after the image, so its probability needs one forward pass,
    not the whole inspection: a large split is cheap."""
    from tqdm import tqdm

    from models.train.data import read_groundtruth

    gts = read_groundtruth(data_dir)[:limit]
    scores = [inspector.verdict_probability(inspector.pixels(read_image(Path(data_dir) / g["image"])))
              for g in tqdm(gts, desc="threshold", unit="img")]
    return [bool(g["defective"]) for g in gts], scores


def calibrate(checkpoint: Path, data_dir: Path, recall: float = DEFAULT_RECALL, limit: int | None = None,
              views: int | None = None) -> dict:
    """The highest threshold that keeps `recall` of the data set's defective parts, with what it
    reaches there: {"threshold", "recall", "recall_reached", "false_alarm", "parts", "defective", "data"}."""
    from models.metrics import rates_at, threshold_for_recall
    from models.train.data import read_groundtruth

    if not 0 < recall <= 1:
        raise ValueError(f"recall must be in (0, 1], not {recall}")
    defective = [bool(g["defective"]) for g in read_groundtruth(data_dir)[:limit]]
    if not any(defective) or all(defective):  # checked before minutes of forward passes
        raise ValueError(f"{data_dir}: a threshold needs both defective and good parts "
                         f"({sum(defective)} of {len(defective)} are defective)")
    inspector = Inspector(checkpoint)
    if views is not None:
        inspector.settings["verdict_views"] = check_verdict_views(views)  # before minutes of forward passes
    labels, scores = verdict_scores(inspector, data_dir, limit)
    threshold = threshold_for_recall(labels, scores, recall)
    reached, false_alarm = rates_at(labels, scores, threshold)
    return {"threshold": threshold, "recall": recall, "recall_reached": reached, "false_alarm": false_alarm,
            "parts": len(labels), "defective": sum(labels), "data": Path(data_dir).name,
            "views": int(inspector.settings["verdict_views"])}

