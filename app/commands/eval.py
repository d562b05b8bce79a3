"""`sqinspect eval MODEL --data DIR --json OUT`: grade the full self-questioning inspection."""

from __future__ import annotations

from pathlib import Path

from app.errors import SQInspectError


def register(subparsers) -> None:
    p = subparsers.add_parser("eval", help="evaluate a checkpoint or a bundle on a synthetic data set "
                                           "(verdict AUC, answers, self-questions)")
    p.add_argument("model", type=Path, help="checkpoint folder (PyTorch reference) or exported bundle (ONNX Runtime)")
    p.add_argument("--data", type=Path, required=True, help="data set folder written by `sqinspect synth`")
    p.add_argument("--json", type=Path, required=True, help="write the report here")
    p.add_argument("--questions", type=int, default=4, help="self-questions per image (K)")
    p.add_argument("--limit", type=int, help="evaluate only the first N images")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=run)


def run(args) -> int:
    from models.evaluate import evaluate, write_report

    if not ((args.model / "config.json").is_file() or (args.model / "manifest.json").is_file()):
        raise SQInspectError(f"{args.model}: neither a checkpoint folder (config.json) nor a bundle (manifest.json)")
    if not (args.data / "groundtruth.jsonl").is_file():
        raise SQInspectError(f"{args.data}: not a data set (no groundtruth.jsonl); make one with `sqinspect synth`")
    report = evaluate(args.model, args.data, num_questions=args.questions, limit=args.limit, seed=args.seed)
    write_report(report, args.json)
    acc = report["answer_accuracy"]["overall"]
    split = report["hallucination_by_part_state"]
    print(
        f"{report['n_images']} images: verdict AUC {report['verdict_auc']:.4f}, recall {report['recall_at_threshold']:.3f} "
        f"at false alarm {report['false_alarm_at_threshold']:.3f} (threshold {report['threshold']:.3f}), "
        f"answers {acc:.3f}, hallucination {report['hallucination_rate']:.3f} "
        f"(good parts {split['good']['rate']:.3f}, defective {split['defective']['rate']:.3f}), "
        f"valid self-questions {report['self_questions']['valid_rate']:.3f}"
    )
    return 0
