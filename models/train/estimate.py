"""`sqinspect train --estimate`: how long a config's training takes on this machine, from a
few timed steps of each stage, before committing hours to it.

The same machines differ by 2.5x between sessions here (a stage-0 step of the default config took
0.19 s on one and 0.54 s on another), so a wall time quoted from elsewhere plans nothing.
The estimate renders a small sample of the config's data, builds its model and runs each stage's
own batches, losses and optimiser for `warmup + steps` steps; the time per step, times the
config's steps, is the stage's estimate. Rendering and loading are scaled from the sample.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import torch
from tqdm import tqdm

from models.modeling_sqllava import SQLlavaForConditionalGeneration
from models.train.config import TrainConfig
from models.train.data import SynthImages, read_groundtruth
from models.train.pipeline import (Stage, build_tokenizer, caption_stage, ensure_dataset, instruction_stage,
                                   model_config, vision_stage)

log = logging.getLogger(__name__)


def time_steps(stage: Stage, steps: int, warmup: int) -> float:
    """Seconds per optimiser step of `stage` (as run_stage steps: forward, backward, clip, AdamW)."""
    optimizer = torch.optim.AdamW(stage.param_groups, weight_decay=stage.weight_decay)
    params = [p for group in stage.param_groups for p in group["params"]]
    t0 = 0.0
    for k in tqdm(range(warmup + steps), desc=f"timing {stage.name}", unit="step", leave=False):
        if k == warmup:
            _sync(params)
            t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        stage.loss_fn(k)["loss"].backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
    _sync(params)
    return (time.perf_counter() - t0) / steps


def _sync(params: list[torch.Tensor]) -> None:
    if params and params[0].is_cuda:  # CUDA runs asynchronously: wait for the queued steps before reading the clock
        torch.cuda.synchronize(params[0].device)


def estimate(cfg: TrainConfig, steps: int = 10, warmup: int = 3, sample: int = 256,
             skip_stage0: bool = False) -> dict:
    """Measured seconds per step and estimated seconds of every stage, and of rendering and loading
    the config's data. Nothing is written outside a temporary folder."""
    if steps < 1 or warmup < 0 or sample < 16:
        raise ValueError("the estimate needs at least 1 timed step, no negative warm-up and a sample of 16 images")
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.train.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")  # as training picks it
    d = cfg.data
    images = d.train_count + d.val_count
    with tempfile.TemporaryDirectory(prefix="sqinspect-estimate-") as tmp:
        t = time.perf_counter()
        data_dir = ensure_dataset(Path(tmp) / "train", sample, d.train_seed, d.image_size, d.workers)
        render_s = time.perf_counter() - t
        gts = read_groundtruth(data_dir)
        tokenizer = build_tokenizer(cfg, gts, Path(tmp) / "tokenizer.json")
        grid = d.image_size // cfg.model.patch_size
        t = time.perf_counter()
        data = SynthImages(data_dir, d.image_size, grid, stem_grids=tuple(cfg.stage0.stem_grids))
        load_s = time.perf_counter() - t
        model = SQLlavaForConditionalGeneration(model_config(cfg, tokenizer)).to(device)

        rows = {"data": {"images": images, "render_s_per_image": render_s / sample,
                         "load_s_per_image": load_s / sample, "seconds": (render_s + load_s) / sample * images}}
        stage0, _, taps = vision_stage(model, cfg, data, device)
        if skip_stage0:
            rows["stage0"] = {"steps": stage0.steps, "skipped": True, "seconds": 0.0}
        else:
            rows["stage0"] = _row(stage0, steps, warmup)
        taps.remove()
        rows["stage1"] = _row(caption_stage(model, cfg, tokenizer, data, device), steps, warmup)
        rows["stage2"] = _row(instruction_stage(model, cfg, tokenizer, data, cfg.model.template, device), steps, warmup)
    total = sum(r["seconds"] for r in rows.values())
    return {"device": device.type, "threads": cfg.train.threads, "timed_steps": steps, "warmup_steps": warmup,
            "sample_images": sample, "rows": rows, "total_seconds": total}


def _row(stage: Stage, steps: int, warmup: int) -> dict:
    log.info("timing %s: %d steps after %d of warm-up", stage.name, steps, warmup)
    per_step = time_steps(stage, steps, warmup)
    return {"steps": stage.steps, "s_per_step": per_step, "seconds": per_step * stage.steps}


def format_estimate(result: dict) -> str:
    lines = [f"{'part':<8} {'steps':>7} {'s/step':>8} {'minutes':>8}"]
    for name, row in result["rows"].items():
        if name == "data":
            lines.append(f"{'data':<8} {row['images']:>7} {'':>8} {row['seconds'] / 60:>8.1f}  "
                         f"(render + load, {row['images']} images)")
        elif row.get("skipped"):
            lines.append(f"{name:<8} {row['steps']:>7} {'':>8} {'-':>8}  (taken from --stage0-from)")
        else:
            lines.append(f"{name:<8} {row['steps']:>7} {row['s_per_step']:>8.3f} {row['seconds'] / 60:>8.1f}")
    lines.append(f"{'total':<8} {'':>7} {'':>8} {result['total_seconds'] / 60:>8.1f}  "
                 f"({result['device']}, {result['threads']} thread(s); {result['timed_steps']} timed steps per stage after "
                 f"{result['warmup_steps']} of warm-up; the threshold's calibration is not included)")
    return "\n".join(lines)
