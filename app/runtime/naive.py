"""The naive ONNX Runtime loop the bench compares the engine with.

Same graphs, prompts and token limits as Pipeline, but no prefix sharing and no batching: every
prompt (description, each self-question, each answer, the verdict) is prefilled from scratch at
batch 1, and every token is embedded through the embedding graph's session.run.
"""

from __future__ import annotations

import time

import numpy as np

from app.runtime.generate import DecodeStats, KVCache, extend, generate
from app.runtime.pipeline import Pipeline
from app.runtime.preprocess import verdict_views
from app.runtime.sampling import greedy, probability_of_pair


class _GraphCalls:
    """The engine's sessions with the embedding always through its graph."""

    def __init__(self, engine):
        self.engine = engine

    def embed(self, ids):
        return self.engine.embed_graph(ids)

    def decoder(self, *args):
        return self.engine.decoder(*args)

    @property
    def decoder_run_s(self):
        return self.engine.decoder_run_s


class NaiveInspector:
    def __init__(self, pipeline: Pipeline):
        self.p = pipeline
        self.graphs = _GraphCalls(pipeline.engine)

    def _prefill(self, ids: list[int], features: np.ndarray):
        e = self.p.engine
        arr = np.asarray([ids], np.int64)
        embeds = self.graphs.embed(arr)
        where = np.flatnonzero(arr[0] == e.prompts.image_token)
        embeds[0, where] = features
        empty = KVCache.empty(len(e.kv_in), 1, e.kv_heads, e.head_dim)
        return extend(self.graphs, empty, [ids], embeds=embeds, pad_id=self.p.pad)

    def _run(self, ids, features, choose, max_new, stats: DecodeStats) -> list[int]:
        logits, cache = self._prefill(ids, features)
        gen = generate(self.graphs, cache, logits, choose, max_new=max_new, stop_ids=self.p.stop, pad_id=self.p.pad)
        stats.add(gen.stats)
        return gen.tokens[0]

    def inspect(self, image_bgr: np.ndarray, *, num_questions: int | None = None, seed: int = 0) -> dict:
        p, e = self.p, self.p.engine
        pr = e.prompts
        k = p.num_questions if num_questions is None else num_questions
        t0 = time.perf_counter()
        stats = DecodeStats()
        pixels = e.preprocess(image_bgr)
        features = e.image_features(pixels[None])[0]
        description = pr.decode(self._run(p.prefix_ids, features, greedy, p.max_description, stats))
        history = pr.history(description)
        rng = np.random.default_rng(seed)
        q_ids = pr.encode(pr.question(history))
        sampled = [pr.decode(self._run(q_ids, features, lambda x: p.sampler(x, rng), p.max_question, stats))
                   for _ in range(k)]
        questions = list(dict.fromkeys(q for q in sampled if q))
        qa = [{"question": q, "answer": pr.decode(self._run(pr.encode(pr.answer(history, q)), features, greedy,
                                                            p.max_answer, stats))} for q in questions]
        probs = []  # every verdict view through the vision graph at batch 1, view 0 again too
        for view in verdict_views(pixels, p.views):
            logits, _ = self._prefill(pr.encode(pr.verdict()), e.image_features(view[None])[0])
            probs.append(probability_of_pair(logits[0], p.yes, p.no))
        p_yes = float(np.mean(probs))
        return {"description": description, "qa": qa, "defect_probability": p_yes,
                "total_ms": (time.perf_counter() - t0) * 1000, "decode": stats}
