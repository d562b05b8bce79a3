"""One inspection over an Engine, as DESIGN.md lays it out, reproducing models/inspect.py.

  preprocess -> vision graph once -> prefix (system + image + describe question) prefilled once;
  the text before the image is the same for every image, so its KV is computed once per engine
  -> description (greedy) -> the history (prefix + description + "VUSER:") prefilled once, its
  KV tiled K times and K self-questions sampled as one batch, de-duplicated -> the answers as one
  left-padded batch on top of the shared history KV (greedy) -> P(yes) of the verdict question,
  asked straight after the image (as models/inspect.py explains), from its yes/no logits,
  prefilled on top of the image's prefix KV, and averaged with the same question on the image
  turned by 90-degree steps when the bundle names more than one verdict view.

Every prompt is tokenized as a whole text, exactly as the reference does; cached KV is reused for
the longest common token prefix with what the decoder has already seen, so reuse never changes a
token id. Greedy text and the verdict match the reference up to float rounding; sampled
questions come from numpy's generator (seeded) and so differ from torch's.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np

from app.runtime.engine import Engine
from app.runtime.generate import DecodeStats, KVCache, common_prefix, extend, generate
from app.runtime.preprocess import verdict_views
from app.runtime.sampling import Sampler, greedy, probability_of_pair

log = logging.getLogger(__name__)

STAGES = ("preprocess", "vision", "prefix", "description", "questions", "answers", "verdict")


@dataclass
class Inspection:
    description: str
    qa: list[dict]
    defect_probability: float
    verdict: str
    threshold: float
    questions_sampled: list[str]
    latency_ms: dict[str, float]
    tokens: dict[str, int] = field(default_factory=dict)
    decode: DecodeStats = field(default_factory=DecodeStats)

    def to_dict(self) -> dict:
        return {
            "description": self.description, "qa": self.qa, "verdict": self.verdict,
            "defect_probability": round(self.defect_probability, 6), "threshold": self.threshold,
            "questions_sampled": self.questions_sampled, "latency_ms": self.latency_ms,
        }


class _Clock:
    def __init__(self):
        self.t0 = self.last = time.perf_counter()
        self.ms: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.ms[stage] = round((now - self.last) * 1000, 3)
        self.last = now

    def done(self) -> dict[str, float]:
        self.ms["total"] = round((time.perf_counter() - self.t0) * 1000, 3)
        return self.ms


class Pipeline:
    """Inspections with one engine. Not thread-safe: give each worker thread its own Pipeline
    (Engines may be shared: ONNX Runtime sessions are)."""

    def __init__(self, engine: Engine, *, num_questions: int | None = None):
        self.engine = engine
        m = engine.bundle.manifest
        g = m["generation"]
        self.num_questions = int(g.get("num_questions", 4) if num_questions is None else num_questions)
        self.sampler = Sampler.from_settings(g.get("question_sampling", {}))
        self.max_description = int(g.get("max_description_tokens", 48))
        self.max_question = int(g.get("max_question_tokens", 24))
        self.max_answer = int(g.get("max_answer_tokens", 24))
        sp = m["special_token_ids"]
        self.eos, self.pad = int(g.get("stop_token_id", sp["eos"])), int(sp["pad"])
        self.stop = {self.eos}
        v = m["verdict"]
        self.yes, self.no, self.threshold = int(v["yes_token_id"]), int(v["no_token_id"]), float(v["threshold"])
        self.views = int(v.get("views", 1))  # bundles before model 0.6: the image alone
        p = engine.prompts
        self.prefix_ids = p.encode(p.describe())
        self.verdict_ids = p.encode(p.verdict())
        image_at = np.flatnonzero(np.asarray(self.prefix_ids) == p.image_token)
        if len(image_at) != engine.image_seq_length:
            raise ValueError(f"the describe prompt has {len(image_at)} image tokens, expected {engine.image_seq_length}")
        self.image_start = int(image_at[0])
        self._static: KVCache | None = None

    # -- building blocks ---------------------------------------------------------------------
    def static_prefix(self) -> KVCache:
        """KV of the prompt before the image (BOS, system prompt, "USER: "): the same for every image."""
        if self._static is None:
            e = self.engine
            empty = KVCache.empty(len(e.kv_in), 1, e.kv_heads, e.head_dim)
            head = self.prefix_ids[:self.image_start]
            self._static = extend(e, empty, [head], pad_id=self.pad)[1] if head else empty
        return self._static

    def continue_from(self, cache: KVCache, ids: list[int]) -> tuple[np.ndarray, KVCache]:
        """Logits after `ids` (batch 1), reusing the KV of its longest common prefix with `cache`."""
        n = min(common_prefix(cache.tokens[0], ids), len(ids) - 1)
        return extend(self.engine, cache.truncate(n), [ids[n:]], pad_id=self.pad)

    def prefill_prefix(self, features: np.ndarray) -> tuple[np.ndarray, KVCache]:
        """Describe prompt with this image's features spliced in at the image tokens."""
        e = self.engine
        rest = self.prefix_ids[self.image_start:]
        embeds = e.embed(np.asarray([rest], np.int64))
        embeds[0, :e.image_seq_length] = features
        return extend(e, self.static_prefix(), [rest], embeds=embeds, pad_id=self.pad)

    def _greedy(self, cache, logits, max_new, keep=()):
        return generate(self.engine, cache, logits, greedy, max_new=max_new, stop_ids=self.stop,
                        pad_id=self.pad, keep=keep)

    def ask(self, image_bgr: np.ndarray, description: str, questions: list[str]) -> list[str]:
        """Greedy answers to questions a user asks after the model's description of the image
        (evaluation probes), as one left-padded batch on the shared history KV."""
        if not questions:
            return []
        e, p = self.engine, self.engine.prompts
        _, prefix = self.prefill_prefix(e.image_features(e.preprocess(image_bgr)[None])[0])
        history = p.history(description)
        rows = [p.encode(p.ask(history, q)) for q in questions]
        shared = min(min(common_prefix(prefix.tokens[0], r) for r in rows), min(len(r) for r in rows) - 1)
        logits, batch = extend(e, prefix.truncate(shared).tile(len(rows)), [r[shared:] for r in rows], pad_id=self.pad)
        return [p.decode(t) for t in self._greedy(batch, logits, self.max_answer).tokens]

    def verdict_probability(self, pixels: np.ndarray, prefix: KVCache) -> float:
        """P(yes) of the verdict question asked straight after the image, averaged over the
        bundle's verdict views. View 0 reuses the describe prefix's image KV; the turned views
        run the vision graph and the verdict prompt as one batch."""
        e, ids = self.engine, self.verdict_ids
        logits, _ = self.continue_from(prefix, ids)
        probs = [probability_of_pair(logits[0], self.yes, self.no)]
        if self.views > 1:
            turned = verdict_views(pixels, self.views)[1:]
            rest = ids[self.image_start:]
            rows = [rest] * len(turned)
            embeds = e.embed(np.asarray(rows, np.int64))
            embeds[:, :e.image_seq_length] = e.image_features(turned)
            logits, _ = extend(e, self.static_prefix().tile(len(rows)), rows, embeds=embeds, pad_id=self.pad)
            probs += [probability_of_pair(row, self.yes, self.no) for row in logits]
        return float(np.mean(probs))

    # -- one inspection ----------------------------------------------------------------------
    def inspect(self, image_bgr: np.ndarray, *, num_questions: int | None = None, seed: int = 0) -> Inspection:
        e, p = self.engine, self.engine.prompts
        k = self.num_questions if num_questions is None else int(num_questions)
        clock = _Clock()
        stats = DecodeStats()
        tokens: dict[str, int] = {}

        pixels = e.preprocess(image_bgr)
        clock.lap("preprocess")
        features = e.image_features(pixels[None])[0]
        clock.lap("vision")
        logits, prefix = self.prefill_prefix(features)
        tokens["prefix"] = len(self.prefix_ids)
        clock.lap("prefix")

        gen = self._greedy(prefix, logits, self.max_description, keep=[0])
        stats.add(gen.stats)
        description = p.decode(gen.tokens[0])
        history = p.history(description)
        seen = gen.kept.get(0, prefix)
        tokens["description"] = len(gen.tokens[0])
        clock.lap("description")

        # The history is prefilled once; the K questions share its KV.
        logits, hist = self.continue_from(seen, p.encode(p.question(history)))
        sampled: list[str] = []
        if k > 0:
            rng = np.random.default_rng(seed)
            gen = generate(e, hist.tile(k), np.repeat(logits, k, axis=0), lambda x: self.sampler(x, rng),
                           max_new=self.max_question, stop_ids=self.stop, pad_id=self.pad)
            stats.add(gen.stats)
            sampled = [p.decode(t) for t in gen.tokens]
            tokens["questions"] = sum(len(t) for t in gen.tokens)
        questions = list(dict.fromkeys(q for q in sampled if q))  # de-duplicated, order kept
        clock.lap("questions")

        answers: list[str] = []
        if questions:
            rows = [p.encode(p.answer(history, q)) for q in questions]
            shared = min(min(common_prefix(hist.tokens[0], r) for r in rows), min(len(r) for r in rows) - 1)
            base = hist.truncate(shared).tile(len(rows))
            logits, batch = extend(e, base, [r[shared:] for r in rows], pad_id=self.pad)
            gen = self._greedy(batch, logits, self.max_answer)
            stats.add(gen.stats)
            answers = [p.decode(t) for t in gen.tokens]
            tokens["answers"] = sum(len(t) for t in gen.tokens)
        qa = [{"question": q, "answer": a} for q, a in zip(questions, answers)]
        clock.lap("answers")

        p_yes = self.verdict_probability(pixels, prefix)
        clock.lap("verdict")
        return Inspection(
            description=description, qa=qa, defect_probability=p_yes,
            verdict="fail" if p_yes >= self.threshold else "pass", threshold=self.threshold,
            questions_sampled=sampled, latency_ms=clock.done(), tokens=tokens, decode=stats,
        )
