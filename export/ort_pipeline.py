"""Prompt layout and generation over a bundle's three graphs with ONNX Runtime and numpy only.

Torch-free on purpose: `sqinspect verify` runs it on a runtime-only install, and it is the
reference for the app's runtime. Conventions (the manifest documents the same):

- Prompt ids: optional BOS, then each text chunk between `<image>` placeholders encoded on its own
  (no special tokens), each placeholder expanded to `image_seq_length` copies of the image token.
- Splicing: the embedding graph embeds all ids; the rows at image-token positions are replaced by
  the vision graph's image_features, in order.
- Padding: a batch is left-padded (right padding works too); attention_mask is 1 on real tokens,
  0 on pads, over past + new tokens. position_ids = cumsum(attention_mask) - 1, clipped at 0
  (pads' positions are ignored by the mask).
- Past of length 0: prefill feeds past_key_values.N.* of shape [batch, kv_heads, 0, head_dim].
- Decode step: one new token per row, attention_mask grows by a column of ones, position_ids =
  the number of real tokens already seen by that row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

IMAGE_PLACEHOLDER = "<image>"


# -- prompt text (mirrors models.inspect.Inspector; tests/test_export.py checks they agree) ---------
def first_turn_prompt(template: dict, question: str) -> str:
    """A question asked right after the image: the description's and the verdict's prompts."""
    r = template["roles"]
    return f"{template['system']}{template['sep']}{r['user']}: {IMAGE_PLACEHOLDER}\n{question}{template['sep']}{r['assistant']}:"


def encode_prompt(tokenizer, text: str, *, bos_id: int | None, image_token_id: int, image_seq_length: int) -> list[int]:
    ids = [bos_id] if bos_id is not None else []
    for n, chunk in enumerate(text.split(IMAGE_PLACEHOLDER)):
        if n > 0:
            ids.extend([image_token_id] * image_seq_length)
        if chunk:
            ids.extend(tokenizer.encode(chunk, add_special_tokens=False).ids)
    return ids


def pad_rows(rows: list[list[int]], pad_id: int, side: str = "left") -> tuple[np.ndarray, np.ndarray]:
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        span = slice(width - len(r), width) if side == "left" else slice(0, len(r))
        ids[i, span] = r
        mask[i, span] = 1
    return ids, mask


def positions_from_mask(mask: np.ndarray) -> np.ndarray:
    return np.clip(np.cumsum(mask, axis=-1) - 1, 0, None).astype(np.int64)


def softmax_pair(logits: np.ndarray, a: int, b: int) -> float:
    """P(a) from a two-way softmax over logits[a], logits[b] (the verdict's yes/no)."""
    pair = logits[[a, b]].astype(np.float64)
    pair -= pair.max()
    e = np.exp(pair)
    return float(e[0] / e.sum())


class OrtGraphs:
    """The vision, embedding and decoder sessions of one bundle (or of loose graph files)."""

    def __init__(self, files: dict[str, Path], *, num_layers: int, num_kv_heads: int, head_dim: int,
                 image_token_id: int, providers: list | None = None, threads: int | None = None):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        opts.log_severity_level = 3  # no per-session warnings on the console
        providers = providers or ["CPUExecutionProvider"]
        self.sessions = {name: ort.InferenceSession(str(path), opts, providers=providers) for name, path in files.items()}
        self.num_layers, self.num_kv_heads, self.head_dim = num_layers, num_kv_heads, head_dim
        self.image_token_id = image_token_id
        self.kv_in = [f"past_key_values.{i}.{k}" for i in range(num_layers) for k in ("key", "value")]
        self.kv_out = [f"present.{i}.{k}" for i in range(num_layers) for k in ("key", "value")]

    @classmethod
    def from_manifest(cls, folder: Path, manifest: dict, providers: list | None = None, threads: int | None = None):
        folder = Path(folder)
        files = {name: folder / g["file"] for name, g in manifest["graphs"].items()}
        return cls(files, num_layers=manifest["num_layers"], num_kv_heads=manifest["num_kv_heads"],
                   head_dim=manifest["head_dim"], image_token_id=manifest["special_token_ids"]["image"],
                   providers=providers, threads=threads)

    # -- single graphs -----------------------------------------------------------------------
    def image_features(self, pixel_values: np.ndarray) -> np.ndarray:
        return self.sessions["vision"].run(["image_features"], {"pixel_values": pixel_values.astype(np.float32)})[0]

    def embed(self, ids: np.ndarray) -> np.ndarray:
        return self.sessions["embedding"].run(["inputs_embeds"], {"input_ids": ids.astype(np.int64)})[0]

    def empty_past(self, batch: int) -> list[np.ndarray]:
        return [np.zeros((batch, self.num_kv_heads, 0, self.head_dim), np.float32) for _ in self.kv_in]

    def decoder(self, embeds: np.ndarray, mask: np.ndarray, positions: np.ndarray, past: list[np.ndarray]):
        feeds = {"inputs_embeds": embeds.astype(np.float32), "attention_mask": mask, "position_ids": positions}
        feeds.update(zip(self.kv_in, past))
        out = self.sessions["decoder"].run(["logits", *self.kv_out], feeds)
        return out[0], out[1:]

    # -- prompt -> logits -----------------------------------------------------------------------
    def splice(self, ids: np.ndarray, image_features: np.ndarray) -> np.ndarray:
        """Embeds `ids` [B, T]; image-token rows of row b take image_features[b] (or [0] if one image)."""
        embeds = self.embed(ids)
        for b in range(ids.shape[0]):
            where = np.nonzero(ids[b] == self.image_token_id)[0]
            if len(where):
                feats = image_features[b if image_features.shape[0] > 1 else 0].reshape(-1, embeds.shape[-1])
                if len(where) != feats.shape[0]:
                    raise ValueError(f"row {b}: {len(where)} image tokens but {feats.shape[0]} image feature rows")
                embeds[b, where] = feats
        return embeds

    def prefill(self, ids: np.ndarray, mask: np.ndarray, image_features: np.ndarray):
        embeds = self.splice(ids, image_features)
        return self.decoder(embeds, mask, positions_from_mask(mask), self.empty_past(ids.shape[0]))

    def step(self, tokens: np.ndarray, mask: np.ndarray, past: list[np.ndarray]):
        """One decode step: tokens [B] appended after `mask` [B, P]; returns logits [B, V], new mask, presents."""
        positions = mask.sum(axis=-1, keepdims=True).astype(np.int64)
        mask = np.concatenate([mask, np.ones((mask.shape[0], 1), np.int64)], axis=1)
        logits, past = self.decoder(self.embed(tokens[:, None]), mask, positions, past)
        return logits[:, -1], mask, past

    def greedy(self, rows: list[list[int]], image_features: np.ndarray, steps: int, pad_id: int,
               eos_id: int | None = None) -> list[list[int]]:
        """Greedy continuation of left-padded `rows`; stops a row at `eos_id` (None: run all steps)."""
        ids, mask = pad_rows(rows, pad_id, "left")
        logits, past = self.prefill(ids, mask, image_features)
        last = logits[:, -1]
        out: list[list[int]] = [[] for _ in rows]
        done = np.zeros(len(rows), bool)
        for n in range(steps):
            tokens = last.argmax(-1).astype(np.int64)
            for b, t in enumerate(tokens):
                if not done[b]:
                    out[b].append(int(t))
                    done[b] = eos_id is not None and t == eos_id
            if done.all() or n == steps - 1:
                break
            tokens = np.where(done, pad_id, tokens)
            last, mask, past = self.step(tokens, mask, past)
        return out

    def verdict_probability(self, ids: list[int], image_features: np.ndarray, yes_id: int, no_id: int) -> float:
        arr = np.asarray([ids], np.int64)
        logits, _ = self.prefill(arr, np.ones_like(arr), image_features)
        return softmax_pair(logits[0, -1], yes_id, no_id)
