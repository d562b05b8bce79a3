"""TensorRT engines for a bundle, built through ONNX Runtime's TensorRT execution provider.

Engines and the timing cache go to BUNDLE/cache/trt/ (outside the hashed content). Optimisation
profiles come from the manifest: batch 1..num_questions (the self-questions are one batch),
sequence 1..the longest prompt an inspection can build, past 0..that length.
Torch-free: runs on the CUDA box with the runtime install.

onnxruntime-gpu lists the CUDA and TensorRT providers whether or not their libraries and a GPU
are present, so TensorRT is first probed with the doctor's real session (app/doctor/probe.py),
whose native log names the missing library.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from app.runtime.bundle import CACHE_DIR, GRAPH_NAMES, open_bundle
from app.runtime.engine import CUDA, TENSORRT, captured_native_output, why_provider_failed
from app.runtime.errors import BundleError
from app.runtime.prompt import Prompts
from app.doctor.probe import probe_provider


class EngineError(Exception):
    """TensorRT engines cannot be built here; the message says what is missing."""


def max_prompt_tokens(manifest: dict, tokenizer) -> int:
    """Tokens of the longest prompt an inspection builds: an answer after the description and its question."""
    g, p = manifest["generation"], Prompts(manifest, tokenizer)
    scaffold = p.encode(p.answer(p.history(""), ""))
    generated = g["max_description_tokens"] + g["max_question_tokens"] + g["max_answer_tokens"]
    total = len(scaffold) + generated + 8  # a few tokens of slack for merges at the joins
    total = -(-total // 64) * 64  # round up: engines like aligned maxima
    limit = manifest.get("max_position_embeddings")
    return min(total, limit) if limit else total


def profiles(manifest: dict, tokenizer) -> tuple[dict[str, dict[str, str]], int]:
    """ORT TensorRT profile strings (min/opt/max) per graph, and the longest sequence."""
    k = max(1, int(manifest["generation"]["num_questions"]))
    size = manifest["preprocessing"]["size"]
    hidden, kv, d = manifest["hidden_size"], manifest["num_kv_heads"], manifest["head_dim"]
    seq_max = max_prompt_tokens(manifest, tokenizer)
    p = Prompts(manifest, tokenizer)
    prefix = len(p.encode(p.describe()))

    def shapes(dims: dict[str, tuple]) -> str:
        return ",".join(f"{name}:{'x'.join(str(v) for v in shape)}" for name, shape in dims.items())

    kv_names = [f"past_key_values.{i}.{t}" for i in range(manifest["num_layers"]) for t in ("key", "value")]

    def decoder(b: int, s: int, p: int) -> str:
        dims = {"inputs_embeds": (b, s, hidden), "attention_mask": (b, p + s), "position_ids": (b, s)}
        dims.update({n: (b, kv, p, d) for n in kv_names})
        return shapes(dims)

    return {
        "vision": {"min": shapes({"pixel_values": (1, 3, size, size)}), "opt": shapes({"pixel_values": (1, 3, size, size)}),
                   "max": shapes({"pixel_values": (k, 3, size, size)})},
        "embedding": {"min": shapes({"input_ids": (1, 1)}), "opt": shapes({"input_ids": (1, prefix)}),
                      "max": shapes({"input_ids": (k, seq_max)})},
        # Decode steps (K rows, one token, a long past) dominate an inspection: optimise for them.
        "decoder": {"min": decoder(1, 1, 0), "opt": decoder(k, 1, prefix + manifest["generation"]["max_description_tokens"]),
                    "max": decoder(k, seq_max, seq_max)},
    }, seq_max


def build_engines(bundle: Path, *, fp16: bool = False, workspace_gb: float = 4.0, progress=None) -> dict:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    bundle = Path(bundle)
    manifest = open_bundle(bundle).manifest
    tick = progress or (lambda name: None)
    trt, cuda = probe_provider(TENSORRT), probe_provider(CUDA)  # the doctor's real-session probe
    tick("providers")
    if not trt.works:
        where = f"; CUDA execution provider: {cuda.detail}" if not cuda.works else " (the CUDA execution provider works)"
        raise EngineError(f"TensorRT execution provider unusable: {trt.detail}{where}")

    tokenizer = Tokenizer.from_file(str(bundle / manifest.get("tokenizer", "tokenizer.json")))
    shapes, seq_max = profiles(manifest, tokenizer)
    cache = bundle / CACHE_DIR / "trt"
    cache.mkdir(parents=True, exist_ok=True)
    built = {}
    for name in GRAPH_NAMES:
        t0 = time.time()
        options = {
            "trt_engine_cache_enable": True, "trt_engine_cache_path": str(cache),
            "trt_timing_cache_enable": True, "trt_timing_cache_path": str(cache),
            "trt_fp16_enable": bool(fp16), "trt_max_workspace_size": int(workspace_gb * (1 << 30)),
            "trt_profile_min_shapes": shapes[name]["min"], "trt_profile_opt_shapes": shapes[name]["opt"],
            "trt_profile_max_shapes": shapes[name]["max"],
            "trt_engine_cache_prefix": f"{name}_{'fp16' if fp16 else 'fp32'}",
        }
        with captured_native_output() as log:
            try:
                # Building happens when the session is created with explicit profiles.
                session = ort.InferenceSession(str(bundle / manifest["graphs"][name]["file"]),
                                               providers=[("TensorrtExecutionProvider", options), "CUDAExecutionProvider"])
                ok = "TensorrtExecutionProvider" in session.get_providers()
                err = ""
            except Exception as exc:
                ok, err = False, str(exc)
        if not ok:
            raise EngineError(f"{manifest['graphs'][name]['file']}: TensorRT engine build failed: "
                              f"{why_provider_failed(log[0] if log else '', err)}")
        built[name] = {"profile": shapes[name], "seconds": round(time.time() - t0, 1)}
        tick(name)
    engines = [p.name for p in cache.iterdir() if p.suffix in (".engine", ".profile", ".timing") or "timing" in p.name]
    info = {
        "bundle_model": manifest["model"], "bundle_precision": manifest["precision"],
        "manifest_files_sha256": {k: v["sha256"] for k, v in manifest["files"].items() if k.endswith(".onnx")},
        "fp16": bool(fp16), "workspace_gb": workspace_gb, "max_sequence": seq_max,
        "max_batch": max(1, int(manifest["generation"]["num_questions"])), "onnxruntime": ort.__version__,
        "graphs": built, "cache_files": sorted(engines),
    }
    (bundle / CACHE_DIR / "engines.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


__all__ = ["BundleError", "EngineError", "build_engines", "profiles"]
