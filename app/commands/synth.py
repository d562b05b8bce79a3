"""`sqinspect synth OUT`: render a synthetic parts data set (images, defect masks, ground truth)."""

from __future__ import annotations

import argparse

from app.errors import SQInspectError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "synth",
        help="render a synthetic parts data set",
        description="Render procedurally generated part photos with defect masks and ground truth "
                    "(OUT/images, OUT/masks, OUT/groundtruth.jsonl, OUT/info.json).",
    )
    p.add_argument("out", metavar="OUT", help="output folder (must be empty unless --overwrite)")
    p.add_argument("--count", type=int, required=True, help="number of images")
    p.add_argument("--seed", type=int, required=True, help="data set seed (image i is re-renderable alone)")
    p.add_argument("--size", type=int, default=128, help="image side in pixels (default 128)")
    p.add_argument("--workers", type=int, default=1, help="rendering processes (default 1)")
    p.add_argument("--overwrite", action="store_true", help="replace a data set already in OUT")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the runtime-only install must be able to list every verb.
    from models.synth import write_dataset

    try:
        stats = write_dataset(args.out, count=args.count, seed=args.seed, size=args.size,
                              workers=args.workers, overwrite=args.overwrite)
    except (ValueError, FileExistsError) as exc:
        raise SQInspectError(str(exc)) from None
    except OSError as exc:
        raise SQInspectError(f"cannot write data set to {args.out}: {exc}") from None
    print(f"wrote {stats['images']} images to {args.out} "
          f"({stats['defect_free']} defect-free, {stats['defective']} defective)")
    return 0
