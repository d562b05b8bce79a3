"""`export_bundle`: checkpoint -> verified bundle folder, atomically.

Everything is written into a hidden temporary folder beside OUT and renamed to OUT only after
parity, the variant check and a self-verify passed, so a failed export leaves no OUT behind.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from export import EXPORTER_VERSION
from export.errors import ExportError, ParityError
from export.manifest import FORMAT_VERSION, write_manifest

log = logging.getLogger(__name__)


class Steps:
    """Progress on stderr, one line when a step starts and one when it ends: `[3/9] decoder graph`."""

    def __init__(self, total: int, quiet: bool = False):
        self.total, self.n, self.quiet, self.t0 = total, 0, quiet, None

    def __call__(self, name: str) -> None:
        self.done()
        self.n += 1
        self.t0 = time.time()
        if not self.quiet:
            print(f"[{self.n}/{self.total}] {name}", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.t0 is not None and not self.quiet:
            print(f"      done in {time.time() - self.t0:.1f} s", file=sys.stderr, flush=True)
        self.t0 = None


def _versions() -> dict:
    import onnx
    import onnxruntime
    import torch
    import transformers

    from app import __version__

    return {"sqinspect": __version__, "exporter_version": EXPORTER_VERSION, "torch": torch.__version__,
            "transformers": transformers.__version__, "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__}


def _preprocessed(images: list[np.ndarray], pre: dict) -> np.ndarray:
    from models.train.preprocess import preprocess

    return np.stack([preprocess(img, pre["size"], pre["mean"], pre["std"]) for img in images])


def decoder_conventions() -> dict:
    """Plain-language contract of the decoder graph (mirrors export/ort_pipeline.py)."""
    return {
        "inputs_embeds": "embedding graph output for the prompt ids, with the rows at image-token positions "
                         "replaced by the vision graph's image_features (in order)",
        "padding": "batches are left-padded (right padding also works); attention_mask is 1 on real tokens and "
                   "0 on pads, over past + new tokens (shape [batch, total_sequence])",
        "position_ids": "cumsum(attention_mask) - 1, clipped at 0, for the new tokens; in a decode step: "
                        "the number of real tokens the row has seen so far",
        "empty_past": "prefill feeds every past_key_values.N.key/value as float32 [batch, num_kv_heads, 0, head_dim]",
        "kv_layout": "[batch, num_kv_heads, sequence, head_dim]; present.N.* = past + new tokens, fed back as "
                     "past_key_values.N.* in the next step (rows may be repeated/reordered along batch)",
        "logits": "[batch, sequence, vocab_size] float32; the next token is read at the last position",
    }


def export_bundle(checkpoint: Path, out: Path, *, precision: str = "fp32", opset: int | None = None,
                  eval_count: int = 8, name: str | None = None, version: str | None = None,
                  quiet: bool = False) -> dict:
    from export.onnx_graphs import DEFAULT_OPSET, EXPORTERS, GRAPH_FILES, decoder_geometry, graph_io
    from export.variants import PRECISIONS

    checkpoint, out = Path(checkpoint), Path(out)
    opset = opset or DEFAULT_OPSET
    if precision not in PRECISIONS:
        raise ExportError(f"unknown precision {precision!r}; choose from {', '.join(PRECISIONS)}")
    if out.exists():
        raise ExportError(f"{out} already exists; choose a new output folder")
    if eval_count < 2:
        raise ExportError("--eval-images must be at least 2 (parity uses a batch of two images)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.fp32-", dir=out.parent)) if precision != "fp32" else tmp
    steps = Steps(8 + (2 if precision != "fp32" else 0), quiet)
    try:
        result = _export(checkpoint, tmp, work, precision, opset, eval_count, name, version, steps,
                         EXPORTERS, GRAPH_FILES, decoder_geometry, graph_io)
        steps("finish")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp made it private; a bundle is meant to be shared
        os.replace(tmp, out)
        steps.done()
        return result
    except BaseException:
        steps.done()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if work != tmp:
            shutil.rmtree(work, ignore_errors=True)


def _export(checkpoint, tmp, work, precision, opset, eval_count, name, version, steps,
            EXPORTERS, GRAPH_FILES, decoder_geometry, graph_io) -> dict:
    import torch

    from export.checkpoint import load_checkpoint
    from export.model_card import model_card
    from export.ort_pipeline import OrtGraphs
    from export.parity import run_parity
    from export.variants import accuracy_vs_fp32, check_variant, convert_graph, eval_images
    from export.verify import smoke_run, verify_bundle

    steps("load checkpoint")
    ckpt = load_checkpoint(checkpoint)
    model, cfg = ckpt.model, ckpt.model.config
    geo = decoder_geometry(cfg)
    pre = ckpt.meta["preprocessing"]
    if pre["size"] != cfg.vision_config.image_size:
        raise ExportError(f"sqinspect.json preprocessing size {pre['size']} != vision tower image_size "
                          f"{cfg.vision_config.image_size}")

    fp32_files = {}
    with torch.no_grad():
        for graph, exporter in EXPORTERS.items():
            steps(f"{graph} graph (torch.onnx dynamo, opset {opset})")
            path = work / GRAPH_FILES[graph]
            exporter(model, path, opset)
            fp32_files[graph] = path

    steps("parity: torch vs ONNX Runtime")
    threads = max(1, min(4, os.cpu_count() or 1))
    rendered = eval_images(eval_count, pre["size"])
    pixels = _preprocessed([img for img, _ in rendered], pre)
    labels = [gt["defective"] for _, gt in rendered]
    fp32 = OrtGraphs(fp32_files, num_layers=geo["num_layers"], num_kv_heads=geo["num_kv_heads"],
                     head_dim=geo["head_dim"], image_token_id=ckpt.special["image"], threads=threads)
    try:
        parity = run_parity(ckpt, fp32, pixels[:2])
    except ParityError as exc:
        raise ParityError(f"{exc} (nothing written)") from None
    report = {"fp32_vs_torch": parity}

    graphs_final = fp32
    accuracy = None
    if precision != "fp32":
        steps(f"{precision} graphs")
        files = {}
        for graph, src in fp32_files.items():
            dst = tmp / GRAPH_FILES[graph]
            external = any(p.name.startswith(src.name + ".") for p in src.parent.iterdir())  # has a .data file
            convert_graph(src, dst, precision, external_data=external)
            files[graph] = dst
        steps(f"{precision} accuracy vs fp32 on {eval_count} eval images")
        try:
            graphs_final = OrtGraphs(files, num_layers=geo["num_layers"], num_kv_heads=geo["num_kv_heads"],
                                     head_dim=geo["head_dim"], image_token_id=ckpt.special["image"], threads=threads)
            info = {"tokenizer": ckpt.tokenizer, "template": ckpt.template, "settings": ckpt.settings,
                    "special": ckpt.special, "yes_id": ckpt.yes_id, "no_id": ckpt.no_id,
                    "image_seq_length": ckpt.image_seq_length}
            accuracy = accuracy_vs_fp32(fp32, graphs_final, info, list(pixels), labels)
            accuracy["computed"] = True
        except Exception as exc:  # e.g. a CPU without kernels for some fp16 op: record why
            if precision == "int8":
                raise
            accuracy = {"computed": False, "images": eval_count,
                        "reason": f"ONNX Runtime CPU could not run the {precision} graphs: {str(exc).splitlines()[0]}"}
            graphs_final = None
        if accuracy.get("computed"):
            failures = check_variant(precision, accuracy)
            if failures:
                raise ExportError("; ".join(failures) + " (nothing written)")
        report[f"{precision}_vs_fp32"] = accuracy

    steps("tokenizer, manifest, model card")
    shutil.copyfile(ckpt.path / "tokenizer.json", tmp / "tokenizer.json")
    (tmp / "parity.json").write_text(json.dumps(report, indent=2) + "\n")
    s = ckpt.settings
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": {
            "name": name or ckpt.path.name,
            "version": version or f"sha256:{ckpt.weights_sha256[:12]}",
            "architecture": cfg.model_type,
            "projector": cfg.mm_projector_type,
            "language_model": cfg.text_config.model_type,
            "vision_tower": cfg.vision_config.model_type,
        },
        "precision": precision,
        "files": {},
        "graphs": {g: {"file": GRAPH_FILES[g], **graph_io(tmp / GRAPH_FILES[g])} for g in GRAPH_FILES},
        **geo,
        "image_seq_length": ckpt.image_seq_length,
        "kv_cache": {"dtype": "float32", "layout": ["batch", "num_kv_heads", "sequence", "head_dim"],
                     "past_inputs": "past_key_values.{layer}.key|value", "present_outputs": "present.{layer}.key|value"},
        "decoder_conventions": decoder_conventions(),
        "tokenizer": "tokenizer.json",
        "special_token_ids": ckpt.special,
        "prompt": {"add_bos": ckpt.special["bos"] is not None, "image_placeholder": "<image>",
                   "encoding": "each text chunk between <image> placeholders encoded on its own without special "
                               "tokens; each placeholder becomes image_seq_length image tokens"},
        "preprocessing": pre,
        "templates": {"conversation": ckpt.template, "describe_question": s["describe_question"],
                      "verdict_question": s["verdict_question"]},
        "generation": {
            "num_questions": s["num_questions"], "question_sampling": s["question_sampling"],
            "description": "greedy", "answers": "greedy",
            "max_description_tokens": s["max_description_tokens"], "max_question_tokens": s["max_question_tokens"],
            "max_answer_tokens": s["max_answer_tokens"], "stop_token_id": ckpt.special["eos"],
        },
        "verdict": {"question": s["verdict_question"], "yes_token": s["yes_token"], "no_token": s["no_token"],
                    "yes_token_id": ckpt.yes_id, "no_token_id": ckpt.no_id, "threshold": float(s["threshold"]),
                    "views": int(s.get("verdict_views", 1)),
                    "rule": "P(yes) = softmax(logits[yes], logits[no])[yes] at the last prompt position, the question "
                            "asked straight after the image; averaged over `views` views (view k: the preprocessed "
                            "image turned k x 90 degrees counter-clockwise, mirrored left-right first from k = 4); "
                            "fail if >= threshold"},
        "provenance": {
            "source_checkpoint": ckpt.path.name,
            "source_checkpoint_sha256": ckpt.weights_sha256,
            **_versions(),
            "opset": opset,
            "date": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        },
        "parity": {
            "file": "parity.json", "passed": parity["passed"],
            "prefill_logits_max_abs_diff": parity["prefill_batch1"]["max_abs_diff"],
            "padded_prefill_logits_max_abs_diff": max(parity["prefill_batch2_left_padded"]["max_abs_diff"],
                                                      parity["prefill_batch2_right_padded"]["max_abs_diff"]),
            "decode_logits_max_abs_diff": parity["decode_steps_padded"]["max_abs_diff"],
            "greedy_identical": parity["greedy"]["identical"], "greedy_steps": parity["greedy"]["steps"],
            "verdict_probability_diff": parity["verdict"]["abs_diff"],
        },
    }
    if accuracy is not None:
        manifest["accuracy_vs_fp32"] = {k: v for k, v in accuracy.items() if k != "per_image"}
    if graphs_final is not None:
        manifest["smoke"] = smoke_run(graphs_final, manifest, ckpt.tokenizer)
    (tmp / "README.md").write_text(model_card(manifest, parity))
    write_manifest(tmp, manifest)

    steps("self-verify")
    verify_bundle(tmp, smoke=graphs_final is not None)
    return {"manifest": json.loads((tmp / "manifest.json").read_text()), "parity": report}
