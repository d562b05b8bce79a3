"""Parity of the exported fp32 graphs with the PyTorch model, run at export time.

The reference is transformers' own LlavaForConditionalGeneration forward (its own image splicing
and cache), not our export wrappers, so the check also covers the runtime conventions of
export/ort_pipeline.py (splicing, padding, positions, empty past).

Checks: image features; prefill logits at batch 1 (past length 0); a left- and a right-padded
batch of two prompts with two images; DECODE_STEPS decode steps of the left-padded batch; greedy
tokens over GREEDY_STEPS steps identical; verdict probability.
"""

from __future__ import annotations

import logging

import numpy as np

from export.errors import ParityError
from export.ort_pipeline import encode_prompt, first_turn_prompt, pad_rows, positions_from_mask, softmax_pair

log = logging.getLogger(__name__)

# Logit and feature differences are relative to the reference's scale, max(1, max |reference|):
# fp32 ORT vs fp32 torch differ by accumulation order only (~1e-6 on small models; 7B logits of
# magnitude ~20 may move by ~1e-3).
PROTOTYPE_TIE = 1e-5  # similarity gap below which the hard prototype assignment is a coin toss
TOLERANCES = {
    "image_features_rel": 1e-4,
    "logits_rel": 1e-4,
    "verdict_probability_abs": 1e-3,
}
GREEDY_STEPS = 32
DECODE_STEPS = 4


def _diff(ref: np.ndarray, got: np.ndarray) -> dict:
    diff = float(np.abs(ref.astype(np.float64) - got.astype(np.float64)).max()) if ref.size else 0.0
    scale = max(1.0, float(np.abs(ref).max()) if ref.size else 1.0)
    return {"max_abs_diff": diff, "scale": scale, "rel": diff / scale}


