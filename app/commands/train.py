"""`sqinspect train`: train an SQ-LLaVA inspection model (stages 0, 1, 2) from a config file."""

from __future__ import annotations

import os
from pathlib import Path

from app.errors import SQInspectError


def register(subparsers) -> None:
    p = subparsers.add_parser("train", help="train a model on synthetic parts (stage 0 vision, 1 captions, 2 self-questioning)")
    p.add_argument("out", type=Path, help="output checkpoint folder")
    p.add_argument("--config", type=Path, help="training config TOML (default: models/configs/default.toml)")
    p.add_argument("--work", type=Path, help="work folder for data, stage checkpoints and loss curves (default: OUT.work)")
    p.add_argument("--stage0-from", type=Path, help="start from a finished stage 0 and its tokenizer (ablations): another work folder (its data is shared) "
                        "or a checkpoint folder that keeps its stage0/ (the data is rendered again from the same seeds)")
    p.add_argument("--from", dest="init_from", type=Path, metavar="CHECKPOINT",
                   help="fine-tune a checkpoint folder (ours, or converted from a release with `sqinspect convert`): "
                        "stage 2 only, its vision tower and projector are trained already")
    p.set_defaults(func=run)


def run(args) -> int:
    from models.train import distributed
    from models.train.config import DEFAULT_CONFIG
    from models.train.pipeline import train

    config = args.config or DEFAULT_CONFIG
    if not Path(config).is_file():
        raise SQInspectError(f"config file not found: {config}")
    work = args.work or args.out.with_name(args.out.name + ".work")
    try:
        out = train(config, work, args.out, stage0_from=args.stage0_from, init_from=args.init_from)
    except ValueError as exc:
        raise SQInspectError(str(exc)) from None
    finally:
        distributed.teardown()
    if int(os.environ.get("RANK", "0")) == 0:  # under torchrun: one line, from the process that wrote it
        print(f"trained model written to {out} (work folder {work})")
    return 0
