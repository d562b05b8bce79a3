"""`sqinspect bench`: the engine against a naive ONNX Runtime loop and the PyTorch reference."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import numpy as np

from app.errors import SQInspectError
from app.hashing import sha256_file

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_IMAGES = ROOT / "assets" / "samples"
DEFAULT_CHECKPOINT = ROOT / "models" / "default_model"
TARGETS = {"p50_ms": 100.0, "speedup_vs_torch": 5.0, "speedup_vs_naive": 2.0}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "bench", help="time inspections: engine vs naive ONNX Runtime loop vs PyTorch reference",
        description="Inspects the same images three ways in one run: (1) the engine (prefix sharing, batched "
                    "questions and answers), (2) a naive ONNX Runtime loop (every prompt prefilled from scratch, "
                    "batch 1), (3) the PyTorch reference (models.inspect.Inspector on the checkpoint, when torch "
                    "is installed). Prints a table; --json writes the numbers.",
    )
    p.add_argument("--bundle", type=Path, metavar="DIR", help="model bundle (default: as `inspect`)")
    p.add_argument("--images", type=Path, metavar="DIR", help=f"image folder (default: {DEFAULT_IMAGES.relative_to(ROOT)})")
    p.add_argument("--json", type=Path, metavar="FILE", help="write the results here as JSON")
    p.add_argument("--checkpoint", type=Path, metavar="DIR",
                   help="checkpoint for the PyTorch reference (default: the shipped default model, if the bundle "
                        "was exported from it)")
    p.add_argument("--questions", type=int, metavar="K", help="self-questions per image (default: the bundle's)")
    p.add_argument("--limit", type=int, metavar="N", help="use only the first N images")
    p.add_argument("--repeat", type=int, default=1, metavar="R", help="inspect each image R times with the engine (default 1)")
    p.add_argument("--provider", metavar="P", help="tensorrt, cuda or cpu (default: the first that really runs)")
    p.add_argument("--threads", type=int, metavar="N", help="threads for ONNX Runtime and torch (default: $SQINSPECT_THREADS or 1)")
    p.add_argument("--torch-threads", type=int, metavar="N",
                   help="torch threads for the reference (default: as --threads; on a busy machine 1 avoids "
                        "OpenMP oversubscription, which slows torch far more than ONNX Runtime)")
    p.add_argument("--no-naive", action="store_true", help="skip the naive ONNX Runtime loop")
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch reference")
    p.set_defaults(func=run)


def _summary(totals: list[float]) -> dict:
    a = np.asarray(totals, np.float64)
    return {"n": len(a), "p50_ms": round(float(np.percentile(a, 50)), 3), "p95_ms": round(float(np.percentile(a, 95)), 3),
            "mean_ms": round(float(a.mean()), 3)}


def _checkpoint_for(args, manifest: dict) -> tuple[Path | None, str]:
    """The checkpoint the bundle was exported from, or (None, why not)."""
    prov = manifest.get("provenance", {})
    want = prov.get("source_checkpoint_sha256")
    candidates = [args.checkpoint] if args.checkpoint else [
        Path(c) for c in (prov.get("source_checkpoint_path"), DEFAULT_CHECKPOINT) if c]
    for ckpt in candidates:
        weights = ckpt / "model.safetensors"
        if not weights.is_file():
            if args.checkpoint:
                raise SQInspectError(f"{ckpt}: not a checkpoint folder (no model.safetensors)")
            continue
        if want and sha256_file(weights) != want:
            if args.checkpoint:
                log.warning("%s is not the checkpoint this bundle was exported from (weights sha256 differ)", ckpt)
                return ckpt, "weights differ from the bundle's source checkpoint"
            continue
        return ckpt, ""
    return None, (f"no checkpoint: pass --checkpoint DIR (the bundle was exported from "
                  f"{prov.get('source_checkpoint', '?')!r}, weights sha256 {str(want)[:12]}...)")


def _torch_reference(ckpt: Path, images, k: int, threads: int) -> dict:
    # Lazily: the runtime never needs torch; the bench uses it when it is there.
    from models.inspect import Inspector

    inspector = Inspector(ckpt, threads=threads)
    inspector.inspect(images[0][1], num_questions=k, seed=0)  # warm-up
    totals = []
    for i, (_, bgr) in enumerate(images):
        t0 = time.perf_counter()
        inspector.inspect(bgr, num_questions=k, seed=i)
        totals.append((time.perf_counter() - t0) * 1000)
    return _summary(totals)


def run(args) -> int:
    import cv2

    from app.runtime.engine import Engine
    from app.runtime.errors import ImageError
    from app.runtime.generate import DecodeStats
    from app.runtime.images import folder_images, load_image
    from app.runtime.naive import NaiveInspector
    from app.runtime.pipeline import STAGES, Pipeline

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    if args.repeat < 1:
        raise SQInspectError("--repeat must be at least 1")
    folder = args.images or DEFAULT_IMAGES
    if not folder.is_dir():
        raise SQInspectError(f"{folder}: no such image folder")
    images, skipped = [], []
    for f in folder_images(folder):
        try:
            images.append((str(f), load_image(f).bgr))
        except ImageError as exc:
            skipped.append(str(exc))
    images = images[:args.limit] if args.limit else images
    if not images:
        raise SQInspectError(f"{folder}: no readable images")

    engine = Engine(args.bundle, provider=args.provider, threads=args.threads)
    pipeline = Pipeline(engine, num_questions=args.questions)
    k = pipeline.num_questions
    info = engine.describe()
    print(f"bench: {len(images)} images, K={k}, bundle {info['bundle']['name']}, provider {info['provider']}, "
          f"{info['threads']} threads", file=sys.stderr)

    pipeline.inspect(images[0][1], seed=0)  # warm-up: the static prefix KV, ORT's first-run allocations
    totals, stages, decode = [], {s: [] for s in STAGES}, DecodeStats()
    tokens = []
    for _ in range(args.repeat):
        for i, (_, bgr) in enumerate(images):
            r = pipeline.inspect(bgr, seed=i)
            totals.append(r.latency_ms["total"])
            for s in STAGES:
                stages[s].append(r.latency_ms[s])
            decode.add(r.decode)
            tokens.append(r.decode.tokens)
    eng = _summary(totals)
    eng["stages_p50_ms"] = {s: round(float(np.percentile(v, 50)), 3) for s, v in stages.items()}
    eng["generated_tokens_mean"] = round(float(np.mean(tokens)), 1)
    eng["decode"] = {"steps": decode.steps, "ms_per_step": round(decode.wall_s * 1000 / max(1, decode.steps), 4),
                     "outside_run_share": None if decode.outside_run_share is None else round(decode.outside_run_share, 4)}

    naive = None
    if not args.no_naive:
        runner = NaiveInspector(pipeline)
        runner.inspect(images[0][1], num_questions=k, seed=0)
        nt, ntok = [], []
        for i, (_, bgr) in enumerate(images):
            r = runner.inspect(bgr, num_questions=k, seed=i)
            nt.append(r["total_ms"])
            ntok.append(r["decode"].tokens)
        naive = {**_summary(nt), "generated_tokens_mean": round(float(np.mean(ntok)), 1)}

    torch_result: dict = {"skipped": "--no-torch"} if args.no_torch else {}
    if not args.no_torch:
        try:
            import torch  # noqa: F401
        except ImportError:
            torch_result = {"skipped": "torch is not installed (pip install 'sq-inspect[train]')"}
        else:
            ckpt, why = _checkpoint_for(args, engine.bundle.manifest)
            if ckpt is None:
                torch_result = {"skipped": why}
            else:
                torch_result = {"threads": args.torch_threads or engine.threads, **_torch_reference(ckpt, images, k, args.torch_threads or engine.threads), "checkpoint": str(ckpt)}
                if why:
                    torch_result["note"] = why

    def ratio(other: dict | None):
        return round(other["p50_ms"] / eng["p50_ms"], 3) if other and "p50_ms" in other and eng["p50_ms"] > 0 else None

    doc = {
        "n_images": len(images), "repeat": args.repeat, "questions": k, "provider": info["provider"],
        "threads": info["threads"], "bundle": info["bundle"], "onnxruntime": info["onnxruntime"],
        "p50_ms": eng["p50_ms"], "p95_ms": eng["p95_ms"],
        "speedup_vs_torch": ratio(torch_result), "speedup_vs_naive": ratio(naive),
        "outside_run_share": eng["decode"]["outside_run_share"],
        "engine": eng, "naive": naive if naive else {"skipped": "--no-naive"}, "torch": torch_result,
        "skipped_images": skipped,
    }
    doc["targets"] = {
        "p50_ms<=100": doc["p50_ms"] <= TARGETS["p50_ms"],
        "speedup_vs_torch>=5": None if doc["speedup_vs_torch"] is None else doc["speedup_vs_torch"] >= TARGETS["speedup_vs_torch"],
        "speedup_vs_naive>=2": None if doc["speedup_vs_naive"] is None else doc["speedup_vs_naive"] >= TARGETS["speedup_vs_naive"],
    }
    print(_table(doc))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


def _table(doc: dict) -> str:
    eng = doc["engine"]
    rows = [("engine", eng, "1.00x")]
    for name, key, speed in (("naive ORT loop", "naive", "speedup_vs_naive"), ("PyTorch reference", "torch", "speedup_vs_torch")):
        rows.append((name, doc[key], f"{doc[speed]:.2f}x" if doc[speed] is not None else "-"))
    lines = [f"{'':<20}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}  engine is"]
    for name, r, speed in rows:
        if "p50_ms" in r:
            lines.append(f"{name:<20}{r['p50_ms']:>10.1f}{r['p95_ms']:>10.1f}{r['mean_ms']:>10.1f}  {speed + ' faster' if name != 'engine' else ''}")
        else:
            lines.append(f"{name:<20}  skipped: {r['skipped']}")
    lines.append("engine stages (p50 ms): " + ", ".join(f"{s} {v:.1f}" for s, v in eng["stages_p50_ms"].items()))
    d = eng["decode"]
    share = "-" if d["outside_run_share"] is None else f"{d['outside_run_share']:.0%}"
    lines.append(f"decode steps: {d['steps']} in all, {d['ms_per_step']:.3f} ms each, {share} of a step outside "
                 f"session.run; {eng['generated_tokens_mean']:.0f} tokens generated per part")
    t = doc["targets"]
    fmt = {True: "met", False: "MISSED", None: "n/a"}
    lines.append(f"targets: p50 <= 100 ms {fmt[t['p50_ms<=100']]}; >= 5x vs PyTorch {fmt[t['speedup_vs_torch>=5']]}; "
                 f">= 2x vs naive {fmt[t['speedup_vs_naive>=2']]}")
    return "\n".join(lines)
