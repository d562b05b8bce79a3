"""`sqinspect train`: train an SQ-LLaVA inspection model (stages 0, 1, 2) from a config file."""

from __future__ import annotations

import os
from pathlib import Path

from app.errors import SQInspectError


def register(subparsers) -> None:
    p = subparsers.add_parser("train", help="train a model on synthetic parts (stage 0 vision, 1 captions, 2 self-questioning)")
    p.add_argument("out", type=Path, nargs="?", help="output checkpoint folder (not with --estimate)")
    p.add_argument("--config", type=Path, help="training config TOML (default: models/configs/default.toml)")
    p.add_argument("--work", type=Path, help="work folder for data, stage checkpoints and loss curves (default: OUT.work)")
    p.add_argument("--stage0-from", type=Path, help="start from a finished stage 0 and its tokenizer (ablations): another work folder (its data is shared) "
                        "or a checkpoint folder that keeps its stage0/ (the data is rendered again from the same seeds)")
    p.add_argument("--from", dest="init_from", type=Path, metavar="CHECKPOINT",
                   help="fine-tune a checkpoint folder (ours, or converted from a release with `sqinspect convert`): "
                        "stage 2 only, its vision tower and projector are trained already")
    p.add_argument("--threads", type=int, metavar="N", help="torch threads (default: the config's [train] threads)")
    p.add_argument("--budget", type=float, metavar="MINUTES",
                   help="the whole run's minutes on this machine: every stage's steps are scaled by one factor to fit, "
                        "from a few timed steps (default: the config's [train] budget_minutes; 0: the config's steps)")
    p.add_argument("--estimate", action="store_true",
                   help="train nothing: time a few steps of every stage on this machine (a small sample of the "
                        "config's data, its model and batches) and print how long the config would take")
    p.add_argument("--estimate-steps", type=int, default=10, metavar="N", help="timed steps per stage (default 10)")
    p.set_defaults(func=run)


def run(args) -> int:
    from models.train import distributed
    from models.train.config import DEFAULT_CONFIG
    from models.train.pipeline import train

    config = args.config or DEFAULT_CONFIG
    if not Path(config).is_file():
        raise SQInspectError(f"config file not found: {config}")
    if args.threads is not None and args.threads < 1:
        raise SQInspectError(f"--threads must be at least 1, got {args.threads}")
    if args.budget is not None and not args.budget >= 0:
        raise SQInspectError(f"--budget must be 0 (none) or a number of minutes, got {args.budget}")
    if args.estimate:
        return _estimate(args, config)
    if args.out is None:
        raise SQInspectError("give the output checkpoint folder (or --estimate to time the config)")
    work = args.work or args.out.with_name(args.out.name + ".work")
    try:
        out = train(config, work, args.out, stage0_from=args.stage0_from, init_from=args.init_from, threads=args.threads,
                    budget_minutes=args.budget)
    except ValueError as exc:
        raise SQInspectError(str(exc)) from None
    finally:
        distributed.teardown()
    if int(os.environ.get("RANK", "0")) == 0:  # under torchrun: one line, from the process that wrote it
        print(f"trained model written to {out} (work folder {work})")
    return 0


def _estimate(args, config: Path) -> int:
    from models.train.config import TrainConfig
    from models.train.estimate import estimate, format_estimate

    if args.init_from is not None:
        raise SQInspectError("--estimate times a config's own stages; it does not take --from")
    if args.stage0_from is not None and not (args.stage0_from / "stage0" / "done.json").is_file():
        raise SQInspectError(f"--stage0-from {args.stage0_from}: has no finished stage 0 to share")
    try:
        cfg = TrainConfig.load(config)
        if args.threads is not None:
            cfg.train.threads = args.threads
        if args.budget is not None:
            cfg.train.budget_minutes = args.budget
        result = estimate(cfg, steps=args.estimate_steps, skip_stage0=args.stage0_from is not None)
    except ValueError as exc:
        raise SQInspectError(str(exc)) from None
    print(f"estimated training time of {config} on this machine:")
    print(format_estimate(result))
    return 0
