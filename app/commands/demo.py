"""`sqinspect demo`: inspect the sample parts with the embedded default bundle and print the results
for a person to read. It runs the product's own runtime (ONNX Runtime, no torch); `make run`
uses it until the GUI lands."""

from __future__ import annotations

import json
from pathlib import Path

from app.assets import SAMPLES
from app.errors import SQInspectError


def register(subparsers) -> None:
    p = subparsers.add_parser("demo", help="inspect the sample parts with the default bundle and print the results")
    p.add_argument("images", nargs="*", type=Path, help="images or folders (default: assets/samples)")
    p.add_argument("--bundle", type=Path, help="bundle folder (default: the embedded default bundle)")
    p.add_argument("--questions", type=int, help="self-questions per part (K; default from the bundle)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=run)


def ground_truth(folder: Path) -> dict[str, dict]:
    """Sample folders carry their synthetic ground truth; show it beside the model's answer."""
    path = folder / "groundtruth.jsonl"
    if not path.is_file():
        return {}
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {Path(r["image"]).name: r for r in rows}


def run(args) -> int:
    from app.runtime.engine import Engine
    from app.runtime.errors import BundleError, ImageError
    from app.runtime.images import expand_paths, load_image
    from app.runtime.pipeline import Pipeline

    try:
        engine = Engine(args.bundle)
    except BundleError as exc:
        raise SQInspectError(str(exc)) from None
    pipeline = Pipeline(engine)
    paths = expand_paths([str(p) for p in (args.images or [SAMPLES])])
    if not paths:
        raise SQInspectError("no images to inspect")
    m = engine.bundle.manifest
    print(f"bundle {m['model'].get('name')} ({m['precision']}) on {engine.provider}, {len(paths)} image(s)")
    truths: dict[str, dict] = {}
    failed = 0
    for i, path in enumerate(paths):
        path = Path(path)
        if path.parent not in truths:
            truths[path.parent] = ground_truth(path.parent)
        try:
            image = load_image(path)
        except ImageError as exc:
            print(f"\n{path}: error: {exc}")
            failed += 1
            continue
        result = pipeline.inspect(image.bgr, num_questions=args.questions, seed=args.seed + i)
        print(f"\n{path.name}: {result.verdict.upper()}  (defect probability {result.defect_probability:.3f}, "
              f"threshold {result.threshold:.3g}, {result.latency_ms['total']:.0f} ms)")
        print(f"  description: {result.description}")
        for qa in result.qa:
            print(f"  Q: {qa['question']}\n     A: {qa['answer']}")
        truth = truths[path.parent].get(path.name)
        if truth is not None:
            defects = ", ".join(f"{d['type']} at the {d['location']}" for d in truth["defects"]) or "none"
            print(f"  ground truth: {truth['material']} {truth['part']}; defects: {defects}")
    return 1 if failed else 0
