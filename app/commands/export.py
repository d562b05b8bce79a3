"""`sqinspect export CHECKPOINT OUT`: checkpoint -> verified bundle (ONNX graphs, manifest, parity)."""

from __future__ import annotations

from pathlib import Path

from app.errors import SQInspectError

PRECISIONS = ("fp32", "int8", "fp16")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export", help="export a checkpoint to a bundle (ONNX graphs + manifest), with a parity check",
        description="Exports the vision, embedding and decoder graphs, checks them against PyTorch "
                    "(and a precision variant against fp32), and writes OUT only if every check passes.",
    )
    p.add_argument("checkpoint", type=Path, help="checkpoint folder (model.safetensors, config.json, tokenizer.json, sqinspect.json)")
    p.add_argument("out", type=Path, help="bundle folder to create (must not exist)")
    p.add_argument("--precision", choices=PRECISIONS, default="fp32",
                   help="fp32 (reference), int8 (dynamic quantisation, CPU) or fp16 (CUDA/TensorRT); default fp32")
    p.add_argument("--opset", type=int, help="ONNX opset (default 18)")
    p.add_argument("--eval-images", type=int, default=8, metavar="N",
                   help="synthetic eval images for the variant-vs-fp32 accuracy check (default 8)")
    p.add_argument("--name", help="model name in the manifest (default: the checkpoint folder's name)")
    p.add_argument("--model-version", help="model version in the manifest (default: sha256 prefix of the weights)")
    p.set_defaults(func=run)


def run(args) -> int:
    # Torch-side: imported here so that `sqinspect` starts on a runtime-only install.
    from export.bundle import export_bundle
    from export.errors import ExportError

    try:
        result = export_bundle(args.checkpoint, args.out, precision=args.precision, opset=args.opset,
                               eval_count=args.eval_images, name=args.name, version=args.model_version)
    except ExportError as exc:
        raise SQInspectError(str(exc)) from None
    m = result["manifest"]
    par = m["parity"]
    print(f"exported {m['model']['name']} ({m['precision']}) to {args.out}: prefill logits max diff "
          f"{par['prefill_logits_max_abs_diff']:.2g}, greedy identical over {par['greedy_steps']} steps, "
          f"verdict diff {par['verdict_probability_diff']:.2g}")
    acc = m.get("accuracy_vs_fp32")
    if acc and acc.get("computed"):
        print(f"{m['precision']} vs fp32 on {acc['images']} images: defect probability max diff "
              f"{acc['defect_probability_max_abs_diff']:.3g}, verdict agreement {acc['verdict_agreement']:.0%}")
    elif acc:
        print(f"{m['precision']} vs fp32 accuracy not computed: {acc['reason']}")
    return 0
