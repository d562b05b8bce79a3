"""A checkpoint's stage-0 vision tower, kept in the checkpoint folder beside the model.

Stage 2 trains the tower through ViT-LoRA and the adapters are merged, so the tower that stage 0
left cannot be recovered from the model; nor by rerunning stage 0 (model 0.8's config, rerun on
another CPU with the same seed and data: verdict AUC of the heads 0.989 against 0.987). Kept as
CHECKPOINT/stage0/, it lets an ablation or a later recipe start from the very tower the
checkpoint grew from (`sqinspect train --stage0-from CHECKPOINT`) without spending stage 0's hour
again, as LLaVA releases its stage-1 projector.

CHECKPOINT/stage0/ holds what a work folder's stage0/ does (weights.safetensors with the tower
and heads, metrics.json, done.json with the steps) and data.json: the training data stage 0 saw,
so that a run starting from it renders the same images.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from safetensors import safe_open

from models.synth.vocab import GENERATOR_VERSION
from models.train.config import TrainConfig

FILES = ("weights.safetensors", "metrics.json")
DONE = "done.json"
DATA_SPEC = "data.json"


def data_spec(cfg: TrainConfig) -> dict:
    d = cfg.data
    return {"generator_version": GENERATOR_VERSION, "train_seed": d.train_seed,
            "train_count": d.train_count, "image_size": d.image_size}


def write_stage0(stage0_dir: Path, checkpoint: Path, cfg: TrainConfig) -> Path:
    """Copy a finished stage 0 (a work folder's stage0/) into checkpoint/stage0/."""
    stage0_dir, dest = Path(stage0_dir), Path(checkpoint) / "stage0"
    dest.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if (stage0_dir / name).is_file():
            shutil.copy2(stage0_dir / name, dest / name)
    # The steps, not the seconds: the checkpoint's sqinspect.json holds the stage times, and a
    # stage 0 resumed or rerun would time only its own part.
    done = json.loads((stage0_dir / DONE).read_text())
    (dest / DONE).write_text(json.dumps({k: v for k, v in done.items() if k != "seconds"}))
    (dest / DATA_SPEC).write_text(json.dumps(data_spec(cfg), indent=2))
    return dest


def check_data(source: Path, cfg: TrainConfig) -> None:
    """Refuse a released stage 0 trained on other images than `cfg` would render."""
    theirs = json.loads((Path(source) / "stage0" / DATA_SPEC).read_text())
    ours = data_spec(cfg)
    differ = [f"{key} {theirs.get(key)} (config: {value})" for key, value in ours.items() if theirs.get(key) != value]
    if differ:
        raise ValueError(f"--stage0-from {source}: its stage 0 saw other training data: {', '.join(differ)}")


def check_tower(weights: Path, tower, source: Path) -> None:
    """Refuse stage-0 weights that do not fit `tower` (another config's model section): loaded
    leniently, as resuming needs, they would leave the unmatched layers at random init."""
    with safe_open(str(weights), "pt") as f:
        saved = {key: tuple(f.get_slice(key).get_shape()) for key in f.keys() if key.startswith("tower.")}
    params = dict(tower.named_parameters())
    extra = sorted(set(saved) - {f"tower.{name}" for name in params})
    if extra:
        raise ValueError(f"--stage0-from {source}: its vision tower does not fit this config's model "
                         f"({extra[0].removeprefix('tower.')}: not in the config's tower)")
    for name, param in params.items():
        shape = saved.get(f"tower.{name}")
        if shape != tuple(param.shape):
            found = "missing" if shape is None else f"shape {list(shape)}"
            raise ValueError(f"--stage0-from {source}: its vision tower does not fit this config's model "
                             f"({name}: {found}, config: {list(param.shape)})")
