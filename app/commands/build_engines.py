"""`sqinspect build-engines BUNDLE`: TensorRT engines for the on-site CUDA box, cached in the bundle."""

from __future__ import annotations

import sys
from pathlib import Path

from app.errors import SQInspectError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "build-engines", help="build TensorRT engines for a bundle (CUDA box)",
        description="Builds one engine per graph through ONNX Runtime's TensorRT execution provider, with "
                    "optimisation profiles from the manifest, into BUNDLE/cache/trt (engines + timing cache). "
                    "Fails with the missing piece named on a machine without a usable GPU or TensorRT.",
    )
    p.add_argument("bundle", type=Path, help="bundle folder (with manifest.json)")
    p.add_argument("--fp16", action="store_true", help="let TensorRT use fp16 kernels")
    p.add_argument("--workspace-gb", type=float, default=4.0, metavar="N", help="TensorRT workspace in GiB (default 4)")
    p.set_defaults(func=run)


def run(args) -> int:
    from app.runtime.engines import EngineError, build_engines
    from app.runtime.errors import BundleError

    if args.workspace_gb <= 0:
        raise SQInspectError("--workspace-gb must be positive")
    try:
        info = build_engines(args.bundle, fp16=args.fp16, workspace_gb=args.workspace_gb,
                             progress=lambda step: print(f"build-engines: {step} done", file=sys.stderr, flush=True))
    except (EngineError, BundleError) as exc:
        raise SQInspectError(str(exc)) from None
    print(f"TensorRT engines for {', '.join(info['graphs'])} in {args.bundle / 'cache' / 'trt'} "
          f"(batch <= {info['max_batch']}, sequence <= {info['max_sequence']}, fp16 {info['fp16']})")
    return 0
