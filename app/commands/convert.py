"""`sqinspect convert FORMAT SRC OUT`: released checkpoints -> our checkpoint folder."""

from __future__ import annotations

from pathlib import Path

from app.errors import SQInspectError

FORMATS = ("llava-hf", "llava", "sq-llava")


def register(subparsers) -> None:
    p = subparsers.add_parser("convert", help="convert a released LLaVA / SQ-LLaVA checkpoint to ours")
    p.add_argument("format", choices=FORMATS, help="layout of SRC")
    p.add_argument("src", type=Path, help="source checkpoint folder")
    p.add_argument("out", type=Path, help="output folder (must not exist or be empty)")
    p.add_argument("--clip", type=Path, help="CLIP vision tower folder (llava, sq-llava)")
    p.add_argument("--base-llm", type=Path, help="base LLM folder, e.g. Vicuna v1.5 (sq-llava)")
    p.add_argument("--num-prototypes", type=int, help="prototype count K if config.json lacks it (sq-llava)")
    p.set_defaults(func=run)


def run(args) -> int:
    from models.convert import FORMATS as CONVERTERS
    from models.convert.weights import ConversionError

    try:
        out = CONVERTERS[args.format](
            args.src, args.out, clip=args.clip, base_llm=args.base_llm, num_prototypes=args.num_prototypes
        )
    except ConversionError as exc:
        raise SQInspectError(str(exc)) from None
    print(f"converted {args.format} checkpoint {args.src} -> {out}")
    return 0
