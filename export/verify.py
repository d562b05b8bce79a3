"""The smoke run recorded in a bundle's manifest, and the exporter's final check of a bundle.

Smoke run: a uniform grey image, the describe prompt, SMOKE_STEPS greedy tokens and the gap
between the two best logits at each step. `sqinspect verify` (app/runtime/verify.py) repeats it
with the product runtime. The exporter's last step is that same command on the bundle it wrote:
the bundle on disk is the contract between export/ and app/, so it is checked by the reader that
stations use, not by a second reader here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from export.errors import ExportError
from export.manifest import BundleError, load_bundle_manifest
from export.ort_pipeline import OrtGraphs, encode_prompt, first_turn_prompt

SMOKE_STEPS = 8
ROOT = Path(__file__).resolve().parents[1]


def grey_pixels(pre: dict) -> np.ndarray:
    """A uniform mid-grey image, preprocessed as the manifest says (no OpenCV needed): [1, 3, S, S]."""
    size = int(pre["size"])
    value = (128 / 255.0 - np.asarray(pre["mean"], np.float32)) / np.asarray(pre["std"], np.float32)
    return np.broadcast_to(value[None, :, None, None], (1, 3, size, size)).astype(np.float32).copy()


def smoke_run(graphs: OrtGraphs, manifest: dict, tokenizer) -> dict:
    """Greedy tokens, and per step the gap between the two best logits, for the smoke prompt."""
    sp = manifest["special_token_ids"]
    tpl = manifest["templates"]
    ids = encode_prompt(tokenizer, first_turn_prompt(tpl["conversation"], tpl["describe_question"]),
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


def verify_bundle(folder: Path, smoke: bool = True) -> None:
    """`sqinspect verify FOLDER` in a fresh process (hashes, graph I/O, the smoke run repeated);
    ExportError with its one-line answer if it fails. smoke=False (a variant this CPU cannot
    run, so no smoke was recorded): the manifest and every file's hash only."""
    if not smoke:
        try:
            load_bundle_manifest(folder)
        except BundleError as exc:
            raise ExportError(f"the written bundle does not verify: {exc}") from None
        return
    proc = subprocess.run([sys.executable, "-m", "app", "verify", str(folder)], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise ExportError(f"the written bundle does not verify: {lines[-1] if lines else proc.returncode}")
