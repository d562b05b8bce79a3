"""`sqinspect calibrate CHECKPOINT --data DIR`: choose a checkpoint's verdict threshold on labelled parts.

Training chooses it on its validation split; a site recalibrates on its own labelled parts (or on a
larger split) and exports again: a bundle's manifest is hashed, so bundles are not edited.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.errors import SQInspectError


def register(subparsers) -> None:
    p = subparsers.add_parser("calibrate", help="choose a checkpoint's verdict threshold on a labelled data set "
                                                "(the highest that keeps a given recall)")
    p.add_argument("checkpoint", type=Path, help="checkpoint folder (sqinspect.json is updated in place)")
    p.add_argument("--data", type=Path, required=True, help="data set folder written by `sqinspect synth` (labelled parts)")
    p.add_argument("--recall", type=float, default=None,
                   help="share of defective parts the threshold keeps (default: models.inspect.DEFAULT_RECALL)")
    p.add_argument("--limit", type=int, help="use only the first N parts")
    p.add_argument("--views", type=int, default=None,
                   help="verdict views to average P(yes) over, 1..8: the image and its 90-degree turns "
                        "(default: the checkpoint's own); recorded with the threshold")
    p.set_defaults(func=run)


def run(args) -> int:
    from models.inspect import DEFAULT_RECALL, calibrate

    meta_path = args.checkpoint / "sqinspect.json"
    if not (meta_path.is_file() and (args.checkpoint / "config.json").is_file()):
        raise SQInspectError(f"{args.checkpoint}: not a checkpoint folder (no sqinspect.json / config.json); "
                             "bundles are calibrated through their checkpoint and exported again")
    if not (args.data / "groundtruth.jsonl").is_file():
        raise SQInspectError(f"{args.data}: not a data set (no groundtruth.jsonl); make one with `sqinspect synth`")
    try:
        meta = json.loads(meta_path.read_text())
        chosen = calibrate(args.checkpoint, args.data, DEFAULT_RECALL if args.recall is None else args.recall,
                           args.limit, views=args.views)
    except (ValueError, KeyError) as exc:
        raise SQInspectError(f"{args.checkpoint}: {exc}") from None
    old = meta.setdefault("inspection", {}).get("threshold")
    meta["inspection"]["threshold"] = chosen.pop("threshold")
    meta["inspection"]["threshold_from"] = chosen
    meta["inspection"]["verdict_views"] = chosen["views"]  # the threshold holds for these views only
    tmp = meta_path.with_suffix(".json.tmp")  # a kill mid-write leaves the old file whole
    tmp.write_text(json.dumps(meta, indent=2))
    tmp.replace(meta_path)
    print(f"threshold {meta['inspection']['threshold']:.4f} (was {old}), {chosen['views']} verdict view(s): recall {chosen['recall_reached']:.3f}, "
          f"false alarm {chosen['false_alarm']:.3f} on {chosen['parts']} parts of {args.data}")
    return 0
