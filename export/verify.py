"""Verify a bundle without torch: manifest and hashes, graph I/O in ONNX Runtime, smoke generation.

The smoke run (a uniform grey image, the describe prompt, SMOKE_STEPS greedy tokens) is recorded
in the manifest at export and repeated here; tokens must match except where the recorded run had
a near-tie between its two best tokens (another CPU's float rounding may legally flip those).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from export.manifest import GRAPH_NAMES, BundleError, load_bundle_manifest
from export.ort_pipeline import OrtGraphs, describe_prompt, encode_prompt

SMOKE_STEPS = 8
NEAR_TIE = 1e-3  # logit gap (relative to max(1, |top logit|)) below which a flipped token is allowed


def grey_pixels(pre: dict) -> np.ndarray:
    """A uniform mid-grey image, preprocessed as the manifest says (no OpenCV needed): [1, 3, S, S]."""
    size = int(pre["size"])
    value = (128 / 255.0 - np.asarray(pre["mean"], np.float32)) / np.asarray(pre["std"], np.float32)
    return np.broadcast_to(value[None, :, None, None], (1, 3, size, size)).astype(np.float32).copy()


def smoke_run(graphs: OrtGraphs, manifest: dict, tokenizer) -> dict:
    """Greedy tokens, and per step the gap between the two best logits, for the smoke prompt."""
    sp = manifest["special_token_ids"]
    tpl = manifest["templates"]
    ids = encode_prompt(tokenizer, describe_prompt(tpl["conversation"], tpl["describe_question"]),
                        bos_id=sp["bos"], image_token_id=sp["image"], image_seq_length=manifest["image_seq_length"])
    feats = graphs.image_features(grey_pixels(manifest["preprocessing"]))
    arr = np.asarray([ids], np.int64)
    mask = np.ones_like(arr)
    logits, past = graphs.prefill(arr, mask, feats)
    last = logits[:, -1]
    tokens, margins = [], []
    for n in range(SMOKE_STEPS):
        row = last[0]
        if not np.all(np.isfinite(row)):
            raise BundleError(f"{manifest['graphs']['decoder']['file']}: smoke generation produced non-finite logits at step {n}")
        top2 = np.sort(row)[-2:]
        tokens.append(int(row.argmax()))
        margins.append(float((top2[1] - top2[0]) / max(1.0, abs(float(top2[1])))))
        if n < SMOKE_STEPS - 1:
            last, mask, past = graphs.step(np.asarray([tokens[-1]], np.int64), mask, past)
    return {"prompt_tokens": len(ids), "steps": SMOKE_STEPS, "tokens": tokens, "margins": margins}


def _check_io(name: str, graph: dict, session) -> None:
    def actual(values):
        return [{"name": v.name, "dtype": v.type.replace("tensor(", "").replace(")", ""),
                 "shape": [d if d is None or isinstance(d, int) else str(d) for d in v.shape]} for v in values]

    # ORT reports dtypes as "float" / "int64"; the manifest uses numpy names.
    alias = {"float": "float32", "double": "float64", "float16": "float16", "int64": "int64", "int32": "int32"}
    for kind, values in (("inputs", session.get_inputs()), ("outputs", session.get_outputs())):
        got = actual(values)
        for g in got:
            g["dtype"] = alias.get(g["dtype"], g["dtype"])
        want = graph[kind]
        if [g["name"] for g in got] != [w["name"] for w in want]:
            raise BundleError(f"{graph['file']}: {kind} {[g['name'] for g in got]} differ from the manifest's "
                              f"{[w['name'] for w in want]}")
        for g, w in zip(got, want):
            if g["dtype"] != w["dtype"] or g["shape"] != w["shape"]:
                raise BundleError(f"{graph['file']}: {kind[:-1]} {g['name']} is {g['dtype']}{g['shape']}, "
                                  f"manifest says {w['dtype']}{w['shape']}")


def verify_bundle(folder: Path, progress=None, smoke: bool = True) -> dict:
    """Raise BundleError (naming the file) at the first problem; return a short summary when all is well."""
    from tokenizers import Tokenizer

    folder = Path(folder)
    tick = progress or (lambda name: None)
    manifest = load_bundle_manifest(folder)
    tick("hashes")
    try:
        graphs = OrtGraphs.from_manifest(folder, manifest, threads=2)
    except Exception as exc:  # ORT raises its own exception types; name the graph that failed
        bad = next((g["file"] for g in manifest["graphs"].values() if g["file"] in str(exc)), "graph")
        raise BundleError(f"{bad}: does not load in ONNX Runtime ({str(exc).splitlines()[0]})") from None
    for name in GRAPH_NAMES:
        _check_io(name, manifest["graphs"][name], graphs.sessions[name])
    tick("graphs")
    tok_file = manifest.get("tokenizer", "tokenizer.json")
    try:
        tokenizer = Tokenizer.from_file(str(folder / tok_file))
    except Exception as exc:
        raise BundleError(f"{tok_file}: does not load ({exc})") from None
    if not smoke:
        return {"model": manifest["model"], "precision": manifest["precision"], "files": len(manifest["files"]),
                "smoke_tokens": None}
    try:
        smoke = smoke_run(graphs, manifest, tokenizer)
    except BundleError:
        raise
    except Exception as exc:
        raise BundleError(f"{manifest['graphs']['decoder']['file']}: smoke generation failed ({str(exc).splitlines()[0]})") from None
    expected = manifest.get("smoke")
    if expected:
        for n, (want, got) in enumerate(zip(expected["tokens"], smoke["tokens"])):
            if want != got:
                if expected["margins"][n] >= NEAR_TIE:
                    raise BundleError(f"{manifest['graphs']['decoder']['file']}: smoke generation differs from export at "
                                      f"step {n} (token {got}, expected {want})")
                break  # a near-tie flipped: later tokens legitimately differ
    tick("smoke")
    return {"model": manifest["model"], "precision": manifest["precision"], "files": len(manifest["files"]),
            "smoke_tokens": smoke["tokens"]}
