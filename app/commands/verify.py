"""`sqinspect verify BUNDLE`: format version, every file's sha256, graph I/O, smoke generation."""

from __future__ import annotations

from pathlib import Path

from app.errors import SQInspectError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "verify", help="check a model bundle: hashes, graphs, a short smoke generation",
        description="Exit 0 if the bundle is intact and runs; otherwise exit 1 with one line naming the "
                    "file and the problem. Needs only the runtime (ONNX Runtime, numpy, tokenizers).",
    )
    p.add_argument("bundle", type=Path, help="bundle folder (with manifest.json)")
    p.set_defaults(func=run)


def run(args) -> int:
    from app.runtime.errors import BundleError
    from app.runtime.verify import verify_bundle

    try:
        summary = verify_bundle(args.bundle)
    except BundleError as exc:
        raise SQInspectError(str(exc), exit_code=1) from None
    print(f"ok: {args.bundle}: {summary['model']['name']} {summary['model']['version']} ({summary['precision']}), "
          f"{summary['files']} files, smoke generation {len(summary['smoke_tokens'])} tokens")
    return 0
