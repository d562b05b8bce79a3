"""Next-token choice in numpy: greedy, and seeded sampling with temperature, top-k and top-p.

The filters run in the order transformers applies them (temperature, then top-k, then top-p with
its "cumulative probability <= 1 - top_p is removed" rule), so the settings mean what they mean
on the PyTorch side. Random streams differ from torch's, so sampled text differs; greedy does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def greedy(logits: np.ndarray) -> np.ndarray:
    """[B, V] -> [B] int64 (first maximum on ties, as torch.argmax)."""
    return logits.argmax(axis=-1).astype(np.int64)


def softmax(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def probability_of_pair(logits: np.ndarray, a: int, b: int) -> float:
    """P(a) from the two-way softmax over logits[a], logits[b] (the verdict's yes/no)."""
    return float(softmax(np.asarray([logits[a], logits[b]]))[0])


@dataclass(frozen=True)
class Sampler:
    temperature: float = 1.0
    top_k: int = 0  # 0: off
    top_p: float = 1.0  # 1.0: off

    @classmethod
    def from_settings(cls, s: dict) -> Sampler:
        sampler = cls(float(s.get("temperature", 1.0)), int(s.get("top_k", 0) or 0), float(s.get("top_p", 1.0)))
        if sampler.temperature <= 0:
            raise ValueError(f"temperature must be > 0 for sampling, got {sampler.temperature}")
        if not 0 < sampler.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {sampler.top_p}")
        return sampler

    def candidates(self, logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row, the token ids that survive top-k and top-p, most likely first, and their
        probabilities (renormalised; -inf-free). Works on the top-k slice only, not the vocabulary."""
        x = logits.astype(np.float64) / self.temperature
        rows, vocab = x.shape
        k = self.top_k if 0 < self.top_k < vocab else vocab
        if k < vocab:
            idx = np.argpartition(-x, k - 1, axis=-1)[:, :k]
        else:
            idx = np.broadcast_to(np.arange(vocab), (rows, vocab))
        vals = np.take_along_axis(x, idx, axis=-1)
        order = np.argsort(-vals, axis=-1, kind="stable")
        idx, vals = np.take_along_axis(idx, order, axis=-1), np.take_along_axis(vals, order, axis=-1)
        probs = softmax(vals)
        if self.top_p < 1.0:
            # transformers removes a token when the ascending cumulative probability up to it is
            # <= 1 - top_p, i.e. keeps it while the mass ranked strictly above it is < top_p.
            above = np.cumsum(probs, axis=-1) - probs
            probs = np.where(above < self.top_p, probs, 0.0)
            probs /= probs.sum(axis=-1, keepdims=True)
        return idx, probs

    def __call__(self, logits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One token per row, [B] int64."""
        idx, probs = self.candidates(logits)
        u = rng.random(probs.shape[0])
        # Inverse-CDF draw, one uniform per row; the first index whose cdf exceeds the target is
        # never a zero-probability (filtered) token.
        cdf = np.cumsum(probs, axis=-1)
        pick = np.minimum((cdf <= (u * cdf[:, -1])[:, None]).sum(axis=-1), probs.shape[-1] - 1)
        return idx[np.arange(len(pick)), pick].astype(np.int64)
