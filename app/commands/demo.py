"""`sqinspect demo`: the self-questioning inspection of the embedded default model on the sample
images, printed for a person to read (PyTorch side; `make run` uses it until the GUI lands)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from app.errors import SQInspectError

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "assets" / "samples"


def register(subparsers) -> None:
    p = subparsers.add_parser("demo", help="inspect the sample images with the default model and print the results")
    p.add_argument("images", nargs="*", type=Path, help="images or folders (default: assets/samples)")
    p.add_argument("--model", type=Path, help="checkpoint folder (default: the embedded default model)")
    p.add_argument("--questions", type=int, default=4, help="self-questions per part (K)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=run)


def image_paths(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in {".png", ".jpg", ".jpeg", ".bmp"}))
        elif path.is_file():
            found.append(path)
        else:
            raise SQInspectError(f"no such image or folder: {path}")
    if not found:
        raise SQInspectError("no images to inspect")
    return found


def ground_truth(folder: Path) -> dict[str, dict]:
    path = folder / "groundtruth.jsonl"
    if not path.is_file():
        return {}
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {Path(r["image"]).name: r for r in rows}


def run(args) -> int:
    from models.default import default_checkpoint
    from models.inspect import Inspector, read_image

    model = args.model or default_checkpoint()
    if not (Path(model) / "model.safetensors").is_file():
        raise SQInspectError(f"{model}: no model.safetensors; train one with `sqinspect train` or pass --model")
    inspector = Inspector(Path(model), threads=2)
    paths = image_paths(args.images or [SAMPLES])
    truths = {}
    for folder in {p.parent for p in paths}:
        truths.update({str(folder / k): v for k, v in ground_truth(folder).items()})
    failed = 0
    for i, path in enumerate(paths):
        try:
            image = read_image(path)
        except ValueError as exc:
            print(f"\n{path}: error: {exc}")
            failed += 1
            continue
        start = time.perf_counter()
        result = inspector.inspect(image, num_questions=args.questions, seed=args.seed + i)
        ms = (time.perf_counter() - start) * 1000
        print(f"\n{path.name}: {result.verdict.upper()}  (defect probability {result.defect_probability:.3f}, "
              f"threshold {result.threshold:.3f}, {ms:.0f} ms)")
        print(f"  description: {result.description}")
        for qa in result.qa:
            print(f"  Q: {qa['question']}\n     A: {qa['answer']}")
        truth = truths.get(str(path))
        if truth is not None:
            defects = ", ".join(f"{d['type']} at the {d['location']}" for d in truth["defects"]) or "none"
            print(f"  ground truth: {truth['material']} {truth['part']}; defects: {defects}")
    return 1 if failed else 0