def _masked(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Rows of x [B, T, ...] at real (mask == 1) positions, flattened: pads' outputs are garbage by design."""
    return x[mask.astype(bool)]


class TorchReference:
    def __init__(self, ckpt):
        import torch

        self.torch = torch
        self.model = ckpt.model
        self.config = ckpt.model.config

    def image_features(self, pixels: np.ndarray) -> np.ndarray:
        from export.wrappers import VisionGraph

        with self.torch.no_grad():
            return VisionGraph(self.model)(self.torch.from_numpy(pixels)).numpy()

    def prototype_margins(self, pixels: np.ndarray) -> list[float]:
        """Per image, the smallest gap between a token's best and second-best prototype similarity.

        The prototype extractor assigns each token to its most similar centre (a hard argmax). Where
        two centres tie (e.g. collapsed centres in a barely trained model), float rounding decides
        the winner, so ONNX Runtime may legitimately pick another centre than torch and the image
        features jump. Such images are reported, and their feature diff is not held to tolerance.
        """
        from models.prototype_projector import PrototypeProjector, _cosine, _pool_tokens
        from export.wrappers import VisionGraph

        proj = self.model.model.multi_modal_projector
        if not isinstance(proj, PrototypeProjector) or proj.num_prototypes < 2:
            return [float("inf")] * len(pixels)
        captured = {}
        handle = proj.register_forward_pre_hook(lambda m, args: captured.setdefault("x", args[0]))
        try:
            with self.torch.no_grad():
                VisionGraph(self.model)(self.torch.from_numpy(pixels))
                x = captured["x"]
                # PrototypeProjector.extract up to its similarity map (same steps, same order).
                value, feature = proj.v(x), proj.f(x)
                centres = _pool_tokens(x, proj.num_prototypes)
                for _ in range(proj.iters):
                    centres = proj.c(centres)
                    centres = _cosine(centres, value).softmax(dim=1) @ feature
                sim = self.torch.sigmoid(proj.sim_beta + proj.sim_alpha * _cosine(centres, x))
                top = sim.topk(2, dim=1).values  # [B, 2, N]
        finally:
            handle.remove()
        return [float(v) for v in (top[:, 0] - top[:, 1]).amin(dim=-1)]

    def forward(self, ids: np.ndarray, mask: np.ndarray, pixels: np.ndarray | None, cache=None, positions=None):
        torch = self.torch
        from transformers import DynamicCache

        cache = cache if cache is not None else DynamicCache(config=self.config)
        if positions is None:
            positions = positions_from_mask(mask)
        with torch.no_grad():
            out = self.model(
                input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                position_ids=torch.from_numpy(positions),
                pixel_values=None if pixels is None else torch.from_numpy(pixels), cache=cache, use_cache=True,
            )
        return out.logits.float().numpy(), cache

    def greedy(self, ids: list[int], pixels: np.ndarray, steps: int) -> list[int]:
        arr = np.asarray([ids], np.int64)
        mask = np.ones_like(arr)
        logits, cache = self.forward(arr, mask, pixels)
        tokens = []
        for n in range(steps):
            t = int(logits[0, -1].argmax())
            tokens.append(t)
            if n == steps - 1:
                break
            pos = np.asarray([[mask.shape[1]]], np.int64)
            mask = np.ones((1, mask.shape[1] + 1), np.int64)
            logits, cache = self.forward(np.asarray([[t]], np.int64), mask, None, cache, pos)
        return tokens


def check_encoder(ckpt, texts: list[str]) -> None:
    """The torch-free prompt encoder must give the label builder's ids exactly."""
    from models.conversation import Prompt, tokenize_prompt

    for text in texts:
        ref, _ = tokenize_prompt(Prompt(text=text), ckpt.tokenizer, image_token_id=ckpt.special["image"],
                                 num_image_tokens=ckpt.image_seq_length)
        got = encode_prompt(ckpt.tokenizer, text, bos_id=ckpt.special["bos"], image_token_id=ckpt.special["image"],
                            image_seq_length=ckpt.image_seq_length)
        if ref != got:
            raise ParityError(f"prompt encoding differs from models.conversation for {text[:40]!r}...")


def run_parity(ckpt, graphs, pixels: np.ndarray, progress=None) -> dict:
    """Compare `graphs` (OrtGraphs over fp32 graphs) with the torch model on 2 preprocessed images.

    Returns the parity report; raises ParityError when a tolerance is broken (after the report
    is complete, so the message can name every failed check).
    """
    ref = TorchReference(ckpt)
    s, t = ckpt.settings, ckpt.template
    enc = dict(bos_id=ckpt.special["bos"], image_token_id=ckpt.special["image"], image_seq_length=ckpt.image_seq_length)
    pad = ckpt.special["pad"]
    report: dict = {"tolerances": dict(TOLERANCES), "greedy_steps": GREEDY_STEPS, "decode_steps": DECODE_STEPS}
    tick = progress or (lambda name: None)

    # Vision. The decoder checks below feed ONNX Runtime torch's image features, so that they
    # measure the embedding + decoder graphs and the splicing, whatever the vision graph does.
    feats_ref = ref.image_features(pixels)
    feats_onnx = graphs.image_features(pixels)
    margins = ref.prototype_margins(pixels)
    stable = [m >= PROTOTYPE_TIE for m in margins]
    report["image_features"] = {
        **_diff(feats_ref, feats_onnx),
        "per_image_max_abs_diff": [_diff(feats_ref[i], feats_onnx[i])["max_abs_diff"] for i in range(len(pixels))],
        "prototype_min_margin": margins,
        "tied_images": [i for i, ok in enumerate(stable) if not ok],
    }
    report["image_features"]["checked"] = _diff(feats_ref[stable], feats_onnx[stable]) if any(stable) else None
    # Torch's forward recomputes the features for the batch it is given; near-tied prototype
    # assignments can flip with the batch size (accumulation order), so ONNX Runtime gets the
    # features torch computes for exactly that batch.
    feats = {n: ref.image_features(pixels[:n]) for n in (1, 2)}
    tick("vision")

    # Batch 1: prefill from an empty past, then greedy decoding.
    prompt = first_turn_prompt(t, s["describe_question"])
    ids = encode_prompt(ckpt.tokenizer, prompt, **enc)
    arr = np.asarray([ids], np.int64)
    one = np.ones_like(arr)
    logits_ref, _ = ref.forward(arr, one, pixels[:1])
    logits, _ = graphs.prefill(arr, one, feats[1])
    report["prefill_batch1"] = {**_diff(logits_ref, logits), "tokens": len(ids)}
    tick("prefill")

    tokens_ref = ref.greedy(ids, pixels[:1], GREEDY_STEPS)
    tokens = graphs.greedy([ids], feats[1], GREEDY_STEPS, pad, eos_id=None)[0]
    same = sum(a == b for a, b in zip(tokens_ref, tokens))
    report["greedy"] = {"steps": GREEDY_STEPS, "identical": tokens_ref == tokens, "same_tokens": same,
                        "torch": tokens_ref, "onnx": tokens}
    tick("greedy")

    # Verdict: the product's prompt, the question straight after the image.
    vtext = first_turn_prompt(t, s["verdict_question"])
    vids = encode_prompt(ckpt.tokenizer, vtext, **enc)
    # A longer prompt for the padded batch below: the describe prompt continued by a description.
    eos = ckpt.special["eos"]
    description = ckpt.tokenizer.decode([x for x in tokens_ref if x != eos][:16], skip_special_tokens=True).strip() or "a part"
    htext = f"{prompt} {description}{t['sep2']}"
    check_encoder(ckpt, [prompt, vtext, htext])
    varr = np.asarray([vids], np.int64)
    vlogits_ref, _ = ref.forward(varr, np.ones_like(varr), pixels[:1])
    p_ref = softmax_pair(vlogits_ref[0, -1], ckpt.yes_id, ckpt.no_id)
    p = graphs.verdict_probability(vids, feats[1], ckpt.yes_id, ckpt.no_id)
    p_e2e = graphs.verdict_probability(vids, feats_onnx[:1], ckpt.yes_id, ckpt.no_id)
    report["verdict"] = {"torch": p_ref, "onnx": p, "abs_diff": abs(p - p_ref),
                         "onnx_end_to_end": p_e2e, "end_to_end_abs_diff": abs(p_e2e - p_ref),
                         "end_to_end_checked": stable[0]}
    tick("verdict")

    # Padded batch of two prompts of different lengths, one image each.
    rows = [ids, encode_prompt(ckpt.tokenizer, htext, **enc)]
    for side in ("left", "right"):
        pids, pmask = pad_rows(rows, pad, side)
        lref, cache = ref.forward(pids, pmask, pixels[:2])
        lgot, past = graphs.prefill(pids, pmask, feats[2])
        entry = {**_diff(_masked(lref, pmask), _masked(lgot, pmask)), "lengths": [len(r) for r in rows]}
        if side == "left":
            # Row 0 is the batch-1 prompt: padding must not change its logits (same features).
            alone, _ = graphs.prefill(arr, one, feats[2][:1])
            entry["vs_unpadded"] = _diff(alone[0], lgot[0, -len(ids):])
            steps = []
            last_ref, last = lref[:, -1], lgot[:, -1]
            mask = pmask
            for _ in range(DECODE_STEPS):
                tok = last_ref.argmax(-1).astype(np.int64)
                pos = mask.sum(-1, keepdims=True).astype(np.int64)
                mask_next = np.concatenate([mask, np.ones((2, 1), np.int64)], axis=1)
                step_ref, cache = ref.forward(tok[:, None], mask_next, None, cache, pos)
                last, _, past = graphs.step(tok, mask, past)
                last_ref, mask = step_ref[:, -1], mask_next
                steps.append(_diff(last_ref, last))
            report["decode_steps_padded"] = {
                "max_abs_diff": max(d["max_abs_diff"] for d in steps), "rel": max(d["rel"] for d in steps),
                "past_lengths": [pmask.shape[1] + i for i in range(DECODE_STEPS)],
            }
        report[f"prefill_batch2_{side}_padded"] = entry
        tick(f"batch2 {side}")

    failures = check_tolerances(report)
    report["passed"] = not failures
    report["failures"] = failures
    if failures:
        raise ParityError("parity failed: " + "; ".join(failures))
    return report


def check_tolerances(report: dict) -> list[str]:
    tol = TOLERANCES
    failures = []
    rel_checks = {
        "prefill_batch1": ("logits_rel", report["prefill_batch1"]["rel"]),
        "prefill_batch2_left_padded": ("logits_rel", report["prefill_batch2_left_padded"]["rel"]),
        "prefill_batch2_right_padded": ("logits_rel", report["prefill_batch2_right_padded"]["rel"]),
        "padded_vs_unpadded": ("logits_rel", report["prefill_batch2_left_padded"]["vs_unpadded"]["rel"]),
        "decode_steps_padded": ("logits_rel", report["decode_steps_padded"]["rel"]),
    }
    if report["image_features"]["checked"] is not None:
        rel_checks["image_features"] = ("image_features_rel", report["image_features"]["checked"]["rel"])
    v = report["verdict"]
    if v["end_to_end_checked"] and not v["end_to_end_abs_diff"] <= tol["verdict_probability_abs"]:
        failures.append(f"end-to-end verdict probability diff {v['end_to_end_abs_diff']:.3g} > {tol['verdict_probability_abs']:.3g}")
    for name, (key, value) in rel_checks.items():
        if not value <= tol[key]:  # `not <=` also catches NaN
            failures.append(f"{name} relative logit/feature diff {value:.3g} > {tol[key]:.3g}")
    if not report["verdict"]["abs_diff"] <= tol["verdict_probability_abs"]:
        failures.append(f"verdict probability diff {report['verdict']['abs_diff']:.3g} > {tol['verdict_probability_abs']:.3g}")
    if not report["greedy"]["identical"]:
        g = report["greedy"]
        failures.append(f"greedy tokens differ ({g['same_tokens']}/{g['steps']} identical)")
    return failures
