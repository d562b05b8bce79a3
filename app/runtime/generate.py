"""Generation in numpy over the decoder graph with a KV cache.

Conventions of the bundle's decoder (manifest "decoder_conventions"): attention_mask covers past
+ new tokens, 1 on real tokens and 0 on pads; position_ids count only real tokens; presents are
past + new and are fed back as the next step's past. Pads may therefore sit anywhere, also in
the middle of a row (between a shared prefix and a left-padded continuation), which is what lets
a batch of continuations share one prefilled prefix.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class KVCache:
    """A batch of cached sequences: what the decoder has seen, row by row."""

    past: list[np.ndarray]  # 2 * layers arrays [batch, kv_heads, columns, head_dim]
    mask: np.ndarray  # [batch, columns] int64: 1 where a column holds a real token
    tokens: list[list[int]]  # the real tokens of each row, in order

    @classmethod
    def empty(cls, n_arrays: int, batch: int, kv_heads: int, head_dim: int) -> KVCache:
        past = [np.zeros((batch, kv_heads, 0, head_dim), np.float32) for _ in range(n_arrays)]
        return cls(past, np.zeros((batch, 0), np.int64), [[] for _ in range(batch)])

    @property
    def batch(self) -> int:
        return self.mask.shape[0]

    def rows(self, index: Iterable[int]) -> KVCache:
        index = np.asarray(list(index), np.int64)
        return KVCache([p[index] for p in self.past], self.mask[index], [list(self.tokens[i]) for i in index])

    def tile(self, n: int) -> KVCache:
        """n copies of a one-row cache (the shared prefix of a batch)."""
        if self.batch != 1:
            raise ValueError("tile() needs a one-row cache")
        return KVCache([np.repeat(p, n, axis=0) for p in self.past], np.repeat(self.mask, n, axis=0),
                       [list(self.tokens[0]) for _ in range(n)])

    def truncate(self, n: int) -> KVCache:
        """The one-row cache of the first n real tokens (causal attention: their KV is unchanged)."""
        if self.batch != 1:
            raise ValueError("truncate() needs a one-row cache")
        if n >= len(self.tokens[0]):
            return self
        cut = int(np.flatnonzero(self.mask[0])[n - 1]) + 1 if n > 0 else 0
        return KVCache([p[:, :, :cut] for p in self.past], self.mask[:, :cut], [self.tokens[0][:n]])


def common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


@dataclass
class DecodeStats:
    """Where decode-step time goes: inside the decoder's session.run, and in total."""

    steps: int = 0
    wall_s: float = 0.0
    run_s: float = 0.0
    tokens: int = 0

    @property
    def outside_run_share(self) -> float | None:
        return None if self.wall_s <= 0 else max(0.0, 1.0 - self.run_s / self.wall_s)

    def add(self, other: DecodeStats) -> None:
        self.steps += other.steps
        self.wall_s += other.wall_s
        self.run_s += other.run_s
        self.tokens += other.tokens


def extend(graphs, cache: KVCache, rows: list[list[int]], embeds: np.ndarray | None = None,
           pad_id: int = 0) -> tuple[np.ndarray, KVCache]:
    """Feed each row's new tokens after its cached ones (left-padded to one width).

    Returns the logits at each row's last new token [batch, vocab] and the grown cache.
    `embeds` replaces the embedding lookup (the prefix, whose image tokens carry image features).
    """
    if len(rows) != cache.batch:
        raise ValueError(f"{len(rows)} rows for a cache of {cache.batch}")
    seen = cache.mask.sum(axis=1, keepdims=True)
    if all(len(r) == 1 for r in rows):
        # Decode step: one token per row, no padding (the common case, kept cheap).
        ids = np.asarray(rows, np.int64)
        new_mask = np.ones_like(ids)
        positions = seen.astype(np.int64)
    else:
        if any(not r for r in rows):
            raise ValueError("every row needs at least one new token")
        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), pad_id, np.int64)
        new_mask = np.zeros((len(rows), width), np.int64)
        for i, r in enumerate(rows):
            ids[i, width - len(r):] = r
            new_mask[i, width - len(r):] = 1
        positions = np.maximum(seen + np.cumsum(new_mask, axis=1) - 1, 0).astype(np.int64)
    if embeds is None:
        embeds = graphs.embed(ids)
    mask = np.concatenate([cache.mask, new_mask], axis=1)
    logits, presents = graphs.decoder(embeds, mask, positions, cache.past)
    return logits[:, -1], KVCache(presents, mask, [t + list(r) for t, r in zip(cache.tokens, rows)])


@dataclass
class Generated:
    tokens: list[list[int]]  # per row, including the stop token when one ended the row
    kept: dict[int, KVCache] = field(default_factory=dict)  # final caches of the rows asked for
    stats: DecodeStats = field(default_factory=DecodeStats)


def generate(graphs, cache: KVCache, logits: np.ndarray, choose: Callable[[np.ndarray], np.ndarray], *,
             max_new: int, stop_ids: Iterable[int], pad_id: int, keep: Iterable[int] = ()) -> Generated:
    """Continue every row from `logits` (the last prefilled position) until a stop token or max_new.

    Rows that stop leave the batch, so later steps cost only what is still running. `keep` names
    rows whose final cache is returned (prompt + generated tokens fed so far: the stop token
    itself is never fed).
    """
    stop = set(int(s) for s in stop_ids)
    keep = set(keep)
    out: list[list[int]] = [[] for _ in range(cache.batch)]
    active = np.arange(cache.batch)
    result = Generated(out)
    stats = result.stats
    for step in range(max(0, max_new)):
        t0 = time.perf_counter()
        tokens = choose(logits)
        done = np.zeros(len(active), bool)
        for j, row in enumerate(active):
            out[row].append(int(tokens[j]))
            done[j] = int(tokens[j]) in stop
        last = step == max_new - 1
        for j, row in enumerate(active):
            if row in keep and (done[j] or last):
                result.kept[int(row)] = cache.rows([j])
        alive = np.flatnonzero(~done)
        if last or not len(alive):
            break
        if len(alive) < len(active):
            cache, tokens, active = cache.rows(alive), tokens[alive], active[alive]
        run_before = graphs.decoder_run_s
        logits, cache = extend(graphs, cache, [[int(t)] for t in tokens], pad_id=pad_id)
        stats.run_s += graphs.decoder_run_s - run_before
        stats.wall_s += time.perf_counter() - t0
        stats.steps += 1
    stats.tokens = sum(len(r) for r in out)
    return result
